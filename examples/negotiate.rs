//! A negotiate endpoint for Azure SignalR Service on axum: the handler, the router and the
//! server, to copy into an app.
//!
//! ```text
//! cargo run --example negotiate
//! curl -i -X POST -H 'x-ms-client-principal-id: alice' http://127.0.0.1:7071/api/negotiate
//! ```
//!
//! The attribute resolves the connection info (client URL and access token) before the body
//! runs; a request it cannot serve, such as one without the user-id header, gets the error's
//! status and JSON body instead. The connection string comes from the app setting
//! `AzureSignalRConnectionString` (an environment variable), as in an Azure Function.

use axum::extract::Request;
use axum::routing::get;
use axum::{Extension, Router};
use signalr_binding::{
    BindingContext, BindingError, DEFAULT_CONNECTION_STRING_SETTING, EMULATOR_CONNECTION_STRING,
    SignalRConnectionInfo, signalr_connection_info,
};

/// `GET` or `POST /api/negotiate`: connection info for hub `chat`, for the user that App Service
/// Authentication names in the `x-ms-client-principal-id` header. The attribute removes `info`
/// from the signature and reads the header from `request`.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
pub async fn negotiate(
    request: Request,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    Ok(info)
}

/// The application: the negotiate endpoint.
pub fn app() -> Router {
    Router::new().route("/api/negotiate", get(negotiate).post(negotiate))
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
    let mut app = app();
    if std::env::var_os(DEFAULT_CONNECTION_STRING_SETTING).is_none() {
        println!(
            "{DEFAULT_CONNECTION_STRING_SETTING} is not set: using the local emulator's \
             (start it with `cargo run -p signalr-emulator`)"
        );
        // The binding reads its settings from a `BindingContext` in the request's extensions.
        app = app.layer(Extension(emulator_settings()));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:7071").await?;
    println!(
        "listening on http://{}/api/negotiate",
        listener.local_addr()?
    );
    axum::serve(listener, app).await
}
