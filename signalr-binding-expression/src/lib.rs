//! API CONTRACT (to be implemented) -- see the helper prompt.
use std::borrow::Cow;

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Literal text, used as it is.
    Literal(Cow<'static, str>),
    /// `{headers.NAME}` / `<headers.NAME>`: NAME stored lower-case, a valid HTTP header name.
    Header(Cow<'static, str>),
    /// `{query.NAME}`: NAME stored as written (query keys match case-sensitively).
    Query(Cow<'static, str>),
}

/// A binding property's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// Literal text and request expressions, concatenated. No parts is the empty string.
    Parts(Cow<'static, [Part]>),
    /// A whole-string app-setting reference `%NAME%`.
    Setting(Cow<'static, str>),
}
