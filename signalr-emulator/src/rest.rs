//! The data-plane REST API (Azure/azure-signalr `docs/rest-api.md`), under `/api/v1/` and
//! `/api/` alike, with `api-version` ignored. Status codes are those of Azure/azure-signalr's
//! emulator (`SignalRServiceEmulatorWebApi`): sends 202; adding or removing a connection in a
//! group 200, or 404 when there is no such connection (or membership); user-group changes 202;
//! existence checks 200 or 404; closing a connection 202; a bad hub or group name 400.
//!
//! The `:send` forms of the 2022-06-01 API (`POST /api/hubs/{hub}/:send`, ...) are accepted too,
//! and its `POST .../:closeConnections` for a hub, a group or a user (204).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::{self, TokenError};
use crate::client::valid_hub;
use crate::protocol::HubMessage;
use crate::state::{Shared, deliver};

fn status(code: StatusCode) -> Response {
    code.into_response()
}

fn text(code: StatusCode, body: impl Into<String>) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn valid_group(group: &str) -> bool {
    (1..=1024).contains(&group.chars().count()) && !group.chars().any(char::is_whitespace)
}

#[derive(Deserialize)]
struct Payload {
    target: String,
    #[serde(default)]
    arguments: Option<Vec<Value>>,
}

fn payload(body: &[u8]) -> Result<HubMessage, String> {
    let payload: Payload = serde_json::from_slice(body)
        .map_err(|e| format!("the body must be {{\"target\": ..., \"arguments\": [...]}} ({e})"))?;
    if payload.target.is_empty() {
        return Err("`target` must not be empty".into());
    }
    Ok(HubMessage::invocation(
        payload.target,
        payload.arguments.unwrap_or_default(),
    ))
}

fn query_values(query: Option<&str>, name: &str) -> Vec<String> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn verify(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
) -> Result<(), TokenError> {
    let token = auth::token_from_request(headers, None).ok_or(TokenError::Missing)?;
    let verified = auth::verify_with_service_key(&token, &shared.settings)?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    auth::check_rest_audience(&verified, "http", host, path, query)
}

/// Every request under `/api/`.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let rest = path
        .strip_prefix("/api/v1/")
        .or_else(|| path.strip_prefix("/api/"))
        .unwrap_or_default();
    let segments: Vec<String> = rest
        .trim_end_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = parts.method.clone();

    if segments == ["health"] && (method == Method::GET || method == Method::HEAD) {
        return status(StatusCode::OK);
    }
    if segments.first() != Some(&"hubs") || segments.len() < 2 {
        return text(StatusCode::NOT_FOUND, "no such REST API");
    }
    if let Err(e) = verify(&shared, &parts.headers, &path, query.as_deref()) {
        tracing::info!(error = %e, "REST token rejected");
        return text(StatusCode::UNAUTHORIZED, format!("token rejected: {e}"));
    }
    let hub = segments[1].to_ascii_lowercase();
    if !valid_hub(&hub) {
        return text(
            StatusCode::BAD_REQUEST,
            format!("invalid hub name {:?}", segments[1]),
        );
    }
    let body = match axum::body::to_bytes(body, shared.settings.max_message_size).await {
        Ok(body) => body,
        Err(_) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body is over the size limit",
            );
        }
    };
    let tail: Vec<&str> = segments[2..]
        .iter()
        .copied()
        .filter(|s| *s != ":send")
        .collect();
    let excluded = query_values(query.as_deref(), "excluded");
    if let Some((&":closeConnections", scope)) = tail.split_last()
        && method == Method::POST
    {
        return close_connections(&shared, &hub, scope, query.as_deref(), &excluded);
    }
    route(
        &shared,
        &method,
        &hub,
        &tail,
        &body,
        query.as_deref(),
        &excluded,
    )
}

