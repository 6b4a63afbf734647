//! Verification of the id token before its claims are copied (feature `verify`).
//!
//! Azure's binding reads the id token's claims without checking the token (its
//! `SignalRConnectionInfoAttribute.IdToken` and `ClaimTypeList` in
//! Azure/azure-functions-signalrservice-extension), so whoever sends the request chooses them.
//! With an [`IdTokenVerification`] on the binding, a token is used only when:
//!
//! - its `alg` is in the allowed list (never `none`; by default the algorithms of the key's
//!   kind), and its signature verifies with the configured key: an HMAC secret, an RSA or EC
//!   public key in PEM form, or a JWKS document (the key named by the token's `kid`), each
//!   read from a setting;
//! - it has an `exp` that has not passed, and an `nbf`, when it has one, that has, both with a
//!   small leeway ([`DEFAULT_LEEWAY`] unless configured);
//! - its `iss` and `aud` match, when an issuer or audience is configured.
//!
//! A token that fails a check is a 401 [`BindingError::IdTokenRejected`](crate::BindingError::IdTokenRejected)
//! naming the check. A key setting that is missing or does not hold a usable key is a 500 error
//! that names the setting, never its value. Keys are prepared once per distinct value of the
//! setting.
//!
//! The parts: [`algorithm`] maps [`JwtAlgorithm`] to `jsonwebtoken`'s, [`keys`] prepares the
//! keys from a setting's value, [`check`] verifies a token, [`error`] says why it failed.

use std::borrow::Cow;
use std::time::Duration;

use signalr_binding_expression::{JwtAlgorithm, validate_setting_name};

mod algorithm;
mod check;
mod error;
mod keys;
#[cfg(test)]
mod tests;

pub(crate) use check::verify;
pub use error::IdTokenRejection;
pub(crate) use error::VerificationError;
pub(crate) use keys::VerifierCache;

/// The clock skew allowed when checking `exp` and `nbf`, unless configured: 60 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// Where the key that verifies id tokens comes from: each variant holds the *name of a setting*
/// (an app setting, i.e. an environment variable on Azure Functions), never the key itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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

    /// What the key setting holds, for messages: "an RSA public key".
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
///         IdTokenVerification::jwks("ID_TOKEN_JWKS")
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

    /// Verification with the HMAC secret in the setting named `setting` (a plain name such as
    /// `ID_TOKEN_KEY`, checked when the binding is built).
    pub fn hmac_secret(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::HmacSecret(Cow::Owned(setting.into())))
    }

    /// Verification with the PEM RSA public key in the setting named `setting` (a plain name such as
    /// `ID_TOKEN_KEY`, checked when the binding is built).
    pub fn rsa_pem(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::RsaPem(Cow::Owned(setting.into())))
    }

    /// Verification with the PEM EC public key in the setting named `setting` (a plain name such as
    /// `ID_TOKEN_KEY`, checked when the binding is built).
    pub fn ec_pem(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::EcPem(Cow::Owned(setting.into())))
    }

    /// Verification with the JWKS document in the setting named `setting` (a plain name such as
    /// `ID_TOKEN_KEY`, checked when the binding is built).
    pub fn jwks(setting: impl Into<String>) -> Self {
        Self::new(VerificationKey::Jwks(Cow::Owned(setting.into())))
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
        if let Err(error) = validate_setting_name(self.key.setting()) {
            // The name is not repeated: it may be the key itself, pasted in its place.
            return Some(format!(
                "the key is given by the name of the setting that holds it, never as the key \
                 itself: {error}"
            ));
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
