//! The examples' servers (axum, plain hyper, Azure Functions custom handler), run in this
//! process on a loopback port, and the bench-server binary, run as a process: each serves a
//! negotiate answer that an independent verifier accepts, and refuses a request without the
//! user-id header with a 400, never a 500. The chat example serves its page and bundle,
//! negotiates with its own emulator, and broadcasts through the REST API (a 502 naming the
//! endpoint when the service is gone).

mod common;

#[path = "../examples/azure_functions_handler.rs"]
#[allow(dead_code)]
mod azure_functions_handler;
#[path = "../examples/chat.rs"]
#[allow(dead_code)]
mod chat;
#[path = "../examples/hyper.rs"]
#[allow(dead_code)]
mod hyper_example;
#[path = "../examples/negotiate.rs"]
#[allow(dead_code)]
mod negotiate;

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Extension;
use signalr_binding::BindingContext;

use common::*;

const USER: &str = "alice";
const URL: &str = "http://127.0.0.1:8888/client/?hub=chat";
const AUDIENCE: &str = "http://127.0.0.1/client/?hub=chat";
const EMULATOR_URL: &str = "http://localhost:8888/client/?hub=chat";
const EMULATOR_AUDIENCE: &str = "http://localhost/client/?hub=chat";

/// Settings with `connection_string` as `AzureSignalRConnectionString`, whatever this process's
/// environment holds.
fn settings(connection_string: &str) -> BindingContext {
    BindingContext::new().with_settings(HashMap::from([(
        "AzureSignalRConnectionString".to_owned(),
        connection_string.to_owned(),
    )]))
}

fn negotiate_example(context: BindingContext) -> InProcess {
    InProcess::axum(negotiate::app().layer(Extension(context)))
}

fn hyper_example(context: BindingContext) -> InProcess {
    InProcess::start(move |listener| hyper_example::serve(listener, context))
}

fn azure_functions_handler(context: BindingContext) -> InProcess {
    InProcess::axum(azure_functions_handler::app().layer(Extension(context)))
}

fn assert_no_secret(running: &Running) {
    let transcript = running.transcript();
    for secret in [TEST_ACCESS_KEY, EMULATOR_ACCESS_KEY] {
        assert!(
            !transcript.contains(secret),
            "{} printed an access key:\n{transcript}",
            running.name
        );
    }
    assert!(
        !transcript.contains("eyJ"),
        "{} printed a token:\n{transcript}",
        running.name
    );
}

fn assert_missing_header_is_400(addr: SocketAddr) {
    let response = http(addr, "POST", "/api/negotiate", &[]);
    assert_eq!(response.status, 400, "body: {}", response.body);
    let json = response.json();
    assert_eq!(json["error"]["code"], "missing_header", "{json}");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-ms-client-principal-id"),
        "the message names the header: {json}"
    );
}

fn assert_serves_connection_info(addr: SocketAddr, methods: &[&str]) {
    for method in methods {
        let response = http(
            addr,
            method,
            "/api/negotiate?negotiateVersion=1",
            &[("X-MS-Client-Principal-Id", USER)],
        );
        check_connection_info(&response, URL, TEST_ACCESS_KEY, AUDIENCE, USER);
    }
    assert_missing_header_is_400(addr);
}

#[test]
fn negotiate_example_serves_connection_info_on_post_and_get() {
    let server = negotiate_example(settings(&loopback_connection_string(8888)));
    assert_serves_connection_info(server.addr, &["POST", "GET"]);
    assert_eq!(http(server.addr, "GET", "/elsewhere", &[]).status, 404);
    assert_eq!(
        http(server.addr, "DELETE", "/api/negotiate", &[]).status,
        405
    );
}

#[test]
fn hyper_example_serves_connection_info_on_post_and_get() {
    let server = hyper_example(settings(&loopback_connection_string(8888)));
    assert_serves_connection_info(server.addr, &["POST", "GET"]);
    assert_eq!(http(server.addr, "GET", "/", &[]).status, 404);
    let put = http(server.addr, "PUT", "/api/negotiate", &[]);
    assert_eq!(put.status, 405);
    assert_eq!(put.header("allow"), Some("GET, POST"));
}

#[test]
fn azure_functions_handler_serves_its_function_json_binding() {
    let server = azure_functions_handler(settings(&loopback_connection_string(8888)));
    assert_serves_connection_info(server.addr, &["POST", "GET"]);
}

#[test]
fn azure_functions_handler_listens_on_the_port_the_host_gives() {
    assert_eq!(azure_functions_handler::port(Some("40123")), 40123);
    assert_eq!(azure_functions_handler::port(None), 7071, "run by hand");
}

