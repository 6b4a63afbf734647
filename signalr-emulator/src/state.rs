//! The service's state: negotiated connections (sessions), hubs with their groups, and what a
//! connection does with the bytes a client sends.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{Notify, mpsc, watch};

use crate::Settings;
use crate::protocol::{self, FrameReader, HubMessage, Outcome, Protocol, ProtocolError};
use crate::upstream::{Upstream, UpstreamEvent};

/// How a client reaches its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    WebSockets,
    ServerSentEvents,
    LongPolling,
}

impl Transport {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Transport::WebSockets => "WebSockets",
            Transport::ServerSentEvents => "ServerSentEvents",
            Transport::LongPolling => "LongPolling",
        }
    }
}

/// Where a connection is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Negotiated, no handshake yet.
    Negotiated,
    /// Handshake done: in its hub, receiving messages.
    Connected,
    /// Closed, with the error the client is told, if any.
    Closed { error: Option<String> },
}

/// What a transport writes to its client.
#[derive(Debug, Clone)]
pub(crate) enum Outbound {
    /// A message, encoded in the connection's protocol when written.
    Message(Arc<HubMessage>),
    /// Bytes already framed (the handshake answer, an upstream's answer).
    Raw(Bytes),
}

/// One negotiated connection.
pub(crate) struct Session {
    pub(crate) connection_token: String,
    pub(crate) connection_id: String,
    pub(crate) hub: String,
    pub(crate) user_id: Option<String>,
    pub(crate) claims: Vec<String>,
    /// With close-on-auth-expiry, when the login ends (Unix seconds): the connection is closed
    /// then.
    pub(crate) auth_expires_at: Option<u64>,
    pub(crate) client_query: String,
    pub(crate) transport: OnceLock<Transport>,
    pub(crate) protocol: OnceLock<Protocol>,
    pub(crate) phase: watch::Sender<Phase>,
    pub(crate) outbound: mpsc::Sender<Outbound>,
    pub(crate) outbound_rx: tokio::sync::Mutex<mpsc::Receiver<Outbound>>,
    pub(crate) input: tokio::sync::Mutex<Input>,
    pub(crate) events: mpsc::Sender<UpstreamEvent>,
    pub(crate) registered: AtomicBool,
    pub(crate) close_sent: AtomicBool,
    pub(crate) last_seen_ms: AtomicU64,
    pub(crate) poll_cancel: Notify,
    pub(crate) started: Instant,
}

/// The bytes of a client not yet made into messages.
pub(crate) enum Input {
    Handshake(Vec<u8>),
    Messages(FrameReader),
}

impl Session {
    /// Closes the connection; the first reason given is the one the client sees.
    pub(crate) fn close(&self, error: Option<String>) {
        self.phase.send_if_modified(|phase| {
            if matches!(phase, Phase::Closed { .. }) {
                false
            } else {
                *phase = Phase::Closed { error };
                true
            }
        });
    }

    /// Closes the connection at the client's request: no close message goes back.
    pub(crate) fn close_by_client(&self) {
        self.close_sent.store(true, Ordering::Release);
        self.close(None);
    }

    pub(crate) fn is_closed(&self) -> bool {
        matches!(*self.phase.borrow(), Phase::Closed { .. })
    }

    pub(crate) fn close_error(&self) -> Option<String> {
        match &*self.phase.borrow() {
            Phase::Closed { error } => error.clone(),
            _ => None,
        }
    }

    pub(crate) fn touch(&self) {
        let now = self.started.elapsed().as_millis() as u64;
        self.last_seen_ms.store(now, Ordering::Relaxed);
    }

