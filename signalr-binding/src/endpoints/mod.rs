//! Several SignalR Service endpoints behind one binding: the Functions settings layout, the
//! negotiate router, health, and the negotiation value with connection info for every endpoint.
//!
//! This follows the Functions SignalR extension (Azure/azure-sdk-for-net,
//! `sdk/signalr/Microsoft.Azure.WebJobs.Extensions.SignalRService`) and the service SDK's
//! multiple-endpoint support (Azure/azure-signalr, `docs/sharding.md`,
//! `DefaultEndpointRouter.cs`, `ServiceEndpoint.cs`). The user guide is `docs/endpoints.md`.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use serde::{Deserialize, Serialize};

use crate::binding::Prepared;
use crate::connection_string::ConnectionString;
use crate::error::BindingError;
use crate::request::BindingRequest;
use crate::settings::{SectionRevision, Settings};

#[cfg(feature = "health-check")]
mod health;
mod negotiation;
mod router;
mod settings;
#[cfg(test)]
mod tests;

#[cfg(feature = "health-check")]
pub(crate) use health::check_now;
#[cfg(feature = "health-check")]
pub use health::{HealthCheckOptions, HealthProbe};
pub use negotiation::{EndpointConnectionInfo, SignalRNegotiation};
pub use router::{DefaultRouter, Router};
pub use settings::ENDPOINTS_SECTION;
use settings::OwnSetting;

/// Whether an endpoint takes new clients in normal operation (`Primary`) or only when no
/// primary is online (`Secondary`), as the service SDK's `EndpointType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EndpointType {
    /// Routed to while online.
    Primary,
    /// Routed to only when no primary endpoint is online.
    Secondary,
}

/// One SignalR Service endpoint of a binding: its name, type, connection string and whether
/// it is online.
///
/// A router ([`Router`]) chooses among these; the binding then signs with the chosen one's
/// key. `Debug` never shows the key.
#[derive(Clone)]
pub struct ServiceEndpoint {
    name: Box<str>,
    endpoint_type: EndpointType,
    setting: Box<str>,
    endpoint: Box<str>,
    connection: ConnectionString,
    pub(crate) prepared: Prepared,
    health: Arc<EndpointHealth>,
}

impl ServiceEndpoint {
    /// The endpoint's name: `<Name>` of `Azure:SignalR:Endpoints:<Name>`, empty for the
    /// binding's own connection-string setting.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Primary or secondary.
    pub fn endpoint_type(&self) -> EndpointType {
        self.endpoint_type
    }

    /// The name of the setting the endpoint was read from.
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// The service endpoint as `{scheme}://{host}[:{port}]{path}`, `Port` applied and a
    /// scheme's default port not written: `https://east.service.signalr.net`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The parsed connection string.
    pub fn connection_string(&self) -> &ConnectionString {
        &self.connection
    }

    /// Whether the last health check found the endpoint online (true until a check says
    /// otherwise).
    pub fn online(&self) -> bool {
        self.health.online.load(Ordering::Relaxed)
    }

    /// Marks the endpoint online or offline, as a health check does; for applications that
    /// learn an endpoint's state in their own way. A change is kept for every binding that
    /// shares this endpoint's state, until the next check.
    pub fn set_online(&self, online: bool) {
        self.health.set(online);
    }

    /// Where the health check asks: `{ServerEndpoint, else Endpoint}/api/health?api-version=2022-06-01`.
    pub fn health_url(&self) -> String {
        let base = self
            .connection
            .server_endpoint()
            .map_or_else(|| self.endpoint.to_string(), base_url);
        format!("{base}/api/health?api-version=2022-06-01")
    }

    /// The key two endpoints are the same service by: `{scheme}://{host}:{port}`, the port
    /// written even when it is the scheme's default.
    fn identity(connection: &ConnectionString) -> String {
        let url = connection.endpoint();
        format!(
            "{}://{}:{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default()
        )
    }
}

impl fmt::Debug for ServiceEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceEndpoint")
            .field("name", &self.name)
            .field("endpoint_type", &self.endpoint_type)
            .field("setting", &self.setting)
            .field("endpoint", &self.endpoint)
            .field("online", &self.online())
            .finish_non_exhaustive()
    }
}

/// `{scheme}://{host}[:{port}]{path}` with the path's trailing `/` removed.
fn base_url(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    match url.port() {
        Some(port) => format!("{}://{host}:{port}{path}", url.scheme()),
        None => format!("{}://{host}{path}", url.scheme()),
    }
}

/// An endpoint's online state, shared by every set that holds the same service.
#[derive(Debug)]
pub(crate) struct EndpointHealth {
    identity: String,
    online: AtomicBool,
}

impl EndpointHealth {
    /// Records `online`; a change is logged once (feature `health-check`).
    pub(crate) fn set(&self, online: bool) {
        let was = self.online.swap(online, Ordering::Relaxed);
        #[cfg(feature = "health-check")]
        if was != online {
            if online {
                tracing::info!(endpoint = %self.identity, "SignalR Service endpoint is online again");
            } else {
                tracing::warn!(endpoint = %self.identity, "SignalR Service endpoint is offline");
            }
        }
        #[cfg(not(feature = "health-check"))]
        let _ = (was, &self.identity);
    }
}

/// The endpoints read from one set of setting values.
pub(crate) struct EndpointSet {
    /// The `(setting, value)` pairs the set was built from (values may be secrets).
    sources: Vec<(String, String)>,
    /// Whether the first source is the binding's own setting.
    has_own: bool,
    /// The last [`SectionRevision`] of the endpoints section found
    /// to hold `sources`, or 0.
    verified: AtomicU64,
    pub(crate) endpoints: Box<[ServiceEndpoint]>,
}

