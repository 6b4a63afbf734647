//! A negotiate endpoint that the official SignalR clients accept, on axum.
//!
//! ```text
//! cargo run --example negotiate                     # http://127.0.0.1:7071/api/negotiate
//! cargo run --example negotiate -- --port 0         # any free port
//! cargo run --example negotiate -- --cors-origin http://localhost:5173
//! ```
//!
//! The connection string comes from `AzureSignalRConnectionString`; without it the local
//! emulator's is used, and the first lines say so. The handler, written with
//! `#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]`,
//! is `signalr_binding_examples::axum_app::negotiate`.

use signalr_binding_examples::axum_app;
use signalr_binding_examples::cli;
use signalr_binding_examples::settings::ExampleSettings;
use signalr_binding_examples::startup;

#[tokio::main]
async fn main() {
    let options = cli::from_env("negotiate");
    startup::init_tracing();
    let settings = ExampleSettings::from_env();
    if let Err(error) = axum_app::serve("negotiate", &options, settings).await {
        eprintln!("negotiate: cannot serve on {}: {error}", options.addr());
        std::process::exit(1);
    }
}
