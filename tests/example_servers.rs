//! The example servers (axum, plain hyper, Azure Functions custom handler) each serve a
//! negotiate answer that an independent verifier accepts, and refuse a request without the
//! user-id header with a 400, never a 500. One real HTTP request each, to the real binary.

mod common;

use common::*;

const USER: &str = "alice";
const URL: &str = "http://127.0.0.1:8888/client/?hub=chat";
const AUDIENCE: &str = "http://127.0.0.1/client/?hub=chat";

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

fn assert_missing_header_is_400(addr: std::net::SocketAddr) {
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

#[test]
fn axum_example_serves_connection_info_on_post_and_get() {
    let cs = loopback_connection_string(8888);
    let (mut server, addr) = start_example("negotiate", &["--port", "0"], Some(&cs), &[]);
    let lines = server.stdout_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("from AzureSignalRConnectionString")),
        "{lines:?}"
    );

    for method in ["POST", "GET"] {
        let response = http(
            addr,
            method,
            "/api/negotiate?negotiateVersion=1",
            &[("x-ms-client-principal-id", USER)],
        );
        check_connection_info(&response, URL, TEST_ACCESS_KEY, AUDIENCE, USER);
    }
    assert_missing_header_is_400(addr);
    assert_eq!(http(addr, "GET", "/elsewhere", &[]).status, 404);
    assert_eq!(http(addr, "DELETE", "/api/negotiate", &[]).status, 405);

    server.stop();
    assert_no_secret(&server);
}

#[test]
fn axum_example_falls_back_to_the_emulator_and_says_so() {
    let (mut server, addr) = start_example("negotiate", &["--port", "0"], None, &[]);
    let lines = server.stdout_lines();
    assert!(
        lines[0].starts_with("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines.iter().take(4).any(|l| l.contains("emulator")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .take(4)
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
        "http://localhost:8888/client/?hub=chat",
        EMULATOR_ACCESS_KEY,
        "http://localhost/client/?hub=chat",
        USER,
    );
    server.stop();
    assert_no_secret(&server);
}

#[test]
fn axum_example_cors_is_configurable() {
    let cs = loopback_connection_string(8888);
    let origin = "http://localhost:5173";
    let (mut server, addr) = start_example(
        "negotiate",
        &["--port", "0", "--cors-origin", origin],
        Some(&cs),
        &[],
    );

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
    let (mut plain, plain_addr) = start_example("negotiate", &["--port", "0"], Some(&cs), &[]);
    let response = http(
        plain_addr,
        "POST",
        "/api/negotiate",
        &[("Origin", origin), ("x-ms-client-principal-id", USER)],
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), None);

    // `*` (here from the environment variable) allows any origin, without credentials.
    let (mut any, any_addr) = start_example(
        "negotiate",
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
fn hyper_example_serves_connection_info() {
    let cs = loopback_connection_string(8888);
    let (mut server, addr) = start_example("hyper", &["--port", "0"], Some(&cs), &[]);
    for method in ["POST", "GET"] {
        let response = http(
            addr,
            method,
            "/api/negotiate?negotiateVersion=1",
            &[("X-MS-Client-Principal-Id", USER)],
        );
        check_connection_info(&response, URL, TEST_ACCESS_KEY, AUDIENCE, USER);
    }
    assert_missing_header_is_400(addr);
    assert_eq!(http(addr, "GET", "/", &[]).status, 404);
    assert_eq!(http(addr, "PUT", "/api/negotiate", &[]).status, 405);
    server.stop();
    assert_no_secret(&server);
}

#[test]
fn azure_functions_handler_serves_connection_info_on_the_host_port() {
    let cs = loopback_connection_string(8888);
    // The Functions host gives the port in FUNCTIONS_CUSTOMHANDLER_PORT; 0 lets the system pick.
    let (mut server, addr) = start_example(
        "azure_functions_handler",
        &[],
        Some(&cs),
        &[("FUNCTIONS_CUSTOMHANDLER_PORT", "0")],
    );
    let response = http(
        addr,
        "POST",
        "/api/negotiate",
        &[("x-ms-client-principal-id", USER)],
    );
    check_connection_info(&response, URL, TEST_ACCESS_KEY, AUDIENCE, USER);
    assert_missing_header_is_400(addr);
    server.stop();
    assert_no_secret(&server);
}

#[test]
fn a_bad_connection_string_is_a_500_that_does_not_leak_it() {
    let cs = format!("Endpoint=not a url;AccessKey={TEST_ACCESS_KEY}");
    let (mut server, addr) = start_example("negotiate", &["--port", "0"], Some(&cs), &[]);
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
fn the_examples_explain_bad_arguments() {
    let output = std::process::Command::new(example_binary("negotiate"))
        .args(["--port", "seventy"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--port: `seventy` is not a port number"),
        "{stderr}"
    );
    assert!(stderr.contains("usage:"), "{stderr}");
}
