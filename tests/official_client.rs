//! End to end with the official JavaScript client (`@microsoft/signalr`, pinned in
//! `tests/e2e/package-lock.json`), in Node:
//!
//! 1. `tests/e2e/standin.mjs`, a stand-in for Azure SignalR Service, listens on a loopback port;
//! 2. the `negotiate` example serves in this process, on a loopback port, with a connection
//!    string pointing at the stand-in;
//! 3. `tests/e2e/client.mjs` starts a connection to `http://127.0.0.1:PORT/api` with the
//!    `x-ms-client-principal-id` header: the example answers with connection info, the client
//!    repeats the negotiate against the stand-in with `Authorization: Bearer`, and the
//!    stand-in checks the token with the npm `jsonwebtoken` verifier (signature with the access
//!    key; audience the client endpoint without its port, as Azure/azure-signalr's
//!    `DefaultServiceEndpointGenerator` makes it; not expired; `asrs.s.uid` equal to the
//!    header), then carries the connection over LongPolling through the hub handshake and one
//!    call.
//!
//! The same runs against the `hyper` example and the Azure Functions custom handler. Any step
//! that does not happen fails the test. Without `node` the test is skipped, saying so,
//! unless `CI` is set, when it fails instead. The npm packages are installed from the lockfile
//! (`npm ci`) when `tests/e2e/node_modules` is missing or older than the lockfile.

mod common;

#[path = "../examples/azure_functions_handler.rs"]
#[allow(dead_code)]
mod azure_functions_handler;
#[path = "../examples/hyper.rs"]
#[allow(dead_code)]
mod hyper_example;
#[path = "../examples/negotiate.rs"]
#[allow(dead_code)]
mod negotiate;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use axum::Extension;
use signalr_binding::BindingContext;

use common::*;

const USER: &str = "alice";
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

fn e2e_dir() -> PathBuf {
    repo_root().join("tests").join("e2e")
}

/// `Some(version)` when `node` runs; otherwise skips (prints why) or, under CI, fails.
fn node_or_skip(test: &str) -> Option<String> {
    match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => {
            Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        }
        other => {
            let why = match other {
                Ok(output) => format!("`node --version` exited with {}", output.status),
                Err(error) => format!("`node` cannot be run: {error}"),
            };
            if under_ci() {
                panic!(
                    "{test}: {why}; CI is set, so this end-to-end test must run. Install Node.js 18 or newer."
                );
            }
            // Straight to the process's stderr, past the test harness's capture, so that a
            // plain `cargo test` shows it although the test passes.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: {why}. Install Node.js 18 or newer to run the end-to-end test \
                 with the official client (with CI set, this fails instead)."
            );
            None
        }
    }
}

