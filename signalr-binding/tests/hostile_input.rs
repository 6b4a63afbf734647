//! Hostile requests end to end through `ConnectionInfoBinding::resolve`: forged and expired id
//! tokens with verification on, header values that are not UTF-8, bad percent-encoding, user
//! ids with control characters or over 1 KiB. Each is a clear 4xx and never connection info.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use signalr_binding::{
    BindingContext, BindingError, ConfigError, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING,
    FixedClock, FunctionJsonBinding, IdTokenRejection, IdTokenVerification, JwtAlgorithm,
    MAX_USER_ID_LEN, SettingNameError, SignalRConnectionInfo,
};

const NOW: u64 = 1_700_000_000;
const SECRET: &str = "the-id-token-hmac-secret-for-tests";
const RSA_PRIVATE: &str = include_str!("data/rsa.pem");
const RSA_PUBLIC: &str = include_str!("data/rsa.pub.pem");

fn context() -> BindingContext {
    BindingContext::new()
        .with_settings(HashMap::from([
            (
                "AzureSignalRConnectionString".to_owned(),
                EMULATOR_CONNECTION_STRING.to_owned(),
            ),
            ("ID_TOKEN_SECRET".to_owned(), SECRET.to_owned()),
            ("ID_TOKEN_RSA".to_owned(), RSA_PUBLIC.to_owned()),
        ]))
        .with_clock(FixedClock(
            SystemTime::UNIX_EPOCH + Duration::from_secs(NOW),
        ))
}

fn request(uri: &str, headers: &[(&str, &[u8])]) -> http::Request<()> {
    let mut builder = http::Request::builder().uri(uri).extension(context());
    for (name, value) in headers {
        builder = builder.header(*name, http::HeaderValue::from_bytes(value).unwrap());
    }
    builder.body(()).unwrap()
}

fn hs256(claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn access_claims(info: &SignalRConnectionInfo) -> Value {
    let payload = info.access_token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64_simd::URL_SAFE_NO_PAD.decode_to_vec(payload).unwrap()).unwrap()
}

fn verifying_binding() -> ConnectionInfoBinding {
    ConnectionInfoBinding::builder("chat")
        .id_token("{headers.authorization}")
        .claim_types(["name", "asrs.s.uid"])
        .verify_id_token(
            IdTokenVerification::hmac_secret("ID_TOKEN_SECRET")
                .issuer("https://issuer.example")
                .audience("negotiate"),
        )
        .build()
        .unwrap()
}

fn good_claims() -> Value {
    json!({
        "exp": NOW + 300, "nbf": NOW - 10, "iss": "https://issuer.example", "aud": "negotiate",
        "name": "Ann", "asrs.s.uid": "admin"
    })
}

#[test]
fn a_verified_token_gives_its_claims_and_cannot_set_the_identity() {
    let token = format!("Bearer {}", hs256(&good_claims()));
    let info = verifying_binding()
        .resolve(&request("/", &[("authorization", token.as_bytes())]))
        .unwrap();
    let claims = access_claims(&info);
    assert_eq!(claims["name"], "Ann");
    assert!(claims.get("asrs.s.uid").is_none());
    assert_eq!(claims["asrs.u.asrs.s.uid"], "admin");
}

