//! The REST client against the emulator in this process (every operation, observed by real
//! WebSocket clients of the hub and by the REST existence checks) and against a local stand-in
//! that answers with the errors Azure answers with (400, 401, 403, 404, 429, 5xx) or too late.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use signalr_binding::rest::{Message, RestClient, RestError};
use signalr_binding::{BindingContext, ConnectionInfoBinding, ConnectionString};
use signalr_emulator::{Emulator, RunningEmulator};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const KEY: &str = "rest-test-access-key-0123456789";
const OTHER_KEY: &str = "another-rest-test-access-key-98765";
const LIMIT: Duration = Duration::from_secs(10);
const RS: char = '\u{1e}';

async fn bounded<F: Future>(what: &str, future: F) -> F::Output {
    tokio::time::timeout(LIMIT, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {LIMIT:?}"))
}

async fn emulator(key: &str) -> RunningEmulator {
    Emulator::builder()
        .host("127.0.0.1")
        .port(0)
        .access_key(key)
        .start()
        .await
        .unwrap()
}

fn client_for(emulators: &[&RunningEmulator]) -> RestClient {
    let mut builder = RestClient::builder("Chat").timeout(LIMIT);
    for emulator in emulators {
        builder = builder.connection_string(emulator.connection_string().parse().unwrap());
    }
    builder.build().unwrap()
}

fn message(text: &str) -> Message {
    Message::new("newMessage", ("rest", text)).unwrap()
}

/// A hub client over WebSockets with the JSON protocol, negotiated with a token the binding
/// mints for `user`.
struct HubClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    connection_id: String,
    pending: Vec<Value>,
}

impl HubClient {
    async fn connect(emulator: &RunningEmulator, user: &str) -> Self {
        let binding = ConnectionInfoBinding::builder("chat")
            .user_id(user)
            .build()
            .unwrap();
        let settings = HashMap::from([(
            "AzureSignalRConnectionString".to_owned(),
            emulator.connection_string(),
        )]);
        let request = http::Request::builder()
            .extension(BindingContext::new().with_settings(settings))
            .body(())
            .unwrap();
        let info = binding.resolve(&request).unwrap();
        let base = info.url.replacen("/client/?", "/client/negotiate?", 1);
        let negotiated = bounded(
            "negotiate",
            reqwest::Client::new()
                .post(format!("{base}&negotiateVersion=1"))
                .bearer_auth(&info.access_token)
                .send(),
        )
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .bytes()
        .await
        .unwrap();
        let negotiated: Value = serde_json::from_slice(&negotiated).unwrap();
        let url = format!(
            "{}&id={}&access_token={}",
            info.url.replacen("http://", "ws://", 1),
            negotiated["connectionToken"].as_str().unwrap(),
            info.access_token
        );
        let (mut socket, _) = bounded("connect", tokio_tungstenite::connect_async(url))
            .await
            .unwrap();
        socket
            .send(WsMessage::text(format!(
                r#"{{"protocol":"json","version":1}}{RS}"#
            )))
            .await
            .unwrap();
        let mut client = Self {
            socket,
            connection_id: negotiated["connectionId"].as_str().unwrap().to_owned(),
            pending: Vec::new(),
        };
        assert_eq!(client.next().await, json!({}), "the handshake answer");
        client
    }

    /// The next record the server sends, pings skipped.
    async fn next(&mut self) -> Value {
        loop {
            if !self.pending.is_empty() {
                let record = self.pending.remove(0);
                if record["type"] != 6 {
                    return record;
                }
                continue;
            }
            match bounded("a hub message", self.socket.next()).await {
                Some(Ok(WsMessage::Text(text))) => {
                    self.pending.extend(
                        text.split(RS)
                            .filter(|r| !r.is_empty())
                            .map(|r| serde_json::from_str::<Value>(r).unwrap()),
                    );
                }
                Some(Ok(WsMessage::Close(_))) | None => return Value::Null,
                Some(Ok(_)) => {}
                Some(Err(e)) => panic!("the WebSocket failed: {e}"),
            }
        }
    }

