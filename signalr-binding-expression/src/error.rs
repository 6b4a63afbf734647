//! Why a template was rejected, and where.

use std::ops::Range;

/// A template that [`Template::parse`](crate::Template::parse) rejected.
///
/// Carries what is wrong ([`kind`](Self::kind)) and where: [`span`](Self::span) is the byte range
/// of the bad piece in the source, so a proc macro can point at exactly that piece of a string
/// literal and a runtime message can quote it. The range always lies on `char` boundaries of the
/// source and is never empty.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct TemplateError {
    kind: TemplateErrorKind,
    offset: usize,
    len: usize,
}

impl TemplateError {
    pub(crate) fn new(kind: TemplateErrorKind, span: Range<usize>) -> Self {
        debug_assert!(
            span.start < span.end,
            "an error points at a non-empty piece"
        );
        Self {
            kind,
            offset: span.start,
            len: span.end - span.start,
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> &TemplateErrorKind {
        &self.kind
    }

    /// Consumes the error, returning what is wrong.
    pub fn into_kind(self) -> TemplateErrorKind {
        self.kind
    }

    /// Byte offset into the source where the bad piece starts.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Byte range of the bad piece in the source (`offset()..offset() + length`).
    pub fn span(&self) -> Range<usize> {
        self.offset..self.offset + self.len
    }
}

/// What is wrong with a template. Each message says what was found and what to write instead.
///
/// Strings held in a variant are copied from the source so the message can quote them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateErrorKind {
    /// A `{` or `<` that opens an expression and is not closed by the matching `}` or `>`
    /// before the end of the text or before another opener of the same kind.
    #[error(
        "`{open}` opens an expression that is never closed: write `{open}headers.NAME{close}` or `{open}query.NAME{close}`, or `{open}{open}` for a literal `{open}`",
        close = closer(*open)
    )]
    UnclosedExpression {
        /// The opener: `{` or `<`.
        open: char,
    },

    /// A `}` or `>` in literal text with no expression to close (Azure rejects a lone `}` too).
    #[error(
        "`{close}` does not close an expression: write `{close}{close}` for a literal `{close}`"
    )]
    UnmatchedClose {
        /// The stray closer: `}` or `>`.
        close: char,
    },

    /// `{}` or `<>`: an expression with nothing in it.
    #[error(
        "empty expression `{open}{close}`: write `{open}headers.NAME{close}` or `{open}query.NAME{close}`, or `{open}{open}{close}{close}` for literal text",
        close = closer(*open)
    )]
    EmptyExpression {
        /// The opener: `{` or `<`.
        open: char,
    },

    /// A character that cannot appear inside an expression: whitespace, a control character,
    /// a brace or angle bracket, or `%`.
    #[error("{}", invalid_character_message(*character, expression))]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// The whole expression, with its delimiters, as written.
        expression: String,
    },

    /// The part before the `.` is not `headers`, `query`, `id_token` or `principal`.
    #[error(
        "unknown source `{source_name}` in `{expression}`: {}Supported: `{{headers.NAME}}`, `{{query.NAME}}`, `{{id_token.CLAIM}}`, `{{principal.FIELD}}`",
        suggestion.map(|s| format!("did you mean `{s}`? ")).unwrap_or_default()
    )]
    UnknownSource {
        /// The source as written.
        source_name: String,
        /// The whole expression, with its delimiters, as written.
        expression: String,
        /// The closest supported source, when one is close enough to be a likely typo.
        suggestion: Option<&'static str>,
    },

    /// A known source with no `.NAME` after it, such as `{headers}` or `{principal.claims}`.
    #[error(
        "`{expression}` does not say which {what} to read: write `{{{source_name}.NAME}}`",
        what = source_what(source_name)
    )]
    MissingName {
        /// The source, canonical spelling (`headers`, `query`, `id_token`, `principal` or
        /// `principal.claims`).
        source_name: &'static str,
        /// The whole expression, with its delimiters, as written.
        expression: String,
    },

    /// A known source with an empty name, such as `{headers.}`.
    #[error(
        "`{expression}` has an empty {what} name: write `{{{source_name}.NAME}}`",
        what = source_what(source_name)
    )]
    EmptyName {
        /// The source, canonical spelling (`headers`, `query`, `id_token`, `principal` or
        /// `principal.claims`).
        source_name: &'static str,
        /// The whole expression, with its delimiters, as written.
        expression: String,
    },

    /// `{principal.FIELD}` names no field of the client principal.
    #[error(
        "`{field}` is not a field of the client principal: {}Supported: `{{principal.userId}}`, `{{principal.userDetails}}`, `{{principal.identityProvider}}`, `{{principal.claims.TYPE}}`",
        suggestion.map(|s| format!("did you mean `{s}`? ")).unwrap_or_default()
    )]
    UnknownPrincipalField {
        /// The field as written.
        field: String,
        /// The closest supported field, when one is close enough to be a likely typo.
        suggestion: Option<&'static str>,
    },

    /// The name in `{headers.NAME}` is not a valid HTTP header name.
    #[error(
        "`{name}` is not a valid HTTP header name{}: write a name of ASCII letters, digits and the symbols !#$&'*+-.^_`|~ only, like `{{headers.x-ms-client-principal-id}}`",
        character.map(|c| format!(" (`{}` is not allowed)", c.escape_debug())).unwrap_or_default()
    )]
    InvalidHeaderName {
        /// The name as written.
        name: String,
        /// The first character that may not appear in a header name, if one does.
        character: Option<char>,
    },

    /// A `%` with no closing `%` after it, such as `%NAME` or `100%`. Azure: "The '%' at
    /// position N does not have a closing '%'"; there is no escape for `%`.
    #[error("{}", unclosed_setting_message(text, *position))]
    UnclosedSetting {
        /// The text from the opening `%` to the end.
        text: String,
        /// The byte offset of the `%` in the value.
        position: usize,
    },

    /// `%%`: an app-setting reference without a name. Azure reads it as a setting with an empty
    /// name, which never resolves; `%%` is not an escape.
    #[error(
        "`%%` names no app setting (`%%` is not an escape for `%`): write `%NAME%`, and put a value containing `%` in an app setting"
    )]
    EmptySetting,

    /// The name in `%NAME%` holds a character no setting name has (whitespace, a control
    /// character, a brace or angle bracket).
    #[error(
        "`%{name}%` is not a valid app-setting name (`{}` is not allowed): write the setting's name, like `%MY_SETTING%`",
        character.escape_debug()
    )]
    InvalidSettingName {
        /// The name between the `%`s.
        name: String,
        /// The offending character.
        character: char,
    },
}