#[test]
fn a_token_failing_any_check_is_a_401_naming_it() {
    let binding = verifying_binding();
    let with = |key: &str, value: Value| {
        let mut claims = good_claims();
        claims[key] = value;
        hs256(&claims)
    };
    let forged = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &good_claims(),
        &EncodingKey::from_secret(b"guessed").unwrap(),
    )
    .unwrap();
    let rsa_signed = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &good_claims(),
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    let unsigned = {
        let mut parts = hs256(&good_claims())
            .split('.')
            .map(str::to_owned)
            .collect::<Vec<_>>();
        parts[0] = "eyJhbGciOiJub25lIn0".into(); // {"alg":"none"}
        format!("{}.{}.", parts[0], parts[1])
    };
    for (token, code, check) in [
        (forged, "id_token_signature", "signature"),
        (
            with("exp", json!(NOW - 3600)),
            "id_token_expired",
            "expired",
        ),
        (
            with("nbf", json!(NOW + 3600)),
            "id_token_not_yet_valid",
            "not valid yet",
        ),
        (
            with("iss", json!("https://evil")),
            "id_token_issuer",
            "issuer",
        ),
        (
            with("aud", json!("other-app")),
            "id_token_audience",
            "audience",
        ),
        (unsigned, "id_token_algorithm", "algorithm `none`"),
        (rsa_signed, "id_token_algorithm", "algorithm `RS256`"),
    ] {
        let error = binding
            .resolve(&request("/", &[("authorization", token.as_bytes())]))
            .unwrap_err();
        assert_eq!(error.status(), StatusCode::UNAUTHORIZED, "{error}");
        assert_eq!(error.code(), code);
        assert!(error.to_string().contains(check), "{error}");
        assert!(error.to_json().contains(code));
    }
}

#[test]
fn verification_with_no_claims_to_copy_still_requires_a_valid_token() {
    let binding = ConnectionInfoBinding::builder("chat")
        .id_token("{headers.authorization}")
        .verify_id_token(
            IdTokenVerification::rsa_pem("ID_TOKEN_RSA").algorithms([JwtAlgorithm::RS256]),
        )
        .build()
        .unwrap();
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &json!({"exp": NOW + 60}),
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    assert!(
        binding
            .resolve(&request("/", &[("authorization", token.as_bytes())]))
            .is_ok()
    );
    let error = binding.resolve(&request("/", &[])).unwrap_err();
    assert!(matches!(error, BindingError::MissingHeader { .. }));
    let error = binding
        .resolve(&request(
            "/",
            &[("authorization", hs256(&good_claims()).as_bytes())],
        ))
        .unwrap_err();
    assert!(matches!(
        error,
        BindingError::IdTokenRejected(IdTokenRejection::AlgorithmNotAllowed { alg: "HS256" })
    ));
}

#[test]
fn a_misconfigured_key_is_a_500_even_for_a_good_token() {
    let binding = ConnectionInfoBinding::builder("chat")
        .id_token("{headers.authorization}")
        .claim_types(["name"])
        .verify_id_token(IdTokenVerification::rsa_pem("UNSET_KEY_SETTING"))
        .build()
        .unwrap();
    let token = hs256(&good_claims());
    let error = binding
        .resolve(&request("/", &[("authorization", token.as_bytes())]))
        .unwrap_err();
    assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error.code(), "missing_verification_key");
    assert!(
        !error.to_json().contains("UNSET_KEY_SETTING"),
        "5xx bodies stay generic"
    );
}

#[test]
fn the_builder_refuses_unworkable_verification() {
    let build = |b: signalr_binding::ConnectionInfoBindingBuilder| b.build().unwrap_err();
    assert_eq!(
        build(
            ConnectionInfoBinding::builder("chat")
                .verify_id_token(IdTokenVerification::hmac_secret("S"))
        ),
        ConfigError::VerificationWithoutIdToken
    );
    assert!(matches!(
        build(
            ConnectionInfoBinding::builder("chat")
                .id_token("{headers.authorization}")
                .verify_id_token(
                    IdTokenVerification::rsa_pem("K").algorithms([JwtAlgorithm::HS256])
                )
        ),
        ConfigError::InvalidVerification { .. }
    ));
    // A key pasted where the setting's name belongs.
    let error = build(
        ConnectionInfoBinding::builder("chat")
            .id_token("{headers.authorization}")
            .verify_id_token(IdTokenVerification::rsa_pem(RSA_PUBLIC)),
    );
    assert!(error.to_string().contains("name of the setting"));
    assert!(!error.to_string().contains("MIIB"));
}

