//! The front end (web/) type-checks (`tsc` with `checkJs`, strict) and its
//! vendored lit-html is byte for byte the published package: `npm run
//! check` in web/. Needs `npm ci` there first (`.ci/run` does it); without
//! it the test says SKIPPED, with `KEFU_TEST_WEB=required` it fails.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_front_end_type_checks_and_its_vendored_library_is_the_published_one() {
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web");
    if !web.join("node_modules/.bin/tsc").exists() {
        assert_ne!(
            std::env::var("KEFU_TEST_WEB").as_deref(),
            Ok("required"),
            "KEFU_TEST_WEB=required but web/node_modules is missing: run npm ci in web/"
        );
        eprintln!("SKIPPED the front end's type check: run `npm ci` in web/ first");
        return;
    }
    let output = Command::new("npm")
        .args(["run", "--silent", "check"])
        .current_dir(&web)
        .output()
        .expect("npm runs");
    assert!(
        output.status.success(),
        "npm run check failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