    pub(crate) fn idle_for(&self) -> Duration {
        let now = self.started.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_seen_ms.load(Ordering::Relaxed)))
    }

    /// Queues an item for the client; a client that cannot keep up is closed.
    pub(crate) fn send(&self, item: Outbound) {
        match self.outbound.try_send(item) {
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(connection = %self.connection_id, "closing a connection that does not keep up with its messages");
                self.close(Some(
                    "The connection was closed because it did not read its messages fast enough."
                        .into(),
                ));
            }
        }
    }

    /// The bytes of one outbound item in the connection's protocol.
    pub(crate) fn encode(&self, item: &Outbound) -> Bytes {
        match item {
            Outbound::Raw(bytes) => bytes.clone(),
            Outbound::Message(message) => Bytes::from(protocol::encode(
                self.protocol.get().copied().unwrap_or(Protocol::Json),
                message,
            )),
        }
    }

    /// The close message to write once, if the handshake was done.
    pub(crate) fn take_close_message(&self) -> Option<Bytes> {
        let protocol = *self.protocol.get()?;
        if self.close_sent.swap(true, Ordering::AcqRel) {
            return None;
        }
        Some(Bytes::from(protocol::encode(
            protocol,
            &HubMessage::close(self.close_error()),
        )))
    }

    /// Whether frames written to the client are binary.
    pub(crate) fn is_binary(&self) -> bool {
        self.protocol.get().is_some_and(|p| p.is_binary())
    }
}

/// One hub: its live connections and its groups.
#[derive(Default)]
pub(crate) struct Hub {
    connections: HashMap<String, Arc<Session>>,
    groups: HashMap<String, HashSet<String>>,
    user_groups: HashMap<String, HashMap<String, Option<Instant>>>,
}

impl Hub {
    pub(crate) fn connection(&self, id: &str) -> Option<Arc<Session>> {
        self.connections.get(id).cloned()
    }

    pub(crate) fn all_except(&self, excluded: &[String]) -> Vec<Arc<Session>> {
        self.connections
            .values()
            .filter(|s| !excluded.contains(&s.connection_id))
            .cloned()
            .collect()
    }

    pub(crate) fn user(&self, user: &str) -> Vec<Arc<Session>> {
        self.connections
            .values()
            .filter(|s| s.user_id.as_deref() == Some(user))
            .cloned()
            .collect()
    }

