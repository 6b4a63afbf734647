//! The emulator in process on 127.0.0.1, driven by a real WebSocket client
//! (tokio-tungstenite) and hyper's HTTP client.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::response::IntoResponse;
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use signalr_emulator::protocol::{self, FrameReader, HubMessage, Outcome, Protocol};
use signalr_emulator::{Emulator, RunningEmulator, UpstreamTemplate};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const KEY: &str = "test-access-key-0123456789";
const LIMIT: Duration = Duration::from_secs(10);
const RS: char = '\u{1e}';

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn bounded<F: Future>(what: &str, future: F) -> F::Output {
    tokio::time::timeout(LIMIT, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {LIMIT:?}"))
}

fn builder() -> signalr_emulator::EmulatorBuilder {
    Emulator::builder()
        .host("127.0.0.1")
        .port(0)
        .access_key(KEY)
}

async fn start() -> RunningEmulator {
    builder().start().await.unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn mint(claims: Value, key: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(key.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// A client token as the binding mints it: port-less audience, lower-cased hub.
fn client_token(hub: &str, user: &str) -> String {
    mint(
        json!({
            "asrs.s.uid": user,
            "nbf": now(),
            "iat": now(),
            "exp": now() + 3600,
            "aud": format!("http://127.0.0.1/client/?hub={}", hub.to_lowercase()),
        }),
        KEY,
    )
}

fn rest_token(emulator: &RunningEmulator, path: &str) -> String {
    mint(
        json!({
            "exp": now() + 3600,
            "aud": format!("http://127.0.0.1:{}{path}", emulator.local_addr().port()),
        }),
        KEY,
    )
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

async fn http(method: Method, url: &str, token: Option<&str>, body: Vec<u8>) -> Answer {
    http_with(method, url, token, body, &[]).await
}

async fn http_with(
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> Answer {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let mut request = Request::builder().method(method).uri(url);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::from(body))).unwrap();
    bounded(url, async {
        let response = client.request(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body,
        }
    })
    .await
}

async fn negotiate(emulator: &RunningEmulator, hub: &str, token: &str) -> Answer {
    let url = format!(
        "http://{}/client/negotiate?hub={hub}&negotiateVersion=1",
        emulator.local_addr()
    );
    http(Method::POST, &url, Some(token), Vec::new()).await
}

async fn rest(emulator: &RunningEmulator, method: Method, path: &str, body: Value) -> StatusCode {
    let url = format!("http://{}{path}", emulator.local_addr());
    let token = rest_token(emulator, path.split('?').next().unwrap());
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    http(method, &url, Some(&token), body).await.status
}

/// A connected WebSocket client of `hub`.
struct WsClient {
    socket: Socket,
    connection_id: String,
    protocol: Protocol,
    reader: FrameReader,
}

impl WsClient {
    async fn connect(
        emulator: &RunningEmulator,
        hub: &str,
        user: &str,
        protocol: Protocol,
    ) -> Self {
        Self::connect_with(emulator, hub, &client_token(hub, user), protocol).await
    }

    /// A client of `hub` connected with `token`.
    async fn connect_with(
        emulator: &RunningEmulator,
        hub: &str,
        token: &str,
        protocol: Protocol,
    ) -> Self {
        let answer = negotiate(emulator, hub, token).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let negotiated = answer.json();
        let url = format!(
            "ws://{}/client/?hub={hub}&id={}&access_token={token}",
            emulator.local_addr(),
            negotiated["connectionToken"].as_str().unwrap()
        );
        let (mut socket, _) = bounded("WebSocket connect", tokio_tungstenite::connect_async(url))
            .await
            .unwrap();
        let handshake = format!(r#"{{"protocol":"{}","version":1}}{RS}"#, protocol.name());
        socket.send(Message::text(handshake)).await.unwrap();
        let mut client = Self {
            socket,
            connection_id: negotiated["connectionId"].as_str().unwrap().to_owned(),
            protocol,
            reader: FrameReader::new(Protocol::Json, 1 << 20),
        };
        let answer = client.next_raw().await;
        assert_eq!(answer, Some(b"{}\x1e".to_vec()));
        client.reader = FrameReader::new(protocol, 1 << 20);
        client
    }

    async fn next_raw(&mut self) -> Option<Vec<u8>> {
        match bounded("a WebSocket message", self.socket.next()).await {
            Some(Ok(Message::Text(text))) => Some(text.as_bytes().to_vec()),
            Some(Ok(Message::Binary(bytes))) => Some(bytes.to_vec()),
            Some(Ok(Message::Close(_))) => None,
            Some(Ok(_)) => Some(Vec::new()),
            Some(Err(_)) | None => None,
        }
    }

    /// The next message other than a ping; `None` once the socket closed.
    async fn next(&mut self) -> Option<HubMessage> {
        loop {
            if let Some(frame) = self.reader.next_frame().unwrap() {
                let message = protocol::decode(self.protocol, &frame).unwrap();
                if message != HubMessage::Ping {
                    return Some(message);
                }
                continue;
            }
            let bytes = self.next_raw().await?;
            self.reader.push(&bytes);
        }
    }

    async fn send(&mut self, message: &HubMessage) {
        let bytes = protocol::encode(self.protocol, message);
        let frame = match self.protocol {
            Protocol::Json => Message::text(String::from_utf8(bytes).unwrap()),
            Protocol::MessagePack => Message::binary(bytes),
        };
        self.socket.send(frame).await.unwrap();
    }
}

fn invocation(target: &str, arguments: Vec<Value>) -> HubMessage {
    HubMessage::invocation(target, arguments)
}

#[tokio::test]
async fn negotiate_offers_the_three_transports() {
    let emulator = start().await;
    let answer = negotiate(&emulator, "Chat", &client_token("chat", "alice")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["negotiateVersion"], 1);
    assert!(body["connectionId"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(
        body["connectionToken"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    let transports: Vec<&str> = body["availableTransports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["transport"].as_str().unwrap())
        .collect();
    assert_eq!(
        transports,
        ["WebSockets", "ServerSentEvents", "LongPolling"]
    );
    assert!(emulator.connection_string().starts_with(&format!(
        "Endpoint=http://127.0.0.1;Port={};AccessKey=",
        emulator.local_addr().port()
    )));
    // CORS for any origin, with credentials.
    let preflight = http_with(
        Method::OPTIONS,
        &format!("http://{}/client/negotiate?hub=chat", emulator.local_addr()),
        None,
        Vec::new(),
        &[
            ("origin", "http://example.test"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "authorization"),
        ],
    )
    .await;
    assert_eq!(
        preflight.headers["access-control-allow-origin"],
        "http://example.test"
    );
    assert_eq!(
        preflight.headers["access-control-allow-credentials"],
        "true"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn rejected_tokens_are_401_naming_the_check() {
    let emulator = start().await;
    let port = emulator.local_addr().port();
    let good_aud = "http://127.0.0.1/client/?hub=chat";
    let cases = [
        (
            "wrong key",
            mint(json!({"aud": good_aud, "exp": now() + 60}), "another-key"),
            "signature:",
        ),
        (
            "port in the audience",
            mint(
                json!({"aud": format!("http://127.0.0.1:{port}/client/?hub=chat"), "exp": now() + 60}),
                KEY,
            ),
            "audience:",
        ),
        (
            "expired",
            mint(
                json!({"aud": good_aud, "exp": now() - 120, "nbf": now() - 3600}),
                KEY,
            ),
            "expiry:",
        ),
        (
            "wrong hub",
            mint(
                json!({"aud": "http://127.0.0.1/client/?hub=news", "exp": now() + 60}),
                KEY,
            ),
            "audience:",
        ),
        ("no exp", mint(json!({"aud": good_aud}), KEY), "expiry:"),
        (
            "not yet valid",
            mint(
                json!({"aud": good_aud, "exp": now() + 7200, "nbf": now() + 3600}),
                KEY,
            ),
            "not-before:",
        ),
    ];
    for (case, token, check) in cases {
        let answer = negotiate(&emulator, "chat", &token).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{case}");
        assert!(
            answer
                .text()
                .starts_with(&format!("token rejected: {check}")),
            "{case}: {}",
            answer.text()
        );
        assert!(
            !answer.text().contains(&token),
            "{case}: the body holds the token"
        );
    }
    let with_port = mint(
        json!({"aud": format!("http://127.0.0.1:{port}/client/?hub=chat"), "exp": now() + 60}),
        KEY,
    );
    assert!(
        negotiate(&emulator, "chat", &with_port)
            .await
            .text()
            .contains("port")
    );
    let other_hub = mint(
        json!({"aud": "http://127.0.0.1/client/?hub=news", "exp": now() + 60}),
        KEY,
    );
    assert!(
        negotiate(&emulator, "chat", &other_hub)
            .await
            .text()
            .contains("hub")
    );
    let missing = http(
        Method::POST,
        &format!("http://{}/client/negotiate?hub=chat", emulator.local_addr()),
        None,
        Vec::new(),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(missing.text().starts_with("token rejected: bearer:"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn websocket_clients_receive_rest_sends() {
    let emulator = start().await;
    let mut alice = WsClient::connect(&emulator, "Chat", "alice", Protocol::Json).await;
    let mut bob = WsClient::connect(&emulator, "chat", "bob", Protocol::MessagePack).await;
    let hub = "/api/v1/hubs/chat";

    // Broadcast reaches both protocols.
    let status = rest(
        &emulator,
        Method::POST,
        hub,
        json!({"target": "news", "arguments": ["hello", 1]}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let expected = invocation("news", vec![json!("hello"), json!(1)]);
    assert_eq!(alice.next().await, Some(expected.clone()));
    assert_eq!(bob.next().await, Some(expected));

    // Excluded connections are skipped; `/api/` works as `/api/v1/`.
    let path = format!("/api/hubs/Chat?excluded={}", alice.connection_id);
    let status = rest(
        &emulator,
        Method::POST,
        &path,
        json!({"target": "only-bob", "arguments": []}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(bob.next().await, Some(invocation("only-bob", vec![])));

    // To a user, to a connection, to a group.
    let status = rest(
        &emulator,
        Method::POST,
        &format!("{hub}/users/alice"),
        json!({"target": "u", "arguments": [1]}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(alice.next().await, Some(invocation("u", vec![json!(1)])));

    let path = format!("{hub}/connections/{}", bob.connection_id);
    let status = rest(
        &emulator,
        Method::POST,
        &path,
        json!({"target": "c", "arguments": [2]}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(bob.next().await, Some(invocation("c", vec![json!(2)])));

    let path = format!("{hub}/groups/g1/connections/{}", bob.connection_id);
    assert_eq!(
        rest(&emulator, Method::PUT, &path, Value::Null).await,
        StatusCode::OK
    );
    assert_eq!(
        rest(
            &emulator,
            Method::PUT,
            &format!("{hub}/users/alice/groups/g1"),
            Value::Null
        )
        .await,
        StatusCode::ACCEPTED
    );
    let status = rest(
        &emulator,
        Method::POST,
        &format!("{hub}/groups/g1"),
        json!({"target": "g", "arguments": []}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(alice.next().await, Some(invocation("g", vec![])));
    assert_eq!(bob.next().await, Some(invocation("g", vec![])));

    // Existence checks.
    assert_eq!(
        rest(
            &emulator,
            Method::GET,
            &format!("{hub}/groups/g1"),
            Value::Null
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        rest(
            &emulator,
            Method::HEAD,
            &format!("{hub}/groups/none"),
            Value::Null
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        rest(
            &emulator,
            Method::GET,
            &format!("{hub}/users/alice"),
            Value::Null
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        rest(
            &emulator,
            Method::GET,
            &format!("{hub}/users/carol"),
            Value::Null
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        rest(
            &emulator,
            Method::GET,
            &format!("{hub}/users/alice/groups/g1"),
            Value::Null
        )
        .await,
        StatusCode::OK
    );
    let path = format!("{hub}/connections/{}", alice.connection_id);
    assert_eq!(
        rest(&emulator, Method::HEAD, &path, Value::Null).await,
        StatusCode::OK
    );
    assert_eq!(
        rest(
            &emulator,
            Method::GET,
            &format!("{hub}/connections/nope"),
            Value::Null
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        rest(
            &emulator,
            Method::PUT,
            &format!("{hub}/groups/g1/connections/nope"),
            Value::Null
        )
        .await,
        StatusCode::NOT_FOUND
    );

    // Leaving the group.
    let path = format!("{hub}/connections/{}/groups/g1", bob.connection_id);
    assert_eq!(
        rest(&emulator, Method::DELETE, &path, Value::Null).await,
        StatusCode::OK
    );
    assert_eq!(
        rest(&emulator, Method::DELETE, &path, Value::Null).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        rest(
            &emulator,
            Method::DELETE,
            &format!("{hub}/users/alice/groups"),
            Value::Null
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        rest(
            &emulator,
            Method::GET,
            &format!("{hub}/groups/g1"),
            Value::Null
        )
        .await,
        StatusCode::NOT_FOUND
    );

    // Bad input.
    assert_eq!(
        rest(&emulator, Method::POST, hub, json!({"arguments": []})).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        rest(
            &emulator,
            Method::POST,
            "/api/v1/hubs/1bad",
            json!({"target": "x"})
        )
        .await,
        StatusCode::BAD_REQUEST
    );

    // Closing a connection through the API: the client gets a close message with the reason.
    let path = format!("{hub}/connections/{}?reason=bye", alice.connection_id);
    assert_eq!(
        rest(&emulator, Method::DELETE, &path, Value::Null).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        alice.next().await,
        Some(HubMessage::close(Some("bye".into())))
    );
    assert_eq!(alice.next().await, None);

    // Closing a user's connections (the 2022-06-01 form) leaves the others.
    let mut carol = WsClient::connect(&emulator, "chat", "carol", Protocol::Json).await;
    assert_eq!(
        rest(
            &emulator,
            Method::POST,
            "/api/hubs/chat/users/carol/:closeConnections?reason=done",
            Value::Null
        )
        .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        carol.next().await,
        Some(HubMessage::close(Some("done".into())))
    );

    // Bob goes on.
    let status = rest(
        &emulator,
        Method::POST,
        hub,
        json!({"target": "still", "arguments": []}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(bob.next().await, Some(invocation("still", vec![])));
    emulator.shutdown().await;
}

#[tokio::test]
async fn rest_tokens_are_checked() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    let path = "/api/v1/hubs/chat";
    let url = format!("http://{addr}{path}");
    let body = json!({"target": "t", "arguments": []})
        .to_string()
        .into_bytes();

    let health = http(
        Method::GET,
        &format!("http://{addr}/api/health"),
        None,
        Vec::new(),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);

    let none = http(Method::POST, &url, None, body.clone()).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(none.text().contains("bearer:"), "{}", none.text());

    let other_path = mint(
        json!({"aud": format!("http://{addr}/api/v1/hubs/other"), "exp": now() + 60}),
        KEY,
    );
    let answer = http(Method::POST, &url, Some(&other_path), body.clone()).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.text().contains("audience:"), "{}", answer.text());

    let wrong_key = mint(json!({"aud": url, "exp": now() + 60}), "nope");
    let answer = http(Method::POST, &url, Some(&wrong_key), body.clone()).await;
    assert!(answer.text().contains("signature:"), "{}", answer.text());

    let expired = mint(json!({"aud": url, "exp": now() - 100}), KEY);
    let answer = http(Method::POST, &url, Some(&expired), body.clone()).await;
    assert!(answer.text().contains("expiry:"), "{}", answer.text());

    // What the official SDK signs: no port, `?api-version=`.
    let sdk = mint(
        json!({"aud": format!("http://127.0.0.1{path}?api-version=2022-06-01"), "exp": now() + 60}),
        KEY,
    );
    let answer = http(
        Method::POST,
        &format!("{url}?api-version=2022-06-01"),
        Some(&sdk),
        body.clone(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text());
    let answer = http(Method::POST, &format!("{url}/:send?api-version=2022-06-01"), Some(&mint(
        json!({"aud": format!("http://127.0.0.1{path}/:send?api-version=2022-06-01"), "exp": now() + 60}),
        KEY,
    )), body).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text());
    emulator.shutdown().await;
}

/// Reads long-polling answers until one holds a message other than a ping.
async fn poll_messages(url: &str, token: &str) -> (StatusCode, Vec<HubMessage>) {
    loop {
        let answer = http(Method::GET, url, Some(token), Vec::new()).await;
        if answer.status != StatusCode::OK {
            return (answer.status, Vec::new());
        }
        let mut reader = FrameReader::new(Protocol::Json, 1 << 20);
        reader.push(&answer.body);
        let mut messages = Vec::new();
        while let Some(frame) = reader.next_frame().unwrap() {
            if frame == b"{}" {
                continue;
            }
            let message = protocol::decode_json(&frame).unwrap();
            if message != HubMessage::Ping {
                messages.push(message);
            }
        }
        if !messages.is_empty() || answer.body == b"{}\x1e"[..] {
            return (answer.status, messages);
        }
    }
}

#[tokio::test]
async fn long_polling_carries_the_json_protocol() {
    let emulator = builder()
        .long_poll_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let token = client_token("chat", "carol");
    let negotiated = negotiate(&emulator, "chat", &token).await.json();
    let url = format!(
        "http://{}/client/?hub=chat&id={}",
        emulator.local_addr(),
        negotiated["connectionToken"].as_str().unwrap()
    );
    let first = http(Method::GET, &url, Some(&token), Vec::new()).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.is_empty());
    let sent = http(
        Method::POST,
        &url,
        Some(&token),
        b"{\"protocol\":\"json\",\"version\":1}\x1e".to_vec(),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK);
    let (status, messages) = poll_messages(&url, &token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(messages.is_empty());

    let status = rest(
        &emulator,
        Method::POST,
        "/api/v1/hubs/chat/users/carol",
        json!({"target": "hi", "arguments": ["lp"]}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, messages) = poll_messages(&url, &token).await;
    assert_eq!(messages, vec![invocation("hi", vec![json!("lp")])]);

    // A transport request without the token is refused too.
    let bare = http(Method::GET, &url, None, Vec::new()).await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED);

    let deleted = http(Method::DELETE, &url, Some(&token), Vec::new()).await;
    assert_eq!(deleted.status, StatusCode::ACCEPTED);
    let after = http(Method::GET, &url, Some(&token), Vec::new()).await;
    assert_eq!(after.status, StatusCode::NO_CONTENT);
    emulator.shutdown().await;
}

#[tokio::test]
async fn server_sent_events_carry_the_json_protocol() {
    let emulator = start().await;
    let token = client_token("chat", "dave");
    let negotiated = negotiate(&emulator, "chat", &token).await.json();
    let url = format!(
        "http://{}/client/?hub=chat&id={}&access_token={token}",
        emulator.local_addr(),
        negotiated["connectionToken"].as_str().unwrap()
    );
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let request = Request::get(&url)
        .header("accept", "text/event-stream")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = bounded("event stream", client.request(request))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    let mut seen = String::new();
    let mut next_chunk = async |seen: &mut String| {
        let frame = bounded("an event", body.frame()).await.unwrap().unwrap();
        if let Ok(data) = frame.into_data() {
            seen.push_str(&String::from_utf8_lossy(&data));
        }
    };
    next_chunk(&mut seen).await;
    let sent = http(
        Method::POST,
        &url,
        None,
        b"{\"protocol\":\"json\",\"version\":1}\x1e".to_vec(),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK);
    while !seen.contains("data: {}\u{1e}\r\n\r\n") {
        next_chunk(&mut seen).await;
    }
    let status = rest(
        &emulator,
        Method::POST,
        "/api/v1/hubs/chat",
        json!({"target": "sse", "arguments": [true]}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    while !seen.contains(r#""target":"sse""#) {
        next_chunk(&mut seen).await;
    }
    assert!(
        seen.contains(r#"data: {"arguments":[true],"target":"sse","type":1}"#),
        "{seen}"
    );
    emulator.shutdown().await;
}

/// The test upstream's record and its "something arrived" signal.
type UpstreamState = (
    Arc<Mutex<Vec<Received>>>,
    tokio::sync::mpsc::UnboundedSender<()>,
);

/// What a test upstream received.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// An upstream on 127.0.0.1 recording requests and answering invocations of `echo` with a
/// completion, `fail` with 500, anything else with 204.
async fn upstream_server() -> (
    String,
    Arc<Mutex<Vec<Received>>>,
    tokio::sync::mpsc::UnboundedReceiver<()>,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (notify, notified) = tokio::sync::mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = (seen.clone(), notify);
    let app = axum::Router::new()
        .fallback(
            async |axum::extract::State((seen, notify)): axum::extract::State<UpstreamState>,
                   request: axum::extract::Request| {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
                let event = parts.headers["x-asrs-event"].to_str().unwrap().to_owned();
                let invocation = serde_json::from_slice::<Value>(&body).ok();
                seen.lock().unwrap().push(Received {
                    path: parts.uri.path().to_owned(),
                    headers: parts.headers,
                    body,
                });
                let _ = notify.send(());
                let id = invocation
                    .as_ref()
                    .and_then(|v| v["invocationId"].as_str())
                    .unwrap_or("")
                    .to_owned();
                match event.as_str() {
                    "echo" => {
                        let argument = invocation.unwrap()["arguments"][0].clone();
                        let completion = protocol::encode_json(&HubMessage::Completion {
                            invocation_id: id,
                            outcome: Outcome::Result(argument),
                        });
                        (StatusCode::OK, completion).into_response()
                    }
                    "fail" => (StatusCode::INTERNAL_SERVER_ERROR, Vec::new()).into_response(),
                    _ => (StatusCode::NO_CONTENT, Vec::new()).into_response(),
                }
            },
        )
        .with_state(state);
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (base, seen, notified)
}

#[tokio::test]
async fn upstream_receives_events_and_answers_invocations() {
    let (base, seen, mut notified) = upstream_server().await;
    let emulator = builder()
        .upstream(UpstreamTemplate::new(format!(
            "{base}/{{hub}}/{{category}}/{{event}}"
        )))
        .start()
        .await
        .unwrap();
    let mut client = WsClient::connect(&emulator, "Chat", "erin", Protocol::Json).await;
    bounded("connected event", notified.recv()).await;
    {
        let seen = seen.lock().unwrap();
        let connected = &seen[0];
        assert_eq!(connected.path, "/chat/connections/connected");
        assert_eq!(connected.headers["x-asrs-hub"], "chat");
        assert_eq!(connected.headers["x-asrs-category"], "connections");
        assert_eq!(connected.headers["x-asrs-event"], "connected");
        assert_eq!(connected.headers["x-asrs-user-id"], "erin");
        assert_eq!(
            connected.headers["x-asrs-connection-id"],
            client.connection_id.as_str()
        );
        assert_eq!(
            connected.headers["x-asrs-signature"],
            signalr_emulator::signature(KEY, &client.connection_id).as_str()
        );
        assert!(
            connected.headers["x-asrs-user-claims"]
                .to_str()
                .unwrap()
                .contains("asrs.s.uid: erin")
        );
        assert_eq!(connected.body, Bytes::from_static(br#"{"type":10}"#));
    }

    let echo = HubMessage::Invocation {
        invocation_id: Some("1".into()),
        target: "echo".into(),
        arguments: vec![json!("ping-pong")],
        stream_ids: vec![],
    };
    client.send(&echo).await;
    assert_eq!(
        client.next().await,
        Some(HubMessage::Completion {
            invocation_id: "1".into(),
            outcome: Outcome::Result(json!("ping-pong"))
        })
    );
    {
        let seen = seen.lock().unwrap();
        let invocation = &seen[1];
        assert_eq!(invocation.path, "/chat/messages/echo");
        assert_eq!(invocation.headers["content-type"], "application/json");
        assert_eq!(protocol::decode_json(&invocation.body).unwrap(), echo);
    }

    client
        .send(&HubMessage::Invocation {
            invocation_id: Some("2".into()),
            target: "fail".into(),
            arguments: vec![],
            stream_ids: vec![],
        })
        .await;
    assert_eq!(
        client.next().await,
        Some(HubMessage::Completion {
            invocation_id: "2".into(),
            outcome: Outcome::Error("Invocation failed, status code 500".into())
        })
    );
    client
        .send(&HubMessage::Invocation {
            invocation_id: Some("3".into()),
            target: "other".into(),
            arguments: vec![],
            stream_ids: vec![],
        })
        .await;
    assert_eq!(
        client.next().await,
        Some(HubMessage::Completion {
            invocation_id: "3".into(),
            outcome: Outcome::Void
        })
    );

    client.send(&HubMessage::close(None)).await;
    loop {
        bounded("disconnected event", notified.recv()).await;
        let seen = seen.lock().unwrap();
        if let Some(last) = seen.last()
            && last.headers["x-asrs-event"] == "disconnected"
        {
            assert_eq!(last.path, "/chat/connections/disconnected");
            assert_eq!(last.body, Bytes::from_static(br#"{"Type":11}"#));
            break;
        }
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_clients_are_closed_with_a_reason_and_others_go_on() {
    let emulator = builder()
        .max_message_size(4096)
        .handshake_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut steady = WsClient::connect(&emulator, "chat", "steady", Protocol::Json).await;

    let mut malformed = WsClient::connect(&emulator, "chat", "m", Protocol::Json).await;
    malformed
        .socket
        .send(Message::text("{not json\u{1e}"))
        .await
        .unwrap();
    match malformed.next().await {
        Some(HubMessage::Close {
            error: Some(error), ..
        }) => assert!(error.contains("malformed"), "{error}"),
        other => panic!("expected a close, got {other:?}"),
    }

    let mut unknown = WsClient::connect(&emulator, "chat", "u", Protocol::Json).await;
    unknown
        .socket
        .send(Message::text("{\"type\":42}\u{1e}"))
        .await
        .unwrap();
    match unknown.next().await {
        Some(HubMessage::Close {
            error: Some(error), ..
        }) => assert!(error.contains("unknown message type: 42"), "{error}"),
        other => panic!("expected a close, got {other:?}"),
    }

    let mut binary = WsClient::connect(&emulator, "chat", "b", Protocol::MessagePack).await;
    binary
        .socket
        .send(Message::binary(vec![0x03, 0xc1, 0xc1, 0xc1]))
        .await
        .unwrap();
    match binary.next().await {
        Some(HubMessage::Close {
            error: Some(error), ..
        }) => assert!(error.contains("malformed"), "{error}"),
        other => panic!("expected a close, got {other:?}"),
    }

    // A partial record growing past the limit.
    let mut large = WsClient::connect(&emulator, "chat", "l", Protocol::Json).await;
    for _ in 0..3 {
        let _ = large.socket.send(Message::text("x".repeat(2000))).await;
    }
    match large.next().await {
        Some(HubMessage::Close {
            error: Some(error), ..
        }) => assert!(error.contains("over the limit"), "{error}"),
        other => panic!("expected a close, got {other:?}"),
    }

    // One WebSocket message over the limit.
    let mut huge = WsClient::connect(&emulator, "chat", "h", Protocol::Json).await;
    let record = format!(
        "{{\"type\":1,\"target\":\"x\",\"arguments\":[\"{}\"]}}{RS}",
        "y".repeat(8000)
    );
    let _ = huge.socket.send(Message::text(record)).await;
    match huge.next().await {
        Some(HubMessage::Close {
            error: Some(error), ..
        }) => {
            assert!(error.contains("WebSocket error"), "{error}")
        }
        None => {}
        other => panic!("expected the connection to end, got {other:?}"),
    }

    // A WebSocket that never sends its handshake.
    let token = client_token("chat", "silent");
    let negotiated = negotiate(&emulator, "chat", &token).await.json();
    let url = format!(
        "ws://{}/client/?hub=chat&id={}&access_token={token}",
        emulator.local_addr(),
        negotiated["connectionToken"].as_str().unwrap()
    );
    let (mut silent, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    loop {
        match bounded("the handshake timeout", silent.next()).await {
            Some(Ok(Message::Close(frame))) => {
                assert!(frame.unwrap().reason.contains("Handshake"));
                break;
            }
            Some(Ok(_)) => continue,
            _ => panic!("the socket ended without a close frame"),
        }
    }

    // An unknown protocol is refused in the handshake answer.
    let token = client_token("chat", "odd");
    let negotiated = negotiate(&emulator, "chat", &token).await.json();
    let url = format!(
        "ws://{}/client/?hub=chat&id={}&access_token={token}",
        emulator.local_addr(),
        negotiated["connectionToken"].as_str().unwrap()
    );
    let (mut odd, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    odd.send(Message::text("{\"protocol\":\"xml\",\"version\":1}\u{1e}"))
        .await
        .unwrap();
    match bounded("the handshake answer", odd.next()).await {
        Some(Ok(Message::Text(text))) => assert!(text.contains("\"error\""), "{text}"),
        other => panic!("expected a handshake answer, got {other:?}"),
    }

    // An unknown id is a 404.
    let unknown_id = http(
        Method::GET,
        &format!("http://{}/client/?hub=chat&id=nope", emulator.local_addr()),
        Some(&client_token("chat", "x")),
        Vec::new(),
    )
    .await;
    assert_eq!(unknown_id.status, StatusCode::NOT_FOUND);

    let status = rest(
        &emulator,
        Method::POST,
        "/api/v1/hubs/chat/users/steady",
        json!({"target": "alive", "arguments": []}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(steady.next().await, Some(invocation("alive", vec![])));
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_server_pings_and_times_out_silent_clients() {
    let emulator = builder()
        .keep_alive_interval(Duration::from_millis(50))
        .client_timeout(Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let mut client = WsClient::connect(&emulator, "chat", "quiet", Protocol::Json).await;
    let first = client.next_raw().await.unwrap();
    assert_eq!(first, b"{\"type\":6}\x1e".to_vec());
    match client.next().await {
        Some(HubMessage::Close {
            error: Some(error), ..
        }) => assert!(error.contains("Server timeout"), "{error}"),
        other => panic!("expected a close, got {other:?}"),
    }
    emulator.shutdown().await;
}

/// A token with `asrs.s.coae` = `"true"` and `asrs.s.aeo` two seconds ahead (as the binding's
/// `close_on_auth_expiry` mints it): the connection is closed then, with a reason; a connection
/// without the claims stays.
#[tokio::test]
async fn a_connection_closes_when_its_login_expires() {
    let emulator = start().await;
    let expires = now() + 2;
    let token = mint(
        json!({
            "asrs.s.uid": "ann",
            "asrs.s.coae": "true",
            "asrs.s.aeo": expires.to_string(),
            "nbf": now(),
            "exp": now() + 3600,
            "aud": "http://127.0.0.1/client/?hub=chat",
        }),
        KEY,
    );
    let mut expiring = WsClient::connect_with(&emulator, "chat", &token, Protocol::Json).await;
    let mut staying = WsClient::connect(&emulator, "chat", "bob", Protocol::Json).await;
    match expiring.next().await {
        Some(HubMessage::Close {
            error: Some(error), ..
        }) => assert!(error.contains("authentication expired"), "{error}"),
        other => panic!("expected a close at the login's end, got {other:?}"),
    }
    assert!(now() >= expires, "closed before asrs.s.aeo");
    let status = rest(
        &emulator,
        Method::POST,
        "/api/v1/hubs/chat",
        json!({ "target": "still", "arguments": [] }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    match staying.next().await {
        Some(HubMessage::Invocation { target, .. }) => assert_eq!(target, "still"),
        other => panic!("the other connection stays: {other:?}"),
    }
    emulator.shutdown().await;
}

/// A key issued to an Entra identity: fetched with the identity's bearer token only, and
/// client tokens naming it (`kid`) verify with it, and only with it.
#[tokio::test]
async fn a_key_issued_to_an_entra_identity_signs_client_tokens() {
    const ISSUED: &str = "KeyIssuedToTheEntraIdentity0123456789abcdef";
    let emulator = builder()
        .identity_key("the-entra-token", "issued-1", ISSUED)
        .start()
        .await
        .unwrap();
    let url = format!("http://{}/api/v1/auth/accessKey", emulator.local_addr());
    let answer = http(Method::GET, &url, Some("the-entra-token"), Vec::new()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.json(),
        json!({ "KeyId": "issued-1", "AccessKey": ISSUED })
    );
    for (token, query, status) in [
        (Some("another-token"), "", StatusCode::UNAUTHORIZED),
        (None, "", StatusCode::UNAUTHORIZED),
        (Some("the-entra-token"), "?x=1", StatusCode::BAD_REQUEST),
    ] {
        let answer = http(Method::GET, &format!("{url}{query}"), token, Vec::new()).await;
        assert_eq!(answer.status, status, "{token:?}{query}: {}", answer.text());
    }

    let claims = json!({
        "asrs.s.uid": "ann",
        "nbf": now(),
        "exp": now() + 600,
        "aud": "http://127.0.0.1/client/?hub=chat",
    });
    let with_kid = |kid: &str, key: &str| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(key.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let good = negotiate(&emulator, "chat", &with_kid("issued-1", ISSUED)).await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text());
    for (why, token) in [
        (
            "the issued key without its kid",
            mint(claims.clone(), ISSUED),
        ),
        (
            "the access key under the issued kid",
            with_kid("issued-1", KEY),
        ),
        ("another kid", with_kid("issued-2", ISSUED)),
    ] {
        let answer = negotiate(&emulator, "chat", &token).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{why}: {}",
            answer.text()
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn many_clients_each_get_every_broadcast() {
    let emulator = builder().max_connections(100).start().await.unwrap();
    let mut clients = Vec::new();
    for i in 0..100 {
        clients.push(WsClient::connect(&emulator, "crowd", &format!("u{i}"), Protocol::Json).await);
    }
    // Past the limit, a negotiate is refused and the others go on.
    let refused = negotiate(&emulator, "crowd", &client_token("crowd", "late")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    for n in 0..10 {
        let body = json!({"target": "tick", "arguments": [n]});
        assert_eq!(
            rest(&emulator, Method::POST, "/api/v1/hubs/crowd", body).await,
            StatusCode::ACCEPTED
        );
    }
    for client in &mut clients {
        for n in 0..10 {
            assert_eq!(
                client.next().await,
                Some(invocation("tick", vec![json!(n)]))
            );
        }
    }
    drop(clients);
    let deadline = tokio::time::Instant::now() + LIMIT;
    while emulator.connection_count() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "sessions outlive their clients"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    emulator.shutdown().await;
}

/// Runs the binary with `args`; answers its first stdout line and the child.
async fn spawn_binary(args: &[&str]) -> (String, tokio::process::Child) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_signalr-emulator"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = bounded("the connection string", lines.next_line())
        .await
        .unwrap()
        .unwrap_or_default();
    (line, child)
}

#[tokio::test]
async fn the_binary_prints_its_connection_string_and_reads_settings() {
    let dir = std::env::temp_dir().join(format!("signalr-emulator-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (base, seen, mut notified) = upstream_server().await;
    let settings = dir.join("settings.json");
    std::fs::write(
        &settings,
        json!({"UpstreamSettings": {"Templates": [{
            "UrlTemplate": format!("{base}/runtime/webhooks/signalr"),
            "EventPattern": "connected", "HubPattern": "*", "CategoryPattern": "connections"
        }]}})
        .to_string(),
    )
    .unwrap();
    let (line, mut child) = spawn_binary(&[
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--access-key",
        KEY,
        "--config",
        settings.to_str().unwrap(),
    ])
    .await;
    let port: u16 = line
        .strip_prefix("Endpoint=http://127.0.0.1;Port=")
        .and_then(|rest| rest.strip_suffix(&format!(";AccessKey={KEY};Version=1.0;")))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let token = client_token("chat", "frank");
    let url = format!("http://127.0.0.1:{port}/client/negotiate?hub=chat&negotiateVersion=1");
    let negotiated = http(Method::POST, &url, Some(&token), Vec::new()).await;
    assert_eq!(negotiated.status, StatusCode::OK, "{}", negotiated.text());
    let ws = format!(
        "ws://127.0.0.1:{port}/client/?hub=chat&id={}&access_token={token}",
        negotiated.json()["connectionToken"].as_str().unwrap()
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(ws).await.unwrap();
    socket
        .send(Message::text(format!(
            r#"{{"protocol":"json","version":1}}{RS}"#
        )))
        .await
        .unwrap();
    bounded("the connected event", notified.recv()).await;
    assert_eq!(seen.lock().unwrap()[0].path, "/runtime/webhooks/signalr");
    child.kill().await.unwrap();

    // A settings file that is not one stops the binary with a message.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let output = bounded(
        "the binary's exit",
        tokio::process::Command::new(env!("CARGO_BIN_EXE_signalr-emulator"))
            .args(["--port", "0", "--config", bad.to_str().unwrap()])
            .output(),
    )
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not an emulator settings file"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_socket_that_sends_no_request_is_closed() {
    use tokio::io::AsyncReadExt;
    let emulator = builder()
        .request_header_timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let mut idle = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let mut buffer = Vec::new();
    // The server ends the connection (maybe after a 408); reading reaches its end.
    bounded("the idle socket's end", idle.read_to_end(&mut buffer))
        .await
        .unwrap();
    // Others are served.
    let health = http(
        Method::GET,
        &format!("http://{}/api/health", emulator.local_addr()),
        None,
        Vec::new(),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
    emulator.shutdown().await;
}
