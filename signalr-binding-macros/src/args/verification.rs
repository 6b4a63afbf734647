//! The id-token verification arguments: the key setting (`id_token_hmac_secret_setting`,
//! `id_token_rsa_key_setting`, `id_token_ec_key_setting`, `id_token_jwks_setting`),
//! `id_token_algorithms`, `id_token_issuer`, `id_token_audience` and `id_token_leeway_secs`.

use proc_macro2::Span;
use signalr_binding_expression::{JwtAlgorithm, closest};
use syn::{Expr, LitStr};

use super::Key;
use super::value::{StringList, int_literal, setting_name, string};
use crate::errors::Errors;

/// The longest `id_token_leeway_secs` accepted: clock skew is seconds to minutes, and a longer
/// leeway accepts tokens long expired.
pub(crate) const MAX_LEEWAY_SECS: u64 = 3600;

/// Which kind of key verifies the id token: one argument each, and one
/// `signalr_binding::VerificationKey` variant each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    HmacSecret,
    RsaPem,
    EcPem,
    Jwks,
}

impl KeyKind {
    pub(crate) const ALL: [KeyKind; 4] = [Self::HmacSecret, Self::RsaPem, Self::EcPem, Self::Jwks];

    /// The argument.
    pub(crate) const fn key(self) -> Key {
        match self {
            Self::HmacSecret => Key::IdTokenHmacSecretSetting,
            Self::RsaPem => Key::IdTokenRsaKeySetting,
            Self::EcPem => Key::IdTokenEcKeySetting,
            Self::Jwks => Key::IdTokenJwksSetting,
        }
    }

    /// The `VerificationKey` variant.
    pub(crate) const fn variant(self) -> &'static str {
        match self {
            Self::HmacSecret => "HmacSecret",
            Self::RsaPem => "RsaPem",
            Self::EcPem => "EcPem",
            Self::Jwks => "Jwks",
        }
    }

    /// What the setting holds, for messages.
    pub(crate) const fn holds(self) -> &'static str {
        match self {
            Self::HmacSecret => "an HMAC secret",
            Self::RsaPem => "an RSA public key",
            Self::EcPem => "an EC public key",
            Self::Jwks => "a JWKS",
        }
    }

    /// The algorithms this kind of key verifies (the runtime's default allowed list).
    pub(crate) const fn algorithms(self) -> &'static [JwtAlgorithm] {
        match self {
            Self::HmacSecret => &JwtAlgorithm::HMAC,
            Self::RsaPem => &JwtAlgorithm::RSA,
            Self::EcPem => &JwtAlgorithm::EC,
            Self::Jwks => &JwtAlgorithm::ASYMMETRIC,
        }
    }
}

/// One of the key arguments.
pub(crate) struct VerificationKeyArg {
    pub(crate) kind: KeyKind,
    /// The setting's name.
    pub(crate) setting: String,
    /// The argument's name, where an error about verification as a whole points (the `verify`
    /// feature being off).
    pub(crate) span: Span,
}

/// `id_token_algorithms = [...]`: the algorithms that were accepted (the others are reported),
/// with the literal each came from.
pub(crate) struct Algorithms {
    pub(crate) names: Vec<(JwtAlgorithm, LitStr)>,
}

/// A key argument: the name of the setting that holds the key, never the key itself. `span` is
/// the argument's name.
pub(super) fn key_setting(
    kind: KeyKind,
    span: Span,
    value: &Expr,
    errors: &mut Errors,
) -> Option<VerificationKeyArg> {
    let literal = setting_name(kind.key(), kind.holds(), None, value, errors)?;
    Some(VerificationKeyArg {
        kind,
        setting: literal.value(),
        span,
    })
}

/// `id_token_algorithms = ["RS256", ...]`.
pub(super) fn algorithms(value: &Expr, errors: &mut Errors) -> Option<Algorithms> {
    let list = StringList::parse(
        value,
        Key::IdTokenAlgorithms,
        "the algorithm's name",
        "RS256",
        errors,
    )?;
    if list.array.elems.is_empty() {
        errors.spanned(
            list.array,
            "`id_token_algorithms` is empty, so no token could verify: list the algorithms your \
             identity provider signs with, like `[\"RS256\"]`, or leave the argument out to allow \
             every algorithm the key can verify",
        );
        return None;
    }
    let mut names: Vec<(JwtAlgorithm, LitStr)> = Vec::new();
    for literal in list.literals {
        match algorithm(&literal.value()) {
            Ok(algorithm) if names.iter().any(|(listed, _)| *listed == algorithm) => errors
                .spanned(
                    literal,
                    format!("`{algorithm}` is listed twice in `id_token_algorithms`; remove one"),
                ),
            Ok(algorithm) => names.push((algorithm, literal.clone())),
            Err(message) => errors.spanned(literal, message),
        }
    }
    Some(Algorithms { names })
}

