//! The keys that verify id tokens, prepared from a key setting's value: one key (an HMAC
//! secret, an RSA or EC PEM public key) or the signing keys of a JWKS document, kept in a
//! [`Memo`] per binding.

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;

use super::algorithm;
use super::error::{IdTokenRejection, VerificationError};
use super::{IdTokenVerification, VerificationKey};
use crate::memo::{Memo, Memoized};
use crate::settings::Settings;

/// The verification keys made from one value of the key setting.
pub(crate) struct Verifier {
    keys: Keys,
}

enum Keys {
    Single(DecodingKey),
    Set(Vec<JwksKey>),
}

struct JwksKey {
    kid: Option<String>,
    alg: Option<Algorithm>,
    key: DecodingKey,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(***)")
    }
}

impl Verifier {
    fn new(key: &VerificationKey, source: &str) -> Result<Self, &'static str> {
        let keys = match key {
            VerificationKey::HmacSecret(_) => Keys::Single(
                DecodingKey::from_secret(source.as_bytes()).map_err(|_| "it is empty")?,
            ),
            VerificationKey::RsaPem(_) => Keys::Single(
                DecodingKey::from_rsa_pem(source.trim().as_bytes())
                    .map_err(|_| "it is not an RSA public key in PEM form")?,
            ),
            VerificationKey::EcPem(_) => Keys::Single(
                DecodingKey::from_ec_pem(source.trim().as_bytes())
                    .map_err(|_| "it is not an EC public key in PEM form")?,
            ),
            VerificationKey::Jwks(_) => Keys::Set(jwks(source)?),
        };
        Ok(Self { keys })
    }

    pub(super) fn key_for(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<&DecodingKey, IdTokenRejection> {
        let keys = match &self.keys {
            Keys::Single(key) => return Ok(key),
            Keys::Set(keys) => keys,
        };
        let found = match kid {
            Some(kid) => keys.iter().find(|k| k.kid.as_deref() == Some(kid)),
            None if keys.len() == 1 => keys.first(),
            None => None,
        };
        let found = found.ok_or(IdTokenRejection::UnknownKeyId)?;
        if found.alg.is_some_and(|key_alg| key_alg != alg) || found.key.family() != alg.family() {
            return Err(IdTokenRejection::AlgorithmNotAllowed {
                alg: algorithm::name(alg),
            });
        }
        Ok(&found.key)
    }
}

/// The usable signing keys of a JWKS document.
fn jwks(source: &str) -> Result<Vec<JwksKey>, &'static str> {
    const NOT_JWKS: &str = "it is not a JWKS document (a JSON object with a `keys` array)";
    let document: Value = serde_json::from_str(source).map_err(|_| NOT_JWKS)?;
    let keys = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or(NOT_JWKS)?;
    let keys: Vec<JwksKey> = keys
        .iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
        .filter(|jwk| {
            !matches!(
                jwk.common.public_key_use,
                Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
            )
        })
        .filter_map(|jwk| {
            let key = DecodingKey::from_jwk(&jwk).ok()?;
            if !matches!(key.family(), AlgorithmFamily::Rsa | AlgorithmFamily::Ec) {
                return None;
            }
            let alg = match jwk.common.key_algorithm {
                Some(alg) => Some(alg.to_string().parse::<Algorithm>().ok()?),
                None => None,
            };
            Some(JwksKey {
                kid: jwk.common.key_id,
                alg,
                key,
            })
        })
        .collect();
    if keys.is_empty() {
        return Err("the JWKS holds no usable RSA or EC signing key");
    }
    Ok(keys)
}

/// The verifier of a binding, prepared once per distinct value of the key setting.
#[derive(Debug, Clone, Default)]
pub(crate) struct VerifierCache(Memo<Verifier>);

impl VerifierCache {
    pub(crate) const fn new() -> Self {
        Self(Memo::new())
    }

    /// The verifier for the key setting's current value.
    pub(super) fn get(
        &self,
        verification: &IdTokenVerification,
        settings: &dyn Settings,
    ) -> Result<Arc<Memoized<Verifier>>, VerificationError> {
        let setting = verification.key.setting();
        if let Some(reason) = verification.problem() {
            return Err(VerificationError::InvalidKey {
                setting: setting.to_owned(),
                reason,
            });
        }
        let value = settings
            .get(setting)
            .ok_or_else(|| VerificationError::MissingKey {
                setting: setting.to_owned(),
            })?;
        self.0.get_or_prepare(&value, |value| {
            Verifier::new(&verification.key, value).map_err(|reason| {
                VerificationError::InvalidKey {
                    setting: setting.to_owned(),
                    reason: format!("{reason}; it must hold {}", verification.key.kind()),
                }
            })
        })
    }
}
