//! Optional verification of the id token before its claims are copied.
//!
//! The Azure binding reads the id token's claims without checking the token (SPEC section 7),
//! so whoever sends the request chooses them. With an [`IdTokenVerification`] on the binding,
//! a token is used only when:
//!
//! - its `alg` is in the allowed list (never `none`; by default the algorithms of the key's
//!   kind), and its signature verifies with the configured key: an HMAC secret, an RSA or EC
//!   public key in PEM form, or a JWKS document (the key named by the token's `kid`), each
//!   read from a setting;
//! - it has an `exp` that has not passed, and an `nbf`, when it has one, that has, both with a
//!   small leeway ([`DEFAULT_LEEWAY`] unless configured);
//! - its `iss` and `aud` match, when an issuer or audience is configured.
//!
//! A token that fails a check is a 401 [`BindingError::IdTokenRejected`] naming the check. A key
//! setting that is missing or does not hold a usable key is a 500 error that names the setting,
//! never its value. Keys are prepared once per distinct value of the setting.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::{Map, Value};

use crate::claims::{self, IdTokenError, Segments};
use crate::error::BindingError;
use crate::settings::Settings;

/// The clock skew allowed when checking `exp` and `nbf`, unless configured: 60 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// A JWS algorithm an id token may be signed with. There is deliberately no `none`.
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwtAlgorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
}

impl JwtAlgorithm {
    /// Every algorithm, in the order above.
    pub const ALL: [JwtAlgorithm; 11] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
    ];

    const HMAC: [JwtAlgorithm; 3] = [Self::HS256, Self::HS384, Self::HS512];
    const RSA: [JwtAlgorithm; 6] = [
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
    ];
    const EC: [JwtAlgorithm; 2] = [Self::ES256, Self::ES384];
    const ASYMMETRIC: [JwtAlgorithm; 8] = [
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
    ];

    /// The name in a JWT header, e.g. `RS256`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
        }
    }

    fn to_jwt(self) -> Algorithm {
        match self {
            Self::HS256 => Algorithm::HS256,
            Self::HS384 => Algorithm::HS384,
            Self::HS512 => Algorithm::HS512,
            Self::RS256 => Algorithm::RS256,
            Self::RS384 => Algorithm::RS384,
            Self::RS512 => Algorithm::RS512,
            Self::PS256 => Algorithm::PS256,
            Self::PS384 => Algorithm::PS384,
            Self::PS512 => Algorithm::PS512,
            Self::ES256 => Algorithm::ES256,
            Self::ES384 => Algorithm::ES384,
        }
    }
}

impl fmt::Display for JwtAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An algorithm name that is not one of [`JwtAlgorithm`]'s (names are case-sensitive; `none`
/// is never accepted).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{name}` is not an id-token algorithm this binding verifies; use one of HS256, HS384, \
     HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384"
)]
pub struct UnknownAlgorithm {
    /// The name given.
    pub name: String,
}

impl FromStr for JwtAlgorithm {
    type Err = UnknownAlgorithm;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.as_str() == name)
            .ok_or_else(|| UnknownAlgorithm {
                name: name.to_owned(),
            })
    }
}

