//! The negotiate endpoint on plain hyper, without a web framework (nor the `axum` feature).
//!
//! ```text
//! cargo run --example hyper
//! curl -i -X POST -H 'x-ms-client-principal-id: alice' http://127.0.0.1:7071/api/negotiate
//! ```
//!
//! The handler takes the `http::Request` hyper hands over and returns an `http::Response`; when
//! the binding fails, the attribute answers with the error's status and JSON body instead (it
//! does so for any `http::Response<B>` whose body `B` is `From<String>`).

use std::convert::Infallible;

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use signalr_binding::{
    BindingContext, DEFAULT_CONNECTION_STRING_SETTING, EMULATOR_CONNECTION_STRING,
    SignalRConnectionInfo, signalr_connection_info,
};
use tokio::net::TcpListener;

/// `GET` or `POST /api/negotiate`: connection info for hub `chat`, for the user that App Service
/// Authentication names in the `x-ms-client-principal-id` header.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
fn negotiate(request: &Request<Incoming>, info: SignalRConnectionInfo) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::from(info.to_json()));
    let json = HeaderValue::from_static("application/json");
    response.headers_mut().insert(header::CONTENT_TYPE, json);
    response
}

/// Answers `GET` and `POST /api/negotiate`, with the settings of `context`; 404 or 405 otherwise.
async fn route(
    mut request: Request<Incoming>,
    context: BindingContext,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::default());
    if request.uri().path() != "/api/negotiate" {
        *response.status_mut() = StatusCode::NOT_FOUND;
    } else if !matches!(*request.method(), Method::GET | Method::POST) {
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        let allow = HeaderValue::from_static("GET, POST");
        response.headers_mut().insert(header::ALLOW, allow);
    } else {
        // The binding reads its settings from a `BindingContext` in the request's extensions.
        request.extensions_mut().insert(context);
        response = negotiate(&request);
    }
    Ok(response)
}

/// Serves HTTP/1 connections from `listener`, each request resolved with `context`.
pub async fn serve(listener: TcpListener, context: BindingContext) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let context = context.clone();
        let service = service_fn(move |request| route(request, context.clone()));
        tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
    }
}

/// Settings that give the local emulator's connection string (`cargo run -p signalr-emulator`), for a
/// machine where `AzureSignalRConnectionString` is not set. It is the only setting `negotiate`
/// reads.
pub fn emulator_settings() -> BindingContext {
    BindingContext::new().with_settings(|name: &str| {
        (name == DEFAULT_CONNECTION_STRING_SETTING).then(|| EMULATOR_CONNECTION_STRING.to_owned())
    })
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // The defaults: settings from the environment, the system clock.
    let mut context = BindingContext::new();
    if std::env::var_os(DEFAULT_CONNECTION_STRING_SETTING).is_none() {
        println!(
            "{DEFAULT_CONNECTION_STRING_SETTING} is not set: using the local emulator (port 8888)"
        );
        context = emulator_settings();
    }
    let listener = TcpListener::bind("127.0.0.1:7071").await?;
    println!(
        "listening on http://{}/api/negotiate",
        listener.local_addr()?
    );
    serve(listener, context).await
}
