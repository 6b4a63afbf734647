//! End to end with the official JavaScript client (`@microsoft/signalr` and
//! `@microsoft/signalr-protocol-msgpack`, pinned in `tests/e2e/package-lock.json`), in Node,
//! against `signalr-emulator`, a local Azure SignalR Service that checks tokens as the real
//! service does:
//!
//! 1. the emulator serves in this process on a loopback port, with a test access key and an
//!    upstream this test serves, which answers the hub method `echo` with its argument;
//! 2. an example (the `negotiate` axum app, the `hyper` one, the Azure Functions custom
//!    handler) serves in this process on a loopback port, with the emulator's connection string
//!    as `AzureSignalRConnectionString`;
//! 3. `tests/e2e/emulator_client.mjs` starts a connection to `http://127.0.0.1:PORT/api` with
//!    the `x-ms-client-principal-id: alice` header: the example answers with connection info,
//!    the client repeats the negotiate against the emulator with the minted token, which the
//!    emulator verifies (HS256 with its access key, `typ`, `exp` and `nbf`, and the audience: the
//!    endpoint without its port, as Azure/azure-signalr's `DefaultServiceEndpointGenerator`
//!    makes it, and the hub), and connects over the transport and hub protocol asked for;
//! 4. through the emulator's REST API the test sends a message to user `bob` and one to a group
//!    the connection is not in (neither may arrive), a broadcast, a message to user `alice` (it
//!    arrives only if the token carries `alice`), and, after adding the connection to a group, a
//!    message to that group; the client checks each message, invokes `echo`, which the emulator
//!    relays to the upstream, and checks the result.
//!
//! The `negotiate` example runs over each transport (WebSockets, Server-Sent Events, long
//! polling) and hub protocol (JSON, MessagePack; Server-Sent Events carry text only, so
//! MessagePack goes over the other two); the `hyper` example and the custom handler over
//! WebSockets with JSON; a handler with the attribute's `router` argument takes two emulators
//! with different keys as two endpoints in turn. Any step that does not happen fails the test. The negative checks:
//! tokens minted wrong in one way each are refused, each for its own reason, and an example
//! configured with another access key than the emulator's makes the client's second negotiate
//! fail.
//!
//! Without `node` the client tests are skipped, saying so, unless `CI` is set, when they fail
//! instead. The npm packages are installed from the lockfile (`npm ci`) when
//! `tests/e2e/node_modules` is missing or older than the lockfile.

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
use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Extension;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use http::{HeaderMap, Request, header};
use http_body_util::Full;
use hyper::body::Bytes;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use signalr_binding::BindingContext;
use signalr_emulator::protocol::{self, HubMessage, Outcome};
use signalr_emulator::{Emulator, RunningEmulator, UpstreamTemplate};

use common::*;

const USER: &str = "alice";
/// The hub of every example, in the REST API.
const HUB_PATH: &str = "/api/v1/hubs/chat";
/// How long one client run may take; the client gives up a little earlier by itself.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
const CLIENT_TIMEOUT_MS: &str = "45000";

/// `Some(())` when the client can run: node is there and the packages are installed.
fn client_ready(test: &str) -> Option<()> {
    let node = node_or_skip(test)?;
    npm_packages();
    eprintln!("node {node}");
    Some(())
}

/// The runtime the emulators of this test process serve on.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the emulator")
    })
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A token with `header` and `claims`, signed with `key`, by the `jsonwebtoken` crate.
fn mint(header: &Header, claims: &Value, key: &str) -> String {
    jsonwebtoken::encode(
        header,
        claims,
        &EncodingKey::from_secret(key.as_bytes()).expect("an HMAC key"),
    )
    .unwrap()
}

/// The emulator, with an access key and the upstream, both serving until dropped.
struct Service {
    emulator: RunningEmulator,
    access_key: &'static str,
    /// `X-ASRS-User-Id` of each `echo` invocation the upstream answered.
    echo_users: Arc<Mutex<Vec<String>>>,
    _upstream: InProcess,
}

