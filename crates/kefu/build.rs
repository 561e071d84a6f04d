//! Embeds the web front end (`web/` at the repository root: the console and
//! the chat widget, plain ES modules) in the binary, each file as written and
//! gzipped, so that `kefu serve` needs nothing beside it. The build id (a
//! hash of every file) versions the asset URLs, which can then be cached for
//! good.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// What is served from `web/`; the rest (package.json, node_modules, the
/// README, the type-check config) is for developers.
const SERVED: &[&str] = &["console", "widget", "shared", "vendor/lit-html"];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("../../web");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    for dir in SERVED {
        println!("cargo:rerun-if-changed={}", web.join(dir).display());
    }

    let mut files = Vec::new();
    for dir in SERVED {
        collect(&web, &web.join(dir), &mut files);
    }
    files.sort();

    let mut hash = Sha256::new();
    let mut table = String::from("&[\n");
    for (i, (name, path)) in files.iter().enumerate() {
        let bytes = std::fs::read(path).expect("readable web file");
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
        let gz = out.join(format!("web-{i}.gz"));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&bytes).expect("in memory");
        std::fs::write(&gz, encoder.finish().expect("in memory")).expect("writable OUT_DIR");
        writeln!(
            table,
            "    ({name:?}, include_bytes!({:?}), include_bytes!({:?})),",
            path.canonicalize().expect("exists").display().to_string(),
            gz.display().to_string()
        )
        .expect("to a string");
    }
    table.push(']');
    let id: String = hash.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let code = format!(
        "/// The embedded web files: (path under `web/`, bytes, gzipped bytes).\n\
         pub static FILES: &[(&str, &[u8], &[u8])] = {table};\n\
         /// A hash of every embedded file: the asset URLs' version.\n\
         pub const BUILD_ID: &str = {id:?};\n"
    );
    std::fs::write(out.join("web_assets.rs"), code).expect("writable OUT_DIR");
}

/// Every file under `dir`, named by its path under `root` with `/`.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let name = path
                .strip_prefix(root)
                .expect("under root")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((name, path));
        }
    }
}
