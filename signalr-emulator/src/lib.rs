//! A local Azure SignalR Service, for development and tests with no Azure subscription and no
//! .NET.
//!
//! It serves what Azure/azure-signalr's emulator serves (`docs/emulator.md`): client negotiate,
//! the WebSockets, Server-Sent Events and long polling transports with the JSON and MessagePack
//! hub protocols, the data-plane REST API, and upstream webhooks for serverless apps. Tokens are
//! checked as the real service checks them, more strictly than Microsoft's emulator: the HS256
//! signature with the access key, `exp` and `nbf`, and the audience (for clients, the endpoint
//! without its port, `/client/?hub=`, and the hub lower-cased).
//!
//! ```no_run
//! # async fn run() -> Result<(), signalr_emulator::StartError> {
//! let emulator = signalr_emulator::Emulator::builder().port(0).start().await?;
//! println!("{}", emulator.connection_string());
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Limits: one message (a WebSocket message, a long-polling POST, a frame) is at most
//! [`DEFAULT_MAX_MESSAGE_SIZE`] bytes unless set otherwise; a connection whose queue of outgoing
//! messages fills up, that sends a malformed or unknown message, or that does not complete its
//! handshake in time is closed with a reason, and the others go on.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod client;
pub mod config;
pub mod protocol;
mod rest;
mod state;
mod upstream;

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::{any, post};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

pub use auth::TokenError;
pub use config::{ConfigError, UpstreamTemplate};
pub use upstream::signature;

/// The access key of Microsoft's emulator (`docs/emulator.md`), the default here too.
pub const DEFAULT_ACCESS_KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

/// The port of Microsoft's emulator, the default here too.
pub const DEFAULT_PORT: u16 = 8888;

/// The largest message a client may send, unless set otherwise: 1 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 1024 * 1024;

/// How the service behaves; set through [`EmulatorBuilder`].
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) access_key: String,
    /// The key issued to servers that authenticate with Microsoft Entra ID, if any.
    pub(crate) identity_key: Option<IdentityKey>,
    pub(crate) keep_alive_interval: Duration,
    pub(crate) client_timeout: Duration,
    pub(crate) handshake_timeout: Duration,
    pub(crate) long_poll_timeout: Duration,
    pub(crate) closed_session_grace: Duration,
    pub(crate) max_message_size: usize,
    pub(crate) max_connections: usize,
    pub(crate) outbound_queue: usize,
    pub(crate) pending_invocations: usize,
}

/// A key the service issues to an app server that authenticates with Microsoft Entra ID
/// (`GET /api/v1/auth/accessKey`), and the bearer token the emulator takes as that server's
/// Entra token.
#[derive(Clone)]
pub(crate) struct IdentityKey {
    pub(crate) bearer: String,
    pub(crate) key_id: String,
    pub(crate) key: String,
}

/// Entry point: [`Emulator::builder`].
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with Microsoft's emulator's defaults (port 8888, its access key) on
    /// `127.0.0.1`.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures and starts an emulator.
#[derive(Clone)]
pub struct EmulatorBuilder {
    host: String,
    port: u16,
    settings: Settings,
    upstream: Vec<UpstreamTemplate>,
    upstream_timeout: Duration,
    header_timeout: Duration,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("access_key", &"<redacted>")
            .field("upstream", &self.upstream)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: DEFAULT_PORT,
            settings: Settings {
                access_key: DEFAULT_ACCESS_KEY.into(),
                identity_key: None,
                keep_alive_interval: Duration::from_secs(15),
                client_timeout: Duration::from_secs(30),
                handshake_timeout: Duration::from_secs(15),
                long_poll_timeout: Duration::from_secs(90),
                closed_session_grace: Duration::from_secs(5),
                max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
                max_connections: 10_000,
                outbound_queue: 1024,
                pending_invocations: 128,
            },
            upstream: Vec::new(),
            upstream_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
        }
    }
}

impl EmulatorBuilder {
    /// The host to listen on: an IP address, or a name. `localhost` listens on `127.0.0.1`
    /// and, when it can, on `[::1]` with the same port; the connection string then says
    /// `localhost`.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// The port; `0` picks a free one ([`RunningEmulator::local_addr`] tells which).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The access key tokens are signed with.
    pub fn access_key(mut self, key: impl Into<String>) -> Self {
        self.settings.access_key = key.into();
        self
    }