impl Service {
    /// An emulator with [`TEST_ACCESS_KEY`].
    fn start() -> Self {
        Self::with_key(TEST_ACCESS_KEY)
    }

    fn with_key(access_key: &'static str) -> Self {
        Self::with_builder(access_key, |builder| builder)
    }

    /// An emulator with `access_key`, configured further by `configure`.
    fn with_builder(
        access_key: &'static str,
        configure: impl FnOnce(signalr_emulator::EmulatorBuilder) -> signalr_emulator::EmulatorBuilder,
    ) -> Self {
        let echo_users = Arc::new(Mutex::new(Vec::new()));
        let upstream = InProcess::axum(upstream_app(Arc::clone(&echo_users)));
        let template = format!("http://{}/{{hub}}/{{event}}", upstream.addr);
        let emulator = runtime()
            .block_on(
                configure(
                    Emulator::builder()
                        .host("127.0.0.1")
                        .port(0)
                        .access_key(access_key)
                        .upstream(UpstreamTemplate::new(template)),
                )
                .start(),
            )
            .expect("the emulator starts on a loopback port");
        Self {
            emulator,
            access_key,
            echo_users,
            _upstream: upstream,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.emulator.local_addr()
    }

    /// A REST API call with a token for its URL, and a JSON body when `body` is given.
    fn rest(&self, method: &str, path: &str, body: Option<Value>) -> HttpResponse {
        let url = format!("http://{}{path}", self.addr());
        let token = mint(
            &Header::new(Algorithm::HS256),
            &json!({ "aud": url, "exp": now() + 600 }),
            self.access_key,
        );
        let request = Request::builder()
            .method(method)
            .uri(&url)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::from(body.map(|b| b.to_string()).unwrap_or_default()))
            .expect("a valid request");
        send(request)
    }

    /// [`Service::rest`], which must answer `status`.
    fn rest_expect(&self, status: u16, method: &str, path: &str, body: Option<Value>) {
        let response = self.rest(method, path, body);
        assert_eq!(
            response.status, status,
            "{method} {path}: {}",
            response.body
        );
    }
}

