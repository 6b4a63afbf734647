//! Local stand-ins for the Azure services identity-based auth talks to, on 127.0.0.1:
//! the App Service managed identity endpoint (`IDENTITY_ENDPOINT` / `IDENTITY_HEADER`) and the
//! SignalR Service's `/api/v1/auth/accessKey`. Each checks what the real one checks and can
//! fail on purpose.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use signalr_binding::Clock;

/// The `IDENTITY_HEADER` secret the managed identity stand-in expects.
pub const IDENTITY_HEADER: &str = "StandInIdentityHeaderSecret42";
/// The token the stand-in issues for the system-assigned identity.
pub const SYSTEM_TOKEN: &str = "EntraTokenStandInSystemAssigned.x.y";
/// A user-assigned client id the stand-in refuses (400: not assigned to this resource).
pub const UNASSIGNED_CLIENT: &str = "00000000-0000-0000-0000-00000000dead";

/// The Entra token the stand-in issues for a user-assigned `client_id`.
pub fn user_token(client_id: &str) -> String {
    format!("EntraTokenStandIn-{client_id}.x.y")
}

/// The runtime the stand-ins serve on (its own threads, whatever the test runs on).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the stand-ins")
    })
}

/// Serves `handler` on a fresh 127.0.0.1 port.
fn serve<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(Request<Body>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response<Body>> + Send + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().fallback(move |request: Request<Body>| handler(request));
    runtime().spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        let _ = axum::serve(listener, router).await;
    });
    addr
}

fn respond(status: u16, body: impl Into<String>) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .body(Body::from(body.into()))
        .unwrap()
}

fn query(request: &Request<Body>) -> HashMap<String, String> {
    request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The App Service managed identity endpoint (api-version 2019-08-01), as azure_identity calls
/// it: `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=...[&client_id=...]` with
/// `metadata: true` and `x-identity-header`.
pub struct ManagedIdentity {
    pub addr: SocketAddr,
    pub requests: Arc<AtomicUsize>,
    /// What each refused request lacked, for the test to show.
    pub refusals: Arc<Mutex<Vec<String>>>,
}

impl ManagedIdentity {
    fn start() -> Self {
        let requests = Arc::new(AtomicUsize::new(0));
        let refusals = Arc::new(Mutex::new(Vec::new()));
        let (count, refused) = (Arc::clone(&requests), Arc::clone(&refusals));
        let addr = serve(move |request: Request<Body>| {
            let (count, refused) = (Arc::clone(&count), Arc::clone(&refused));
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                let query = query(&request);
                let header = |name: &str| {
                    request
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let problem = if request.uri().path() != "/msi/token" {
                    Some("path")
                } else if query.get("api-version").map(String::as_str) != Some("2019-08-01") {
                    Some("api-version")
                } else if query.get("resource").map(String::as_str)
                    != Some("https://signalr.azure.com")
                {
                    Some("resource")
                } else if header("x-identity-header").as_deref() != Some(IDENTITY_HEADER) {
                    Some("x-identity-header")
                } else if header("metadata").as_deref() != Some("true") {
                    Some("metadata")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    refused.lock().unwrap().push(problem.to_owned());
                    return respond(401, format!("{{\"error\":\"{problem}\"}}"));
                }
                let token = match query.get("client_id") {
                    Some(id) if id == UNASSIGNED_CLIENT => {
                        return respond(
                            400,
                            r#"{"error":"invalid_request","error_description":"Identity not found"}"#,
                        );
                    }
                    Some(id) => user_token(id),
                    None => SYSTEM_TOKEN.to_owned(),
                };
                let expires = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap()
                    .as_secs()
                    + 3600;
                respond(
                    200,
                    format!(
                        r#"{{"access_token":"{token}","expires_on":"{expires}","resource":"https://signalr.azure.com","token_type":"Bearer"}}"#
                    ),
                )
            }
        });
        Self {
            addr,
            requests,
            refusals,
        }
    }
}

/// The one managed identity stand-in of the test binary; `IDENTITY_ENDPOINT` points at it.
pub fn managed_identity() -> &'static ManagedIdentity {
    static MI: OnceLock<ManagedIdentity> = OnceLock::new();
    MI.get_or_init(ManagedIdentity::start)
}