/// How a binding chooses its router.
#[derive(Clone)]
pub(crate) enum RouterSlot {
    Default,
    /// Set on the builder.
    Shared(Arc<dyn Router>),
    /// Named by the attribute's `router` argument: a function or a `static`.
    Static(&'static dyn Router),
}

/// A binding's multiple-endpoint state: its router, its health-check options, and the set
/// of endpoints last read from the settings with their online states.
#[derive(Clone)]
pub(crate) struct Endpoints {
    router: RouterSlot,
    /// Whether the `Azure:SignalR:Endpoints` section is read besides the own setting.
    read_section: bool,
    #[cfg(feature = "health-check")]
    options: HealthCheckOptions,
    state: OnceLock<Arc<EndpointsState>>,
}

/// What a binding's clones share and a background health check reads.
#[derive(Default)]
pub(crate) struct EndpointsState {
    set: RwLock<Option<Arc<EndpointSet>>>,
    /// Every endpoint's health seen so far, by identity: a changed setting keeps the state of
    /// the services it still names.
    health: Mutex<Vec<Arc<EndpointHealth>>>,
    #[cfg(feature = "health-check")]
    checking: AtomicBool,
    /// The binding's own setting (made on first use).
    own: OnceLock<OwnSetting>,
}

impl EndpointsState {
    fn health_for(&self, identity: &str) -> Arc<EndpointHealth> {
        let mut all = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(health) = all.iter().find(|h| h.identity == identity) {
            return Arc::clone(health);
        }
        let health = Arc::new(EndpointHealth {
            identity: identity.to_owned(),
            online: AtomicBool::new(true),
        });
        all.push(Arc::clone(&health));
        health
    }

    /// The set last read, if any.
    pub(crate) fn current(&self) -> Option<Arc<EndpointSet>> {
        self.set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Endpoints {
    pub(crate) const fn new() -> Self {
        Self::with(true, RouterSlot::Default)
    }

    /// The state of a binding with one connection string, read from its own setting.
    pub(crate) const fn own_setting_only() -> Self {
        Self::with(false, RouterSlot::Default)
    }

    const fn with(read_section: bool, router: RouterSlot) -> Self {
        Self {
            read_section,
            router,
            #[cfg(feature = "health-check")]
            options: HealthCheckOptions::new(),
            state: OnceLock::new(),
        }
    }

    /// The state of a binding routed by `router`, reading the `Azure:SignalR:Endpoints`
    /// section (the attribute's `router` argument).
    pub(crate) const fn routed_by(router: &'static dyn Router) -> Self {
        Self::with(true, RouterSlot::Static(router))
    }

    pub(crate) fn set_router(&mut self, router: Arc<dyn Router>) {
        self.router = RouterSlot::Shared(router);
    }

    #[cfg(feature = "health-check")]
    pub(crate) fn set_health_check(&mut self, options: HealthCheckOptions) {
        self.options = options;
    }

    #[cfg(feature = "health-check")]
    pub(crate) fn options(&self) -> &HealthCheckOptions {
        &self.options
    }

    pub(crate) fn state(&self) -> &Arc<EndpointsState> {
        self.state.get_or_init(Default::default)
    }

    /// The endpoints of the current setting values: read from `settings` (the binding's own
    /// setting `own_setting` and the `Azure:SignalR:Endpoints` section), built once per
    /// distinct set of values. With more than one endpoint, starts the background health check
    /// (feature `health-check`, inside a tokio runtime).
    pub(crate) fn endpoints(
        &self,
        settings: &dyn Settings,
        own_setting: &str,
        literal_hub: Option<&str>,
    ) -> Result<Arc<EndpointSet>, BindingError> {
        let state = self.state();
        let own = state.own.get_or_init(|| OwnSetting::new(own_setting));
        if let Some(set) = state
            .current()
            .filter(|set| settings::unchanged(settings, own, self.read_section, set))
        {
            return Ok(set);
        }
        let revision = settings::section_revision(settings);
        let sources = settings::read(settings, own, self.read_section);
        let revision = settings::held_since(settings, revision);
        let has_own = sources.first().is_some_and(|(name, _)| name == own_setting);
        let endpoints =
            settings::build(settings, &sources, own_setting, literal_hub, |identity| {
                state.health_for(identity)
            })?;
        let set = Arc::new(EndpointSet {
            sources,
            has_own,
            verified: AtomicU64::new(revision.map_or(0, SectionRevision::get)),
            endpoints,
        });
        *state.set.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&set));
        #[cfg(feature = "health-check")]
        if set.endpoints.len() > 1 {
            health::start(state, &self.options);
        }
        Ok(set)
    }

    /// The endpoint the router chooses for `request`.
    pub(crate) fn route<'e>(
        &self,
        request: Option<&dyn BindingRequest>,
        endpoints: &'e [ServiceEndpoint],
    ) -> Result<&'e ServiceEndpoint, BindingError> {
        let chosen = match &self.router {
            RouterSlot::Default => router::route_default(endpoints, router::thread_random),
            RouterSlot::Shared(router) => router.route(request, endpoints),
            RouterSlot::Static(router) => router.route(request, endpoints),
        };
        chosen.ok_or(BindingError::NoEndpointOnline)
    }
}

impl fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let router = match self.router {
            RouterSlot::Default => "default",
            RouterSlot::Shared(_) | RouterSlot::Static(_) => "custom",
        };
        f.debug_struct("Endpoints")
            .field("router", &router)
            .finish_non_exhaustive()
    }
}
