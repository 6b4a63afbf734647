//! The same negotiate endpoint on plain hyper: no web framework, no `axum` feature.
//!
//! ```text
//! cargo run --example hyper                  # http://127.0.0.1:7071/api/negotiate
//! cargo run --example hyper -- --port 0      # any free port
//! ```
//!
//! The handler takes the `http::Request` hyper hands over and returns an `http::Response`: a
//! binding failure becomes a response with the error's status and a JSON body (the attribute
//! does that for any `http::Response<B>` whose body `B` is `From<String>`).

use std::convert::Infallible;

use http::{Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use signalr_binding::{SignalRConnectionInfo, signalr_connection_info};
use signalr_binding_examples::settings::ExampleSettings;
use signalr_binding_examples::{NEGOTIATE_PATH, cli, startup};

/// `GET` or `POST /api/negotiate`: connection info for hub `chat`, for the user named by the
/// `x-ms-client-principal-id` header.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
fn negotiate(request: &Request<Incoming>, info: SignalRConnectionInfo) -> Response<Full<Bytes>> {
    tracing::info!(url = %info.url, method = %request.method(), "connection info issued");
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::from(info.to_json()))
        .expect("a static header is valid")
}

async fn route(
    mut request: Request<Incoming>,
    settings: ExampleSettings,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.uri().path() != NEGOTIATE_PATH {
        return Ok(plain(
            StatusCode::NOT_FOUND,
            "not found: the negotiate endpoint is /api/negotiate\n",
        ));
    }
    if !matches!(*request.method(), Method::GET | Method::POST) {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST\n");
        response
            .headers_mut()
            .insert(header::ALLOW, http::HeaderValue::from_static("GET, POST"));
        return Ok(response);
    }
    // The settings (connection string, with the emulator's as the fallback) reach the binding
    // through the request's extensions.
    request.extensions_mut().insert(settings.context);
    let response = negotiate(&request);
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "negotiate refused");
    }
    Ok(response)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[tokio::main]
async fn main() {
    let options = cli::from_env("hyper");
    startup::init_tracing();
    if !options.cors_origins.is_empty() {
        eprintln!("hyper: --cors-origin is only supported by the axum example (`negotiate`)");
        std::process::exit(2);
    }
    let settings = ExampleSettings::from_env();
    let listener = match tokio::net::TcpListener::bind(options.addr()).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("hyper: cannot listen on {}: {error}", options.addr());
            std::process::exit(1);
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    startup::print_banner("hyper", addr, &settings);

    let shutdown = startup::shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let settings = settings.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| route(request, settings.clone()));
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
}
