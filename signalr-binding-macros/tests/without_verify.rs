//! The attribute against signalr-binding built without its `verify` feature: handlers without
//! key arguments compile, and a key argument is one compile error that names the feature and
//! points at the argument.
//!
//! The fixture is a crate of its own (`tests/without_verify/`), since one build of a test
//! cannot turn off a feature of its own dependency; it shares the workspace's target
//! directory root, in a subdirectory, so the dependencies are built once.

use std::path::Path;
use std::process::{Command, Output};

fn cargo_check(features: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("../target/without-verify");
    let mut command = Command::new(env!("CARGO"));
    command
        .arg("check")
        .arg("--quiet")
        .arg("--message-format=short")
        .arg("--manifest-path")
        .arg(root.join("tests/without_verify/Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS");
    if !features.is_empty() {
        command.arg("--features").arg(features.join(","));
    }
    command.output().expect("cargo runs")
}

#[test]
fn without_verify_a_key_argument_is_an_error_naming_the_feature() {
    let plain = cargo_check(&[]);
    assert!(
        plain.status.success(),
        "a handler without key arguments must compile without `verify`:\n{}",
        String::from_utf8_lossy(&plain.stderr)
    );

    let keyed = cargo_check(&["key-argument"]);
    let stderr = String::from_utf8_lossy(&keyed.stderr);
    assert!(
        !keyed.status.success(),
        "a key argument compiled without `verify`"
    );
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    let ours: Vec<&&str> = errors
        .iter()
        .filter(|l| l.contains("needs the `verify` feature"))
        .collect();
    assert_eq!(ours.len(), 1, "one error naming the feature:\n{stderr}");
    // The short format is `path:line:column: error: message`: the argument is on line 19.
    assert!(
        ours[0].contains("src/main.rs:19:"),
        "points at the argument:\n{stderr}"
    );
    assert!(
        errors
            .iter()
            .all(|l| l.contains("verify") || l.contains("could not compile")),
        "no other error:\n{stderr}"
    );
}
