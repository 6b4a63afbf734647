//! Errors: [`BindingError`] when a request cannot be bound, [`ConfigError`] when a binding
//! cannot be built.
//!
//! Neither ever holds an access key, a connection string or a minted token.

use std::borrow::Cow;

use http::{HeaderValue, StatusCode};
use signalr_binding_expression::{HubNameError, SettingNameError, TemplateError};

use crate::claims::IdTokenError;
use crate::connection_string::ConnectionStringError;
use crate::principal::PrincipalError;
#[cfg(feature = "verify")]
use crate::verification::{IdTokenRejection, VerificationError};

/// Why a request could not be bound to connection info.
///
/// Each error knows the HTTP status a negotiate endpoint should answer with
/// ([`status`](Self::status)): 4xx when the request is at fault (a missing header, a malformed id
/// token), 500 when the deployment is (a missing or invalid connection string). `Display` says
/// what went wrong, in Azure's words where the Azure binding has some;
/// [`hint`](Self::hint) says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// A `{headers.NAME}` expression read a header the request does not have.
    #[error("Error while accessing 'headers.{name}': property doesn't exist.")]
    MissingHeader {
        /// The header's name, lower-case.
        name: String,
    },
    /// A `{query.NAME}` expression read a query key the request does not have.
    #[error("Error while accessing 'query.{key}': property doesn't exist.")]
    MissingQuery {
        /// The query key.
        key: String,
    },
    /// A header read by an expression is not valid UTF-8.
    #[error("the `{name}` header is not valid UTF-8")]
    InvalidHeaderValue {
        /// The header's name, lower-case.
        name: String,
    },
    /// A query value read by an expression is not valid percent-encoded UTF-8.
    #[error("the query value of `{key}` is not valid percent-encoding of UTF-8 text")]
    InvalidQueryEncoding {
        /// The query key.
        key: String,
    },
    /// A `%NAME%` reference names a setting that is not set.
    #[error("'%{name}%' does not resolve to a value.")]
    UnresolvedSetting {
        /// The setting's name.
        name: String,
    },
    /// The connection-string setting is not set.
    #[error("the connection string setting `{setting}` is not set")]
    MissingConnectionString {
        /// The setting's name.
        setting: String,
    },
    /// The connection-string setting holds a value that does not parse.
    #[error("the connection string in setting `{setting}` is invalid: {reason}")]
    InvalidConnectionString {
        /// The setting's name.
        setting: String,
        /// What is wrong with it (the Azure SDK's words).
        reason: ConnectionStringError,
    },
    /// The connection string (or the identity section) of the setting uses identity-based auth
    /// (`AuthType=azure...`, `serviceUri`), and signalr-binding was built without its
    /// `identity` feature.
    #[error(
        "the connection string in setting `{setting}` uses identity-based auth (AuthType or \
         serviceUri), which needs the `identity` feature of signalr-binding"
    )]
    IdentityAuthNotSupported {
        /// The setting's name.
        setting: String,
    },
    /// Identity-based auth has no usable signing key: see [`IdentityError`](crate::IdentityError)
    /// for the causes, each with its code.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    #[error("identity-based auth for setting `{setting}` failed: {error}")]
    Identity {
        /// The setting's name.
        setting: String,
        /// Why.
        error: crate::IdentityError,
    },
    /// The hub name resolved from the request breaks the hub-name rule.
    #[error("{reason}")]
    InvalidHubName {
        /// The resolved hub name.
        hub: String,
        /// The rule it breaks (its message names the hub).
        reason: HubNameError,
    },
    /// The resolved user id is unusable.
    #[error("invalid user id: {reason}")]
    InvalidUserId {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The id token could not be read.
    #[error(transparent)]
    InvalidIdToken(#[from] IdTokenError),
    /// The `x-ms-client-principal` header could not give what a `{principal.*}` expression
    /// reads: malformed, or without the field or claim.
    #[error(transparent)]
    InvalidPrincipal(#[from] PrincipalError),
    /// The id token failed verification (signature, expiry, issuer, audience, algorithm, key
    /// id): a 401.
    #[cfg(feature = "verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
    #[error("the id token was rejected: {0}")]
    IdTokenRejected(IdTokenRejection),
    /// The setting that should hold the id-token verification key is not set.
    #[cfg(feature = "verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
    #[error("the id-token verification key setting `{setting}` is not set")]
    MissingVerificationKey {
        /// The setting's name.
        setting: String,
    },
    /// The id-token verification key setting does not hold a usable key, or the verification
    /// is configured inconsistently. The message never contains the setting's value.
    #[cfg(feature = "verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
    #[error("the id-token verification key in setting `{setting}` is unusable: {reason}")]
    InvalidVerificationKey {
        /// The setting's name.
        setting: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A binding with several endpoints finds none: neither its connection-string setting nor
    /// any `Azure:SignalR:Endpoints:<Name>` setting is set.
    #[error(
        "no SignalR Service endpoint is configured: neither `{setting}` nor any \
         `Azure:SignalR:Endpoints:<Name>` setting is set"
    )]
    NoEndpoints {
        /// The binding's connection-string setting.
        setting: String,
    },
    /// The configured endpoints are all secondary.
    #[error("no primary SignalR Service endpoint is configured")]
    NoPrimaryEndpoint,
    /// No endpoint is online to route the request to (or a custom router chose none): a 503
    /// with a `Retry-After`.
    #[error("Azure SignalR Service is not connected yet, please try again later.")]
    NoEndpointOnline,
    /// The minted access token would be longer than the service accepts.
    #[error("AccessToken must not be longer than 4K. The token would be {length} characters.")]
    TokenTooLong {
        /// The token's length in characters.
        length: usize,
    },
}

#[cfg(feature = "verify")]
impl From<IdTokenRejection> for BindingError {
    fn from(rejection: IdTokenRejection) -> Self {
        Self::IdTokenRejected(rejection)
    }
}

#[cfg(feature = "verify")]
impl From<VerificationError> for BindingError {
    fn from(error: VerificationError) -> Self {
        match error {
            VerificationError::Rejected(rejection) => Self::IdTokenRejected(rejection),
            VerificationError::Malformed(error) => Self::InvalidIdToken(error),
            VerificationError::MissingKey { setting } => Self::MissingVerificationKey { setting },
            VerificationError::InvalidKey { setting, reason } => {
                Self::InvalidVerificationKey { setting, reason }
            }
        }
    }
}

impl BindingError {
    /// The HTTP status a negotiate endpoint should answer with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingHeader { .. }
            | Self::MissingQuery { .. }
            | Self::InvalidHeaderValue { .. }
            | Self::InvalidQueryEncoding { .. }
            | Self::InvalidHubName { .. }
            | Self::InvalidUserId { .. }
            | Self::TokenTooLong { .. } => StatusCode::BAD_REQUEST,
            Self::InvalidIdToken(error) => error.status(),
            Self::InvalidPrincipal(error) => error.status(),
            #[cfg(feature = "verify")]
            Self::IdTokenRejected(rejection) => rejection.status(),
            #[cfg(feature = "verify")]
            Self::MissingVerificationKey { .. } | Self::InvalidVerificationKey { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::UnresolvedSetting { .. }
            | Self::MissingConnectionString { .. }
            | Self::InvalidConnectionString { .. }
            | Self::IdentityAuthNotSupported { .. }
            | Self::NoEndpoints { .. }
            | Self::NoPrimaryEndpoint => StatusCode::INTERNAL_SERVER_ERROR,
            Self::NoEndpointOnline => StatusCode::SERVICE_UNAVAILABLE,
            #[cfg(feature = "identity")]
            Self::Identity { error, .. } => error.status(),
        }
    }

    /// A stable, machine-readable code for the error, such as `missing_header`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing_header",
            Self::MissingQuery { .. } => "missing_query",
            Self::InvalidHeaderValue { .. } => "invalid_header_value",
            Self::InvalidQueryEncoding { .. } => "invalid_query_encoding",
            Self::UnresolvedSetting { .. } => "unresolved_setting",
            Self::MissingConnectionString { .. } => "missing_connection_string",
            Self::InvalidConnectionString { .. } => "invalid_connection_string",
            Self::IdentityAuthNotSupported { .. } => "identity_auth_not_supported",
            Self::InvalidHubName { .. } => "invalid_hub_name",
            Self::InvalidUserId { .. } => "invalid_user_id",
            Self::InvalidIdToken(error) => error.code(),
            Self::InvalidPrincipal(error) => error.code(),
            #[cfg(feature = "verify")]
            Self::IdTokenRejected(rejection) => rejection.code(),
            #[cfg(feature = "verify")]
            Self::MissingVerificationKey { .. } => "missing_verification_key",
            #[cfg(feature = "verify")]
            Self::InvalidVerificationKey { .. } => "invalid_verification_key",
            Self::NoEndpoints { .. } => "no_endpoints",
            Self::NoPrimaryEndpoint => "no_primary_endpoint",
            Self::NoEndpointOnline => "no_endpoint_online",
            Self::TokenTooLong { .. } => "token_too_long",
            #[cfg(feature = "identity")]
            Self::Identity { error, .. } => error.code(),
        }
    }

    /// What to do about the error, in one sentence, for logs, error pages and the JSON body:
    /// `send the `x-ms-client-principal-id` header with the request`. `None` when the message
    /// says it all.
    ///
    /// ```
    /// use signalr_binding::BindingError;
    ///
    /// let error = BindingError::MissingHeader { name: "x-user".into() };
    /// assert_eq!(error.to_string(), "Error while accessing 'headers.x-user': property doesn't exist.");
    /// assert_eq!(error.hint().unwrap(), "send the `x-user` header with the request");
    /// ```
    pub fn hint(&self) -> Option<Cow<'static, str>> {
        Some(match self {
            Self::MissingHeader { name } => {
                format!("send the `{name}` header with the request").into()
            }
            Self::MissingQuery { key } => format!(
                "add `{key}=...` to the request's query string (query keys are case-sensitive)"
            )
            .into(),
            Self::InvalidHeaderValue { .. } => "send it as UTF-8 text".into(),
            Self::InvalidQueryEncoding { .. } => {
                "encode it with encodeURIComponent or an equivalent".into()
            }
            Self::UnresolvedSetting { name } => {
                format!("set the app setting (environment variable) `{name}`").into()
            }
            Self::MissingConnectionString { .. } => {
                "set it to the connection string of your Azure SignalR Service resource \
                 (portal: Settings > Keys)"
                    .into()
            }
            Self::InvalidConnectionString { reason, .. } => reason.hint().into(),
            Self::IdentityAuthNotSupported { .. } => "turn on the feature: signalr-binding = \
                 { features = [\"identity\"] } (or use a connection string with an AccessKey)"
                .into(),
            #[cfg(feature = "identity")]
            Self::Identity { error, .. } => error.hint(),
            Self::NoEndpoints { .. } => {
                "set the connection string of your Azure SignalR Service resource in one of them"
                    .into()
            }
            Self::NoPrimaryEndpoint => "name one endpoint `Azure:SignalR:Endpoints:<Name>` or \
                 `Azure:SignalR:Endpoints:<Name>:primary`"
                .into(),
            Self::NoEndpointOnline => "retry after the time in the `Retry-After` header".into(),
            Self::TokenTooLong { .. } => {
                "send a shorter user id or copy fewer claims from the id token".into()
            }
            #[cfg(feature = "verify")]
            Self::MissingVerificationKey { .. } => {
                "set it to the key (HMAC secret, PEM public key or JWKS document) the id tokens \
                 are verified with"
                    .into()
            }
            Self::InvalidPrincipal(_) => {
                "send the request through App Service authentication or Static Web Apps, which \
                 set `x-ms-client-principal` after signing the user in"
                    .into()
            }
            Self::InvalidHubName { .. } | Self::InvalidUserId { .. } | Self::InvalidIdToken(_) => {
                return None;
            }
            #[cfg(feature = "verify")]
            Self::IdTokenRejected(_) | Self::InvalidVerificationKey { .. } => return None,
        })
    }

    /// How long a client should wait before retrying, sent as `Retry-After`: 5 s while an
    /// identity-based key is first fetched, and the interval of
    /// the endpoints' health check, for [`NoEndpointOnline`](Self::NoEndpointOnline); `None`
    /// for every other error.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        #[cfg(feature = "identity")]
        if let Self::Identity { error, .. } = self {
            return error.retry_after();
        }
        matches!(self, Self::NoEndpointOnline).then_some(RETRY_AFTER)
    }

    /// Whether the request (rather than the deployment) is at fault: a 4xx status.
    pub fn is_client_error(&self) -> bool {
        self.status().is_client_error()
    }

    /// The `WWW-Authenticate` header a 401 answer carries (RFC 7235 requires one), per
    /// RFC 6750: `Bearer error="invalid_token", error_description="..."`. `None` for every
    /// other error.
    ///
    /// ```
    /// # #[cfg(feature = "verify")] {
    /// use signalr_binding::{BindingError, IdTokenRejection};
    ///
    /// let error = BindingError::IdTokenRejected(IdTokenRejection::Expired);
    /// let header = error.www_authenticate().unwrap();
    /// assert!(header.to_str().unwrap().starts_with(r#"Bearer error="invalid_token""#));
    /// assert!(BindingError::MissingQuery { key: "k".into() }.www_authenticate().is_none());
    /// # }
    /// ```
    pub fn www_authenticate(&self) -> Option<HeaderValue> {
        #[cfg(feature = "verify")]
        if let Self::IdTokenRejected(_) = self {
            // The descriptions are fixed ASCII texts without `"` or `\`, so they fit a quoted
            // string.
            return HeaderValue::from_str(&format!(
                r#"Bearer error="invalid_token", error_description="{self}""#
            ))
            .ok();
        }
        None
    }

    /// The JSON body a negotiate endpoint answers with:
    /// `{"error":{"code":"missing_header","message":"...","hint":"...","status":400}}`
    /// (`hint` when there is one).
    ///
    /// For server-side errors (5xx) the message is generic and there is no hint, so a public
    /// endpoint does not reveal its configuration; log the error itself.
    pub fn to_json(&self) -> String {
        let status = self.status();
        let mut error = serde_json::Map::new();
        error.insert("code".into(), self.code().into());
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            error.insert(
                "message".into(),
                "the SignalR connection-info binding is misconfigured on the server; see its logs"
                    .into(),
            );
        } else {
            error.insert("message".into(), self.to_string().into());
            if let Some(hint) = self.hint() {
                error.insert("hint".into(), hint.into_owned().into());
            }
        }
        error.insert("status".into(), status.as_u16().into());
        serde_json::json!({ "error": error }).to_string()
    }
}

