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
pub(crate) const KEYS: [&str; 16] = [
    "hub_name",
    "connection_string_setting",
    "user_id",
    "id_token",
    "claim_type_list",
    "name",
    "request",
    "lifetime_secs",
    "id_token_hmac_secret",
    "id_token_rsa_key",
    "id_token_ec_key",
    "id_token_jwks",
    "id_token_algorithms",
    "id_token_issuer",
    "id_token_audience",
    "id_token_leeway_secs",
];

/// Names users may reach for (from the C#, Java, Python and function.json spellings) and the
/// argument they mean, beyond what snake-casing and edit distance find.
const ALIASES: [(&str, &str); 22] = [
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
    ("id_token_secret", "id_token_hmac_secret"),
    ("hmac_secret", "id_token_hmac_secret"),
    ("id_token_rsa_pem", "id_token_rsa_key"),
    ("id_token_ec_pem", "id_token_ec_key"),
    ("jwks", "id_token_jwks"),
    ("algorithms", "id_token_algorithms"),
    ("issuer", "id_token_issuer"),
    ("audience", "id_token_audience"),
    ("leeway", "id_token_leeway_secs"),
    ("id_token_leeway", "id_token_leeway_secs"),
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

/// The JWS algorithms the runtime verifies (`signalr_binding::JwtAlgorithm`), by name. There is
/// deliberately no `none`.
pub(crate) const ALGORITHMS: [&str; 11] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384",
];

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
    const ALL: [KeyKind; 4] = [Self::HmacSecret, Self::RsaPem, Self::EcPem, Self::Jwks];

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// The argument.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::HmacSecret => "id_token_hmac_secret",
            Self::RsaPem => "id_token_rsa_key",
            Self::EcPem => "id_token_ec_key",
            Self::Jwks => "id_token_jwks",
        }
    }

    /// The `VerificationKey` variant.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Self::HmacSecret => "HmacSecret",
            Self::RsaPem => "RsaPem",
            Self::EcPem => "EcPem",
            Self::Jwks => "Jwks",
        }
    }

    /// What the setting holds, for messages.
    fn holds(self) -> &'static str {
        match self {
            Self::HmacSecret => "an HMAC secret",
            Self::RsaPem => "an RSA public key",
            Self::EcPem => "an EC public key",
            Self::Jwks => "a JWKS",
        }
    }

    /// A setting name for examples.
    fn example_setting(self) -> &'static str {
        match self {
            Self::HmacSecret => "%ID_TOKEN_SECRET%",
            Self::RsaPem => "%ID_TOKEN_RSA_KEY%",
            Self::EcPem => "%ID_TOKEN_EC_KEY%",
            Self::Jwks => "%ID_TOKEN_JWKS%",
        }
    }

    /// The algorithms this kind of key verifies (the runtime's default allowed list).
    fn algorithms(self) -> &'static [&'static str] {
        match self {
            Self::HmacSecret => &ALGORITHMS[0..3],
            Self::RsaPem => &ALGORITHMS[3..9],
            Self::EcPem => &ALGORITHMS[9..11],
            Self::Jwks => &ALGORITHMS[3..11],
        }
    }
}

/// One of `id_token_hmac_secret`, `id_token_rsa_key`, `id_token_ec_key`, `id_token_jwks`.
pub(crate) struct VerificationKeyArg {
    pub(crate) kind: KeyKind,
    /// The setting's name, without the `%`.
    pub(crate) setting: String,
}

/// `id_token_algorithms = [...]`: the names that were accepted (the others are reported), with
/// the literal each came from.
pub(crate) struct Algorithms {
    pub(crate) names: Vec<(&'static str, LitStr)>,
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
    // The first occurrence of each argument, for errors about arguments that go together.
    let mut written: [Option<&Meta>; KEYS.len()] = [None; KEYS.len()];
    // The kind of the (first) id-token key argument.
    let mut key_kind: Option<KeyKind> = None;
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
        written[index] = Some(meta);

        let kind = KeyKind::from_key(key);
        if let Some(kind) = kind {
            if let Some(first) = key_kind {
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
            key_kind = Some(kind);
        }

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

        if let Some(kind) = kind {
            args.verification_key = verification_key(kind, value, errors);
            continue;
        }
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
            "id_token_algorithms" => args.id_token_algorithms = algorithms(value, errors),
            "id_token_issuer" => args.id_token_issuer = expected_claim(key, "iss", value, errors),
            "id_token_audience" => {
                args.id_token_audience = expected_claim(key, "aud", value, errors);
            }
            "id_token_leeway_secs" => args.id_token_leeway_secs = leeway(value, errors),
            _ => unreachable!("every key in KEYS is handled"),
        }
    }