#[test]
fn the_examples_fall_back_to_the_emulator() {
    let servers = [
        negotiate_example(negotiate::emulator_settings()),
        hyper_example(hyper_example::emulator_settings()),
        azure_functions_handler(azure_functions_handler::emulator_settings()),
    ];
    for server in &servers {
        let response = http(
            server.addr,
            "POST",
            "/api/negotiate",
            &[("x-ms-client-principal-id", USER)],
        );
        check_connection_info(
            &response,
            EMULATOR_URL,
            EMULATOR_ACCESS_KEY,
            EMULATOR_AUDIENCE,
            USER,
        );
    }
}

#[test]
fn the_examples_answer_a_bad_connection_string_with_a_500_without_the_key() {
    let context = || settings(&format!("Endpoint=not a url;AccessKey={TEST_ACCESS_KEY}"));
    let servers = [
        negotiate_example(context()),
        hyper_example(context()),
        azure_functions_handler(context()),
    ];
    for server in &servers {
        let response = http(
            server.addr,
            "POST",
            "/api/negotiate",
            &[("x-ms-client-principal-id", USER)],
        );
        assert_eq!(response.status, 500, "body: {}", response.body);
        assert!(!response.body.contains(TEST_ACCESS_KEY));
        assert_eq!(
            response.json()["error"]["code"],
            "invalid_connection_string"
        );
    }
}

#[test]
fn bench_server_serves_connection_info_and_ping() {
    let cs = loopback_connection_string(8888);
    let (mut server, addr) = start_bench_server(&["--port", "0"], Some(&cs), &[]);
    let lines = server.stdout_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("from AzureSignalRConnectionString")),
        "{lines:?}"
    );
    assert_serves_connection_info(addr, &["POST", "GET"]);
    assert_eq!(http(addr, "GET", "/elsewhere", &[]).status, 404);
    assert_eq!(http(addr, "DELETE", "/api/negotiate", &[]).status, 405);
    for method in ["POST", "GET"] {
        let ping = http(addr, method, "/api/ping", &[]);
        assert_eq!((ping.status, ping.body.as_str()), (200, "pong\n"));
    }
    server.stop();
    assert_no_secret(&server);
}

#[test]
fn bench_server_falls_back_to_the_emulator_and_says_so() {
    let (mut server, addr) = start_bench_server(&["--port", "0"], None, &[]);
    let lines = server.stdout_lines();
    assert!(
        lines[0].starts_with("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("emulator")), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("try: curl ")
                && l.contains(&format!("http://{addr}/api/negotiate"))),
        "{lines:?}"
    );
    let response = http(
        addr,
        "POST",
        "/api/negotiate",
        &[("x-ms-client-principal-id", USER)],
    );
    check_connection_info(
        &response,
        EMULATOR_URL,
        EMULATOR_ACCESS_KEY,
        EMULATOR_AUDIENCE,
        USER,
    );
    server.stop();
    assert_no_secret(&server);
}

#[test]
fn bench_server_cors_is_configurable() {
    let cs = loopback_connection_string(8888);
    let origin = "http://localhost:5173";
    let (mut server, addr) =
        start_bench_server(&["--port", "0", "--cors-origin", origin], Some(&cs), &[]);

    let preflight = |from: &str| {
        http(
            addr,
            "OPTIONS",
            "/api/negotiate?negotiateVersion=1",
            &[
                ("Origin", from),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "x-requested-with,x-signalr-user-agent,x-ms-client-principal-id",
                ),
            ],
        )
    };
    let allowed = preflight(origin);
    assert!(allowed.status < 300, "preflight status {}", allowed.status);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some(origin),
        "{allowed:?}"
    );
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true"),
        "{allowed:?}"
    );
    let headers = allowed
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    for needed in [
        "x-signalr-user-agent",
        "x-requested-with",
        "x-ms-client-principal-id",
    ] {
        assert!(headers.contains(needed), "{needed} not allowed: {headers}");
    }

    let other = preflight("http://evil.example");
    assert_eq!(
        other.header("access-control-allow-origin"),
        None,
        "{other:?}"
    );

    let response = http(
        addr,
        "POST",
        "/api/negotiate?negotiateVersion=1",
        &[("Origin", origin), ("x-ms-client-principal-id", USER)],
    );
    assert_eq!(response.header("access-control-allow-origin"), Some(origin));
    check_connection_info(&response, URL, TEST_ACCESS_KEY, AUDIENCE, USER);

    // Without --cors-origin no CORS headers are sent.
    let (mut plain, plain_addr) = start_bench_server(&["--port", "0"], Some(&cs), &[]);
    let response = http(
        plain_addr,
        "POST",
        "/api/negotiate",
        &[("Origin", origin), ("x-ms-client-principal-id", USER)],
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), None);

    // `*` (here from the environment variable) allows any origin, without credentials.
    let (mut any, any_addr) = start_bench_server(
        &["--port", "0"],
        Some(&cs),
        &[("SIGNALR_CORS_ORIGINS", "*")],
    );
    let response = http(
        any_addr,
        "OPTIONS",
        "/api/negotiate",
        &[
            ("Origin", "http://anywhere.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
    );
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.header("access-control-allow-credentials"), None);
    server.stop();
    plain.stop();
    any.stop();
}