/// The algorithm named `written`, or the message for a name that is not one.
fn algorithm(written: &str) -> Result<JwtAlgorithm, String> {
    if let Ok(algorithm) = written.parse::<JwtAlgorithm>() {
        return Ok(algorithm);
    }
    if written.trim().eq_ignore_ascii_case("none") {
        return Err(format!(
            "`{written}` is never allowed in `id_token_algorithms`: a token with `\"alg\": \
             \"none\"` has no signature, so whoever sends it chooses its claims"
        ));
    }
    let names = JwtAlgorithm::ALL.map(JwtAlgorithm::as_str);
    let hint = match closest(written.trim(), names) {
        Some(name) => format!("did you mean `{name}`? (names are case-sensitive) "),
        None => String::new(),
    };
    Err(format!(
        "unknown id-token algorithm `{}`: {hint}The algorithms are {}",
        written.escape_debug(),
        names.join(", ")
    ))
}

/// `id_token_issuer` and `id_token_audience`: the value a token's `claim` must carry, compared
/// as written.
pub(super) fn expected_claim(
    key: Key,
    claim: &str,
    value: &Expr,
    errors: &mut Errors,
) -> Option<LitStr> {
    let literal = string(key, value, errors)?;
    let text = literal.value();
    let problem = if text.is_empty() {
        "is empty"
    } else if text.len() > 2 && text.starts_with('%') && text.ends_with('%') {
        "is compared with the token exactly as written, so a setting (`%NAME%`) is not read here"
    } else {
        return Some(literal);
    };
    errors.spanned(
        &literal,
        format!(
            "`{key}` {problem}: write the value itself that the token's `{claim}` must carry, \
             like `{key} = {}`, or leave the argument out to skip the check",
            key.example()
        ),
    );
    None
}

/// `id_token_leeway_secs = N`, at most [`MAX_LEEWAY_SECS`].
pub(super) fn leeway(value: &Expr, errors: &mut Errors) -> Option<u64> {
    int_literal(
        Key::IdTokenLeewaySecs,
        0..=MAX_LEEWAY_SECS,
        "write the clock skew allowed when checking the token's `exp` and `nbf`, in seconds, up \
         to one hour (a longer leeway accepts tokens long expired), like `id_token_leeway_secs = \
         60` (the default is 60)",
        value,
        errors,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use signalr_binding::VerificationKey;

    #[test]
    fn key_kinds_are_the_runtimes() {
        for kind in KeyKind::ALL {
            let setting = "NAME".into();
            let key = match kind {
                KeyKind::HmacSecret => VerificationKey::HmacSecret(setting),
                KeyKind::RsaPem => VerificationKey::RsaPem(setting),
                KeyKind::EcPem => VerificationKey::EcPem(setting),
                KeyKind::Jwks => VerificationKey::Jwks(setting),
            };
            let runtime: Vec<&str> = key
                .default_algorithms()
                .iter()
                .map(|alg| alg.as_str())
                .collect();
            let ours: Vec<&str> = kind.algorithms().iter().map(|alg| alg.as_str()).collect();
            assert_eq!(ours, runtime, "{kind:?}");
            assert_eq!(format!("{key:?}"), format!("{}(\"NAME\")", kind.variant()));
            assert_eq!(kind.key().key_kind(), Some(kind));
        }
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(algorithm("ES384"), Ok(JwtAlgorithm::ES384));
        assert!(algorithm("none").unwrap_err().contains("never allowed"));
        assert!(algorithm("NONE").unwrap_err().contains("never allowed"));
        assert!(
            algorithm("hs256")
                .unwrap_err()
                .contains("did you mean `HS256`")
        );
        assert!(
            algorithm("RSA512")
                .unwrap_err()
                .contains("did you mean `RS512`")
        );
        // As close to HS512, RS512 and PS512: no suggestion.
        assert!(!algorithm("ES512").unwrap_err().contains("did you mean"));
        assert!(!algorithm("EdDSA").unwrap_err().contains("did you mean"));
    }
}
