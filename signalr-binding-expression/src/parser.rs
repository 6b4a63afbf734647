//! The template parser: source text to [`Template`].
//!
//! The grammar follows the Azure WebJobs binding-template parser
//! (`Microsoft.Azure.WebJobs.Host/Bindings/Path/BindingTemplateParser.cs`,
//! `BindingTemplateToken.cs`) and its `%NAME%` resolver (`NameResolverExtensions.cs`), narrowed to
//! what this binding can resolve. Where it follows or differs from Azure is said at each rule.

use std::borrow::Cow;
use std::ops::Range;

use crate::error::{TemplateError, TemplateErrorKind};
use crate::{Part, PrincipalField, Template};

/// The sources an expression can read, in canonical (lower-case) spelling.
const HEADERS: &str = "headers";
const QUERY: &str = "query";
const ID_TOKEN: &str = "id_token";
const PRINCIPAL: &str = "principal";
const SOURCES: [&str; 4] = [HEADERS, QUERY, ID_TOKEN, PRINCIPAL];

/// The source name of `{principal.claims.TYPE}` in messages.
const PRINCIPAL_CLAIMS: &str = "principal.claims";

/// Parses `source` into a template. See the crate docs for the language.
pub(crate) fn parse(source: &str) -> Result<Template, TemplateError> {
    // A value that is one `%NAME%` and nothing else is a whole-value setting reference.
    if source.len() > 2
        && source.starts_with('%')
        && source[1..].find('%') == Some(source.len() - 2)
    {
        let name = setting_name(source, 0, source.len() - 1)?;
        return Ok(Template::Setting(Cow::Owned(name.to_owned())));
    }

    let bytes = source.as_bytes();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'{' | b'<' | b'}' | b'>' if bytes.get(at + 1) == Some(&byte) => {
                // Azure: `{{` and `}}` are a literal `{` and `}` (the regex's `escape` group,
                // tried before a parameter). `<<` and `>>` are the same escape for the angle
                // spelling, which Azure does not have.
                literal.push(char::from(byte));
                at += 2;
            }
            b'{' | b'<' => {
                let close = if byte == b'{' { b'}' } else { b'>' };
                let end = find_close(source, at, byte, close)?;
                flush(&mut literal, &mut parts);
                parts.push(parse_expression(source, at..end + 1)?);
                at = end + 1;
            }
            b'}' | b'>' => {
                // Azure: a lone `}` is "Missing opening bracket"; `>` is treated the same.
                return Err(TemplateError::new(
                    TemplateErrorKind::UnmatchedClose {
                        close: char::from(byte),
                    },
                    at..at + 1,
                ));
            }
            b'%' => {
                // Azure resolves every `%NAME%` of a value, wherever it is (WebJobs
                // `NameResolverExtensions.ResolveWholeString`): each `%` opens a reference that
                // the next `%` closes, and there is no escape for `%`.
                let Some(close) = source[at + 1..].find('%').map(|i| at + 1 + i) else {
                    return Err(TemplateError::new(
                        TemplateErrorKind::UnclosedSetting {
                            text: source[at..].to_owned(),
                            position: at,
                        },
                        at..source.len(),
                    ));
                };
                let name = setting_name(source, at, close)?;
                flush(&mut literal, &mut parts);
                parts.push(Part::Setting(Cow::Owned(name.to_owned())));
                at = close + 1;
            }
            _ => {
                // Copy the run of ordinary text up to the next special byte. Special bytes are
                // ASCII, so the cut is on a char boundary.
                let run_end = bytes[at..]
                    .iter()
                    .position(|b| matches!(b, b'{' | b'}' | b'<' | b'>' | b'%'))
                    .map_or(bytes.len(), |p| at + p);
                literal.push_str(&source[at..run_end]);
                at = run_end;
            }
        }
    }
    flush(&mut literal, &mut parts);
    Ok(Template::Parts(Cow::Owned(parts)))
}

fn flush(literal: &mut String, parts: &mut Vec<Part>) {
    if !literal.is_empty() {
        parts.push(Part::Literal(Cow::Owned(std::mem::take(literal))));
    }
}

