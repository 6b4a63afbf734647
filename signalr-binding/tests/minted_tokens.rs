//! Minted tokens checked by an independent verifier: `jsonwebtoken`, given only the access key
//! and the audience the service expects (Azure/azure-signalr,
//! `src/Microsoft.Azure.SignalR.Common/Endpoints/ServiceEndpoint.cs`,
//! `BuildAudienceBaseUrlEndWithSlash`).

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use signalr_binding::{
    BindingContext, BindingError, ConnectionInfoBinding, FixedClock, SignalRConnectionInfo,
};
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

const KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
const NOW: u64 = 1_700_000_000;

fn context(connection_string: &str) -> BindingContext {
    BindingContext::new()
        .with_settings(HashMap::from([
            (
                "AzureSignalRConnectionString".to_owned(),
                connection_string.to_owned(),
            ),
            ("HUB".to_owned(), "FromSetting".to_owned()),
        ]))
        .with_clock(FixedClock(
            SystemTime::UNIX_EPOCH + Duration::from_secs(NOW),
        ))
}

fn request(connection_string: &str, uri: &str, headers: &[(&str, &str)]) -> http::Request<()> {
    let mut builder = http::Request::builder()
        .uri(uri)
        .extension(context(connection_string));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).unwrap()
}

/// Verifies the token's signature with the access key and its audience, and returns its claims.
fn verify(info: &SignalRConnectionInfo, audience: &str) -> Value {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[audience]);
    validation.validate_exp = false; // the fixed clock is in the past
    validation.validate_nbf = false;
    let claims = jsonwebtoken::decode::<Value>(
        &info.access_token,
        &DecodingKey::from_secret(KEY.as_bytes()).unwrap(),
        &validation,
    )
    .expect("the token verifies with the access key and audience")
    .claims;
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["nbf"], NOW);
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    claims
}

fn resolve(binding: &ConnectionInfoBinding, cs: &str) -> SignalRConnectionInfo {
    binding
        .resolve(&request(cs, "/api/negotiate", &[]))
        .unwrap()
}

#[test]
fn url_and_audience_across_connection_strings() {
    let chat = ConnectionInfoBinding::builder("Chat").build().unwrap();
    for (cs, url, audience) in [
        // The emulator: Port applies to the URL, never to the audience.
        (
            "Endpoint=http://localhost;Port=8888;AccessKey=$KEY;Version=1.0;",
            "http://localhost:8888/client/?hub=chat",
            "http://localhost/client/?hub=chat",
        ),
        // No Port.
        (
            "Endpoint=https://demo.service.signalr.net;AccessKey=$KEY;Version=1.0;",
            "https://demo.service.signalr.net/client/?hub=chat",
            "https://demo.service.signalr.net/client/?hub=chat",
        ),
        // The https default port is not written.
        (
            "Endpoint=https://demo.service.signalr.net;Port=443;AccessKey=$KEY",
            "https://demo.service.signalr.net/client/?hub=chat",
            "https://demo.service.signalr.net/client/?hub=chat",
        ),
        // ClientEndpoint replaces the URL's base; the audience stays on Endpoint.
        (
            "Endpoint=https://demo.service.signalr.net;ClientEndpoint=https://edge.example.com:8443;AccessKey=$KEY",
            "https://edge.example.com:8443/client/?hub=chat",
            "https://demo.service.signalr.net/client/?hub=chat",
        ),
        // Mixed-case keys, a trailing '/' and ';'.
        (
            "endpoint=https://demo.service.signalr.net/;ACCESSKEY=$KEY;version=1.0;",
            "https://demo.service.signalr.net/client/?hub=chat",
            "https://demo.service.signalr.net/client/?hub=chat",
        ),
    ] {
        let cs = cs.replace("$KEY", KEY);
        let info = resolve(&chat, &cs);
        assert_eq!(info.url, url, "{cs}");
        let claims = verify(&info, audience);
        assert_eq!(claims["aud"], audience);
        assert_eq!(claims["iss"], "azure-signalr");
        assert!(claims.get("asrs.s.uid").is_none(), "no user id was bound");
    }
}

#[test]
fn hub_names_are_lower_cased_from_any_source() {
    let cs = format!("Endpoint=http://localhost;Port=8888;AccessKey={KEY}");
    for (template, uri, hub) in [
        ("MixedCase", "/", "mixedcase"),
        ("{query.hub}", "/?hub=QueryHub", "queryhub"),
        ("%HUB%", "/", "fromsetting"),
    ] {
        let binding = ConnectionInfoBinding::builder(template).build().unwrap();
        let info = binding.resolve(&request(&cs, uri, &[])).unwrap();
        assert_eq!(info.url, format!("http://localhost:8888/client/?hub={hub}"));
        verify(&info, &format!("http://localhost/client/?hub={hub}"));
    }
}

#[test]
fn a_hub_from_the_request_must_follow_the_rule() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("{query.hub}")
        .build()
        .unwrap();
    let error = binding
        .resolve(&request(&cs, "/?hub=9lives", &[]))
        .unwrap_err();
    assert!(
        matches!(error, BindingError::InvalidHubName { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), 400);
}

#[test]
fn the_user_id_goes_in_asrs_s_uid() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("user-{headers.X-MS-Client-Principal-Id}")
        .build()
        .unwrap();
    let info = binding
        .resolve(&request(&cs, "/", &[("x-ms-client-principal-id", "ann")]))
        .unwrap();
    let claims = verify(&info, "http://localhost/client/?hub=chat");
    assert_eq!(claims["asrs.s.uid"], "user-ann");
}

