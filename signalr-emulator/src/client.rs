//! The client side: `POST /client/negotiate` and the transports of `/client/` (WebSockets,
//! Server-Sent Events, long polling), as ASP.NET Core SignalR serves them (dotnet/aspnetcore,
//! `src/SignalR/docs/specs/TransportProtocols.md`).

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{FromRequestParts, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::json;

use crate::auth::{self, TokenError, VerifiedToken};
use crate::state::{NewSession, Outbound, Session, Shared, Transport};

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn query_param(uri: &Uri, name: &str) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn rejected(error: &TokenError) -> Response {
    tracing::info!(%error, "token rejected");
    text(StatusCode::UNAUTHORIZED, format!("token rejected: {error}"))
}

fn host(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_owned()
}

/// Checks a client token for `hub`.
fn verify_client(
    shared: &Shared,
    headers: &HeaderMap,
    uri: &Uri,
    hub: &str,
) -> Result<VerifiedToken, TokenError> {
    let token = auth::token_from_request(headers, uri.query()).ok_or(TokenError::Missing)?;
    let verified = auth::verify_with_service_key(&token, &shared.settings)?;
    auth::check_client_audience(&verified, "http", &host(headers), hub)?;
    Ok(verified)
}

/// Whether a hub name is one the service takes: a letter, then up to 127 letters, digits or
/// `` _`,.[] `` (Azure/azure-signalr's emulator, `SignalRServiceEmulatorWebApi.HubPattern`).
pub(crate) fn valid_hub(hub: &str) -> bool {
    let mut chars = hub.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && hub.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || "_`,.[]".contains(c))
}

