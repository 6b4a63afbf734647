//! Id-token claim extraction through the public binding API, with and without verification.
//!
//! The first byte picks the mode; the rest is the input:
//! - 0: the raw token, unverified (as Azure does), sent percent-encoded in the query;
//! - 1: the raw token against an HMAC-verifying binding;
//! - 2: the bytes are the *payload* of a token the harness signs with the right HMAC key, so
//!   the claim checks and extraction after a good signature are reached; the same token is
//!   also resolved unverified, and when the verified binding answers, the unverified one must
//!   answer the same copied claims (the verified path copies from the `Map` jsonwebtoken
//!   decodes, the unverified one from the payload's text as `serde_json` streams it: a
//!   differential check of the two readings);
//! - 3: the raw token against a JWKS-verifying binding (kid lookup).
//!
//! Any input gives connection info or an error; an answer is a 3-segment token under 4 KiB
//! whose payload is a JSON object in which no copied claim set the identity claim
//! `asrs.s.uid` (the binding has no user id).
#![no_main]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use libfuzzer_sys::fuzz_target;
use signalr_binding::{
    ConnectionInfoBinding, EMULATOR_CONNECTION_STRING, FixedClock, IdTokenVerification,
    MAX_ACCESS_TOKEN_LEN,
};

const SECRET: &str = "fuzz-id-token-secret";
const CLAIMS: [&str; 8] = [
    "sub",
    "name",
    "asrs.s.uid",
    "aud",
    "exp",
    "roles",
    "x",
    "asrs.s.aut",
];

fn binding(verification: Option<IdTokenVerification>) -> ConnectionInfoBinding {
    let builder = ConnectionInfoBinding::builder("chat")
        .id_token("{query.t}")
        .claim_types(CLAIMS);
    match verification {
        Some(v) => builder.verify_id_token(v),
        None => builder,
    }
    .build()
    .unwrap()
}

static PLAIN: LazyLock<ConnectionInfoBinding> = LazyLock::new(|| binding(None));
static HMAC: LazyLock<ConnectionInfoBinding> = LazyLock::new(|| {
    binding(Some(
        IdTokenVerification::hmac_secret("SECRET").leeway(Duration::ZERO),
    ))
});
static JWKS: LazyLock<ConnectionInfoBinding> =
    LazyLock::new(|| binding(Some(IdTokenVerification::jwks("JWKS"))));

static SETTINGS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    let key = DecodingKey::from_rsa_pem(
        include_str!("../../signalr-binding/tests/data/rsa.pub.pem").as_bytes(),
    )
    .unwrap();
    let mut jwk = Jwk::from_decoding_key(&key, Some(Algorithm::RS256)).unwrap();
    jwk.common.key_id = Some("k1".into());
    let jwks = serde_json::json!({"keys": [jwk]}).to_string();
    HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            EMULATOR_CONNECTION_STRING.to_owned(),
        ),
        ("SECRET".to_owned(), SECRET.to_owned()),
        ("JWKS".to_owned(), jwks),
    ])
});

static SIGNING_KEY: LazyLock<EncodingKey> =
    LazyLock::new(|| EncodingKey::from_secret(SECRET.as_bytes()).unwrap());

fn b64(bytes: &[u8]) -> String {
    base64_url(bytes)
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// A request carrying `token` in the query, percent-encoded.
fn request(token: &[u8]) -> Option<http::Request<()>> {
    let mut uri = String::with_capacity(4 + token.len() * 3);
    uri.push_str("/?t=");
    for byte in token {
        write!(uri, "%{byte:02X}").unwrap();
    }
    http::Request::get(uri).body(()).ok()
}

/// The claims of a minted access token.
fn claims(access_token: &str) -> serde_json::Value {
    jsonwebtoken::dangerous::insecure_decode_claims::<serde_json::Value>(access_token)
        .expect("the minted payload is JSON")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, input)) = data.split_first() else {
        return;
    };
    let (binding, token): (&ConnectionInfoBinding, Vec<u8>) = match mode % 4 {
        0 => (&PLAIN, input.to_vec()),
        1 => (&HMAC, input.to_vec()),
        2 => {
            let message = format!("{}.{}", base64_url(br#"{"alg":"HS256"}"#), b64(input));
            let signature =
                jsonwebtoken::crypto::sign(message.as_bytes(), &SIGNING_KEY, Algorithm::HS256)
                    .unwrap();
            (&HMAC, format!("{message}.{signature}").into_bytes())
        }
        _ => (&JWKS, input.to_vec()),
    };
    let Some(request) = request(&token) else {
        return;
    };
    let clock = FixedClock(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let answer = binding.resolve_with(Some(&request), &*SETTINGS, &clock);
    if mode % 4 == 2
        && let Ok(verified) = &answer
    {
        let unverified = PLAIN
            .resolve_with(Some(&request), &*SETTINGS, &clock)
            .expect("a payload the verified path copies from, the unverified path copies from too");
        assert_eq!(
            claims(&unverified.access_token),
            claims(&verified.access_token),
            "the payload's text and its decoded map gave different claims"
        );
    }
    match answer {
        Ok(info) => {
            assert!(info.access_token.len() <= MAX_ACCESS_TOKEN_LEN);
            let segments: Vec<&str> = info.access_token.split('.').collect();
            assert_eq!(segments.len(), 3);
            let payload = claims(&info.access_token);
            let claims = payload
                .as_object()
                .expect("the minted payload is an object");
            assert!(
                !claims.contains_key("asrs.s.uid"),
                "a copied claim set the identity"
            );
            assert!(!claims.contains_key("asrs.s.aut"));
            assert_eq!(claims["iss"], "azure-signalr");
            assert_eq!(claims["aud"], "http://localhost/client/?hub=chat");
        }
        Err(error) => {
            assert!(
                error.status().is_client_error(),
                "a request-made error must be 4xx: {error:?}"
            );
            let _ = (error.to_string(), error.to_json());
        }
    }
});