#[test]
fn an_empty_user_id_still_adds_the_claim() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{query.user}")
        .build()
        .unwrap();
    let info = binding.resolve(&request(&cs, "/?user=", &[])).unwrap();
    assert_eq!(
        verify(&info, "http://localhost/client/?hub=chat")["asrs.s.uid"],
        ""
    );
}

fn id_token(claims: &Value) -> String {
    let header = base64_simd::URL_SAFE_NO_PAD.encode_to_string(br#"{"alg":"RS256","typ":"JWT"}"#);
    format!(
        "{header}.{}.c2lnbmF0dXJl",
        base64_simd::URL_SAFE_NO_PAD.encode_to_string(claims.to_string())
    )
}

#[test]
fn id_token_claims_are_copied_renamed_and_grouped() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{headers.x-user}")
        .id_token("{headers.authorization}")
        .claim_types(["name", "roles", "aud", "sub", "asrs.s.uid"])
        .build()
        .unwrap();
    let token = id_token(&json!({
        "name": "Ann", "email": "not@copied", "roles": ["admin", "ops"],
        "aud": "someone-else", "sub": ["s1", "s2"], "asrs.s.uid": "mallory"
    }));
    let info = binding
        .resolve(&request(
            &cs,
            "/",
            &[
                ("x-user", "ann"),
                ("authorization", &format!("Bearer {token}")),
            ],
        ))
        .unwrap();
    let claims = verify(&info, "http://localhost/client/?hub=chat");
    assert_eq!(
        claims["asrs.s.uid"], "ann",
        "a copied claim cannot change the identity"
    );
    assert_eq!(claims["asrs.u.asrs.s.uid"], "mallory");
    assert_eq!(claims["name"], "Ann");
    assert!(claims.get("email").is_none());
    assert_eq!(claims["roles"], json!(["admin", "ops"]));
    assert_eq!(claims["aud"], "http://localhost/client/?hub=chat");
    assert_eq!(claims["asrs.u.aud"], "someone-else");
    assert_eq!(claims["sub"], "s1");
    assert_eq!(claims["asrs.u.sub"], "s2");
}

#[test]
fn the_lifetime_is_configurable() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .lifetime(Duration::from_secs(90))
        .build()
        .unwrap();
    let info = binding.resolve(&request(&cs, "/", &[])).unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["http://localhost/client/?hub=chat"]);
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Value>(
        &info.access_token,
        &DecodingKey::from_secret(KEY.as_bytes()).unwrap(),
        &validation,
    )
    .unwrap()
    .claims;
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        90
    );
}

#[test]
fn tokens_over_4k_are_refused() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .id_token("{headers.authorization}")
        .claim_types(["big"])
        .build()
        .unwrap();
    let big: Vec<String> = (0..40).map(|i| format!("{i:0>90}")).collect();
    let token = id_token(&json!({ "big": big }));
    let error = binding
        .resolve(&request(&cs, "/", &[("authorization", &token)]))
        .unwrap_err();
    assert!(
        matches!(error, BindingError::TokenTooLong { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("AccessToken must not be longer than 4K.")
    );
}

#[test]
fn a_changed_connection_string_is_picked_up() {
    let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
    let first = resolve(&binding, &format!("Endpoint=http://one;AccessKey={KEY}"));
    let second = resolve(&binding, &format!("Endpoint=http://two;AccessKey={KEY}"));
    assert_eq!(first.url, "http://one/client/?hub=chat");
    assert_eq!(second.url, "http://two/client/?hub=chat");
    verify(&second, "http://two/client/?hub=chat");
}

#[test]
fn tokens_are_minted_per_request() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{query.u}")
        .build()
        .unwrap();
    let a = binding.resolve(&request(&cs, "/?u=a", &[])).unwrap();
    let b = binding.resolve(&request(&cs, "/?u=b", &[])).unwrap();
    assert_ne!(a.access_token, b.access_token);
}

#[test]
fn configuration_failures_are_server_errors_that_hide_the_key() {
    let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
    let missing = binding
        .resolve_with(
            None,
            &HashMap::<String, String>::new(),
            &signalr_binding::SystemClock,
        )
        .unwrap_err();
    assert!(matches!(
        missing,
        BindingError::MissingConnectionString { .. }
    ));
    for cs in [
        format!("Endpoint=ftp://x;AccessKey={KEY}"),
        format!("AccessKey={KEY};Version=2.0;Endpoint=http://x"),
        // With feature `identity` this one fetches a key instead: tests/identity.rs.
        #[cfg(not(feature = "identity"))]
        "Endpoint=http://x;AuthType=aad;ClientId=c".to_owned(),
    ] {
        let error = binding.resolve(&request(&cs, "/", &[])).unwrap_err();
        assert_eq!(error.status(), 500, "{cs}: {error}");
        assert!(!error.to_string().contains(KEY));
        assert!(!format!("{error:?}").contains(KEY));
        assert!(!error.to_json().contains(KEY));
    }
}

#[test]
fn missing_request_values_are_client_errors() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("{headers.x-ms-client-principal-id}")
        .build()
        .unwrap();
    let error = binding.resolve(&request(&cs, "/", &[])).unwrap_err();
    assert_eq!(
        error,
        BindingError::MissingHeader {
            name: "x-ms-client-principal-id".into()
        }
    );
    assert_eq!(error.status(), 400);
    assert!(error.to_string().contains(
        "Error while accessing 'headers.x-ms-client-principal-id': property doesn't exist."
    ));
}

#[test]
fn unresolved_settings_use_azures_words() {
    let cs = format!("Endpoint=http://localhost;AccessKey={KEY}");
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("%NOPE%")
        .build()
        .unwrap();
    let error = binding.resolve(&request(&cs, "/", &[])).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("'%NOPE%' does not resolve to a value.")
    );
}
