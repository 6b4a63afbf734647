//! The template parser: source text to [`Template`].
//!
//! The grammar follows the Azure WebJobs binding-template parser
//! (`Microsoft.Azure.WebJobs.Host/Bindings/Path/BindingTemplateParser.cs`,
//! `BindingTemplateToken.cs`) and its `%NAME%` resolver (`NameResolverExtensions.cs`), narrowed to
//! what this binding can resolve. Where it follows or differs from Azure is said at each rule.

use std::borrow::Cow;
use std::ops::Range;

use crate::error::{TemplateError, TemplateErrorKind};
use crate::{Part, Template};

/// The sources an expression can read, in canonical (lower-case) spelling.
const HEADERS: &str = "headers";
const QUERY: &str = "query";
const SOURCES: [&str; 2] = [HEADERS, QUERY];

/// Parses `source` into a template. See the crate docs for the language.
pub(crate) fn parse(source: &str) -> Result<Template, TemplateError> {
    // Azure resolves `%...%` pairs anywhere in a string (`ResolveWholeString`). This binding's
    // properties take a setting reference only as the whole value (SPEC section 1), so a value
    // that starts with `%` is a setting reference or an error, and a `%` anywhere else is an
    // error (see `percent_in_text`).
    if source.starts_with('%') {
        return parse_setting(source);
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
            b'%' => return Err(percent_in_text(source, at)),
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

    let name = match name {
        None => {
            return Err(TemplateError::new(
                TemplateErrorKind::MissingName {
                    source_name: canonical,
                    expression: expression.to_owned(),
                },
                span,
            ));
        }
        Some("") => {
            return Err(TemplateError::new(
                TemplateErrorKind::EmptyName {
                    source_name: canonical,
                    expression: expression.to_owned(),
                },
                span,
            ));
        }
        Some(name) => name,
    };
    let name_start = body_start + source_name.len() + 1;

    if canonical == HEADERS {
        match http::HeaderName::from_bytes(name.as_bytes()) {
            // `HeaderName` stores standard and custom names lower-cased; header names match
            // case-insensitively (SPEC section 2), so this is the canonical form.
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
        }
    } else {
        // Query keys match case-sensitively (SPEC section 2): stored as written.
        Ok(Part::Query(Cow::Owned(name.to_owned())))
    }
}

/// The supported source closest to `written`, if it looks like a typo of one.
fn suggest_source(written: &str) -> Option<&'static str> {
    let written = written.to_ascii_lowercase();
    SOURCES
        .iter()
        .copied()
        .map(|candidate| {
            (
                candidate,
                strsim::normalized_damerau_levenshtein(&written, candidate),
            )
        })
        .filter(|&(_, score)| score >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(candidate, _)| candidate)
}

/// Parses a value that starts with `%`.
fn parse_setting(source: &str) -> Result<Template, TemplateError> {
    let Some(close) = source[1..].find('%').map(|i| i + 1) else {
        // Azure: "The '%' at position N does not have a closing '%'".
        return Err(TemplateError::new(
            TemplateErrorKind::UnclosedSetting {
                text: source.to_owned(),
            },
            0..source.len(),
        ));
    };
    if close == 1 {
        return Err(TemplateError::new(TemplateErrorKind::EmptySetting, 0..2));
    }
    let name = &source[1..close];
    if let Some((i, character)) = name.char_indices().find(|&(_, c)| {
        c.is_whitespace() || c.is_control() || matches!(c, '{' | '}' | '<' | '>')
    }) {
        let at = 1 + i;
        return Err(TemplateError::new(
            TemplateErrorKind::InvalidSettingName {
                name: name.to_owned(),
                character,
            },
            at..at + character.len_utf8(),
        ));
    }
    if close + 1 < source.len() {
        // Azure would resolve the setting and keep the text; this binding's properties take a
        // setting only as the whole value.
        return Err(TemplateError::new(
            TemplateErrorKind::TextAfterSetting {
                setting: name.to_owned(),
            },
            close + 1..source.len(),
        ));
    }
    Ok(Template::Setting(Cow::Owned(name.to_owned())))
}

/// The error for a `%` at `at` in literal text (the value does not start with `%`).
fn percent_in_text(source: &str, at: usize) -> TemplateError {
    match source[at + 1..].find('%') {
        // `a%B%`: Azure would splice the setting into the text.
        Some(i) if i > 0 => {
            let close = at + 1 + i;
            TemplateError::new(
                TemplateErrorKind::SettingInText {
                    setting: source[at + 1..close].to_owned(),
                },
                at..close + 1,
            )
        }
        _ => TemplateError::new(TemplateErrorKind::PercentInText, at..at + 1),
    }
}
