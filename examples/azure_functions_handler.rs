//! The negotiate function as an Azure Functions custom handler, its binding read from a
//! `function.json`.
//!
//! `examples/azure-functions/` is the function app. Its `host.json` runs this program (copied
//! there as `handler`) with HTTP request forwarding on, and its `negotiate/function.json` holds
//! only an HTTP trigger and an HTTP output: only then does the Functions host forward the
//! original request (`/api/negotiate`, its headers and query). So the SignalR binding runs here,
//! built from the `signalRConnectionInfo` block of `examples/function-json/function.json`, the
//! `function.json` a JavaScript function app has for the same function.
//!
//! ```text
//! cargo build --release --example azure_functions_handler
//! cp target/release/examples/azure_functions_handler examples/azure-functions/handler
//! cd examples/azure-functions && func start
//! ```
//!
//! App settings, such as `AzureSignalRConnectionString`, arrive as environment variables.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::routing::get;
use axum::{Extension, Router};
use signalr_binding::{
    BindingContext, BindingError, ConnectionInfoBinding, DEFAULT_CONNECTION_STRING_SETTING,
    EMULATOR_CONNECTION_STRING, FunctionJsonBinding, SignalRConnectionInfo,
};

/// The `function.json` whose `signalRConnectionInfo` input binding this handler serves.
const FUNCTION_JSON: &str = include_str!("function-json/function.json");

/// `GET` or `POST /api/negotiate`, forwarded by the Functions host.
async fn negotiate(
    State(binding): State<Arc<ConnectionInfoBinding>>,
    request: Request,
) -> Result<SignalRConnectionInfo, BindingError> {
    binding.resolve(&request)
}

/// The application: the negotiate endpoint, with the binding of [`FUNCTION_JSON`].
pub fn app() -> Router {
    let binding = FunctionJsonBinding::parse(FUNCTION_JSON)
        .expect("function.json has one valid signalRConnectionInfo binding")
        .binding;
    Router::new()
        .route("/api/negotiate", get(negotiate).post(negotiate))
        .with_state(Arc::new(binding))
}

/// The port to listen on: the one the Functions host gives in `FUNCTIONS_CUSTOMHANDLER_PORT`,
/// else the Functions default, 7071 (run by hand).
pub fn port(host_port: Option<&str>) -> u16 {
    host_port.map_or(7071, |port| {
        port.parse()
            .expect("FUNCTIONS_CUSTOMHANDLER_PORT is a port number")
    })
}

/// Settings that give the local emulator's connection string (`cargo run -p signalr-emulator`), for a
/// machine where `AzureSignalRConnectionString` is not set. It is the only setting the binding
/// reads.
pub fn emulator_settings() -> BindingContext {
    BindingContext::new().with_settings(|name: &str| {
        (name == DEFAULT_CONNECTION_STRING_SETTING).then(|| EMULATOR_CONNECTION_STRING.to_owned())
    })
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = port(
        std::env::var("FUNCTIONS_CUSTOMHANDLER_PORT")
            .ok()
            .as_deref(),
    );
    let mut app = app();
    if std::env::var_os(DEFAULT_CONNECTION_STRING_SETTING).is_none() {
        println!(
            "{DEFAULT_CONNECTION_STRING_SETTING} is not set: using the local emulator (port 8888)"
        );
        // The binding reads its settings from a `BindingContext` in the request's extensions.
        app = app.layer(Extension(emulator_settings()));
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}/api/negotiate",
        listener.local_addr()?
    );
    axum::serve(listener, app).await
}
