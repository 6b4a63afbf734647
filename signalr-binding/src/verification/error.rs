//! Why a verification failed: the token ([`IdTokenRejection`], a 401; or
//! [`IdTokenError`], a 400), or the key setting ([`VerificationError::MissingKey`],
//! [`VerificationError::InvalidKey`], 500s). `BindingError` wraps them (`From`).

use http::StatusCode;

use crate::claims::IdTokenError;

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

/// Why [`verify`](super::verify) refused a token, before the binding maps it to its HTTP
/// category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VerificationError {
    /// The token failed a check.
    Rejected(IdTokenRejection),
    /// The token is not a readable JWT.
    Malformed(IdTokenError),
    /// The key setting is not set.
    MissingKey {
        /// The setting's name.
        setting: String,
    },
    /// The key setting does not hold a usable key, or the verification is configured
    /// inconsistently. Never the setting's value.
    InvalidKey {
        /// The setting's name.
        setting: String,
        /// What is wrong.
        reason: String,
    },
}

impl From<IdTokenRejection> for VerificationError {
    fn from(rejection: IdTokenRejection) -> Self {
        Self::Rejected(rejection)
    }
}

impl From<IdTokenError> for VerificationError {
    fn from(error: IdTokenError) -> Self {
        Self::Malformed(error)
    }
}
