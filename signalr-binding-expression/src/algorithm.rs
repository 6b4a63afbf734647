//! The JWS algorithms an id token may be signed with: the one table of names and key families,
//! shared by the attribute (which checks `id_token_algorithms` at compile time) and the runtime
//! (which verifies with them).

use std::fmt;
use std::str::FromStr;

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

    /// The HMAC algorithms: what an HMAC secret verifies.
    pub const HMAC: [JwtAlgorithm; 3] = [Self::HS256, Self::HS384, Self::HS512];
    /// The RSA algorithms (PKCS#1 v1.5 and PSS): what an RSA public key verifies.
    pub const RSA: [JwtAlgorithm; 6] = [
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
    ];
    /// The ECDSA algorithms: what an EC public key verifies.
    pub const EC: [JwtAlgorithm; 2] = [Self::ES256, Self::ES384];
    /// The RSA and ECDSA algorithms: what a JWKS of public keys verifies.
    pub const ASYMMETRIC: [JwtAlgorithm; 8] = [
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

#[cfg(test)]
mod tests {
    use super::JwtAlgorithm;

    #[test]
    fn names_round_trip() {
        for alg in JwtAlgorithm::ALL {
            assert_eq!(alg.as_str().parse::<JwtAlgorithm>(), Ok(alg));
            assert_eq!(alg.to_string(), alg.as_str());
        }
    }

    #[test]
    fn names_are_case_sensitive_and_none_is_unknown() {
        for name in ["hs256", "none", "None", "", "HS1024"] {
            let err = name.parse::<JwtAlgorithm>().unwrap_err();
            assert_eq!(err.name, name);
        }
    }

    #[test]
    fn the_unknown_name_message_lists_the_table() {
        let message = "x".parse::<JwtAlgorithm>().unwrap_err().to_string();
        let names: Vec<&str> = JwtAlgorithm::ALL.iter().map(|a| a.as_str()).collect();
        assert!(message.ends_with(&names.join(", ")), "{message}");
    }

    #[test]
    fn families_partition_the_table() {
        let mut families: Vec<JwtAlgorithm> = [
            &JwtAlgorithm::HMAC[..],
            &JwtAlgorithm::RSA[..],
            &JwtAlgorithm::EC[..],
        ]
        .concat();
        assert_eq!(families, JwtAlgorithm::ALL);
        families.drain(..JwtAlgorithm::HMAC.len());
        assert_eq!(families, JwtAlgorithm::ASYMMETRIC);
    }
}