/// Where the key that verifies id tokens comes from: each variant holds the *name of a setting*
/// (an app setting, i.e. an environment variable on Azure Functions), never the key itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum VerificationKey {
    /// An HMAC secret: the setting's value, as UTF-8 bytes. Allows HS256, HS384, HS512.
    HmacSecret(Cow<'static, str>),
    /// An RSA public key in PEM form (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`). Allows
    /// RS256, RS384, RS512, PS256, PS384, PS512.
    RsaPem(Cow<'static, str>),
    /// An EC public key (P-256 or P-384) in PEM form (`BEGIN PUBLIC KEY`). Allows ES256, ES384.
    EcPem(Cow<'static, str>),
    /// A JWKS document (`{"keys":[...]}`, as an identity provider publishes at its `jwks_uri`);
    /// the token's `kid` picks the key. Allows the RSA and EC algorithms. Keys marked for
    /// encryption (`"use":"enc"`) and keys of other types are ignored.
    Jwks(Cow<'static, str>),
}

impl VerificationKey {
    /// The name of the setting that holds the key.
    pub fn setting(&self) -> &str {
        match self {
            Self::HmacSecret(name) | Self::RsaPem(name) | Self::EcPem(name) | Self::Jwks(name) => {
                name
            }
        }
    }

    /// The algorithms this kind of key can verify, and the default allowed list.
    pub fn default_algorithms(&self) -> &'static [JwtAlgorithm] {
        match self {
            Self::HmacSecret(_) => &JwtAlgorithm::HMAC,
            Self::RsaPem(_) => &JwtAlgorithm::RSA,
            Self::EcPem(_) => &JwtAlgorithm::EC,
            Self::Jwks(_) => &JwtAlgorithm::ASYMMETRIC,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::HmacSecret(_) => "an HMAC secret",
            Self::RsaPem(_) => "an RSA public key",
            Self::EcPem(_) => "an EC public key",
            Self::Jwks(_) => "a JWKS",
        }
    }
}

/// How a binding verifies the id token before copying its claims. Without one, a binding
/// behaves as Azure's does: it reads the token's claims without checking the token at all, so
/// the sender of the request chooses them.
///
/// ```
/// use std::time::Duration;
/// use signalr_binding::{ConnectionInfoBinding, IdTokenVerification, JwtAlgorithm};
///
/// let binding = ConnectionInfoBinding::builder("chat")
///     .id_token("{headers.authorization}")
///     .claim_types(["name", "email"])
///     .verify_id_token(
///         // The setting ID_TOKEN_JWKS holds the identity provider's JWKS document.
///         IdTokenVerification::jwks("%ID_TOKEN_JWKS%")
///             .algorithms([JwtAlgorithm::RS256])
///             .issuer("https://login.example.com/")
///             .audience("my-client-id")
///             .leeway(Duration::from_secs(30)),
///     )
///     .build()?;
/// # Ok::<(), signalr_binding::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdTokenVerification {
    key: VerificationKey,
    /// Empty means the key kind's defaults.
    algorithms: Cow<'static, [JwtAlgorithm]>,
    issuer: Option<Cow<'static, str>>,
    audience: Option<Cow<'static, str>>,
    leeway: Duration,
}

impl IdTokenVerification {
    /// Verification with `key`, the key kind's algorithms, no issuer or audience check and
    /// [`DEFAULT_LEEWAY`].
    pub const fn new(key: VerificationKey) -> Self {
        Self {
            key,
            algorithms: Cow::Borrowed(&[]),
            issuer: None,
            audience: None,
            leeway: DEFAULT_LEEWAY,
        }
    }

    /// Verification with the HMAC secret in setting `setting` (written `NAME` or `%NAME%`).
    pub fn hmac_secret(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::HmacSecret(setting_name(setting)))
    }

    /// Verification with the PEM RSA public key in setting `setting` (`NAME` or `%NAME%`).
    pub fn rsa_pem(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::RsaPem(setting_name(setting)))
    }

    /// Verification with the PEM EC public key in setting `setting` (`NAME` or `%NAME%`).
    pub fn ec_pem(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::EcPem(setting_name(setting)))
    }

    /// Verification with the JWKS document in setting `setting` (`NAME` or `%NAME%`).
    pub fn jwks(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::Jwks(setting_name(setting)))
    }

    /// The form the attribute emits: everything `const`.
    #[doc(hidden)]
    pub const fn from_static(
        key: VerificationKey,
        algorithms: &'static [JwtAlgorithm],
        issuer: Option<&'static str>,
        audience: Option<&'static str>,
        leeway: Duration,
    ) -> Self {
        Self {
            key,
            algorithms: Cow::Borrowed(algorithms),
            issuer: match issuer {
                Some(issuer) => Some(Cow::Borrowed(issuer)),
                None => None,
            },
            audience: match audience {
                Some(audience) => Some(Cow::Borrowed(audience)),
                None => None,
            },
            leeway,
        }
    }

    /// The algorithms a token may use (replacing the key kind's defaults). Each must suit the
    /// key: HS* for an HMAC secret, RS*/PS* for RSA, ES* for EC, RS*/PS*/ES* for a JWKS.
    #[must_use]
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = JwtAlgorithm>) -> Self {
        self.algorithms = Cow::Owned(algorithms.into_iter().collect());
        self
    }

    /// The `iss` a token must carry.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(Cow::Owned(issuer.into()));
        self
    }

    /// The audience a token's `aud` (a string, or an array) must contain. Without one, `aud` is
    /// not checked, so a token the key signed for another application is accepted too: set it.
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(Cow::Owned(audience.into()));
        self
    }

    /// The clock skew allowed for `exp` and `nbf` (whole seconds; default 60 s).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Where the key comes from.
    pub fn key(&self) -> &VerificationKey {
        &self.key
    }

    /// The algorithms a token may use.
    pub fn allowed_algorithms(&self) -> &[JwtAlgorithm] {
        if self.algorithms.is_empty() {
            self.key.default_algorithms()
        } else {
            &self.algorithms
        }
    }

    /// The issuer checked, if any.
    pub fn expected_issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The audience checked, if any.
    pub fn expected_audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }

    /// The clock skew allowed for `exp` and `nbf`.
    pub fn allowed_leeway(&self) -> Duration {
        self.leeway
    }

    /// Why this configuration cannot work, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        let setting = self.key.setting();
        if setting.is_empty()
            || setting.contains(['%', '=', '\0'])
            || setting.chars().any(char::is_whitespace)
        {
            return Some(
                "the key must be given as the name of the setting that holds it (`%NAME%`), \
                 never as the key itself"
                    .to_owned(),
            );
        }
        let permitted = self.key.default_algorithms();
        if let Some(alg) = self.algorithms.iter().find(|a| !permitted.contains(a)) {
            return Some(format!(
                "algorithm {alg} cannot be verified with {} (allowed: {})",
                self.key.kind(),
                permitted
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        None
    }
}

/// `NAME` from `NAME` or `%NAME%`.
fn setting_name(setting: impl Into<String>) -> Cow<'static, str> {
    let setting = setting.into();
    match setting
        .strip_prefix('%')
        .and_then(|rest| rest.strip_suffix('%'))
    {
        Some(name) => Cow::Owned(name.to_owned()),
        None => Cow::Owned(setting),
    }
}

