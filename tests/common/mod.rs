//! Helpers for tests that run the example binaries: finding them, running them with a time
//! limit and killing them on drop, one-shot HTTP requests, and verifying minted tokens with an
//! independent verifier (the `jsonwebtoken` crate).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// An access key for tests: any string works as an HS256 key.
pub const TEST_ACCESS_KEY: &str = "test-access-key-0123456789-abcdefghijklmnopqrstuvwxyz";

/// The local emulator's access key (SPEC section 3).
pub const EMULATOR_ACCESS_KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

/// How long a spawned program gets to print its first lines.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// The repository root (where the root `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The path of example `name`'s binary, built by `cargo test` next to the test executables
/// (`target/<profile>/examples/NAME`). When it is absent, or older than a source file (as after
/// `cargo test --test ...`, which does not build examples), it is built with
/// `cargo build --example NAME` first.
pub fn example_binary(name: &str) -> PathBuf {
    static BUILD_LOCK: Mutex<()> = Mutex::new(());
    let exe = std::env::current_exe().expect("the test executable has a path");
    // target/<profile>/deps/<test-binary>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable is in target/<profile>/deps");
    let binary = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let built = std::fs::metadata(&binary).and_then(|m| m.modified()).ok();
    if built.is_some_and(|built| newest_source().is_none_or(|newest| newest <= built)) {
        return binary;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(repo_root())
        .args(["build", "--example", name]);
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        command.arg("--release");
    }
    eprintln!("building example `{name}` (missing or stale): {command:?}");
    let status = command.status().expect("cargo runs");
    assert!(
        status.success(),
        "`cargo build --example {name}` failed: {status}"
    );
    assert!(binary.is_file(), "{} was not built", binary.display());
    binary
}

/// The newest modification time among the sources the examples are built from.
fn newest_source() -> Option<std::time::SystemTime> {
    fn walk(path: &Path, newest: &mut Option<std::time::SystemTime>) {
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(path) {
                for entry in entries.flatten() {
                    walk(&entry.path(), newest);
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs" || e == "toml")
            && let Ok(modified) = meta.modified()
        {
            *newest = (*newest).max(Some(modified));
        }
    }
    let root = repo_root();
    let mut newest = None;
    for part in [
        "Cargo.toml",
        "src",
        "examples",
        "signalr-binding/Cargo.toml",
        "signalr-binding/src",
        "signalr-binding-macros/Cargo.toml",
        "signalr-binding-macros/src",
        "signalr-binding-expression/Cargo.toml",
        "signalr-binding-expression/src",
    ] {
        walk(&root.join(part), &mut newest);
    }
    newest
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

    /// For the example servers: the address from their first line, `listening on http://ADDR`.
    pub fn wait_for_address(&mut self) -> SocketAddr {
        let line = self.wait_for_line("`listening on` line", STARTUP_TIMEOUT, |l| {
            l.starts_with("listening on http://")
        });
        line.trim_start_matches("listening on http://")
            .parse()
            .unwrap_or_else(|e| panic!("{}: bad address in `{line}`: {e}", self.name))
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

/// Starts example `name` with `args`, the connection string `connection_string` (`None`:
/// unset), debug logging (so a leaked secret would show), and waits for its address.
pub fn start_example(
    name: &str,
    args: &[&str],
    connection_string: Option<&str>,
    extra_env: &[(&str, &str)],
) -> (Running, SocketAddr) {
    let mut command = Command::new(example_binary(name));
    command
        .args(args)
        .current_dir(repo_root())
        .env("RUST_LOG", "debug")
        .env_remove("SIGNALR_CORS_ORIGINS")
        .env_remove("FUNCTIONS_CUSTOMHANDLER_PORT");
    match connection_string {
        Some(value) => command.env("AzureSignalRConnectionString", value),
        None => command.env_remove("AzureSignalRConnectionString"),
    };
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let mut running = Running::spawn(name, command);
    let addr = running.wait_for_address();
    // The banner ends with the `curl` line: wait for all of it.
    running.wait_for_line("`try: curl` line", STARTUP_TIMEOUT, |l| {
        l.starts_with("try: curl ")
    });
    (running, addr)
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl HttpResponse {
    /// A header's value (lower-case name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request with `Connection: close`; the whole response is read.
pub fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        request.push_str("Content-Length: 0\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("read response from {addr}: {e}"));
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut headers = HashMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let body = if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
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