/// The `Retry-After` of [`BindingError::NoEndpointOnline`]: enough for one health check with
/// its retries (three attempts of at most 2 s, 3 s apart) to find an endpoint back online.
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a binding could not be built from its properties.
///
/// `Display` says what is wrong; [`hint`](Self::hint) says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A property's template does not parse.
    #[error("property `{property}`: {reason}")]
    InvalidTemplate {
        /// The property, e.g. `userId`.
        property: &'static str,
        /// What is wrong with it.
        reason: TemplateError,
    },
    /// A literal hub name, or the literal text of a templated one, breaks the hub-name rule.
    #[error("property `hubName`: {0}")]
    InvalidHubName(HubNameError),
    /// `connectionStringSetting` is not a setting name: empty, `%NAME%`, or something with
    /// `;` or `=` (a connection string pasted where the setting's *name* belongs; the value is
    /// never repeated, since it holds the key).
    #[error("property `connectionStringSetting`: {0}")]
    InvalidConnectionStringSetting(SettingNameError),
    /// An id token is configured but no claim types to copy from it, so nothing would be copied.
    #[error(
        "property `idToken` is set but `claimTypeList` is empty, so no claim would be copied \
         (Azure silently copies nothing)"
    )]
    IdTokenWithoutClaimTypes,
    /// Claim types are listed but there is no id token to copy them from.
    #[error("property `claimTypeList` is set but `idToken` is not")]
    ClaimTypesWithoutIdToken,
    /// The id-token verification cannot work as configured (e.g. an algorithm that does not
    /// suit the key, or a key given in place of a setting name).
    #[cfg(feature = "verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
    #[error("id-token verification: {reason}")]
    InvalidVerification {
        /// What is wrong.
        reason: String,
    },
    /// Id-token verification is configured but no `idToken` to verify.
    #[cfg(feature = "verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
    #[error("id-token verification is configured but property `idToken` is not set")]
    VerificationWithoutIdToken,
    /// A template reads a claim of the id token (`{id_token.CLAIM}`) but the token is not
    /// verified, so whoever sends the request would choose the value.
    #[error(
        "property `{property}` reads a claim of the id token (`{{id_token.CLAIM}}`), but the id \
         token is not verified, so whoever sends the request would choose its value"
    )]
    UnverifiedIdTokenClaims {
        /// The property, e.g. `userId`.
        property: &'static str,
    },
    /// A template reads a claim of the id token but there is no `idToken` to read it from, or
    /// `idToken` reads its own claims.
    #[error(
        "property `{property}` reads a claim of the id token (`{{id_token.CLAIM}}`), but {}",
        if *property == "idToken" { "the id token cannot be read from its own claims" } else { "property `idToken` is not set" }
    )]
    IdTokenClaimsWithoutIdToken {
        /// The property, e.g. `userId`.
        property: &'static str,
    },
    /// `close_on_auth_expiry` is set, but no verified id token says when the login expires.
    #[error(
        "close-on-auth-expiry is set, but there is no verified id token whose `exp` says when the \
         login expires"
    )]
    CloseOnAuthExpiryWithoutVerification,
    /// The token lifetime is zero.
    #[error("the token lifetime must be at least one second")]
    ZeroLifetime,
    /// A `function.json` binding block is not a usable SignalR connection-info binding.
    #[error("function.json: field `{field}`: {message}")]
    FunctionJson {
        /// The field at fault, e.g. `hubName` or `type`.
        field: String,
        /// What is wrong with it and what to write.
        message: String,
    },
}

