//! Uploaded media (images, audio), stored per tenant under unguessable names
//! in the data folder: `<tenant>/<32 random characters>.<ext>`, so nobody
//! can test whether some file was ever uploaded (a content hash would
//! answer that) and a name can never point outside the media folder.
//!
//! An image is accepted only if it decodes as a JPEG, fully, within a pixel
//! budget (a few bytes can claim a huge picture); audio is told by its magic.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Semaphore;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use crate::ids::random_token;

/// Largest image, decoded.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// Largest audio clip, decoded.
pub const MAX_AUDIO_BYTES: usize = 4 * 1024 * 1024;
/// Largest side and area of an image, in pixels.
pub const MAX_IMAGE_SIDE: usize = 8192;
pub const MAX_IMAGE_PIXELS: usize = 24_000_000;
/// Images decoded at once: each holds its picture (one byte per pixel) for
/// a moment.
const DECODING_AT_ONCE: usize = 2;
/// Random characters of a stored name (about 190 bits).
const NAME_CHARS: usize = 32;
/// The file that says the media folder holds no file of the old layout.
const MOVED_MARK: &str = ".per-tenant";

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("image must be a JPEG that decodes: {0}")]
    NotJpeg(String),
    #[error("audio must be AMR, MP3, AAC, M4A, OGG or WAV")]
    UnknownAudio,
    #[error("larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

#[derive(Clone, Debug)]
pub struct MediaStore {
    root: PathBuf,
    decoding: Arc<Semaphore>,
}

/// A stored file: its bytes and content type.
pub struct Media {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

impl MediaStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            decoding: Arc::new(Semaphore::new(DECODING_AT_ONCE)),
        }
    }

    /// Stores a JPEG of `tenant_id` and returns its path (`<tenant>/<name>.jpg`).
    pub async fn put_image(&self, tenant_id: i64, bytes: Vec<u8>) -> Result<String, MediaError> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(MediaError::TooLarge {
                limit: MAX_IMAGE_BYTES,
            });
        }
        let bytes = {
            let _turn =
                self.decoding.acquire().await.map_err(|_| {
                    MediaError::Io(std::io::Error::other("the media store is closing"))
                })?;
            tokio::task::spawn_blocking(move || check_jpeg(&bytes).map(|()| bytes))
                .await
                .map_err(|e| MediaError::Io(std::io::Error::other(e)))??
        };
        self.put(tenant_id, &bytes, "jpg").await
    }

    /// Stores an audio clip of `tenant_id` and returns its path.
    pub async fn put_audio(&self, tenant_id: i64, bytes: &[u8]) -> Result<String, MediaError> {
        if bytes.len() > MAX_AUDIO_BYTES {
            return Err(MediaError::TooLarge {
                limit: MAX_AUDIO_BYTES,
            });
        }
        let ext = audio_extension(bytes).ok_or(MediaError::UnknownAudio)?;
        self.put(tenant_id, bytes, ext).await
    }

    /// Reads a stored file by its path; `None` for a path never issued.
    pub async fn get(&self, tenant: &str, name: &str) -> Option<Media> {
        let tenant: i64 = tenant.parse().ok().filter(|t| *t > 0)?;
        let (stem, ext) = name.split_once('.')?;
        let content_type = content_type(ext)?;
        if stem.len() != NAME_CHARS || !stem.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let bytes = tokio::fs::read(self.path_of(tenant, stem, ext))
            .await
            .ok()?;
        Some(Media {
            bytes,
            content_type,
        })
    }

    async fn put(&self, tenant_id: i64, bytes: &[u8], ext: &str) -> Result<String, MediaError> {
        let stem = random_token(NAME_CHARS);
        let path = self.path_of(tenant_id, &stem, ext);
        let dir = path.parent().expect("media paths have a parent folder");
        tokio::fs::create_dir_all(dir).await?;
        // Write then rename, so a reader never sees half a file.
        let tmp = dir.join(format!(".{}.tmp", random_token(12)));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(format!("{tenant_id}/{stem}.{ext}"))
    }

    /// Whether files still lie in the layout before per-tenant names
    /// (`<hh>/<sha256>.<ext>`, shared by all tenants): until the one-time
    /// move marks the folder done.
    pub async fn has_legacy_layout(&self) -> bool {
        tokio::fs::try_exists(&self.root).await.unwrap_or(false)
            && !tokio::fs::try_exists(self.root.join(MOVED_MARK))
                .await
                .unwrap_or(false)
    }

    /// A file of the old layout, by its old name.
    pub async fn read_legacy(&self, name: &str) -> Option<(Vec<u8>, String)> {
        let (hash, ext) = legacy_name(name)?;
        let bytes = tokio::fs::read(self.root.join(&hash[..2]).join(name))
            .await
            .ok()?;
        Some((bytes, ext.to_owned()))
    }

    /// Stores `bytes` of a moved file for `tenant_id`; its new path.
    pub async fn store_moved(
        &self,
        tenant_id: i64,
        bytes: &[u8],
        ext: &str,
    ) -> Result<String, MediaError> {
        self.put(tenant_id, bytes, ext).await
    }

    /// Deletes every file of the old layout and marks the folder done.
    pub async fn finish_legacy_move(&self) -> Result<(), MediaError> {
        let mut dirs = tokio::fs::read_dir(&self.root).await?;
        while let Some(dir) = dirs.next_entry().await? {
            let is_legacy_dir = dir.file_name().len() == 2 && dir.file_type().await?.is_dir();
            if !is_legacy_dir {
                continue;
            }
            let mut files = tokio::fs::read_dir(dir.path()).await?;
            while let Some(file) = files.next_entry().await? {
                let name = file.file_name();
                if name.to_str().and_then(legacy_name).is_some() {
                    tokio::fs::remove_file(file.path()).await?;
                }
            }
        }
        tokio::fs::write(self.root.join(MOVED_MARK), b"per-tenant media names\n").await?;
        Ok(())
    }

    fn path_of(&self, tenant_id: i64, stem: &str, ext: &str) -> PathBuf {
        self.root
            .join(tenant_id.to_string())
            .join(&stem[..2])
            .join(format!("{stem}.{ext}"))
    }
}

