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

    /// Whether resolving the template reads the request: it has a header, query or principal
    /// part. An id-token claim is read from the id token, which its own template reads.
    pub fn reads_request(&self) -> bool {
        self.parts().iter().any(|part| {
            matches!(
                part,
                Part::Header(_) | Part::Query(_) | Part::Principal(_) | Part::PrincipalClaim(_)
            )
        })
    }

    /// Whether the template reads a claim of the id token (`{id_token.CLAIM}`).
    pub fn reads_id_token(&self) -> bool {
        self.parts()
            .iter()
            .any(|part| matches!(part, Part::IdTokenClaim(_)))
    }

    /// Whether the template reads the client principal (`{principal.FIELD}`,
    /// `{principal.claims.TYPE}`).
    pub fn reads_principal(&self) -> bool {
        self.parts()
            .iter()
            .any(|part| matches!(part, Part::Principal(_) | Part::PrincipalClaim(_)))
    }

    /// Whether the template reads an app setting: it is a whole-value `%NAME%`, or has an
    /// embedded one.
    pub fn reads_settings(&self) -> bool {
        matches!(self, Template::Setting(_))
            || self
                .parts()
                .iter()
                .any(|part| matches!(part, Part::Setting(_)))
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

/// The canonical source form: `{headers.NAME}`, `{query.NAME}`, `{id_token.CLAIM}`,
/// `{principal.FIELD}`, `{principal.claims.TYPE}`, `%NAME%`, with `{ } < >` in
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
            Part::Setting(name) => write!(f, "%{name}%"),
            Part::IdTokenClaim(claim) => write!(f, "{{id_token.{claim}}}"),
            Part::Principal(field) => write!(f, "{{principal.{}}}", field.name()),
            Part::PrincipalClaim(claim_type) => write!(f, "{{principal.claims.{claim_type}}}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use proptest::prelude::*;

    use crate::{Part, Template};

    static STATIC: Template = Template::from_static(&[
        Part::Literal(Cow::Borrowed("u-")),
        Part::Header(Cow::Borrowed("x-id")),
        Part::Query(Cow::Borrowed("k")),
    ]);
    static SETTING: Template = Template::setting("HUB");

    #[test]
    fn const_constructors_equal_parsed() {
        assert_eq!(
            STATIC,
            Template::parse("u-{headers.X-Id}<query.k>").unwrap()
        );
        assert_eq!(SETTING, Template::parse("%HUB%").unwrap());
    }

    #[test]
    fn literal_constructor() {
        assert_eq!(Template::literal("chat"), Template::parse("chat").unwrap());
        assert_eq!(Template::literal(String::from("a")).as_literal(), Some("a"));
        assert_eq!(Template::literal(""), Template::parse("").unwrap());
        assert!(Template::literal("").parts().is_empty());
        // Not interpreted, but printed escaped so it parses back.
        let braces = Template::literal("{headers.x}<>");
        assert!(!braces.reads_request());
        assert_eq!(braces.to_string(), "{{headers.x}}<<>>");
        assert_eq!(Template::parse(&braces.to_string()).unwrap(), braces);
    }

    #[test]
    fn reads_request() {
        assert!(STATIC.reads_request());
        assert!(Template::parse("{query.a}").unwrap().reads_request());
        assert!(Template::parse("a<headers.b>").unwrap().reads_request());
        assert!(!Template::parse("plain").unwrap().reads_request());
        assert!(!Template::parse("").unwrap().reads_request());
        assert!(!SETTING.reads_request());
    }

    #[test]
    fn as_literal() {
        assert_eq!(Template::parse("").unwrap().as_literal(), Some(""));
        assert_eq!(
            Template::parse("héllo").unwrap().as_literal(),
            Some("héllo")
        );
        assert_eq!(Template::parse("a{{b").unwrap().as_literal(), Some("a{b"));
        assert_eq!(STATIC.as_literal(), None);
        assert_eq!(SETTING.as_literal(), None);
        let split = Template::from_static(&[
            Part::Literal(Cow::Borrowed("a")),
            Part::Literal(Cow::Borrowed("b")),
        ]);
        assert_eq!(split.as_literal(), None);
    }

    #[test]
    fn parts() {
        assert_eq!(SETTING.parts(), []);
        assert_eq!(STATIC.parts().len(), 3);
    }

    #[test]
    fn from_str() {
        let t: Template = "{query.a}".parse().unwrap();
        assert_eq!(t.parts(), [Part::Query("a".into())]);
        assert!("{query.a".parse::<Template>().is_err());
    }

    #[test]
    fn display_is_canonical() {
        for (source, shown) in [
            ("", ""),
            ("chat", "chat"),
            ("<headers.X-A>", "{headers.x-a}"),
            ("{Headers.X-A}", "{headers.x-a}"),
            ("<QUERY.Key>", "{query.Key}"),
            ("%HUB%", "%HUB%"),
            ("a{{b}}<<c>>", "a{{b}}<<c>>"),
            ("ü{query.a.b}🎉", "ü{query.a.b}🎉"),
            ("%A%-b", "%A%-b"),
            ("x%A%%B%", "x%A%%B%"),
            ("<ID_TOKEN.sub>", "{id_token.sub}"),
            ("{principal.USERID}", "{principal.userId}"),
            ("{Principal.Claims.T}", "{principal.claims.T}"),
        ] {
            let t = Template::parse(source).unwrap();
            assert_eq!(t.to_string(), shown, "{source:?}");
            assert_eq!(Template::parse(shown).unwrap(), t, "{source:?}");
        }
        assert_eq!(STATIC.to_string(), "u-{headers.x-id}{query.k}");
        assert_eq!(Part::Header("h".into()).to_string(), "{headers.h}");
    }

    /// Inputs rich in the language's special characters, so the parser's paths get exercised.
    fn template_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just("%".to_owned()),
            Just(".".to_owned()),
            Just(" ".to_owned()),
            Just("headers".to_owned()),
            Just("Query".to_owned()),
            Just("header".to_owned()),
            Just("{headers.x-a}".to_owned()),
            Just("<query.Key>".to_owned()),
            Just("%NAME%".to_owned()),
            Just("%%".to_owned()),
            Just("{id_token.sub}".to_owned()),
            Just("id_token".to_owned()),
            Just("principal".to_owned()),
            Just("{principal.userId}".to_owned()),
            Just("<Principal.claims.x>".to_owned()),
            Just("claims".to_owned()),
            "[a-zA-Z0-9_:-]{1,4}",
            "\\PC{1,3}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
    }

    fn check_any_input(source: &str) -> Result<(), TestCaseError> {
        match Template::parse(source) {
            Ok(t) => {
                let shown = t.to_string();
                prop_assert_eq!(Template::parse(&shown), Ok(t), "shown as {:?}", shown);
            }
            Err(e) => {
                let span = e.span();
                prop_assert!(span.start < span.end, "empty span {:?}", span);
                prop_assert!(span.end <= source.len(), "span {:?} out of input", span);
                prop_assert!(source.is_char_boundary(span.start));
                prop_assert!(source.is_char_boundary(span.end));
                prop_assert_eq!(e.offset(), span.start);
                prop_assert!(!e.to_string().is_empty());
            }
        }
        Ok(())
    }

    /// Parts that `parse` can produce: literal text without `%`, valid header names, query keys
    /// without the characters expressions reject.
    fn parsed_part() -> impl Strategy<Value = Part> {
        prop_oneof![
            "[^%]{1,6}".prop_map(|s| Part::Literal(s.into())),
            "[a-z0-9!#$&'*+.^_`|~-]{1,8}".prop_map(|s| Part::Header(s.into())),
            "[^%{}<>\\s\\p{Cc}]{1,8}".prop_map(|s| Part::Query(s.into())),
            "[^%{}<>\\s\\p{Cc}]{1,8}".prop_map(|s| Part::Setting(s.into())),
            "[^%{}<>\\s\\p{Cc}]{1,8}".prop_map(|s| Part::IdTokenClaim(s.into())),
            "[^%{}<>\\s\\p{Cc}]{1,8}".prop_map(|s| Part::PrincipalClaim(s.into())),
            proptest::sample::select(&crate::PrincipalField::ALL[..]).prop_map(Part::Principal),
        ]
    }

    fn parsed_template() -> impl Strategy<Value = Template> {
        prop_oneof![
            prop::collection::vec(parsed_part(), 0..6).prop_map(|parts| {
                // Merge neighbouring literals, as `parse` does.
                let mut merged: Vec<Part> = Vec::new();
                for part in parts {
                    match (merged.last_mut(), part) {
                        (Some(Part::Literal(prev)), Part::Literal(next)) => {
                            prev.to_mut().push_str(&next)
                        }
                        (_, part) => merged.push(part),
                    }
                }
                // A lone setting reference is the whole-value form.
                match merged.as_slice() {
                    [Part::Setting(name)] => Template::Setting(name.clone()),
                    _ => Template::Parts(merged.into()),
                }
            }),
            "[^%{}<>\\s\\p{Cc}]{1,8}".prop_map(|s| Template::Setting(s.into())),
        ]
    }

    proptest! {
        #[test]
        fn any_string_parses_or_errors_with_valid_span(source in any::<String>()) {
            check_any_input(&source)?;
        }

        #[test]
        fn template_like_string_parses_or_errors_with_valid_span(source in template_like()) {
            check_any_input(&source)?;
        }

        #[test]
        fn display_round_trips(t in parsed_template()) {
            let shown = t.to_string();
            prop_assert_eq!(Template::parse(&shown), Ok(t), "shown as {:?}", shown);
        }
    }
}