/// The upstream: answers an `echo` invocation with its first argument, in the caller's
/// protocol, and records the user the emulator said made it; every other event gets `204`.
fn upstream_app(echo_users: Arc<Mutex<Vec<String>>>) -> axum::Router {
    axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let echo_users = Arc::clone(&echo_users);
        async move {
            let binary = headers
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v == "application/x-msgpack");
            let decoded = if binary {
                protocol::decode_msgpack(&body)
            } else {
                protocol::decode_json(&body)
            };
            match decoded {
                Ok(HubMessage::Invocation {
                    invocation_id: Some(invocation_id),
                    target,
                    arguments,
                    ..
                }) if target == "echo" => {
                    let user = headers
                        .get("x-asrs-user-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("(none)");
                    echo_users.lock().unwrap().push(user.to_owned());
                    let completion = HubMessage::Completion {
                        invocation_id,
                        outcome: Outcome::Result(arguments.into_iter().next().unwrap_or_default()),
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
        }
    })
}

/// Settings with `connection_string` as `AzureSignalRConnectionString`.
fn settings(connection_string: &str) -> BindingContext {
    BindingContext::new().with_settings(HashMap::from([(
        "AzureSignalRConnectionString".to_owned(),
        connection_string.to_owned(),
    )]))
}

/// Starts the client as [`USER`] through the negotiate endpoint at `negotiate`.
fn spawn_client(negotiate: SocketAddr, transport: &str, protocol: &str) -> Running {
    let mut command = Command::new("node");
    command.current_dir(e2e_dir()).args([
        "emulator_client.mjs",
        "--url",
        &format!("http://{negotiate}/api"),
        "--user-id",
        USER,
        "--transport",
        transport,
        "--protocol",
        protocol,
        "--timeout-ms",
        CLIENT_TIMEOUT_MS,
    ]);
    Running::spawn(&format!("client {transport}/{protocol}"), command)
}

/// Waits for the client to exit; its exit code.
fn exit_code(client: &mut Running) -> Option<i32> {
    match client.wait_timeout(CLIENT_TIMEOUT) {
        Some(status) => status.code(),
        None => panic!(
            "{}: did not exit within {CLIENT_TIMEOUT:?}\n{}",
            client.name,
            client.transcript()
        ),
    }
}

/// One run of the client through the example at `negotiate` over `transport` and `protocol`:
/// both negotiates, the connection, the REST messages, the upstream invocation.
fn exchange(
    service: &Service,
    example: &str,
    negotiate: SocketAddr,
    transport: &str,
    protocol: &str,
) {
    let mut client = spawn_client(negotiate, transport, protocol);
    let what = format!("{example}, {transport}/{protocol}");
    let connected = client.wait_for_line("`connected` line", CLIENT_TIMEOUT, |l| {
        l.starts_with("connected ")
    });
    let connection_id = connected.split(' ').nth(1).expect("a connection id");

    service.rest_expect(
        200,
        "PUT",
        &format!("{HUB_PATH}/groups/g1/connections/{connection_id}"),
        None,
    );
    // Sent first, so that either would reach the client before the messages it waits for,
    // and fail it: only a connection of user `bob`, or in group `g2`, may receive them.
    service.rest_expect(
        202,
        "POST",
        &format!("{HUB_PATH}/users/bob"),
        Some(json!({ "target": "user", "arguments": ["to bob"] })),
    );
    service.rest_expect(
        202,
        "POST",
        &format!("{HUB_PATH}/groups/g2"),
        Some(json!({ "target": "group", "arguments": [{ "group": "g2" }] })),
    );
    for (path, target, arguments) in [
        (HUB_PATH.to_owned(), "broadcast", json!(["to everyone", 1])),
        (
            format!("{HUB_PATH}/users/{USER}"),
            "user",
            json!(["to alice"]),
        ),
        (
            format!("{HUB_PATH}/groups/g1"),
            "group",
            json!([{ "group": "g1" }]),
        ),
    ] {
        let body = json!({ "target": target, "arguments": arguments });
        service.rest_expect(202, "POST", &path, Some(body));
    }

    let code = exit_code(&mut client);
    let transcript = client.transcript();
    assert_eq!(
        code,
        Some(0),
        "{what}: the client failed (exit codes: see tests/e2e/emulator_client.mjs)\n{transcript}"
    );
    let lines = client.stdout_lines();
    let expected_transport = match transport {
        "websockets" => "WebSocketTransport",
        "serversentevents" => "ServerSentEventsTransport",
        _ => "LongPollingTransport",
    };
    for step in [
        format!("http POST http://{negotiate}/api/negotiate?negotiateVersion=1 -> 200"),
        format!(
            "http POST http://{}/client/negotiate?hub=chat&negotiateVersion=1 -> 200 (bearer)",
            service.addr()
        ),
        connected.clone(),
        "received broadcast [\"to everyone\",1]".to_owned(),
        "received user [\"to alice\"]".to_owned(),
        "received group [{\"group\":\"g1\"}]".to_owned(),
        "echo \"hello upstream\"".to_owned(),
        "done".to_owned(),
    ] {
        assert!(
            lines.contains(&step),
            "{what}: the client did not print `{step}`\n{transcript}"
        );
    }
    assert!(
        connected.ends_with(expected_transport),
        "{what}: connected over {expected_transport}\n{transcript}"
    );
    assert_eq!(
        service
            .echo_users
            .lock()
            .unwrap()
            .last()
            .map(String::as_str),
        Some(USER),
        "{what}: the upstream's echo came from the token's user\n{transcript}"
    );
    println!("{transcript}");
}

#[test]
fn official_client_connects_through_the_negotiate_example_over_each_transport_and_protocol() {
    if client_ready(
        "official_client_connects_through_the_negotiate_example_over_each_transport_and_protocol",
    )
    .is_none()
    {
        return;
    }
    let service = Service::start();
    let context = settings(&service.emulator.connection_string());
    let server = InProcess::axum(negotiate::app().layer(Extension(context)));
    for (transport, protocol) in [
        ("websockets", "json"),
        ("websockets", "messagepack"),
        ("serversentevents", "json"),
        ("longpolling", "json"),
        ("longpolling", "messagepack"),
    ] {
        exchange(&service, "negotiate", server.addr, transport, protocol);
    }
}

#[test]
fn official_client_connects_through_the_hyper_example() {
    if client_ready("official_client_connects_through_the_hyper_example").is_none() {
        return;
    }
    let service = Service::start();
    let context = settings(&service.emulator.connection_string());
    let server = InProcess::start(move |listener| hyper_example::serve(listener, context));
    exchange(&service, "hyper", server.addr, "websockets", "json");
}

#[test]
fn official_client_connects_through_the_azure_functions_handler() {
    if client_ready("official_client_connects_through_the_azure_functions_handler").is_none() {
        return;
    }
    let service = Service::start();
    let context = settings(&service.emulator.connection_string());
    let server = InProcess::axum(azure_functions_handler::app().layer(Extension(context)));
    exchange(
        &service,
        "azure_functions_handler",
        server.addr,
        "websockets",
        "json",
    );
}

/// Routes the negotiates of [`negotiate_routed`] to each endpoint in turn.
struct Alternate(std::sync::atomic::AtomicUsize);

impl signalr_binding::Router for Alternate {
    fn route<'e>(
        &self,
        _request: Option<&dyn signalr_binding::BindingRequest>,
        endpoints: &'e [signalr_binding::ServiceEndpoint],
    ) -> Option<&'e signalr_binding::ServiceEndpoint> {
        let turn = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        endpoints.get(turn % endpoints.len())
    }
}

