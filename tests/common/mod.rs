//! Helpers for the end-to-end tests: the bench-server binary and the Node scripts as child
//! processes (killed on drop), the examples' servers in process on a loopback port, one-shot
//! HTTP requests with hyper's client, and verifying minted tokens with an independent verifier
//! (the `jsonwebtoken` crate).
#![allow(dead_code)]

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use http::{HeaderMap, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// An access key for tests: any string works as an HS256 key.
pub const TEST_ACCESS_KEY: &str = "test-access-key-0123456789-abcdefghijklmnopqrstuvwxyz";

/// The local emulator's access key, from the connection string it prints (Azure/azure-signalr,
/// `docs/emulator.md`).
pub const EMULATOR_ACCESS_KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

/// How long a spawned program gets to print its first lines.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one HTTP request may take before the test fails.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// The bench-server binary, which cargo builds before the integration tests.
pub const BENCH_SERVER: &str = env!("CARGO_BIN_EXE_bench-server");

/// The repository root (where the root `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A running child process whose output is collected line by line; killed on drop.
pub struct Running {
    pub name: String,
    child: Child,
    stdout: Receiver<String>,
    stdout_seen: Arc<Mutex<Vec<String>>>,
    stderr_seen: Arc<Mutex<Vec<String>>>,
}

impl Running {
    /// Spawns `command` with piped stdin, stdout and stderr.
    pub fn spawn(name: &str, mut command: Command) -> Self {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}"));
        let (tx, stdout) = mpsc::channel();
        let stdout_seen = Arc::new(Mutex::new(Vec::new()));
        let stderr_seen = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().expect("piped stdout");
        let seen = Arc::clone(&stdout_seen);
        thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                seen.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let err = child.stderr.take().expect("piped stderr");
        let seen = Arc::clone(&stderr_seen);
        thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                seen.lock().unwrap().push(line);
            }
        });
        Self {
            name: name.to_owned(),
            child,
            stdout,
            stdout_seen,
            stderr_seen,
        }
    }

    /// Waits for the next stdout line that satisfies `pred`, or panics with what was seen.
    pub fn wait_for_line(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if pred(&line) => return line,
                Ok(_) => continue,
                Err(_) => {
                    let status = self.child.try_wait().ok().flatten();
                    panic!(
                        "{}: no {what} within {timeout:?} (exited: {status:?})\n{}",
                        self.name,
                        self.transcript()
                    );
                }
            }
        }
    }

    /// For bench-server: the address from its first line, `listening on http://ADDR`.
    pub fn wait_for_address(&mut self) -> SocketAddr {
        let line = self.wait_for_line("`listening on` line", STARTUP_TIMEOUT, |l| {
            l.starts_with("listening on http://")
        });
        line.trim_start_matches("listening on http://")
            .parse()
            .unwrap_or_else(|e| panic!("{}: bad address in `{line}`: {e}", self.name))
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// All stdout lines so far.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout_seen.lock().unwrap().clone()
    }

    /// All stderr lines so far.
    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr_seen.lock().unwrap().clone()
    }

    /// Everything printed so far, for failure messages.
    pub fn transcript(&self) -> String {
        format!(
            "--- {name} stdout ---\n{}\n--- {name} stderr ---\n{}\n",
            self.stdout_lines().join("\n"),
            self.stderr_lines().join("\n"),
            name = self.name
        )
    }

    /// Waits up to `timeout` for the process to exit; `None` when it is still running (it is
    /// then killed).
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Let the reader threads drain what is left.
                thread::sleep(Duration::from_millis(50));
                return Some(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the process and waits for it, then gives its output time to arrive.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts bench-server with `args`, the connection string `connection_string` (`None`:
/// unset), debug logging (so a leaked secret would show), and waits for its banner.
pub fn start_bench_server(
    args: &[&str],
    connection_string: Option<&str>,
    extra_env: &[(&str, &str)],
) -> (Running, SocketAddr) {
    let mut command = Command::new(BENCH_SERVER);
    command
        .args(args)
        .current_dir(repo_root())
        .env("RUST_LOG", "debug")
        .env_remove("SIGNALR_CORS_ORIGINS");
    match connection_string {
        Some(value) => command.env("AzureSignalRConnectionString", value),
        None => command.env_remove("AzureSignalRConnectionString"),
    };
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let mut running = Running::spawn("bench-server", command);
    let addr = running.wait_for_address();
    // The banner ends with the `curl` line: wait for all of it.
    running.wait_for_line("`try: curl` line", STARTUP_TIMEOUT, |l| {
        l.starts_with("try: curl ")
    });
    (running, addr)
}

/// A server running in this process, on its own thread and runtime, on a loopback port chosen
/// by the system. Dropping it stops the server.
pub struct InProcess {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl InProcess {
    /// Runs `serve` with a listener on `127.0.0.1:0` until dropped; `serve` ending first (an
    /// accept error) panics the server's thread.
    pub fn start<F, Fut>(serve: F) -> Self
    where
        F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
        Fut: Future<Output = std::io::Result<()>>,
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                tokio::select! {
                    result = serve(listener) => panic!("the server stopped: {result:?}"),
                    _ = stopped => {}
                }
            });
        });
        Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Serves `app` with `axum::serve`.
    pub fn axum(app: axum::Router) -> Self {
        Self::start(move |listener| async move { axum::serve(listener, app).await })
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A response, its body read whole.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl HttpResponse {
    /// A header's value, when it is visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

/// One request to `http://ADDR/PATH` with `headers` and an empty body.
pub fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request.body(Full::default()).expect("a valid request"))
}