    /// Issues a key to servers that authenticate with Microsoft Entra ID, as the service does
    /// for identity-based connection strings (`AuthType=azure...`): `GET
    /// /api/v1/auth/accessKey` with `Authorization: Bearer {bearer}` answers `{"KeyId":
    /// key_id, "AccessKey": key}` (another bearer is a 401, a query string a 400), and client
    /// and REST tokens whose header names `kid` = `key_id` are verified with `key`. The
    /// emulator cannot check a real Entra token: it takes `bearer` as the one the server's
    /// identity gets (a test's managed-identity stand-in hands out the same).
    pub fn identity_key(
        mut self,
        bearer: impl Into<String>,
        key_id: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        self.settings.identity_key = Some(IdentityKey {
            bearer: bearer.into(),
            key_id: key_id.into(),
            key: key.into(),
        });
        self
    }

    /// Adds an upstream template; the first one matching an event receives it.
    pub fn upstream(mut self, template: UpstreamTemplate) -> Self {
        self.upstream.push(template);
        self
    }

    /// Adds upstream templates, e.g. from [`config::load_settings`].
    pub fn upstreams(mut self, templates: impl IntoIterator<Item = UpstreamTemplate>) -> Self {
        self.upstream.extend(templates);
        self
    }

    /// How long an upstream request may take, connect to last byte (default 30 s).
    pub fn upstream_timeout(mut self, timeout: Duration) -> Self {
        self.upstream_timeout = timeout;
        self
    }

    /// How often the server pings a connected client (default 15 s).
    pub fn keep_alive_interval(mut self, interval: Duration) -> Self {
        self.settings.keep_alive_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How long a client may stay silent before it is closed (default 30 s).
    pub fn client_timeout(mut self, timeout: Duration) -> Self {
        self.settings.client_timeout = timeout.max(Duration::from_millis(10));
        self
    }

    /// How long a negotiated connection has to complete its handshake (default 15 s).
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.settings.handshake_timeout = timeout;
        self
    }

    /// How long a long poll waits for messages before it returns empty (default 90 s).
    pub fn long_poll_timeout(mut self, timeout: Duration) -> Self {
        self.settings.long_poll_timeout = timeout;
        self
    }

    /// The largest message a client may send (default [`DEFAULT_MAX_MESSAGE_SIZE`]).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.settings.max_message_size = bytes;
        self
    }

    /// How many connections may exist at once (default 10 000); negotiates past it get 429.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.settings.max_connections = connections;
        self
    }

    /// How many outgoing messages may wait for one client before it is closed (default 1024).
    pub fn outbound_queue(mut self, messages: usize) -> Self {
        self.settings.outbound_queue = messages.max(1);
        self
    }

    /// How long a client has to send a request's headers, once connected or between two
    /// requests on one connection (default 10 s); a socket that stays silent is closed.
    pub fn request_header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// Binds, then serves in the background.
    pub async fn start(self) -> Result<RunningEmulator, StartError> {
        let (listeners, advertised) = bind(&self.host, self.port).await?;
        let local_addr = listeners[0]
            .local_addr()
            .map_err(|source| StartError::Bind {
                host: self.host.clone(),
                port: self.port,
                source,
            })?;
        let shared = Arc::new(state::Shared {
            upstream: upstream::Upstream::new(
                self.upstream,
                &self.settings.access_key,
                self.upstream_timeout,
            ),
            settings: self.settings,
            sessions: Mutex::new(HashMap::new()),
            hubs: Mutex::new(HashMap::new()),
        });
        let app = router(shared.clone());
        let (stop, stopped) = watch::channel(false);
        let servers = listeners
            .into_iter()
            .map(|listener| {
                tokio::spawn(serve(
                    listener,
                    app.clone(),
                    stopped.clone(),
                    self.header_timeout,
                ))
            })
            .collect();
        tracing::info!(address = %local_addr, "listening");
        Ok(RunningEmulator {
            local_addr,
            advertised,
            shared,
            stop,
            servers,
        })
    }
}