/// The name of the setting reference whose `%`s are at `open` and `close`.
fn setting_name(source: &str, open: usize, close: usize) -> Result<&str, TemplateError> {
    if close == open + 1 {
        // Azure reads `%%` as a setting with an empty name, which never resolves.
        return Err(TemplateError::new(
            TemplateErrorKind::EmptySetting,
            open..close + 1,
        ));
    }
    let name = &source[open + 1..close];
    if let Some((i, character)) = name
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || c.is_control() || matches!(c, '{' | '}' | '<' | '>'))
    {
        let at = open + 1 + i;
        return Err(TemplateError::new(
            TemplateErrorKind::InvalidSettingName {
                name: name.to_owned(),
                character,
            },
            at..at + character.len_utf8(),
        ));
    }
    Ok(name)
}

/// Finds the closer of the expression opened at `open_at`. Like Azure, an expression runs to the
/// first closer; another opener of the same kind before it means the first one is unclosed.
fn find_close(source: &str, open_at: usize, open: u8, close: u8) -> Result<usize, TemplateError> {
    let bytes = source.as_bytes();
    for (i, &b) in bytes.iter().enumerate().skip(open_at + 1) {
        if b == close {
            return Ok(i);
        }
        if b == open {
            break;
        }
    }
    Err(TemplateError::new(
        TemplateErrorKind::UnclosedExpression {
            open: char::from(open),
        },
        open_at..open_at + 1,
    ))
}

/// Parses one expression; `span` covers it with its delimiters.
fn parse_expression(source: &str, span: Range<usize>) -> Result<Part, TemplateError> {
    let expression = &source[span.clone()];
    let body_start = span.start + 1;
    let body = &source[body_start..span.end - 1];
    let open = char::from(source.as_bytes()[span.start]);

    if body.is_empty() {
        // Azure: "The parameter name at position N is empty."
        return Err(TemplateError::new(
            TemplateErrorKind::EmptyExpression { open },
            span,
        ));
    }

    // Azure requires the expression to be an identifier path, so whitespace is an error there
    // too (it is not trimmed). `%` is rejected because Azure would resolve `%...%` inside the
    // braces as a setting before parsing the template.
    if let Some((i, character)) = body.char_indices().find(|&(_, c)| {
        c.is_whitespace() || c.is_control() || matches!(c, '{' | '}' | '<' | '>' | '%')
    }) {
        let at = body_start + i;
        return Err(TemplateError::new(
            TemplateErrorKind::InvalidCharacter {
                character,
                expression: expression.to_owned(),
            },
            at..at + character.len_utf8(),
        ));
    }

    // The source is everything before the first `.`; the name is everything after it. Azure
    // would read further dots as member access on the value, which can never succeed on a
    // header or query string, so here they are part of the name (`{query.user.id}` reads the
    // key `user.id`).
    let (source_name, name) = match body.split_once('.') {
        Some((source_name, name)) => (source_name, Some(name)),
        None => (body, None),
    };

    // Azure's binding data is an `OrdinalIgnoreCase` dictionary, so `{Headers.x}` works there;
    // sources match ASCII-case-insensitively here too.
    let Some(canonical) = SOURCES
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(source_name))
    else {
        return Err(TemplateError::new(
            TemplateErrorKind::UnknownSource {
                source_name: source_name.to_owned(),
                expression: expression.to_owned(),
                suggestion: suggest_source(source_name),
            },
            // `body` is non-empty and the `.` is ASCII, so an empty source is only `{.x}`:
            // then point at the dot.
            body_start..body_start + source_name.len().max(1),
        ));
    };

    let name = required_name(canonical, name, expression, &span)?;
    let name_start = body_start + source_name.len() + 1;

    match canonical {
        HEADERS => match http::HeaderName::from_bytes(name.as_bytes()) {
            // `HeaderName` stores standard and custom names lower-cased; header names match
            // case-insensitively (Azure WebJobs `HttpTriggerAttributeBindingProvider`), so this is the canonical form.
            Ok(header) => Ok(Part::Header(Cow::Owned(header.as_str().to_owned()))),
            Err(_) => Err(TemplateError::new(
                TemplateErrorKind::InvalidHeaderName {
                    name: name.to_owned(),
                    character: name.chars().find(|c| {
                        let mut buf = [0; 4];
                        http::HeaderName::from_bytes(c.encode_utf8(&mut buf).as_bytes()).is_err()
                    }),
                },
                name_start..name_start + name.len(),
            )),
        },
        // Query keys match case-sensitively, as in Azure WebJobs: stored as written. Claim
        // types match case-sensitively, as `claim_type_list` does.
        QUERY => Ok(Part::Query(Cow::Owned(name.to_owned()))),
        ID_TOKEN => Ok(Part::IdTokenClaim(Cow::Owned(name.to_owned()))),
        _ => principal(name, expression, &span, name_start),
    }
}

