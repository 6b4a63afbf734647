//! Finding the receiving and request parameters, and rewriting the handler.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use signalr_binding_expression::{DEFAULT_CONNECTION_STRING_SETTING, Part, Template, closest};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ItemFn, LitStr, Pat, PatType, ReturnType, Type};

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

/// One typed parameter of the handler.
struct Param<'a> {
    /// Position in `sig.inputs` (a `self` receiver counts).
    index: usize,
    typed: &'a PatType,
    /// The bound name when the pattern is a plain identifier (`info`, `mut info`).
    ident: Option<&'a Ident>,
}

fn params(function: &ItemFn) -> Vec<Param<'_>> {
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

fn is_connection_info(ty: &Type) -> bool {
    last_segment(ty).as_deref() == Some("SignalRConnectionInfo")
}

/// The request rule: a parameter whose type, after references, is a path ending in `Request` or
/// `Parts` (`http::Request<B>`, `axum::extract::Request`, `http::request::Parts`, references to
/// them).
fn is_request(ty: &Type) -> bool {
    matches!(last_segment(ty).as_deref(), Some("Request" | "Parts"))
}

fn contains_impl_trait(ty: &Type) -> bool {
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
fn find_receiver<'a>(
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
fn find_request<'a>(
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

    let binding = binding_tokens(args, hub_name);
    let binding_ident = Ident::new("__SIGNALR_CONNECTION_INFO_BINDING", Span::mixed_site());
    let value = Ident::new("value", Span::mixed_site());
    let error = Ident::new("error", Span::mixed_site());

    let resolve = match request {
        Some(param) => request_call(param, &binding_ident),
        None => quote! {
            ::signalr_binding::__private::resolve_without_request(&#binding_ident)
        },
    };

    let receiver_ty = &*receiver.typed.ty;
    let from_info = quote_spanned! {receiver_ty.span()=>
        <#receiver_ty as ::signalr_binding::__private::FromConnectionInfo>::from_connection_info
    };
    let receiver_attrs = &receiver.typed.attrs;
    let receiver_pat = &receiver.typed.pat;

    let user_block = &function.block;
    let block = quote! {
        {
            #(#receiver_attrs)*
            let #receiver_pat: #receiver_ty = {
                static #binding_ident: ::signalr_binding::__private::Binding = #binding;
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
            Part::Header(name) => Some(format!("{{headers.{name}}}")),
            Part::Query(key) => Some(format!("{{query.{key}}}")),
            Part::Literal(_) => None,
        })
        .collect()
}

/// `resolve::<R>(&BINDING, &req)`, with the request type spelled out (when it can be) so that a
/// type that is not a request is reported at the user's parameter type.
fn request_call(param: &Param<'_>, binding: &Ident) -> TokenStream {
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
        quote! { ::signalr_binding::__private::resolve(&#binding, #argument) }
    } else {
        quote_spanned! {ty.span()=>
            ::signalr_binding::__private::resolve::<#inner>(&#binding, #argument)
        }
    }
}

/// `Binding::from_static(Properties { ... })`, or with a key
/// `if_verify! { Binding::from_static_verified(Properties { ... }, IdTokenVerification::from_static(...)) }`.
fn binding_tokens(args: &Args, hub_name: &args::TemplateArg) -> TokenStream {
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
        }
    };
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
                }
            }
        }
        None => quote! {
            ::signalr_binding::__private::Binding::from_static(#properties)
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
        assert!(!out.contains("compile_error"), "{out}");
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
