//! The checks between arguments, once each argument's value is checked.

use proc_macro2::Span;

use super::{Args, Key, KeyKind, Written, trust};
use crate::errors::Errors;

/// `hub_name` is required, `id_token` and `claim_type_list` go together (unless the token is
/// verified), the verification arguments need a key and the key needs `id_token`, and the
/// algorithms suit the key.
pub(super) fn check_together(args: &Args, written: &Written<'_>, errors: &mut Errors) {
    // A key argument (or an unknown argument that suggested one): the token is verified.
    let verified = KeyKind::ALL
        .into_iter()
        .any(|kind| written.seen(kind.key()));
    if !written.seen(Key::HubName) {
        errors.at(
            Span::call_site(),
            "missing `hub_name`: every SignalR connection-info binding names its hub, like \
             `#[signalr_connection_info(hub_name = \"chat\")]`",
        );
    }
    // The id token's claims read by a template are a use of the token, like copied claims.
    let reads_claims = trust::reads_id_token_claims(args);
    match (&args.id_token, &args.claim_type_list) {
        (Some(id_token), None)
            if !written.seen(Key::ClaimTypeList) && !verified && !reads_claims =>
        {
            errors.spanned(
                &id_token.literal,
                "`id_token` without `claim_type_list` copies no claims (Azure silently copies \
                 nothing): add the claim types to copy, like `claim_type_list = [\"name\", \
                 \"email\"]`, or remove `id_token`",
            )
        }
        (Some(_), Some(claims)) if claims.types.is_empty() && !verified && !reads_claims => errors
            .at(
                claims.span,
                "`claim_type_list` is empty, so `id_token` copies no claims (Azure silently copies \
             nothing): list the claim types to copy, like `[\"name\", \"email\"]`, or remove \
             `id_token`",
            ),
        (None, Some(claims)) if !written.seen(Key::IdToken) => errors.at(
            claims.span,
            "`claim_type_list` without `id_token` has no token to copy claims from: add the \
             token to read, like `id_token = \"{headers.authorization}\"`, or remove \
             `claim_type_list`",
        ),
        _ => {}
    }

    if let Some(kind) = written.key_kind
        && !written.seen(Key::IdToken)
        && let Some(meta) = written.get(kind.key())
    {
        let key = kind.key();
        errors.spanned(
            meta,
            format!(
                "`{key}` verifies the id token, but there is no `id_token` to verify: add the \
                 token to read, like `id_token = \"{{headers.authorization}}\"`, or remove `{key}`"
            ),
        );
    }
    if !verified {
        for key in [
            Key::IdTokenAlgorithms,
            Key::IdTokenIssuer,
            Key::IdTokenAudience,
            Key::IdTokenLeewaySecs,
        ] {
            if let Some(meta) = written.get(key) {
                errors.spanned(
                    meta,
                    format!(
                        "`{key}` configures id-token verification, which needs the key to verify \
                         with: add one of {}, naming the app setting that holds the key, like \
                         `id_token_jwks_setting = \"ID_TOKEN_JWKS\"`; or remove `{key}`",
                        KeyKind::ALL
                            .map(|kind| format!("`{}`", kind.key()))
                            .join(", ")
                    ),
                );
            }
        }
    }
    if let (Some(kind), Some(algorithms)) = (written.key_kind, &args.id_token_algorithms) {
        for (algorithm, literal) in &algorithms.names {
            if !kind.algorithms().contains(algorithm) {
                errors.spanned(
                    literal,
                    format!(
                        "`{algorithm}` cannot be verified with {} (`{}`): the algorithms it \
                         verifies are {}",
                        kind.holds(),
                        kind.key(),
                        kind.algorithms()
                            .iter()
                            .map(|alg| alg.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }
    trust::check(args, written, verified, errors);
}