fn closer(open: char) -> char {
    match open {
        '<' => '>',
        _ => '}',
    }
}

fn source_what(source_name: &str) -> &'static str {
    match source_name {
        "headers" => "header",
        "query" => "query key",
        "principal" => "principal field",
        _ => "claim type",
    }
}

fn unclosed_setting_message(text: &str, position: usize) -> String {
    let fix = if text.len() > 1 {
        format!("write `{text}%` to read the app setting `{}`", &text[1..])
    } else {
        "write `%NAME%` to read an app setting".to_owned()
    };
    format!(
        "the `%` at byte {position} has no closing `%` (Azure: \"The '%' at position {position} \
         does not have a closing '%'\"): {fix}; there is no escape for `%`, so put a value \
         containing `%` in an app setting"
    )
}

fn invalid_character_message(character: char, expression: &str) -> String {
    let shown = character.escape_debug();
    let advice = if character.is_whitespace() {
        "remove the whitespace; names in expressions are written without spaces"
    } else if character == '%' {
        "an app-setting reference `%NAME%` cannot appear inside an expression; write it outside the braces"
    } else if character.is_control() {
        "remove the control character"
    } else {
        "expressions do not nest; write `{{` `}}` `<<` `>>` outside an expression for literal brackets"
    };
    format!("`{shown}` is not allowed inside `{expression}`: {advice}")
}
