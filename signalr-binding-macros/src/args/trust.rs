//! Where the user id comes from, and how far the binding trusts it: `id_token_verified_elsewhere`
//! and `close_on_auth_expiry`, and the checks of templates that read the id token's claims
//! (`{id_token.CLAIM}`).

use super::{Args, Key, KeyKind, Written};
use crate::errors::Errors;

/// Whether a template other than `id_token` reads a claim of the id token.
pub(super) fn reads_id_token_claims(args: &Args) -> bool {
    [&args.hub_name, &args.user_id]
        .into_iter()
        .flatten()
        .any(|arg| arg.template.reads_id_token())
}

/// `{id_token.CLAIM}` needs `id_token`, and a token that is verified (a key argument) or that
/// the application says is verified elsewhere; `close_on_auth_expiry` needs a key argument.
pub(super) fn check(args: &Args, written: &Written<'_>, verified: bool, errors: &mut Errors) {
    let elsewhere = args.id_token_verified_elsewhere.filter(|(on, _)| *on);
    if let Some(id_token) = &args.id_token
        && id_token.template.reads_id_token()
    {
        errors.spanned(
            &id_token.literal,
            "`id_token` cannot read the id token's own claims (`{id_token.CLAIM}`): read the \
             token from the request, like `id_token = \"{headers.authorization}\"`",
        );
    }
    for arg in [&args.hub_name, &args.user_id].into_iter().flatten() {
        if !arg.template.reads_id_token() {
            continue;
        }
        let key = arg.key;
        if !written.seen(Key::IdToken) {
            errors.spanned(
                &arg.literal,
                format!(
                    "`{key}` reads a claim of the id token (`{{id_token.CLAIM}}`), but there is \
                     no `id_token`: add the token to read, like `id_token = \
                     \"{{headers.authorization}}\"`, with the key that verifies it, like \
                     `id_token_jwks_setting = \"ID_TOKEN_JWKS\"`"
                ),
            );
        } else if !verified && elsewhere.is_none() {
            errors.spanned(
                &arg.literal,
                format!(
                    "`{key}` reads a claim of the id token (`{{id_token.CLAIM}}`), but the id \
                     token is not verified, so whoever sends the request would choose `{key}`: \
                     add the key that verifies it, one of {}, naming the app setting that holds \
                     the key, like `id_token_jwks_setting = \"ID_TOKEN_JWKS\"`; or, if a front \
                     end verifies the token before the request arrives, say so with \
                     `id_token_verified_elsewhere = true`",
                    KeyKind::ALL
                        .map(|kind| format!("`{}`", kind.key()))
                        .join(", ")
                ),
            );
        }
    }
    if let Some((_, span)) = elsewhere {
        if verified {
            errors.at(
                span,
                "`id_token_verified_elsewhere = true` says the id token is verified before the \
                 request arrives, but this binding verifies it with a key argument: remove one \
                 of them",
            );
        } else if !reads_id_token_claims(args) && args.id_token.is_some() {
            errors.at(
                span,
                "`id_token_verified_elsewhere = true` lets `{id_token.CLAIM}` read an id token \
                 this binding does not verify, but no template reads one: remove it, or read a \
                 claim, like `user_id = \"{id_token.sub}\"`",
            );
        }
    }
    if let Some((true, span)) = args.close_on_auth_expiry
        && !verified
    {
        errors.at(
            span,
            "`close_on_auth_expiry = true` closes the connection when the verified id token \
             expires, but the id token is not verified: add `id_token` and the key that \
             verifies it, like `id_token_jwks_setting = \"ID_TOKEN_JWKS\"`, or remove \
             `close_on_auth_expiry`",
        );
    }
}