    /// The text argument of the next invocation of `newMessage`.
    async fn next_text(&mut self) -> String {
        let record = self.next().await;
        assert_eq!(record["type"], 1, "an invocation expected, got {record}");
        assert_eq!(record["target"], "newMessage", "{record}");
        assert_eq!(record["arguments"][0], "rest", "{record}");
        record["arguments"][1].as_str().unwrap().to_owned()
    }

    /// Checks that nothing arrived before a marker sent to this connection alone.
    async fn expect_nothing_before_marker(&mut self, rest: &RestClient, label: &str) {
        let marker = format!("marker after {label}");
        rest.send_to_connection(&self.connection_id, &message(&marker))
            .await
            .unwrap();
        assert_eq!(self.next_text().await, marker, "{label} must not arrive");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_reaches_the_emulator() {
    let service = emulator(KEY).await;
    let rest = client_for(&[&service]);
    let mut alice = HubClient::connect(&service, "alice").await;
    let mut bob = HubClient::connect(&service, "bob").await;

    // Existence of users and connections.
    assert!(rest.user_exists("alice").await.unwrap());
    assert!(!rest.user_exists("carol").await.unwrap());
    assert!(rest.connection_exists(&alice.connection_id).await.unwrap());
    assert!(!rest.connection_exists("no-such-connection").await.unwrap());

    // Sends.
    rest.send_to_all(&message("to all")).await.unwrap();
    assert_eq!(alice.next_text().await, "to all");
    assert_eq!(bob.next_text().await, "to all");

    rest.send_to_all_except(&message("all but bob"), &[&bob.connection_id])
        .await
        .unwrap();
    assert_eq!(alice.next_text().await, "all but bob");
    bob.expect_nothing_before_marker(&rest, "all but bob").await;

    rest.send_to_user("bob", &message("to bob")).await.unwrap();
    assert_eq!(bob.next_text().await, "to bob");
    alice.expect_nothing_before_marker(&rest, "to bob").await;

    rest.send_to_connection(&alice.connection_id, &message("to alice's connection"))
        .await
        .unwrap();
    assert_eq!(alice.next_text().await, "to alice's connection");
    bob.expect_nothing_before_marker(&rest, "to alice's connection")
        .await;

    // A connection in a group.
    assert!(!rest.group_exists("room/1").await.unwrap());
    rest.add_connection_to_group("room/1", &alice.connection_id)
        .await
        .unwrap();
    assert!(rest.group_exists("room/1").await.unwrap());
    rest.send_to_group("room/1", &message("to room/1"))
        .await
        .unwrap();
    assert_eq!(alice.next_text().await, "to room/1");
    bob.expect_nothing_before_marker(&rest, "to room/1").await;
    rest.send_to_group_except(
        "room/1",
        &message("room/1 but alice"),
        &[&alice.connection_id],
    )
    .await
    .unwrap();
    alice
        .expect_nothing_before_marker(&rest, "room/1 but alice")
        .await;
    rest.remove_connection_from_group("room/1", &alice.connection_id)
        .await
        .unwrap();
    assert!(!rest.group_exists("room/1").await.unwrap());
    let error = rest
        .remove_connection_from_group("room/1", &alice.connection_id)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND), "{error}");
    let error = rest
        .add_connection_to_group("room/1", "no-such-connection")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND), "{error}");

    // A user in a group.
    rest.add_user_to_group("team", "bob").await.unwrap();
    assert!(rest.group_exists("team").await.unwrap());
    rest.send_to_group("team", &message("to team"))
        .await
        .unwrap();
    assert_eq!(bob.next_text().await, "to team");
    alice.expect_nothing_before_marker(&rest, "to team").await;
    rest.remove_user_from_group("team", "bob").await.unwrap();
    assert!(!rest.group_exists("team").await.unwrap());
    rest.send_to_group("team", &message("to the empty team"))
        .await
        .unwrap();
    bob.expect_nothing_before_marker(&rest, "to the empty team")
        .await;

    // Closing a connection, with a reason the client is told.
    rest.close_connection(&alice.connection_id, Some("bye from rest"))
        .await
        .unwrap();
    let close = alice.next().await;
    assert_eq!(close["type"], 7, "a Close message expected, got {close}");
    assert_eq!(close["error"], "bye from rest");
    let mut gone = false;
    for _ in 0..50 {
        if !rest.connection_exists(&alice.connection_id).await.unwrap() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the closed connection still exists after 5 s");
    assert!(rest.user_exists("bob").await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_endpoints_each_get_every_operation() {
    let east = emulator(KEY).await;
    let west = emulator(OTHER_KEY).await;
    // The endpoints as the binding reads them from the settings.
    let settings = HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            east.connection_string(),
        ),
        (
            "Azure:SignalR:Endpoints:west".to_owned(),
            west.connection_string(),
        ),
    ]);
    let rest = RestClient::builder("chat")
        .settings(&settings)
        .timeout(LIMIT)
        .build()
        .unwrap();
    assert_eq!(rest.endpoints().len(), 2);
    let mut alice = HubClient::connect(&east, "alice").await;
    let mut bob = HubClient::connect(&west, "bob").await;

    rest.send_to_all(&message("everywhere")).await.unwrap();
    assert_eq!(alice.next_text().await, "everywhere");
    assert_eq!(bob.next_text().await, "everywhere");
    rest.send_to_user("bob", &message("to bob in the west"))
        .await
        .unwrap();
    assert_eq!(bob.next_text().await, "to bob in the west");

    assert!(rest.user_exists("alice").await.unwrap());
    assert!(rest.user_exists("bob").await.unwrap());
    assert!(!rest.user_exists("carol").await.unwrap());

    // Bob's connection is on one endpoint only: the other's 404 is not a failure.
    rest.add_connection_to_group("g", &bob.connection_id)
        .await
        .unwrap();
    assert!(rest.group_exists("g").await.unwrap());
    rest.send_to_group("g", &message("to g")).await.unwrap();
    assert_eq!(bob.next_text().await, "to g");
    alice.expect_nothing_before_marker(&rest, "to g").await;
    let error = rest
        .add_connection_to_group("g", "nowhere")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND), "{error}");

    // One endpoint down: a broadcast fails and says which.
    let west_endpoint = west.endpoint();
    west.shutdown().await;
    let error = rest.send_to_all(&message("lost")).await.unwrap_err();
    assert!(
        matches!(&error, RestError::Transport { endpoint, .. } if *endpoint == west_endpoint),
        "{error:?}"
    );
    assert_eq!(
        alice.next_text().await,
        "lost",
        "the online endpoint still got it"
    );
}

