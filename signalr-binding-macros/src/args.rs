//! The attribute's arguments: parsing, per-argument checks, and the checks between arguments.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use signalr_binding_expression::{Template, TemplateError, validate_hub_name};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr, Meta, Token};

use crate::errors::{Errors, closest, to_snake_case};

/// Every argument the attribute takes, in the order the docs list them.
pub(crate) const KEYS: [&str; 8] = [
    "hub_name",
    "connection_string_setting",
    "user_id",
    "id_token",
    "claim_type_list",
    "name",
    "request",
    "lifetime_secs",
];

/// Names users may reach for (from the C#, Java, Python and function.json spellings) and the
/// argument they mean, beyond what snake-casing and edit distance find.
const ALIASES: [(&str, &str); 12] = [
    ("hub", "hub_name"),
    ("connection", "connection_string_setting"),
    ("connection_string", "connection_string_setting"),
    ("connection_setting", "connection_string_setting"),
    ("user", "user_id"),
    ("token", "id_token"),
    ("claim_types", "claim_type_list"),
    ("claims", "claim_type_list"),
    ("param", "name"),
    ("parameter", "name"),
    ("lifetime", "lifetime_secs"),
    ("req", "request"),
];

/// The default of `connection_string_setting`, as in Azure Functions.
pub(crate) const DEFAULT_CONNECTION_STRING_SETTING: &str = "AzureSignalRConnectionString";

/// A string argument parsed as a template.
pub(crate) struct TemplateArg {
    pub(crate) key: &'static str,
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
}

impl Args {
    /// The template arguments that were accepted, in argument order.
    pub(crate) fn templates(&self) -> impl Iterator<Item = &TemplateArg> {
        [&self.hub_name, &self.user_id, &self.id_token]
            .into_iter()
            .flatten()
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
    // Whether each key was seen (even if its value was rejected), for duplicate detection.
    let mut seen = [false; KEYS.len()];
    // Keys suggested for unknown arguments: `hubName` should not also report `hub_name` missing.
    let mut suggested: Vec<&'static str> = Vec::new();
    for meta in &metas {
        let index = match key_index(meta.path()) {
            Ok(index) => index,
            Err((error, suggestion)) => {
                errors.push(error);
                suggested.extend(suggestion);
                continue;
            }
        };
        let key = KEYS[index];
        if seen[index] {
            errors.at(
                meta.path().span(),
                format!("duplicate argument `{key}`: it is already set earlier in this attribute; remove one of them"),
            );
            continue;
        }
        seen[index] = true;

        let value = match meta {
            Meta::NameValue(name_value) => unwrap_groups(&name_value.value),
            Meta::Path(path) => {
                errors.spanned(
                    path,
                    format!("`{key}` needs a value: write `{key} = {}`", example(key)),
                );
                continue;
            }
            Meta::List(list) => {
                errors.spanned(
                    list,
                    format!(
                        "`{key}` is written with `=`: write `{key} = {}`",
                        example(key)
                    ),
                );
                continue;
            }
        };

        match key {
            "hub_name" => args.hub_name = template_arg("hub_name", value, errors),
            "user_id" => args.user_id = template_arg("user_id", value, errors),
            "id_token" => args.id_token = template_arg("id_token", value, errors),
            "connection_string_setting" => {
                args.connection_string_setting = setting_name(value, errors);
            }
            "claim_type_list" => args.claim_type_list = claim_types(value, errors),
            "name" => args.name = string(key, value, errors),
            "request" => args.request = string(key, value, errors),
            "lifetime_secs" => args.lifetime_secs = lifetime(value, errors),
            _ => unreachable!("every key in KEYS is handled"),
        }
    }

    for key in suggested {
        if let Some(index) = KEYS.iter().position(|k| *k == key) {
            seen[index] = true;
        }
    }
    check_together(&args, &seen, errors);
    Some(args)
}

/// The index in [`KEYS`] of the argument `path` names, or an error with the closest key.
fn key_index(path: &syn::Path) -> Result<usize, (syn::Error, Option<&'static str>)> {
    let written = path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| path.to_token_stream().to_string().replace(' ', ""));
    if let Some(index) = KEYS.iter().position(|key| *key == written) {
        return Ok(index);
    }
    let snake = to_snake_case(&written);
    let suggestion = KEYS
        .iter()
        .copied()
        .find(|key| *key == snake)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == snake)
                .map(|(_, key)| *key)
        })
        .or_else(|| closest(&snake, KEYS));
    let hint = match suggestion {
        Some(key) => format!("did you mean `{key}`? "),
        None => String::new(),
    };
    let error = syn::Error::new_spanned(
        path,
        format!(
            "unknown argument `{written}`: {hint}The arguments are {}",
            KEYS.map(|key| format!("`{key}`")).join(", ")
        ),
    );
    Err((error, suggestion))
}