    for key in suggested {
        if let Some(index) = KEYS.iter().position(|k| *k == key) {
            seen[index] = true;
        }
    }
    check_together(&args, &seen, &written, key_kind, errors);
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
        "id_token_hmac_secret" => "\"%ID_TOKEN_SECRET%\"",
        "id_token_rsa_key" => "\"%ID_TOKEN_RSA_KEY%\"",
        "id_token_ec_key" => "\"%ID_TOKEN_EC_KEY%\"",
        "id_token_jwks" => "\"%ID_TOKEN_JWKS%\"",
        "id_token_algorithms" => "[\"RS256\"]",
        "id_token_issuer" => "\"https://login.example.com/\"",
        "id_token_audience" => "\"my-client-id\"",
        "id_token_leeway_secs" => "60",
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
    let list = StringList::parse(
        value,
        "claim_type_list",
        r#"["name", "email"]"#,
        "the claim type",
        "email",
        errors,
    )?;
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

/// The value of an argument that takes an array of string literals (`key = ["a", "b"]`), with
/// a spanned error for a value that is not an array and for each element that is not a string
/// literal.
struct StringList<'a> {
    array: &'a syn::ExprArray,
    /// The elements that are string literals.
    literals: Vec<&'a LitStr>,
    /// Whether every element is one.
    complete: bool,
}

impl<'a> StringList<'a> {
    /// `example` is a whole array for the hint (`["RS256"]`); `element` and `element_example`
    /// name one element (`the algorithm's name`, `RS256`).
    fn parse(
        value: &'a Expr,
        key: &str,
        example: &str,
        element: &str,
        element_example: &str,
        errors: &mut Errors,
    ) -> Option<Self> {
        let Expr::Array(array) = value else {
            let hint = match value {
                // `key = "a, b"`: show the same items as an array.
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
                    format!("write `{key} = [{items}]`")
                }
                _ => format!("write `{key} = {example}`"),
            };
            errors.spanned(
                value,
                format!(
                    "`{key}` takes an array of string literals, found {}: {hint}",
                    describe(value)
                ),
            );
            return None;
        };
        let mut literals = Vec::new();
        let mut complete = true;
        for element_expr in &array.elems {
            match unwrap_groups(element_expr) {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(literal),
                    ..
                }) => literals.push(literal),
                other => {
                    errors.spanned(
                        other,
                        format!(
                            "`{key}` holds string literals, found {}: write {element} in quotes, \
                             like \"{element_example}\"",
                            describe(other)
                        ),
                    );
                    complete = false;
                }
            }
        }
        Some(Self {
            array,
            literals,
            complete,
        })
    }
}

/// `lifetime_secs = N`, N > 0.
fn lifetime(value: &Expr, errors: &mut Errors) -> Option<u64> {
    let problem = match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) if int.base10_digits().starts_with('-') => {
            "must be a positive number of seconds".to_owned()
        }
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

