//! The official `@microsoft/signalr` client (Node, `tests/e2e/emulator_client.mjs`) against the
//! emulator, over each transport and both hub protocols: it negotiates through a negotiate
//! endpoint this test serves, connects to the emulator, receives a broadcast, a message to its
//! user and one to its group sent through the REST API, and invokes a method answered by an
//! upstream this test serves.
//!
//! Needs `node` and the pinned packages of `tests/e2e` (`npm ci` is run when they are missing);
//! without node, or outside the repository, the test says so and passes.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use signalr_emulator::protocol::{self, HubMessage, Outcome};
use signalr_emulator::{Emulator, RunningEmulator, UpstreamTemplate};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const KEY: &str = "official-client-test-key-0123456789";
const LIMIT: Duration = Duration::from_secs(40);

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn mint(claims: Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(KEY.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn e2e_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e")
}

/// Whether node and the packages are there, installing the packages if needed.
async fn node_ready() -> bool {
    if !e2e_dir().join("emulator_client.mjs").exists() {
        eprintln!("tests/e2e is not here (a packaged crate): the official client test is skipped");
        return false;
    }
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    if !node.is_ok_and(|s| s.success()) {
        // CI installs Node.js (`.ci/run`), so there a missing node is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "node is not installed, and CI must run the official client test"
        );
        eprintln!("node is not installed: the official client test is skipped");
        return false;
    }
    let installed = e2e_dir().join("node_modules/@microsoft/signalr-protocol-msgpack/package.json");
    if installed.exists() {
        return true;
    }
    let npm = tokio::time::timeout(
        Duration::from_secs(300),
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(e2e_dir())
            .stdout(Stdio::null())
            .status(),
    )
    .await;
    match npm {
        Ok(Ok(status)) if status.success() => true,
        _ => panic!("`npm ci` in tests/e2e failed: the official client cannot run"),
    }
}

/// A negotiate function, as the binding serves it: `{url, accessToken}` for user `alice`.
async fn negotiate_server(emulator: &RunningEmulator) -> String {
    let url = format!("{}/client/?hub=chat", emulator.endpoint());
    let app = axum::Router::new().route(
        "/api/negotiate",
        post(move || {
            let url = url.clone();
            async move {
                let token = mint(json!({
                    "asrs.s.uid": "alice",
                    "nbf": now(),
                    "iat": now(),
                    "exp": now() + 3600,
                    "aud": "http://127.0.0.1/client/?hub=chat",
                }));
                axum::Json(json!({ "url": url, "accessToken": token }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// An upstream answering `echo` with its first argument, in the caller's protocol.
async fn upstream_server() -> String {
    let app = axum::Router::new().fallback(async |headers: HeaderMap, body: Bytes| {
        let binary = headers
            .get("content-type")
            .is_some_and(|v| v == "application/x-msgpack");
        let decoded = if binary {
            protocol::decode_msgpack(&body)
        } else {
            protocol::decode_json(&body)
        };
        match decoded {
            Ok(HubMessage::Invocation {
                invocation_id: Some(id),
                target,
                arguments,
                ..
            }) if target == "echo" => {
                let completion = HubMessage::Completion {
                    invocation_id: id,
                    outcome: Outcome::Result(arguments.into_iter().next().unwrap_or(Value::Null)),
                };
                let bytes = if binary {
                    protocol::encode_msgpack(&completion)
                } else {
                    protocol::encode_json(&completion)
                };
                (StatusCode::OK, bytes).into_response()
            }
            _ => StatusCode::NO_CONTENT.into_response(),
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

async fn rest(emulator: &RunningEmulator, method: &str, path: &str, body: Value) -> StatusCode {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let url = format!("http://{}{path}", emulator.local_addr());
    let token = mint(json!({"aud": url, "exp": now() + 600}));
    let request = http::Request::builder()
        .method(method)
        .uri(&url)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        })))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status();
    let _ = response.into_body().collect().await;
    status
}

async fn run_client(emulator: &RunningEmulator, negotiate: &str, transport: &str, protocol: &str) {
    let mut child = Command::new("node")
        .arg("emulator_client.mjs")
        .args([
            "--url",
            negotiate,
            "--transport",
            transport,
            "--protocol",
            protocol,
        ])
        .args(["--timeout-ms", "30000"])
        .current_dir(e2e_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut transcript = Vec::new();
    let outcome = tokio::time::timeout(LIMIT, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            transcript.push(line.clone());
            if let Some(rest_of_line) = line.strip_prefix("connected ") {
                let id = rest_of_line.split(' ').next().unwrap().to_owned();
                let hub = "/api/v1/hubs/chat";
                assert_eq!(
                    rest(
                        emulator,
                        "PUT",
                        &format!("{hub}/groups/g1/connections/{id}"),
                        Value::Null
                    )
                    .await,
                    StatusCode::OK
                );
                for (path, target, arguments) in [
                    (hub.to_owned(), "broadcast", json!(["to everyone", 1])),
                    (format!("{hub}/users/alice"), "user", json!(["to alice"])),
                    (
                        format!("{hub}/groups/g1"),
                        "group",
                        json!([{"group": "g1"}]),
                    ),
                ] {
                    let body = json!({"target": target, "arguments": arguments});
                    assert_eq!(
                        rest(emulator, "POST", &path, body).await,
                        StatusCode::ACCEPTED
                    );
                }
            }
        }
        child.wait().await.unwrap()
    })
    .await;
    let transcript = transcript.join("\n");
    match outcome {
        Ok(status) => assert!(
            status.success(),
            "{transport}/{protocol}: the client exited with {status}:\n{transcript}"
        ),
        Err(_) => panic!("{transport}/{protocol}: no result within {LIMIT:?}:\n{transcript}"),
    }
    assert!(
        transcript.contains("echo \"hello upstream\""),
        "{transcript}"
    );
    let expected_transport = match transport {
        "websockets" => "WebSocketTransport",
        "serversentevents" => "ServerSentEventsTransport",
        _ => "LongPollingTransport",
    };
    assert!(
        transcript.contains(expected_transport),
        "{transport}/{protocol}: {transcript}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_client_works_over_each_transport_and_protocol() {
    if !node_ready().await {
        return;
    }
    let upstream = upstream_server().await;
    let emulator = Emulator::builder()
        .host("127.0.0.1")
        .port(0)
        .access_key(KEY)
        .upstream(UpstreamTemplate::new(format!(
            "{upstream}/{{hub}}/{{event}}"
        )))
        .start()
        .await
        .unwrap();
    let negotiate = negotiate_server(&emulator).await;
    for (transport, protocol) in [
        ("websockets", "json"),
        ("websockets", "messagepack"),
        ("serversentevents", "json"),
        ("longpolling", "json"),
        ("longpolling", "messagepack"),
    ] {
        run_client(&emulator, &negotiate, transport, protocol).await;
    }
    emulator.shutdown().await;
}
