//! The shared vocabulary of the SignalR connection-info binding: binding-expression templates,
//! and the rules for hub names, setting names and id-token algorithms.
//!
//! The attribute macro checks a binding at compile time and the runtime checks a builder or a
//! `function.json` at run time; both use this crate, so each rule is written once: the
//! [`Template`] language, [`validate_hub_name`], [`validate_setting_name`] (with
//! [`DEFAULT_CONNECTION_STRING_SETTING`]), the [`JwtAlgorithm`] table, and the one "did you
//! mean" rule, [`closest`].
//!
//! Every string property of the binding (`hub_name`, `user_id`, `id_token`, ...) is a
//! [`Template`]. The attribute macro parses templates at compile time and the runtime parses
//! `function.json` values at run time with the same [`Template::parse`], so both accept exactly
//! the same language. This crate does no I/O and knows no request type: resolving a template
//! against a request is the runtime's job.
//!
//! # The language
//!
//! | written | meaning |
//! |---|---|
//! | `text` | literal text, used as it is (any Unicode) |
//! | `{headers.NAME}` or `<headers.NAME>` | the request header `NAME` ([`Part::Header`], stored lower-case) |
//! | `{query.NAME}` or `<query.NAME>` | the query-string key `NAME` ([`Part::Query`], stored as written) |
//! | `{{` `}}` `<<` `>>` | a literal `{` `}` `<` `>` |
//! | `%NAME%` as the whole value | the app setting `NAME` ([`Template::Setting`]) |
//!
//! Rules, with where they follow the Azure WebJobs template parser (`BindingTemplateParser`,
//! `BindingTemplateToken`, `NameResolverExtensions`) and where they deliberately differ:
//!
//! - **Escapes.** As in Azure, `{{` and `}}` are literal braces, and a lone `}` is an error (Azure:
//!   "Missing opening bracket"). The angle spelling has the matching escapes `<<` and `>>`, so a
//!   lone `<` or `>` in literal text is an error too.
//! - **Expressions** run from the opener to the first matching closer and do not nest. Nothing
//!   is trimmed: whitespace inside an expression is an error, as Azure's identifier check makes
//!   it. Whitespace in literal text is kept.
//! - **Sources** (`headers`, `query`) match ASCII-case-insensitively, like Azure's
//!   case-insensitive binding data: `{Headers.X}` is `{headers.x}`. An unknown source is an error
//!   that suggests the closest supported one.
//! - **Names** are everything after the first `.`, so `{query.user.id}` reads the key `user.id`
//!   (in Azure further dots are member access, which cannot succeed on a string). A header name
//!   must be a valid HTTP header name and is stored lower-case (headers match case-insensitively);
//!   a query key is stored as written (keys match case-sensitively).
//! - **`%`.** Azure resolves every `%...%` pair in a property before parsing the template and has
//!   no escape for `%`. This binding takes a setting reference only as the whole value, so
//!   `%NAME%` must be the entire value; `%NAME` (unclosed), `%%`, `%A%b`, `a%B%` and a lone `%` in
//!   literal text are all errors. A value containing a literal `%` belongs in an app setting.
//!
//! Every error is a [`TemplateError`] whose [`span`](TemplateError::span) is the byte range of
//! the bad piece in the source, and whose message says what to write instead.
//!
//! # Example
//!
//! ```
//! use signalr_binding_expression::{validate_hub_name, Part, Template, TemplateErrorKind};
//!
//! let user_id: Template = "<headers.X-MS-CLIENT-PRINCIPAL-ID>".parse()?;
//! assert_eq!(user_id.parts(), [Part::Header("x-ms-client-principal-id".into())]);
//! assert!(user_id.reads_request());
//! assert_eq!(user_id.to_string(), "{headers.x-ms-client-principal-id}");
//!
//! let hub = Template::parse("%HUB_NAME%")?;
//! assert_eq!(hub, Template::setting("HUB_NAME"));
//!
//! let literal = Template::parse("chat")?;
//! assert_eq!(literal.as_literal(), Some("chat"));
//! validate_hub_name(literal.as_literal().unwrap())?;
//!
//! let err = Template::parse("user-{querys.id}").unwrap_err();
//! assert!(matches!(err.kind(), TemplateErrorKind::UnknownSource { .. }));
//! assert_eq!(&"user-{querys.id}"[err.span()], "querys");
//! assert_eq!(
//!     err.to_string(),
//!     "unknown source `querys` in `{querys.id}`: did you mean `query`? \
//!      Supported: `{headers.NAME}`, `{query.NAME}`"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::borrow::Cow;

mod algorithm;
mod error;
mod hub_name;
mod parser;
mod setting_name;
mod suggest;
mod template;

pub use algorithm::{JwtAlgorithm, UnknownAlgorithm};
pub use error::{TemplateError, TemplateErrorKind};
pub use hub_name::{HubNameError, validate_hub_name, validate_hub_name_template};
pub use setting_name::{
    DEFAULT_CONNECTION_STRING_SETTING, SettingNameError, validate_setting_name,
};
pub use suggest::closest;

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
///
/// Build one with [`Template::parse`] (or [`str::parse`]), or in a `static` with
/// [`Template::from_static`] and [`Template::setting`]. `Display` prints the canonical source
/// form, which parses back to the same template.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// Literal text and request expressions, concatenated. No parts is the empty string.
    Parts(Cow<'static, [Part]>),
    /// A whole-string app-setting reference `%NAME%`.
    Setting(Cow<'static, str>),
}
