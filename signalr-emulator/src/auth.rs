//! Access tokens, checked as Azure SignalR Service checks them: an HS256 signature with the
//! access key, `exp` (required) and `nbf`, and an audience that names this service.
//!
//! Client tokens carry `aud` = `{scheme}://{host}/client/?hub={hub}`: the host without its port
//! and the hub lower-cased (Azure/azure-signalr, `ServiceEndpoint.BuildAudienceBaseUrlEndWithSlash`
//! and `DefaultServiceEndpointGenerator`). REST tokens carry the request URL; the official SDK
//! writes it without the port and with `?api-version=...`, which is accepted too.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// Why a token was refused. The message starts with the name of the check that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No token in the request.
    #[error(
        "bearer: no access token (expected `Authorization: Bearer <token>` or `access_token=` in the query)"
    )]
    Missing,
    /// Not a JWT at all.
    #[error("format: the token is not a JWT ({0})")]
    Format(String),
    /// The header's `typ` is not `JWT`.
    #[error("header: the token's `typ` must be \"JWT\"")]
    Type,
    /// Signed with another algorithm than HS256.
    #[error("algorithm: the token must be signed with HS256")]
    Algorithm,
    /// The signature does not match the access key.
    #[error("signature: the token is not signed with this service's access key")]
    Signature,
    /// No `exp` claim.
    #[error("expiry: the token has no `exp` claim")]
    NoExpiry,
    /// `exp` is in the past.
    #[error("expiry: the token has expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("not-before: the token is not valid yet")]
    NotYetValid,
    /// The audience names another URL.
    #[error("audience: expected {expected:?}, got {got}{hint}")]
    Audience {
        /// The audience this request needs.
        expected: String,
        /// The token's `aud`, as JSON.
        got: String,
        /// What differs, when it is easy to say.
        hint: String,
    },
}

/// A token that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct VerifiedToken {
    /// All the claims of the token.
    pub claims: Map<String, Value>,
}

impl VerifiedToken {
    /// The user id: `asrs.s.uid`, else `nameid`, else `sub`.
    pub(crate) fn user_id(&self) -> Option<String> {
        ["asrs.s.uid", "nameid", "sub"]
            .iter()
            .find_map(|name| claim_strings(self.claims.get(*name)).into_iter().next())
    }

    /// When the connection must close because the login behind it ends: with `asrs.s.coae`
    /// (close on authentication expiry) `"true"`, the Unix time in `asrs.s.aeo` (auth expires
    /// on), else the token's `exp`, as Azure/azure-signalr's `ClaimsUtility` writes them and
    /// the service honours them (Azure/azure-signalr #1690).
    pub(crate) fn auth_expires_at(&self) -> Option<u64> {
        let flag = match self.claims.get("asrs.s.coae")? {
            Value::String(text) => text.eq_ignore_ascii_case("true"),
            Value::Bool(flag) => *flag,
            _ => false,
        };
        if !flag {
            return None;
        }
        let seconds = |value: &Value| match value {
            Value::String(text) => text.trim().parse::<u64>().ok(),
            Value::Number(number) => number.as_u64(),
            _ => None,
        };
        self.claims
            .get("asrs.s.aeo")
            .and_then(seconds)
            .or_else(|| self.claims.get("exp").and_then(seconds))
    }

    /// The claims as `type: value` strings, one per value (arrays give several).
    pub(crate) fn claim_strings(&self) -> Vec<String> {
        self.claims
            .iter()
            .flat_map(|(name, value)| {
                claim_strings(Some(value))
                    .into_iter()
                    .map(move |v| format!("{name}: {v}"))
            })
            .collect()
    }
}

fn claim_strings(value: Option<&Value>) -> Vec<String> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().flat_map(|v| claim_strings(Some(v))).collect(),
        Some(other) => vec![other.to_string()],
    }
}

/// [`verify_signature_and_lifetime`] with the service's key for `token`: the key issued to an
/// Entra identity when the token's header names it (`kid`), else the access key.
pub(crate) fn verify_with_service_key(
    token: &str,
    settings: &crate::Settings,
) -> Result<VerifiedToken, TokenError> {
    let key = match (jsonwebtoken::decode_header(token), &settings.identity_key) {
        (Ok(header), Some(issued)) if header.kid.as_deref() == Some(&issued.key_id) => {
            issued.key.as_str()
        }
        _ => settings.access_key.as_str(),
    };
    verify_signature_and_lifetime(token, key)
}