/// Sends `request` with hyper's client, on a runtime of its own, and reads the whole answer.
pub fn send(request: Request<Full<Bytes>>) -> HttpResponse {
    let uri = request.uri().clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::builder(TokioExecutor::new()).build_http();
        let answer = async {
            let response = client.request(request).await?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            Ok::<_, Box<dyn std::error::Error>>(HttpResponse {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        };
        match tokio::time::timeout(REQUEST_TIMEOUT, answer).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => panic!("{uri}: {error}"),
            Err(_) => panic!("{uri}: no answer within {REQUEST_TIMEOUT:?}"),
        }
    })
}

/// The claims of `token`, verified with the `jsonwebtoken` crate using only the access key and
/// the expected audience: HS256 signature, `aud`, `exp` and `nbf`. Panics on failure.
pub fn verify_token(token: &str, access_key: &str, audience: &str) -> serde_json::Value {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
    let header = decode_header(token).expect("a JWT header");
    assert_eq!(header.alg, Algorithm::HS256, "alg");
    assert_eq!(header.typ.as_deref(), Some("JWT"), "typ");
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[audience]);
    validation.validate_nbf = true;
    validation.leeway = 5;
    validation.set_required_spec_claims(&["exp", "aud", "nbf", "iat"]);
    let data = decode::<serde_json::Value>(
        token,
        &DecodingKey::from_secret(access_key.as_bytes()).expect("an HMAC key"),
        &validation,
    )
    .unwrap_or_else(|e| panic!("token does not verify (key, audience {audience:?}): {e}"));
    data.claims
}

/// Checks a negotiate answer: exactly `url` and `accessToken`, the URL, and a token that
/// verifies with `access_key` and `audience` and carries `asrs.s.uid` = `user`.
pub fn check_connection_info(
    response: &HttpResponse,
    url: &str,
    access_key: &str,
    audience: &str,
    user: &str,
) -> serde_json::Value {
    assert_eq!(response.status, 200, "status; body: {}", response.body);
    assert!(
        response
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json")),
        "content-type: {:?}",
        response.header("content-type")
    );
    let json = response.json();
    let object = json.as_object().expect("a JSON object");
    let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["accessToken", "url"], "exactly two keys");
    assert_eq!(object["url"], url);
    let claims = verify_token(
        object["accessToken"].as_str().unwrap(),
        access_key,
        audience,
    );
    assert_eq!(claims["asrs.s.uid"], user, "asrs.s.uid in {claims}");
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 3600, "default lifetime: one hour");
    claims
}

/// A connection string for a service at `http://127.0.0.1:PORT` with [`TEST_ACCESS_KEY`].
pub fn loopback_connection_string(port: u16) -> String {
    format!("Endpoint=http://127.0.0.1;Port={port};AccessKey={TEST_ACCESS_KEY};Version=1.0;")
}

/// Whether this run is under CI (`CI` set to anything but empty, `0` or `false`).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Runs once per test process.
pub fn once<T: Clone + Send + Sync + 'static>(
    cell: &'static OnceLock<T>,
    f: impl FnOnce() -> T,
) -> T {
    cell.get_or_init(f).clone()
}

/// The directory of the Node scripts and their pinned npm packages.
pub fn e2e_dir() -> PathBuf {
    repo_root().join("tests").join("e2e")
}

/// `Some(version)` when `node` runs; otherwise skips (prints why) or, under CI, fails.
pub fn node_or_skip(test: &str) -> Option<String> {
    match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => {
            Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        }
        other => {
            let why = match other {
                Ok(output) => format!("`node --version` exited with {}", output.status),
                Err(error) => format!("`node` cannot be run: {error}"),
            };
            if under_ci() {
                panic!(
                    "{test}: {why}; CI is set, so this end-to-end test must run. Install Node.js 18 or newer."
                );
            }
            // Straight to the process's stderr, past the test harness's capture, so that a
            // plain `cargo test` shows it although the test passes.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: {why}. Install Node.js 18 or newer to run the end-to-end test \
                 with the official client (with CI set, this fails instead)."
            );
            None
        }
    }
}

/// Installs the pinned npm packages once per test process, when they are missing.
pub fn npm_packages() {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    let result = once(&DONE, || {
        let dir = e2e_dir();
        // npm writes node_modules/.package-lock.json when it installs: missing, or older than
        // the lockfile, means the packages are missing or out of date.
        let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let installed = modified(dir.join("node_modules").join(".package-lock.json"));
        let wanted = modified(dir.join("package-lock.json"));
        let complete = [
            "@microsoft/signalr",
            "@microsoft/signalr-protocol-msgpack",
            "playwright-core",
        ]
        .iter()
        .all(|p| {
            dir.join("node_modules")
                .join(p)
                .join("package.json")
                .is_file()
        });
        if complete && installed.is_some() && installed >= wanted {
            return Ok(());
        }
        eprintln!(
            "installing the e2e npm packages from the lockfile: npm ci in {}",
            dir.display()
        );
        let mut npm = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
        npm.current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
        let mut running = Running::spawn("npm ci", npm);
        match running.wait_timeout(Duration::from_secs(600)) {
            Some(status) if status.success() => Ok(()),
            Some(status) => Err(format!(
                "npm ci failed ({status})\n{}",
                running.transcript()
            )),
            None => Err(format!(
                "npm ci did not finish within 10 minutes\n{}",
                running.transcript()
            )),
        }
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
