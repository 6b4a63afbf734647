//! The server the HTTP benchmark (`benches/http/run.sh`) and the end-to-end tests run: the
//! negotiate endpoint of `examples/negotiate.rs`, with what a deployed server adds around it.
//!
//! ```text
//! cargo run --bin bench-server -- --port 0 --cors-origin http://localhost:5173
//! ```
//!
//! Beside `GET`/`POST /api/negotiate` it serves `/api/ping`, a fixed `pong` through the same
//! layers (the benchmark's baseline). It logs through `tracing` to stderr (`RUST_LOG`), sends
//! CORS headers when asked to, sets `TCP_NODELAY`, stops on Ctrl-C or SIGTERM, and prints a
//! banner whose first line, `listening on http://ADDR`, tells tests and scripts its address.

mod app;
mod settings;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::serve::ListenerExt;
use clap::Parser;

use crate::app::{NEGOTIATE_PATH, USER_ID_HEADER};
use crate::settings::ServerSettings;

/// Serves the negotiate endpoint (hub `chat`) and `/api/ping`.
///
/// The connection string comes from AzureSignalRConnectionString; when it is unset, the local
/// emulator's connection string is used.
#[derive(Debug, Parser)]
#[command(name = "bench-server")]
struct Args {
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// The port to listen on; 0 picks a free port.
    #[arg(long, value_name = "N", default_value_t = 7071)]
    port: u16,
    /// Let browsers on ORIGIN call the endpoint (repeatable, or comma-separated in the
    /// environment variable); `*` allows any origin, without credentials.
    #[arg(
        long = "cors-origin",
        value_name = "ORIGIN",
        env = "SIGNALR_CORS_ORIGINS",
        value_delimiter = ',',
        value_parser = app::parse_origin
    )]
    cors_origins: Vec<String>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    init_tracing();
    if let Err(error) = serve(&args, ServerSettings::from_env()).await {
        eprintln!(
            "bench-server: cannot serve on {}: {error}",
            SocketAddr::new(args.host, args.port)
        );
        std::process::exit(1);
    }
}

/// Binds the address of `args`, prints the banner and serves until Ctrl-C or SIGTERM.
async fn serve(args: &Args, settings: ServerSettings) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind((args.host, args.port)).await?;
    let addr = listener.local_addr()?;
    // Small answers go out at once rather than waiting on Nagle's algorithm.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
    });
    print_banner(&banner(addr, &settings, &args.cors_origins));
    tracing::info!(%addr, "serving");
    let app = app::router(settings.context.clone(), &args.cors_origins);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Sends `tracing` output to stderr, filtered by `RUST_LOG` (default: `info`, and request
/// spans from `tower_http` at `debug`).
///
/// What is logged: methods, paths, statuses, latencies, the hub, the client URL and binding
/// errors. Never logged: access keys, connection strings, access tokens, request headers.
fn init_tracing() {
    use std::io::IsTerminal;

    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=debug"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// The lines the server prints on stdout once it listens on `addr`. The first is always
/// `listening on http://ADDR`.
fn banner(addr: SocketAddr, settings: &ServerSettings, cors_origins: &[String]) -> Vec<String> {
    let url = format!("http://{addr}{NEGOTIATE_PATH}");
    let mut lines = vec![
        format!("listening on http://{addr}"),
        format!("bench-server: negotiate endpoint {url} (GET or POST)"),
        settings.describe(),
    ];
    if !cors_origins.is_empty() {
        lines.push(format!("CORS: allowing {}", cors_origins.join(", ")));
    }
    lines.push(format!(
        "try: curl -i -X POST -H '{USER_ID_HEADER}: alice' {url}"
    ));
    lines
}

/// Prints `lines` on stdout and flushes them, so a reading process sees them at once.
fn print_banner(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

/// Resolves when the process gets Ctrl-C (or SIGTERM on Unix), for graceful shutdown.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_starts_with_the_address_and_never_shows_a_key() {
        let settings = ServerSettings::with_lookup(|_| None);
        let lines = banner("127.0.0.1:7071".parse().unwrap(), &settings, &[]);
        assert_eq!(lines[0], "listening on http://127.0.0.1:7071");
        assert!(
            lines
                .last()
                .is_some_and(|l| l.starts_with("try: curl ") && l.contains("/api/negotiate"))
        );
        assert!(
            lines
                .iter()
                .all(|l| !l.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH"))
        );
    }

    #[test]
    fn flags_give_the_address_and_the_origins() {
        let args =
            Args::try_parse_from(["bench-server", "--cors-origin", "http://localhost:3000/"])
                .unwrap();
        assert_eq!(args.cors_origins, ["http://localhost:3000"]);
        assert_eq!(
            SocketAddr::new(args.host, args.port).to_string(),
            "127.0.0.1:7071"
        );
        let args = Args::try_parse_from(["bench-server", "--port=0", "--host", "::1"]).unwrap();
        assert_eq!(SocketAddr::new(args.host, args.port).to_string(), "[::1]:0");
        assert!(Args::try_parse_from(["bench-server", "--cors-origin", "localhost:3000"]).is_err());
    }

    #[test]
    fn the_arguments_are_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
