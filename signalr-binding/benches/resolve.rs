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

#[cfg(feature = "identity")]
#[path = "../tests/support/mod.rs"]
mod support;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use signalr_binding::{BindingContext, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

/// The emulator's access key, the one in [`EMULATOR_CONNECTION_STRING`].
const KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
const AUDIENCE: &str = "http://localhost/client/?hub=chat";
const USER: &str = "4a1f6c3e-9d2b-4c1e-8f3a-2b7d9e0c5a11";

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

/// A binding with one connection string against one with three endpoints (its own setting
/// and two in `Azure:SignalR:Endpoints`), routed by the default router: `one` and `several`
/// in group `endpoints`, whose ratio is what reading the endpoints and routing cost. The
/// endpoints differ only in their port, which the audience leaves out, so every token has
/// the length of the single endpoint's.
fn endpoints(c: &mut Criterion) {
    let with_settings = |settings: HashMap<String, String>| {
        http::Request::post("/api/negotiate?negotiateVersion=1")
            .header("x-ms-client-principal-id", USER)
            .extension(BindingContext::new().with_settings(settings))
            .body(())
            .unwrap()
    };
    let one = with_settings(HashMap::from([(
        "AzureSignalRConnectionString".to_owned(),
        EMULATOR_CONNECTION_STRING.to_owned(),
    )]));
    let several = with_settings(HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            EMULATOR_CONNECTION_STRING.to_owned(),
        ),
        (
            "Azure:SignalR:Endpoints:west".to_owned(),
            format!("Endpoint=http://localhost;Port=8889;AccessKey={KEY};Version=1.0;"),
        ),
        (
            "Azure:SignalR:Endpoints:backup:secondary".to_owned(),
            format!("Endpoint=http://localhost;Port=8890;AccessKey={KEY};Version=1.0;"),
        ),
    ]));
    let builder =
        || ConnectionInfoBinding::builder("chat").user_id("{headers.x-ms-client-principal-id}");
    let single = builder().build().unwrap();
    let multiple = builder().multiple_endpoints().build().unwrap();
    assert_eq!(
        multiple
            .endpoints_with(
                several
                    .extensions()
                    .get::<BindingContext>()
                    .unwrap()
                    .settings()
            )
            .unwrap()
            .len(),
        3
    );

    let mut g = c.benchmark_group("endpoints");
    g.bench_function("one", |b| {
        b.iter(|| black_box(single.resolve(black_box(&one)).unwrap().to_json()))
    });
    g.bench_function("several", |b| {
        b.iter(|| black_box(multiple.resolve(black_box(&several)).unwrap().to_json()))
    });
    g.finish();
}

/// A binding whose key was fetched with an Entra identity (feature `identity`), against the
/// same binding with an access key: `access_key` and `identity` in group `identity`, whose
/// ratio is what identity-based auth costs per request once the key is cached. The key is
/// fetched once, before measuring, from the local stand-ins of `tests/support`.
#[cfg(feature = "identity")]
fn identity(c: &mut Criterion) {
    use std::sync::Arc;

    let (tenant, client, secret) = ("bench-tenant", "bench-client", "BenchClientSecret");
    let transport = support::EntraTransport::new(tenant, client, secret);
    let endpoint = support::KeyEndpoint::start(
        "",
        &transport.token,
        support::KeyAnswer::Key {
            id: "bench-key".into(),
            key: KEY.into(),
        },
    );
    let options = Arc::new(signalr_binding::IdentityOptions {
        transport: Some(transport),
        ..signalr_binding::IdentityOptions::default()
    });
    let with_settings = |connection_string: String| {
        let settings =
            HashMap::from([("AzureSignalRConnectionString".to_owned(), connection_string)]);
        http::Request::post("/api/negotiate?negotiateVersion=1")
            .header("x-ms-client-principal-id", USER)
            .extension(BindingContext::new().with_settings(settings))
            .body(())
            .unwrap()
    };
    // Both endpoints have the same host, so URLs and audiences have the same length.
    let access_key = with_settings(format!(
        "Endpoint={};AccessKey={KEY};Version=1.0;",
        endpoint.base()
    ));
    let identity = with_settings(format!(
        "Endpoint={};AuthType=azure.app;ClientId={client};TenantId={tenant};ClientSecret={secret};Version=1.0;",
        endpoint.base()
    ));
    // One binding each: a binding keeps the connection of its setting's latest value.
    let binding = || {
        ConnectionInfoBinding::builder("chat")
            .user_id("{headers.x-ms-client-principal-id}")
            .identity_options(Arc::clone(&options))
            .build()
            .unwrap()
    };
    let (with_key, with_identity) = (binding(), binding());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(with_identity.resolve_async(&identity))
        .expect("the key from the stand-ins");

    let mut g = c.benchmark_group("identity");
    g.bench_function("access_key", |b| {
        b.iter(|| black_box(with_key.resolve(black_box(&access_key)).unwrap().to_json()))
    });
    g.bench_function("identity", |b| {
        b.iter(|| {
            black_box(
                with_identity
                    .resolve(black_box(&identity))
                    .unwrap()
                    .to_json(),
            )
        })
    });
    g.finish();
    assert_eq!(endpoint.requests(), 1, "the key was fetched once");
}

#[cfg(not(feature = "identity"))]
fn identity(_: &mut Criterion) {}

criterion_group! {
    name = resolve;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(50);
    targets = benches, endpoints, identity
}
criterion_main!(resolve);