static ALTERNATE: Alternate = Alternate(std::sync::atomic::AtomicUsize::new(0));

/// The negotiate example's handler, routed among several endpoints by [`ALTERNATE`].
#[signalr_binding::signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-ms-client-principal-id}",
    router = "ALTERNATE"
)]
async fn negotiate_routed(
    request: axum::extract::Request,
    info: signalr_binding::SignalRConnectionInfo,
) -> Result<signalr_binding::SignalRConnectionInfo, signalr_binding::BindingError> {
    Ok(info)
}

/// Two emulators with different access keys as two endpoints (the binding's own setting and
/// `Azure:SignalR:Endpoints:second`), and an attribute router that takes them in turn: each
/// client negotiates with the endpoint it was routed to, with a token only that endpoint's key
/// verifies, and gets the messages sent through that endpoint's REST API.
#[test]
fn official_client_connects_through_two_endpoints() {
    if client_ready("official_client_connects_through_two_endpoints").is_none() {
        return;
    }
    let first = Service::with_key(TEST_ACCESS_KEY);
    let second = Service::with_key("second-endpoint-access-key-0123456789-abcdefghijklmnop");
    let context = BindingContext::new().with_settings(HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            first.emulator.connection_string(),
        ),
        (
            "Azure:SignalR:Endpoints:second".to_owned(),
            second.emulator.connection_string(),
        ),
    ]));
    let app = axum::Router::new()
        .route("/api/negotiate", axum::routing::post(negotiate_routed))
        .layer(Extension(context));
    let server = InProcess::axum(app);
    // The own setting is the first endpoint, the named one the second.
    for service in [&first, &second, &first, &second] {
        exchange(
            service,
            "routed negotiate",
            server.addr,
            "websockets",
            "json",
        );
    }
}

