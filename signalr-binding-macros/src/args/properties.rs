//! The binding's own properties: the templates (`hub_name`, `user_id`, `id_token`),
//! `connection_string_setting`, `claim_type_list` and `lifetime_secs`.

use signalr_binding_expression::{
    DEFAULT_CONNECTION_STRING_SETTING, Template, TemplateError, validate_hub_name_template,
};
use syn::spanned::Spanned;
use syn::{Expr, LitStr};

use super::value::{StringList, int_literal, setting_name, string};
use super::{ClaimTypes, Key, TemplateArg};
use crate::errors::Errors;

/// A string argument parsed as a template (`user_id`, `id_token`).
pub(super) fn template(key: Key, value: &Expr, errors: &mut Errors) -> Option<TemplateArg> {
    let literal = string(key, value, errors)?;
    let text = literal.value();
    match Template::parse(&text) {
        Ok(template) => Some(TemplateArg {
            key,
            literal,
            template,
        }),
        Err(error) => {
            errors.spanned(&literal, template_message(key, &text, &error));
            None
        }
    }
}

/// `hub_name`: a template whose literal text follows the hub-name rule of the SignalR Service
/// REST API (Azure/azure-signalr `docs/rest-api.md`). A `%SETTING%` hub name is checked when the
/// setting is read, and a templated one once its expressions are resolved.
pub(super) fn hub_name(value: &Expr, errors: &mut Errors) -> Option<TemplateArg> {
    let arg = template(Key::HubName, value, errors)?;
    if let Err(error) = validate_hub_name_template(&arg.template) {
        errors.spanned(&arg.literal, format!("invalid `hub_name`: {error}"));
    }
    Some(arg)
}

/// The message for a template that does not parse: the parser's message and the piece it
/// rejected.
fn template_message(key: Key, text: &str, error: &TemplateError) -> String {
    let piece = text.get(error.span()).unwrap_or(text);
    format!(
        "invalid template in `{key}`: {error} (at `{piece}`, byte {} of \"{text}\")",
        error.offset()
    )
}

/// `connection_string_setting`: the name of a setting, never the connection string itself.
pub(super) fn connection_string_setting(value: &Expr, errors: &mut Errors) -> Option<LitStr> {
    setting_name(
        Key::ConnectionStringSetting,
        "the connection string",
        Some(DEFAULT_CONNECTION_STRING_SETTING),
        value,
        errors,
    )
}

/// `claim_type_list = ["a", "b"]`.
pub(super) fn claim_types(value: &Expr, errors: &mut Errors) -> Option<ClaimTypes> {
    let list = StringList::parse(value, Key::ClaimTypeList, "the claim type", "email", errors)?;
    let mut types: Vec<String> = Vec::new();
    let mut ok = list.complete;
    for literal in list.literals {
        let claim = literal.value();
        if claim.is_empty() {
            errors.spanned(
                literal,
                "empty claim type in `claim_type_list`: write the claim's type, like \"email\"",
            );
            ok = false;
        } else if types.contains(&claim) {
            errors.spanned(
                literal,
                format!("claim type \"{claim}\" is listed twice in `claim_type_list`; remove one"),
            );
            ok = false;
        } else {
            types.push(claim);
        }
    }
    ok.then(|| ClaimTypes {
        span: list.array.span(),
        types,
    })
}

/// `lifetime_secs = N`, N > 0.
pub(super) fn lifetime(value: &Expr, errors: &mut Errors) -> Option<u64> {
    int_literal(
        Key::LifetimeSecs,
        1..=u64::MAX,
        "write the access token's lifetime in seconds, like `lifetime_secs = 3600` (the default \
         is one hour)",
        value,
        errors,
    )
}
