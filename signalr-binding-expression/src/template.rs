//! Building, inspecting and printing [`Template`]s.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::error::TemplateError;
use crate::{Part, Template};

impl Template {
    /// A template of the given parts, usable in a `static`.
    ///
    /// The parts are taken as they are: header names should already be lower-case valid header
    /// names (as [`Template::parse`] produces them).
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use signalr_binding_expression::{Part, Template};
    ///
    /// static USER_ID: Template = Template::from_static(&[
    ///     Part::Literal(Cow::Borrowed("user-")),
    ///     Part::Header(Cow::Borrowed("x-ms-client-principal-id")),
    /// ]);
    /// assert_eq!(USER_ID, Template::parse("user-{headers.x-ms-client-principal-id}").unwrap());
    /// ```
    pub const fn from_static(parts: &'static [Part]) -> Template {
        Template::Parts(Cow::Borrowed(parts))
    }

    /// A whole-value app-setting reference `%NAME%`, usable in a `static`.
    ///
    /// ```
    /// use signalr_binding_expression::Template;
    ///
    /// static HUB: Template = Template::setting("HUB_NAME");
    /// assert_eq!(HUB, Template::parse("%HUB_NAME%").unwrap());
    /// ```
    pub const fn setting(name: &'static str) -> Template {
        Template::Setting(Cow::Borrowed(name))
    }

    /// A template that is exactly `text`, with no expressions: braces, angle brackets and `%`
    /// in `text` are not interpreted. An empty `text` gives a template with no parts.
    ///
    /// ```
    /// use signalr_binding_expression::Template;
    ///
    /// let t = Template::literal("chat");
    /// assert_eq!(t.as_literal(), Some("chat"));
    /// assert!(Template::literal("").parts().is_empty());
    /// ```
    pub fn literal(text: impl Into<Cow<'static, str>>) -> Template {
        let text = text.into();
        if text.is_empty() {
            Template::Parts(Cow::Borrowed(&[]))
        } else {
            Template::Parts(Cow::Owned(vec![Part::Literal(text)]))
        }
    }

    /// Parses a binding property's value.
    ///
    /// The result owns its text. Consecutive literal text (including escaped brackets) becomes
    /// one [`Part::Literal`]; an empty source gives a template with no parts. See the crate
    /// docs for the language and [`TemplateErrorKind`](crate::TemplateErrorKind) for the errors.
    ///
    /// ```
    /// use signalr_binding_expression::{Part, Template};
    ///
    /// let t = Template::parse("{headers.X-User}@{query.tenant}").unwrap();
    /// assert_eq!(t.parts()[0], Part::Header("x-user".into()));
    /// assert_eq!(t.to_string(), "{headers.x-user}@{query.tenant}");
    ///
    /// let err = Template::parse("{header.x}").unwrap_err();
    /// assert_eq!(err.span(), 1..7);
    /// assert!(err.to_string().contains("did you mean `headers`?"));
    /// ```
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        crate::parser::parse(source)
    }

    /// Whether resolving the template reads the request (it has a header or query part).
    pub fn reads_request(&self) -> bool {
        self.parts()
            .iter()
            .any(|part| matches!(part, Part::Header(_) | Part::Query(_)))
    }

    /// The text, when the template is literal text only: `Some("")` for no parts, the text of a
    /// single [`Part::Literal`]. `None` for a setting reference, a template with expressions, and
    /// a hand-built template split into several literal parts ([`Template::parse`] never builds
    /// one).
    pub fn as_literal(&self) -> Option<&str> {
        match self {
            Template::Setting(_) => None,
            Template::Parts(parts) => match parts.as_ref() {
                [] => Some(""),
                [Part::Literal(text)] => Some(text),
                _ => None,
            },
        }
    }

    /// The parts, in order; empty for a [`Template::Setting`] and for the empty string.
    pub fn parts(&self) -> &[Part] {
        match self {
            Template::Parts(parts) => parts,
            Template::Setting(_) => &[],
        }
    }
}

impl FromStr for Template {
    type Err = TemplateError;

    fn from_str(source: &str) -> Result<Self, Self::Err> {
        Template::parse(source)
    }
}

/// The canonical source form: `{headers.NAME}`, `{query.NAME}`, `%NAME%`, with `{ } < >` in
/// literal text doubled. For every template that [`Template::parse`] returns,
/// `Template::parse(&t.to_string()) == Ok(t)`. A hand-built template that `parse` could not
/// produce (a `%` in literal text, an invalid header name) prints as written and may not
/// parse back.
impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Template::Setting(name) => write!(f, "%{name}%"),
            Template::Parts(parts) => parts.iter().try_for_each(|part| part.fmt(f)),
        }
    }
}

/// The part's canonical source form, as in [`Template`]'s `Display`.
impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Literal(text) => {
                let mut rest: &str = text;
                while let Some(i) = rest.find(['{', '}', '<', '>']) {
                    let bracket = &rest[i..i + 1];
                    f.write_str(&rest[..i + 1])?;
                    f.write_str(bracket)?;
                    rest = &rest[i + 1..];
                }
                f.write_str(rest)
            }
            Part::Header(name) => write!(f, "{{headers.{name}}}"),
            Part::Query(name) => write!(f, "{{query.{name}}}"),
        }
    }
}
