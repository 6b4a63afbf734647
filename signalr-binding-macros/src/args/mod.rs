//! The attribute's arguments, in three phases: [`parse`] splits `key = value, ...` and finds each
//! [`Key`]; the readers of each argument check its value (`properties` for the binding's own
//! properties, `verification` for the id-token verification arguments, over the generic readers
//! of `value`); `check` then checks the arguments against each other.

mod check;
mod properties;
mod router;
mod trust;
mod value;
mod verification;

use std::fmt;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use signalr_binding_expression::{Template, closest};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{LitStr, Meta, Token};

pub(crate) use router::RouterArg;
pub(crate) use verification::{Algorithms, KeyKind, VerificationKeyArg};

use crate::errors::{Errors, to_snake_case};

/// An argument of the attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    HubName,
    ConnectionStringSetting,
    UserId,
    IdToken,
    ClaimTypeList,
    Name,
    Request,
    LifetimeSecs,
    IdTokenHmacSecretSetting,
    IdTokenRsaKeySetting,
    IdTokenEcKeySetting,
    IdTokenJwksSetting,
    IdTokenAlgorithms,
    IdTokenIssuer,
    IdTokenAudience,
    IdTokenLeewaySecs,
    IdTokenVerifiedElsewhere,
    CloseOnAuthExpiry,
    Router,
    Negotiation,
}

impl Key {
    /// Every argument, in the order the docs list them.
    pub(crate) const ALL: [Key; 20] = [
        Self::HubName,
        Self::ConnectionStringSetting,
        Self::UserId,
        Self::IdToken,
        Self::ClaimTypeList,
        Self::Name,
        Self::Request,
        Self::LifetimeSecs,
        Self::IdTokenHmacSecretSetting,
        Self::IdTokenRsaKeySetting,
        Self::IdTokenEcKeySetting,
        Self::IdTokenJwksSetting,
        Self::IdTokenAlgorithms,
        Self::IdTokenIssuer,
        Self::IdTokenAudience,
        Self::IdTokenLeewaySecs,
        Self::IdTokenVerifiedElsewhere,
        Self::CloseOnAuthExpiry,
        Self::Router,
        Self::Negotiation,
    ];