/// Sets the environment the credentials read, once, before any test goes on: the managed
/// identity stand-in, and nothing else of the machine's (no Azure variables, no proxy).
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let endpoint = format!("http://{}/msi/token", managed_identity().addr);
        // SAFETY: every test calls `init` first and waits here until it returns, and the
        // stand-ins' threads never read the environment, so no other thread reads it now.
        unsafe {
            for name in [
                "AZURE_CLIENT_ID",
                "AZURE_TENANT_ID",
                "AZURE_CLIENT_SECRET",
                "AZURE_CLIENT_CERTIFICATE_PATH",
                "AZURE_FEDERATED_TOKEN_FILE",
                "AZURE_AUTHORITY_HOST",
                "MSI_ENDPOINT",
                "MSI_SECRET",
                "IMDS_ENDPOINT",
                "IDENTITY_SERVER_THUMBPRINT",
                "HTTP_PROXY",
                "HTTPS_PROXY",
                "ALL_PROXY",
                "http_proxy",
                "https_proxy",
                "all_proxy",
            ] {
                std::env::remove_var(name);
            }
            std::env::set_var("NO_PROXY", "127.0.0.1");
            std::env::set_var("IDENTITY_ENDPOINT", endpoint);
            std::env::set_var("IDENTITY_HEADER", IDENTITY_HEADER);
        }
    });
}

/// How the key endpoint answers.
#[derive(Clone, Debug)]
pub enum KeyAnswer {
    /// 200 with this `KeyId` and `AccessKey`.
    Key { id: String, key: String },
    /// This status, empty JSON body.
    Status(u16),
    /// 200 with a body that is not JSON.
    Malformed,
    /// 200 without `KeyId`.
    MissingKeyId,
    /// 200 without `AccessKey`.
    MissingAccessKey,
    /// Answers the key after this long.
    Slow(Duration, String, String),
}

/// A REST API request a [`KeyEndpoint`] saw: method, path and `Authorization` header.
pub type SeenSend = (String, String, Option<String>);

/// The SignalR Service's key endpoint: `GET {base}/api/v1/auth/accessKey`, no query string,
/// `Authorization: Bearer <the expected Entra token>`, else 401.
pub struct KeyEndpoint {
    pub addr: SocketAddr,
    pub answer: Arc<Mutex<KeyAnswer>>,
    /// Requests to the key path.
    pub requests: Arc<AtomicUsize>,
    pub unauthorized: Arc<AtomicUsize>,
    /// The requests to the REST API's `:send` paths, which it answers `202`.
    pub sends: Arc<Mutex<Vec<SeenSend>>>,
}