/// The negotiate example with an identity-based connection string
/// (`AuthType=azure.msi`, feature `identity`): the binding gets an Entra token from an App
/// Service managed-identity stand-in (which checks the resource, the API version and the
/// identity header), fetches the key the emulator issues to that token, and signs with it and
/// its `kid`; the emulator verifies the client's token with that key only.
#[cfg(feature = "identity")]
#[test]
fn official_client_connects_with_an_identity_connection_string() {
    const ENTRA_TOKEN: &str = "entra-token-of-the-e2e-managed-identity";
    const IDENTITY_HEADER: &str = "e2e-identity-header";
    const ISSUED_KEY: &str = "KeyTheEmulatorIssuedToTheIdentity0123456789";
    if client_ready("official_client_connects_with_an_identity_connection_string").is_none() {
        return;
    }
    let refusals = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&refusals);
    let managed_identity = InProcess::axum(axum::Router::new().route(
        "/msi/token",
        axum::routing::get(
            move |query: axum::extract::Query<HashMap<String, String>>, headers: HeaderMap| {
                let seen = Arc::clone(&seen);
                async move {
                    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
                    let problem =
                        if query.get("api-version").map(String::as_str) != Some("2019-08-01") {
                            Some("api-version")
                        } else if query.get("resource").map(String::as_str)
                            != Some("https://signalr.azure.com")
                        {
                            Some("resource")
                        } else if header("x-identity-header") != Some(IDENTITY_HEADER) {
                            Some("x-identity-header")
                        } else {
                            None
                        };
                    if let Some(problem) = problem {
                        seen.lock().unwrap().push(problem.to_owned());
                        return (StatusCode::UNAUTHORIZED, problem.to_owned()).into_response();
                    }
                    let expires_on = (now() + 3600).to_string();
                    axum::Json(json!({
                        "access_token": ENTRA_TOKEN,
                        "expires_on": expires_on,
                        "resource": "https://signalr.azure.com",
                        "token_type": "Bearer",
                    }))
                    .into_response()
                }
            },
        ),
    ));
    // SAFETY: no other test of this binary reads these variables, and std serialises its own
    // environment access; the managed identity credential reads them when the binding first
    // needs a key, after this.
    unsafe {
        std::env::set_var(
            "IDENTITY_ENDPOINT",
            format!("http://{}/msi/token", managed_identity.addr),
        );
        std::env::set_var("IDENTITY_HEADER", IDENTITY_HEADER);
        std::env::set_var("NO_PROXY", "127.0.0.1");
    }
    let service = Service::with_builder(TEST_ACCESS_KEY, |builder| {
        builder.identity_key(ENTRA_TOKEN, "e2e-issued-key", ISSUED_KEY)
    });
    let context = settings(&format!(
        "Endpoint=http://127.0.0.1;Port={};AuthType=azure.msi;Version=1.0;",
        service.addr().port()
    ));
    let server = InProcess::axum(negotiate::app().layer(Extension(context)));
    exchange(
        &service,
        "negotiate, azure.msi",
        server.addr,
        "websockets",
        "json",
    );
    assert!(
        refusals.lock().unwrap().is_empty(),
        "the managed identity stand-in refused: {:?}",
        refusals.lock().unwrap()
    );
}

/// The example configured with another access key than the emulator's: the first negotiate
/// succeeds, the emulator refuses the token it minted, and the client says the second
/// negotiate failed, with the emulator's reason.
#[test]
fn official_client_is_refused_when_the_example_has_another_access_key() {
    if client_ready("official_client_is_refused_when_the_example_has_another_access_key").is_none()
    {
        return;
    }
    let service = Service::start();
    let port = service.addr().port();
    let context = settings(&format!(
        "Endpoint=http://127.0.0.1;Port={port};AccessKey=another-access-key-0123456789;Version=1.0;"
    ));
    let server = InProcess::axum(negotiate::app().layer(Extension(context)));
    let mut client = spawn_client(server.addr, "websockets", "json");
    let code = exit_code(&mut client);
    let transcript = client.transcript();
    assert_eq!(
        code,
        Some(4),
        "the second negotiate must fail (exit 4)\n{transcript}"
    );
    let lines = client.stdout_lines();
    let first = format!(
        "http POST http://{}/api/negotiate?negotiateVersion=1 -> 200",
        server.addr
    );
    let second = format!(
        "http POST http://127.0.0.1:{port}/client/negotiate?hub=chat&negotiateVersion=1 -> 401 (bearer)"
    );
    for step in [first, second] {
        assert!(
            lines.contains(&step),
            "the client did not print `{step}`\n{transcript}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("FAIL: the second negotiate")
                && l.contains("token rejected: signature:")),
        "the client reports the emulator's reason\n{transcript}"
    );
    assert_eq!(
        service.emulator.connection_count(),
        0,
        "no connection was made"
    );
}