/// The name after the source's `.`, which must be there and not be empty.
fn required_name<'s>(
    source_name: &'static str,
    name: Option<&'s str>,
    expression: &str,
    span: &Range<usize>,
) -> Result<&'s str, TemplateError> {
    match name {
        None => Err(TemplateError::new(
            TemplateErrorKind::MissingName {
                source_name,
                expression: expression.to_owned(),
            },
            span.clone(),
        )),
        Some("") => Err(TemplateError::new(
            TemplateErrorKind::EmptyName {
                source_name,
                expression: expression.to_owned(),
            },
            span.clone(),
        )),
        Some(name) => Ok(name),
    }
}

/// `{principal.FIELD}` or `{principal.claims.TYPE}`: fields match ASCII-case-insensitively,
/// like sources; claim types are stored as written.
fn principal(
    name: &str,
    expression: &str,
    span: &Range<usize>,
    name_start: usize,
) -> Result<Part, TemplateError> {
    let (field, claim_type) = match name.split_once('.') {
        Some((field, claim_type)) => (field, Some(claim_type)),
        None => (name, None),
    };
    if field.eq_ignore_ascii_case("claims") {
        let claim_type = required_name(PRINCIPAL_CLAIMS, claim_type, expression, span)?;
        return Ok(Part::PrincipalClaim(Cow::Owned(claim_type.to_owned())));
    }
    match PrincipalField::ALL
        .into_iter()
        .find(|known| known.name().eq_ignore_ascii_case(name))
    {
        Some(known) => Ok(Part::Principal(known)),
        None => Err(TemplateError::new(
            TemplateErrorKind::UnknownPrincipalField {
                field: name.to_owned(),
                suggestion: crate::closest(
                    name,
                    PrincipalField::ALL
                        .iter()
                        .map(|known| known.name())
                        .chain(["claims"]),
                ),
            },
            name_start..name_start + name.len(),
        )),
    }
}