    fn group_users(&self, group: &str) -> Vec<&str> {
        let now = Instant::now();
        self.user_groups
            .get(group)
            .map(|users| {
                users
                    .iter()
                    .filter(|(_, expiry)| expiry.is_none_or(|e| e > now))
                    .map(|(u, _)| u.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn group(&self, group: &str, excluded: &[String]) -> Vec<Arc<Session>> {
        let users = self.group_users(group);
        let members = self.groups.get(group);
        self.connections
            .values()
            .filter(|s| {
                members.is_some_and(|m| m.contains(&s.connection_id))
                    || s.user_id.as_deref().is_some_and(|u| users.contains(&u))
            })
            .filter(|s| !excluded.contains(&s.connection_id))
            .cloned()
            .collect()
    }

    pub(crate) fn add_connection_to_group(&mut self, group: &str, id: &str) -> bool {
        if !self.connections.contains_key(id) {
            return false;
        }
        self.groups
            .entry(group.to_owned())
            .or_default()
            .insert(id.to_owned());
        true
    }

    pub(crate) fn remove_connection_from_group(&mut self, group: &str, id: &str) -> bool {
        let Some(members) = self.groups.get_mut(group) else {
            return false;
        };
        let removed = members.remove(id);
        if members.is_empty() {
            self.groups.remove(group);
        }
        removed
    }

    pub(crate) fn remove_connection_from_all_groups(&mut self, id: &str) -> bool {
        let exists = self.connections.contains_key(id);
        self.groups.retain(|_, members| {
            members.remove(id);
            !members.is_empty()
        });
        exists
    }

    pub(crate) fn add_user_to_group(&mut self, group: &str, user: &str, ttl: Option<Duration>) {
        self.user_groups
            .entry(group.to_owned())
            .or_default()
            .insert(user.to_owned(), ttl.map(|t| Instant::now() + t));
    }

    pub(crate) fn remove_user_from_group(&mut self, group: &str, user: &str) {
        if let Some(users) = self.user_groups.get_mut(group) {
            users.remove(user);
            if users.is_empty() {
                self.user_groups.remove(group);
            }
        }
    }

    pub(crate) fn remove_user_from_all_groups(&mut self, user: &str) {
        self.user_groups.retain(|_, users| {
            users.remove(user);
            !users.is_empty()
        });
    }

    pub(crate) fn user_in_group(&self, group: &str, user: &str) -> bool {
        self.group_users(group).contains(&user)
    }

    pub(crate) fn group_exists(&self, group: &str) -> bool {
        !self.group(group, &[]).is_empty()
    }
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    pub(crate) sessions: Mutex<HashMap<String, Arc<Session>>>,
    pub(crate) hubs: Mutex<HashMap<String, Hub>>,
    pub(crate) upstream: Upstream,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A random URL-safe id of `bytes` random bytes.
pub(crate) fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::fill(&mut buf).is_err() {
        // The OS source is always there on the platforms served; a counter keeps ids unique.
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed).to_le_bytes();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = n[i % n.len()];
        }
    }
    base64_simd::URL_SAFE_NO_PAD.encode_to_string(buf)
}

/// What a negotiate learned about its client.
pub(crate) struct NewSession {
    pub(crate) hub: String,
    pub(crate) user_id: Option<String>,
    pub(crate) claims: Vec<String>,
    pub(crate) auth_expires_at: Option<u64>,
    pub(crate) client_query: String,
    pub(crate) with_token: bool,
}

impl Shared {
    pub(crate) fn hubs(&self) -> MutexGuard<'_, HashMap<String, Hub>> {
        lock(&self.hubs)
    }

    pub(crate) fn session(&self, token: &str) -> Option<Arc<Session>> {
        lock(&self.sessions).get(token).cloned()
    }

    pub(crate) fn session_count(&self) -> usize {
        lock(&self.sessions).len()
    }

    pub(crate) fn all_sessions(&self) -> Vec<Arc<Session>> {
        lock(&self.sessions).values().cloned().collect()
    }

    /// Creates a session and its supervisor; `None` when the connection limit is reached.
    pub(crate) fn create_session(self: &Arc<Self>, new: NewSession) -> Option<Arc<Session>> {
        let connection_id = random_id(16);
        let connection_token = if new.with_token {
            random_id(32)
        } else {
            connection_id.clone()
        };
        let (outbound, outbound_rx) = mpsc::channel(self.settings.outbound_queue);
        let (events, events_rx) = mpsc::channel(self.settings.pending_invocations);
        let session = Arc::new(Session {
            connection_token: connection_token.clone(),
            connection_id,
            hub: new.hub,
            user_id: new.user_id,
            claims: new.claims,
            auth_expires_at: new.auth_expires_at,
            client_query: new.client_query,
            transport: OnceLock::new(),
            protocol: OnceLock::new(),
            phase: watch::Sender::new(Phase::Negotiated),
            outbound,
            outbound_rx: tokio::sync::Mutex::new(outbound_rx),
            input: tokio::sync::Mutex::new(Input::Handshake(Vec::new())),
            events,
            registered: AtomicBool::new(false),
            close_sent: AtomicBool::new(false),
            last_seen_ms: AtomicU64::new(0),
            poll_cancel: Notify::new(),
            started: Instant::now(),
        });
        {
            let mut sessions = lock(&self.sessions);
            if sessions.len() >= self.settings.max_connections {
                return None;
            }
            sessions.insert(connection_token, session.clone());
        }
        tokio::spawn(self.upstream.clone().run(session.clone(), events_rx));
        tokio::spawn(supervise(self.clone(), session.clone()));
        Some(session)
    }

    fn register(&self, session: &Arc<Session>) {
        self.hubs()
            .entry(session.hub.clone())
            .or_default()
            .connections
            .insert(session.connection_id.clone(), session.clone());
        session.registered.store(true, Ordering::Release);
    }

    fn unregister(&self, session: &Session) {
        let mut hubs = self.hubs();
        if let Some(hub) = hubs.get_mut(&session.hub) {
            hub.connections.remove(&session.connection_id);
            hub.groups.retain(|_, members| {
                members.remove(&session.connection_id);
                !members.is_empty()
            });
            if hub.connections.is_empty() && hub.groups.is_empty() && hub.user_groups.is_empty() {
                hubs.remove(&session.hub);
            }
        }
    }

    /// Takes bytes a client sent: the handshake first, then messages. Problems close the
    /// connection with a reason.
    pub(crate) async fn receive(self: &Arc<Self>, session: &Arc<Session>, bytes: &[u8]) {
        session.touch();
        if session.is_closed() {
            return;
        }
        let mut input = session.input.lock().await;
        if let Input::Handshake(buffer) = &mut *input {
            buffer.extend_from_slice(bytes);
            let Some(end) = buffer.iter().position(|&b| b == protocol::RECORD_SEPARATOR) else {
                if buffer.len() > self.settings.max_message_size {
                    session.close(Some("Handshake request is too large.".into()));
                }
                return;
            };
            let rest = buffer[end + 1..].to_vec();
            let request = match protocol::parse_handshake(&buffer[..end]) {
                Ok(request) => request,
                Err(e) => {
                    self.refuse_handshake(session, &e.to_string());
                    return;
                }
            };
            let chosen = match request.protocol.as_str() {
                "json" => Protocol::Json,
                "messagepack" => Protocol::MessagePack,
                other => {
                    self.refuse_handshake(
                        session,
                        &format!("The protocol '{other}' is not supported."),
                    );
                    return;
                }
            };
            if !(1..=2).contains(&request.version) {
                self.refuse_handshake(
                    session,
                    &format!(
                        "The server does not support version {} of the '{}' protocol.",
                        request.version, request.protocol
                    ),
                );
                return;
            }
            if chosen.is_binary() && session.transport.get() == Some(&Transport::ServerSentEvents) {
                self.refuse_handshake(
                    session,
                    "Cannot use the 'messagepack' protocol on the current transport. The transport does not support 'Binary' transfer format.",
                );
                return;
            }
            let _ = session.protocol.set(chosen);
            session.send(Outbound::Raw(Bytes::from(protocol::handshake_response(
                None,
            ))));
            self.register(session);
            let _ = session.events.try_send(UpstreamEvent::Connected);
            session.phase.send_if_modified(|phase| {
                if *phase == Phase::Negotiated {
                    *phase = Phase::Connected;
                    true
                } else {
                    false
                }
            });
            tracing::info!(
                hub = %session.hub,
                connection = %session.connection_id,
                user = session.user_id.as_deref().unwrap_or(""),
                protocol = chosen.name(),
                transport = session.transport.get().map_or("", |t| t.name()),
                "client connected"
            );
            let mut reader = FrameReader::new(chosen, self.settings.max_message_size);
            reader.push(&rest);
            *input = Input::Messages(reader);
        } else if let Input::Messages(reader) = &mut *input {
            reader.push(bytes);
        }
        let Input::Messages(reader) = &mut *input else {
            return;
        };
        let protocol = reader_protocol(session);
        loop {
            let frame = match reader.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e) => {
                    self.protocol_error(session, &e);
                    return;
                }
            };
            match protocol::decode(protocol, &frame) {
                Ok(message) => {
                    if !self.dispatch(session, message, frame) {
                        return;
                    }
                }
                Err(e) => {
                    self.protocol_error(session, &e);
                    return;
                }
            }
        }
    }

    fn refuse_handshake(&self, session: &Session, error: &str) {
        tracing::info!(connection = %session.connection_id, error, "handshake refused");
        session.send(Outbound::Raw(Bytes::from(protocol::handshake_response(
            Some(error),
        ))));
        session.close(Some(error.to_owned()));
    }

    fn protocol_error(&self, session: &Session, error: &ProtocolError) {
        tracing::info!(connection = %session.connection_id, %error, "closing a connection that sent a bad message");
        session.close(Some(format!("Connection closed with an error: {error}.")));
    }

    /// Acts on one client message; `false` when the connection is done.
    fn dispatch(&self, session: &Arc<Session>, message: HubMessage, frame: Vec<u8>) -> bool {
        match message {
            HubMessage::Invocation {
                invocation_id,
                target,
                stream_ids,
                ..
            } => {
                if !stream_ids.is_empty() {
                    if let Some(id) = invocation_id {
                        session.send(completion_error(
                            id,
                            "Client-to-server streaming is not supported in serverless mode.",
                        ));
                    }
                    return true;
                }
                tracing::debug!(connection = %session.connection_id, target, "invocation");
                let event = UpstreamEvent::Invocation {
                    target,
                    invocation_id,
                    body: Bytes::from(frame),
                };
                if session.events.try_send(event).is_err() {
                    session.close(Some(
                        "The connection sent more invocations than can wait for the upstream."
                            .into(),
                    ));
                    return false;
                }
            }
            HubMessage::StreamInvocation { invocation_id, .. } => {
                session.send(completion_error(
                    invocation_id,
                    "Streaming invocations are not supported in serverless mode.",
                ));
            }
            HubMessage::Close { .. } => {
                tracing::debug!(connection = %session.connection_id, "client sent close");
                session.close_by_client();
                return false;
            }
            HubMessage::Ping
            | HubMessage::Completion { .. }
            | HubMessage::StreamItem { .. }
            | HubMessage::CancelInvocation { .. }
            | HubMessage::Ack { .. }
            | HubMessage::Sequence { .. } => {}
        }
        true
    }
}

