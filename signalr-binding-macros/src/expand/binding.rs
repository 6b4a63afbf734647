//! The `static` binding the rewritten handler resolves: every argument as a `const` expression,
//! so nothing is parsed per request.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use signalr_binding_expression::{
    DEFAULT_CONNECTION_STRING_SETTING, Part, PrincipalField, Template,
};
use syn::{Ident, LitStr};

use crate::args::{self, Args};

/// `Binding::from_static(Properties { ... })`, or with a key
/// `if_verify! { Binding::from_static_verified(Properties { ... }, IdTokenVerification::from_static(...)) }`,
/// followed by `.routed_by(router(&path))` with a `router` argument.
pub(super) fn binding_tokens(
    args: &Args,
    hub_name: &args::TemplateArg,
    negotiation: Option<&syn::Type>,
) -> TokenStream {
    let hub = template_tokens(&hub_name.template);
    let setting = args.connection_string_setting.as_ref().map_or_else(
        || DEFAULT_CONNECTION_STRING_SETTING.to_owned(),
        LitStr::value,
    );
    let optional = |arg: &Option<args::TemplateArg>| match arg {
        Some(arg) => {
            let template = template_tokens(&arg.template);
            quote!(::core::option::Option::Some(#template))
        }
        None => quote!(::core::option::Option::None),
    };
    let user_id = optional(&args.user_id);
    let id_token = optional(&args.id_token);
    let claims = args
        .claim_type_list
        .as_ref()
        .map(|claims| claims.types.clone())
        .unwrap_or_default();
    let lifetime = match args.lifetime_secs {
        Some(seconds) => {
            let seconds = proc_macro2::Literal::u64_suffixed(seconds);
            quote!(::signalr_binding::__private::Duration::from_secs(#seconds))
        }
        None => quote!(::signalr_binding::__private::DEFAULT_TOKEN_LIFETIME),
    };
    let verified_elsewhere = args
        .id_token_verified_elsewhere
        .is_some_and(|(value, _)| value);
    let close_on_auth_expiry = args.close_on_auth_expiry.is_some_and(|(value, _)| value);
    let properties = quote! {
        ::signalr_binding::__private::Properties {
            hub_name: #hub,
            connection_string_setting: ::signalr_binding::__private::Cow::Borrowed(#setting),
            user_id: #user_id,
            id_token: #id_token,
            claim_types: ::signalr_binding::__private::Cow::Borrowed(&[
                #(::signalr_binding::__private::Cow::Borrowed(#claims)),*
            ]),
            lifetime: #lifetime,
            id_token_verified_elsewhere: #verified_elsewhere,
            close_on_auth_expiry: #close_on_auth_expiry,
        }
    };
    if let Some(ty) = negotiation {
        return super::negotiation::binding(properties, args, ty);
    }
    // Spanned at the argument, so a path that is not a `Router` is reported there.
    let routed = args.router.as_ref().map(|router| {
        let path = &router.path;
        quote_spanned! {router.literal.span()=>
            .routed_by(::signalr_binding::__private::router(&#path))
        }
    });
    match &args.verification_key {
        // Spanned at the key argument: without the runtime's `verify` feature, `if_verify!` is
        // a compile error there.
        Some(key) => {
            let verification = verification_tokens(args, key);
            quote_spanned! {key.span=>
                ::signalr_binding::__private::if_verify! {
                    ::signalr_binding::__private::Binding::from_static_verified(
                        #properties,
                        #verification
                    )
                    #routed
                }
            }
        }
        None => quote! {
            ::signalr_binding::__private::Binding::from_static(#properties) #routed
        },
    }
}

/// `IdTokenVerification::from_static(key, &[algorithms], issuer, audience, leeway)`, all
/// `const`. No algorithms means the key kind's defaults.
fn verification_tokens(args: &Args, key: &args::VerificationKeyArg) -> TokenStream {
    let variant = Ident::new(key.kind.variant(), Span::call_site());
    let setting = &key.setting;
    let algorithms = args
        .id_token_algorithms
        .iter()
        .flat_map(|algorithms| &algorithms.names)
        .map(|(algorithm, _)| Ident::new(algorithm.as_str(), Span::call_site()));
    let optional = |value: &Option<LitStr>| match value {
        Some(literal) => {
            let text = literal.value();
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    let issuer = optional(&args.id_token_issuer);
    let audience = optional(&args.id_token_audience);
    let leeway = match args.id_token_leeway_secs {
        Some(seconds) => {
            let seconds = proc_macro2::Literal::u64_suffixed(seconds);
            quote!(::signalr_binding::__private::Duration::from_secs(#seconds))
        }
        None => quote!(::signalr_binding::__private::DEFAULT_LEEWAY),
    };
    quote! {
        ::signalr_binding::__private::IdTokenVerification::from_static(
            ::signalr_binding::__private::VerificationKey::#variant(
                ::signalr_binding::__private::Cow::Borrowed(#setting)
            ),
            &[#(::signalr_binding::__private::JwtAlgorithm::#algorithms),*],
            #issuer,
            #audience,
            #leeway,
        )
    }
}

/// The `PrincipalField` variant of `field`.
fn principal_field(field: PrincipalField) -> &'static str {
    match field {
        PrincipalField::UserId => "UserId",
        PrincipalField::UserDetails => "UserDetails",
        PrincipalField::IdentityProvider => "IdentityProvider",
        // Every field the expression crate parses is above.
        _ => unreachable!("a principal field the macro does not know: {field:?}"),
    }
}

/// A template as a `const` expression.
fn template_tokens(template: &Template) -> TokenStream {
    match template {
        Template::Setting(name) => {
            let name: &str = name;
            quote!(::signalr_binding::__private::Template::setting(#name))
        }
        Template::Parts(parts) => {
            let parts = parts.iter().map(|part| {
                let (variant, text): (&str, &str) = match part {
                    Part::Literal(text) => ("Literal", text),
                    Part::Header(name) => ("Header", name),
                    Part::Query(key) => ("Query", key),
                    Part::Setting(name) => ("Setting", name),
                    Part::IdTokenClaim(claim) => ("IdTokenClaim", claim),
                    Part::PrincipalClaim(claim_type) => ("PrincipalClaim", claim_type),
                    Part::Principal(field) => {
                        let field = Ident::new(principal_field(*field), Span::call_site());
                        return quote! {
                            ::signalr_binding::__private::Part::Principal(
                                ::signalr_binding::__private::PrincipalField::#field
                            )
                        };
                    }
                };
                let variant = Ident::new(variant, Span::call_site());
                quote! {
                    ::signalr_binding::__private::Part::#variant(
                        ::signalr_binding::__private::Cow::Borrowed(#text)
                    )
                }
            });
            quote!(::signalr_binding::__private::Template::from_static(&[#(#parts),*]))
        }
    }
}