/// The emulator's checks are not a rubber stamp: a good token is accepted, and tokens that are
/// wrong in one way each are refused with 401, the body naming the check that failed.
#[test]
fn emulator_refuses_tokens_wrong_in_one_way_each() {
    let service = Service::start();
    let addr = service.addr();
    let now = now();
    let good_aud = "http://127.0.0.1/client/?hub=chat";
    let claims = |aud: &str, nbf: i64, exp: i64| json!({ "asrs.s.uid": USER, "nbf": nbf, "iat": now - 10, "exp": exp, "aud": aud });
    let hs256 = Header::new(Algorithm::HS256);
    let good = claims(good_aud, now - 10, now + 3600);
    let negotiate = |method: &str, token: Option<&str>| {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer
            .iter()
            .map(|b| ("Authorization", b.as_str()))
            .collect();
        http(
            addr,
            method,
            "/client/negotiate?hub=chat&negotiateVersion=1",
            &headers,
        )
    };

    let accepted = negotiate("POST", Some(&mint(&hs256, &good, TEST_ACCESS_KEY)));
    assert_eq!(accepted.status, 200, "a good token: {}", accepted.body);
    let transports: Vec<_> = accepted.json()["availableTransports"]
        .as_array()
        .expect("availableTransports")
        .iter()
        .map(|t| t["transport"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        transports,
        ["WebSockets", "ServerSentEvents", "LongPolling"]
    );

    let mut untyped = Header::new(Algorithm::HS256);
    untyped.typ = None;
    let port_aud = format!("http://127.0.0.1:{}/client/?hub=chat", addr.port());
    for (why, token, check) in [
        (
            "wrong key",
            mint(&hs256, &good, "another-access-key-0123456789"),
            "signature",
        ),
        (
            "the port in the audience",
            mint(
                &hs256,
                &claims(&port_aud, now - 10, now + 3600),
                TEST_ACCESS_KEY,
            ),
            "audience",
        ),
        (
            "another hub",
            mint(
                &hs256,
                &claims("http://127.0.0.1/client/?hub=other", now - 10, now + 3600),
                TEST_ACCESS_KEY,
            ),
            "audience",
        ),
        (
            "expired",
            mint(
                &hs256,
                &claims(good_aud, now - 7200, now - 60),
                TEST_ACCESS_KEY,
            ),
            "expiry",
        ),
        (
            "not valid yet",
            mint(
                &hs256,
                &claims(good_aud, now + 600, now + 3600),
                TEST_ACCESS_KEY,
            ),
            "not-before",
        ),
        (
            "HS384",
            mint(&Header::new(Algorithm::HS384), &good, TEST_ACCESS_KEY),
            "algorithm",
        ),
        ("no typ", mint(&untyped, &good, TEST_ACCESS_KEY), "header"),
        ("not a JWT", "not-a-jwt".to_owned(), "format"),
    ] {
        let response = negotiate("POST", Some(&token));
        assert_eq!(response.status, 401, "{why}: {}", response.body);
        assert!(
            response
                .body
                .starts_with(&format!("token rejected: {check}:")),
            "{why}: the refusal names `{check}`: {}",
            response.body
        );
    }
    let response = negotiate("POST", None);
    assert_eq!(response.status, 401, "no token: {}", response.body);
    assert!(
        response.body.starts_with("token rejected: bearer:"),
        "no token: {}",
        response.body
    );
    let response = negotiate("GET", Some(&mint(&hs256, &good, TEST_ACCESS_KEY)));
    assert_eq!(
        response.status, 405,
        "negotiate is a POST: {}",
        response.body
    );
}
