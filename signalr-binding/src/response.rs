//! How a binding failure reaches the caller through a handler's return type.

use crate::error::BindingError;

/// A handler return type that can carry a [`BindingError`].
///
/// When the attribute cannot bind a request it returns
/// `FromBindingError::from_binding_error(error)` from the handler instead of running its body.
/// Implemented for:
/// - `Result<T, E>` where `E: From<BindingError>`: returns `Err`;
/// - `http::Response<B>` where `B: From<String>`: the error's status and JSON body
///   ([`BindingError::to_json`]), and for a rejected id token (401) the
///   [`WWW-Authenticate`](BindingError::www_authenticate) challenge.
///
/// Implement it for your own return types to opt them in.
#[diagnostic::on_unimplemented(
    message = "a handler returning `{Self}` cannot report a SignalR binding failure",
    label = "this return type cannot carry a `BindingError`",
    note = "return `Result<T, E>` with `E: From<signalr_binding::BindingError>`, or `http::Response<B>` with `B: From<String>`",
    note = "or implement `signalr_binding::FromBindingError` for `{Self}`"
)]
pub trait FromBindingError {
    /// The handler's answer for a request that could not be bound.
    fn from_binding_error(error: BindingError) -> Self;
}

impl<T, E: From<BindingError>> FromBindingError for Result<T, E> {
    fn from_binding_error(error: BindingError) -> Self {
        Err(E::from(error))
    }
}

impl<B: From<String>> FromBindingError for http::Response<B> {
    fn from_binding_error(error: BindingError) -> Self {
        let mut response = http::Response::new(B::from(error.to_json()));
        *response.status_mut() = error.status();
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        if let Some(after) = error.retry_after() {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, after.as_secs().into());
        }
        if let Some(challenge) = error.www_authenticate() {
            response
                .headers_mut()
                .insert(http::header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_carries_status_and_json() {
        let response = http::Response::<String>::from_binding_error(BindingError::MissingHeader {
            name: "x-a".into(),
        });
        assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        assert_eq!(body["error"]["code"], "missing_header");
        assert_eq!(body["error"]["status"], 400);
    }

    #[cfg(feature = "verify")]
    #[test]
    fn a_rejected_id_token_answers_401_with_a_bearer_challenge() {
        let error = BindingError::IdTokenRejected(crate::IdTokenRejection::Signature);
        let response = http::Response::<String>::from_binding_error(error);
        assert_eq!(response.status(), http::StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\", error_description=\"the id token was rejected: \
             its signature does not verify with the configured key\""
        );
        let other = http::Response::<String>::from_binding_error(BindingError::MissingHeader {
            name: "x-a".into(),
        });
        assert!(!other.headers().contains_key("www-authenticate"));
    }

    #[test]
    fn no_endpoint_online_answers_503_with_retry_after() {
        let response = http::Response::<String>::from_binding_error(BindingError::NoEndpointOnline);
        assert_eq!(response.status(), http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["retry-after"], "10");
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        assert_eq!(body["error"]["code"], "no_endpoint_online");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not connected yet")
        );
    }

    #[test]
    fn a_result_returns_err() {
        let error = BindingError::MissingQuery { key: "k".into() };
        let result = Result::<(), BindingError>::from_binding_error(error.clone());
        assert_eq!(result, Err(error));
    }
}
