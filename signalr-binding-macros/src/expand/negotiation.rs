//! A negotiation receiver: connection info for every endpoint, as Azure's `SignalRNegotiation`
//! input binding gives it, in a `SignalRNegotiation` parameter or, with `negotiation = true`,
//! a `String` or `serde_json::Value` one. The binding reads several endpoints and the
//! handler's parameter gets `negotiate(...)` instead of `resolve(...)`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Type;
use syn::spanned::Spanned;

use crate::args::Args;
use crate::errors::Errors;

/// Whether the receiver's type is written `SignalRNegotiation` (any path ending in it).
pub(super) fn is_negotiation(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|last| last.ident == "SignalRNegotiation"))
}

/// Whether the receiver gets every endpoint: its type is `SignalRNegotiation`, or
/// `negotiation = true`. `None` (with the error at the argument) when the two disagree.
pub(super) fn receives_negotiation(args: &Args, ty: &Type, errors: &mut Errors) -> Option<bool> {
    let by_type = is_negotiation(ty);
    let Some((flag, span)) = args.negotiation else {
        return Some(by_type);
    };
    let connection_info = matches!(ty, Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|last| last.ident == "SignalRConnectionInfo"));
    if flag && connection_info {
        errors.at(
            span,
            "`negotiation = true` gives connection info for every endpoint, which one \
             `SignalRConnectionInfo` cannot hold: receive `SignalRNegotiation`, `String` or \
             `serde_json::Value`",
        );
        return None;
    }
    if !flag && by_type {
        errors.at(
            span,
            "a `SignalRNegotiation` receiver always gets every endpoint: remove \
             `negotiation = false`, or receive `SignalRConnectionInfo`",
        );
        return None;
    }
    Some(flag)
}

/// The binding of a negotiation receiver: `from_static_negotiation(properties)`, or a compile
/// error when the binding verifies id tokens (at the receiver's type) or names a router (at the
/// `router` argument: a negotiation answers for every endpoint, none is chosen).
pub(super) fn binding(properties: TokenStream, args: &Args, ty: &Type) -> TokenStream {
    if args.verification_key.is_some() {
        return quote_spanned! {ty.span()=>
            ::core::compile_error!(
                "a `SignalRNegotiation` receiver does not support id-token verification \
                 (`id_token_*_setting`) yet: receive `SignalRConnectionInfo`, or build the \
                 binding with `ConnectionInfoBinding::builder` and call `negotiate`"
            )
        };
    }
    if let Some(router) = &args.router {
        return quote_spanned! {router.literal.span()=>
            ::core::compile_error!(
                "`router` chooses one endpoint per request, and a `SignalRNegotiation` receiver \
                 gets every endpoint: remove `router`, or receive `SignalRConnectionInfo`"
            )
        };
    }
    quote! {
        ::signalr_binding::__private::Binding::from_static_negotiation(#properties)
    }
}