/// Which check an id token failed. Each is a 401.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdTokenRejection {
    /// The signature does not verify with the configured key.
    #[error("its signature does not verify with the configured key")]
    Signature,
    /// `exp` is past (beyond the leeway).
    #[error("it has expired (`exp` is in the past)")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("it is not valid yet (`nbf` is in the future)")]
    NotYetValid,
    /// A time claim is missing (`exp` is required) or not a number.
    #[error("its `{claim}` claim is missing or not a number of seconds")]
    InvalidTimeClaim {
        /// `exp` or `nbf`.
        claim: &'static str,
    },
    /// `iss` is missing or not the configured issuer.
    #[error("its issuer (`iss`) is not the expected one")]
    Issuer,
    /// `aud` is missing or does not contain the configured audience.
    #[error("its audience (`aud`) is not the expected one")]
    Audience,
    /// The header's `alg` is not in the allowed list (or is `none`, or does not suit the key).
    #[error("its algorithm `{alg}` is not allowed")]
    AlgorithmNotAllowed {
        /// The algorithm, when it is a known name; `unrecognized` otherwise.
        alg: &'static str,
    },
    /// The JWKS has no key with the token's `kid` (or the token has none and the JWKS has
    /// several keys).
    #[error("its key id (`kid`) names no key of the configured JWKS")]
    UnknownKeyId,
}

impl IdTokenRejection {
    /// The HTTP status: 401.
    pub fn status(&self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }

    /// A stable, machine-readable code, e.g. `id_token_expired`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Signature => "id_token_signature",
            Self::Expired => "id_token_expired",
            Self::NotYetValid => "id_token_not_yet_valid",
            Self::InvalidTimeClaim { .. } => "id_token_time_claim",
            Self::Issuer => "id_token_issuer",
            Self::Audience => "id_token_audience",
            Self::AlgorithmNotAllowed { .. } => "id_token_algorithm",
            Self::UnknownKeyId => "id_token_unknown_kid",
        }
    }
}

