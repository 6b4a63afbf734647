//! Rewriting the handler: the receiving parameter leaves the signature and is bound at the top
//! of the body from a `static` binding (`binding`), resolved for the request parameter
//! (`params` finds both).

mod binding;
mod negotiation;
mod params;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use signalr_binding_expression::{Part, Template};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ItemFn, ReturnType, Type};

use self::params::{Param, contains_impl_trait, find_receiver, find_request, params};
use crate::args::{self, Args};
use crate::errors::Errors;

/// The attribute's entry point: the rewritten handler, or on any error the handler as written
/// followed by every error, so the rest of the crate still type-checks.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(attr, &mut errors);

    let function = match parse_function(item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(error);
            return with_errors(item, errors);
        }
    };

    let Some(args) = args else {
        return with_errors(item, errors);
    };
    match rewrite(&args, function, &mut errors) {
        Some(rewritten) if errors.is_empty() => rewritten,
        _ => with_errors(item, errors),
    }
}

fn with_errors(mut item: TokenStream, errors: Errors) -> TokenStream {
    if let Err(error) = errors.into_result() {
        item.extend(error.into_compile_error());
    }
    item
}

/// The handler, or an error that says the attribute goes on a function with a body.
fn parse_function(item: TokenStream) -> syn::Result<ItemFn> {
    if let Ok(function) = syn::parse2::<ItemFn>(item.clone()) {
        return Ok(function);
    }
    if let Ok(method) = syn::parse2::<syn::TraitItemFn>(item.clone()) {
        return Err(syn::Error::new_spanned(
            &method.sig,
            "`#[signalr_connection_info]` needs the handler's body: put it on the method in the \
             `impl` block, or on a trait method with a default body",
        ));
    }
    let what = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Struct(_)) => "a struct",
        Ok(syn::Item::Enum(_)) => "an enum",
        Ok(syn::Item::Impl(_)) => "an `impl` block (put it on the handler method inside)",
        Ok(syn::Item::Mod(_)) => "a module",
        Ok(syn::Item::Static(_) | syn::Item::Const(_)) => "a static or const",
        Ok(_) => "this item",
        Err(error) => return Err(error),
    };
    Err(syn::Error::new(
        item.into_iter()
            .next()
            .map_or_else(Span::call_site, |t| t.span()),
        format!(
            "`#[signalr_connection_info]` goes on a handler function (`fn` or `async fn`), not on {what}"
        ),
    ))
}
/// Rewrites `function`; `None` when an error was reported.
fn rewrite(args: &Args, mut function: ItemFn, errors: &mut Errors) -> Option<TokenStream> {
    if let Some(constness) = &function.sig.constness {
        errors.spanned(
            constness,
            "`#[signalr_connection_info]` cannot go on a `const fn`: resolving the binding reads \
             settings and the clock and signs a token at run time; remove `const`",
        );
    }

    let params = params(&function);
    let receiver = find_receiver(&function, &params, args, errors);
    let request = find_request(&function, &params, receiver, args, errors);

    if let Ok(None) = request {
        for template in args.templates() {
            if template.template.reads_request() {
                errors.spanned(
                    &template.literal,
                    format!(
                        "`{}` reads the request (`{}`), but `{}` has no request parameter: add \
                         one of type `http::Request<B>` or `http::request::Parts` (or a \
                         reference to one), or name it with `request = \"...\"`",
                        template.key,
                        request_expressions(&template.template).join("`, `"),
                        function.sig.ident
                    ),
                );
            }
        }
    }

    let from_error = match &function.sig.output {
        ReturnType::Default => {
            errors.at(
                function.sig.ident.span(),
                format!(
                    "`{}` returns `()`, so a binding failure (such as a missing header) has no \
                     way to reach the caller: return `Result<_, E>` where `E: \
                     From<signalr_binding::BindingError>`, or `http::Response<B>` (the failure \
                     becomes a JSON error response), or a type that implements \
                     `signalr_binding::FromBindingError`",
                    function.sig.ident
                ),
            );
            None
        }
        ReturnType::Type(_, ty) if contains_impl_trait(ty) => Some(quote!(
            ::signalr_binding::__private::FromBindingError::from_binding_error
        )),
        ReturnType::Type(_, ty) => Some(quote_spanned! {ty.span()=>
            <#ty as ::signalr_binding::__private::FromBindingError>::from_binding_error
        }),
    };

    let (Some(receiver), Ok(request), Some(from_error)) = (receiver, request, from_error) else {
        return None;
    };
    if !errors.is_empty() {
        return None;
    }
    let hub_name = args.hub_name.as_ref()?;

    let receiver_ty = &*receiver.typed.ty;
    let negotiation = negotiation::receives_negotiation(args, receiver_ty, errors)?;
    let binding = binding::binding_tokens(args, hub_name, negotiation.then_some(receiver_ty));
    let binding_ident = Ident::new("__SIGNALR_CONNECTION_INFO_BINDING", Span::mixed_site());
    let value = Ident::new("value", Span::mixed_site());
    let error = Ident::new("error", Span::mixed_site());

    let (call, call_without_request) = match negotiation {
        false => (quote!(resolve), quote!(resolve_without_request)),
        true => (quote!(negotiate), quote!(negotiate_without_request)),
    };
    let resolve = match request {
        Some(param) => request_call(param, &binding_ident, &call),
        None => quote! {
            ::signalr_binding::__private::#call_without_request(&#binding_ident)
        },
    };
    // An async handler first waits for the signing key of an identity-based connection,
    // without blocking its thread (a no-op without the `identity` feature).
    let wait = function.sig.asyncness.is_some().then(|| match request {
        Some(param) => {
            let call = request_call(param, &binding_ident, &quote!(wait_for_key));
            quote! { #call.await; }
        }
        None => quote! {
            ::signalr_binding::__private::wait_for_key_without_request(&#binding_ident).await;
        },
    });

    let from_info = match negotiation {
        false => quote_spanned! {receiver_ty.span()=>
            <#receiver_ty as ::signalr_binding::__private::FromConnectionInfo>::from_connection_info
        },
        true => quote_spanned! {receiver_ty.span()=>
            <#receiver_ty as ::core::convert::From<::signalr_binding::__private::SignalRNegotiation>>::from
        },
    };
    let receiver_attrs = &receiver.typed.attrs;
    let receiver_pat = &receiver.typed.pat;

    let user_block = &function.block;
    let block = quote! {
        {
            #(#receiver_attrs)*
            let #receiver_pat: #receiver_ty = {
                static #binding_ident: ::signalr_binding::__private::Binding = #binding;
                #wait
                match #resolve {
                    ::core::result::Result::Ok(#value) => #from_info(#value),
                    ::core::result::Result::Err(#error) => return #from_error(#error),
                }
            };
            #user_block
        }
    };
    let receiver_index = receiver.index;
    let block = syn::parse2(block).ok()?;
    function.block = Box::new(block);
    function.sig.inputs = std::mem::take(&mut function.sig.inputs)
        .into_pairs()
        .enumerate()
        .filter(|(index, _)| *index != receiver_index)
        .map(|(_, pair)| pair)
        .collect::<Punctuated<FnArg, syn::Token![,]>>();
    if function.sig.inputs.trailing_punct() {
        function.sig.inputs.pop_punct();
    }
    Some(function.into_token_stream())
}

/// The expressions a template reads from the request, as written in messages.
fn request_expressions(template: &Template) -> Vec<String> {
    template
        .parts()
        .iter()
        .filter_map(|part| match part {
            Part::Header(_) | Part::Query(_) | Part::Principal(_) | Part::PrincipalClaim(_) => {
                Some(part.to_string())
            }
            Part::Literal(_) | Part::Setting(_) | Part::IdTokenClaim(_) => None,
        })
        .collect()
}

/// `resolve::<R>(&BINDING, &req)`, with the request type spelled out (when it can be) so that a
/// type that is not a request is reported at the user's parameter type.
fn request_call(param: &Param<'_>, binding: &Ident, call: &TokenStream) -> TokenStream {
    let ty = &*param.typed.ty;
    let ident = param.ident.expect("checked by find_request");
    // Reported at the parameter's type, resolved as the user's identifier.
    let mut ident = ident.clone();
    ident.set_span(ident.span().located_at(ty.span()));
    let (inner, argument) = match ty {
        Type::Reference(reference) if reference.mutability.is_some() => {
            (&*reference.elem, quote_spanned!(ty.span()=> &*#ident))
        }
        Type::Reference(reference) => (&*reference.elem, quote!(#ident)),
        _ => (ty, quote_spanned!(ty.span()=> &#ident)),
    };
    if contains_impl_trait(inner) {
        quote! { ::signalr_binding::__private::#call(&#binding, #argument) }
    } else {
        quote_spanned! {ty.span()=>
            ::signalr_binding::__private::#call::<#inner>(&#binding, #argument)
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn run(attr: TokenStream, item: TokenStream) -> String {
        expand(attr, item).to_string()
    }

    #[test]
    fn the_receiving_parameter_leaves_the_signature() {
        let out = run(
            quote!(hub_name = "chat", user_id = "{headers.X-User}"),
            quote!(
                pub async fn negotiate(
                    req: http::Request<()>,
                    mut info: SignalRConnectionInfo,
                ) -> http::Response<String> {
                    http::Response::new(info.url)
                }
            ),
        );
        assert!(
            out.starts_with("pub async fn negotiate (req : http :: Request < () >) ->"),
            "{out}"
        );
        assert!(
            out.contains("let mut info : SignalRConnectionInfo ="),
            "{out}"
        );
        // Header names are stored lower-case, parsed at compile time.
        assert!(
            out.contains(
                "Part :: Header (:: signalr_binding :: __private :: Cow :: Borrowed (\"x-user\"))"
            ),
            "{out}"
        );
        assert!(out.contains("resolve :: < http :: Request < () > > (& __SIGNALR_CONNECTION_INFO_BINDING , & req)"), "{out}");
        // An async handler waits for an identity-based key first, then resolves.
        let wait = out
            .find("wait_for_key :: < http :: Request < () > > (& __SIGNALR_CONNECTION_INFO_BINDING , & req) . await ;")
            .expect(&out);
        assert!(wait < out.find("resolve ::").unwrap(), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn a_sync_handler_does_not_wait() {
        let out = run(
            quote!(hub_name = "chat"),
            quote!(
                fn negotiate(
                    req: http::Request<()>,
                    info: SignalRConnectionInfo,
                ) -> http::Response<String> {
                    http::Response::new(info.url)
                }
            ),
        );
        assert!(!out.contains("wait_for_key"), "{out}");
        let out = run(
            quote!(hub_name = "chat"),
            quote!(
                async fn negotiate(info: SignalRConnectionInfo) -> http::Response<String> {
                    http::Response::new(info.url)
                }
            ),
        );
        assert!(
            out.contains(
                "wait_for_key_without_request (& __SIGNALR_CONNECTION_INFO_BINDING) . await"
            ),
            "{out}"
        );
    }

    #[test]
    fn references_are_passed_through() {
        let out = run(
            quote!(hub_name = "chat"),
            quote!(
                fn f(
                    parts: &mut http::request::Parts,
                    info: SignalRConnectionInfo,
                ) -> Result<(), E> {
                    Ok(())
                }
            ),
        );
        assert!(out.contains("resolve :: < http :: request :: Parts > (& __SIGNALR_CONNECTION_INFO_BINDING , & * parts)"), "{out}");
        let out = run(
            quote!(hub_name = "chat"),
            quote!(
                fn f(req: &Request<B>, info: SignalRConnectionInfo) -> Result<(), E> {
                    Ok(())
                }
            ),
        );
        assert!(
            out.contains(
                "resolve :: < Request < B > > (& __SIGNALR_CONNECTION_INFO_BINDING , req)"
            ),
            "{out}"
        );
    }

    #[test]
    fn without_a_request_the_environment_is_used() {
        let out = run(
            quote!(hub_name = "%HUB%", lifetime_secs = 60),
            quote!(
                fn f(info: SignalRConnectionInfo) -> Result<(), E> {
                    Ok(())
                }
            ),
        );
        assert!(
            out.contains("resolve_without_request (& __SIGNALR_CONNECTION_INFO_BINDING)"),
            "{out}"
        );
        assert!(out.contains("Template :: setting (\"HUB\")"), "{out}");
        assert!(out.contains("Duration :: from_secs (60u64)"), "{out}");
    }

    #[test]
    fn a_negotiation_receiver_negotiates_every_endpoint() {
        let out = run(
            quote!(hub_name = "chat"),
            quote!(
                fn f(req: &Request<()>, all: signalr_binding::SignalRNegotiation) -> R {
                    todo!()
                }
            ),
        );
        assert!(
            out.contains("Binding :: from_static_negotiation ("),
            "{out}"
        );
        assert!(
            out.contains(
                "negotiate :: < Request < () > > (& __SIGNALR_CONNECTION_INFO_BINDING , req)"
            ),
            "{out}"
        );
        assert!(
            out.contains("From < :: signalr_binding :: __private :: SignalRNegotiation >"),
            "{out}"
        );
        let without_request = run(
            quote!(hub_name = "chat"),
            quote!(
                fn f(all: SignalRNegotiation) -> R {
                    todo!()
                }
            ),
        );
        assert!(
            without_request.contains("negotiate_without_request (&"),
            "{without_request}"
        );
        let verified = run(
            quote!(
                hub_name = "chat",
                id_token = "{headers.authorization}",
                id_token_hmac_secret_setting = "S"
            ),
            quote!(
                fn f(req: &Request<()>, all: SignalRNegotiation) -> R {
                    todo!()
                }
            ),
        );
        assert!(
            verified.contains("does not support id-token verification"),
            "{verified}"
        );
    }

    #[test]
    fn on_error_the_function_is_emitted_as_written_with_every_error() {
        let item = quote!(
            fn negotiate(body: String) -> Result<String, E> {
                Ok(body)
            }
        );
        let out = run(
            quote!(hubName = "chat", user_id = "{header.x}", lifetime_secs = 0),
            item.clone(),
        );
        assert!(out.starts_with(&item.to_string()), "{out}");
        assert_eq!(out.matches("compile_error").count(), 4, "{out}");
        // `hubName` already suggests `hub_name`: no second "missing `hub_name`" error.
        assert!(!out.contains("missing `hub_name`"), "{out}");
    }

    #[test]
    fn a_key_emits_the_verified_binding() {
        let item = quote!(
            fn f(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<(), E> {
                Ok(())
            }
        );
        let out = run(
            quote!(
                hub_name = "chat",
                id_token = "{headers.authorization}",
                id_token_rsa_key_setting = "RSA_KEY",
                id_token_algorithms = ["RS256", "PS512"],
                id_token_issuer = "https://issuer"
            ),
            item.clone(),
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(
            out.contains(
                ":: signalr_binding :: __private :: if_verify ! { :: signalr_binding :: \
                 __private :: Binding :: from_static_verified ("
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "VerificationKey :: RsaPem (:: signalr_binding :: __private :: Cow :: Borrowed \
                 (\"RSA_KEY\"))"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "& [:: signalr_binding :: __private :: JwtAlgorithm :: RS256 , :: \
                 signalr_binding :: __private :: JwtAlgorithm :: PS512]"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                ":: core :: option :: Option :: Some (\"https://issuer\") , :: core :: option \
                 :: Option :: None , :: signalr_binding :: __private :: DEFAULT_LEEWAY ,"
            ),
            "{out}"
        );

        // No algorithms: `&[]`, the key kind's defaults; a leeway in seconds.
        let out = run(
            quote!(
                hub_name = "chat",
                id_token = "{headers.authorization}",
                id_token_hmac_secret_setting = "SECRET",
                id_token_leeway_secs = 0
            ),
            item.clone(),
        );
        assert!(
            out.contains("HmacSecret (:: signalr_binding :: __private :: Cow :: Borrowed (\"SECRET\")) , & [] ,"),
            "{out}"
        );
        assert!(out.contains("Duration :: from_secs (0u64) ,"), "{out}");

        // Without a key, the unverified form.
        let out = run(quote!(hub_name = "chat"), item);
        assert!(out.contains("Binding :: from_static ("), "{out}");
        assert!(!out.contains("IdTokenVerification"), "{out}");
        assert!(!out.contains("if_verify"), "{out}");
    }

    #[test]
    fn a_syntax_error_is_reported_alone() {
        let item = quote!(
            fn negotiate(info: SignalRConnectionInfo) -> Result<(), E> {
                Ok(())
            }
        );
        let out = run(quote!(hub_name: "chat"), item.clone());
        assert!(out.starts_with(&item.to_string()), "{out}");
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
    }
}
