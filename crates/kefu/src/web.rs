//! The front end's files (`web/` at the repository root): embedded in the
//! binary at build time (`build.rs`), or read from a folder with
//! `--web-dir` while developing them, so that a change shows on reload.

use std::borrow::Cow;
use std::path::PathBuf;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

/// Where the files come from.
#[derive(Clone, Debug, Default)]
pub enum Assets {
    #[default]
    Embedded,
    /// A `web/` folder on disk, read at every request, never cached.
    Dir(PathBuf),
}

/// One file, ready to serve.
pub struct Asset {
    /// Borrowed from the binary, or read from `--web-dir`.
    pub bytes: Cow<'static, [u8]>,
    /// Gzipped, when it was compressed at build time.
    pub gzipped: Option<&'static [u8]>,
    pub content_type: &'static str,
}

impl Assets {
    /// The version in asset URLs (`/assets/{version}/...`): the hash of the
    /// embedded files, so they can be cached for good; `dev` from a folder.
    pub fn version(&self) -> &'static str {
        match self {
            Assets::Embedded => embedded::BUILD_ID,
            Assets::Dir(_) => "dev",
        }
    }

    /// Whether a response may be cached for good.
    pub fn immutable(&self) -> bool {
        matches!(self, Assets::Embedded)
    }

    /// The file at `path` under `web/` (e.g. `console/main.js`). Only the
    /// folders the build embeds are served from a `--web-dir` too.
    pub async fn get(&self, path: &str) -> Option<Asset> {
        if path
            .split('/')
            .any(|part| part.is_empty() || part.starts_with('.'))
        {
            return None;
        }
        let content_type = content_type(path)?;
        match self {
            Assets::Embedded => embedded::FILES
                .iter()
                .find(|(name, _, _)| *name == path)
                .map(|(_, bytes, gz)| Asset {
                    bytes: Cow::Borrowed(*bytes),
                    gzipped: Some(gz),
                    content_type,
                }),
            Assets::Dir(root) => {
                if !SERVED.iter().any(|dir| path.starts_with(dir)) {
                    return None;
                }
                let bytes = tokio::fs::read(root.join(path)).await.ok()?;
                Some(Asset {
                    bytes: Cow::Owned(bytes),
                    gzipped: None,
                    content_type,
                })
            }
        }
    }
}

/// The folders under `web/` that are served (as `build.rs` embeds them).
const SERVED: &[&str] = &["console/", "widget/", "shared/", "vendor/lit-html/"];

/// Only these kinds are served; anything else under `web/` is not.
fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1;
    Some(match ext {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_embedded_console_and_widget_are_there() {
        let assets = Assets::Embedded;
        for page in ["console/index.html", "widget/chat.html", "widget/embed.js"] {
            let asset = assets.get(page).await.expect(page);
            assert!(!asset.bytes.is_empty());
            assert!(asset.gzipped.is_some_and(|gz| gz.len() < asset.bytes.len()));
        }
    }

    #[tokio::test]
    async fn paths_outside_the_served_folders_are_not_served() {
        let assets = Assets::Dir(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../web"
        )));
        assert!(assets.get("../Cargo.toml").await.is_none());
        assert!(assets.get("package.json").await.is_none());
        assert!(assets.get("vendor/verify.mjs").await.is_none());
        assert!(assets.get("console//index.html").await.is_none());
        assert!(assets.get("shared/http.js").await.is_some());
    }
}
