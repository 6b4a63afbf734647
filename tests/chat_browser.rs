//! The chat example in a real browser: the example serves in this process on a free loopback
//! port, with the emulator it starts when `AzureSignalRConnectionString` is not given; then
//! `tests/e2e/chat_browser.mjs` drives headless Chromium (Debian's `chromium` package, through
//! `playwright-core`) to open the page as alice and as bob, send from each, and check that both
//! pages show both messages, in order. Screenshots of the two pages are saved under
//! `target/tmp/chat-browser/`.
//!
//! Without `node` or Chromium (`/usr/bin/chromium`, or the path in `CHROMIUM`) the test is
//! skipped, saying so, unless `CI` is set, when it fails instead.

mod common;

#[path = "../examples/chat.rs"]
#[allow(dead_code)]
mod chat;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::*;

/// How long the browser run may take; the script bounds itself at twice its own timeout.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);
const SCRIPT_TIMEOUT_MS: &str = "30000";

/// The Chromium to drive, or `None` (with the reason printed) when there is none and CI is
/// not set.
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    let why = format!("no Chromium at {}", path.display());
    if under_ci() {
        panic!(
            "{test}: {why}; CI is set, so the browser test must run. Install it (`apt-get install chromium`) or set CHROMIUM."
        );
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {why}. Install Debian's `chromium` package (or set CHROMIUM) to run \
         the chat in a browser (with CI set, this fails instead)."
    );
    None
}

#[test]
fn two_users_chat_in_headless_chromium() {
    const TEST: &str = "two_users_chat_in_headless_chromium";
    let Some(node) = node_or_skip(TEST) else {
        return;
    };
    let Some(chromium) = chromium_or_skip(TEST) else {
        return;
    };
    npm_packages();
    eprintln!("node {node}, {}", chromium.display());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let chat = runtime
        .block_on(chat::start(0, chat::Service::Emulator))
        .expect("the chat example starts");
    assert!(chat.emulator.is_some(), "the example runs its own emulator");

    let screenshots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("chat-browser");
    let mut command = Command::new("node");
    command
        .current_dir(e2e_dir())
        .arg("chat_browser.mjs")
        .arg("--url")
        .arg(format!("http://{}", chat.local_addr))
        .arg("--screenshots")
        .arg(&screenshots)
        .arg("--chromium")
        .arg(&chromium)
        .args(["--timeout-ms", SCRIPT_TIMEOUT_MS]);
    let mut browser = Running::spawn("chat_browser.mjs", command);
    let status = browser.wait_timeout(BROWSER_TIMEOUT);
    let transcript = browser.transcript();
    eprintln!("{transcript}");
    match status {
        Some(status) if status.success() => {}
        Some(status) => panic!("the browser run failed ({status}):\n{transcript}"),
        None => panic!("the browser run did not finish within {BROWSER_TIMEOUT:?}:\n{transcript}"),
    }
    let lines = browser.stdout_lines();
    assert!(
        lines.iter().any(|l| l.ends_with(" done")),
        "the script did not finish:\n{transcript}"
    );
    for user in ["alice", "bob"] {
        let shot = screenshots.join(format!("{user}.png"));
        let bytes = std::fs::read(&shot).unwrap_or_else(|e| panic!("{}: {e}", shot.display()));
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is not a PNG",
            shot.display()
        );
        eprintln!("screenshot: {}", shot.display());
    }
    chat.server.abort();
    runtime.block_on(chat.emulator.unwrap().shutdown());
}
