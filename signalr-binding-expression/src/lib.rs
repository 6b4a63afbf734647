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
//! | `{id_token.CLAIM}` | the string claim `CLAIM` of the binding's id token ([`Part::IdTokenClaim`]), which the binding must verify |
//! | `{principal.userId}`, `{principal.userDetails}`, `{principal.identityProvider}` | a field of the App Service / Static Web Apps client principal, the `x-ms-client-principal` header ([`Part::Principal`]) |
//! | `{principal.claims.TYPE}` | the claims of type `TYPE` in that principal ([`Part::PrincipalClaim`]) |
//! | `{{` `}}` `<<` `>>` | a literal `{` `}` `<` `>` |
//! | `%NAME%` | the app setting `NAME`, as the whole value ([`Template::Setting`]) or anywhere in it ([`Part::Setting`]: `%PREFIX%-chat`) |
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
//! - **Sources** (`headers`, `query`, `id_token`, `principal`) match ASCII-case-insensitively,
//!   like Azure's case-insensitive binding data: `{Headers.X}` is `{headers.x}`. An unknown
//!   source is an error that suggests the closest supported one. `id_token` and `principal` are
//!   this binding's own: Azure's binding has no expression for them.
//! - **Names** are everything after the first `.`, so `{query.user.id}` reads the key `user.id`
//!   (in Azure further dots are member access, which cannot succeed on a string). A header name
//!   must be a valid HTTP header name and is stored lower-case (headers match case-insensitively);
//!   a query key and a claim type are stored as written (they match case-sensitively). Principal
//!   fields match ASCII-case-insensitively, like sources.
//! - **`%`.** As in Azure (`NameResolverExtensions.ResolveWholeString`), every `%NAME%` in a
//!   value is an app-setting reference, wherever it is: each `%` opens a reference that the next
//!   `%` closes. There is no escape: an unclosed `%` (`%NAME`, `100%`) is an error, as in Azure
//!   ("The '%' at position N does not have a closing '%'"), and `%%` names no setting (Azure
//!   resolves it as the empty name, which fails). A `%` inside an expression is an error. A
//!   setting's value is used as literal text; unlike Azure, it is not read as a template. A value
//!   containing a literal `%` belongs in an app setting.
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
//! let hub = Template::parse("%PREFIX%_chat")?;
//! assert_eq!(hub.parts(), [Part::Setting("PREFIX".into()), Part::Literal("_chat".into())]);
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
//!      Supported: `{headers.NAME}`, `{query.NAME}`, `{id_token.CLAIM}`, `{principal.FIELD}`"
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
    /// `%NAME%` inside a longer value (`"%PREFIX%-chat"`): the app setting NAME's value, used as
    /// literal text. A value that is only `%NAME%` is a [`Template::Setting`].
    Setting(Cow<'static, str>),
    /// `{id_token.CLAIM}`: the string claim CLAIM of the binding's id token (stored as written;
    /// claim types match case-sensitively). Read only from a verified token, unless the
    /// binding explicitly opts out.
    IdTokenClaim(Cow<'static, str>),
    /// `{principal.userId}`, `{principal.userDetails}`, `{principal.identityProvider}`: a field
    /// of the client principal that App Service and Static Web Apps send in the
    /// `x-ms-client-principal` header.
    Principal(PrincipalField),
    /// `{principal.claims.TYPE}`: the claims of type TYPE (stored as written) in the
    /// `x-ms-client-principal` header's `claims` list.
    PrincipalClaim(Cow<'static, str>),
}

/// A field of the client principal in the `x-ms-client-principal` header, read by
/// `{principal.FIELD}`.
///
/// Static Web Apps send `identityProvider`, `userId`, `userDetails` and `userRoles`; App Service
/// sends `auth_typ`, `name_typ`, `role_typ` and `claims`. Each field here is a string of the
/// Static Web Apps shape; see the variants for what they read in the App Service shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrincipalField {
    /// `userId`: the user's id at the identity provider. The App Service shape has none.
    UserId,
    /// `userDetails`: the user's name or e-mail address; in the App Service shape, the claim
    /// whose type is `name_typ`.
    UserDetails,
    /// `identityProvider`: `aad`, `github`, ...; in the App Service shape, `auth_typ`.
    IdentityProvider,
}

impl PrincipalField {
    /// Every field, in the order the docs list them.
    pub const ALL: [PrincipalField; 3] = [Self::UserId, Self::UserDetails, Self::IdentityProvider];

    /// The field's name as the Static Web Apps principal spells it: `userId`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::UserId => "userId",
            Self::UserDetails => "userDetails",
            Self::IdentityProvider => "identityProvider",
        }
    }
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
