//! A concurrency and soak check of bench-server (the negotiate handler as the HTTP benchmark
//! serves it), not a performance measurement: 64 keep-alive connections on loopback send
//! negotiate requests at once, a bounded number each (a warm-up round, then the checked round),
//! each round also stopped by a time limit on a slow machine. No request may fail, the sampled
//! tokens must verify with an independent verifier (`jsonwebtoken`) and carry their
//! connection's user, and the server's resident memory after the checked round must be within
//! 10% of its level after the warm-up. Nothing is asserted about time or throughput.
//!
//! Tune with `SIGNALR_LOAD_CONNECTIONS` and `SIGNALR_LOAD_REQUESTS` (per connection).

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use common::*;

const URL: &str = "http://127.0.0.1:8888/client/?hub=chat";
const AUDIENCE: &str = "http://127.0.0.1/client/?hub=chat";
/// Requests per connection in the warm-up round.
const WARM_UP_REQUESTS: u64 = 25;
/// The longest a round may run; a round that reaches it stops early (not a failure).
const ROUND_LIMIT: Duration = Duration::from_secs(20);
/// Every this many answers per connection, the token is kept for verification.
const SAMPLE_EVERY: u64 = 25;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("a VmRSS line")
}

#[derive(Default)]
struct Counters {
    ok: AtomicU64,
    failed: AtomicU64,
}

/// One request on an open connection: the status and the body.
async fn negotiate(
    sender: &mut http1::SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    user: &str,
) -> Result<(u16, Bytes), Box<dyn std::error::Error + Send + Sync>> {
    let request = Request::post("/api/negotiate?negotiateVersion=1")
        .header(header::HOST, addr.to_string())
        .header("x-ms-client-principal-id", user)
        .body(Full::default())?;
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    Ok((status, response.into_body().collect().await?.to_bytes()))
}

/// One keep-alive connection sending `requests` negotiate requests as `user`, stopping early at
/// `until`; returns the sampled bodies. A failure (connect, I/O, status) is counted and the
/// connection re-opened.
async fn connection(
    addr: SocketAddr,
    user: String,
    requests: u64,
    until: Instant,
    counters: Arc<Counters>,
) -> Vec<Bytes> {
    let mut samples = Vec::new();
    let mut done = 0u64;
    'connect: while done < requests && Instant::now() < until {
        let connected = async {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
                http1::handshake(TokioIo::new(stream)).await?,
            )
        };
        let Ok((mut sender, conn)) = connected.await else {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        tokio::spawn(conn);
        while done < requests && Instant::now() < until {
            let answer = negotiate(&mut sender, addr, &user);
            match tokio::time::timeout(Duration::from_secs(10), answer).await {
                Ok(Ok((200, body))) => {
                    counters.ok.fetch_add(1, Ordering::Relaxed);
                    done += 1;
                    if done % SAMPLE_EVERY == 1 {
                        samples.push(body);
                    }
                }
                _ => {
                    counters.failed.fetch_add(1, Ordering::Relaxed);
                    continue 'connect;
                }
            }
        }
    }
    samples
}

/// One round: `connections` connections at once, `requests` each; the answers that succeeded,
/// those that failed, and the sampled bodies with their connection's user.
fn round(addr: SocketAddr, connections: usize, requests: u64) -> (u64, u64, Vec<(String, Bytes)>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let counters = Arc::new(Counters::default());
    let until = Instant::now() + ROUND_LIMIT;
    let samples = runtime.block_on(async {
        let tasks: Vec<_> = (0..connections)
            .map(|i| {
                let user = format!("user-{i}");
                let task = connection(addr, user.clone(), requests, until, Arc::clone(&counters));
                (user, tokio::spawn(task))
            })
            .collect();
        let mut samples = Vec::new();
        for (user, task) in tasks {
            let bodies = task.await.expect("a connection task");
            samples.extend(bodies.into_iter().map(|body| (user.clone(), body)));
        }
        samples
    });
    (
        counters.ok.load(Ordering::Relaxed),
        counters.failed.load(Ordering::Relaxed),
        samples,
    )
}

#[test]
fn concurrent_keep_alive_negotiates_all_succeed_and_memory_settles() {
    let connections: usize = env_or("SIGNALR_LOAD_CONNECTIONS", 64);
    let requests: u64 = env_or("SIGNALR_LOAD_REQUESTS", 100);
    let cs = loopback_connection_string(8888);
    // Logging at `warn`, so that the log does not grow with the requests.
    let (server, addr) = start_bench_server(&["--port", "0"], Some(&cs), &[("RUST_LOG", "warn")]);
    let pid = server.id();
    let at_start = rss_kib(pid);

    let (warm_ok, warm_failed, _) = round(addr, connections, WARM_UP_REQUESTS);
    assert_eq!(warm_failed, 0, "failed requests during the warm-up");
    assert!(warm_ok > 0);
    std::thread::sleep(Duration::from_millis(300));
    let after_warm_up = rss_kib(pid);

    let (ok, failed, samples) = round(addr, connections, requests);
    std::thread::sleep(Duration::from_millis(300));
    let after_run = rss_kib(pid);

    eprintln!(
        "{connections} connections: {ok} answers, {failed} failed; RSS KiB: start {at_start}, \
         after warm-up {after_warm_up}, after the round {after_run}; {} tokens verified",
        samples.len()
    );
    assert_eq!(failed, 0, "failed requests ({ok} ok)");
    assert!(
        samples.len() >= connections,
        "every connection got answers: {ok} in all"
    );
    for (user, body) in &samples {
        let json: serde_json::Value = serde_json::from_slice(body).expect("a JSON answer");
        assert_eq!(json["url"], URL);
        let claims = verify_token(
            json["accessToken"].as_str().expect("an accessToken"),
            TEST_ACCESS_KEY,
            AUDIENCE,
        );
        assert_eq!(claims["asrs.s.uid"], user.as_str(), "{claims}");
    }
    let growth = after_run as f64 / after_warm_up as f64;
    assert!(
        (0.9..=1.1).contains(&growth),
        "resident memory moved by more than 10% after warm-up: {after_warm_up} KiB -> \
         {after_run} KiB"
    );
}