/// Decodes the whole picture (to grey, to spend a byte per pixel), after
/// its header says it is within the budget.
pub(crate) fn check_jpeg(bytes: &[u8]) -> Result<(), MediaError> {
    check_jpeg_with(bytes, DecoderOptions::default())
}

/// [`check_jpeg`] over `options` (tests turn the SIMD paths off, to reach
/// the scalar code every CPU without them runs).
fn check_jpeg_with(bytes: &[u8], options: DecoderOptions) -> Result<(), MediaError> {
    let options = options
        .set_strict_mode(true)
        .set_max_width(MAX_IMAGE_SIDE)
        .set_max_height(MAX_IMAGE_SIDE)
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    let mut decoder = JpegDecoder::new_with_options(bytes, options);
    let bad = |e: zune_jpeg::errors::DecodeErrors| MediaError::NotJpeg(e.to_string());
    decoder.decode_headers().map_err(bad)?;
    let info = decoder
        .info()
        .ok_or_else(|| MediaError::NotJpeg("no image header".into()))?;
    if usize::from(info.width) * usize::from(info.height) > MAX_IMAGE_PIXELS {
        return Err(MediaError::NotJpeg(format!(
            "{}×{} pixels is more than {MAX_IMAGE_PIXELS}",
            info.width, info.height
        )));
    }
    // The decoder is third-party code fed untrusted bytes: a panic in it
    // (fuzzing found integer overflows in zune-jpeg's IDCT) is a refused
    // upload, not a failed request. It holds no state of ours to poison.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decoder.decode())) {
        Ok(decoded) => decoded.map(drop).map_err(bad),
        Err(_) => {
            tracing::warn!("the JPEG decoder panicked on an upload; refused as not a JPEG");
            Err(MediaError::NotJpeg("the image cannot be decoded".into()))
        }
    }
}