/// Checks the signature, the header (`alg` HS256, `typ` JWT), `exp` and `nbf` (no leeway) and
/// returns the claims; the audience is checked by the caller, which knows the request.
pub(crate) fn verify_signature_and_lifetime(
    token: &str,
    access_key: &str,
) -> Result<VerifiedToken, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp"]);
    // An empty key cannot sign anything; every token is then refused.
    let key = DecodingKey::from_secret(access_key.as_bytes()).map_err(|_| TokenError::Signature)?;
    match jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation) {
        Ok(data)
            if !data
                .header
                .typ
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("JWT")) =>
        {
            Err(TokenError::Type)
        }
        Ok(data) => Ok(VerifiedToken {
            claims: data.claims,
        }),
        Err(e) => Err(match e.kind() {
            ErrorKind::InvalidSignature => TokenError::Signature,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => TokenError::Algorithm,
            ErrorKind::ExpiredSignature => TokenError::Expired,
            ErrorKind::ImmatureSignature => TokenError::NotYetValid,
            ErrorKind::MissingRequiredClaim(claim) if claim == "exp" => TokenError::NoExpiry,
            ErrorKind::InvalidClaimFormat(claim) if claim == "exp" => TokenError::NoExpiry,
            _ => TokenError::Format(format_reason(&e)),
        }),
    }
}

/// A short reason for a token that is not a JWT, without the token.
fn format_reason(error: &jsonwebtoken::errors::Error) -> String {
    match error.kind() {
        ErrorKind::InvalidToken => "it is not three base64url parts".into(),
        ErrorKind::Base64(_) => "a part is not base64url".into(),
        ErrorKind::Json(_) => "a part is not a JSON object".into(),
        ErrorKind::Utf8(_) => "a part is not UTF-8".into(),
        ErrorKind::InvalidClaimFormat(claim) => format!("the `{claim}` claim has the wrong type"),
        _ => "it could not be read".into(),
    }
}

/// The host of a `Host` header without its port (`localhost:8888` -> `localhost`,
/// `[::1]:8888` -> `[::1]`).
pub(crate) fn host_without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => &host[..=end],
            None => host,
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The audience strings of a token (`aud` may be one string or an array).
fn audiences(token: &VerifiedToken) -> Vec<String> {
    claim_strings(token.claims.get("aud"))
}

fn got(token: &VerifiedToken) -> String {
    token
        .claims
        .get("aud")
        .map_or_else(|| "no `aud` claim".to_owned(), Value::to_string)
}

/// Splits `scheme://authority/path?query` into lower-cased `scheme://authority`, the path and
/// the query.
fn split_url(url: &str) -> Option<(String, &str, Option<&str>)> {
    let (scheme, rest) = url.split_once("://")?;
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => (&before_query[..i], &before_query[i..]),
        None => (before_query, ""),
    };
    Some((
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        ),
        path,
        query,
    ))
}

/// Checks a client token's audience against the `Host` the client connected to and the hub it
/// asked for.
pub(crate) fn check_client_audience(
    token: &VerifiedToken,
    scheme: &str,
    host: &str,
    hub: &str,
) -> Result<(), TokenError> {
    let expected = format!(
        "{scheme}://{}/client/?hub={}",
        host_without_port(host).to_ascii_lowercase(),
        hub.to_ascii_lowercase()
    );
    let auds = audiences(token);
    if auds.iter().any(|aud| {
        split_url(aud).is_some_and(|(base, path, query)| {
            let candidate = format!("{base}{path}?{}", query.unwrap_or_default());
            candidate == expected
        })
    }) {
        return Ok(());
    }
    let hint = auds
        .first()
        .map(|aud| client_audience_hint(aud, host, hub))
        .unwrap_or_default();
    Err(TokenError::Audience {
        expected,
        got: got(token),
        hint,
    })
}

fn client_audience_hint(aud: &str, host: &str, hub: &str) -> String {
    let Some((base, path, query)) = split_url(aud) else {
        return " (not an absolute URL)".into();
    };
    let authority = base.split_once("://").map_or("", |(_, a)| a);
    if host_without_port(authority) != authority {
        return " (the audience must not hold a port)".into();
    }
    if !authority.eq_ignore_ascii_case(host_without_port(host)) {
        return format!(" (the token is for host {authority:?})");
    }
    if path != "/client/" {
        return " (the path must be `/client/`)".into();
    }
    let token_hub = query
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "hub")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    if token_hub.eq_ignore_ascii_case(hub) {
        " (the hub must be lower-cased)".into()
    } else {
        format!(" (the token is for hub {token_hub:?}, the request for hub {hub:?})")
    }
}

