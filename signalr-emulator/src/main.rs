//! `signalr-emulator`: a local Azure SignalR Service on `localhost:8888`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use signalr_emulator::{DEFAULT_ACCESS_KEY, DEFAULT_PORT, Emulator, UpstreamTemplate, config};
use tracing_subscriber::EnvFilter;

/// A local Azure SignalR Service: negotiate, WebSockets, Server-Sent Events and long polling, the
/// JSON and MessagePack hub protocols, the REST API and upstream webhooks.
#[derive(Debug, Parser)]
#[command(name = "signalr-emulator", version, about)]
struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,

    /// The host to listen on. `localhost` listens on 127.0.0.1 and [::1].
    #[arg(long, default_value = "localhost")]
    host: String,

    /// The access key tokens are signed with (default: the key of Microsoft's emulator).
    #[arg(long, hide_default_value = true, default_value = DEFAULT_ACCESS_KEY)]
    access_key: String,

    /// An upstream URL template receiving every event ({hub}, {category} and {event} are
    /// replaced). Repeatable; tried after the --config templates.
    #[arg(long = "upstream", value_name = "URL-TEMPLATE")]
    upstream: Vec<String>,

    /// A settings.json of Microsoft's emulator (UpstreamSettings.Templates).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let mut templates = Vec::new();
    if let Some(path) = &args.config {
        match config::load_settings(path) {
            Ok(loaded) => templates.extend(loaded),
            Err(error) => {
                eprintln!("signalr-emulator: {}", error_chain(&error));
                return ExitCode::from(2);
            }
        }
    }
    templates.extend(args.upstream.iter().map(UpstreamTemplate::new));
    for template in &templates {
        tracing::info!(
            url = %template.url_template,
            hubs = %template.hub_pattern,
            events = %template.event_pattern,
            categories = %template.category_pattern,
            "upstream"
        );
    }

    let emulator = match Emulator::builder()
        .host(&args.host)
        .port(args.port)
        .access_key(args.access_key)
        .upstreams(templates)
        .start()
        .await
    {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("signalr-emulator: {}", error_chain(&error));
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emulator.connection_string());

    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
