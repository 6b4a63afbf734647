//! Finding the receiving and request parameters among the handler's.

use proc_macro2::TokenStream;
use quote::ToTokens;
use signalr_binding_expression::closest;
use syn::{FnArg, Ident, ItemFn, LitStr, Pat, PatType, Type};

use crate::args::Args;
use crate::errors::Errors;

/// One typed parameter of the handler.
pub(super) struct Param<'a> {
    /// Position in `sig.inputs` (a `self` receiver counts).
    pub(super) index: usize,
    pub(super) typed: &'a PatType,
    /// The bound name when the pattern is a plain identifier (`info`, `mut info`).
    pub(super) ident: Option<&'a Ident>,
}

pub(super) fn params(function: &ItemFn) -> Vec<Param<'_>> {
    function
        .sig
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(index, input)| match input {
            FnArg::Typed(typed) => Some(Param {
                index,
                typed,
                ident: match &*typed.pat {
                    Pat::Ident(pat) if pat.subpat.is_none() => Some(&pat.ident),
                    _ => None,
                },
            }),
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// `ty` without references (and invisible groups or parentheses).
fn strip_references(mut ty: &Type) -> &Type {
    loop {
        ty = match ty {
            Type::Reference(reference) => &reference.elem,
            Type::Group(group) => &group.elem,
            Type::Paren(paren) => &paren.elem,
            _ => return ty,
        }
    }
}

/// The last path segment's name of `ty` (after references), like `Request` for
/// `&http::Request<B>`.
fn last_segment(ty: &Type) -> Option<String> {
    match strip_references(ty) {
        Type::Path(path) if path.qself.is_none() => {
            path.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

/// The receiver rule without `name`: a type written `SignalRConnectionInfo` or
/// `SignalRNegotiation` (any path ending in either).
fn is_connection_info(ty: &Type) -> bool {
    last_segment(ty).as_deref() == Some("SignalRConnectionInfo")
        || super::negotiation::is_negotiation(ty)
}

/// The request rule: a parameter whose type, after references, is a path ending in `Request` or
/// `Parts` (`http::Request<B>`, `axum::extract::Request`, `http::request::Parts`, references to
/// them).
fn is_request(ty: &Type) -> bool {
    matches!(last_segment(ty).as_deref(), Some("Request" | "Parts"))
}

pub(super) fn contains_impl_trait(ty: &Type) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "impl",
            proc_macro2::TokenTree::Group(group) => walk(group.stream()),
            _ => false,
        })
    }
    walk(ty.to_token_stream())
}

fn describe_param(param: &Param<'_>) -> String {
    format!(
        "`{}: {}`",
        param.typed.pat.to_token_stream(),
        param.typed.ty.to_token_stream()
    )
    .replace(" < ", "<")
    .replace(" >", ">")
    .replace("< ", "<")
    .replace(" :: ", "::")
    .replace("& ", "&")
}