    /// The argument as written.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::HubName => "hub_name",
            Self::ConnectionStringSetting => "connection_string_setting",
            Self::UserId => "user_id",
            Self::IdToken => "id_token",
            Self::ClaimTypeList => "claim_type_list",
            Self::Name => "name",
            Self::Request => "request",
            Self::LifetimeSecs => "lifetime_secs",
            Self::IdTokenHmacSecretSetting => "id_token_hmac_secret_setting",
            Self::IdTokenRsaKeySetting => "id_token_rsa_key_setting",
            Self::IdTokenEcKeySetting => "id_token_ec_key_setting",
            Self::IdTokenJwksSetting => "id_token_jwks_setting",
            Self::IdTokenAlgorithms => "id_token_algorithms",
            Self::IdTokenIssuer => "id_token_issuer",
            Self::IdTokenAudience => "id_token_audience",
            Self::IdTokenLeewaySecs => "id_token_leeway_secs",
            Self::IdTokenVerifiedElsewhere => "id_token_verified_elsewhere",
            Self::CloseOnAuthExpiry => "close_on_auth_expiry",
            Self::Router => "router",
            Self::Negotiation => "negotiation",
        }
    }

    /// An example value, for messages.
    pub(crate) const fn example(self) -> &'static str {
        match self {
            Self::HubName => "\"chat\"",
            Self::ConnectionStringSetting => "\"AzureSignalRConnectionString\"",
            Self::UserId => "\"{headers.x-ms-client-principal-id}\"",
            Self::IdToken => "\"{headers.authorization}\"",
            Self::ClaimTypeList => "[\"name\", \"email\"]",
            Self::Name => "\"info\"",
            Self::Request => "\"req\"",
            Self::LifetimeSecs => "3600",
            Self::IdTokenHmacSecretSetting => "\"ID_TOKEN_SECRET\"",
            Self::IdTokenRsaKeySetting => "\"ID_TOKEN_RSA_KEY\"",
            Self::IdTokenEcKeySetting => "\"ID_TOKEN_EC_KEY\"",
            Self::IdTokenJwksSetting => "\"ID_TOKEN_JWKS\"",
            Self::IdTokenAlgorithms => "[\"RS256\"]",
            Self::IdTokenIssuer => "\"https://login.example.com/\"",
            Self::IdTokenAudience => "\"my-client-id\"",
            Self::IdTokenLeewaySecs => "60",
            Self::IdTokenVerifiedElsewhere | Self::CloseOnAuthExpiry | Self::Negotiation => "true",
            Self::Router => "\"crate::routing::by_region\"",
        }
    }

    /// What a string argument takes, for "takes X, found Y" messages.
    const fn takes(self) -> &'static str {
        match self {
            Self::ConnectionStringSetting => {
                "the name of the app setting that holds the connection string, as a string literal"
            }
            Self::IdTokenHmacSecretSetting => {
                "the name of the app setting that holds an HMAC secret, as a string literal"
            }
            Self::IdTokenRsaKeySetting => {
                "the name of the app setting that holds an RSA public key, as a string literal"
            }
            Self::IdTokenEcKeySetting => {
                "the name of the app setting that holds an EC public key, as a string literal"
            }
            Self::IdTokenJwksSetting => {
                "the name of the app setting that holds a JWKS, as a string literal"
            }
            _ => "a string literal",
        }
    }

    /// The id-token key this argument gives, if it is a key argument.
    pub(crate) const fn key_kind(self) -> Option<KeyKind> {
        match self {
            Self::IdTokenHmacSecretSetting => Some(KeyKind::HmacSecret),
            Self::IdTokenRsaKeySetting => Some(KeyKind::RsaPem),
            Self::IdTokenEcKeySetting => Some(KeyKind::EcPem),
            Self::IdTokenJwksSetting => Some(KeyKind::Jwks),
            _ => None,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|key| key.name() == name)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Names users may reach for (from the C#, Java, Python and function.json spellings, and the
/// key arguments' names without `_setting`) and the argument they mean, beyond what
/// snake-casing and edit distance find.
const ALIASES: [(&str, Key); 32] = [
    ("hub", Key::HubName),
    ("connection", Key::ConnectionStringSetting),
    ("connection_string", Key::ConnectionStringSetting),
    ("connection_setting", Key::ConnectionStringSetting),
    ("user", Key::UserId),
    ("token", Key::IdToken),
    ("claim_types", Key::ClaimTypeList),
    ("claims", Key::ClaimTypeList),
    ("param", Key::Name),
    ("parameter", Key::Name),
    ("lifetime", Key::LifetimeSecs),
    ("req", Key::Request),
    ("id_token_hmac_secret", Key::IdTokenHmacSecretSetting),
    ("id_token_rsa_key", Key::IdTokenRsaKeySetting),
    ("id_token_ec_key", Key::IdTokenEcKeySetting),
    ("id_token_jwks", Key::IdTokenJwksSetting),
    ("id_token_secret", Key::IdTokenHmacSecretSetting),
    ("hmac_secret", Key::IdTokenHmacSecretSetting),
    ("id_token_rsa_pem", Key::IdTokenRsaKeySetting),
    ("id_token_ec_pem", Key::IdTokenEcKeySetting),
    ("jwks", Key::IdTokenJwksSetting),
    ("algorithms", Key::IdTokenAlgorithms),
    ("issuer", Key::IdTokenIssuer),
    ("audience", Key::IdTokenAudience),
    ("leeway", Key::IdTokenLeewaySecs),
    ("id_token_leeway", Key::IdTokenLeewaySecs),
    ("close_on_authentication_expiration", Key::CloseOnAuthExpiry),
    ("close_on_auth_expiration", Key::CloseOnAuthExpiry),
    ("endpoint_router", Key::Router),
    ("routing", Key::Router),
    ("signalr_negotiation", Key::Negotiation),
    ("all_endpoints", Key::Negotiation),
];

/// A string argument parsed as a template.
pub(crate) struct TemplateArg {
    pub(crate) key: Key,
    pub(crate) literal: LitStr,
    pub(crate) template: Template,
}

/// `claim_type_list = [...]`.
pub(crate) struct ClaimTypes {
    pub(crate) span: Span,
    pub(crate) types: Vec<String>,
}

/// The checked arguments. A field is `None` when the argument is absent or was rejected (the
/// rejection is in the [`Errors`]).
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) hub_name: Option<TemplateArg>,
    pub(crate) connection_string_setting: Option<LitStr>,
    pub(crate) user_id: Option<TemplateArg>,
    pub(crate) id_token: Option<TemplateArg>,
    pub(crate) claim_type_list: Option<ClaimTypes>,
    pub(crate) name: Option<LitStr>,
    pub(crate) request: Option<LitStr>,
    pub(crate) lifetime_secs: Option<u64>,
    pub(crate) verification_key: Option<VerificationKeyArg>,
    pub(crate) id_token_algorithms: Option<Algorithms>,
    pub(crate) id_token_issuer: Option<LitStr>,
    pub(crate) id_token_audience: Option<LitStr>,
    pub(crate) id_token_leeway_secs: Option<u64>,
    /// `id_token_verified_elsewhere = BOOL`, with the value's span.
    pub(crate) id_token_verified_elsewhere: Option<(bool, Span)>,
    /// `close_on_auth_expiry = BOOL`, with the value's span.
    pub(crate) close_on_auth_expiry: Option<(bool, Span)>,
    /// `router = "path"`: several endpoints, routed by that function or `static`.
    pub(crate) router: Option<RouterArg>,
    /// `negotiation = BOOL`, with the value's span: the receiver gets every endpoint.
    pub(crate) negotiation: Option<(bool, Span)>,
}

