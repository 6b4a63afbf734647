//! `router = "path::to::route"`: the function or `static` that chooses each request's endpoint
//! among several (the runtime's `Router` trait).

use syn::{Expr, LitStr, Path};

use super::Key;
use super::value::string;
use crate::errors::Errors;

/// The `router` argument: the path, spanned at the string that holds it.
pub(crate) struct RouterArg {
    pub(crate) literal: LitStr,
    pub(crate) path: Path,
}

/// `router = "path"`: a string literal holding a Rust path.
pub(super) fn router(value: &Expr, errors: &mut Errors) -> Option<RouterArg> {
    let literal = string(Key::Router, value, errors)?;
    match literal.parse::<Path>() {
        Ok(path) => Some(RouterArg {
            path: respan(path, literal.span()),
            literal,
        }),
        Err(_) => {
            errors.spanned(
                &literal,
                format!(
                    "`router` takes the path of a function or `static` that implements \
                     `signalr_binding::Router`, like `router = {}`; found \"{}\", which is not \
                     a Rust path",
                    Key::Router.example(),
                    literal.value()
                ),
            );
            None
        }
    }
}

/// `path` with every token spanned at `span` (the string literal), so that errors about the
/// router land on the argument.
fn respan(path: Path, span: proc_macro2::Span) -> Path {
    let tokens = quote::ToTokens::into_token_stream(path)
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect();
    syn::parse2(tokens).expect("a path stays a path when respanned")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> (Option<RouterArg>, Errors) {
        let mut errors = Errors::default();
        let value: Expr = syn::parse_str(source).unwrap();
        (router(&value, &mut errors), errors)
    }

    #[test]
    fn a_path_in_a_string_is_the_router() {
        let (arg, errors) = parse(r#""crate::routing::by_region""#);
        assert!(errors.is_empty());
        let path = arg.unwrap().path;
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        assert_eq!(segments, ["crate", "routing", "by_region"]);
    }

    #[test]
    fn a_string_that_is_not_a_path_is_rejected() {
        for source in [r#""""#, r#""by region""#, r#""by_region()""#, r#""::""#] {
            let (arg, errors) = parse(source);
            assert!(arg.is_none(), "{source}");
            assert!(!errors.is_empty(), "{source}");
        }
    }

    #[test]
    fn a_bare_path_is_asked_for_as_a_string() {
        let (arg, errors) = parse("by_region");
        assert!(arg.is_none());
        assert!(!errors.is_empty());
    }
}
