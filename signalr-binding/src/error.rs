//! Errors: [`BindingError`] when a request cannot be bound, [`ConfigError`] when a binding
//! cannot be built.
//!
//! Neither ever holds an access key, a connection string or a minted token.

use http::{HeaderValue, StatusCode};
use signalr_binding_expression::{HubNameError, TemplateError};

use crate::claims::IdTokenError;
use crate::connection_string::ConnectionStringError;
use crate::verification::IdTokenRejection;

/// Why a request could not be bound to connection info.
///
/// Each error knows the HTTP status a negotiate endpoint should answer with
/// ([`status`](Self::status)): 4xx when the request is at fault (a missing header, a malformed id
/// token), 500 when the deployment is (a missing or invalid connection string).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// A `{headers.NAME}` expression read a header the request does not have.
    #[error(
        "Error while accessing 'headers.{name}': property doesn't exist. \
         Send the `{name}` header with the request."
    )]
    MissingHeader {
        /// The header's name, lower-case.
        name: String,
    },
    /// A `{query.NAME}` expression read a query key the request does not have.
    #[error(
        "Error while accessing 'query.{key}': property doesn't exist. \
         Add `{key}=...` to the request's query string (keys are case-sensitive)."
    )]
    MissingQuery {
        /// The query key.
        key: String,
    },
    /// A header read by an expression is not valid UTF-8.
    #[error("the `{name}` header is not valid UTF-8; send it as UTF-8 text")]
    InvalidHeaderValue {
        /// The header's name, lower-case.
        name: String,
    },
    /// A query value read by an expression is not valid percent-encoded UTF-8.
    #[error(
        "the query value of `{key}` is not valid percent-encoding of UTF-8 text; \
         encode it with encodeURIComponent or an equivalent"
    )]
    InvalidQueryEncoding {
        /// The query key.
        key: String,
    },
    /// A `%NAME%` reference names a setting that is not set.
    #[error(
        "'%{name}%' does not resolve to a value. Set the app setting (environment variable) `{name}`."
    )]
    UnresolvedSetting {
        /// The setting's name.
        name: String,
    },
    /// The connection-string setting is not set.
    #[error(
        "the connection string setting `{setting}` is not set; set it to the connection string \
         of your Azure SignalR Service resource (portal: Settings > Keys)"
    )]
    MissingConnectionString {
        /// The setting's name.
        setting: String,
    },
    /// The connection-string setting holds a value that does not parse.
    #[error("the connection string in setting `{setting}` is invalid: {source} {}", source.hint())]
    InvalidConnectionString {
        /// The setting's name.
        setting: String,
        /// What is wrong with it.
        source: ConnectionStringError,
    },
    /// The connection string uses identity-based auth (`AuthType=azure...`), which needs the
    /// service to hand out the signing key; this version does not do that yet.
    #[error(
        "the connection string in setting `{setting}` uses identity-based auth (AuthType), which \
         signalr-binding does not support yet; use a connection string with an AccessKey"
    )]
    IdentityAuthNotSupported {
        /// The setting's name.
        setting: String,
    },
    /// The hub name resolved from the request breaks the hub-name rule.
    #[error("invalid hub name `{hub}`: {source}")]
    InvalidHubName {
        /// The resolved hub name.
        hub: String,
        /// The rule it breaks.
        source: HubNameError,
    },
    /// The resolved user id is unusable.
    #[error("invalid user id: {reason}")]
    InvalidUserId {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The id token could not be read.
    #[error("invalid id token: {0}")]
    InvalidIdToken(#[from] IdTokenError),
    /// The id token failed verification (signature, expiry, issuer, audience, algorithm, key
    /// id): a 401.
    #[error("the id token was rejected: {0}")]
    IdTokenRejected(#[from] IdTokenRejection),
    /// The setting that should hold the id-token verification key is not set.
    #[error(
        "the id-token verification key setting `{setting}` is not set; set it to the key \
         (HMAC secret, PEM public key or JWKS document) the id tokens are verified with"
    )]
    MissingVerificationKey {
        /// The setting's name.
        setting: String,
    },
    /// The id-token verification key setting does not hold a usable key, or the verification
    /// is configured inconsistently. The message never contains the setting's value.
    #[error("the id-token verification key in setting `{setting}` is unusable: {reason}")]
    InvalidVerificationKey {
        /// The setting's name.
        setting: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The minted access token would be longer than the service accepts.
    #[error(
        "AccessToken must not be longer than 4K. The token would be {length} characters: \
         send a shorter user id or copy fewer claims from the id token."
    )]
    TokenTooLong {
        /// The token's length in characters.
        length: usize,
    },
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
            Self::IdTokenRejected(rejection) => rejection.status(),
            Self::MissingVerificationKey { .. } | Self::InvalidVerificationKey { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::UnresolvedSetting { .. }
            | Self::MissingConnectionString { .. }
            | Self::InvalidConnectionString { .. }
            | Self::IdentityAuthNotSupported { .. } => StatusCode::INTERNAL_SERVER_ERROR,
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
            Self::IdTokenRejected(rejection) => rejection.code(),
            Self::MissingVerificationKey { .. } => "missing_verification_key",
            Self::InvalidVerificationKey { .. } => "invalid_verification_key",
            Self::TokenTooLong { .. } => "token_too_long",
        }
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
    /// use signalr_binding::{BindingError, IdTokenRejection};
    ///
    /// let error = BindingError::IdTokenRejected(IdTokenRejection::Expired);
    /// let header = error.www_authenticate().unwrap();
    /// assert!(header.to_str().unwrap().starts_with(r#"Bearer error="invalid_token""#));
    /// assert!(BindingError::MissingQuery { key: "k".into() }.www_authenticate().is_none());
    /// ```
    pub fn www_authenticate(&self) -> Option<HeaderValue> {
        let Self::IdTokenRejected(rejection) = self else {
            return None;
        };
        // The descriptions are fixed ASCII texts without `"` or `\`, so they fit a quoted string.
        HeaderValue::from_str(&format!(
            r#"Bearer error="invalid_token", error_description="the id token was rejected: {rejection}""#
        ))
        .ok()
    }

    /// The JSON body a negotiate endpoint answers with:
    /// `{"error":{"code":"missing_header","message":"...","status":400}}`.
    ///
    /// For server-side errors (5xx) the message is generic, so a public endpoint does not reveal
    /// its configuration; log the error itself.
    pub fn to_json(&self) -> String {
        let status = self.status();
        let message = if status.is_server_error() {
            "the SignalR connection-info binding is misconfigured on the server; see its logs"
                .to_owned()
        } else {
            self.to_string()
        };
        serde_json::json!({
            "error": { "code": self.code(), "message": message, "status": status.as_u16() }
        })
        .to_string()
    }
}

