//! Choosing the endpoint of a negotiate: the [`Router`] trait and Azure's default router
//! (Azure/azure-signalr, `src/Microsoft.Azure.SignalR/EndpointRouters/DefaultEndpointRouter.cs`).

use std::cell::Cell;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, PoisonError};

use super::{EndpointType, ServiceEndpoint};
use crate::request::BindingRequest;

/// Chooses the endpoint a negotiate request is sent to, for geo, tenant or load-aware
/// routing.
///
/// The router sees the request (`None` when resolving without one) and every endpoint of the
/// binding, online or not ([`ServiceEndpoint::name`], [`endpoint_type`](ServiceEndpoint::endpoint_type),
/// [`endpoint`](ServiceEndpoint::endpoint), [`online`](ServiceEndpoint::online)), and returns
/// one of them; `None` fails the request with
/// [`BindingError::NoEndpointOnline`](crate::BindingError::NoEndpointOnline) (503). A router
/// runs on every request: it must not block.
///
/// Implemented for [`DefaultRouter`] and for functions and closures of the same shape:
///
/// ```
/// use signalr_binding::{BindingRequest, ServiceEndpoint};
///
/// /// Clients that say they are in Europe go to the endpoint named `europe` while it is online.
/// fn by_region<'e>(
///     request: Option<&dyn BindingRequest>,
///     endpoints: &'e [ServiceEndpoint],
/// ) -> Option<&'e ServiceEndpoint> {
///     let region = request.and_then(|r| r.headers().get("x-region")?.to_str().ok());
///     let wanted = if region == Some("eu") { "europe" } else { "america" };
///     endpoints
///         .iter()
///         .find(|e| e.name() == wanted && e.online())
///         .or_else(|| signalr_binding::DefaultRouter::new().route(request, endpoints))
/// }
/// # use signalr_binding::Router as _;
/// let binding = signalr_binding::ConnectionInfoBinding::builder("chat").router(by_region).build()?;
/// # Ok::<(), signalr_binding::ConfigError>(())
/// ```
pub trait Router: Send + Sync + 'static {
    /// The endpoint for `request`, one of `endpoints`, or `None` when none will do.
    fn route<'e>(
        &self,
        request: Option<&dyn BindingRequest>,
        endpoints: &'e [ServiceEndpoint],
    ) -> Option<&'e ServiceEndpoint>;
}

impl<F> Router for F
where
    F: for<'e> Fn(
            Option<&dyn BindingRequest>,
            &'e [ServiceEndpoint],
        ) -> Option<&'e ServiceEndpoint>
        + Send
        + Sync
        + 'static,
{
    fn route<'e>(
        &self,
        request: Option<&dyn BindingRequest>,
        endpoints: &'e [ServiceEndpoint],
    ) -> Option<&'e ServiceEndpoint> {
        self(request, endpoints)
    }
}

/// Azure's negotiate router: a single endpoint is always chosen, online or not; otherwise one
/// chosen uniformly at random among the online primaries, else among the online secondaries,
/// else none (the request fails with a 503).
///
/// [`DefaultRouter::new`] draws from a per-thread generator seeded from the operating
/// system's randomness; [`DefaultRouter::seeded`] draws from a fixed sequence, for tests.
pub struct DefaultRouter {
    seeded: Option<Mutex<u64>>,
}

impl DefaultRouter {
    /// The default router, drawing from a per-thread random generator.
    pub const fn new() -> Self {
        Self { seeded: None }
    }

    /// A default router drawing from the sequence `seed` starts (not for production: its
    /// choices are predictable).
    pub const fn seeded(seed: u64) -> Self {
        Self {
            seeded: Some(Mutex::new(seed)),
        }
    }
}

impl Default for DefaultRouter {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for DefaultRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultRouter")
            .field("seeded", &self.seeded.is_some())
            .finish()
    }
}

impl Router for DefaultRouter {
    fn route<'e>(
        &self,
        _request: Option<&dyn BindingRequest>,
        endpoints: &'e [ServiceEndpoint],
    ) -> Option<&'e ServiceEndpoint> {
        match &self.seeded {
            None => route_default(endpoints, thread_random),
            Some(state) => route_default(endpoints, |bound| {
                let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
                below(splitmix64(&mut state), bound)
            }),
        }
    }
}

/// The default routing rule, with `random(n)` drawing an index below `n`.
///
/// One pass that reads each endpoint's state once, since a health check may change it
/// meanwhile: a reservoir of one endpoint per type, the `k`-th online endpoint of a type
/// replacing the kept one with probability `1/k`, so each is chosen with probability
/// `1/(online endpoints of its type)`.
pub(crate) fn route_default(
    endpoints: &[ServiceEndpoint],
    mut random: impl FnMut(usize) -> usize,
) -> Option<&ServiceEndpoint> {
    if let [only] = endpoints {
        return Some(only);
    }
    let mut primary = (None, 0);
    let mut secondary = (None, 0);
    for endpoint in endpoints.iter().filter(|e| e.online()) {
        let (kept, seen) = match endpoint.endpoint_type() {
            EndpointType::Primary => &mut primary,
            EndpointType::Secondary => &mut secondary,
        };
        *seen += 1;
        if *seen == 1 || random(*seen) == 0 {
            *kept = Some(endpoint);
        }
    }
    primary.0.or(secondary.0)
}

thread_local! {
    static THREAD_STATE: Cell<u64> = Cell::new(RandomState::new().hash_one(0u64));
}

/// An index below `bound` from the calling thread's generator.
pub(crate) fn thread_random(bound: usize) -> usize {
    THREAD_STATE.with(|state| {
        let mut value = state.get();
        let drawn = splitmix64(&mut value);
        state.set(value);
        below(drawn, bound)
    })
}

/// The SplitMix64 generator: advances `state` and returns the next value.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `value` mapped onto `0..bound` by multiply-shift (bias below 2^-32 for small bounds).
fn below(value: u64, bound: usize) -> usize {
    ((u128::from(value) * bound as u128) >> 64) as usize
}