/// `POST /client/negotiate?hub=H&negotiateVersion=1`.
pub(crate) async fn negotiate(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::POST {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            "negotiate takes a POST request",
        );
    }
    let Some(hub) = query_param(&uri, "hub") else {
        return text(
            StatusCode::BAD_REQUEST,
            "the `hub` query parameter is required",
        );
    };
    if !valid_hub(&hub) {
        return text(StatusCode::BAD_REQUEST, format!("invalid hub name {hub:?}"));
    }
    let verified = match verify_client(&shared, &headers, &uri, &hub) {
        Ok(verified) => verified,
        Err(e) => return rejected(&e),
    };
    let version = query_param(&uri, "negotiateVersion")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let client_query = uri
        .query()
        .map(|q| {
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(
                    form_urlencoded::parse(q.as_bytes())
                        .filter(|(k, _)| k != "access_token" && k != "negotiateVersion"),
                )
                .finish()
        })
        .unwrap_or_default();
    let Some(session) = shared.create_session(NewSession {
        hub: hub.to_ascii_lowercase(),
        user_id: verified.user_id(),
        claims: verified.claim_strings(),
        auth_expires_at: verified.auth_expires_at(),
        client_query,
        with_token: version >= 1,
    }) else {
        tracing::warn!("negotiate refused: the connection limit is reached");
        return text(
            StatusCode::TOO_MANY_REQUESTS,
            "the emulator's connection limit is reached",
        );
    };
    tracing::info!(hub = %session.hub, connection = %session.connection_id, user = session.user_id.as_deref().unwrap_or(""), "negotiated");
    let transports = json!([
        { "transport": "WebSockets", "transferFormats": ["Text", "Binary"] },
        { "transport": "ServerSentEvents", "transferFormats": ["Text"] },
        { "transport": "LongPolling", "transferFormats": ["Text", "Binary"] },
    ]);
    let body = if version >= 1 {
        json!({
            "negotiateVersion": 1,
            "connectionId": session.connection_id,
            "connectionToken": session.connection_token,
            "availableTransports": transports,
        })
    } else {
        json!({
            "negotiateVersion": 0,
            "connectionId": session.connection_id,
            "availableTransports": transports,
        })
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `/client/?hub=H&id=TOKEN`: a WebSocket, an event stream, or a long poll, by what the request
/// asks for.
pub(crate) async fn connection(
    State(shared): State<Arc<Shared>>,
    request: axum::extract::Request,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let uri = parts.uri.clone();
    let headers = parts.headers.clone();
    let Some(id) = query_param(&uri, "id") else {
        return text(StatusCode::BAD_REQUEST, "Connection ID required");
    };
    let Some(session) = shared.session(&id) else {
        return text(StatusCode::NOT_FOUND, "No Connection with that ID");
    };
    let hub = query_param(&uri, "hub").unwrap_or_default();
    if !hub.eq_ignore_ascii_case(&session.hub) {
        return text(
            StatusCode::NOT_FOUND,
            "No Connection with that ID in this hub",
        );
    }
    if let Err(e) = verify_client(&shared, &headers, &uri, &hub) {
        return rejected(&e);
    }
    let wants_socket = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let wants_events = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    let method = parts.method.clone();
    let requested = match method {
        Method::GET if wants_socket => Transport::WebSockets,
        Method::GET if wants_events => Transport::ServerSentEvents,
        Method::GET => Transport::LongPolling,
        Method::POST => match session.transport.get() {
            Some(Transport::WebSockets) => {
                return text(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "POST requests are not allowed for WebSocket connections.",
                );
            }
            Some(t) => *t,
            None => {
                return text(
                    StatusCode::BAD_REQUEST,
                    "the transport has not started for this connection",
                );
            }
        },
        Method::DELETE => {
            return match session.transport.get() {
                Some(Transport::LongPolling) => {
                    tracing::debug!(connection = %session.connection_id, "long polling client ended the connection");
                    session.close_by_client();
                    text(StatusCode::ACCEPTED, "")
                }
                _ => text(
                    StatusCode::BAD_REQUEST,
                    "Cannot terminate this connection using the DELETE endpoint.",
                ),
            };
        }
        _ => return text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
    };
    let first = session.transport.set(requested).is_ok();
    if session.transport.get() != Some(&requested) {
        return text(
            StatusCode::BAD_REQUEST,
            "Cannot change transports mid-connection",
        );
    }
    if method == Method::POST {
        let limit = shared.settings.max_message_size;
        let bytes = match axum::body::to_bytes(body, limit.saturating_add(16)).await {
            Ok(bytes) => bytes,
            Err(_) => {
                session.close(Some(format!(
                    "Connection closed with an error: a message is over the limit of {limit} bytes."
                )));
                return text(StatusCode::PAYLOAD_TOO_LARGE, "message too large");
            }
        };
        shared.receive(&session, &bytes).await;
        return text(StatusCode::OK, "");
    }
    match requested {
        Transport::WebSockets => {
            if !first {
                return text(StatusCode::CONFLICT, "the WebSocket is already connected");
            }
            let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
                Ok(upgrade) => upgrade,
                Err(rejection) => return rejection.into_response(),
            };
            let limit = shared.settings.max_message_size;
            // Small buffers: tungstenite's defaults (128 KiB each way) would cost a quarter MiB
            // per idle connection.
            upgrade
                .read_buffer_size(8 * 1024)
                .write_buffer_size(8 * 1024)
                .max_message_size(limit)
                .max_frame_size(limit)
                .on_upgrade(move |socket| run_socket(shared, session, socket))
        }
        Transport::ServerSentEvents => {
            if !first {
                return text(StatusCode::CONFLICT, "the event stream is already open");
            }
            session.touch();
            event_stream(session)
        }
        Transport::LongPolling => poll(shared, session, first).await,
    }
}

async fn run_socket(shared: Arc<Shared>, session: Arc<Session>, mut socket: WebSocket) {
    session.touch();
    let mut phase = session.phase.subscribe();
    let mut outbound = session.outbound_rx.lock().await;
    loop {
        if session.is_closed() {
            break;
        }
        tokio::select! {
            received = socket.recv() => match received {
                Some(Ok(Message::Text(text))) => shared.receive(&session, text.as_bytes()).await,
                Some(Ok(Message::Binary(bytes))) => shared.receive(&session, &bytes).await,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => session.touch(),
                Some(Ok(Message::Close(_))) | None => {
                    session.close_by_client();
                    break;
                }
                Some(Err(e)) => {
                    tracing::info!(connection = %session.connection_id, error = %e, "WebSocket error");
                    session.close(Some(format!("WebSocket error: {e}")));
                    break;
                }
            },
            item = outbound.recv() => {
                let Some(item) = item else { break };
                if socket.send(frame(&session, &item)).await.is_err() {
                    session.close(None);
                    break;
                }
            }
            _ = phase.changed() => {}
        }
    }
    // What was queued before the close goes out first, then the close message and frame.
    while let Ok(item) = outbound.try_recv() {
        if socket.send(frame(&session, &item)).await.is_err() {
            return;
        }
    }
    if let Some(close) = session.take_close_message() {
        let message = if session.is_binary() {
            Message::Binary(close)
        } else {
            Message::Text(String::from_utf8_lossy(&close).into_owned().into())
        };
        let _ = socket.send(message).await;
    }
    let error = session.close_error();
    let reason: String = error
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect();
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: if error.is_some() {
                close_code::POLICY
            } else {
                close_code::NORMAL
            },
            reason: reason.into(),
        })))
        .await;
}

