//! The application: the negotiate endpoint and the trivial route, with CORS when configured
//! and request tracing.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use signalr_binding::{
    BindingContext, BindingError, SignalRConnectionInfo, signalr_connection_info,
};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The path of the negotiate endpoint, as Azure Functions serves a function named `negotiate`.
pub const NEGOTIATE_PATH: &str = "/api/negotiate";

/// The path of the trivial route: same server, same layers, no binding.
pub const PING_PATH: &str = "/api/ping";

/// The request header that carries the user id, as App Service Authentication sets it in front
/// of an Azure Function.
pub const USER_ID_HEADER: &str = "x-ms-client-principal-id";

/// `GET` or `POST /api/negotiate`: connection info for hub `chat`, for the user named by the
/// `x-ms-client-principal-id` header, as in `examples/negotiate.rs`.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
pub async fn negotiate(
    request: Request,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, NegotiateError> {
    // The URL is not a secret; the access token is, and is never logged.
    tracing::info!(url = %info.url, method = %request.method(), "connection info issued");
    Ok(info)
}

/// `GET` or `POST /api/ping`: a fixed short body. The baseline of the HTTP benchmark, so that
/// the cost of the negotiate endpoint can be told apart from the cost of the server and its
/// layers.
pub async fn ping() -> &'static str {
    "pong\n"
}

/// A binding failure, logged when it happens and answered as the binding error's response.
///
/// Converting from [`BindingError`] is where it is logged: a `4xx` (the request lacked the
/// header, say) at `warn`, a `5xx` (the deployment is misconfigured) at `error`, since the
/// client only gets a generic message for those.
#[derive(Debug)]
pub struct NegotiateError(pub BindingError);

impl From<BindingError> for NegotiateError {
    fn from(error: BindingError) -> Self {
        if error.is_client_error() {
            tracing::warn!(code = error.code(), %error, "negotiate refused");
        } else {
            tracing::error!(code = error.code(), %error, "negotiate failed: check the settings");
        }
        Self(error)
    }
}

impl IntoResponse for NegotiateError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// The headers a browser's SignalR client may send to the negotiate endpoint.
const ALLOWED_HEADERS: [&str; 5] = [
    "content-type",
    "authorization",
    "x-requested-with",
    "x-signalr-user-agent",
    // Only for trying things locally: in production the user id comes from a trusted
    // front end (App Service Authentication), never from the browser.
    USER_ID_HEADER,
];

/// Checks a `--cors-origin` value: `*`, or `scheme://host[:port]` without a path, as browsers
/// send it in `Origin`. A trailing `/` is dropped.
pub fn parse_origin(origin: &str) -> Result<String, String> {
    let origin = origin.trim().trim_end_matches('/');
    if origin == "*" {
        return Ok(origin.to_owned());
    }
    let ok = origin.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https")
            && !rest.is_empty()
            && !rest.contains(['/', '?', '#', ' '])
    }) && HeaderValue::from_str(origin).is_ok();
    if ok {
        Ok(origin.to_owned())
    } else {
        Err(format!(
            "`{origin}` is not an origin like `http://localhost:8080` (or `*`)"
        ))
    }
}

/// The CORS layer for `origins` (as [`parse_origin`] checked them), or `None` when the list is
/// empty: then no CORS headers are sent and browsers only call the endpoint from its own
/// origin.
///
/// `*` allows every origin without credentials. A list of origins allows those, with
/// credentials, which the browser client sends by default (`withCredentials: true`).
pub fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
        .max_age(Duration::from_secs(600));
    Some(if origins.iter().any(|origin| origin == "*") {
        layer.allow_origin(AllowOrigin::any())
    } else {
        let list = origins
            .iter()
            .filter_map(|origin| HeaderValue::from_str(origin).ok())
            .collect::<Vec<_>>();
        layer
            .allow_origin(AllowOrigin::list(list))
            .allow_credentials(true)
    })
}

/// The application: `GET`/`POST /api/negotiate` and `/api/ping`, CORS when configured, request
/// tracing, and the settings every request resolves with.
pub fn router(context: BindingContext, cors_origins: &[String]) -> Router {
    let mut router = Router::new()
        .route(NEGOTIATE_PATH, get(negotiate).post(negotiate))
        .route(PING_PATH, get(ping).post(ping))
        .fallback(not_found);
    if let Some(cors) = cors_layer(cors_origins) {
        router = router.layer(cors);
    }
    router.layer(Extension(context)).layer(trace_layer())
}

/// The request-tracing layer: one span per request with the method and the path. Not the query
/// string (a binding may read a token from it) and not the headers.
fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, fn(&Request) -> Span> {
    TraceLayer::new_for_http().make_span_with(request_span as fn(&Request) -> Span)
}

fn request_span(request: &Request) -> Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("not found: the negotiate endpoint is {NEGOTIATE_PATH}\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn ping_answers_a_fixed_body() {
        let response = ping().await.into_response();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], b"pong\n");
    }

    #[test]
    fn origins_are_scheme_host_and_port_or_a_star() {
        assert_eq!(
            parse_origin("http://localhost:3000/").as_deref(),
            Ok("http://localhost:3000")
        );
        assert_eq!(
            parse_origin(" https://a.example").as_deref(),
            Ok("https://a.example")
        );
        assert_eq!(parse_origin("*").as_deref(), Ok("*"));
        for bad in [
            "localhost:3000",
            "http://a.example/path",
            "ftp://a",
            "http://",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }
}
