//! Rewritten handlers called with real `http` requests: the injected value is exactly what the
//! runtime resolves for the same binding, and a binding failure reaches the caller through each
//! supported return type without running the handler's body. One module per feature, in one
//! test binary.

mod errors;
mod handlers;
mod id_token;
mod receivers;
mod routing;
mod trusted;
mod verification;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use signalr_binding::{
    BindingContext, BindingError, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING, FixedClock,
    FromBindingError, IdTokenVerification, JwtAlgorithm, SignalRConnectionInfo,
    signalr_connection_info,
};
use std::cell::Cell;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

const OTHER_CONNECTION_STRING: &str = "Endpoint=https://other.service.signalr.net;AccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;Version=1.0;";

/// The stopped clock's time, in seconds since the Unix epoch.
const NOW: u64 = 1_800_000_000;

/// The HMAC secret that verifies id tokens, in setting `ID_TOKEN_SECRET`.
const ID_TOKEN_SECRET: &str = "id-token-secret-for-the-macro-tests";

/// Test-only RSA keys (they protect nothing), shared with the runtime crate's tests. The public
/// key is in setting `ID_TOKEN_RSA_KEY`.
const RSA_PRIVATE: &str = include_str!("../../../signalr-binding/tests/data/rsa.pem");
const RSA_PUBLIC: &str = include_str!("../../../signalr-binding/tests/data/rsa.pub.pem");

/// Settings and a stopped clock, so that a token minted twice is the same token.
fn context() -> BindingContext {
    context_with(&[
        ("ID_TOKEN_SECRET", ID_TOKEN_SECRET),
        ("ID_TOKEN_RSA_KEY", RSA_PUBLIC),
    ])
}

/// [`context`]'s connection strings and hub setting, these settings, and the stopped clock.
fn context_with(extra: &[(&str, &str)]) -> BindingContext {
    let mut settings: HashMap<String, String> = HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            EMULATOR_CONNECTION_STRING.to_owned(),
        ),
        (
            "OtherSignalR".to_owned(),
            OTHER_CONNECTION_STRING.to_owned(),
        ),
        ("CHAT_HUB".to_owned(), "Lobby".to_owned()),
    ]);
    settings.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    BindingContext::new()
        .with_settings(settings)
        .with_clock(FixedClock(
            SystemTime::UNIX_EPOCH + Duration::from_secs(NOW),
        ))
}

fn request(uri: &str, headers: &[(&str, &str)]) -> http::Request<()> {
    let mut builder = http::Request::builder().uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder.body(()).unwrap();
    request.extensions_mut().insert(context());
    request
}

/// What the runtime itself resolves for a binding built from the same properties.
fn expected(
    build: impl FnOnce(
        signalr_binding::ConnectionInfoBindingBuilder,
    ) -> signalr_binding::ConnectionInfoBindingBuilder,
    hub: &str,
    request: &http::Request<()>,
) -> SignalRConnectionInfo {
    build(ConnectionInfoBinding::builder(hub))
        .build()
        .unwrap()
        .resolve(request)
        .unwrap()
}

/// The access token's claims.
fn claims(info: &SignalRConnectionInfo) -> serde_json::Value {
    let payload = info.access_token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64_simd::URL_SAFE_NO_PAD.decode_to_vec(payload).unwrap()).unwrap()
}

/// An unsigned id token with these claims (the binding reads it without verifying it).
fn id_token(claims: serde_json::Value) -> String {
    let header = base64_simd::URL_SAFE_NO_PAD.encode_to_string(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = base64_simd::URL_SAFE_NO_PAD.encode_to_string(claims.to_string());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

/// An id token signed with `algorithm` and `key`.
fn signed_id_token(algorithm: Algorithm, key: &EncodingKey, claims: serde_json::Value) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), &claims, key).unwrap()
}

/// An HS256 id token signed with `secret`.
fn hs256_id_token(secret: &str, claims: serde_json::Value) -> String {
    signed_id_token(
        Algorithm::HS256,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        claims,
    )
}

/// Claims that pass every check of the verified handlers.
fn valid_claims() -> serde_json::Value {
    serde_json::json!({
        "iss": "https://issuer.example/",
        "aud": "my-app",
        "exp": NOW + 600,
        "name": "Mallory",
        "email": "mallory@example.com",
        "role": "admin",
    })
}

fn claims_of(info: &SignalRConnectionInfo, claim: &str) -> String {
    claims(info)[claim].as_str().unwrap().to_owned()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The error the runtime itself returns for a binding built from the same properties.
fn expected_error(
    build: impl FnOnce(
        signalr_binding::ConnectionInfoBindingBuilder,
    ) -> signalr_binding::ConnectionInfoBindingBuilder,
    hub: &str,
    request: &http::Request<()>,
) -> BindingError {
    build(ConnectionInfoBinding::builder(hub))
        .build()
        .unwrap()
        .resolve(request)
        .unwrap_err()
}

thread_local! {
    /// How often a handler body ran on this thread (each test runs on its own thread, and the
    /// async handlers here run on a current-thread runtime).
    static BODY_RUNS: Cell<usize> = const { Cell::new(0) };
}

fn body_ran() {
    BODY_RUNS.with(|runs| runs.set(runs.get() + 1));
}

/// The value `call` returns, and how often a handler body ran during it.
fn body_runs_during<T>(call: impl FnOnce() -> T) -> (T, usize) {
    let before = BODY_RUNS.with(Cell::get);
    let out = call();
    (out, BODY_RUNS.with(Cell::get) - before)
}