/// Why a binding could not be built from its properties.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A property's template does not parse.
    #[error("property `{property}`: {source}")]
    InvalidTemplate {
        /// The property, e.g. `userId`.
        property: &'static str,
        /// What is wrong with it.
        source: TemplateError,
    },
    /// A literal hub name breaks the hub-name rule.
    #[error("property `hubName`: {0}")]
    InvalidHubName(HubNameError),
    /// An id token is configured but no claim types to copy from it, so nothing would be copied.
    #[error(
        "property `idToken` is set but `claimTypeList` is empty, so no claim would be copied \
         (Azure silently copies nothing); list the claim types to copy, or drop `idToken`"
    )]
    IdTokenWithoutClaimTypes,
    /// Claim types are listed but there is no id token to copy them from.
    #[error(
        "property `claimTypeList` is set but `idToken` is not; set `idToken` to the token to copy \
         claims from, e.g. \"{{headers.authorization}}\""
    )]
    ClaimTypesWithoutIdToken,
    /// The id-token verification cannot work as configured (e.g. an algorithm that does not
    /// suit the key, or a key given in place of a setting name).
    #[error("id-token verification: {reason}")]
    InvalidVerification {
        /// What is wrong.
        reason: String,
    },
    /// Id-token verification is configured but no `idToken` to verify.
    #[error(
        "id-token verification is configured but property `idToken` is not set; set it to the \
         token to verify, e.g. \"{{headers.authorization}}\""
    )]
    VerificationWithoutIdToken,
    /// `connectionStringSetting` holds something with `=`: a connection string pasted where
    /// the setting's *name* belongs. The value is not repeated here, since it holds the key.
    #[error(
        "property `connectionStringSetting` must be the name of the setting that holds the \
         connection string (e.g. \"AzureSignalRConnectionString\"), not the connection string \
         itself; move the connection string into that setting"
    )]
    ConnectionStringAsSettingName,
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