/// An example value for `key`, for messages.
fn example(key: &str) -> &'static str {
    match key {
        "hub_name" => "\"chat\"",
        "connection_string_setting" => "\"AzureSignalRConnectionString\"",
        "user_id" => "\"{headers.x-ms-client-principal-id}\"",
        "id_token" => "\"{headers.authorization}\"",
        "claim_type_list" => "[\"name\", \"email\"]",
        "name" => "\"info\"",
        "request" => "\"req\"",
        "lifetime_secs" => "3600",
        _ => "...",
    }
}

/// `$value` from a `macro_rules!` expansion arrives wrapped in an invisible group.
fn unwrap_groups(mut expr: &Expr) -> &Expr {
    while let Expr::Group(group) = expr {
        expr = &group.expr;
    }
    expr
}

/// What kind of value `expr` is, for "expected X, found Y" messages.
fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(_) => "a string literal".into(),
            Lit::ByteStr(_) => "a byte string literal".into(),
            Lit::CStr(_) => "a C string literal".into(),
            Lit::Byte(_) => "a byte literal".into(),
            Lit::Char(_) => "a character literal".into(),
            Lit::Int(_) => "an integer".into(),
            Lit::Float(_) => "a floating-point number".into(),
            Lit::Bool(_) => "a boolean".into(),
            _ => "a literal".into(),
        },
        Expr::Array(_) => "an array".into(),
        Expr::Path(path) => format!(
            "the path `{}`",
            path.to_token_stream().to_string().replace(' ', "")
        ),
        Expr::Macro(_) => "a macro call (macros are not expanded in attribute arguments)".into(),
        _ => format!("the expression `{}`", expr.to_token_stream()),
    }
}

/// A string literal argument, or an error saying what `key` takes.
fn string(key: &'static str, value: &Expr, errors: &mut Errors) -> Option<LitStr> {
    if let Expr::Lit(ExprLit {
        lit: Lit::Str(literal),
        ..
    }) = value
    {
        if !literal.suffix().is_empty() {
            errors.spanned(
                literal,
                format!("`{key}` takes a string literal without a suffix"),
            );
            return None;
        }
        return Some(literal.clone());
    }
    let hint = match value {
        // `hub_name = chat`: the user meant the text.
        Expr::Path(path) if path.path.get_ident().is_some() => {
            format!(
                "write `{key} = \"{}\"`",
                path.path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )
        }
        _ => format!("write `{key} = {}`", example(key)),
    };
    errors.spanned(
        value,
        format!(
            "`{key}` takes a string literal, found {}: {hint}",
            describe(value)
        ),
    );
    None
}

/// A string argument parsed as a template (`hub_name`, `user_id`, `id_token`).
fn template_arg(key: &'static str, value: &Expr, errors: &mut Errors) -> Option<TemplateArg> {
    let literal = string(key, value, errors)?;
    let text = literal.value();
    let template = match Template::parse(&text) {
        Ok(template) => template,
        Err(error) => {
            errors.spanned(&literal, template_message(key, &text, &error));
            return None;
        }
    };
    if key == "hub_name" {
        check_hub_name(&literal, &template, errors);
    }
    Some(TemplateArg {
        key,
        literal,
        template,
    })
}

/// The message for a template that does not parse: the parser's message and the piece it
/// rejected.
fn template_message(key: &str, text: &str, error: &TemplateError) -> String {
    let piece = bad_piece(text, error);
    format!(
        "invalid template in `{key}`: {error} (at `{piece}`, byte {} of \"{text}\")",
        error.offset()
    )
}

/// The piece of `text` the parser rejected.
fn bad_piece<'a>(text: &'a str, error: &TemplateError) -> &'a str {
    text.get(error.span()).unwrap_or(text)
}

/// The rule of SPEC section 1, for messages about literal pieces of a templated hub name.
const HUB_NAME_RULE: &str =
    "a hub name starts with an ASCII letter and contains only ASCII letters, digits and `_`";

/// The hub-name rule (SPEC section 1) on what is known at compile time: the whole name when it
/// is literal, else the literal pieces around the expressions.
fn check_hub_name(literal: &LitStr, template: &Template, errors: &mut Errors) {
    if let Some(name) = template.as_literal() {
        if let Err(error) = validate_hub_name(name) {
            errors.spanned(literal, format!("invalid `hub_name`: {error}"));
        }
        return;
    }
    let Template::Parts(parts) = template else {
        // `%SETTING%`: checked when the setting is read.
        return;
    };
    for (i, part) in parts.iter().enumerate() {
        let signalr_binding_expression::Part::Literal(piece) = part else {
            continue;
        };
        let bad = if i == 0 && !piece.starts_with(|c: char| c.is_ascii_alphabetic()) {
            piece.chars().next()
        } else {
            piece
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        };
        if let Some(c) = bad {
            errors.spanned(
                literal,
                format!(
                    "invalid `hub_name`: its literal text \"{piece}\" {} `{}`: {HUB_NAME_RULE}",
                    if i == 0 { "starts with" } else { "contains" },
                    c.escape_debug()
                ),
            );
            return;
        }
    }
}

