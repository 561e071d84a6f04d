//! The `kefu` binary as a user runs it: `kefu serve` on a free port of
//! 127.0.0.1 with a data folder of its own, its banner read, SIGTERM to stop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

pub const KEFU: &str = env!("CARGO_BIN_EXE_kefu");

/// The output of `kefu serve` after its banner.
pub type Output = std::io::Lines<BufReader<ChildStdout>>;

/// A fresh folder under the system's temporary one.
pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kefu-cli-{}", kefu::ids::random_token(10)));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Starts `kefu serve` on a free port and reads its banner up to the API docs
/// line; returns the child, the rest of its output and the banner lines.
pub fn start(data_dir: &Path, flags: &[&str]) -> (Child, Output, Vec<String>) {
    let mut child = Command::new(KEFU)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(flags)
        .env_remove("KEFU_DURABILITY")
        .env_remove("KEFU_DATABASE")
        .env_remove("KEFU_LISTEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run kefu serve");
    let mut output = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut banner = Vec::new();
    for line in output.by_ref() {
        let line = line.expect("a banner line");
        let done = line.contains("API docs:");
        banner.push(line);
        if done {
            break;
        }
    }
    (child, output, banner)
}

/// The base URL the banner's first line names (`http://127.0.0.1:PORT`).
pub fn address(banner: &[String]) -> String {
    banner[0]
        .strip_prefix("kefu is listening on ")
        .unwrap_or_else(|| panic!("banner: {banner:?}"))
        .to_owned()
}

/// The value after `key` on one of these banner lines
/// (`api_key:`, `secret_key:` of the demo tenant).
pub fn banner_value(lines: &[String], key: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| panic!("{key} in {lines:?}"))
}

/// SIGTERM, then the exit status.
pub fn terminate(mut child: Child) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    child.wait().expect("the child's status")
}

/// Stops a child server: SIGTERM (it drains, or stops its own workers),
/// then SIGKILL if it has not exited within 5 s. For `Drop`: errors ignored.
pub fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}