/// The parameter `literal` names, or an error at `literal` listing the parameters.
fn find_named<'a>(
    params: &'a [Param<'a>],
    literal: &LitStr,
    key: &str,
    role: &str,
    errors: &mut Errors,
) -> Option<&'a Param<'a>> {
    let wanted = literal.value();
    if let Some(param) = params
        .iter()
        .find(|p| p.ident.is_some_and(|ident| ident == &wanted))
    {
        return Some(param);
    }
    let names: Vec<String> = params
        .iter()
        .filter_map(|p| p.ident.map(ToString::to_string))
        .collect();
    let hint = match closest(&wanted, names.iter().map(String::as_str)) {
        Some(name) => format!("did you mean `{key} = \"{name}\"`? "),
        None => String::new(),
    };
    let listed = if names.is_empty() {
        "the handler has no named parameters".to_owned()
    } else {
        format!(
            "its parameters are {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let self_note = if wanted == "self" {
        "`self` cannot be the ".to_owned() + role + "; "
    } else {
        String::new()
    };
    errors.spanned(
        literal,
        format!(
            "{self_note}`{key} = \"{wanted}\"` names no parameter of this handler: {hint}{listed}"
        ),
    );
    None
}

/// The parameter that receives the connection info.
pub(super) fn find_receiver<'a>(
    function: &ItemFn,
    params: &'a [Param<'a>],
    args: &Args,
    errors: &mut Errors,
) -> Option<&'a Param<'a>> {
    let receiver = if let Some(name) = &args.name {
        find_named(params, name, "name", "receiving parameter", errors)?
    } else {
        let candidates: Vec<&'a Param<'a>> = params
            .iter()
            .filter(|p| is_connection_info(&p.typed.ty))
            .collect();
        match candidates.as_slice() {
            [] => {
                let json: Vec<&Param<'_>> = params
                    .iter()
                    .filter(|p| {
                        p.ident.is_some()
                            && matches!(
                                last_segment(&p.typed.ty).as_deref(),
                                Some("String" | "Value")
                            )
                    })
                    .collect();
                let hint = match json.first() {
                    Some(param) => format!(
                        "; to receive it in {} (as JSON), add `name = \"{}\"` to the attribute",
                        describe_param(param),
                        param.ident.map(ToString::to_string).unwrap_or_default()
                    ),
                    None => String::new(),
                };
                errors.at(
                    function.sig.paren_token.span.join(),
                    format!(
                        "no parameter of `{}` receives the connection info: add a parameter \
                         `info: SignalRConnectionInfo`, or name a `String` or \
                         `serde_json::Value` parameter with `name = \"...\"`{hint}",
                        function.sig.ident
                    ),
                );
                return None;
            }
            [one] => *one,
            [first, rest @ ..] => {
                for other in rest {
                    errors.spanned(
                        other.typed,
                        format!(
                            "two parameters can receive the connection info, {} and {}: say \
                             which one this attribute fills with `name = \"...\"` (with two \
                             `#[signalr_connection_info]` attributes, give each its own `name`)",
                            describe_param(first),
                            describe_param(other)
                        ),
                    );
                }
                return None;
            }
        }
    };
    let ty = &*receiver.typed.ty;
    if matches!(ty, Type::Reference(_)) {
        errors.spanned(
            ty,
            "the connection info is received by value, not by reference: the binding creates a \
             new value for every request; remove the `&`",
        );
        return None;
    }
    if contains_impl_trait(ty) {
        errors.spanned(
            ty,
            "the receiving parameter needs a concrete type: `SignalRConnectionInfo`, `String` \
             or `serde_json::Value`",
        );
        return None;
    }
    Some(receiver)
}

/// The request parameter, if the handler has one. `Err` means an error was reported.
pub(super) fn find_request<'a>(
    function: &ItemFn,
    params: &'a [Param<'a>],
    receiver: Option<&Param<'_>>,
    args: &Args,
    errors: &mut Errors,
) -> Result<Option<&'a Param<'a>>, ()> {
    let receiver_index = receiver.map(|r| r.index);
    let request = if let Some(literal) = &args.request {
        let param = find_named(params, literal, "request", "request", errors).ok_or(())?;
        if Some(param.index) == receiver_index {
            errors.spanned(
                literal,
                "the request parameter cannot also be the parameter that receives the \
                 connection info",
            );
            return Err(());
        }
        param
    } else {
        let candidates: Vec<&'a Param<'a>> = params
            .iter()
            .filter(|p| Some(p.index) != receiver_index && is_request(&p.typed.ty))
            .collect();
        match candidates.as_slice() {
            [] => return Ok(None),
            [one] => *one,
            [first, rest @ ..] => {
                for other in rest {
                    errors.spanned(
                        other.typed,
                        format!(
                            "`{}` has several request parameters, {} and {}: say which one the \
                             binding reads with `request = \"...\"`",
                            function.sig.ident,
                            describe_param(first),
                            describe_param(other)
                        ),
                    );
                }
                return Err(());
            }
        }
    };
    if request.ident.is_none() {
        errors.spanned(
            &request.typed.pat,
            "the binding reads the request through this parameter, so bind it to a name, like \
             `req: http::Request<Body>`",
        );
        return Err(());
    }
    Ok(Some(request))
}