#[test]
fn bench_server_says_what_is_wrong_with_a_bad_connection_string_and_logs_it() {
    let cs = format!("Endpoint=not a url;AccessKey={TEST_ACCESS_KEY}");
    let (mut server, addr) = start_bench_server(&["--port", "0"], Some(&cs), &[]);
    let lines = server.stdout_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("is set but invalid: Invalid value for endpoint property")),
        "the banner says what is wrong: {lines:?}"
    );
    let response = http(
        addr,
        "POST",
        "/api/negotiate",
        &[("x-ms-client-principal-id", USER)],
    );
    assert_eq!(response.status, 500, "body: {}", response.body);
    assert!(!response.body.contains(TEST_ACCESS_KEY));
    assert_eq!(
        response.json()["error"]["code"],
        "invalid_connection_string"
    );
    server.stop();
    assert_no_secret(&server);
    assert!(
        server
            .stderr_lines()
            .iter()
            .any(|l| l.contains("invalid_connection_string")),
        "the server logs the cause:\n{}",
        server.transcript()
    );
}

#[test]
fn bench_server_explains_bad_arguments() {
    let output = std::process::Command::new(BENCH_SERVER)
        .args(["--port", "seventy"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid value 'seventy' for '--port <N>'"),
        "{stderr}"
    );
    assert!(stderr.contains("--help"), "{stderr}");
}

/// One request with a body.
fn http_with_body(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> HttpResponse {
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(
        request
            .body(http_body_util::Full::new(hyper::body::Bytes::from(
                body.to_owned(),
            )))
            .unwrap(),
    )
}

#[test]
fn the_chat_serves_its_page_negotiates_and_broadcasts() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut chat = runtime
        .block_on(chat::start(0, chat::Service::Emulator))
        .unwrap();
    let addr = chat.local_addr;
    let emulator = chat.emulator.take().expect("the chat runs an emulator");

    let page = http(addr, "GET", "/", &[]);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.body.contains(r#"<script src="signalr.js">"#),
        "{}",
        page.body
    );
    let bundle = http(addr, "GET", "/signalr.js", &[]);
    assert_eq!(bundle.status, 200);
    assert!(bundle.body.contains("HubConnectionBuilder"));
    let license = http(addr, "GET", "/signalr.LICENSE.txt", &[]);
    assert!(license.body.contains("The MIT License"), "{}", license.body);

    // Negotiate through the attribute: the emulator's URL and a token for the header's user.
    assert_eq!(http(addr, "POST", "/api/negotiate", &[]).status, 400);
    let answer = http(addr, "POST", "/api/negotiate", &[(chat::USER_HEADER, USER)]);
    check_connection_info(
        &answer,
        &format!("{}/client/?hub=chat", emulator.endpoint()),
        EMULATOR_ACCESS_KEY,
        AUDIENCE,
        USER,
    );

    // Messages go out through the REST API: 202 only when the emulator accepted the send.
    let json = [("content-type", "application/json")];
    let as_alice = [json[0], (chat::USER_HEADER, USER)];
    let post = |headers: &[(&str, &str)], body: &str| {
        http_with_body(addr, "POST", "/api/messages", headers, body)
    };
    assert_eq!(post(&as_alice, r#"{"text":"hello"}"#).status, 202);
    assert_eq!(post(&json, r#"{"text":"hello"}"#).status, 401);
    assert_eq!(post(&as_alice, r#"{"text":"   "}"#).status, 400);
    let long = format!(r#"{{"text":"{}"}}"#, "x".repeat(chat::MAX_TEXT + 1));
    assert_eq!(post(&as_alice, &long).status, 400);
    assert!(post(&as_alice, "not json").status >= 400);

    // With the service gone, a send is a 502 that says where it could not go.
    let endpoint = emulator.endpoint();
    runtime.block_on(emulator.shutdown());
    let failed = post(&as_alice, r#"{"text":"lost"}"#);
    assert_eq!(failed.status, 502, "{}", failed.body);
    assert!(
        failed.body.contains(&endpoint) && failed.body.contains("could not reach"),
        "{}",
        failed.body
    );

    chat.server.abort();
}