/// Checks a REST token's audience: the request URL without query or trailing `/`, with or
/// without the port, optionally followed by a query of `api-version` and the request's own
/// parameters.
pub(crate) fn check_rest_audience(
    token: &VerifiedToken,
    scheme: &str,
    host: &str,
    path: &str,
    request_query: Option<&str>,
) -> Result<(), TokenError> {
    let path = path.trim_end_matches('/');
    let with_port = format!("{scheme}://{}", host.to_ascii_lowercase());
    let without_port = format!(
        "{scheme}://{}",
        host_without_port(host).to_ascii_lowercase()
    );
    let request_pairs: Vec<(String, String)> = request_query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let matches = |aud: &str| {
        let Some((base, aud_path, query)) = split_url(aud) else {
            return false;
        };
        let base_ok = base == with_port || base == without_port;
        let path_ok = aud_path.trim_end_matches('/') == path;
        let query_ok = query.is_none_or(|q| {
            form_urlencoded::parse(q.as_bytes()).all(|(k, v)| {
                k.eq_ignore_ascii_case("api-version")
                    || request_pairs.iter().any(|(rk, rv)| *rk == k && *rv == v)
            })
        });
        base_ok && path_ok && query_ok
    };
    if audiences(token).iter().any(|aud| matches(aud)) {
        return Ok(());
    }
    Err(TokenError::Audience {
        expected: format!("{with_port}{path}"),
        got: got(token),
        hint: String::new(),
    })
}

/// The token of a request: `Authorization: Bearer ...`, else the `access_token` query parameter.
pub(crate) fn token_from_request(headers: &http::HeaderMap, query: Option<&str>) -> Option<String> {
    if let Some(value) = headers.get(http::header::AUTHORIZATION)
        && let Ok(value) = value.to_str()
        && let Some(token) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
    {
        return Some(token.trim().to_owned());
    }
    query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
    })
}

