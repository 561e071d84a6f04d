//! Uploaded media (images, audio), stored content-addressed under the data
//! folder: the same bytes uploaded twice are stored once, and a name can never
//! point outside the media folder.

use std::path::PathBuf;

use crate::ids::{random_token, sha256_hex};

/// Largest image, decoded.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// Largest audio clip, decoded.
pub const MAX_AUDIO_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("image must be a JPEG")]
    NotJpeg,
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
}

impl MediaStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Stores a JPEG and returns its name (`<sha256>.jpg`).
    pub async fn put_image(&self, bytes: &[u8]) -> Result<String, MediaError> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(MediaError::TooLarge {
                limit: MAX_IMAGE_BYTES,
            });
        }
        // SOI marker then the first segment marker; anything else is not JPEG.
        if bytes.len() < 4 || bytes[..3] != [0xFF, 0xD8, 0xFF] {
            return Err(MediaError::NotJpeg);
        }
        self.put(bytes, "jpg").await
    }

    /// Stores an audio clip and returns its name (`<sha256>.<ext>`).
    pub async fn put_audio(&self, bytes: &[u8]) -> Result<String, MediaError> {
        if bytes.len() > MAX_AUDIO_BYTES {
            return Err(MediaError::TooLarge {
                limit: MAX_AUDIO_BYTES,
            });
        }
        let ext = audio_extension(bytes).ok_or(MediaError::UnknownAudio)?;
        self.put(bytes, ext).await
    }

    /// Reads a stored file by name; `None` for a name that was never issued.
    pub async fn get(&self, name: &str) -> Option<(Vec<u8>, &'static str)> {
        let (hash, ext) = name.split_once('.')?;
        let content_type = content_type(ext)?;
        if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let bytes = tokio::fs::read(self.path_of(hash, ext)).await.ok()?;
        Some((bytes, content_type))
    }

    async fn put(&self, bytes: &[u8], ext: &str) -> Result<String, MediaError> {
        let hash = sha256_hex(bytes);
        let path = self.path_of(&hash, ext);
        if tokio::fs::try_exists(&path).await? {
            return Ok(format!("{hash}.{ext}"));
        }
        let dir = path.parent().expect("media paths have a parent folder");
        tokio::fs::create_dir_all(dir).await?;
        // Write then rename, so a reader never sees half a file.
        let tmp = dir.join(format!(".{}.tmp", random_token(12)));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(format!("{hash}.{ext}"))
    }

    fn path_of(&self, hash: &str, ext: &str) -> PathBuf {
        self.root.join(&hash[..2]).join(format!("{hash}.{ext}"))
    }
}

fn audio_extension(bytes: &[u8]) -> Option<&'static str> {
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

    #[test]
    fn audio_formats_are_told_by_their_magic() {
        assert_eq!(audio_extension(b"#!AMR\n...."), Some("amr"));
        assert_eq!(audio_extension(b"ID3\x04...."), Some("mp3"));
        assert_eq!(audio_extension(b"OggS\0...."), Some("ogg"));
        assert_eq!(audio_extension(b"RIFF\0\0\0\0WAVEfmt "), Some("wav"));
        assert_eq!(audio_extension(b"\0\0\0\x20ftypM4A "), Some("m4a"));
        assert_eq!(audio_extension(b"hello"), None);
    }

    #[tokio::test]
    async fn images_are_checked_and_stored_once_by_content() {
        let dir = std::env::temp_dir().join(format!("kefu-media-{}", random_token(8)));
        let media = MediaStore::new(&dir);
        assert!(matches!(
            media.put_image(b"GIF89a....").await,
            Err(MediaError::NotJpeg)
        ));
        let big = vec![0xFF; MAX_IMAGE_BYTES + 1];
        assert!(matches!(
            media.put_image(&big).await,
            Err(MediaError::TooLarge { .. })
        ));
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
        let name = media.put_image(&jpeg).await.unwrap();
        assert_eq!(media.put_image(&jpeg).await.unwrap(), name);
        let (bytes, content_type) = media.get(&name).await.unwrap();
        assert_eq!(bytes, jpeg);
        assert_eq!(content_type, "image/jpeg");
        assert!(media.get("../../etc/passwd.jpg").await.is_none());
        assert!(media.get(&name.replace(".jpg", ".exe")).await.is_none());
        std::fs::remove_dir_all(dir).ok();
    }
}
