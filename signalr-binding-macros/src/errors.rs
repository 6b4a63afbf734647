//! Collecting every mistake before reporting, so the user sees them all at once.

use proc_macro2::Span;
use std::fmt::Display;

/// Errors gathered while checking an attribute and its function, combined into one
/// [`syn::Error`] (each part keeps its own span).
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    pub(crate) fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.combined.is_none()
    }

    pub(crate) fn into_result(self) -> syn::Result<()> {
        match self.combined {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// `hubName`, `HubName`, `HUB_NAME` and `hub-name` to `hub_name`.
pub(crate) fn to_snake_case(written: &str) -> String {
    let mut out = String::with_capacity(written.len() + 4);
    let mut previous_lower = false;
    for c in written.chars() {
        if c == '-' {
            out.push('_');
            previous_lower = false;
        } else if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        assert_eq!(to_snake_case("hubName"), "hub_name");
        assert_eq!(to_snake_case("HubName"), "hub_name");
        assert_eq!(to_snake_case("HUB_NAME"), "hub_name");
        assert_eq!(to_snake_case("claimTypeList"), "claim_type_list");
        assert_eq!(
            to_snake_case("connection-string-setting"),
            "connection_string_setting"
        );
        assert_eq!(to_snake_case("lifetimeSecs"), "lifetime_secs");
    }
}
