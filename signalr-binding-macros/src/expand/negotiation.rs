//! A `SignalRNegotiation` receiver: connection info for every endpoint, as Azure's
//! `SignalRNegotiation` input binding gives it. The binding reads several endpoints and the
//! handler's parameter gets `negotiate(...)` instead of `resolve(...)`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Type;
use syn::spanned::Spanned;

/// Whether the receiver's type is written `SignalRNegotiation` (any path ending in it).
pub(super) fn is_negotiation(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|last| last.ident == "SignalRNegotiation"))
}

/// The binding of a negotiation receiver: `from_static_negotiation(properties)`, or a compile
/// error at the receiver's type when the binding verifies id tokens.
pub(super) fn binding(properties: TokenStream, verifies: bool, ty: &Type) -> TokenStream {
    if verifies {
        return quote_spanned! {ty.span()=>
            ::core::compile_error!(
                "a `SignalRNegotiation` receiver does not support id-token verification \
                 (`id_token_*_setting`) yet: receive `SignalRConnectionInfo`, or build the \
                 binding with `ConnectionInfoBinding::builder` and call `negotiate`"
            )
        };
    }
    quote! {
        ::signalr_binding::__private::Binding::from_static_negotiation(#properties)
    }
}
