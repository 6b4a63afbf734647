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

    /// The part before the `.` is not `headers` or `query`.
    #[error(
        "unknown source `{source_name}` in `{expression}`: {}Supported: `{{headers.NAME}}`, `{{query.NAME}}`",
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

    /// A known source with no `.NAME` after it, such as `{headers}`.
    #[error(
        "`{expression}` does not say which {what} to read: write `{{{source_name}.NAME}}`",
        what = source_what(source_name)
    )]
    MissingName {
        /// The source, canonical spelling (`headers` or `query`).
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
        /// The source, canonical spelling (`headers` or `query`).
        source_name: &'static str,
        /// The whole expression, with its delimiters, as written.
        expression: String,
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

    /// A value starting with `%` has no closing `%`, such as `%NAME`.
    #[error(
        "app-setting reference `{text}` has no closing `%`: write `{text}%` (a `%NAME%` reference is the whole value)"
    )]
    UnclosedSetting {
        /// The text from the opening `%` to the end.
        text: String,
    },

    /// `%%`: an app-setting reference without a name.
    #[error("`%%` names no app setting: write `%NAME%`")]
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

    /// Text after a `%NAME%` reference, such as `%A%b`: a setting reference is the whole value.
    #[error(
        "`%{setting}%` must be the whole value, but text follows it: remove the text after the closing `%`, or put the whole value in the setting"
    )]
    TextAfterSetting {
        /// The setting name.
        setting: String,
    },

    /// A `%NAME%` reference after other text, such as `a%B%`: a setting reference is the whole
    /// value.
    #[error(
        "`%{setting}%` must be the whole value, not part of a longer text: write `%{setting}%` alone, or put the whole value in the setting"
    )]
    SettingInText {
        /// The setting name.
        setting: String,
    },

    /// A lone `%` in literal text. Azure reads every `%...%` pair as an app-setting reference and
    /// has no escape for `%`, so a literal `%` is rejected rather than given a second meaning.
    #[error(
        "`%` is only allowed in a whole-value app-setting reference `%NAME%`: Azure reads `%...%` as a setting reference and has no escape for `%`; put a value containing `%` in an app setting and write `%NAME%`"
    )]
    PercentInText,
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
        _ => "query key",
    }
}

fn invalid_character_message(character: char, expression: &str) -> String {
    let shown = character.escape_debug();
    let advice = if character.is_whitespace() {
        "remove the whitespace; names in expressions are written without spaces"
    } else if character == '%' {
        "an app-setting reference `%NAME%` must be the whole value and cannot appear inside an expression"
    } else if character.is_control() {
        "remove the control character"
    } else {
        "expressions do not nest; write `{{` `}}` `<<` `>>` outside an expression for literal brackets"
    };
    format!("`{shown}` is not allowed inside `{expression}`: {advice}")
}
