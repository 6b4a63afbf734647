//! A load run on loopback: N WebSocket clients (JSON protocol) connect to an emulator in this
//! process, then M broadcasts go through the REST API one after the other; every client must
//! receive every broadcast. The round runs ROUNDS times (default 2) on one emulator. Prints the connect rate, the
//! broadcast latency (REST call sent to the last client's receipt) and the delivery rate of the
//! last round, and the process's resident memory before, with the clients connected, and after
//! each round once its clients are gone.
//!
//! ```sh
//! cargo run --release -p signalr-emulator --example load -- [CONNECTIONS] [BROADCASTS] [ROUNDS]
//! ```
//!
//! The clients run in the same process as the emulator, so the figures include their work.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use signalr_emulator::{Emulator, RunningEmulator};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

const KEY: &str = "load-test-key-0123456789";
const LIMIT: Duration = Duration::from_secs(60);

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn mint(claims: serde_json::Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(KEY.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// Resident memory of this process in KiB (Linux), 0 elsewhere.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn post(
    client: &Client<HttpConnector, Full<Bytes>>,
    url: &str,
    token: Option<&str>,
    body: String,
) -> (http::StatusCode, Bytes) {
    let mut request = http::Request::post(url).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = client
        .request(request.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .expect("the emulator answers");
    let status = response.status();
    (
        status,
        response.into_body().collect().await.unwrap().to_bytes(),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// The figures of one round.
struct Round {
    connect_time: Duration,
    run_time: Duration,
    latencies: Vec<Duration>,
    errors: usize,
    rss_connected: u64,
}

/// Connects the clients, broadcasts, checks every delivery, then drops the clients.
async fn run_round(
    emulator: &RunningEmulator,
    http: &Client<HttpConnector, Full<Bytes>>,
    connections: usize,
    broadcasts: usize,
) -> Round {
    let addr = emulator.local_addr();
    // Connect every client: negotiate, WebSocket, handshake.
    let token = mint(json!({
        "asrs.s.uid": "load",
        "exp": now() + 3600,
        "aud": "http://127.0.0.1/client/?hub=load",
    }));
    let (received_tx, mut received_rx) = mpsc::unbounded_channel::<(usize, Instant)>();
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        let url = format!("http://{addr}/client/negotiate?hub=load&negotiateVersion=1");
        let (status, body) = post(http, &url, Some(&token), String::new()).await;
        assert!(status.is_success(), "negotiate: {status}");
        let negotiated: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let url = format!(
            "ws://{addr}/client/?hub=load&id={}&access_token={token}",
            negotiated["connectionToken"].as_str().unwrap()
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket");
        socket
            .send(Message::text("{\"protocol\":\"json\",\"version\":1}\u{1e}"))
            .await
            .unwrap();
        match socket.next().await {
            Some(Ok(Message::Text(t))) if t.as_str() == "{}\u{1e}" => {}
            other => panic!("handshake answer: {other:?}"),
        }
        let tx = received_tx.clone();
        let errors = errors.clone();
        clients.push(tokio::spawn(async move {
            while let Some(message) = socket.next().await {
                match message {
                    Ok(Message::Text(text)) => {
                        for record in text.split('\u{1e}').filter(|r| !r.is_empty()) {
                            let value: serde_json::Value = serde_json::from_str(record).unwrap();
                            if value["type"] == 1 {
                                let n = value["arguments"][0].as_u64().unwrap() as usize;
                                let _ = tx.send((n, Instant::now()));
                            }
                        }
                    }
                    Ok(Message::Close(_)) => break,
                    Ok(_) => {}
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
        }));
    }
    drop(received_tx);
    let connect_time = started.elapsed();

    // Broadcast one after the other, each waiting until every client has it.
    let rest_url = format!("http://{addr}/api/v1/hubs/load");
    let rest_token = mint(json!({"exp": now() + 3600, "aud": rest_url}));
    let mut latencies = Vec::with_capacity(broadcasts);
    let run = Instant::now();
    for n in 0..broadcasts {
        let body = json!({"target": "tick", "arguments": [n, "payload of a typical chat message"]});
        let sent = Instant::now();
        let (status, _) = post(http, &rest_url, Some(&rest_token), body.to_string()).await;
        assert_eq!(status, http::StatusCode::ACCEPTED);
        let mut got = 0;
        let mut last = sent;
        while got < connections {
            let (m, at) = tokio::time::timeout(LIMIT, received_rx.recv())
                .await
                .expect("every client gets the broadcast in time")
                .expect("the clients are alive");
            assert_eq!(m, n, "broadcasts arrive in order");
            got += 1;
            last = at;
        }
        latencies.push(last - sent);
    }
    let run_time = run.elapsed();
    let rss_connected = rss_kib();
    for client in &clients {
        client.abort();
    }
    for client in clients {
        let _ = client.await;
    }
    Round {
        connect_time,
        run_time,
        latencies,
        errors: errors.load(Ordering::Relaxed),
        rss_connected,
    }
}

/// What a load run measured: the last round's figures, and the resident memory before the
/// run, at most while connected, and after each round once its clients were gone.
pub(crate) struct Report {
    /// The clients of a round.
    pub(crate) connections: usize,
    /// The broadcasts of a round, each delivered to every client.
    pub(crate) broadcasts: usize,
    /// The last round.
    last: Round,
    /// Resident memory before the first round, in KiB.
    pub(crate) rss_before: u64,
    /// The most resident memory seen with clients connected, in KiB.
    pub(crate) rss_connected: u64,
    /// Resident memory after each round, its sessions gone, in KiB.
    pub(crate) rss_after: Vec<u64>,
}

impl Report {
    /// Client-side errors in the last round (a WebSocket that failed).
    pub(crate) fn errors(&self) -> usize {
        self.last.errors
    }
}

/// Runs `rounds` rounds of `connections` clients and `broadcasts` broadcasts on one emulator.
/// Panics when a message is lost, late past the limit or out of order, or a session outlives
/// its client.
pub(crate) async fn run(connections: usize, broadcasts: usize, rounds: usize) -> Report {
    let emulator = Emulator::builder()
        .host("127.0.0.1")
        .port(0)
        .access_key(KEY)
        .start()
        .await
        .expect("the emulator starts");
    let http: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let rss_before = rss_kib();

    let mut rss_connected = 0;
    let mut rss_after = Vec::new();
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let round = run_round(&emulator, &http, connections, broadcasts).await;
        rss_connected = rss_connected.max(round.rss_connected);
        // Every session is gone once its client is.
        let deadline = Instant::now() + LIMIT;
        while emulator.connection_count() > 0 {
            assert!(Instant::now() < deadline, "sessions outlive their clients");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        rss_after.push(rss_kib());
        last = Some(round);
    }
    emulator.shutdown().await;
    Report {
        connections,
        broadcasts,
        last: last.expect("at least one round"),
        rss_before,
        rss_connected,
        rss_after,
    }
}

#[allow(dead_code)] // The load test includes this file for `run`.
#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let connections: usize = args.next().map_or(500, |a| a.parse().expect("CONNECTIONS"));
    let broadcasts: usize = args.next().map_or(100, |a| a.parse().expect("BROADCASTS"));
    let rounds: usize = args.next().map_or(2, |a| a.parse().expect("ROUNDS")).max(1);

    let report = run(connections, broadcasts, rounds).await;
    let (connections, broadcasts, errors) =
        (report.connections, report.broadcasts, report.errors());
    let Report {
        rss_before,
        rss_connected,
        ref rss_after,
        ..
    } = report;
    let Round {
        connect_time,
        run_time,
        ref latencies,
        ..
    } = report.last;
    let mut latencies = latencies.clone();
    latencies.sort();
    let delivered = connections * broadcasts;
    println!("connections            {connections}");
    println!("broadcasts             {broadcasts}");
    println!("messages delivered     {delivered} (every one, in order)");
    println!("client errors          {errors}");
    println!(
        "connect rate           {:.0} connections/s (negotiate + WebSocket + handshake, one after the other)",
        connections as f64 / connect_time.as_secs_f64()
    );
    println!(
        "delivery rate          {:.0} messages/s",
        delivered as f64 / run_time.as_secs_f64()
    );
    println!(
        "broadcast latency      p50 {:?}  p99 {:?}  max {:?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1]
    );
    println!(
        "resident memory        {rss_before} KiB before, {rss_connected} KiB at most connected, after each round (KiB): {rss_after:?}"
    );
    assert_eq!(errors, 0);
}