/// Without feature `identity` (with it, `tests/identity.rs` signs against stand-ins; this
/// endpoint would send its managed identity to the VM's metadata address).
#[cfg(not(feature = "identity"))]
#[tokio::test]
async fn identity_endpoints_without_the_feature_are_refused_with_a_clear_error() {
    let connection: ConnectionString =
        "Endpoint=https://a.service.signalr.net;AuthType=azure.msi;Version=1.0;"
            .parse()
            .unwrap();
    let rest = RestClient::builder("chat")
        .connection_string(connection)
        .build()
        .unwrap();
    let error = rest.send_to_all(&message("x")).await.unwrap_err();
    assert!(
        matches!(
            error,
            RestError::IdentityAuthNotSupported {
                auth_type: "azure.msi",
                ..
            }
        ),
        "{error:?}"
    );
}

// ---- the stand-in ----

/// What the stand-in saw of one request.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path_and_query: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct StandIn {
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Answers with the status the user id names (`users/429/:send` is a 429), `slow` after 5 s,
/// and 202 otherwise; error bodies as Azure writes them.
async fn stand_in(State(state): State<StandIn>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    state.seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path_and_query: parts.uri.path_and_query().unwrap().to_string(),
        authorization: header(header::AUTHORIZATION),
        content_type: header(header::CONTENT_TYPE),
        body,
    });
    let user = parts
        .uri
        .path()
        .split("/users/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned();
    if user == "slow" {
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    match user.parse::<u16>() {
        Ok(code) => {
            let status = StatusCode::from_u16(code).unwrap();
            let mut response = (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                json!({"code": format!("Error.{code}"), "message": format!("stand-in says {code}")})
                    .to_string(),
            )
                .into_response();
            if code == 429 || code == 503 {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
            }
            response
        }
        Err(_) => StatusCode::ACCEPTED.into_response(),
    }
}

async fn serve_stand_in() -> (std::net::SocketAddr, StandIn) {
    let state = StandIn::default();
    let app = axum::Router::new()
        .fallback(stand_in)
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, state)
}