/// `id_token_hmac_secret`, `id_token_rsa_key`, `id_token_ec_key`, `id_token_jwks`: the name of
/// the setting that holds the key, written `%NAME%`, never the key itself. Messages never repeat
/// the value: it may be a key.
fn verification_key(
    kind: KeyKind,
    value: &Expr,
    errors: &mut Errors,
) -> Option<VerificationKeyArg> {
    let key = kind.key();
    let example = kind.example_setting();
    let Expr::Lit(ExprLit {
        lit: Lit::Str(literal),
        ..
    }) = value
    else {
        errors.spanned(
            value,
            format!(
                "`{key}` takes the name of the app setting that holds {}, as a string written \
                 `\"%NAME%\"`, found {}: write `{key} = \"{example}\"`",
                kind.holds(),
                describe(value)
            ),
        );
        return None;
    };
    if !literal.suffix().is_empty() {
        errors.spanned(
            literal,
            format!("`{key}` takes a string literal without a suffix"),
        );
        return None;
    }
    let text = literal.value();
    let Some(name) = text
        .strip_prefix('%')
        .and_then(|rest| rest.strip_suffix('%'))
        .filter(|name| !name.is_empty() && !name.contains('%'))
    else {
        errors.spanned(
            literal,
            format!(
                "`{key}` names the app setting that holds {}, written `%NAME%`; it is never the \
                 key itself (that would put the key in your source code). Put the key in an app \
                 setting (environment variable) and write its name between `%`, like `{key} = \
                 \"{example}\"`",
                kind.holds()
            ),
        );
        return None;
    };
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "={}<>".contains(*c))
    {
        let what = if c.is_whitespace() {
            "whitespace is".to_owned()
        } else if c.is_control() {
            "a control character is".to_owned()
        } else {
            format!("`{c}` is")
        };
        errors.spanned(
            literal,
            format!(
                "{what} not allowed in the setting name of `{key}`: write the name of an app \
                 setting between `%`, like `{key} = \"{example}\"`"
            ),
        );
        return None;
    }
    Some(VerificationKeyArg {
        kind,
        setting: name.to_owned(),
    })
}

/// `id_token_algorithms = ["RS256", ...]`.
fn algorithms(value: &Expr, errors: &mut Errors) -> Option<Algorithms> {
    let list = StringList::parse(
        value,
        "id_token_algorithms",
        r#"["RS256"]"#,
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
    let mut names: Vec<(&'static str, LitStr)> = Vec::new();
    for literal in list.literals {
        match algorithm(&literal.value()) {
            Ok(name) if names.iter().any(|(listed, _)| *listed == name) => errors.spanned(
                literal,
                format!("`{name}` is listed twice in `id_token_algorithms`; remove one"),
            ),
            Ok(name) => names.push((name, literal.clone())),
            Err(message) => errors.spanned(literal, message),
        }
    }
    Some(Algorithms { names })
}

/// The algorithm named `written`, or the message for a name that is not one.
fn algorithm(written: &str) -> Result<&'static str, String> {
    if let Some(name) = ALGORITHMS.into_iter().find(|name| *name == written) {
        return Ok(name);
    }
    if written.trim().eq_ignore_ascii_case("none") {
        return Err(format!(
            "`{written}` is never allowed in `id_token_algorithms`: a token with `\"alg\": \
             \"none\"` has no signature, so whoever sends it chooses its claims"
        ));
    }
    let suggestion = ALGORITHMS
        .into_iter()
        .find(|name| name.eq_ignore_ascii_case(written.trim()))
        .or_else(|| {
            // Only a clear winner: `ES512` is as close to `HS512` as to `PS512`.
            let upper = written.to_ascii_uppercase();
            let scored: Vec<(&str, f64)> = ALGORITHMS
                .into_iter()
                .map(|name| (name, strsim::normalized_damerau_levenshtein(&upper, name)))
                .filter(|&(_, score)| score >= 0.6)
                .collect();
            let best = scored.iter().map(|&(_, score)| score).fold(0.0, f64::max);
            match scored
                .iter()
                .filter(|&&(_, score)| score == best)
                .collect::<Vec<_>>()[..]
            {
                [(name, _)] => Some(*name),
                _ => None,
            }
        });
    let hint = match suggestion {
        Some(name) => format!("did you mean `{name}`? (names are case-sensitive) "),
        None => String::new(),
    };
    Err(format!(
        "unknown id-token algorithm `{}`: {hint}The algorithms are {}",
        written.escape_debug(),
        ALGORITHMS.join(", ")
    ))
}

/// `id_token_issuer` and `id_token_audience`: the value a token's `claim` must carry, compared
/// as written.
fn expected_claim(
    key: &'static str,
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
            example(key)
        ),
    );
    None
}

