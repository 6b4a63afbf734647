//! Resolving connection info against the bare signing call a hand-written negotiate makes.
//!
//! One group per case. In each, `resolve` is the binding's whole job for one request (headers
//! read, claims built, token signed, JSON answer serialised with
//! [`SignalRConnectionInfo::to_json`]) and `jsonwebtoken_encode` is one
//! `jsonwebtoken::encode` call with a cached `EncodingKey` on the same claims. Only the ratio
//! of the two, measured in the same run, means anything. The id-token case has two more
//! baselines: `insecure_decode_and_encode`, the least a hand-written negotiate that copies
//! id-token claims must do (`jsonwebtoken::dangerous::insecure_decode` of the id token into a
//! struct of the claims it copies, then `jsonwebtoken::encode`), which is that case's bar; and
//! `handwritten_copy_and_encode`, such a negotiate written in full (headers read, the claims
//! picked from a `serde_json` map, the JSON answer written). Print the ratios with
//! `signalr-binding/benches/report.py` after `cargo bench -p signalr-binding --bench resolve`.

use criterion::{Criterion, criterion_group, criterion_main};

mod pairs;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pairs::{KEY, USER};
use serde::{Deserialize, Serialize};
use signalr_binding::{BindingContext, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

const AUDIENCE: &str = "http://localhost/client/?hub=chat";

/// The claims a hand-written negotiate signs; the optional ones are left out when unset.
#[derive(Serialize)]
struct Claims<'a> {
    #[serde(rename = "asrs.s.uid", skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a [&'a str]>,
    nbf: u64,
    exp: u64,
    iat: u64,
    aud: &'a str,
    iss: &'a str,
}

/// An id token as an identity provider issues it: a dozen claims, three of them copied.
fn id_token() -> String {
    let header = base64_simd::URL_SAFE_NO_PAD
        .encode_to_string(br#"{"alg":"RS256","kid":"nOo3ZDrODXEK1jKWhXslHR_KXEg","typ":"JWT"}"#);
    let payload = base64_simd::URL_SAFE_NO_PAD.encode_to_string(
        serde_json::json!({
            "aud": "6e74172b-be56-4843-9ff4-e66a39bb12e3",
            "iss": "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
            "iat": 1_700_000_000u64, "nbf": 1_700_000_000u64, "exp": 1_700_003_600u64,
            "name": "Ann Example", "email": "ann@example.com",
            "oid": "00000000-0000-0000-66f3-3332eca7ea81",
            "preferred_username": "ann@example.com",
            "roles": ["reader", "writer"],
            "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
            "tid": "9122040d-6c67-4c5b-b112-36a304b66dad", "ver": "2.0"
        })
        .to_string(),
    );
    format!("{header}.{payload}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk")
}

fn request(headers: &[(&str, &str)]) -> http::Request<()> {
    let settings = HashMap::from([(
        "AzureSignalRConnectionString".to_owned(),
        EMULATOR_CONNECTION_STRING.to_owned(),
    )]);
    let mut builder = http::Request::post("/api/negotiate?negotiateVersion=1")
        .header("host", "localhost:7071")
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
        )
        .header("accept", "*/*")
        .header("content-type", "text/plain;charset=UTF-8")
        .header(
            "x-signalr-user-agent",
            "Microsoft SignalR/8.0 (8.0.7; Unknown OS; Browser; Unknown Runtime Version)",
        )
        .extension(BindingContext::new().with_settings(settings));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// What a hand-written negotiate that copies id-token claims does per request: read the
/// headers, decode the id token's payload (unverified, as the binding without verification),
/// keep the listed claims, and sign with `jsonwebtoken::encode`. The fair baseline of the
/// binding's id-token case, where `jsonwebtoken_encode` alone skips the id token.
fn handwritten_copy_and_encode(
    request: &http::Request<()>,
    header: &Header,
    key: &EncodingKey,
    now: u64,
) -> String {
    let headers = request.headers();
    let user_id = headers["x-ms-client-principal-id"].to_str().unwrap();
    let id_token = headers["authorization"].to_str().unwrap();
    let id_token = id_token.strip_prefix("Bearer ").unwrap_or(id_token);
    let payload = base64_simd::URL_SAFE_NO_PAD
        .decode_to_vec(id_token.split('.').nth(1).unwrap())
        .unwrap();
    let id_claims: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&payload).unwrap();
    let mut claims = serde_json::Map::new();
    claims.insert("asrs.s.uid".into(), user_id.into());
    for claim_type in ["name", "email", "roles"] {
        if let Some(value) = id_claims.get(claim_type) {
            claims.insert(claim_type.into(), value.clone());
        }
    }
    claims.insert("nbf".into(), now.into());
    claims.insert("exp".into(), (now + 3600).into());
    claims.insert("iat".into(), now.into());
    claims.insert("aud".into(), AUDIENCE.into());
    claims.insert("iss".into(), "azure-signalr".into());
    let token = jsonwebtoken::encode(header, &claims, key).unwrap();
    serde_json::json!({"url": "http://localhost:8888/client/?hub=chat", "accessToken": token})
        .to_string()
}

/// The id-token claims a hand-written negotiate copies, typed: the rest are skipped.
#[derive(Deserialize)]
struct IdTokenClaims {
    email: Option<String>,
    name: Option<String>,
    roles: Option<Vec<String>>,
}

