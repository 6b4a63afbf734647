//! What can go wrong when talking to the REST API, with the service's own answer kept.

use std::time::Duration;

use http::StatusCode;

use crate::error::BindingError;

/// Why a REST call (or building the client, or a message) failed.
///
/// A service answer that is not a success is [`RestError::Service`], with its status and the
/// error code and message of its body; [`RestError::status`] and [`RestError::is_transient`]
/// help decide whether to retry. No variant carries a token or a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RestError {
    /// The service answered with a status that is not a success.
    #[error("{endpoint} answered {operation} with {status}{}{}{}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default(), message.as_deref().map(|m| format!(": {m}")).unwrap_or_default(), hint(*status))]
    Service {
        /// The endpoint that answered (`{scheme}://{host}[:{port}]`).
        endpoint: String,
        /// What was asked, for example `send to user`.
        operation: &'static str,
        /// The answer's status.
        status: StatusCode,
        /// The error code of the body (`code`), when it is JSON with one.
        code: Option<String>,
        /// The error message of the body (`message`, else the text), at most 512 characters.
        message: Option<String>,
        /// `Retry-After`, in seconds, when the answer says how long to wait (429, 503).
        retry_after: Option<Duration>,
    },
    /// No answer within the client's timeout.
    #[error(
        "{endpoint} did not answer {operation} within {timeout:?}: check that the service is reachable, or raise the timeout (`RestClientBuilder::timeout`)"
    )]
    Timeout {
        /// The endpoint asked.
        endpoint: String,
        /// What was asked.
        operation: &'static str,
        /// The timeout that passed.
        timeout: Duration,
    },
    /// The request did not get through (connection refused, DNS, TLS).
    #[error("could not reach {endpoint} for {operation}")]
    Transport {
        /// The endpoint asked.
        endpoint: String,
        /// What was asked.
        operation: &'static str,
        /// What the HTTP client reported.
        #[source]
        source: reqwest::Error,
    },
    /// A hub name the service does not accept.
    #[error("invalid hub name")]
    HubName(#[source] signalr_binding_expression::HubNameError),
    /// An empty user id, connection id or group name.
    #[error("the {what} must not be empty")]
    Empty {
        /// `user id`, `connection id` or `group name`.
        what: &'static str,
    },
    /// A user id, connection id or group name that is `.` or `..`: in a URL path these are
    /// steps to the same or the parent directory, so the request would name something else.
    #[error(
        "the {what} {name:?} cannot be sent: `.` and `..` are path steps in a URL; use another name"
    )]
    DotName {
        /// `user id`, `connection id` or `group name`.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A message with an empty target.
    #[error("the message's target (the client method to invoke) must not be empty")]
    EmptyTarget,
    /// The message's arguments did not serialize.
    #[error("the message's arguments do not serialize to JSON")]
    Arguments(#[source] serde_json::Error),
    /// The message's arguments serialize to something else than a JSON array.
    #[error(
        "the message's arguments must serialize to a JSON array, not {found}: pass a tuple, a slice or a Vec (one argument: `(value,)`)"
    )]
    ArgumentsNotAnArray {
        /// What they serialized to.
        found: &'static str,
    },
    /// An endpoint whose connection string uses identity-based auth, in a build without the
    /// `identity` feature.
    #[error(
        "endpoint {endpoint} uses identity-based auth (AuthType={auth_type}), which needs the `identity` feature of signalr-binding: add `features = [\"identity\"]` to its entry in Cargo.toml, or use a connection string with an AccessKey"
    )]
    IdentityAuthNotSupported {
        /// The endpoint.
        endpoint: String,
        /// Its `AuthType`.
        auth_type: &'static str,
    },
    /// The signing key of an endpoint with identity-based auth could not be fetched (feature
    /// `identity`): what went wrong, and what to do, as the binding reports it.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    #[error(transparent)]
    Identity(crate::IdentityError),
    /// A client without endpoints.
    #[error(
        "the REST client has no endpoint: give it a connection string (`RestClientBuilder::connection_string`) or settings that hold one"
    )]
    NoEndpoints,
    /// The endpoints could not be read from the settings.
    #[error("the endpoints could not be read from the settings")]
    Settings(#[source] BindingError),
    /// The HTTP client could not be built (its TLS configuration).
    #[error("the HTTP client could not be built")]
    HttpClient(#[source] reqwest::Error),
}

fn hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "; the token was refused: check the connection string's AccessKey and the clock",
        403 => "; the token is not allowed this operation",
        429 => "; too many requests: wait (see retry_after) and retry",
        _ => "",
    }
}

impl RestError {
    /// The service's status, for [`RestError::Service`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Service { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: a timeout, a transport failure, a 408, 429 or
    /// 5xx answer.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } => true,
            #[cfg(feature = "identity")]
            Self::Identity(error) => error.retry_after().is_some(),
            Self::Service { status, .. } => {
                status.is_server_error()
                    || *status == StatusCode::TOO_MANY_REQUESTS
                    || *status == StatusCode::REQUEST_TIMEOUT
            }
            _ => false,
        }
    }
}
