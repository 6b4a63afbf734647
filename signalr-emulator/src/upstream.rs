//! Upstream (serverless) events: a client's connect, disconnect and invocations POSTed to the
//! first matching URL template, as Azure/azure-signalr's emulator does
//! (`HttpServerlessMessageHandler`, `HttpUpstreamTrigger`).
//!
//! Every request carries `X-ASRS-Connection-Id`, `X-ASRS-Hub`, `X-ASRS-Category`,
//! `X-ASRS-Event`, `X-ASRS-User-Id`, `X-ASRS-User-Claims`, `X-ASRS-Client-Query` and
//! `X-ASRS-Signature: sha256=HEX(HMAC-SHA256(access key, connection id))`. An invocation's answer
//! goes back to the client: a non-empty 200 as it is (it is a framed message of the client's
//! protocol), an empty 200 or a 204 as an empty completion, anything else as a completion with
//! `Invocation failed, status code N`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::mpsc;

use crate::config::UpstreamTemplate;
use crate::protocol::{HubMessage, Outcome, Protocol};
use crate::state::{Outbound, Session, completion_error};

/// The largest upstream answer relayed to a client.
const MAX_RESPONSE: usize = 16 * 1024 * 1024;

/// One event of a connection, in the order it happened.
#[derive(Debug)]
pub(crate) enum UpstreamEvent {
    Connected,
    Disconnected(Option<String>),
    Invocation {
        target: String,
        invocation_id: Option<String>,
        body: Bytes,
    },
}

/// The upstream client.
#[derive(Clone)]
pub(crate) struct Upstream {
    templates: Arc<Vec<UpstreamTemplate>>,
    client: Client<HttpConnector, Full<Bytes>>,
    access_key: Arc<str>,
    timeout: Duration,
}

enum Answer {
    Status(StatusCode, Bytes),
    Failed(String),
}

impl Upstream {
    pub(crate) fn new(
        templates: Vec<UpstreamTemplate>,
        access_key: &str,
        timeout: Duration,
    ) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        Self {
            templates: Arc::new(templates),
            client: Client::builder(TokioExecutor::new()).build(connector),
            access_key: access_key.into(),
            timeout,
        }
    }

    fn template(&self, hub: &str, category: &str, event: &str) -> Option<&UpstreamTemplate> {
        self.templates
            .iter()
            .find(|t| t.matches(hub, category, event))
    }

    /// Sends a connection's events one after the other, until its disconnect.
    pub(crate) async fn run(
        self,
        session: Arc<Session>,
        mut events: mpsc::Receiver<UpstreamEvent>,
    ) {
        while let Some(event) = events.recv().await {
            let last = matches!(event, UpstreamEvent::Disconnected(_));
            self.handle(&session, event).await;
            if last {
                break;
            }
        }
    }

    async fn handle(&self, session: &Session, event: UpstreamEvent) {
        let protocol = session.protocol.get().copied().unwrap_or(Protocol::Json);
        let (category, name, body, content_type, invocation_id) = match event {
            UpstreamEvent::Connected => (
                "connections",
                "connected".to_owned(),
                Bytes::from_static(br#"{"type":10}"#),
                "application/json",
                None,
            ),
            UpstreamEvent::Disconnected(error) => {
                let mut object = serde_json::Map::new();
                object.insert("Type".into(), 11.into());
                if let Some(error) = error {
                    object.insert("Error".into(), error.into());
                }
                (
                    "connections",
                    "disconnected".to_owned(),
                    Bytes::from(serde_json::Value::Object(object).to_string()),
                    "application/json",
                    None,
                )
            }
            UpstreamEvent::Invocation {
                target,
                invocation_id,
                body,
            } => (
                "messages",
                target,
                body,
                protocol.content_type(),
                invocation_id,
            ),
        };
        let Some(template) = self.template(&session.hub, category, &name) else {
            if let Some(id) = invocation_id {
                session.send(completion_error(
                    id,
                    &format!(
                        "No upstream is configured for hub '{}', event '{name}'.",
                        session.hub
                    ),
                ));
            }
            return;
        };
        let url = template.url(&session.hub, category, &name);
        let answer = self
            .post(session, &url, category, &name, content_type, body)
            .await;
        match &answer {
            Answer::Status(status, _) if status.is_success() => {
                tracing::debug!(connection = %session.connection_id, category, event = %name, status = status.as_u16(), "upstream answered");
            }
            Answer::Status(status, _) => {
                tracing::warn!(connection = %session.connection_id, category, event = %name, status = status.as_u16(), "upstream answered with an error status");
            }
            Answer::Failed(reason) => {
                tracing::warn!(connection = %session.connection_id, category, event = %name, url, reason, "upstream request failed");
            }
        }
        let Some(id) = invocation_id else {
            return;
        };
        let reply = match answer {
            Answer::Status(StatusCode::OK, body) if !body.is_empty() => Outbound::Raw(body),
            Answer::Status(StatusCode::OK | StatusCode::NO_CONTENT, _) => {
                Outbound::Message(Arc::new(HubMessage::Completion {
                    invocation_id: id,
                    outcome: Outcome::Void,
                }))
            }
            Answer::Status(status, _) => completion_error(
                id,
                &format!("Invocation failed, status code {}", status.as_u16()),
            ),
            Answer::Failed(reason) if reason == "response too large" => {
                completion_error(id, "Invocation failed, response too large.")
            }
            Answer::Failed(_) => completion_error(id, "Invocation failed, status code 500"),
        };
        session.send(reply);
    }

    async fn post(
        &self,
        session: &Session,
        url: &str,
        category: &str,
        event: &str,
        content_type: &str,
        body: Bytes,
    ) -> Answer {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(url)
            .header(http::header::CONTENT_TYPE, content_type);
        let headers = request.headers_mut().expect("a fresh builder has headers");
        let mut put = |name: &'static str, value: &str| {
            if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
                headers.insert(HeaderName::from_static(name), value);
            }
        };
        put("x-asrs-connection-id", &session.connection_id);
        put("x-asrs-hub", &session.hub);
        put("x-asrs-category", category);
        put("x-asrs-event", event);
        if let Some(user) = &session.user_id {
            put("x-asrs-user-id", user);
        }
        if !session.claims.is_empty() {
            put("x-asrs-user-claims", &session.claims.join(", "));
        }
        if !session.client_query.is_empty() {
            put("x-asrs-client-query", &session.client_query);
        }
        put(
            "x-asrs-signature",
            &signature(&self.access_key, &session.connection_id),
        );
        let request = match request.body(Full::new(body)) {
            Ok(request) => request,
            Err(e) => return Answer::Failed(format!("bad upstream URL ({e})")),
        };
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("{e}"))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), MAX_RESPONSE)
                .collect()
                .await
                .map_err(|_| "response too large".to_owned())?
                .to_bytes();
            Ok::<_, String>(Answer::Status(status, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(reason)) => Answer::Failed(reason),
            Err(_) => Answer::Failed(format!("no answer within {:?}", self.timeout)),
        }
    }
}

/// `sha256=` and the upper-case hex HMAC-SHA256 of the connection id with the access key.
pub fn signature(access_key: &str, connection_id: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(access_key.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(connection_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + digest.len() * 2);
    out.push_str("sha256=");
    for byte in digest {
        out.push_str(&format!("{byte:02X}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_upper_case_hex_hmac() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published vector.
        assert_eq!(
            signature("key", "The quick brown fox jumps over the lazy dog"),
            "sha256=F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8"
        );
    }
}
