//! [`axum`] integration (feature `axum`): connection info and binding errors are responses.
//!
//! ```
//! use axum::response::IntoResponse;
//! use signalr_binding::{BindingError, SignalRConnectionInfo};
//!
//! let ok = SignalRConnectionInfo { url: "http://localhost:8888/client/?hub=chat".into(), access_token: "t".into() };
//! assert_eq!(ok.into_response().status(), 200);
//! let failed = BindingError::MissingHeader { name: "x-ms-client-principal-id".into() };
//! assert_eq!(failed.into_response().status(), 400);
//! ```

use axum::response::{IntoResponse, Response};
use http::HeaderValue;
use http::header::CONTENT_TYPE;

use crate::connection_info::SignalRConnectionInfo;
use crate::error::BindingError;
use crate::response::FromBindingError;

/// `200 OK` with the JSON answer `{"url":"...","accessToken":"..."}`.
impl IntoResponse for SignalRConnectionInfo {
    fn into_response(self) -> Response {
        json_response(http::StatusCode::OK, self.to_json())
    }
}

/// The error's [status](BindingError::status) with its [JSON body](BindingError::to_json) (and
/// the [`WWW-Authenticate`](BindingError::www_authenticate) challenge of a 401), as
/// [`FromBindingError`] answers for any `http::Response`.
impl IntoResponse for BindingError {
    fn into_response(self) -> Response {
        Response::from_binding_error(self)
    }
}

fn json_response(status: http::StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
