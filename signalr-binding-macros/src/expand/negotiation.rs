//! A `SignalRNegotiation` receiver: connection info for every endpoint, as Azure's
//! `SignalRNegotiation` input binding gives it. The binding reads several endpoints and the
//! handler's parameter gets `negotiate(...)` instead of `resolve(...)`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Type;
use syn::spanned::Spanned;

use crate::args::Args;

/// Whether the receiver's type is written `SignalRNegotiation` (any path ending in it).
pub(super) fn is_negotiation(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|last| last.ident == "SignalRNegotiation"))
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