impl Args {
    /// The template arguments that were accepted, in argument order.
    pub(crate) fn templates(&self) -> impl Iterator<Item = &TemplateArg> {
        [&self.hub_name, &self.user_id, &self.id_token]
            .into_iter()
            .flatten()
    }
}

/// Which arguments were written, for the checks between arguments.
struct Written<'a> {
    /// The first occurrence of each argument (even if its value was rejected).
    first: [Option<&'a Meta>; Key::ALL.len()],
    /// Arguments suggested for unknown ones: `hubName` should not also report `hub_name`
    /// missing.
    suggested: Vec<Key>,
    /// The kind of the (first) id-token key argument.
    key_kind: Option<KeyKind>,
}

impl<'a> Written<'a> {
    /// The first `key = ...`, if it was written.
    fn get(&self, key: Key) -> Option<&'a Meta> {
        self.first[key as usize]
    }

    /// Whether `key` was written, or suggested for an unknown argument.
    fn seen(&self, key: Key) -> bool {
        self.get(key).is_some() || self.suggested.contains(&key)
    }
}

/// Parses and checks the attribute's arguments. Returns `None` when they do not even parse as
/// `key = value, ...` (the syntax error is in `errors`); then nothing else is worth checking.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Option<Args> {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(syn::Error::new(
                error.span(),
                format!(
                    "{error}: write the arguments as `key = value` pairs separated by commas, \
                     like `#[signalr_connection_info(hub_name = \"chat\", user_id = \
                     \"{{headers.x-ms-client-principal-id}}\")]`"
                ),
            ));
            return None;
        }
    };

    let mut args = Args::default();
    let mut written = Written {
        first: [None; Key::ALL.len()],
        suggested: Vec::new(),
        key_kind: None,
    };
    for meta in &metas {
        let key = match find_key(meta.path()) {
            Ok(key) => key,
            Err((error, suggestion)) => {
                errors.push(error);
                written.suggested.extend(suggestion);
                continue;
            }
        };
        if written.get(key).is_some() {
            errors.at(
                meta.path().span(),
                format!("duplicate argument `{key}`: it is already set earlier in this attribute; remove one of them"),
            );
            continue;
        }
        written.first[key as usize] = Some(meta);

        if let Some(kind) = key.key_kind() {
            if let Some(first) = written.key_kind {
                errors.spanned(
                    meta,
                    format!(
                        "`{key}` and `{}` both give the key that verifies the id token, and a \
                         binding verifies with one key: remove one of them",
                        first.key()
                    ),
                );
                continue;
            }
            written.key_kind = Some(kind);
        }

        let value = match meta {
            Meta::NameValue(name_value) => value::unwrap_groups(&name_value.value),
            Meta::Path(path) => {
                errors.spanned(
                    path,
                    format!("`{key}` needs a value: write `{key} = {}`", key.example()),
                );
                continue;
            }
            Meta::List(list) => {
                errors.spanned(
                    list,
                    format!(
                        "`{key}` is written with `=`: write `{key} = {}`",
                        key.example()
                    ),
                );
                continue;
            }
        };

        match key {
            Key::HubName => args.hub_name = properties::hub_name(value, errors),
            Key::UserId => args.user_id = properties::template(key, value, errors),
            Key::IdToken => args.id_token = properties::template(key, value, errors),
            Key::ConnectionStringSetting => {
                args.connection_string_setting =
                    properties::connection_string_setting(value, errors);
            }
            Key::ClaimTypeList => args.claim_type_list = properties::claim_types(value, errors),
            Key::Name => args.name = value::string(key, value, errors),
            Key::Request => args.request = value::string(key, value, errors),
            Key::LifetimeSecs => args.lifetime_secs = properties::lifetime(value, errors),
            Key::IdTokenHmacSecretSetting
            | Key::IdTokenRsaKeySetting
            | Key::IdTokenEcKeySetting
            | Key::IdTokenJwksSetting => {
                args.verification_key = key.key_kind().and_then(|kind| {
                    verification::key_setting(kind, meta.path().span(), value, errors)
                });
            }
            Key::IdTokenAlgorithms => {
                args.id_token_algorithms = verification::algorithms(value, errors);
            }
            Key::IdTokenIssuer => {
                args.id_token_issuer = verification::expected_claim(key, "iss", value, errors);
            }
            Key::IdTokenAudience => {
                args.id_token_audience = verification::expected_claim(key, "aud", value, errors);
            }
            Key::IdTokenLeewaySecs => {
                args.id_token_leeway_secs = verification::leeway(value, errors);
            }
            Key::IdTokenVerifiedElsewhere => {
                args.id_token_verified_elsewhere = value::flag(key, value, errors);
            }
            Key::CloseOnAuthExpiry => args.close_on_auth_expiry = value::flag(key, value, errors),
            Key::Router => args.router = router::router(value, errors),
            Key::Negotiation => args.negotiation = value::flag(key, value, errors),
        }
    }

    check::check_together(&args, &written, errors);
    Some(args)
}