fn stand_in_client(addr: std::net::SocketAddr, timeout: Duration) -> RestClient {
    let connection = format!(
        "Endpoint=http://127.0.0.1;Port={};AccessKey={KEY};Version=1.0;",
        addr.port()
    );
    RestClient::builder("Chat")
        .connection_string(connection.parse().unwrap())
        .timeout(timeout)
        .build()
        .unwrap()
}

#[tokio::test]
async fn error_answers_keep_the_status_code_and_message() {
    let (addr, _) = serve_stand_in().await;
    let rest = stand_in_client(addr, LIMIT);
    for code in [400u16, 401, 403, 404, 429, 500, 502, 503] {
        let error = rest
            .send_to_user(&code.to_string(), &message("x"))
            .await
            .unwrap_err();
        let RestError::Service {
            endpoint,
            operation,
            status,
            code: error_code,
            message,
            retry_after,
        } = &error
        else {
            panic!("a service error expected for {code}, got {error:?}");
        };
        assert_eq!(status.as_u16(), code);
        assert_eq!(endpoint, &format!("http://127.0.0.1:{}", addr.port()));
        assert_eq!(*operation, "send to user");
        assert_eq!(
            error_code.as_deref(),
            Some(format!("Error.{code}").as_str())
        );
        assert_eq!(
            message.as_deref(),
            Some(format!("stand-in says {code}").as_str())
        );
        let expected_retry = (code == 429 || code == 503).then(|| Duration::from_secs(7));
        assert_eq!(*retry_after, expected_retry, "{code}");
        assert_eq!(
            error.is_transient(),
            code == 429 || code >= 500,
            "{code}: {error}"
        );
        let text = error.to_string();
        assert!(
            text.contains(&code.to_string()) && text.contains("stand-in says"),
            "{text}"
        );
        assert!(
            !text.contains("eyJ") && !format!("{error:?}").contains("eyJ"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_slow_service_is_a_timeout_and_a_closed_port_a_transport_error() {
    let (addr, _) = serve_stand_in().await;
    let rest = stand_in_client(addr, Duration::from_millis(300));
    let started = std::time::Instant::now();
    let error = rest.send_to_user("slow", &message("x")).await.unwrap_err();
    assert!(
        matches!(error, RestError::Timeout { timeout, .. } if timeout == Duration::from_millis(300)),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let error = stand_in_client(closed, LIMIT)
        .user_exists("x")
        .await
        .unwrap_err();
    assert!(matches!(error, RestError::Transport { .. }), "{error:?}");
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn tokens_verify_under_the_audience_the_rest_docs_give() {
    let (addr, state) = serve_stand_in().await;
    let rest = stand_in_client(addr, LIMIT);
    rest.send_to_all_except(&message("hi"), &["c1", "c 2"])
        .await
        .unwrap();
    rest.send_to_user("ann/b", &message("hi")).await.unwrap();
    rest.add_user_to_group("g", "ann").await.unwrap();
    rest.remove_connection_from_group("g", "c1").await.unwrap();
    rest.close_connection("c1", Some("done")).await.unwrap();
    assert!(rest.group_exists("g").await.unwrap());

    let seen = state.seen.lock().unwrap().clone();
    let expected = [
        (
            "POST",
            "/api/hubs/chat/:send",
            "?excluded=c1&excluded=c+2&api-version=2022-06-01",
        ),
        (
            "POST",
            "/api/hubs/chat/users/ann%2Fb/:send",
            "?api-version=2022-06-01",
        ),
        (
            "PUT",
            "/api/hubs/chat/users/ann/groups/g",
            "?api-version=2022-06-01",
        ),
        (
            "DELETE",
            "/api/hubs/chat/groups/g/connections/c1",
            "?api-version=2022-06-01",
        ),
        (
            "DELETE",
            "/api/hubs/chat/connections/c1",
            "?reason=done&api-version=2022-06-01",
        ),
        ("HEAD", "/api/hubs/chat/groups/g", "?api-version=2022-06-01"),
    ];
    assert_eq!(seen.len(), expected.len(), "{seen:#?}");
    let mut tokens = Vec::new();
    for (request, (method, path, query)) in seen.iter().zip(expected) {
        assert_eq!(request.method, method);
        assert_eq!(request.path_and_query, format!("{path}{query}"));
        // `aud`: the request URL without its query (and, as the service SDK writes it,
        // without the port).
        let audience = format!("http://127.0.0.1{path}");
        let token = request
            .authorization
            .as_deref()
            .and_then(|a| a.strip_prefix("Bearer "))
            .expect("a bearer token");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "aud"]);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<Value>(
            token,
            &DecodingKey::from_secret(KEY.as_bytes()).unwrap(),
            &validation,
        )
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_eq!(data.header.typ.as_deref(), Some("JWT"));
        let exp = data.claims["exp"].as_u64().unwrap();
        assert!(exp > now() && exp <= now() + 5 * 60 + 1, "{}", data.claims);
        assert!(data.claims.get("asrs.s.uid").is_none());
        // Signed with another key, it does not verify.
        assert!(
            jsonwebtoken::decode::<Value>(
                token,
                &DecodingKey::from_secret(OTHER_KEY.as_bytes()).unwrap(),
                &validation
            )
            .is_err()
        );
        tokens.push(token.to_owned());
    }
    assert_eq!(
        seen[0].content_type.as_deref(),
        Some("application/json"),
        "sends carry JSON"
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&seen[0].body).unwrap(),
        json!({"target": "newMessage", "arguments": ["rest", "hi"]})
    );
    assert!(seen[2].body.is_empty());
    // A token per request: never shared between two requests.
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), expected.len());
}

#[tokio::test]
async fn no_key_password_or_token_shows_in_debug_errors_or_requests() {
    const PASSWORD: &str = "EndpointPassw0rdRestSweep";
    let (addr, state) = serve_stand_in().await;
    let connection: ConnectionString = format!(
        "Endpoint=http://user:{PASSWORD}@127.0.0.1;Port={};AccessKey={KEY};Version=1.0;",
        addr.port()
    )
    .parse()
    .unwrap();
    let builder = RestClient::builder("chat")
        .connection_string(connection)
        .timeout(Duration::from_millis(300));
    let builder_debug = format!("{builder:?}");
    let rest = builder.build().unwrap();
    let mut printed = vec![builder_debug, format!("{rest:?}")];
    printed.extend(rest.endpoints().map(str::to_owned));
    for user in ["401", "500", "slow"] {
        let error = rest.send_to_user(user, &message("x")).await.unwrap_err();
        printed.push(error.to_string());
        printed.push(format!("{error:?}"));
    }
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let error = stand_in_client(closed, LIMIT)
        .send_to_all(&message("x"))
        .await
        .unwrap_err();
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(e) = source {
        printed.push(e.to_string());
        printed.push(format!("{e:?}"));
        source = e.source();
    }
    let tokens: Vec<String> = state
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| {
            let authorization = s.authorization.clone().unwrap_or_default();
            assert!(
                authorization.starts_with("Bearer ey"),
                "the endpoint's user info must not become Basic auth: {authorization}"
            );
            authorization.trim_start_matches("Bearer ").to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 3);
    for text in &printed {
        assert!(!text.contains(KEY), "the key in {text}");
        assert!(!text.contains(PASSWORD), "the password in {text}");
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "a token in {text}");
        }
        assert!(!text.contains("eyJ"), "something like a token in {text}");
    }
}
