//! Rewritten handlers called with real `http` requests: the injected value is exactly what the
//! runtime resolves for the same binding, and a binding failure reaches the caller through each
//! supported return type without running the handler's body.

use std::cell::Cell;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use signalr_binding::{
    BindingContext, BindingError, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING, FixedClock,
    FromBindingError, IdTokenVerification, JwtAlgorithm, SignalRConnectionInfo,
    signalr_connection_info,
};

const OTHER_CONNECTION_STRING: &str = "Endpoint=https://other.service.signalr.net;AccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;Version=1.0;";

/// The stopped clock's time, in seconds since the Unix epoch.
const NOW: u64 = 1_800_000_000;

/// The HMAC secret that verifies id tokens, in setting `ID_TOKEN_SECRET`.
const ID_TOKEN_SECRET: &str = "id-token-secret-for-the-macro-tests";

/// Test-only RSA keys (they protect nothing), shared with the runtime crate's tests. The public
/// key is in setting `ID_TOKEN_RSA_KEY`.
const RSA_PRIVATE: &str = include_str!("../../signalr-binding/tests/data/rsa.pem");
const RSA_PUBLIC: &str = include_str!("../../signalr-binding/tests/data/rsa.pub.pem");

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
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// An unsigned id token with these claims (the binding reads it without verifying it).
fn id_token(claims: serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
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

// ---- handlers -------------------------------------------------------------------------------

thread_local! {
    /// How often a handler body ran on this thread (each test runs on its own thread, and the
    /// async handlers here run on a current-thread runtime).
    static BODY_RUNS: Cell<usize> = const { Cell::new(0) };
}

fn body_ran() {
    BODY_RUNS.with(|runs| runs.set(runs.get() + 1));
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
fn sync_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    body_ran();
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{query.user}")]
async fn async_handler(
    req: http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    tokio::task::yield_now().await;
    let _ = req;
    Ok(info)
}

struct Api {
    prefix: &'static str,
}

impl Api {
    #[signalr_connection_info(hub_name = "chat", user_id = "<headers.x-user>")]
    fn negotiate(
        &self,
        parts: &http::request::Parts,
        info: SignalRConnectionInfo,
    ) -> Result<(String, SignalRConnectionInfo), BindingError> {
        let _ = parts;
        Ok((self.prefix.to_owned(), info))
    }

    #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
    async fn negotiate_async(
        &self,
        parts: &mut http::request::Parts,
        info: SignalRConnectionInfo,
    ) -> Result<SignalRConnectionInfo, BindingError> {
        parts.headers.clear();
        Ok(info)
    }
}

#[derive(Debug, PartialEq)]
struct AppError(BindingError);

impl From<BindingError> for AppError {
    fn from(error: BindingError) -> Self {
        AppError(error)
    }
}

#[signalr_connection_info(hub_name = "chat", user_id = "user-{query.id}", lifetime_secs = 600)]
fn generic_handler<B, E>(
    req: &http::Request<B>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, E>
where
    E: From<BindingError>,
{
    let _ = req;
    body_ran();
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}", name = "json")]
fn string_handler(req: &http::Request<()>, json: String) -> Result<String, BindingError> {
    let _ = req;
    Ok(json)
}

#[signalr_connection_info(hub_name = "chat", name = "value")]
fn value_handler(
    req: &http::Request<()>,
    value: serde_json::Value,
) -> Result<serde_json::Value, BindingError> {
    let _ = req;
    Ok(value)
}

#[signalr_connection_info(hub_name = "chat", name = "chat", user_id = "{query.user}")]
#[signalr_connection_info(
    hub_name = "%CHAT_HUB%",
    name = "lobby",
    connection_string_setting = "OtherSignalR",
    user_id = "{headers.x-user}"
)]
fn two_hubs(
    req: &http::Request<()>,
    chat: SignalRConnectionInfo,
    lobby: SignalRConnectionInfo,
) -> Result<(SignalRConnectionInfo, SignalRConnectionInfo), BindingError> {
    let _ = req;
    Ok((chat, lobby))
}

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-user}",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email", "aud"]
)]
fn id_token_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}", request = "incoming")]
fn named_request(
    incoming: &http::Request<()>,
    outgoing: http::Request<()>,
    SignalRConnectionInfo { url, access_token }: SignalRConnectionInfo,
) -> Result<(String, String, http::Request<()>), BindingError> {
    let _ = incoming;
    Ok((url, access_token, outgoing))
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn mut_pattern(
    req: http::Request<()>,
    mut info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    info.url.push_str("&extra=1");
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn response_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    body_ran();
    http::Response::new(info.to_json())
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
async fn bytes_response_handler(
    req: http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<Vec<u8>> {
    let _ = req;
    body_ran();
    http::Response::new(info.to_json().into_bytes())
}

#[derive(Debug, PartialEq)]
enum Answer {
    Connect(String),
    Refuse(u16, &'static str),
}

impl FromBindingError for Answer {
    fn from_binding_error(error: BindingError) -> Self {
        Answer::Refuse(error.status().as_u16(), error.code())
    }
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn custom_return(req: &http::Request<()>, info: SignalRConnectionInfo) -> Answer {
    let _ = req;
    body_ran();
    Answer::Connect(info.url)
}

#[signalr_connection_info(hub_name = "chat", connection_string_setting = "NotSet")]
fn missing_connection_string(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    body_ran();
    http::Response::new(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-user}",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email"],
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    id_token_issuer = "https://issuer.example/",
    id_token_audience = "my-app"
)]
fn verified_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    body_ran();
    Ok(info)
}

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-user}",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email"],
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    id_token_issuer = "https://issuer.example/",
    id_token_audience = "my-app"
)]
fn verified_response_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    body_ran();
    http::Response::new(info.to_json())
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    id_token_rsa_key_setting = "ID_TOKEN_RSA_KEY",
    id_token_algorithms = ["RS256"],
    id_token_leeway_secs = 5
)]
fn rsa_verified_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    body_ran();
    Ok(info)
}