fn frame(session: &Session, item: &Outbound) -> Message {
    let bytes = session.encode(item);
    if session.is_binary() {
        return Message::Binary(bytes);
    }
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => Message::Text(text.into()),
        Err(_) => Message::Binary(bytes),
    }
}

/// Closes the session when the event stream's response is dropped (the client went away).
struct StreamGuard(Arc<Session>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.close_by_client();
    }
}

fn sse_event(payload: &[u8]) -> Bytes {
    let text = String::from_utf8_lossy(payload);
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    Bytes::from(out)
}

fn event_stream(session: Arc<Session>) -> Response {
    enum Step {
        Open,
        Running,
        Done,
    }
    let guard = StreamGuard(session);
    let body = stream::unfold((guard, Step::Open), |(guard, step)| async move {
        let session = guard.0.clone();
        match step {
            Step::Open => Some((
                Ok::<_, Infallible>(Bytes::from_static(b":\r\n")),
                (guard, Step::Running),
            )),
            Step::Done => None,
            Step::Running => {
                let mut phase = session.phase.subscribe();
                let mut outbound = session.outbound_rx.lock().await;
                loop {
                    if session.is_closed() {
                        let mut out = Vec::new();
                        while let Ok(item) = outbound.try_recv() {
                            out.extend_from_slice(&sse_event(&session.encode(&item)));
                        }
                        if let Some(close) = session.take_close_message() {
                            out.extend_from_slice(&sse_event(&close));
                        }
                        drop(outbound);
                        return Some((Ok(Bytes::from(out)), (guard, Step::Done)));
                    }
                    tokio::select! {
                        item = outbound.recv() => match item {
                            Some(item) => {
                                let event = sse_event(&session.encode(&item));
                                drop(outbound);
                                return Some((Ok(event), (guard, Step::Running)));
                            }
                            None => return None,
                        },
                        _ = phase.changed() => {}
                    }
                }
            }
        }
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(body))
        .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, ""))
}

async fn poll(shared: Arc<Shared>, session: Arc<Session>, first: bool) -> Response {
    session.touch();
    if first {
        // The first poll only tells the client that the transport is up.
        return binary_or_text(&session, Bytes::new());
    }
    // A newer poll replaces an older one.
    session.poll_cancel.notify_waiters();
    let mut outbound = session.outbound_rx.lock().await;
    let mut phase = session.phase.subscribe();
    let deadline = tokio::time::sleep(shared.settings.long_poll_timeout);
    tokio::pin!(deadline);
    let cancelled = session.poll_cancel.notified();
    tokio::pin!(cancelled);
    let mut out = Vec::new();
    loop {
        while let Ok(item) = outbound.try_recv() {
            out.extend_from_slice(&session.encode(&item));
        }
        if !out.is_empty() {
            break;
        }
        if session.is_closed() {
            if let Some(close) = session.take_close_message() {
                out.extend_from_slice(&close);
                break;
            }
            return text(StatusCode::NO_CONTENT, "");
        }
        tokio::select! {
            item = outbound.recv() => match item {
                Some(item) => out.extend_from_slice(&session.encode(&item)),
                None => return text(StatusCode::NO_CONTENT, ""),
            },
            _ = phase.changed() => {}
            () = &mut deadline => break,
            () = &mut cancelled => break,
        }
    }
    session.touch();
    binary_or_text(&session, Bytes::from(out))
}

fn binary_or_text(session: &Session, body: Bytes) -> Response {
    let content_type = if session.is_binary() {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_names_follow_the_service_pattern() {
        assert!(valid_hub("chat"));
        assert!(valid_hub("Chat_1.a[b]"));
        assert!(!valid_hub("1chat"));
        assert!(!valid_hub(""));
        assert!(!valid_hub("a b"));
        assert!(!valid_hub(&"a".repeat(129)));
    }

    #[test]
    fn sse_events_put_each_line_in_a_data_field() {
        assert_eq!(&sse_event(b"a\nb")[..], b"data: a\r\ndata: b\r\n\r\n");
    }
}