#[test]
fn without_verification_claims_are_read_unverified_as_in_azure() {
    let binding = ConnectionInfoBinding::builder("chat")
        .id_token("{headers.authorization}")
        .claim_types(["name"])
        .build()
        .unwrap();
    let forged = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"name": "Whoever"}),
        &EncodingKey::from_secret(b"anything").unwrap(),
    )
    .unwrap();
    let info = binding
        .resolve(&request("/", &[("authorization", forged.as_bytes())]))
        .unwrap();
    assert_eq!(access_claims(&info)["name"], "Whoever");
}

#[test]
fn non_utf8_headers_are_a_400_naming_the_header() {
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{headers.x-user}")
        .build()
        .unwrap();
    let error = binding
        .resolve(&request("/", &[("x-user", b"caf\xe9")]))
        .unwrap_err();
    assert_eq!(error.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error.code(), "invalid_header_value");
    assert!(error.to_string().contains("x-user"));
}

#[test]
fn bad_percent_encoding_is_a_400_naming_the_key() {
    let binding = ConnectionInfoBinding::builder("{query.hub}")
        .user_id("{query.user}")
        .build()
        .unwrap();
    for uri in [
        "/?hub=chat&user=%zz",
        "/?hub=chat&user=%E9",
        "/?hub=chat&user=%4",
    ] {
        let error = binding.resolve(&request(uri, &[])).unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(error.code(), "invalid_query_encoding", "{uri}");
        assert!(error.to_string().contains("`user`"));
    }
    let error = binding
        .resolve(&request("/?hub=ch%ZZ&user=a", &[]))
        .unwrap_err();
    assert_eq!(error.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn user_ids_with_control_characters_or_over_1_kib_are_a_400() {
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{query.user}")
        .build()
        .unwrap();
    let long = "a".repeat(MAX_USER_ID_LEN + 1);
    for user in ["ann%0A", "a%00b", "%1B%5B31m", "%C2%85", long.as_str()] {
        let error = binding
            .resolve(&request(&format!("/?user={user}"), &[]))
            .unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{user:.20}");
        assert_eq!(error.code(), "invalid_user_id", "{user:.20}");
    }
    let exactly = "a".repeat(MAX_USER_ID_LEN);
    assert!(
        binding
            .resolve(&request(&format!("/?user={exactly}"), &[]))
            .is_ok()
    );
}

#[test]
fn oversized_and_malformed_id_tokens_are_a_400() {
    let binding = ConnectionInfoBinding::builder("chat")
        .id_token("{headers.authorization}")
        .claim_types(["name"])
        .build()
        .unwrap();
    let huge = format!("a.{}.c", "b".repeat(16 * 1024));
    for token in ["", "not-a-jwt", "a.b.c", "a.e30.c.d", huge.as_str()] {
        let error = binding
            .resolve(&request("/", &[("authorization", token.as_bytes())]))
            .unwrap_err();
        assert_eq!(
            error.status(),
            StatusCode::BAD_REQUEST,
            "{token:.20}: {error}"
        );
    }
    for binding in [binding, verifying_binding()] {
        let error = binding
            .resolve(&request("/", &[("authorization", huge.as_bytes())]))
            .unwrap_err();
        assert_eq!(error.code(), "id_token_too_large");
    }
}

#[test]
fn a_connection_string_pasted_as_the_setting_name_is_refused_without_echoing_it() {
    let error = ConnectionInfoBinding::builder("chat")
        .connection_string_setting(EMULATOR_CONNECTION_STRING)
        .build()
        .unwrap_err();
    assert_eq!(
        error,
        ConfigError::InvalidConnectionStringSetting(SettingNameError::LooksLikeAValue)
    );
    assert!(!error.to_string().contains("ABCDEFGH"));
    let json = format!(
        r#"{{"type":"signalRConnectionInfo","hubName":"chat","connectionStringSetting":"{EMULATOR_CONNECTION_STRING}"}}"#
    );
    let error = FunctionJsonBinding::parse(&json).unwrap_err();
    assert!(!error.to_string().contains("ABCDEFGH"), "{error}");
}
