//! The check of one id token: header, `alg` and key, signature (by `jsonwebtoken`), then
//! the time, issuer and audience claims against the binding's clock.

use base64_simd::URL_SAFE_NO_PAD;
use jsonwebtoken::Validation;
use jsonwebtoken::errors::ErrorKind;
use serde_json::{Map, Value};

use super::error::{IdTokenRejection, VerificationError};
use super::keys::VerifierCache;
use super::{IdTokenVerification, JwtAlgorithm, algorithm};
use crate::claims::{self, IdTokenError, Segments};
use crate::settings::Settings;

/// Verifies `id_token` (a `Bearer ` prefix tolerated) and returns its claims.
///
/// `now` is seconds since the Unix epoch, from the binding's clock.
pub(crate) fn verify(
    verification: &IdTokenVerification,
    cache: &VerifierCache,
    settings: &dyn Settings,
    id_token: &str,
    now: u64,
) -> Result<Map<String, Value>, VerificationError> {
    // The configuration first: a broken deployment is a 500 whatever the request sends.
    let verifier = cache.get(verification, settings)?;
    let Segments { token, header, .. } = Segments::strict(id_token)?;
    let header: Map<String, Value> = URL_SAFE_NO_PAD
        .decode_to_vec(header.trim_end_matches('='))
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| malformed("its header is not a base64url JSON object"))?;
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let alg = match alg_name.parse::<JwtAlgorithm>() {
        Ok(alg) if verification.allowed_algorithms().contains(&alg) => algorithm::to_jwt(alg)
            .ok_or(IdTokenRejection::AlgorithmNotAllowed { alg: alg.as_str() })?,
        Ok(alg) => {
            return Err(IdTokenRejection::AlgorithmNotAllowed { alg: alg.as_str() }.into());
        }
        Err(_) => {
            let alg = if alg_name.eq_ignore_ascii_case("none") {
                "none"
            } else {
                "unrecognized"
            };
            return Err(IdTokenRejection::AlgorithmNotAllowed { alg }.into());
        }
    };
    let kid = match header.get("kid") {
        None | Some(Value::Null) => None,
        Some(Value::String(kid)) => Some(kid.as_str()),
        Some(_) => return Err(IdTokenRejection::UnknownKeyId.into()),
    };
    let key = verifier.key_for(kid, alg)?;

    // Signature (and `alg` again) by jsonwebtoken; the claim checks below use the binding's
    // clock, so jsonwebtoken's own are off.
    let mut validation = Validation::new(alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let claims = match jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation) {
        Ok(data) => data.claims,
        Err(error) => {
            return Err(match error.kind() {
                ErrorKind::InvalidSignature
                | ErrorKind::InvalidEcdsaKey
                | ErrorKind::InvalidRsaKey(_)
                | ErrorKind::InvalidKeyFormat => IdTokenRejection::Signature.into(),
                ErrorKind::InvalidAlgorithm
                | ErrorKind::MissingAlgorithm
                | ErrorKind::UnsupportedAlgorithm
                | ErrorKind::InvalidAlgorithmName => IdTokenRejection::AlgorithmNotAllowed {
                    alg: algorithm::name(alg),
                }
                .into(),
                ErrorKind::Base64(_) => malformed("a segment is not base64url"),
                _ => malformed(unreadable_payload(token)),
            });
        }
    };
    check_claims(verification, &claims, now)?;
    Ok(claims)
}

/// `exp`, `nbf`, `iss`, `aud`.
fn check_claims(
    verification: &IdTokenVerification,
    claims: &Map<String, Value>,
    now: u64,
) -> Result<(), IdTokenRejection> {
    let leeway = verification.leeway.as_secs();
    let time = |claim: &'static str| -> Result<Option<u64>, IdTokenRejection> {
        match claims.get(claim) {
            None => Ok(None),
            Some(value) => seconds(value)
                .map(Some)
                .ok_or(IdTokenRejection::InvalidTimeClaim { claim }),
        }
    };
    let exp = time("exp")?.ok_or(IdTokenRejection::InvalidTimeClaim { claim: "exp" })?;
    if exp.saturating_add(leeway) < now {
        return Err(IdTokenRejection::Expired);
    }
    if let Some(nbf) = time("nbf")?
        && nbf > now.saturating_add(leeway)
    {
        return Err(IdTokenRejection::NotYetValid);
    }
    if let Some(issuer) = verification.expected_issuer()
        && claims.get("iss").and_then(Value::as_str) != Some(issuer)
    {
        return Err(IdTokenRejection::Issuer);
    }
    if let Some(audience) = verification.expected_audience() {
        let matches = match claims.get("aud") {
            Some(Value::String(aud)) => aud == audience,
            Some(Value::Array(auds)) => auds.iter().any(|aud| aud.as_str() == Some(audience)),
            _ => false,
        };
        if !matches {
            return Err(IdTokenRejection::Audience);
        }
    }
    Ok(())
}

/// A NumericDate: a non-negative number of seconds (fractions dropped).
pub(super) fn seconds(value: &Value) -> Option<u64> {
    let number = value.as_number()?;
    if let Some(seconds) = number.as_u64() {
        return Some(seconds);
    }
    let seconds = number.as_f64()?;
    // `as` saturates; negative and non-finite values are refused.
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds as u64)
}

/// Why `jsonwebtoken` could not read a payload. Besides text that is not a JSON object, it
/// refuses a `sub` that is an array or an object (RFC 7519 section 4.1.2 makes it a string)
/// with a bare JSON error (Keats/jsonwebtoken#427); say so, so that the message does not send
/// the caller looking for broken JSON.
#[cold]
fn unreadable_payload(token: &str) -> &'static str {
    match claims::payload_object(token) {
        Err(_) => "its payload is not a JSON object",
        Ok(claims) if matches!(claims.get("sub"), Some(Value::Array(_) | Value::Object(_))) => {
            "its `sub` claim is not a string, as RFC 7519 requires (verification reads registered claims strictly)"
        }
        Ok(_) => {
            "a registered claim (`exp`, `nbf`, `sub`, `iss`, `aud`) does not have the type RFC 7519 gives it"
        }
    }
}

fn malformed(reason: &'static str) -> VerificationError {
    IdTokenError::Malformed { reason }.into()
}
