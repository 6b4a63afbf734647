//! A serverless chat, as in Azure's SignalR samples, on a laptop: a page, a negotiate function
//! (the binding), and a function that broadcasts through the service's REST API.
//!
//! ```text
//! cargo run --example chat            # then open http://127.0.0.1:7071 in two browser tabs
//! cargo run --example chat -- --port 0
//! ```
//!
//! - `GET /`: the page (`examples/chat/index.html`, `chat.js`, and `signalr.js`, the official
//!   client's browser bundle, with its license in `examples/chat/signalr.LICENSE.txt`);
//! - `GET` or `POST /api/negotiate`: connection info through `#[signalr_connection_info]`;
//! - `POST /api/messages` with `{"text": "..."}`: broadcasts `newMessage` with
//!   `{"sender", "text"}` to every client through [`RestClient`].
//!
//! Without `AzureSignalRConnectionString` the emulator (`signalr-emulator`) runs in this process
//! and the example says so; with it (and any `Azure__SignalR__Endpoints__<Name>`), the same page
//! works against Azure SignalR Service in Serverless mode.
//!
//! **Who the user is, here, is whatever the page says**: the name typed in the page travels in
//! the `x-ms-client-principal-id` header, which is fine on a laptop and nowhere else. In
//! production that header comes from App Service Authentication (Easy Auth), which sets it and
//! strips it from what clients send, or the user id is read from a verified id token; see
//! `docs/identity-of-users.md`.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use clap::Parser;
use serde_json::json;
use signalr_binding::rest::{Message, RestClient};
use signalr_binding::{
    BindingContext, BindingError, DEFAULT_CONNECTION_STRING_SETTING, EnvSettings, Settings,
    SignalRConnectionInfo, signalr_connection_info,
};
use signalr_emulator::{Emulator, RunningEmulator};

/// The header that names the user (set by the page here; by App Service Authentication in
/// production).
pub const USER_HEADER: &str = "x-ms-client-principal-id";

/// The longest message accepted, in characters.
pub const MAX_TEXT: usize = 2000;

const INDEX_HTML: &str = include_str!("chat/index.html");
const CHAT_JS: &str = include_str!("chat/chat.js");
const SIGNALR_JS: &str = include_str!("chat/signalr.js");
const SIGNALR_LICENSE: &str = include_str!("chat/signalr.LICENSE.txt");

/// `cargo run --example chat -- --help`
#[derive(Debug, Parser)]
#[command(
    about = "A serverless chat: the page, negotiate through the binding, and sends through the REST API"
)]
pub struct Args {
    /// The port to serve on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 7071)]
    pub port: u16,
}

/// `GET` or `POST /api/negotiate`: connection info for hub `chat`, for the user the
/// `x-ms-client-principal-id` header names.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
pub async fn negotiate(
    request: Request,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    Ok(info)
}

/// What `POST /api/messages` takes.
#[derive(Debug, serde::Deserialize)]
pub struct NewMessage {
    /// The text to send.
    pub text: String,
}

/// `POST /api/messages`: broadcasts `newMessage` with `{"sender", "text"}` to every client.
async fn messages(
    State(rest): State<RestClient>,
    headers: HeaderMap,
    Json(new): Json<NewMessage>,
) -> Response {
    let Some(sender) = headers
        .get(USER_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return (StatusCode::UNAUTHORIZED, format!("no {USER_HEADER} header")).into_response();
    };
    let text = new.text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return (
            StatusCode::BAD_REQUEST,
            format!("the text must have 1 to {MAX_TEXT} characters"),
        )
            .into_response();
    }
    let message = match Message::new("newMessage", (json!({"sender": sender, "text": text}),)) {
        Ok(message) => message,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    match rest.send_to_all(&message).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        // The error names the endpoint, the status and the service's message, never a token.
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The application: the page, negotiate and messages. `rest` sends; the binding reads its
/// settings from a [`BindingContext`] in the request's extensions when one is layered on,
/// else from the environment.
pub fn app(rest: RestClient) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/chat.js",
            get(|| async { asset("text/javascript; charset=utf-8", CHAT_JS) }),
        )
        .route(
            "/signalr.js",
            get(|| async { asset("text/javascript; charset=utf-8", SIGNALR_JS) }),
        )
        .route(
            "/signalr.LICENSE.txt",
            get(|| async { asset("text/plain; charset=utf-8", SIGNALR_LICENSE) }),
        )
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/negotiate", get(negotiate).post(negotiate))
        .route("/api/messages", post(messages))
        .with_state(rest)
}

/// Where the service is.
#[derive(Debug)]
pub enum Service {
    /// The settings of the environment: `AzureSignalRConnectionString` and any
    /// `Azure__SignalR__Endpoints__<Name>`.
    Environment,
    /// An emulator started in this process on a free loopback port.
    Emulator,
}

/// The chat, serving.
#[derive(Debug)]
pub struct Chat {
    /// Where the page is.
    pub local_addr: SocketAddr,
    /// The emulator, when the chat runs one.
    pub emulator: Option<RunningEmulator>,
    /// The server; it stops when this is aborted or the runtime ends.
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Starts the chat on `127.0.0.1:port` (0: any free port) against `service`.
pub async fn start(port: u16, service: Service) -> Result<Chat, Box<dyn std::error::Error>> {
    let (emulator, rest, context) = match service {
        Service::Environment => {
            let rest = RestClient::builder("chat").settings(&EnvSettings).build()?;
            (None, rest, None)
        }
        Service::Emulator => {
            let emulator = Emulator::builder()
                .host("127.0.0.1")
                .port(0)
                .start()
                .await?;
            let connection = emulator.connection_string();
            let settings = move |name: &str| {
                (name == DEFAULT_CONNECTION_STRING_SETTING).then(|| connection.clone())
            };
            let rest = RestClient::builder("chat").settings(&settings).build()?;
            let context = BindingContext::new().with_settings(settings);
            (Some(emulator), rest, Some(context))
        }
    };
    let mut app = app(rest);
    if let Some(context) = context {
        app = app.layer(Extension(context));
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let local_addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Chat {
        local_addr,
        emulator,
        server,
    })
}

/// Whether the environment names a service (the binding's setting is set and not blank).
pub fn environment_has_service() -> bool {
    EnvSettings
        .get(DEFAULT_CONNECTION_STRING_SETTING)
        .is_some_and(|v| !v.trim().is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let service = if environment_has_service() {
        println!("using the SignalR Service of {DEFAULT_CONNECTION_STRING_SETTING}");
        Service::Environment
    } else {
        Service::Emulator
    };
    let chat = start(args.port, service).await?;
    if let Some(emulator) = &chat.emulator {
        println!(
            "{DEFAULT_CONNECTION_STRING_SETTING} is not set: running the local emulator in this \
             process at {} (set it to use Azure SignalR Service instead)",
            emulator.endpoint()
        );
    }
    println!(
        "chat on http://{}/ : open it in two tabs, pick two names, and send",
        chat.local_addr
    );
    tokio::select! {
        served = chat.server => served??,
        _ = tokio::signal::ctrl_c() => println!("stopping"),
    }
    Ok(())
}