fn reader_protocol(session: &Session) -> Protocol {
    session.protocol.get().copied().unwrap_or(Protocol::Json)
}

pub(crate) fn completion_error(invocation_id: String, error: &str) -> Outbound {
    Outbound::Message(Arc::new(HubMessage::Completion {
        invocation_id,
        outcome: Outcome::Error(error.to_owned()),
    }))
}

/// Delivers one message to connections.
pub(crate) fn deliver(targets: &[Arc<Session>], message: HubMessage) {
    let message = Arc::new(message);
    for session in targets {
        session.send(Outbound::Message(message.clone()));
    }
}

/// How long from now until Unix time `at` (zero when it has passed; a day when there is none,
/// a branch that is then disabled).
fn until_unix(at: Option<u64>) -> Duration {
    let Some(at) = at else {
        return Duration::from_secs(86_400);
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Duration::from_secs(at).saturating_sub(now)
}

/// Watches one connection: the handshake deadline, keep-alive pings, the client timeout, the
/// end of its login (close on auth expiry), and the clean-up once it closes.
async fn supervise(shared: Arc<Shared>, session: Arc<Session>) {
    let settings = &shared.settings;
    let mut phase = session.phase.subscribe();
    let handshake_deadline = tokio::time::sleep(settings.handshake_timeout);
    tokio::pin!(handshake_deadline);
    loop {
        let current = phase.borrow_and_update().clone();
        match current {
            Phase::Negotiated => {}
            Phase::Connected | Phase::Closed { .. } => break,
        }
        tokio::select! {
            () = &mut handshake_deadline => {
                tracing::info!(connection = %session.connection_id, "no handshake in time");
                session.close(Some("Handshake was canceled: no handshake within the time limit.".into()));
            }
            changed = phase.changed() => if changed.is_err() { break },
        }
    }
    if *phase.borrow() == Phase::Connected {
        let mut ping = tokio::time::interval(settings.keep_alive_interval);
        ping.tick().await;
        let check_every = (settings.client_timeout / 4).min(Duration::from_secs(1));
        let mut check = tokio::time::interval(check_every);
        let auth_expiry = tokio::time::sleep(until_unix(session.auth_expires_at));
        tokio::pin!(auth_expiry);
        loop {
            if session.is_closed() {
                break;
            }
            tokio::select! {
                _ = ping.tick() => session.send(Outbound::Message(Arc::new(HubMessage::Ping))),
                _ = check.tick() => {
                    if session.idle_for() > settings.client_timeout {
                        tracing::info!(connection = %session.connection_id, "client timed out");
                        session.close(Some(format!(
                            "Server timeout ({}ms) elapsed without receiving a message from the client.",
                            settings.client_timeout.as_millis()
                        )));
                    }
                }
                () = &mut auth_expiry, if session.auth_expires_at.is_some() => {
                    tracing::info!(connection = %session.connection_id, "authentication expired");
                    session.close(Some(
                        "Connection closed because its authentication expired (asrs.s.aeo).".into(),
                    ));
                }
                changed = phase.changed() => if changed.is_err() { break },
            }
        }
    }
    let error = session.close_error();
    if session.registered.swap(false, Ordering::AcqRel) {
        shared.unregister(&session);
        let _ = session
            .events
            .send(UpstreamEvent::Disconnected(error.clone()))
            .await;
        tracing::info!(hub = %session.hub, connection = %session.connection_id, error = error.as_deref().unwrap_or(""), "client disconnected");
    }
    // Long polling and Server-Sent Events clients come back for the close message: the session
    // stays a little so that they get it rather than a 404.
    if session.transport.get() != Some(&Transport::WebSockets) {
        tokio::time::sleep(settings.closed_session_grace).await;
    }
    lock(&shared.sessions).remove(&session.connection_token);
}