/// An old-layout name, `<sha256 hex>.<ext>`, as (hash, ext).
fn legacy_name(name: &str) -> Option<(&str, &str)> {
    let (hash, ext) = name.split_once('.')?;
    content_type(ext)?;
    (hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then_some((hash, ext))
}

pub(crate) fn audio_extension(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"#!AMR") {
        Some("amr")
    } else if starts(b"ID3")
        || (bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0 && bytes[1] & 0x06 != 0)
    {
        Some("mp3")
    } else if bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xF6 == 0xF0 {
        Some("aac")
    } else if bytes.len() > 8 && &bytes[4..8] == b"ftyp" {
        Some("m4a")
    } else if starts(b"OggS") {
        Some("ogg")
    } else if starts(b"RIFF") && bytes.len() > 12 && &bytes[8..12] == b"WAVE" {
        Some("wav")
    } else {
        None
    }
}

fn content_type(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "jpg" => "image/jpeg",
        "amr" => "audio/amr",
        "mp3" => "audio/mpeg",
        "aac" => "audio/aac",
        "m4a" => "audio/mp4",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = include_bytes!("../tests/fixtures/tiny.jpg");

    #[test]
    fn audio_formats_are_told_by_their_magic() {
        assert_eq!(audio_extension(b"#!AMR\n...."), Some("amr"));
        assert_eq!(audio_extension(b"ID3\x04...."), Some("mp3"));
        assert_eq!(audio_extension(b"OggS\0...."), Some("ogg"));
        assert_eq!(audio_extension(b"RIFF\0\0\0\0WAVEfmt "), Some("wav"));
        assert_eq!(audio_extension(b"\0\0\0\x20ftypM4A "), Some("m4a"));
        assert_eq!(audio_extension(b"hello"), None);
    }

    /// Inputs on which fuzzing (fuzz/, target `media`) made the decoder
    /// panic: each is refused like any other broken JPEG.
    #[test]
    fn jpegs_that_make_the_decoder_panic_are_refused() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoder-panics");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(matches!(check_jpeg(&bytes), Err(MediaError::NotJpeg(_))));
            // The scalar IDCT, where the overflow is (debug builds panic there).
            let scalar = DecoderOptions::default().set_use_unsafe(false);
            assert!(matches!(
                check_jpeg_with(&bytes, scalar),
                Err(MediaError::NotJpeg(_))
            ));
            seen += 1;
        }
        assert!(seen > 0, "the crash inputs are there");
    }

    #[test]
    fn only_whole_jpegs_within_the_budget_pass() {
        assert!(check_jpeg(JPEG).is_ok());
        // JPEG's first bytes and nothing after them.
        assert!(check_jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).is_err());
        // A real JPEG cut short.
        assert!(check_jpeg(&JPEG[..JPEG.len() / 2]).is_err());
        assert!(check_jpeg(include_bytes!("../tests/fixtures/tiny.png")).is_err());
        // The same picture, claiming 8000×8000 in its frame header.
        let mut huge = JPEG.to_vec();
        let sof = huge
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("a baseline frame header");
        huge[sof + 5..sof + 9].copy_from_slice(&[0x1F, 0x40, 0x1F, 0x40]);
        assert!(check_jpeg(&huge).is_err());
    }

    #[tokio::test]
    async fn files_are_stored_per_tenant_under_fresh_names() {
        let dir = std::env::temp_dir().join(format!("kefu-media-{}", random_token(8)));
        let media = MediaStore::new(&dir);
        let first = media.put_image(7, JPEG.to_vec()).await.unwrap();
        let second = media.put_image(7, JPEG.to_vec()).await.unwrap();
        assert_ne!(first, second, "the same bytes get another name");
        let (tenant, name) = first.split_once('/').unwrap();
        assert_eq!(tenant, "7");
        let got = media.get(tenant, name).await.unwrap();
        assert_eq!(got.bytes, JPEG);
        assert_eq!(got.content_type, "image/jpeg");
        assert!(media.get("8", name).await.is_none(), "another tenant's");
        assert!(media.get("7", "../../etc/passwd.jpg").await.is_none());
        assert!(media
            .get("7", &name.replace(".jpg", ".exe"))
            .await
            .is_none());
        assert!(matches!(
            media.put_image(7, vec![0xFF; MAX_IMAGE_BYTES + 1]).await,
            Err(MediaError::TooLarge { .. })
        ));
        std::fs::remove_dir_all(dir).ok();
    }
}