async fn bind(host: &str, port: u16) -> Result<(Vec<TcpListener>, String), StartError> {
    let bind_error = |source| StartError::Bind {
        host: host.to_owned(),
        port,
        source,
    };
    if host.eq_ignore_ascii_case("localhost") {
        let v4 = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
            .await
            .map_err(bind_error)?;
        let chosen = v4.local_addr().map_err(bind_error)?.port();
        let mut listeners = vec![v4];
        if let Ok(v6) =
            TcpListener::bind(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), chosen)).await
        {
            listeners.push(v6);
        }
        return Ok((listeners, "localhost".into()));
    }
    let advertised = match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() => "localhost".to_owned(),
        Ok(IpAddr::V6(ip)) => format!("[{ip}]"),
        _ => host.to_owned(),
    };
    let address = match host.parse::<IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, port),
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(bind_error)?
            .next()
            .ok_or_else(|| StartError::Resolve(host.to_owned()))?,
    };
    let listener = TcpListener::bind(address).await.map_err(bind_error)?;
    Ok((vec![listener], advertised))
}

/// Accepts HTTP/1.1 connections until stopped. Each connection must send its request headers
/// within `header_timeout`, so idle sockets cannot pile up; on stop, open connections are asked
/// to finish and given 5 s.
async fn serve(
    listener: TcpListener,
    app: Router,
    stopped: watch::Receiver<bool>,
    header_timeout: Duration,
) {
    let mut connections = tokio::task::JoinSet::new();
    let mut stop = stopped.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let app = app.clone();
                    let mut stopped = stopped.clone();
                    connections.spawn(async move {
                        let service = hyper_util::service::TowerToHyperService::new(app);
                        let mut builder = hyper::server::conn::http1::Builder::new();
                        builder
                            .timer(hyper_util::rt::TokioTimer::new())
                            .header_read_timeout(header_timeout);
                        let connection = builder
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .with_upgrades();
                        tokio::pin!(connection);
                        tokio::select! {
                            _ = connection.as_mut() => return,
                            () = stopping(&mut stopped) => connection.as_mut().graceful_shutdown(),
                        }
                        let _ = tokio::time::timeout(Duration::from_secs(5), connection).await;
                    });
                }
                Err(error) => {
                    // Out of file descriptors, most likely: wait rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = stopping(&mut stop) => break,
        }
        while connections.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(Duration::from_secs(6), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

/// Resolves once the stop signal is given (or its sender is gone).
async fn stopping(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

fn router(shared: Arc<state::Shared>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .allow_credentials(true);
    Router::new()
        .route("/client/negotiate", post(client::negotiate))
        .route("/client/negotiate/", post(client::negotiate))
        .route("/client", any(client::connection))
        .route("/client/", any(client::connection))
        .route("/api/v1/auth/accessKey", any(auth::issue_identity_key))
        .route("/api/{*rest}", any(rest::handle))
        .layer(cors)
        .with_state(shared)
}

/// Why the emulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {host}:{port}")]
    Bind {
        /// The host asked for.
        host: String,
        /// The port asked for.
        port: u16,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The host name has no address.
    #[error("the host {0:?} has no address")]
    Resolve(String),
}

/// A serving emulator. Dropping it stops the server too; [`RunningEmulator::shutdown`] waits for
/// the end.
pub struct RunningEmulator {
    local_addr: SocketAddr,
    advertised: String,
    shared: Arc<state::Shared>,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("local_addr", &self.local_addr)
            .field("endpoint", &self.endpoint())
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// The address it listens on (the first one, when `localhost` binds two).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://{host}:{port}`, with the host as the connection string writes it.
    pub fn endpoint(&self) -> String {
        format!("http://{}:{}", self.advertised, self.local_addr.port())
    }

    /// The connection string of this service:
    /// `Endpoint=http://{host};Port={port};AccessKey={key};Version=1.0;`.
    pub fn connection_string(&self) -> String {
        format!(
            "Endpoint=http://{};Port={};AccessKey={};Version=1.0;",
            self.advertised,
            self.local_addr.port(),
            self.shared.settings.access_key
        )
    }

    /// How many connections exist now (negotiated, connected, or closing).
    pub fn connection_count(&self) -> usize {
        self.shared.session_count()
    }

    /// Closes every connection and stops serving.
    pub async fn shutdown(mut self) {
        self.stop_now();
        for server in std::mem::take(&mut self.servers) {
            match tokio::time::timeout(Duration::from_secs(5), server).await {
                Ok(_) => {}
                Err(_) => tracing::warn!("the server did not stop within 5 s"),
            }
        }
    }

    fn stop_now(&self) {
        for session in self.shared.all_sessions() {
            session.close(Some("The server is shutting down.".into()));
        }
        let _ = self.stop.send(true);
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}
