//! bench-server (the negotiate handler with request tracing and error logging) at the most
//! verbose log level (`RUST_LOG=trace`) under failing and hostile requests: neither the access
//! key nor a minted token (nor its signature) appears in anything it prints, nor in an error
//! answer's body.

mod common;

use std::net::SocketAddr;

use http::HeaderValue;
use http_body_util::Full;

use common::*;

const USER: &str = "alice";

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} contains a secret ({secret:.12}...):\n{text}"
        );
    }
}

fn trace_server(connection_string: &str) -> (Running, SocketAddr) {
    start_bench_server(
        &["--port", "0"],
        Some(connection_string),
        &[("RUST_LOG", "trace")],
    )
}

#[test]
fn failing_and_hostile_requests_log_no_key_and_no_token() {
    let cs = loopback_connection_string(8888);
    let (mut server, addr) = trace_server(&cs);

    let ok = http(
        addr,
        "POST",
        "/api/negotiate",
        &[("x-ms-client-principal-id", USER)],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let token = ok.json()["accessToken"].as_str().unwrap().to_owned();
    let signature = token.rsplit('.').next().unwrap().to_owned();
    let secrets = [TEST_ACCESS_KEY, token.as_str(), signature.as_str()];

    let bearer = format!("Bearer {token}");
    let long_user = "u".repeat(2000);
    let query_token = format!("/api/negotiate?access_token={token}&id_token={token}");
    type Case<'a> = (&'a str, String, Vec<(&'a str, &'a str)>);
    let failing: Vec<Case> = vec![
        ("missing header", "/api/negotiate".into(), vec![]),
        (
            "token sent back",
            "/api/negotiate".into(),
            vec![("authorization", bearer.as_str())],
        ),
        (
            "token in the query",
            query_token.clone(),
            vec![("authorization", bearer.as_str())],
        ),
        (
            "user id over 1 KiB",
            "/api/negotiate".into(),
            vec![("x-ms-client-principal-id", long_user.as_str())],
        ),
        (
            "user id with a control character (a tab)",
            "/api/negotiate".into(),
            vec![("x-ms-client-principal-id", "a\tb")],
        ),
    ];
    for (what, path, headers) in &failing {
        for method in ["POST", "GET"] {
            let response = http(addr, method, path, headers);
            assert!(
                (400..500).contains(&response.status),
                "{what}: {} {}",
                response.status,
                response.body
            );
            assert_clean(what, &response.body, &secrets);
        }
    }
    // A successful request with the token in the query (as WebSockets clients send it).
    let response = http(
        addr,
        "GET",
        &query_token,
        &[("x-ms-client-principal-id", USER)],
    );
    assert_eq!(response.status, 200);
    let second_token = response.json()["accessToken"].as_str().unwrap().to_owned();

    // Not UTF-8.
    let request = http::Request::post(format!("http://{addr}/api/negotiate"))
        .header(
            "x-ms-client-principal-id",
            HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        )
        .body(Full::default())
        .unwrap();
    let answer = send(request);
    assert_eq!(answer.status, 400, "{answer:?}");
    assert!(answer.body.contains("invalid_header_value"), "{answer:?}");

    server.stop();
    let transcript = server.transcript();
    assert!(
        transcript.contains("negotiate refused"),
        "the refusals are logged:\n{transcript}"
    );
    let second_signature = second_token.rsplit('.').next().unwrap();
    assert_clean(
        "the trace log",
        &transcript,
        &[&secrets[..], &[second_token.as_str(), second_signature]].concat(),
    );
    assert!(
        !transcript.contains("eyJ"),
        "no JWT segment in the log:\n{transcript}"
    );
}

#[test]
fn a_broken_deployment_logs_and_answers_without_the_key() {
    for cs in [
        format!("Endpoint=not a uri;AccessKey={TEST_ACCESS_KEY}"),
        format!("Endpoint=http://127.0.0.1;AccessKey={TEST_ACCESS_KEY};Port=0"),
        format!(
            "Endpoint=https://x;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret={TEST_ACCESS_KEY}"
        ),
        format!("Endpoint=https://user:{TEST_ACCESS_KEY}@x;AccessKey={TEST_ACCESS_KEY}"),
    ] {
        let (mut server, addr) = trace_server(&cs);
        let response = http(
            addr,
            "POST",
            "/api/negotiate",
            &[("x-ms-client-principal-id", USER)],
        );
        assert_clean(&cs, &response.body, &[TEST_ACCESS_KEY]);
        if response.status == 200 {
            // The user-info password case is a valid string: its token must not leak either.
            let token = response.json()["accessToken"].as_str().unwrap().to_owned();
            server.stop();
            assert_clean(&cs, &server.transcript(), &[TEST_ACCESS_KEY, &token]);
            continue;
        }
        assert_eq!(response.status, 500, "{cs}: {}", response.body);
        server.stop();
        let transcript = server.transcript();
        assert!(
            transcript.contains("negotiate failed"),
            "the failure is logged:\n{transcript}"
        );
        assert_clean(&cs, &transcript, &[TEST_ACCESS_KEY]);
    }
}