/// `POST .../:closeConnections` for a hub, a group or a user (the 2022-06-01 API): 204.
fn close_connections(
    shared: &Shared,
    hub: &str,
    scope: &[&str],
    query: Option<&str>,
    excluded: &[String],
) -> Response {
    let targets = {
        let hubs = shared.hubs();
        let Some(h) = hubs.get(hub) else {
            return status(StatusCode::NO_CONTENT);
        };
        match scope {
            [] => h.all_except(excluded),
            ["groups", group] => h.group(group, excluded),
            ["users", user] => h
                .user(user)
                .into_iter()
                .filter(|s| !excluded.contains(&s.connection_id))
                .collect(),
            _ => return text(StatusCode::NOT_FOUND, "no such REST API"),
        }
    };
    let reason = query_values(query, "reason").into_iter().next();
    tracing::info!(hub, connections = targets.len(), "REST closes connections");
    for session in targets {
        session.close(reason.clone());
    }
    status(StatusCode::NO_CONTENT)
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn route(
    shared: &Shared,
    method: &Method,
    hub: &str,
    tail: &[&str],
    body: &Bytes,
    query: Option<&str>,
    excluded: &[String],
) -> Response {
    let is = |m: &Method| method == m;
    let check = is(&Method::GET) || is(&Method::HEAD);
    let found = |yes: bool| {
        status(if yes {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        })
    };
    let send = |targets: Vec<Arc<crate::state::Session>>| -> Response {
        match payload(body) {
            Ok(message) => {
                tracing::debug!(hub, targets = targets.len(), "REST send");
                deliver(&targets, message);
                status(StatusCode::ACCEPTED)
            }
            Err(reason) => text(StatusCode::BAD_REQUEST, reason),
        }
    };
    let with_hub = |f: &mut dyn FnMut(&mut crate::state::Hub) -> Response, missing: Response| {
        let mut hubs = shared.hubs();
        match hubs.get_mut(hub) {
            Some(h) => f(h),
            None => missing,
        }
    };
    match tail {
        [] if is(&Method::POST) => {
            let targets = shared
                .hubs()
                .get(hub)
                .map(|h| h.all_except(excluded))
                .unwrap_or_default();
            send(targets)
        }
        ["users", user] if is(&Method::POST) => {
            let targets = shared
                .hubs()
                .get(hub)
                .map(|h| h.user(user))
                .unwrap_or_default();
            send(targets)
        }
        ["users", user] if check => found(
            shared
                .hubs()
                .get(hub)
                .is_some_and(|h| !h.user(user).is_empty()),
        ),
        ["connections", id] if is(&Method::POST) => {
            let targets = shared
                .hubs()
                .get(hub)
                .and_then(|h| h.connection(id))
                .into_iter()
                .collect();
            send(targets)
        }
        ["connections", id] if check => found(
            shared
                .hubs()
                .get(hub)
                .is_some_and(|h| h.connection(id).is_some()),
        ),
        ["connections", id] if is(&Method::DELETE) => {
            let reason = query_values(query, "reason").into_iter().next();
            if let Some(session) = shared.hubs().get(hub).and_then(|h| h.connection(id)) {
                tracing::info!(hub, connection = %id, "REST closes a connection");
                session.close(reason);
            }
            status(StatusCode::ACCEPTED)
        }
        ["groups", group] if is(&Method::POST) => {
            if !valid_group(group) {
                return text(StatusCode::BAD_REQUEST, "invalid group name");
            }
            let targets = shared
                .hubs()
                .get(hub)
                .map(|h| h.group(group, excluded))
                .unwrap_or_default();
            send(targets)
        }
        ["groups", group] if check => {
            if !valid_group(group) {
                return text(StatusCode::BAD_REQUEST, "invalid group name");
            }
            found(
                shared
                    .hubs()
                    .get(hub)
                    .is_some_and(|h| h.group_exists(group)),
            )
        }
        ["groups", group, "connections", id] | ["connections", id, "groups", group]
            if is(&Method::PUT) || is(&Method::DELETE) =>
        {
            if !valid_group(group) {
                return text(StatusCode::BAD_REQUEST, "invalid group name");
            }
            let adding = is(&Method::PUT);
            with_hub(
                &mut |h| {
                    found(if adding {
                        h.add_connection_to_group(group, id)
                    } else {
                        h.remove_connection_from_group(group, id)
                    })
                },
                status(StatusCode::NOT_FOUND),
            )
        }
        ["connections", id, "groups"] if is(&Method::DELETE) => with_hub(
            &mut |h| found(h.remove_connection_from_all_groups(id)),
            status(StatusCode::NOT_FOUND),
        ),
        ["groups", group, "users", user] | ["users", user, "groups", group] => {
            if !valid_group(group) {
                return text(StatusCode::BAD_REQUEST, "invalid group name");
            }
            if check {
                return found(
                    shared
                        .hubs()
                        .get(hub)
                        .is_some_and(|h| h.user_in_group(group, user)),
                );
            }
            if is(&Method::PUT) {
                let ttl = query_values(query, "ttl")
                    .first()
                    .and_then(|t| t.parse::<u64>().ok())
                    .map(Duration::from_secs);
                shared
                    .hubs()
                    .entry(hub.to_owned())
                    .or_default()
                    .add_user_to_group(group, user, ttl);
                return status(StatusCode::ACCEPTED);
            }
            if is(&Method::DELETE) {
                if let Some(h) = shared.hubs().get_mut(hub) {
                    h.remove_user_from_group(group, user);
                }
                return status(StatusCode::ACCEPTED);
            }
            status(StatusCode::METHOD_NOT_ALLOWED)
        }
        ["users", user, "groups"] if is(&Method::DELETE) => with_hub(
            &mut |h| {
                h.remove_user_from_all_groups(user);
                status(StatusCode::OK)
            },
            status(StatusCode::ACCEPTED),
        ),
        _ => text(StatusCode::NOT_FOUND, "no such REST API"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_decoded() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn groups_follow_the_service_pattern() {
        assert!(valid_group("g1"));
        assert!(!valid_group(""));
        assert!(!valid_group("a b"));
        assert!(!valid_group(&"g".repeat(1025)));
    }
}
