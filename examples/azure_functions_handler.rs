//! The negotiate function as an Azure Functions custom handler.
//!
//! `examples/azure-functions/` is the function app: `host.json` runs this binary (copied there
//! as `handler`) with HTTP request forwarding on, and `negotiate/function.json` declares an
//! HTTP trigger and an HTTP output only, which is what makes the Functions host forward the
//! original request (`/api/negotiate`, its headers and query) instead of an invocation
//! payload. The SignalR binding runs here, in Rust, from the attribute:
//!
//! ```text
//! cargo build --release --example azure_functions_handler
//! cp target/release/examples/azure_functions_handler examples/azure-functions/handler
//! cd examples/azure-functions && func start
//! ```
//!
//! The host tells the handler its port in `FUNCTIONS_CUSTOMHANDLER_PORT`; without it (run by
//! hand) the `--port` option (default 7071) is used. App settings, such as
//! `AzureSignalRConnectionString`, arrive as environment variables.
//!
//! This handler receives the connection info as a `String`, the JSON answer itself, as a C#
//! function binds it (a `String` receiver is named with `name = "..."`), and returns an
//! `http::Response<String>`: a binding failure becomes the error's status and JSON body.

use axum::Router;
use axum::extract::Request;
use axum::routing::get;
use http::{Response, header};
use signalr_binding::signalr_connection_info;
use signalr_binding_examples::settings::ExampleSettings;
use signalr_binding_examples::{NEGOTIATE_PATH, axum_app, cli, startup};

/// The environment variable through which the Functions host gives the port.
const PORT_ENV: &str = "FUNCTIONS_CUSTOMHANDLER_PORT";

/// `GET` or `POST /api/negotiate`, forwarded by the Functions host.
#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{headers.x-ms-client-principal-id}",
    name = "info"
)]
async fn negotiate(request: Request, info: String) -> Response<String> {
    tracing::info!(method = %request.method(), "connection info issued");
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(info)
        .expect("a static header is valid")
}

#[tokio::main]
async fn main() {
    let mut options = cli::from_env("azure_functions_handler");
    startup::init_tracing();
    if let Ok(port) = std::env::var(PORT_ENV) {
        match port.trim().parse() {
            Ok(port) => options.port = port,
            Err(_) => {
                eprintln!("azure_functions_handler: {PORT_ENV}=`{port}` is not a port number");
                std::process::exit(2);
            }
        }
    }
    if !options.cors_origins.is_empty() {
        eprintln!(
            "azure_functions_handler: on Azure Functions, CORS is the platform's job \
             (Host.CORS in local.settings.json, or the app's CORS settings); --cors-origin is ignored"
        );
    }
    let settings = ExampleSettings::from_env();
    let app = Router::new()
        .route(NEGOTIATE_PATH, get(negotiate).post(negotiate))
        .layer(axum::Extension(settings.context.clone()))
        .layer(axum_app::trace_layer());

    let listener = match tokio::net::TcpListener::bind(options.addr()).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "azure_functions_handler: cannot listen on {}: {error}",
                options.addr()
            );
            std::process::exit(1);
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    startup::print_banner("azure_functions_handler", addr, &settings);
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(startup::shutdown_signal())
        .await
    {
        eprintln!("azure_functions_handler: {error}");
        std::process::exit(1);
    }
}
