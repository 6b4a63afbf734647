//! Logging set-up and the banner the example servers print when they start.

use std::net::SocketAddr;

use crate::settings::ExampleSettings;
use crate::{NEGOTIATE_PATH, USER_ID_HEADER};

/// Sends `tracing` output to stderr, filtered by `RUST_LOG` (default: `info`, and request
/// spans from `tower_http` at `debug`).
///
/// What is logged: methods, paths, statuses, latencies, the hub, the client URL and binding
/// errors. Never logged: access keys, connection strings, access tokens, request headers.
pub fn init_tracing() {
    use std::io::IsTerminal;

    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=debug"));
    // A second initialisation (tests) is harmless; ignore its error.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// The lines an example prints on stdout once it listens on `addr`.
///
/// The first line is always `listening on http://ADDR`, which tests read to find the port.
pub fn banner(name: &str, addr: SocketAddr, settings: &ExampleSettings) -> Vec<String> {
    let url = format!("http://{addr}{NEGOTIATE_PATH}");
    vec![
        format!("listening on http://{addr}"),
        format!("{name}: negotiate endpoint {url} (GET or POST)"),
        settings.describe(),
        format!("try: curl -i -X POST -H '{USER_ID_HEADER}: alice' {url}"),
    ]
}

/// Prints [`banner`] on stdout and flushes it, so a reading process sees it at once.
pub fn print_banner(name: &str, addr: SocketAddr, settings: &ExampleSettings) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in banner(name, addr, settings) {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

/// Resolves when the process gets Ctrl-C (or SIGTERM on Unix), for graceful shutdown.
pub async fn shutdown_signal() {
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
        let settings = ExampleSettings::with_lookup(|_| None);
        let lines = banner("negotiate", "127.0.0.1:7071".parse().unwrap(), &settings);
        assert_eq!(lines[0], "listening on http://127.0.0.1:7071");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("try: curl ") && l.contains("/api/negotiate"))
        );
        assert!(
            lines
                .iter()
                .all(|l| !l.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH"))
        );
    }
}
