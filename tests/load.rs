//! The axum negotiate example under concurrent load on loopback: 64 keep-alive connections
//! for 12 s (after a 3 s warm-up). No request may fail, every sampled token must verify with
//! an independent verifier (`jsonwebtoken`), and the server's resident memory after the run
//! must be within 10% of its level after the warm-up.
//!
//! The client is a small hand-written HTTP/1.1 keep-alive client on tokio, so the test needs
//! no load tool. Tune with `SIGNALR_LOAD_SECS` and `SIGNALR_LOAD_CONNECTIONS`.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use tokio::net::TcpStream;

const URL: &str = "http://127.0.0.1:8888/client/?hub=chat";
const AUDIENCE: &str = "http://127.0.0.1/client/?hub=chat";
const WARM_UP: Duration = Duration::from_secs(3);
/// Every this many answers per connection, the token is kept for verification.
const SAMPLE_EVERY: u64 = 200;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the example (release or debug, as the test is built) with logging at `warn` so the
/// log does not dominate the measurement, and returns it with its address.
fn start() -> (Server, SocketAddr) {
    let mut child = Command::new(example_binary("negotiate"))
        .args(["--port", "0"])
        .current_dir(repo_root())
        .env(
            "AzureSignalRConnectionString",
            loopback_connection_string(8888),
        )
        .env("RUST_LOG", "warn")
        .env_remove("SIGNALR_CORS_ORIGINS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the example starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        // Keep draining so the server never blocks on a full pipe.
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent && let Some(addr) = line.strip_prefix("listening on http://") {
                let _ = tx.send(addr.trim().to_owned());
                sent = true;
            }
        }
    });
    let addr = rx
        .recv_timeout(STARTUP_TIMEOUT)
        .expect("a `listening on` line")
        .parse()
        .expect("an address");
    (Server(child), addr)
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

/// One keep-alive connection sending negotiate requests until `until`; returns the sampled
/// tokens. A failure (connect, I/O, status, body) is counted and the connection re-opened.
async fn connection(
    addr: SocketAddr,
    user: String,
    until: Instant,
    counters: Arc<Counters>,
) -> Vec<String> {
    let request = format!(
        "POST /api/negotiate?negotiateVersion=1 HTTP/1.1\r\nHost: {addr}\r\n\
         x-ms-client-principal-id: {user}\r\nContent-Length: 0\r\n\r\n"
    );
    let mut samples = Vec::new();
    let mut done = 0u64;
    let mut buffer = Vec::with_capacity(4096);
    'connect: while Instant::now() < until {
        let Ok(stream) = TcpStream::connect(addr).await else {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        while Instant::now() < until {
            buffer.clear();
            let answer = async {
                write_all(&stream, request.as_bytes()).await?;
                read_response(&stream, &mut buffer).await
            };
            match tokio::time::timeout(Duration::from_secs(10), answer).await {
                Ok(Some((200, body))) => {
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

// The root package's tokio has no `io-util`: read and write with `try_read`/`try_write`.
async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> Option<()> {
    while !bytes.is_empty() {
        stream.writable().await.ok()?;
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return None,
        }
    }
    Some(())
}

async fn read(stream: &TcpStream, buffer: &mut [u8]) -> Option<usize> {
    loop {
        stream.readable().await.ok()?;
        match stream.try_read(buffer) {
            Ok(n) => return Some(n),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return None,
        }
    }
}

/// Reads one response (`Content-Length` framing); its status and body.
async fn read_response(stream: &TcpStream, buffer: &mut Vec<u8>) -> Option<(u16, String)> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end]).ok()?;
            let status = head.split_whitespace().nth(1)?.parse().ok()?;
            let length: usize = head.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })?;
            while buffer.len() < end + 4 + length {
                let n = read(stream, &mut chunk).await?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8(buffer[end + 4..end + 4 + length].to_vec()).ok()?;
            return Some((status, body));
        }
        let n = read(stream, &mut chunk).await?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Runs `connections` connections for `duration`; the counters and the sampled bodies.
fn run_load(addr: SocketAddr, connections: usize, duration: Duration) -> (u64, u64, Vec<String>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let counters = Arc::new(Counters::default());
    let until = Instant::now() + duration;
    let samples = runtime.block_on(async {
        let tasks: Vec<_> = (0..connections)
            .map(|i| {
                tokio::spawn(connection(
                    addr,
                    format!("user-{i}"),
                    until,
                    Arc::clone(&counters),
                ))
            })
            .collect();
        let mut samples = Vec::new();
        for task in tasks {
            samples.extend(task.await.expect("a connection task"));
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
fn the_axum_example_holds_64_connections_for_10_seconds() {
    let seconds: u64 = env_or("SIGNALR_LOAD_SECS", 12);
    let connections: usize = env_or("SIGNALR_LOAD_CONNECTIONS", 64);
    let (server, addr) = start();
    let pid = server.0.id();
    let at_start = rss_kib(pid);

    let (warm_ok, warm_failed, _) = run_load(addr, connections, WARM_UP);
    assert_eq!(warm_failed, 0, "failed requests during the warm-up");
    assert!(warm_ok > 0);
    std::thread::sleep(Duration::from_millis(300));
    let after_warm_up = rss_kib(pid);

    let started = Instant::now();
    let (ok, failed, samples) = run_load(addr, connections, Duration::from_secs(seconds));
    let elapsed = started.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let after_run = rss_kib(pid);

    eprintln!(
        "load: {connections} connections, {elapsed:.1?}: {ok} ok ({:.0}/s), {failed} failed; \
         RSS KiB: start {at_start}, after warm-up {after_warm_up}, after run {after_run}; \
         {} tokens verified",
        ok as f64 / elapsed.as_secs_f64(),
        samples.len()
    );
    assert_eq!(failed, 0, "failed requests under load ({ok} ok)");
    assert!(
        ok as usize >= connections,
        "every connection got answers: {ok}"
    );
    assert!(
        samples.len() >= connections,
        "one sample per connection at least"
    );
    for body in &samples {
        let json: serde_json::Value = serde_json::from_str(body).expect("a JSON answer");
        assert_eq!(json["url"], URL);
        let claims = verify_token(
            json["accessToken"].as_str().expect("an accessToken"),
            TEST_ACCESS_KEY,
            AUDIENCE,
        );
        assert!(
            claims["asrs.s.uid"]
                .as_str()
                .is_some_and(|u| u.starts_with("user-")),
            "{claims}"
        );
    }
    let growth = after_run as f64 / after_warm_up as f64;
    assert!(
        (0.9..=1.1).contains(&growth),
        "resident memory moved by more than 10% after warm-up: {after_warm_up} KiB -> \
         {after_run} KiB"
    );
}