// ---- injected values equal the runtime's -----------------------------------------------------

#[test]
fn sync_handler_gets_what_the_runtime_resolves() {
    let req = request("/negotiate", &[("X-MS-Client-Principal-Id", "alice")]);
    let info = sync_handler(&req).unwrap();
    let want = expected(
        |b| b.user_id("{headers.x-ms-client-principal-id}"),
        "chat",
        &req,
    );
    assert_eq!(info, want);
    assert_eq!(info.url, "http://localhost:8888/client/?hub=chat");
    assert_eq!(claims(&info)["asrs.s.uid"], "alice");
}

#[tokio::test]
async fn async_handler_gets_what_the_runtime_resolves() {
    let req = request("/negotiate?user=bob%20smith", &[]);
    let want = expected(|b| b.user_id("{query.user}"), "chat", &req);
    let info = async_handler(req).await.unwrap();
    assert_eq!(info, want);
    assert_eq!(claims(&info)["asrs.s.uid"], "bob smith");
}

#[tokio::test]
async fn methods_get_what_the_runtime_resolves() {
    let api = Api { prefix: "api" };
    let req = request("/negotiate", &[("x-user", "carol")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let (mut parts, ()) = req.into_parts();

    let (prefix, info) = api.negotiate(&parts).unwrap();
    assert_eq!(prefix, "api");
    assert_eq!(info, want);

    let info = api.negotiate_async(&mut parts).await.unwrap();
    assert_eq!(info, want);
    assert!(parts.headers.is_empty(), "the body ran after the binding");
}

#[test]
fn generic_handler_gets_what_the_runtime_resolves() {
    let req = request("/negotiate?id=42", &[]);
    let want = expected(
        |b| {
            b.user_id("user-{query.id}")
                .lifetime(Duration::from_secs(600))
        },
        "chat",
        &req,
    );
    let info = generic_handler::<(), AppError>(&req).unwrap();
    assert_eq!(info, want);
    let claims = claims(&info);
    assert_eq!(claims["asrs.s.uid"], "user-42");
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        600
    );

    // The same handler with another body type.
    let mut req = http::Request::new(String::from("body"));
    *req.uri_mut() = "/negotiate?id=7".parse().unwrap();
    req.extensions_mut().insert(context());
    let info = generic_handler::<String, BindingError>(&req).unwrap();
    assert_eq!(claims_of(&info, "asrs.s.uid"), "user-7");
}

fn claims_of(info: &SignalRConnectionInfo, claim: &str) -> String {
    claims(info)[claim].as_str().unwrap().to_owned()
}

#[test]
fn string_receiver_gets_the_camel_case_json() {
    let req = request("/negotiate", &[("x-user", "dave")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let json = string_handler(&req).unwrap();
    assert_eq!(json, want.to_json());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["url"], want.url);
    assert_eq!(value["accessToken"], want.access_token);
}

#[test]
fn value_receiver_gets_the_json_object() {
    let req = request("/negotiate", &[]);
    let want = expected(|b| b, "chat", &req);
    let value = value_handler(&req).unwrap();
    assert_eq!(
        value,
        serde_json::json!({ "url": want.url, "accessToken": want.access_token })
    );
    assert!(
        claims(&want).get("asrs.s.uid").is_none(),
        "no user_id, no user claim"
    );
}

#[test]
fn two_attributes_fill_two_parameters() {
    let req = request("/negotiate?user=erin", &[("x-user", "frank")]);
    let (chat, lobby) = two_hubs(&req).unwrap();
    assert_eq!(chat, expected(|b| b.user_id("{query.user}"), "chat", &req));
    assert_eq!(
        lobby,
        expected(
            |b| b
                .connection_string_setting("OtherSignalR")
                .user_id("{headers.x-user}"),
            "%CHAT_HUB%",
            &req
        )
    );
    assert_eq!(
        lobby.url,
        "https://other.service.signalr.net/client/?hub=lobby"
    );
    assert_eq!(claims_of(&chat, "asrs.s.uid"), "erin");
    assert_eq!(claims_of(&lobby, "asrs.s.uid"), "frank");
}

#[test]
fn id_token_claims_are_copied_as_the_runtime_copies_them() {
    let token = id_token(serde_json::json!({
        "name": "Grace", "email": "grace@example.com", "aud": "someone", "role": "admin"
    }));
    let req = request(
        "/negotiate",
        &[
            ("x-user", "grace"),
            ("authorization", &format!("Bearer {token}")),
        ],
    );
    let info = id_token_handler(&req).unwrap();
    let want = expected(
        |b| {
            b.user_id("{headers.x-user}")
                .id_token("{headers.authorization}")
                .claim_types(["name", "email", "aud"])
        },
        "chat",
        &req,
    );
    assert_eq!(info, want);
    let claims = claims(&info);
    assert_eq!(claims["name"], "Grace");
    assert_eq!(claims["email"], "grace@example.com");
    assert_eq!(claims["asrs.u.aud"], "someone");
    assert!(
        claims.get("role").is_none(),
        "only listed claims are copied"
    );
}

#[test]
fn the_named_request_is_read_and_patterns_are_kept() {
    let incoming = request("/negotiate", &[("x-user", "heidi")]);
    let outgoing = http::Request::new(());
    let (url, access_token, outgoing) = named_request(&incoming, outgoing).unwrap();
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &incoming);
    assert_eq!(SignalRConnectionInfo { url, access_token }, want);
    assert!(outgoing.extensions().get::<BindingContext>().is_none());

    let req = request("/negotiate", &[("x-user", "ivan")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let info = mut_pattern(req).unwrap();
    assert_eq!(info.url, format!("{}&extra=1", want.url));
    assert_eq!(info.access_token, want.access_token);
}

#[test]
fn response_handler_succeeds_with_its_body() {
    let req = request("/negotiate", &[("x-user", "judy")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let response = response_handler(&req);
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(response.body(), &want.to_json());
}

// ---- failures reach the caller ---------------------------------------------------------------
//
// Every failing call below would bump BODY_RUNS if the body ran.

fn body_runs_during<T>(call: impl FnOnce() -> T) -> (T, usize) {
    let before = BODY_RUNS.with(Cell::get);
    let out = call();
    (out, BODY_RUNS.with(Cell::get) - before)
}

#[test]
fn a_result_handler_returns_err_without_running_its_body() {
    let req = request("/negotiate", &[]);
    let (result, runs) = body_runs_during(|| sync_handler(&req));
    assert_eq!(
        result.unwrap_err(),
        BindingError::MissingHeader {
            name: "x-ms-client-principal-id".into()
        }
    );
    assert_eq!(runs, 0);

    let (result, runs) = body_runs_during(|| generic_handler::<(), AppError>(&request("/", &[])));
    assert_eq!(
        result.unwrap_err(),
        AppError(BindingError::MissingQuery { key: "id".into() })
    );
    assert_eq!(runs, 0);
}

#[test]
fn a_response_handler_answers_4xx_with_a_json_error() {
    let req = request("/negotiate", &[]);
    let (response, runs) = body_runs_during(|| response_handler(&req));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"]["code"], "missing_header");
    assert_eq!(body["error"]["status"], 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-user"),
        "the message names the header: {body}"
    );
}

#[test]
fn a_response_handler_hides_server_side_errors_behind_500() {
    let req = request("/negotiate", &[]);
    let (response, runs) = body_runs_during(|| missing_connection_string(&req));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"]["code"], "missing_connection_string");
}

#[test]
fn an_async_response_handler_with_bytes_answers_4xx() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (response, runs) =
        body_runs_during(|| runtime.block_on(bytes_response_handler(request("/", &[]))));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["error"]["code"], "missing_header");
}

#[test]
fn a_custom_return_type_gets_the_error_through_from_binding_error() {
    let (answer, runs) = body_runs_during(|| custom_return(&request("/", &[])));
    assert_eq!(runs, 0);
    assert_eq!(answer, Answer::Refuse(400, "missing_header"));

    let req = request("/", &[("x-user", "kim")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    assert_eq!(custom_return(&req), Answer::Connect(want.url));
}

#[test]
fn an_invalid_id_token_is_a_client_error() {
    let req = request("/", &[("x-user", "leo"), ("authorization", "not-a-jwt")]);
    let error = id_token_handler(&req).unwrap_err();
    assert!(error.is_client_error(), "{error}");
}

// ---- id-token verification ----------------------------------------------------------------

/// The builder's binding for the attributes of `verified_handler` and
/// `verified_response_handler`.
fn verified_builder(
    builder: signalr_binding::ConnectionInfoBindingBuilder,
) -> signalr_binding::ConnectionInfoBindingBuilder {
    builder
        .user_id("{headers.x-user}")
        .id_token("{headers.authorization}")
        .claim_types(["name", "email"])
        .verify_id_token(
            IdTokenVerification::hmac_secret("%ID_TOKEN_SECRET%")
                .issuer("https://issuer.example/")
                .audience("my-app"),
        )
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn a_verified_id_token_gets_what_the_runtime_resolves() {
    let token = hs256_id_token(ID_TOKEN_SECRET, valid_claims());
    let req = request(
        "/negotiate",
        &[("x-user", "mallory"), ("authorization", &bearer(&token))],
    );
    let (info, runs) = body_runs_during(|| verified_handler(&req).unwrap());
    assert_eq!(runs, 1);
    assert_eq!(info, expected(verified_builder, "chat", &req));
    let claims = claims(&info);
    assert_eq!(claims["name"], "Mallory");
    assert_eq!(claims["email"], "mallory@example.com");
    assert!(
        claims.get("role").is_none(),
        "only listed claims are copied"
    );

    let response = verified_response_handler(&req);
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(
        response.body(),
        &expected(verified_builder, "chat", &req).to_json()
    );
}

#[test]
fn a_rejected_id_token_is_a_401_and_the_body_does_not_run() {
    let mut expired = valid_claims();
    expired["exp"] = (NOW - 3600).into();
    let mut wrong_issuer = valid_claims();
    wrong_issuer["iss"] = "https://evil.example/".into();
    let mut wrong_audience = valid_claims();
    wrong_audience["aud"] = "another-app".into();
    let cases = [
        (
            hs256_id_token("not-the-secret", valid_claims()),
            "id_token_signature",
        ),
        (hs256_id_token(ID_TOKEN_SECRET, expired), "id_token_expired"),
        (
            hs256_id_token(ID_TOKEN_SECRET, wrong_issuer),
            "id_token_issuer",
        ),
        (
            hs256_id_token(ID_TOKEN_SECRET, wrong_audience),
            "id_token_audience",
        ),
        // Unverified tokens, as the Azure binding accepts them, are refused.
        (id_token(valid_claims()), "id_token_signature"),
    ];
    for (token, code) in cases {
        let req = request(
            "/negotiate",
            &[("x-user", "mallory"), ("authorization", &bearer(&token))],
        );
        let (result, runs) = body_runs_during(|| verified_handler(&req));
        assert_eq!(runs, 0, "{code}");
        let error = result.unwrap_err();
        assert_eq!(error.status(), http::StatusCode::UNAUTHORIZED, "{code}");
        assert_eq!(error.code(), code);
        assert!(
            matches!(error, BindingError::IdTokenRejected(_)),
            "{error:?}"
        );
        let runtime = expected_error(verified_builder, "chat", &req);
        assert_eq!(error, runtime, "the runtime refuses it the same way");

        let (response, runs) = body_runs_during(|| verified_response_handler(&req));
        assert_eq!(runs, 0, "{code}");
        assert_eq!(response.status(), http::StatusCode::UNAUTHORIZED, "{code}");
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        assert_eq!(body["error"]["code"], code);
        assert_eq!(body["error"]["status"], 401);
        assert!(
            response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"),
            "{code}: {:?}",
            response.headers()
        );
    }
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

#[test]
fn a_missing_secret_setting_is_a_500() {
    let token = hs256_id_token(ID_TOKEN_SECRET, valid_claims());
    let mut req = http::Request::builder()
        .uri("/negotiate")
        .header("x-user", "mallory")
        .header("authorization", bearer(&token))
        .body(())
        .unwrap();
    req.extensions_mut()
        .insert(context_with(&[("ID_TOKEN_RSA_KEY", RSA_PUBLIC)]));

    let (result, runs) = body_runs_during(|| verified_handler(&req));
    assert_eq!(runs, 0);
    let error = result.unwrap_err();
    assert_eq!(error.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error.code(), "missing_verification_key");
    assert_eq!(
        error,
        BindingError::MissingVerificationKey {
            setting: "ID_TOKEN_SECRET".into()
        }
    );

    let (response, runs) = body_runs_during(|| verified_response_handler(&req));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn an_rsa_key_verifies_with_the_listed_algorithm_and_leeway() {
    let key = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap();
    let rsa_builder = |builder: signalr_binding::ConnectionInfoBindingBuilder| {
        builder
            .id_token("{headers.authorization}")
            .claim_types(["name"])
            .verify_id_token(
                IdTokenVerification::rsa_pem("%ID_TOKEN_RSA_KEY%")
                    .algorithms([JwtAlgorithm::RS256])
                    .leeway(Duration::from_secs(5)),
            )
    };
    let with = |algorithm: Algorithm, exp: u64| {
        let token = signed_id_token(
            algorithm,
            &key,
            serde_json::json!({"exp": exp, "name": "Niaj"}),
        );
        request("/negotiate", &[("authorization", &bearer(&token))])
    };

    // Expired 3 s ago, within the 5 s leeway.
    let req = with(Algorithm::RS256, NOW - 3);
    let info = rsa_verified_handler(&req).unwrap();
    assert_eq!(info, expected(rsa_builder, "chat", &req));
    assert_eq!(claims(&info)["name"], "Niaj");

    // Expired 10 s ago; and PS256, which the key could verify but the list does not allow.
    for (req, code) in [
        (with(Algorithm::RS256, NOW - 10), "id_token_expired"),
        (with(Algorithm::PS256, NOW + 600), "id_token_algorithm"),
    ] {
        let (result, runs) = body_runs_during(|| rsa_verified_handler(&req));
        assert_eq!(runs, 0);
        let error = result.unwrap_err();
        assert_eq!(error.status(), http::StatusCode::UNAUTHORIZED);
        assert_eq!(error.code(), code);
        assert_eq!(error, expected_error(rsa_builder, "chat", &req));
    }
}