/// `GET /api/v1/auth/accessKey`: the key issued to an app server that authenticates with
/// Microsoft Entra ID (`EmulatorBuilder::identity_key`), as
/// `{"KeyId": "...", "AccessKey": "..."}`, for the configured bearer token only.
pub(crate) async fn issue_identity_key(
    axum::extract::State(shared): axum::extract::State<std::sync::Arc<crate::state::Shared>>,
    method: http::Method,
    uri: http::Uri,
    headers: http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http::StatusCode;

    let Some(issued) = &shared.settings.identity_key else {
        return (
            StatusCode::NOT_FOUND,
            "this emulator issues no keys to Entra identities (start it with an identity key)",
        )
            .into_response();
    };
    if method != http::Method::GET {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "the key is fetched with GET",
        )
            .into_response();
    }
    if uri.query().is_some() {
        return (
            StatusCode::BAD_REQUEST,
            "the key request takes no query string",
        )
            .into_response();
    }
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(issued.bearer.as_str()) {
        tracing::info!("key request refused: not the identity's Entra token");
        return (
            StatusCode::UNAUTHORIZED,
            "the key request needs `Authorization: Bearer <the identity's Entra token>`",
        )
            .into_response();
    }
    tracing::info!(key_id = %issued.key_id, "key issued to an Entra identity");
    (
        StatusCode::OK,
        [(http::header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "KeyId": issued.key_id, "AccessKey": issued.key }).to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    const KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    fn mint(claims: Value, key: &str) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(key.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn a_good_client_token_passes() {
        let token = mint(
            json!({"aud": "http://localhost/client/?hub=chat", "exp": now() + 60, "nbf": now(), "asrs.s.uid": "alice"}),
            KEY,
        );
        let verified = verify_signature_and_lifetime(&token, KEY).unwrap();
        check_client_audience(&verified, "http", "localhost:8888", "Chat").unwrap();
        assert_eq!(verified.user_id().as_deref(), Some("alice"));
    }

    #[test]
    fn each_failure_names_its_check() {
        let wrong_key = mint(json!({"exp": now() + 60}), "other");
        let err = verify_signature_and_lifetime(&wrong_key, KEY).unwrap_err();
        assert!(err.to_string().starts_with("signature:"), "{err}");

        let expired = mint(json!({"exp": now() - 10}), KEY);
        let err = verify_signature_and_lifetime(&expired, KEY).unwrap_err();
        assert!(err.to_string().starts_with("expiry:"), "{err}");

        let no_exp = mint(json!({"aud": "x"}), KEY);
        assert_eq!(
            verify_signature_and_lifetime(&no_exp, KEY).unwrap_err(),
            TokenError::NoExpiry
        );

        let early = mint(json!({"exp": now() + 600, "nbf": now() + 300}), KEY);
        let err = verify_signature_and_lifetime(&early, KEY).unwrap_err();
        assert!(err.to_string().starts_with("not-before:"), "{err}");

        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("at+jwt".into());
        let other_type = encode(
            &header,
            &json!({"exp": now() + 60}),
            &EncodingKey::from_secret(KEY.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(
            verify_signature_and_lifetime(&other_type, KEY).unwrap_err(),
            TokenError::Type
        );

        let garbage = verify_signature_and_lifetime("abc", KEY).unwrap_err();
        assert!(garbage.to_string().starts_with("format:"), "{garbage}");

        let with_port = mint(
            json!({"aud": "http://localhost:8888/client/?hub=chat", "exp": now() + 60}),
            KEY,
        );
        let verified = verify_signature_and_lifetime(&with_port, KEY).unwrap();
        let err = check_client_audience(&verified, "http", "localhost:8888", "chat").unwrap_err();
        assert!(err.to_string().starts_with("audience:"), "{err}");
        assert!(err.to_string().contains("port"), "{err}");

        let other_hub = mint(
            json!({"aud": "http://localhost/client/?hub=news", "exp": now() + 60}),
            KEY,
        );
        let verified = verify_signature_and_lifetime(&other_hub, KEY).unwrap();
        let err = check_client_audience(&verified, "http", "localhost:8888", "chat").unwrap_err();
        assert!(err.to_string().contains("hub \"news\""), "{err}");
    }

    #[test]
    fn rest_audience_accepts_the_url_and_the_sdk_form() {
        let check = |aud: &str| {
            let token = mint(json!({"aud": aud, "exp": now() + 60}), KEY);
            let verified = verify_signature_and_lifetime(&token, KEY).unwrap();
            check_rest_audience(
                &verified,
                "http",
                "127.0.0.1:8888",
                "/api/v1/hubs/chat/",
                Some("excluded=a"),
            )
        };
        check("http://127.0.0.1:8888/api/v1/hubs/chat").unwrap();
        check("http://127.0.0.1/api/v1/hubs/chat?api-version=2022-06-01").unwrap();
        check("http://127.0.0.1/api/v1/hubs/chat/?excluded=a").unwrap();
        assert!(check("http://127.0.0.1:8888/api/v1/hubs/other").is_err());
        assert!(check("http://127.0.0.1:8888/api/v1/hubs/chat?x=1").is_err());
    }

    #[test]
    fn close_on_auth_expiry_reads_aeo_then_exp() {
        let token = |claims: Value| VerifiedToken {
            claims: claims.as_object().unwrap().clone(),
        };
        let at = |claims| token(claims).auth_expires_at();
        assert_eq!(
            at(json!({"asrs.s.coae": "true", "asrs.s.aeo": "1700000600", "exp": 1700003600})),
            Some(1_700_000_600)
        );
        assert_eq!(
            at(json!({"asrs.s.coae": "True", "exp": 1700003600})),
            Some(1_700_003_600)
        );
        assert_eq!(at(json!({"asrs.s.coae": true, "asrs.s.aeo": 5})), Some(5));
        assert_eq!(
            at(json!({"asrs.s.coae": "false", "asrs.s.aeo": "1700000600"})),
            None
        );
        assert_eq!(
            at(json!({"asrs.s.aeo": "1700000600", "exp": 1700003600})),
            None
        );
    }

    #[test]
    fn user_id_falls_back_to_nameid_then_sub() {
        let token = |claims: Value| VerifiedToken {
            claims: claims.as_object().unwrap().clone(),
        };
        assert_eq!(
            token(json!({"nameid": "n", "sub": "s"}))
                .user_id()
                .as_deref(),
            Some("n")
        );
        assert_eq!(token(json!({"sub": "s"})).user_id().as_deref(), Some("s"));
        assert_eq!(token(json!({})).user_id(), None);
    }

    #[test]
    fn hosts_lose_their_port() {
        assert_eq!(host_without_port("localhost:8888"), "localhost");
        assert_eq!(host_without_port("localhost"), "localhost");
        assert_eq!(host_without_port("[::1]:80"), "[::1]");
        assert_eq!(host_without_port("[::1]"), "[::1]");
    }
}