impl ConfigError {
    /// What to do about the error, in one sentence. `None` when the message says it all.
    ///
    /// ```
    /// use signalr_binding::{ConfigError, ConnectionInfoBinding};
    ///
    /// let error = ConnectionInfoBinding::builder("chat").claim_types(["name"]).build().unwrap_err();
    /// assert_eq!(error, ConfigError::ClaimTypesWithoutIdToken);
    /// assert!(error.hint().unwrap().contains("{headers.authorization}"));
    /// ```
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::IdTokenWithoutClaimTypes => {
                Some("list the claim types to copy, or drop `idToken`")
            }
            Self::ClaimTypesWithoutIdToken => Some(
                "set `idToken` to the token to copy claims from, e.g. \"{headers.authorization}\"",
            ),
            #[cfg(feature = "verify")]
            Self::VerificationWithoutIdToken => {
                Some("set `idToken` to the token to verify, e.g. \"{headers.authorization}\"")
            }
            Self::UnverifiedIdTokenClaims { .. } => Some(
                "verify the id token: `verify_id_token(IdTokenVerification::jwks(\"ID_TOKEN_JWKS\"))` \
                 on the builder, or a key argument such as `id_token_jwks_setting` on the \
                 attribute (feature `verify`); if a front end verifies it before the request \
                 arrives, say so with `id_token_verified_elsewhere()` \
                 (`id_token_verified_elsewhere = true` on the attribute)",
            ),
            Self::IdTokenClaimsWithoutIdToken { .. } => Some(
                "set `idToken` to the verified token, e.g. \"{headers.authorization}\", and read \
                 its claims in the other properties",
            ),
            Self::CloseOnAuthExpiryWithoutVerification => {
                Some("verify the id token (`verify_id_token`), or drop close-on-auth-expiry")
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    fn some_errors() -> Vec<BindingError> {
        vec![
            BindingError::MissingHeader { name: "x-u".into() },
            BindingError::MissingQuery { key: "u".into() },
            BindingError::InvalidHeaderValue { name: "x-u".into() },
            BindingError::InvalidQueryEncoding { key: "u".into() },
            BindingError::UnresolvedSetting { name: "HUB".into() },
            BindingError::MissingConnectionString {
                setting: "CS".into(),
            },
            BindingError::InvalidConnectionString {
                setting: "CS".into(),
                reason: ConnectionStringError::InvalidEndpoint,
            },
            BindingError::InvalidHubName {
                hub: "2chat".into(),
                reason: signalr_binding_expression::validate_hub_name("2chat").unwrap_err(),
            },
            BindingError::InvalidIdToken(IdTokenError::Malformed { reason: "r" }),
            BindingError::TokenTooLong { length: 5000 },
        ]
    }

    #[test]
    fn a_cause_is_in_the_message_once_and_never_also_chained() {
        for error in some_errors() {
            assert!(error.source().is_none(), "{error:?}");
            let text = error.to_string();
            if let Some(hint) = error.hint() {
                assert!(!text.contains(&*hint), "{text} repeats its hint");
            }
        }
        let hub = &some_errors()[7];
        assert_eq!(hub.to_string().matches("2chat").count(), 1, "{hub}");
    }

    #[test]
    fn a_client_errors_json_carries_its_hint_and_a_server_errors_neither() {
        let json: serde_json::Value =
            serde_json::from_str(&BindingError::MissingHeader { name: "x-u".into() }.to_json())
                .unwrap();
        assert_eq!(
            json["error"]["hint"],
            "send the `x-u` header with the request"
        );
        let json: serde_json::Value = serde_json::from_str(
            &BindingError::MissingConnectionString {
                setting: "CS".into(),
            }
            .to_json(),
        )
        .unwrap();
        assert!(json["error"].get("hint").is_none(), "{json}");
        assert!(!json.to_string().contains("CS"), "{json}");
    }
}