/// The supported source closest to `written`, if it looks like a typo of one.
fn suggest_source(written: &str) -> Option<&'static str> {
    crate::closest(written, SOURCES.iter().copied())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use crate::{Part, Template, TemplateError, TemplateErrorKind};

    fn lit(text: &str) -> Part {
        Part::Literal(Cow::Owned(text.to_owned()))
    }
    fn header(name: &str) -> Part {
        Part::Header(Cow::Owned(name.to_owned()))
    }
    fn query(name: &str) -> Part {
        Part::Query(Cow::Owned(name.to_owned()))
    }
    fn setting(name: &str) -> Part {
        Part::Setting(Cow::Owned(name.to_owned()))
    }
    fn claim(name: &str) -> Part {
        Part::IdTokenClaim(Cow::Owned(name.to_owned()))
    }
    fn principal_claim(name: &str) -> Part {
        Part::PrincipalClaim(Cow::Owned(name.to_owned()))
    }
    fn parts(source: &str) -> Vec<Part> {
        match Template::parse(source) {
            Ok(Template::Parts(parts)) => parts.into_owned(),
            other => panic!("{source:?} did not parse to parts: {other:?}"),
        }
    }
    fn err(source: &str) -> TemplateError {
        match Template::parse(source) {
            Err(e) => e,
            Ok(t) => panic!("{source:?} parsed to {t:?}"),
        }
    }
    /// The bad piece the error points at.
    fn piece(source: &str) -> (TemplateErrorKind, &str) {
        let e = err(source);
        (e.kind().clone(), &source[e.span()])
    }

    // --- literal text ---

    #[test]
    fn empty_string_is_no_parts() {
        assert_eq!(parts(""), []);
        assert_eq!(Template::parse("").unwrap().as_literal(), Some(""));
    }

    #[test]
    fn literal_only() {
        assert_eq!(parts("chat"), [lit("chat")]);
        assert_eq!(parts(" spaced  text "), [lit(" spaced  text ")]);
    }

    #[test]
    fn unicode_literal() {
        assert_eq!(parts("héllo wörld ✓ 🎉"), [lit("héllo wörld ✓ 🎉")]);
        assert_eq!(parts("ü{headers.x}🎉"), [lit("ü"), header("x"), lit("🎉")]);
    }

    #[test]
    fn escaped_brackets_are_literal_and_merged() {
        assert_eq!(parts("{{"), [lit("{")]);
        assert_eq!(parts("}}"), [lit("}")]);
        assert_eq!(parts("<<"), [lit("<")]);
        assert_eq!(parts(">>"), [lit(">")]);
        assert_eq!(parts("a{{b}}c<<d>>e"), [lit("a{b}c<d>e")]);
        // As in Azure, an escaped pair around an expression is literal text.
        assert_eq!(parts("{{headers.x}}"), [lit("{headers.x}")]);
        assert_eq!(parts("{{{headers.x}"), [lit("{"), header("x")]);
    }

    // --- expressions ---

    #[test]
    fn header_both_spellings() {
        assert_eq!(parts("{headers.x-user}"), [header("x-user")]);
        assert_eq!(parts("<headers.x-user>"), [header("x-user")]);
        assert_eq!(
            Template::parse("{headers.a}"),
            Template::parse("<headers.a>")
        );
    }

    #[test]
    fn query_both_spellings() {
        assert_eq!(parts("{query.userId}"), [query("userId")]);
        assert_eq!(parts("<query.userId>"), [query("userId")]);
    }

    #[test]
    fn header_names_stored_lower_case() {
        assert_eq!(
            parts("{headers.X-MS-Client-Principal-Id}"),
            [header("x-ms-client-principal-id")]
        );
        assert_eq!(parts("{headers.Authorization}"), [header("authorization")]);
        assert_eq!(parts("<headers.CONTENT-TYPE>"), [header("content-type")]);
    }

    #[test]
    fn query_keys_keep_case() {
        assert_eq!(parts("{query.UserID}"), [query("UserID")]);
        assert_ne!(parts("{query.a}"), parts("{query.A}"));
    }

    #[test]
    fn sources_match_case_insensitively() {
        assert_eq!(parts("{Headers.x}"), [header("x")]);
        assert_eq!(parts("{HEADERS.x}"), [header("x")]);
        assert_eq!(parts("<Query.k>"), [query("k")]);
        assert_eq!(parts("{QUERY.k}"), [query("k")]);
    }

    #[test]
    fn names_take_everything_after_first_dot() {
        assert_eq!(parts("{query.user.id}"), [query("user.id")]);
        assert_eq!(parts("{headers.x.y}"), [header("x.y")]);
    }

    #[test]
    fn unicode_query_key() {
        assert_eq!(parts("{query.名前}"), [query("名前")]);
    }

    #[test]
    fn mixed_parts() {
        assert_eq!(
            parts("user-{headers.x-id}@<query.tenant>!"),
            [
                lit("user-"),
                header("x-id"),
                lit("@"),
                query("tenant"),
                lit("!")
            ]
        );
        assert_eq!(parts("{query.a}{query.b}"), [query("a"), query("b")]);
    }

    // --- settings ---

    #[test]
    fn whole_value_setting() {
        assert_eq!(Template::parse("%HUB%"), Ok(Template::setting("HUB")));
        assert_eq!(
            Template::parse("%Section:Hub_Name.1%"),
            Ok(Template::setting("Section:Hub_Name.1"))
        );
        assert_eq!(Template::parse("%名前%"), Ok(Template::setting("名前")));
    }

    #[test]
    fn unclosed_setting() {
        let (kind, at) = piece("%NAME");
        assert_eq!(
            kind,
            TemplateErrorKind::UnclosedSetting {
                text: "%NAME".into(),
                position: 0
            }
        );
        assert_eq!(at, "%NAME");
        assert_eq!(err("%").span(), 0..1);
        assert!(err("%NAME").to_string().contains("write `%NAME%`"));
        assert!(err("%A").to_string().contains("write `%A%`"));
        // Azure's words: "The '%' at position N does not have a closing '%'".
        assert!(
            err("ab%c")
                .to_string()
                .contains("The '%' at position 2 does not have a closing '%'")
        );
    }

    #[test]
    fn empty_setting() {
        let (kind, at) = piece("%%");
        assert_eq!(kind, TemplateErrorKind::EmptySetting);
        assert_eq!(at, "%%");
        assert_eq!(piece("%%x").1, "%%");
        // `%%` is no escape, in text either (Azure resolves an empty name, which fails).
        assert_eq!(piece("a%%b"), (TemplateErrorKind::EmptySetting, "%%"));
    }

    #[test]
    fn settings_anywhere_in_a_value() {
        assert_eq!(parts("%A%b"), [setting("A"), lit("b")]);
        assert_eq!(parts("a%B%"), [lit("a"), setting("B")]);
        assert_eq!(parts("%PREFIX%-chat"), [setting("PREFIX"), lit("-chat")]);
        assert_eq!(parts("ü%B%c"), [lit("ü"), setting("B"), lit("c")]);
        assert_eq!(parts("%A%%B%"), [setting("A"), setting("B")]);
        assert_eq!(
            parts("{headers.x}-%TENANT%"),
            [header("x"), lit("-"), setting("TENANT")]
        );
        assert_eq!(
            parts("start%name1%...%name2%end"),
            [
                lit("start"),
                setting("name1"),
                lit("..."),
                setting("name2"),
                lit("end")
            ]
        );
        // A whole value stays a whole-value reference.
        assert_eq!(Template::parse("%A%"), Ok(Template::setting("A")));
    }

    #[test]
    fn a_lone_percent_in_text_is_unclosed() {
        let (kind, at) = piece("100%");
        assert_eq!(
            kind,
            TemplateErrorKind::UnclosedSetting {
                text: "%".into(),
                position: 3
            }
        );
        assert_eq!(at, "%");
        assert_eq!(err("100%").offset(), 3);
        assert_eq!(piece("%A%b%c").1, "%c");
        assert!(err("50%").to_string().contains("app setting"));
    }

    #[test]
    fn invalid_setting_name() {
        let (kind, at) = piece("%A B%");
        assert_eq!(
            kind,
            TemplateErrorKind::InvalidSettingName {
                name: "A B".into(),
                character: ' '
            }
        );
        assert_eq!(at, " ");
        assert_eq!(piece("%{headers.x}%").1, "{");
    }

    // --- bracket errors ---

    #[test]
    fn unclosed_brace() {
        let (kind, at) = piece("user-{headers.x");
        assert_eq!(kind, TemplateErrorKind::UnclosedExpression { open: '{' });
        assert_eq!(at, "{");
        assert_eq!(err("user-{headers.x").offset(), 5);
        // Azure: another `{` before a `}` leaves the first one unclosed.
        assert_eq!(err("{a{headers.x}").offset(), 0);
        assert!(err("{").to_string().contains("`{{` for a literal `{`"));
    }

    #[test]
    fn unclosed_angle() {
        let (kind, at) = piece("ü<query.x");
        assert_eq!(kind, TemplateErrorKind::UnclosedExpression { open: '<' });
        assert_eq!(at, "<");
        assert_eq!(err("a < b").offset(), 2);
        // A `}` does not close a `<`.
        assert_eq!(
            piece("<headers.x}").0,
            TemplateErrorKind::UnclosedExpression { open: '<' }
        );
        assert!(err("<").to_string().contains("`<<` for a literal `<`"));
    }

    #[test]
    fn stray_closers() {
        let (kind, at) = piece("a}b");
        assert_eq!(kind, TemplateErrorKind::UnmatchedClose { close: '}' });
        assert_eq!(at, "}");
        let (kind, at) = piece("a>b");
        assert_eq!(kind, TemplateErrorKind::UnmatchedClose { close: '>' });
        assert_eq!(at, ">");
        assert_eq!(err("{headers.x}}").offset(), 11);
        assert!(err("}").to_string().contains("`}}` for a literal `}`"));
    }

    #[test]
    fn empty_expression() {
        let (kind, at) = piece("a{}");
        assert_eq!(kind, TemplateErrorKind::EmptyExpression { open: '{' });
        assert_eq!(at, "{}");
        assert_eq!(
            piece("<>").0,
            TemplateErrorKind::EmptyExpression { open: '<' }
        );
    }

    #[test]
    fn invalid_characters_in_expression() {
        for (source, bad) in [
            ("{ headers.x}", " "),
            ("{headers.x }", " "),
            ("{headers. x}", " "),
            ("{query.a\tb}", "\t"),
            ("{query.a%b}", "%"),
            ("{query.<x}", "<"),
            ("<query.{x>", "{"),
            ("<query.x}>", "}"),
            ("{query.a>b}", ">"),
            ("{query.\u{7}}", "\u{7}"),
        ] {
            let (kind, at) = piece(source);
            assert!(
                matches!(kind, TemplateErrorKind::InvalidCharacter { .. }),
                "{source:?}: {kind:?}"
            );
            assert_eq!(at, bad, "{source:?}");
        }
        assert!(
            err("{ headers.x}")
                .to_string()
                .contains("remove the whitespace")
        );
    }

    // --- sources and names ---

    #[test]
    fn unknown_source_suggests_closest() {
        let e = err("{header.x}");
        assert_eq!(
            e.to_string(),
            "unknown source `header` in `{header.x}`: did you mean `headers`? \
             Supported: `{headers.NAME}`, `{query.NAME}`, `{id_token.CLAIM}`, `{principal.FIELD}`"
        );
        assert_eq!(&"{header.x}"[e.span()], "header");
        for (source, suggestion) in [
            ("{querys.x}", Some("query")),
            ("{queries.x}", Some("query")),
            ("<Header.x>", Some("headers")),
            ("{HEADER.x}", Some("headers")),
            ("{hedaers.x}", Some("headers")),
            ("{idtoken.sub}", Some("id_token")),
            ("{id-token.sub}", Some("id_token")),
            ("{principle.userId}", Some("principal")),
            ("{body.x}", None),
            ("{sys.randguid}", None),
        ] {
            match err(source).kind() {
                TemplateErrorKind::UnknownSource { suggestion: s, .. } => {
                    assert_eq!(*s, suggestion, "{source}")
                }
                other => panic!("{source}: {other:?}"),
            }
        }
        assert!(!err("{body.x}").to_string().contains("did you mean"));
    }

    #[test]
    fn expression_without_dot_is_unknown_or_missing_name() {
        let (kind, at) = piece("{userId}");
        assert!(matches!(kind, TemplateErrorKind::UnknownSource { .. }));
        assert_eq!(at, "userId");
        let (kind, at) = piece("{.x}");
        assert!(matches!(kind, TemplateErrorKind::UnknownSource { .. }));
        assert_eq!(at, ".");
    }

    #[test]
    fn missing_name() {
        let (kind, at) = piece("a{headers}");
        assert_eq!(
            kind,
            TemplateErrorKind::MissingName {
                source_name: "headers",
                expression: "{headers}".into()
            }
        );
        assert_eq!(at, "{headers}");
        assert_eq!(piece("<Query>").1, "<Query>");
        assert_eq!(
            err("{headers}").to_string(),
            "`{headers}` does not say which header to read: write `{headers.NAME}`"
        );
    }

    #[test]
    fn empty_name() {
        let (kind, at) = piece("{headers.}");
        assert_eq!(
            kind,
            TemplateErrorKind::EmptyName {
                source_name: "headers",
                expression: "{headers.}".into()
            }
        );
        assert_eq!(at, "{headers.}");
        assert!(matches!(
            piece("<query.>").0,
            TemplateErrorKind::EmptyName { .. }
        ));
        assert!(err("{query.}").to_string().contains("empty query key name"));
    }

    #[test]
    fn invalid_header_names() {
        let (kind, at) = piece("x{headers.a:b}");
        assert_eq!(
            kind,
            TemplateErrorKind::InvalidHeaderName {
                name: "a:b".into(),
                character: Some(':')
            }
        );
        assert_eq!(at, "a:b");
        assert_eq!(piece("{headers.näme}").1, "näme");
        assert_eq!(piece("{headers.a@b}").1, "a@b");
        assert_eq!(piece("{headers.(x)}").1, "(x)");
        assert!(
            err("{headers.a:b}")
                .to_string()
                .contains("`a:b` is not a valid HTTP header name (`:` is not allowed)")
        );
    }

    #[test]
    fn id_token_claims() {
        assert_eq!(parts("{id_token.sub}"), [claim("sub")]);
        assert_eq!(parts("<ID_TOKEN.oid>"), [claim("oid")]);
        // Claim types are stored as written, dots and all.
        assert_eq!(
            parts("u-{id_token.http://schemas.xmlsoap.org/claims/name}"),
            [lit("u-"), claim("http://schemas.xmlsoap.org/claims/name")]
        );
        assert_ne!(parts("{id_token.Sub}"), parts("{id_token.sub}"));
        assert!(Template::parse("{id_token.sub}").unwrap().reads_id_token());
        assert!(!Template::parse("{query.sub}").unwrap().reads_id_token());
        let (kind, at) = piece("{id_token}");
        assert!(matches!(
            kind,
            TemplateErrorKind::MissingName {
                source_name: "id_token",
                ..
            }
        ));
        assert_eq!(at, "{id_token}");
        assert!(
            err("{id_token.}")
                .to_string()
                .contains("empty claim type name: write `{id_token.NAME}`")
        );
    }

    #[test]
    fn principal_fields_and_claims() {
        use crate::PrincipalField;
        assert_eq!(
            parts("{principal.userId}"),
            [Part::Principal(PrincipalField::UserId)]
        );
        assert_eq!(
            parts("<Principal.USERID>"),
            [Part::Principal(PrincipalField::UserId)]
        );
        assert_eq!(
            parts("{principal.userDetails}"),
            [Part::Principal(PrincipalField::UserDetails)]
        );
        assert_eq!(
            parts("{principal.identityProvider}"),
            [Part::Principal(PrincipalField::IdentityProvider)]
        );
        assert_eq!(
            parts(
                "{principal.claims.http://schemas.microsoft.com/identity/claims/objectidentifier}"
            ),
            [principal_claim(
                "http://schemas.microsoft.com/identity/claims/objectidentifier"
            )]
        );
        assert_eq!(parts("{principal.Claims.Name}"), [principal_claim("Name")]);
        assert!(
            Template::parse("{principal.userId}")
                .unwrap()
                .reads_principal()
        );

        let (kind, at) = piece("{principal.user}");
        assert_eq!(
            kind,
            TemplateErrorKind::UnknownPrincipalField {
                field: "user".into(),
                suggestion: Some("userId")
            }
        );
        assert_eq!(at, "user");
        assert!(
            err("{principal.userRoles}")
                .to_string()
                .contains("Supported: `{principal.userId}`")
        );
        assert!(matches!(
            piece("{principal.claims}").0,
            TemplateErrorKind::MissingName {
                source_name: "principal.claims",
                ..
            }
        ));
        assert!(matches!(
            piece("{principal.claims.}").0,
            TemplateErrorKind::EmptyName {
                source_name: "principal.claims",
                ..
            }
        ));
        assert!(matches!(
            piece("{principal}").0,
            TemplateErrorKind::MissingName {
                source_name: "principal",
                ..
            }
        ));
    }

    #[test]
    fn all_token_characters_are_valid_header_names() {
        assert_eq!(
            parts("{headers.!#$&'*+-.^_`|~09aZ}"),
            [header("!#$&'*+-.^_`|~09az")]
        );
    }

    #[test]
    fn error_messages_name_the_fix() {
        for source in [
            "{",
            "<",
            "}",
            ">",
            "{}",
            "<>",
            "{ x}",
            "{x.y}",
            "{headers}",
            "{query.}",
            "{headers.:}",
            "%A",
            "%%",
            "1%",
            "%A B%",
            "{principal.user}",
            "{principal.claims}",
            "{id_token.}",
        ] {
            let message = err(source).to_string();
            assert!(
                message.contains("write")
                    || message.contains("remove")
                    || message.contains("Supported"),
                "{source:?}: {message}"
            );
        }
    }
}