/// `connection_string_setting`: the name of a setting, never the connection string itself.
fn setting_name(value: &Expr, errors: &mut Errors) -> Option<LitStr> {
    let literal = string("connection_string_setting", value, errors)?;
    let text = literal.value();
    let message = if text.is_empty() {
        Some(format!(
            "`connection_string_setting` is empty: write the name of the app setting that holds \
             the connection string, or leave the argument out for the default \
             `{DEFAULT_CONNECTION_STRING_SETTING}`"
        ))
    } else if text.contains(';') || text.contains('=') {
        Some(
            "`connection_string_setting` names the app setting that holds the connection \
             string; it is never the connection string itself (that would put the access key \
             in your source code). Put the connection string in an app setting (environment \
             variable) and write its name here, like `connection_string_setting = \
             \"AzureSignalRConnectionString\"`"
                .to_owned(),
        )
    } else if let Some(inner) = text
        .strip_prefix('%')
        .and_then(|rest| rest.strip_suffix('%'))
        .filter(|inner| !inner.is_empty())
    {
        Some(format!(
            "`connection_string_setting` is already a setting name, so it is written without \
             `%`: write `connection_string_setting = \"{inner}\"`"
        ))
    } else {
        text.chars()
            .find(|c| c.is_whitespace() || c.is_control() || "{}<>%".contains(*c))
            .map(|c| {
                format!(
                    "`{}` is not allowed in `connection_string_setting`: write the plain name of \
                     an app setting, like \"AzureSignalRConnectionString\"",
                    c.escape_debug()
                )
            })
    };
    match message {
        Some(message) => {
            errors.spanned(&literal, message);
            None
        }
        None => Some(literal),
    }
}

/// `claim_type_list = ["a", "b"]`.
fn claim_types(value: &Expr, errors: &mut Errors) -> Option<ClaimTypes> {
    let Expr::Array(array) = value else {
        let hint = match value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(literal),
                ..
            }) => {
                let items = literal
                    .value()
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(|item| format!("\"{item}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("write `claim_type_list = [{items}]`")
            }
            _ => "write `claim_type_list = [\"name\", \"email\"]`".to_owned(),
        };
        errors.spanned(
            value,
            format!(
                "`claim_type_list` takes an array of string literals, found {}: {hint}",
                describe(value)
            ),
        );
        return None;
    };
    let mut types: Vec<String> = Vec::new();
    let mut ok = true;
    for element in &array.elems {
        let element = unwrap_groups(element);
        match element {
            Expr::Lit(ExprLit {
                lit: Lit::Str(literal),
                ..
            }) => {
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
            other => {
                errors.spanned(
                    other,
                    format!(
                        "`claim_type_list` holds string literals, found {}: write the claim type in quotes, like \"email\"",
                        describe(other)
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then(|| ClaimTypes {
        span: array.span(),
        types,
    })
}

/// `lifetime_secs = N`, N > 0.
fn lifetime(value: &Expr, errors: &mut Errors) -> Option<u64> {
    let problem = match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<u64>() {
            Ok(0) => "must be at least 1 second, found 0".to_owned(),
            Ok(seconds) => return Some(seconds),
            Err(error) => format!("is not a valid number of seconds: {error}"),
        },
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            ..
        }) => "must be a positive number of seconds".to_owned(),
        other => format!("takes an integer literal, found {}", describe(other)),
    };
    errors.spanned(
        value,
        format!(
            "`lifetime_secs` {problem}: write the access token's lifetime in seconds, like \
             `lifetime_secs = 3600` (the default is one hour)"
        ),
    );
    None
}

/// Checks between arguments: `hub_name` is required, `id_token` and `claim_type_list` go
/// together.
fn check_together(args: &Args, seen: &[bool; KEYS.len()], errors: &mut Errors) {
    let was_seen = |key: &str| seen[KEYS.iter().position(|k| *k == key).unwrap_or(0)];
    if !was_seen("hub_name") {
        errors.at(
            Span::call_site(),
            "missing `hub_name`: every SignalR connection-info binding names its hub, like \
             `#[signalr_connection_info(hub_name = \"chat\")]`",
        );
    }
    match (&args.id_token, &args.claim_type_list) {
        (Some(id_token), None) if !was_seen("claim_type_list") => errors.spanned(
            &id_token.literal,
            "`id_token` without `claim_type_list` copies no claims (Azure silently copies \
             nothing): add the claim types to copy, like `claim_type_list = [\"name\", \
             \"email\"]`, or remove `id_token`",
        ),
        (Some(_), Some(claims)) if claims.types.is_empty() => errors.at(
            claims.span,
            "`claim_type_list` is empty, so `id_token` copies no claims (Azure silently copies \
             nothing): list the claim types to copy, like `[\"name\", \"email\"]`, or remove \
             `id_token`",
        ),
        (None, Some(claims)) if !was_seen("id_token") => errors.at(
            claims.span,
            "`claim_type_list` without `id_token` has no token to copy claims from: add the \
             token to read, like `id_token = \"{headers.authorization}\"`, or remove \
             `claim_type_list`",
        ),
        _ => {}
    }
}