impl KeyEndpoint {
    /// A key endpoint below `base_path` (`""` for the root) that accepts `token`.
    pub fn start(base_path: &str, token: &str, answer: KeyAnswer) -> Self {
        let answer = Arc::new(Mutex::new(answer));
        let requests = Arc::new(AtomicUsize::new(0));
        let unauthorized = Arc::new(AtomicUsize::new(0));
        let sends = Arc::new(Mutex::new(Vec::new()));
        let (shared, count, refused, sent) = (
            Arc::clone(&answer),
            Arc::clone(&requests),
            Arc::clone(&unauthorized),
            Arc::clone(&sends),
        );
        let path = format!("{base_path}/api/v1/auth/accessKey");
        let bearer = format!("Bearer {token}");
        let addr = serve(move |request: Request<Body>| {
            let (shared, count, refused, sent) = (
                Arc::clone(&shared),
                Arc::clone(&count),
                Arc::clone(&refused),
                Arc::clone(&sent),
            );
            let (path, bearer) = (path.clone(), bearer.clone());
            async move {
                // A REST API send (the REST client's): recorded with its token.
                if request.uri().path().ends_with("/:send") {
                    let authorization = request
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    sent.lock().unwrap().push((
                        request.method().to_string(),
                        request.uri().path().to_owned(),
                        authorization,
                    ));
                    return respond(202, "");
                }
                // Other paths (a health check's `HEAD /api/health`) are not key requests.
                if request.uri().path() != path {
                    return respond(404, "{}");
                }
                count.fetch_add(1, Ordering::SeqCst);
                if request.uri().query().is_some() {
                    return respond(404, "{}");
                }
                let authorization = request
                    .headers()
                    .get("authorization")
                    .and_then(|v| v.to_str().ok());
                if authorization != Some(bearer.as_str()) || request.method() != "GET" {
                    refused.fetch_add(1, Ordering::SeqCst);
                    return respond(401, "{}");
                }
                let answer = shared.lock().unwrap().clone();
                match answer {
                    KeyAnswer::Key { id, key } => {
                        respond(200, format!(r#"{{"KeyId":"{id}","AccessKey":"{key}"}}"#))
                    }
                    KeyAnswer::Status(status) => respond(status, "{}"),
                    KeyAnswer::Malformed => respond(200, r#"{"KeyId":"k","AccessKey":"#),
                    KeyAnswer::MissingKeyId => respond(200, r#"{"AccessKey":"SomeKey"}"#),
                    KeyAnswer::MissingAccessKey => respond(200, r#"{"KeyId":"k"}"#),
                    KeyAnswer::Slow(delay, id, key) => {
                        tokio::time::sleep(delay).await;
                        respond(200, format!(r#"{{"KeyId":"{id}","AccessKey":"{key}"}}"#))
                    }
                }
            }
        });
        Self {
            addr,
            answer,
            requests,
            unauthorized,
            sends,
        }
    }

    /// Answers `answer` from now on.
    pub fn set(&self, answer: KeyAnswer) {
        *self.answer.lock().unwrap() = answer;
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A loopback address nothing listens on.
pub fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// A clock the test moves.
#[derive(Clone, Debug)]
pub struct TestClock(Arc<Mutex<SystemTime>>);

impl TestClock {
    pub fn new() -> Self {
        Self(Arc::new(Mutex::new(SystemTime::now())))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// An HTTP transport (`IdentityOptions::transport`) that plays Microsoft Entra ID's token
/// endpoint for an application with a client secret or a certificate, checking what Entra
/// checks (tenant in the path, `client_id`, `grant_type=client_credentials`, the SignalR scope,
/// and `client_secret` or the certificate's signed `client_assertion`), and passes requests to
/// 127.0.0.1 to the default client. Anything else is refused: nothing leaves the machine.
#[derive(Debug)]
pub struct EntraTransport {
    inner: Arc<dyn azure_core::http::HttpClient>,
    pub tenant: String,
    pub client_id: String,
    pub secret: String,
    /// For an application with a certificate instead of a secret.
    pub certificate: Option<CertificateCheck>,
    /// The token issued.
    pub token: String,
    pub token_requests: AtomicUsize,
    /// Why requests were refused, for the test to show.
    pub refusals: Mutex<Vec<String>>,
}

/// What Entra knows of an application's certificate: its public key, and its thumbprint as
/// the assertion's `x5t` header may spell it.
#[derive(Debug)]
pub struct CertificateCheck {
    /// The RSA public key, PEM.
    pub public_key_pem: Vec<u8>,
    /// The accepted `x5t` values (base64 and base64url of the SHA-1).
    pub x5t: Vec<String>,
}

impl EntraTransport {
    pub fn new(tenant: &str, client_id: &str, secret: &str) -> Arc<Self> {
        Arc::new(Self {
            inner: azure_core::http::new_http_client(None),
            tenant: tenant.to_owned(),
            client_id: client_id.to_owned(),
            secret: secret.to_owned(),
            certificate: None,
            token: format!("EntraAppToken-{client_id}.x.y"),
            token_requests: AtomicUsize::new(0),
            refusals: Mutex::new(Vec::new()),
        })
    }

    /// An application that signs in with the certificate `check` describes.
    /// How many token requests reached the stand-in.
    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }

    pub fn with_certificate(tenant: &str, client_id: &str, check: CertificateCheck) -> Arc<Self> {
        Arc::new(Self {
            inner: azure_core::http::new_http_client(None),
            tenant: tenant.to_owned(),
            client_id: client_id.to_owned(),
            secret: String::new(),
            certificate: Some(check),
            token: format!("EntraCertToken-{client_id}.x.y"),
            token_requests: AtomicUsize::new(0),
            refusals: Mutex::new(Vec::new()),
        })
    }

    /// Checks a client assertion as Entra does (RFC 7523): RS256 signed by the certificate's
    /// key, `x5t` its thumbprint, issued by and about the client, for this token endpoint,
    /// not expired.
    fn assertion_problem(
        &self,
        check: &CertificateCheck,
        assertion_type: Option<&str>,
        assertion: Option<&str>,
    ) -> Option<String> {
        use jsonwebtoken::{Algorithm, DecodingKey, Validation};
        if assertion_type != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
            return Some(format!("client_assertion_type {assertion_type:?}"));
        }
        let Some(assertion) = assertion else {
            return Some("no client_assertion".to_owned());
        };
        let header = match jsonwebtoken::decode_header(assertion) {
            Ok(header) => header,
            Err(error) => return Some(format!("header: {error}")),
        };
        if header.alg != Algorithm::RS256 {
            return Some(format!("alg {:?}", header.alg));
        }
        match &header.x5t {
            Some(x5t) if check.x5t.contains(x5t) => {}
            other => return Some(format!("x5t {other:?}")),
        }
        let key = DecodingKey::from_rsa_pem(&check.public_key_pem).expect("an RSA public key");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[format!(
            "https://login.microsoftonline.com/{}/oauth2/v2.0/token",
            self.tenant
        )]);
        validation.set_issuer(&[&self.client_id]);
        validation.sub = Some(self.client_id.clone());
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        match jsonwebtoken::decode::<serde_json::Value>(assertion, &key, &validation) {
            Ok(_) => None,
            Err(error) => Some(format!("assertion: {error}")),
        }
    }
}

#[async_trait::async_trait]
impl azure_core::http::HttpClient for EntraTransport {
    async fn execute_request(
        &self,
        request: &azure_core::http::Request,
    ) -> azure_core::Result<azure_core::http::AsyncRawResponse> {
        use azure_core::http::headers::Headers;
        use azure_core::http::{AsyncRawResponse, Body as AzureBody, StatusCode as Status};
        let url = request.url();
        match url.host_str() {
            Some("login.microsoftonline.com") => {
                self.token_requests.fetch_add(1, Ordering::SeqCst);
                let body = match request.body() {
                    AzureBody::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                    #[allow(unreachable_patterns)]
                    _ => String::new(),
                };
                let form: HashMap<String, String> = body
                    .split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.to_owned(), percent_decode(v)))
                    .collect();
                let field = |name: &str| form.get(name).map(String::as_str);
                let problem = if url.path() != format!("/{}/oauth2/v2.0/token", self.tenant) {
                    Some("path".to_owned())
                } else if request.method() != azure_core::http::Method::Post
                    || field("client_id") != Some(&self.client_id)
                    || field("grant_type") != Some("client_credentials")
                    || field("scope") != Some("https://signalr.azure.com/.default")
                {
                    Some("method, client_id, grant_type or scope".to_owned())
                } else {
                    match &self.certificate {
                        Some(check) => self
                            .assertion_problem(
                                check,
                                field("client_assertion_type"),
                                field("client_assertion"),
                            )
                            .or_else(|| {
                                field("client_secret").map(|_| "a secret as well".to_owned())
                            }),
                        None => (field("client_secret") != Some(&self.secret))
                            .then(|| "client_secret".to_owned()),
                    }
                };
                let ok = problem.is_none();
                if let Some(problem) = problem {
                    self.refusals.lock().unwrap().push(problem);
                }
                let (status, json) = if ok {
                    (
                        Status::Ok,
                        format!(
                            r#"{{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"{}"}}"#,
                            self.token
                        ),
                    )
                } else {
                    (
                        Status::Unauthorized,
                        r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#.to_owned(),
                    )
                };
                Ok(AsyncRawResponse::from_bytes(status, Headers::new(), json))
            }
            Some("127.0.0.1") => self.inner.execute_request(request).await,
            other => Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Io,
                format!("the test transport refuses {other:?}"),
            )),
        }
    }
}

/// Every event logged in the process (a global `tracing` subscriber, installed once), as
/// `level message field=value ...` lines.
pub fn logs() -> &'static Mutex<Vec<String>> {
    static LOGS: OnceLock<&'static Mutex<Vec<String>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs: &'static Mutex<Vec<String>> = Box::leak(Box::new(Mutex::new(Vec::new())));
        let _ = tracing::subscriber::set_global_default(Recorder(logs));
        logs
    })
}

/// Records events as text.
struct Recorder(&'static Mutex<Vec<String>>);

struct Line(String);

impl tracing::field::Visit for Line {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = Line(event.metadata().level().to_string());
        event.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