/// Installs the pinned npm packages once per test process, when they are missing.
fn npm_packages() {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    let result = once(&DONE, || {
        let dir = e2e_dir();
        // npm writes node_modules/.package-lock.json when it installs: missing, or older than
        // the lockfile, means the packages are missing or out of date.
        let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let installed = modified(dir.join("node_modules").join(".package-lock.json"));
        let wanted = modified(dir.join("package-lock.json"));
        let complete = ["@microsoft/signalr", "jsonwebtoken"].iter().all(|p| {
            dir.join("node_modules")
                .join(p)
                .join("package.json")
                .is_file()
        });
        if complete && installed.is_some() && installed >= wanted {
            return Ok(());
        }
        eprintln!(
            "installing the e2e npm packages from the lockfile: npm ci in {}",
            dir.display()
        );
        let mut npm = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
        npm.current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
        let mut running = Running::spawn("npm ci", npm);
        match running.wait_timeout(Duration::from_secs(600)) {
            Some(status) if status.success() => Ok(()),
            Some(status) => Err(format!(
                "npm ci failed ({status})\n{}",
                running.transcript()
            )),
            None => Err(format!(
                "npm ci did not finish within 10 minutes\n{}",
                running.transcript()
            )),
        }
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

fn start_standin(expected_user: &str) -> (Running, u16) {
    let mut command = Command::new("node");
    command.current_dir(e2e_dir()).args([
        "standin.mjs",
        "--access-key",
        TEST_ACCESS_KEY,
        "--user-id",
        expected_user,
        "--hub",
        "chat",
        // Ends by itself if this test process dies without killing it.
        "--exit-on-stdin-close",
    ]);
    let mut standin = Running::spawn("stand-in", command);
    let line = standin.wait_for_line("port line", STARTUP_TIMEOUT, |_| true);
    let port = line.trim().parse().unwrap_or_else(|_| {
        panic!(
            "stand-in's first line is not a port: {line:?}\n{}",
            standin.transcript()
        )
    });
    (standin, port)
}

/// Runs the client; returns its exit code and its transcript.
fn run_client(negotiate: std::net::SocketAddr, user: &str) -> (Option<i32>, String) {
    let mut command = Command::new("node");
    command.current_dir(e2e_dir()).args([
        "client.mjs",
        "--url",
        &format!("http://{negotiate}/api"),
        "--user-id",
        user,
        "--timeout-ms",
        "45000",
    ]);
    let mut client = Running::spawn("client", command);
    let status = client.wait_timeout(CLIENT_TIMEOUT);
    let code = match status {
        Some(status) => status.code(),
        None => panic!(
            "the client did not exit within {CLIENT_TIMEOUT:?}\n{}",
            client.transcript()
        ),
    };
    (code, client.transcript())
}

/// Settings with `connection_string` as `AzureSignalRConnectionString`.
fn settings(connection_string: &str) -> BindingContext {
    BindingContext::new().with_settings(HashMap::from([(
        "AzureSignalRConnectionString".to_owned(),
        connection_string.to_owned(),
    )]))
}

/// Starts the stand-in and, with `serve`, an example pointed at it; runs the official client
/// as [`USER`] and checks every step. Returns the stand-in and the example (for more runs);
/// `None` when the test is skipped.
fn connect_through(
    test: &str,
    example: &str,
    serve: impl FnOnce(BindingContext) -> InProcess,
) -> Option<(Running, InProcess)> {
    let node = node_or_skip(test)?;
    npm_packages();
    eprintln!("node {node}");

    let (standin, standin_port) = start_standin(USER);
    let server = serve(settings(&loopback_connection_string(standin_port)));
    let addr = server.addr;

    let (code, client_transcript) = run_client(addr, USER);
    let report = || format!("{client_transcript}{}", standin.transcript());
    assert_eq!(
        code,
        Some(0),
        "{example}: the client did not connect (exit codes: see tests/e2e/client.mjs)\n{}",
        report()
    );

    let lines = standin.stdout_lines();
    for step in [
        "check request ok",
        "check bearer ok",
        "check signature ok",
        "check header ok",
        "check audience ok (http://127.0.0.1/client/?hub=chat)",
        "check expiry ok",
        "check asrs.s.uid ok",
        "negotiate ok user=\"alice\"",
        "transport connected LongPolling",
        "handshake ok protocol=json",
        "invocation whoami -> \"alice\"",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(step)),
            "{example}: the stand-in did not report `{step}`\n{}",
            report()
        );
    }
    assert!(
        !lines.iter().any(|l| l.contains("FAIL")),
        "{example}: the stand-in reported a failure\n{}",
        report()
    );
    assert!(
        client_transcript.contains(&format!(
            "http POST http://{addr}/api/negotiate?negotiateVersion=1 -> 200"
        )),
        "{example}: the client's first negotiate went to the example\n{}",
        report()
    );
    assert!(
        client_transcript.contains(&format!(
            "http POST http://127.0.0.1:{standin_port}/client/negotiate?hub=chat&negotiateVersion=1 -> 200 (bearer)"
        )),
        "{example}: the client's second negotiate went to the stand-in with a bearer token\n{}",
        report()
    );
    println!("{}", report());
    Some((standin, server))
}

#[test]
fn official_client_connects_through_the_negotiate_example() {
    let Some((standin, server)) = connect_through(
        "official_client_connects_through_the_negotiate_example",
        "negotiate",
        |context| InProcess::axum(negotiate::app().layer(Extension(context))),
    ) else {
        return;
    };

    // The same set-up with a user the stand-in does not expect: the token carries `bob`, the
    // stand-in refuses it, and the client says the second negotiate failed (exit 4). This shows
    // the checks can fail.
    let (code, client_transcript) = run_client(server.addr, "bob");
    assert_eq!(
        code,
        Some(4),
        "a token for another user must be refused\n{client_transcript}{}",
        standin.transcript()
    );
    let lines = standin.stdout_lines();
    assert!(
        lines.iter().any(|l| l.starts_with("check asrs.s.uid FAIL")),
        "the stand-in names the failed check\n{}",
        standin.transcript()
    );
}

#[test]
fn official_client_connects_through_the_hyper_example() {
    connect_through(
        "official_client_connects_through_the_hyper_example",
        "hyper",
        |context| InProcess::start(move |listener| hyper_example::serve(listener, context)),
    );
}

#[test]
fn official_client_connects_through_the_azure_functions_handler() {
    connect_through(
        "official_client_connects_through_the_azure_functions_handler",
        "azure_functions_handler",
        |context| InProcess::axum(azure_functions_handler::app().layer(Extension(context))),
    );
}

/// The stand-in's verifier is not a rubber stamp: tokens that are wrong in one way each are
/// refused, each for its own reason.
#[test]
fn standin_refuses_bad_tokens() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};

    let test = "standin_refuses_bad_tokens";
    if node_or_skip(test).is_none() {
        return;
    }
    npm_packages();
    let (standin, port) = start_standin(USER);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let good_aud = "http://127.0.0.1/client/?hub=chat";
    let mint = |key: &str, aud: &str, uid: &str, exp: i64| {
        let claims = serde_json::json!({ "asrs.s.uid": uid, "nbf": now - 10, "iat": now - 10, "exp": exp, "aud": aud });
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(key.as_bytes()).expect("an HMAC key"),
        )
        .unwrap()
    };
    let negotiate = |token: &str| {
        http(
            addr,
            "POST",
            "/client/negotiate?hub=chat&negotiateVersion=1",
            &[("Authorization", &format!("Bearer {token}"))],
        )
    };

    let good = negotiate(&mint(TEST_ACCESS_KEY, good_aud, USER, now + 3600));
    assert_eq!(
        good.status,
        200,
        "a good token is accepted: {}\n{}",
        good.body,
        standin.transcript()
    );
    assert_eq!(
        good.json()["availableTransports"][0]["transport"],
        "LongPolling"
    );

    for (why, token, expected) in [
        (
            "wrong key",
            mint("another-key", good_aud, USER, now + 3600),
            "signature",
        ),
        (
            "audience with the port",
            mint(
                TEST_ACCESS_KEY,
                &format!("http://127.0.0.1:{port}/client/?hub=chat"),
                USER,
                now + 3600,
            ),
            "audience",
        ),
        (
            "other user",
            mint(TEST_ACCESS_KEY, good_aud, "mallory", now + 3600),
            "asrs.s.uid",
        ),
        (
            "expired",
            mint(TEST_ACCESS_KEY, good_aud, USER, now - 60),
            "expiry",
        ),
    ] {
        let response = negotiate(&token);
        assert_eq!(response.status, 401, "{why}: {}", response.body);
        assert!(
            response.body.contains(expected),
            "{why}: the refusal names `{expected}`: {}",
            response.body
        );
    }
    let response = http(
        addr,
        "POST",
        "/client/negotiate?hub=chat&negotiateVersion=1",
        &[],
    );
    assert_eq!(response.status, 401, "no token: {}", response.body);
}
