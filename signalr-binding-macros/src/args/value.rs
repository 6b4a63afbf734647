//! Readers for the kinds of value an argument takes: a string literal, an array of string
//! literals, an integer literal in a range, and a setting name. Each reports a value of the wrong
//! kind at the value, saying what the argument takes.

use std::ops::RangeInclusive;

use proc_macro2::Span;
use quote::ToTokens;
use signalr_binding_expression::{SettingNameError, validate_setting_name};
use syn::{Expr, ExprLit, Lit, LitStr};

use super::Key;
use crate::errors::Errors;

/// `$value` from a `macro_rules!` expansion arrives wrapped in an invisible group.
pub(super) fn unwrap_groups(mut expr: &Expr) -> &Expr {
    while let Expr::Group(group) = expr {
        expr = &group.expr;
    }
    expr
}

/// What kind of value `expr` is, for "expected X, found Y" messages.
pub(super) fn describe(expr: &Expr) -> String {
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

/// A `key = true` / `key = false` argument: the value and where it is written.
pub(super) fn flag(key: Key, value: &Expr, errors: &mut Errors) -> Option<(bool, Span)> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(flag),
            ..
        }) => Some((flag.value, flag.span())),
        other => {
            errors.spanned(
                other,
                format!(
                    "`{key}` takes `true` or `false`, found {}: write `{key} = true`",
                    describe(other)
                ),
            );
            None
        }
    }
}

/// A string literal argument, or an error saying what `key` takes.
pub(super) fn string(key: Key, value: &Expr, errors: &mut Errors) -> Option<LitStr> {
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
        _ => format!("write `{key} = {}`", key.example()),
    };
    errors.spanned(
        value,
        format!(
            "`{key}` takes {}, found {}: {hint}",
            key.takes(),
            describe(value)
        ),
    );
    None
}

/// A setting-name argument (`connection_string_setting`, `id_token_*_setting`): a string literal
/// that [`validate_setting_name`] accepts. `holds` says what the setting holds, for messages;
/// `default` is the setting used when the argument is left out, if there is one. Messages never
/// repeat the value: it may be a secret.
pub(super) fn setting_name(
    key: Key,
    holds: &str,
    default: Option<&str>,
    value: &Expr,
    errors: &mut Errors,
) -> Option<LitStr> {
    let literal = string(key, value, errors)?;
    let name = literal.value();
    let error = match validate_setting_name(&name) {
        Ok(()) => return Some(literal),
        // `%A B%`: the plain form would be refused too, so say why.
        Err(SettingNameError::Percent { name }) => match validate_setting_name(&name) {
            Ok(()) => SettingNameError::Percent { name },
            Err(inner) => inner,
        },
        Err(error) => error,
    };
    let example = format!("like `{key} = {}`", key.example());
    let message = match (&error, default) {
        (SettingNameError::Percent { .. }, _) => format!("invalid `{key}`: {error}"),
        (SettingNameError::Empty, Some(default)) => format!(
            "invalid `{key}`: {error}: write the name of the app setting that holds {holds}, or \
             leave the argument out for the default `{default}`"
        ),
        (SettingNameError::Empty, None) => format!(
            "invalid `{key}`: {error}: write the name of the app setting that holds {holds}, \
             {example}"
        ),
        _ => format!(
            "invalid `{key}`: {error}; `{key}` names the app setting that holds {holds}, {example}"
        ),
    };
    errors.spanned(&literal, message);
    None
}

/// An integer literal in `range`, or an error at the value followed by `advice` (what the
/// argument means and an example).
pub(super) fn int_literal(
    key: Key,
    range: RangeInclusive<u64>,
    advice: &str,
    value: &Expr,
    errors: &mut Errors,
) -> Option<u64> {
    let negative = if *range.start() > 0 {
        "must be a positive number of seconds"
    } else {
        "cannot be negative"
    };
    let problem = match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) if int.base10_digits().starts_with('-') => negative.to_owned(),
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<u64>() {
            Ok(number) if range.contains(&number) => return Some(number),
            Ok(number) if number < *range.start() => format!(
                "must be at least {} second{}, found {number}",
                range.start(),
                if *range.start() == 1 { "" } else { "s" }
            ),
            Ok(number) => format!("is at most {} seconds, found {number}", range.end()),
            Err(error) => format!("is not a valid number of seconds: {error}"),
        },
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            ..
        }) => negative.to_owned(),
        other => format!("takes an integer literal, found {}", describe(other)),
    };
    errors.spanned(value, format!("`{key}` {problem}: {advice}"));
    None
}

/// The value of an argument that takes an array of string literals (`key = ["a", "b"]`), with
/// a spanned error for a value that is not an array and for each element that is not a string
/// literal.
pub(super) struct StringList<'a> {
    pub(super) array: &'a syn::ExprArray,
    /// The elements that are string literals.
    pub(super) literals: Vec<&'a LitStr>,
    /// Whether every element is one.
    pub(super) complete: bool,
}

impl<'a> StringList<'a> {
    /// `element` and `element_example` name one element (`the algorithm's name`, `RS256`); the
    /// hint for a value that is not an array is `key`'s example.
    pub(super) fn parse(
        value: &'a Expr,
        key: Key,
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
                _ => format!("write `{key} = {}`", key.example()),
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