/// The argument `path` names, or an error with the closest argument (which is also returned).
fn find_key(path: &syn::Path) -> Result<Key, (syn::Error, Option<Key>)> {
    let written = path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| path.to_token_stream().to_string().replace(' ', ""));
    if let Some(key) = Key::from_name(&written) {
        return Ok(key);
    }
    let snake = to_snake_case(&written);
    let suggestion = Key::from_name(&snake)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == snake)
                .map(|(_, key)| *key)
        })
        .or_else(|| closest(&snake, Key::ALL.map(Key::name)).and_then(Key::from_name));
    let hint = match suggestion {
        Some(key) => format!("did you mean `{key}`? "),
        None => String::new(),
    };
    let error = syn::Error::new_spanned(
        path,
        format!(
            "unknown argument `{written}`: {hint}The arguments are {}",
            Key::ALL.map(|key| format!("`{key}`")).join(", ")
        ),
    );
    Err((error, suggestion))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_name() {
        for (index, key) in Key::ALL.into_iter().enumerate() {
            assert_eq!(key as usize, index, "{key}");
            assert_eq!(Key::from_name(key.name()), Some(key));
        }
    }

    #[test]
    fn aliases_are_not_keys() {
        for (alias, _) in ALIASES {
            assert_eq!(Key::from_name(alias), None, "{alias}");
        }
    }

    #[test]
    fn old_key_names_suggest_the_setting_arguments() {
        for (old, new) in [
            ("id_token_hmac_secret", Key::IdTokenHmacSecretSetting),
            ("id_token_rsa_key", Key::IdTokenRsaKeySetting),
            ("id_token_ec_key", Key::IdTokenEcKeySetting),
            ("id_token_jwks", Key::IdTokenJwksSetting),
        ] {
            let path: syn::Path = syn::parse_str(old).unwrap();
            let (_, suggestion) = find_key(&path).unwrap_err();
            assert_eq!(suggestion, Some(new), "{old}");
        }
    }
}
