use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64_simd::URL_SAFE_NO_PAD;
use http::StatusCode;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde_json::{Map, Value, json};

use super::check::seconds;
use super::*;
use crate::claims::MAX_ID_TOKEN_LEN;
use crate::error::BindingError;

const SECRET: &str = "id-token-secret-0123456789abcdef";
const NOW: u64 = 1_700_000_000;
const RSA_PRIVATE: &str = include_str!("../../tests/data/rsa.pem");
const RSA_PUBLIC: &str = include_str!("../../tests/data/rsa.pub.pem");
const EC_PRIVATE: &str = include_str!("../../tests/data/ec.pem");
const EC_PUBLIC: &str = include_str!("../../tests/data/ec.pub.pem");

fn settings(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn sign(header: Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn hs(claims: &Value) -> String {
    sign(
        Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
}

fn run(
    verification: &IdTokenVerification,
    settings: &HashMap<String, String>,
    token: &str,
) -> Result<Map<String, Value>, BindingError> {
    verify(verification, &VerifierCache::new(), settings, token, NOW).map_err(BindingError::from)
}

fn rejected(result: Result<Map<String, Value>, BindingError>) -> IdTokenRejection {
    match result {
        Err(BindingError::IdTokenRejected(rejection)) => rejection,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn hmac() -> (IdTokenVerification, HashMap<String, String>) {
    (
        IdTokenVerification::hmac_secret("SECRET"),
        settings(&[("SECRET", SECRET)]),
    )
}

#[test]
fn a_valid_hmac_token_verifies_with_a_bearer_prefix() {
    let (v, s) = hmac();
    let token = hs(&json!({"exp": NOW + 10, "name": "Ann"}));
    let claims = run(&v, &s, &format!("bearer {token}")).unwrap();
    assert_eq!(claims["name"], "Ann");
}

#[test]
fn each_failed_check_is_named_and_401() {
    let (v, s) = hmac();
    let v = v.issuer("https://issuer").audience("app");
    let good = json!({"exp": NOW + 10, "iss": "https://issuer", "aud": ["other", "app"]});
    assert!(run(&v, &s, &hs(&good)).is_ok());

    let with = |patch: Value| {
        let mut claims = good.clone();
        for (k, val) in patch.as_object().unwrap() {
            if val.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = val.clone();
            }
        }
        hs(&claims)
    };
    let cases = [
        (with(json!({"exp": NOW - 61})), IdTokenRejection::Expired),
        (
            with(json!({"exp": null})),
            IdTokenRejection::InvalidTimeClaim { claim: "exp" },
        ),
        (
            with(json!({"exp": "soon"})),
            IdTokenRejection::InvalidTimeClaim { claim: "exp" },
        ),
        (
            with(json!({"nbf": NOW + 61})),
            IdTokenRejection::NotYetValid,
        ),
        (
            with(json!({"iss": "https://evil"})),
            IdTokenRejection::Issuer,
        ),
        (with(json!({"iss": null})), IdTokenRejection::Issuer),
        (with(json!({"aud": "other"})), IdTokenRejection::Audience),
        (with(json!({"aud": null})), IdTokenRejection::Audience),
    ];
    for (token, expected) in cases {
        let rejection = rejected(run(&v, &s, &token));
        assert_eq!(rejection, expected);
        let error = BindingError::from(rejection);
        assert_eq!(error.status(), StatusCode::UNAUTHORIZED, "{error}");
    }
    // Within the leeway.
    assert!(run(&v, &s, &with(json!({"exp": NOW - 59, "nbf": NOW + 59}))).is_ok());
    let strict = v.clone().leeway(Duration::ZERO);
    assert_eq!(
        rejected(run(&strict, &s, &with(json!({"exp": NOW - 1})))),
        IdTokenRejection::Expired
    );
}

#[test]
fn a_wrong_signature_is_rejected() {
    let (v, s) = hmac();
    let forged = sign(
        Header::new(Algorithm::HS256),
        &json!({"exp": NOW + 10}),
        &EncodingKey::from_secret(b"not the secret").unwrap(),
    );
    assert_eq!(rejected(run(&v, &s, &forged)), IdTokenRejection::Signature);
    // A payload swapped under a valid signature.
    let good = hs(&json!({"exp": NOW + 10, "role": "user"}));
    let evil = hs(&json!({"exp": NOW + 10, "role": "admin"}));
    let (h, _) = good.split_once('.').unwrap();
    let sig = good.rsplit('.').next().unwrap();
    let evil_payload = evil.split('.').nth(1).unwrap();
    let spliced = format!("{h}.{evil_payload}.{sig}");
    assert_eq!(rejected(run(&v, &s, &spliced)), IdTokenRejection::Signature);
}

#[test]
fn none_and_disallowed_algorithms_are_rejected() {
    let (v, s) = hmac();
    let payload = URL_SAFE_NO_PAD.encode_to_string(json!({"exp": NOW + 10}).to_string());
    for (alg, name) in [
        ("none", "none"),
        ("None", "none"),
        ("HS999", "unrecognized"),
        ("RS256", "RS256"),
    ] {
        let header = URL_SAFE_NO_PAD.encode_to_string(json!({"alg": alg}).to_string());
        let token = format!("{header}.{payload}.");
        assert_eq!(
            rejected(run(&v, &s, &token)),
            IdTokenRejection::AlgorithmNotAllowed { alg: name },
            "{alg}"
        );
    }
    let only_512 = v.clone().algorithms([JwtAlgorithm::HS512]);
    assert_eq!(
        rejected(run(&only_512, &s, &hs(&json!({"exp": NOW + 10})))),
        IdTokenRejection::AlgorithmNotAllowed { alg: "HS256" }
    );
}

#[test]
fn rsa_and_ec_pem_keys_verify_and_the_hmac_confusion_fails() {
    let s = settings(&[("RSA", RSA_PUBLIC), ("EC", EC_PUBLIC)]);
    let claims = json!({"exp": NOW + 10, "sub": "ann"});
    let rsa = IdTokenVerification::rsa_pem("RSA");
    for alg in [Algorithm::RS256, Algorithm::PS384, Algorithm::RS512] {
        let token = sign(
            Header::new(alg),
            &claims,
            &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
        );
        assert_eq!(run(&rsa, &s, &token).unwrap()["sub"], "ann", "{alg:?}");
    }
    let ec = IdTokenVerification::ec_pem("EC");
    let token = sign(
        Header::new(Algorithm::ES256),
        &claims,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
    );
    assert_eq!(run(&ec, &s, &token).unwrap()["sub"], "ann");
    // The classic confusion: HS256 signed with the public key's PEM text as the secret.
    let confused = sign(
        Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()).unwrap(),
    );
    assert_eq!(
        rejected(run(&rsa, &s, &confused)),
        IdTokenRejection::AlgorithmNotAllowed { alg: "HS256" }
    );
    // An EC token against the RSA key.
    assert!(matches!(
        rejected(run(&rsa, &s, &token)),
        IdTokenRejection::AlgorithmNotAllowed { alg: "ES256" }
    ));
}

fn jwks_document() -> String {
    let key = DecodingKey::from_rsa_pem(RSA_PUBLIC.as_bytes()).unwrap();
    let mut jwk = Jwk::from_decoding_key(&key, Some(Algorithm::RS256)).unwrap();
    jwk.common.key_id = Some("k1".into());
    let mut ec = Jwk::from_decoding_key(
        &DecodingKey::from_ec_pem(EC_PUBLIC.as_bytes()).unwrap(),
        Some(Algorithm::ES256),
    )
    .unwrap();
    ec.common.key_id = Some("k2".into());
    json!({"keys": [
        {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
        {"kty": "weird", "kid": "x"},
        jwk, ec
    ]})
    .to_string()
}

#[test]
fn jwks_keys_are_picked_by_kid() {
    let s = settings(&[("JWKS", &jwks_document())]);
    let v = IdTokenVerification::jwks("JWKS");
    let claims = json!({"exp": NOW + 10, "sub": "ann"});
    let rsa_key = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("k1".into());
    assert!(run(&v, &s, &sign(header.clone(), &claims, &rsa_key)).is_ok());

    let mut unknown = header.clone();
    unknown.kid = Some("nope".into());
    assert_eq!(
        rejected(run(&v, &s, &sign(unknown, &claims, &rsa_key))),
        IdTokenRejection::UnknownKeyId
    );
    let mut no_kid = header.clone();
    no_kid.kid = None;
    assert_eq!(
        rejected(run(&v, &s, &sign(no_kid, &claims, &rsa_key))),
        IdTokenRejection::UnknownKeyId
    );
    // The symmetric key in the set is ignored: no HMAC through a JWKS.
    let mut hmac = Header::new(Algorithm::HS256);
    hmac.kid = Some("hmac".into());
    let token = sign(hmac, &claims, &EncodingKey::from_secret(b"secret").unwrap());
    assert!(matches!(
        rejected(run(&v, &s, &token)),
        IdTokenRejection::AlgorithmNotAllowed { .. }
    ));
    // The right kid with the wrong key type.
    let mut ec_header = Header::new(Algorithm::ES256);
    ec_header.kid = Some("k1".into());
    let ec_key = EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap();
    assert!(matches!(
        rejected(run(&v, &s, &sign(ec_header.clone(), &claims, &ec_key))),
        IdTokenRejection::AlgorithmNotAllowed { .. }
    ));
    ec_header.kid = Some("k2".into());
    assert!(run(&v, &s, &sign(ec_header, &claims, &ec_key)).is_ok());
}

#[test]
fn a_missing_or_bad_key_setting_is_a_500_that_does_not_print_the_value() {
    let token = hs(&json!({"exp": NOW + 10}));
    let error = run(
        &IdTokenVerification::rsa_pem("NOPE"),
        &settings(&[]),
        &token,
    )
    .unwrap_err();
    assert_eq!(
        error,
        BindingError::MissingVerificationKey {
            setting: "NOPE".into()
        }
    );
    assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);

    let bad_pem = "-----BEGIN PUBLIC KEY-----\nTOPSECRETSTUFF\n-----END PUBLIC KEY-----";
    for (v, value) in [
        (IdTokenVerification::rsa_pem("K"), bad_pem),
        (IdTokenVerification::ec_pem("K"), RSA_PUBLIC),
        (IdTokenVerification::jwks("K"), "{\"TOPSECRETSTUFF\":1}"),
        (
            IdTokenVerification::jwks("K"),
            "{\"keys\":[{\"kty\":\"oct\",\"k\":\"VE9QU0VDUkVUU1RVRkY\"}]}",
        ),
        (IdTokenVerification::hmac_secret("K"), ""),
    ] {
        let error = run(&v, &settings(&[("K", value)]), &token).unwrap_err();
        assert!(
            matches!(error, BindingError::InvalidVerificationKey { .. }),
            "{error:?}"
        );
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        for shown in [error.to_string(), format!("{error:?}"), error.to_json()] {
            assert!(!shown.contains("TOPSECRET"), "{shown}");
            assert!(!shown.contains("VE9Q"), "{shown}");
            assert!(!shown.contains("MIIB"), "{shown}");
        }
    }
}

#[test]
fn malformed_tokens_are_400_not_401_or_500() {
    let (v, s) = hmac();
    let header = URL_SAFE_NO_PAD.encode_to_string(br#"{"alg":"HS256"}"#);
    for token in [
        String::new(),
        "a.b".into(),
        "a.b.c.d".into(),
        "!!!.b.c".into(),
        format!("{header}.!!!.c"),
        "a".repeat(MAX_ID_TOKEN_LEN + 1),
    ] {
        let error = run(&v, &s, &token).unwrap_err();
        assert_eq!(
            error.status(),
            StatusCode::BAD_REQUEST,
            "{token:.40}: {error}"
        );
    }
}

#[test]
fn a_registered_claim_of_the_wrong_type_is_named_not_called_bad_json() {
    let (v, s) = hmac();
    for claims in [
        json!({"exp": NOW + 10, "sub": ["a", "b"]}),
        json!({"exp": NOW + 10, "sub": {"x": 1}}),
    ] {
        let error = run(&v, &s, &hs(&claims)).unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{claims}");
        assert!(error.to_string().contains("RFC 7519"), "{claims}: {error}");
    }
    let not_json = format!(
        "{}.{}.c",
        URL_SAFE_NO_PAD.encode_to_string(br#"{"alg":"HS256"}"#),
        URL_SAFE_NO_PAD.encode_to_string(b"{nope")
    );
    let error = run(&v, &s, &not_json).unwrap_err();
    assert!(!error.to_string().contains("RFC 7519"), "{error}");
}

#[test]
fn keys_are_prepared_once_per_distinct_value() {
    let (v, s) = hmac();
    let cache = VerifierCache::new();
    let first = cache.get(&v, &s).unwrap();
    let again = cache.get(&v, &s).unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    let changed = cache.get(&v, &settings(&[("SECRET", "another")])).unwrap();
    assert!(!Arc::ptr_eq(&first, &changed));
    assert!(!format!("{changed:?}").contains("another"));
}

#[test]
fn configuration_problems_are_found() {
    assert!(IdTokenVerification::hmac_secret("S").problem().is_none());
    // A setting name is written plain, in the builder as in the attribute.
    let problem = IdTokenVerification::hmac_secret("%S%").problem().unwrap();
    assert!(problem.contains("write `S`"), "{problem}");
    // A name the rule refuses gets the rule's words, never a `%NAME%` advice.
    let problem = IdTokenVerification::hmac_secret("A B").problem().unwrap();
    assert!(
        problem.contains("cannot be part of a setting name"),
        "{problem}"
    );
    assert!(!problem.contains("%NAME%"), "{problem}");
    assert!(
        IdTokenVerification::rsa_pem(RSA_PUBLIC)
            .problem()
            .unwrap()
            .contains("name of the setting")
    );
    assert!(IdTokenVerification::hmac_secret("").problem().is_some());
    let mixed = IdTokenVerification::rsa_pem("K").algorithms([JwtAlgorithm::HS256]);
    assert!(mixed.problem().unwrap().contains("HS256"));
    assert!(
        IdTokenVerification::jwks("K")
            .algorithms([JwtAlgorithm::ES256, JwtAlgorithm::RS256])
            .problem()
            .is_none()
    );
    assert_eq!("RS256".parse::<JwtAlgorithm>(), Ok(JwtAlgorithm::RS256));
    assert!("none".parse::<JwtAlgorithm>().is_err());
    assert!("rs256".parse::<JwtAlgorithm>().is_err());
}

#[test]
fn numeric_dates_accept_integers_and_floats_only() {
    assert_eq!(seconds(&json!(5)), Some(5));
    assert_eq!(seconds(&json!(5.9)), Some(5));
    assert_eq!(seconds(&json!(-1)), None);
    assert_eq!(seconds(&json!(-1.5)), None);
    assert_eq!(seconds(&json!("5")), None);
    assert_eq!(seconds(&json!(1e300)), Some(u64::MAX));
}