/// The least a hand-written negotiate that copies id-token claims must do: read the id token
/// without checking it (`jsonwebtoken::dangerous::insecure_decode`, as the binding without
/// verification) and sign the access token with `jsonwebtoken::encode`.
fn insecure_decode_and_encode(
    id_token: &str,
    header: &Header,
    key: &EncodingKey,
    claims: &Claims<'_>,
) -> String {
    let id_claims = jsonwebtoken::dangerous::insecure_decode::<IdTokenClaims>(id_token)
        .unwrap()
        .claims;
    let roles: Option<Vec<&str>> = id_claims
        .roles
        .as_ref()
        .map(|roles| roles.iter().map(String::as_str).collect());
    let claims = Claims {
        email: id_claims.email.as_deref(),
        name: id_claims.name.as_deref(),
        roles: roles.as_deref(),
        ..*claims
    };
    jsonwebtoken::encode(header, &claims, key).unwrap()
}

fn case(
    c: &mut Criterion,
    group: &str,
    binding: ConnectionInfoBinding,
    request: http::Request<()>,
    claims: Claims<'_>,
    handwritten: bool,
) {
    let key = EncodingKey::from_secret(KEY.as_bytes()).unwrap();
    let header = Header::new(Algorithm::HS256);
    // The two produce the same claims (the binding's token verifies with the same key).
    let info = binding.resolve(&request).unwrap();
    let baseline = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    assert_eq!(info.access_token.split('.').count(), 3);
    assert_eq!(baseline.split('.').count(), 3);

    let mut g = c.benchmark_group(group);
    g.bench_function("resolve", |b| {
        b.iter(|| black_box(binding.resolve(black_box(&request)).unwrap().to_json()))
    });
    g.bench_function("jsonwebtoken_encode", |b| {
        b.iter(|| black_box(jsonwebtoken::encode(&header, black_box(&claims), &key).unwrap()))
    });
    if handwritten {
        let id_token = request.headers()["authorization"].to_str().unwrap();
        let id_token = id_token.strip_prefix("Bearer ").unwrap_or(id_token);
        let copied = insecure_decode_and_encode(id_token, &header, &key, &claims);
        assert_eq!(
            jsonwebtoken::dangerous::insecure_decode_claims::<serde_json::Value>(&copied).unwrap(),
            jsonwebtoken::dangerous::insecure_decode_claims::<serde_json::Value>(&baseline)
                .unwrap(),
            "the baseline copies the claims the binding copies"
        );
        g.bench_function("insecure_decode_and_encode", |b| {
            b.iter(|| {
                black_box(insecure_decode_and_encode(
                    black_box(id_token),
                    &header,
                    &key,
                    &claims,
                ))
            })
        });
        let now = claims.iat;
        g.bench_function("handwritten_copy_and_encode", |b| {
            b.iter(|| {
                black_box(handwritten_copy_and_encode(
                    black_box(&request),
                    &header,
                    &key,
                    now,
                ))
            })
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    let now = now();
    let claims = |user_id, copied: bool| Claims {
        user_id,
        email: copied.then_some("ann@example.com"),
        name: copied.then_some("Ann Example"),
        roles: copied.then_some(&["reader", "writer"][..]),
        nbf: now,
        exp: now + 3600,
        iat: now,
        aud: AUDIENCE,
        iss: "azure-signalr",
    };

    case(
        c,
        "no_user",
        ConnectionInfoBinding::builder("chat").build().unwrap(),
        request(&[]),
        claims(None, false),
        false,
    );
    case(
        c,
        "user_from_header",
        ConnectionInfoBinding::builder("chat")
            .user_id("{headers.x-ms-client-principal-id}")
            .build()
            .unwrap(),
        request(&[("x-ms-client-principal-id", USER)]),
        claims(Some(USER), false),
        false,
    );
    let token = format!("Bearer {}", id_token());
    case(
        c,
        "user_and_id_token_claims",
        ConnectionInfoBinding::builder("chat")
            .user_id("{headers.x-ms-client-principal-id}")
            .id_token("{headers.authorization}")
            .claim_types(["name", "email", "roles"])
            .build()
            .unwrap(),
        request(&[
            ("x-ms-client-principal-id", USER),
            ("authorization", &token),
        ]),
        claims(Some(USER), true),
        true,
    );
}

/// A pair of bindings (`pairs`), measured one after the other in one group: the ratio of
/// `measured` to `base` is the pair's figure.
fn pair(c: &mut Criterion, pair: &pairs::Pair) {
    let mut g = c.benchmark_group(pair.case);
    for side in [&pair.base, &pair.measured] {
        g.bench_function(side.name, |b| b.iter(|| black_box(side.run())));
    }
    g.finish();
}

/// Group `endpoints_env`: the `endpoints` pair with its settings in the process environment.
/// It runs first, while the process has one thread, since it sets environment variables.
fn endpoints_env(c: &mut Criterion) {
    // SAFETY: the first group, run before any other thread starts.
    pair(c, &unsafe { pairs::endpoints_env() });
}

/// Group `endpoints`: one connection string (`one`) against three endpoints (`several`).
fn endpoints(c: &mut Criterion) {
    pair(c, &pairs::endpoints());
}

/// Group `identity`: an access key (`access_key`) against a key fetched with an Entra identity
/// (`identity`, feature `identity`).
#[cfg(feature = "identity")]
fn identity(c: &mut Criterion) {
    pair(c, &pairs::identity());
}

#[cfg(not(feature = "identity"))]
fn identity(_: &mut Criterion) {}

criterion_group! {
    name = resolve;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(50);
    targets = endpoints_env, benches, endpoints, identity
}
criterion_main!(resolve);