/// `id_token_leeway_secs = N`, at most [`MAX_LEEWAY_SECS`].
fn leeway(value: &Expr, errors: &mut Errors) -> Option<u64> {
    let problem = match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) if int.base10_digits().starts_with('-') => "cannot be negative".to_owned(),
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<u64>() {
            Ok(seconds) if seconds <= MAX_LEEWAY_SECS => return Some(seconds),
            Ok(seconds) => format!(
                "is at most {MAX_LEEWAY_SECS} (one hour), found {seconds} (a longer leeway \
                 accepts tokens long expired)"
            ),
            Err(error) => format!("is not a valid number of seconds: {error}"),
        },
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            ..
        }) => "cannot be negative".to_owned(),
        other => format!("takes an integer literal, found {}", describe(other)),
    };
    errors.spanned(
        value,
        format!(
            "`id_token_leeway_secs` {problem}: write the clock skew allowed when checking the \
             token's `exp` and `nbf`, in seconds, like `id_token_leeway_secs = 60` (the default \
             is 60)"
        ),
    );
    None
}

/// Checks between arguments: `hub_name` is required, `id_token` and `claim_type_list` go
/// together (unless the token is verified), the verification arguments need a key and the key
/// needs `id_token`, and the algorithms suit the key.
fn check_together(
    args: &Args,
    seen: &[bool; KEYS.len()],
    written: &[Option<&Meta>; KEYS.len()],
    key_kind: Option<KeyKind>,
    errors: &mut Errors,
) {
    let position = |key: &str| KEYS.iter().position(|k| *k == key).unwrap_or(0);
    let was_seen = |key: &str| seen[position(key)];
    // A key argument (or an unknown argument that suggested one): the token is verified.
    let verified = KeyKind::ALL.into_iter().any(|kind| was_seen(kind.key()));
    if !was_seen("hub_name") {
        errors.at(
            Span::call_site(),
            "missing `hub_name`: every SignalR connection-info binding names its hub, like \
             `#[signalr_connection_info(hub_name = \"chat\")]`",
        );
    }
    match (&args.id_token, &args.claim_type_list) {
        (Some(id_token), None) if !was_seen("claim_type_list") && !verified => errors.spanned(
            &id_token.literal,
            "`id_token` without `claim_type_list` copies no claims (Azure silently copies \
             nothing): add the claim types to copy, like `claim_type_list = [\"name\", \
             \"email\"]`, or remove `id_token`",
        ),
        (Some(_), Some(claims)) if claims.types.is_empty() && !verified => errors.at(
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

    if let Some(kind) = key_kind
        && !was_seen("id_token")
        && let Some(meta) = written[position(kind.key())]
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
            "id_token_algorithms",
            "id_token_issuer",
            "id_token_audience",
            "id_token_leeway_secs",
        ] {
            if let Some(meta) = written[position(key)] {
                errors.spanned(
                    meta,
                    format!(
                        "`{key}` configures id-token verification, which needs the key to verify \
                         with: add one of {}, naming the app setting that holds the key, like \
                         `id_token_jwks = \"%ID_TOKEN_JWKS%\"`; or remove `{key}`",
                        KeyKind::ALL
                            .map(|kind| format!("`{}`", kind.key()))
                            .join(", ")
                    ),
                );
            }
        }
    }
    if let (Some(kind), Some(algorithms)) = (key_kind, &args.id_token_algorithms) {
        for (name, literal) in &algorithms.names {
            if !kind.algorithms().contains(name) {
                errors.spanned(
                    literal,
                    format!(
                        "`{name}` cannot be verified with {} (`{}`): the algorithms it verifies \
                         are {}",
                        kind.holds(),
                        kind.key(),
                        kind.algorithms().join(", ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signalr_binding::{JwtAlgorithm, VerificationKey};

    #[test]
    fn the_algorithms_and_key_kinds_are_the_runtimes() {
        assert_eq!(ALGORITHMS, JwtAlgorithm::ALL.map(JwtAlgorithm::as_str));
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
            assert_eq!(kind.algorithms(), runtime, "{kind:?}");
            assert_eq!(format!("{key:?}"), format!("{}(\"NAME\")", kind.variant()));
        }
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(algorithm("ES384"), Ok("ES384"));
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