/// The verification keys made from one value of the key setting.
pub(crate) struct Verifier {
    /// The setting's value this was made from (may be a secret: never printed).
    source: Box<str>,
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
        Ok(Self {
            source: source.into(),
            keys,
        })
    }

    fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<&DecodingKey, IdTokenRejection> {
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
            return Err(IdTokenRejection::AlgorithmNotAllowed { alg: alg_name(alg) });
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

/// The verifier for a binding, prepared once per distinct value of the key setting.
#[derive(Default)]
pub(crate) struct VerifierCache(RwLock<Option<Arc<Verifier>>>);

impl VerifierCache {
    pub(crate) const fn new() -> Self {
        Self(RwLock::new(None))
    }

    fn get(
        &self,
        verification: &IdTokenVerification,
        settings: &dyn Settings,
    ) -> Result<Arc<Verifier>, BindingError> {
        let setting = verification.key.setting();
        if let Some(problem) = verification.problem() {
            return Err(BindingError::InvalidVerificationKey {
                setting: setting.to_owned(),
                reason: problem,
            });
        }
        let value = settings
            .get(setting)
            .ok_or_else(|| BindingError::MissingVerificationKey {
                setting: setting.to_owned(),
            })?;
        {
            let cached = self.0.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(verifier) = cached.as_ref().filter(|v| *v.source == *value) {
                return Ok(Arc::clone(verifier));
            }
        }
        let verifier = Verifier::new(&verification.key, &value)
            .map(Arc::new)
            .map_err(|reason| BindingError::InvalidVerificationKey {
                setting: setting.to_owned(),
                reason: format!("{reason}; it must hold {}", verification.key.kind()),
            })?;
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&verifier));
        Ok(verifier)
    }
}

impl Clone for VerifierCache {
    fn clone(&self) -> Self {
        Self(RwLock::new(
            self.0
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        ))
    }
}

/// Verifies `id_token` (a `Bearer ` prefix tolerated) and returns its claims.
///
/// `now` is seconds since the Unix epoch, from the binding's clock.
pub(crate) fn verify(
    verification: &IdTokenVerification,
    cache: &VerifierCache,
    settings: &dyn Settings,
    id_token: &str,
    now: u64,
) -> Result<Map<String, Value>, BindingError> {
    // The configuration first: a broken deployment is a 500 whatever the request sends.
    let verifier = cache.get(verification, settings)?;
    let Segments { token, header, .. } = Segments::strict(id_token)?;
    let header: Map<String, Value> = URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| malformed("its header is not a base64url JSON object"))?;
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let alg = match alg_name.parse::<JwtAlgorithm>() {
        Ok(alg) if verification.allowed_algorithms().contains(&alg) => alg.to_jwt(),
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
                    alg: alg_name_known(alg),
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
fn seconds(value: &Value) -> Option<u64> {
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

fn malformed(reason: &'static str) -> BindingError {
    IdTokenError::Malformed { reason }.into()
}

fn alg_name(alg: Algorithm) -> &'static str {
    alg_name_known(alg)
}

fn alg_name_known(alg: Algorithm) -> &'static str {
    JwtAlgorithm::ALL
        .into_iter()
        .find(|a| a.to_jwt() == alg)
        .map_or("unrecognized", JwtAlgorithm::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::MAX_ID_TOKEN_LEN;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;
    use std::collections::HashMap;

    const SECRET: &str = "id-token-secret-0123456789abcdef";
    const NOW: u64 = 1_700_000_000;
    pub(crate) const RSA_PRIVATE: &str = include_str!("../tests/data/rsa.pem");
    pub(crate) const RSA_PUBLIC: &str = include_str!("../tests/data/rsa.pub.pem");
    pub(crate) const EC_PRIVATE: &str = include_str!("../tests/data/ec.pem");
    pub(crate) const EC_PUBLIC: &str = include_str!("../tests/data/ec.pub.pem");

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
        verify(verification, &VerifierCache::new(), settings, token, NOW)
    }

    fn rejected(result: Result<Map<String, Value>, BindingError>) -> IdTokenRejection {
        match result {
            Err(BindingError::IdTokenRejected(rejection)) => rejection,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    fn hmac() -> (IdTokenVerification, HashMap<String, String>) {
        (
            IdTokenVerification::hmac_secret("%SECRET%"),
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
        let payload = URL_SAFE_NO_PAD.encode(json!({"exp": NOW + 10}).to_string());
        for (alg, name) in [
            ("none", "none"),
            ("None", "none"),
            ("HS999", "unrecognized"),
            ("RS256", "RS256"),
        ] {
            let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg}).to_string());
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
        let ec = IdTokenVerification::ec_pem("%EC%");
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
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
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
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(b"{nope")
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
        assert!(IdTokenVerification::hmac_secret("%S%").problem().is_none());
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
}
