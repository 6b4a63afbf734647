//! The endpoints' health check, as the service SDK checks it (Azure/azure-signalr,
//! `src/Microsoft.Azure.SignalR.Management/HubInstanceFactories/RestHealthCheckService.cs`):
//! `HEAD {endpoint}/api/health?api-version=2022-06-01` without authentication, a 2 s timeout
//! per attempt, two retries 3 s apart, every two minutes, and only with more than one endpoint.
//!
//! The check runs in the background on the tokio runtime the binding first resolves in; a
//! request never waits for it. It reads the set of endpoints the last request read and stops
//! when the binding is dropped.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::{EndpointSet, EndpointsState};

/// A health probe: the answer for a health URL, `Some(true)` online, `Some(false)` offline,
/// `None` when it cannot tell (the endpoint's state is then kept).
pub type HealthProbe =
    Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Option<bool>> + Send>> + Send + Sync>;

/// How and how often the endpoints' health is checked (feature `health-check`).
///
/// The defaults are Azure's: every two minutes, a 2 s timeout, two retries 3 s apart.
/// The built-in probe sends the `HEAD` request over HTTP or HTTPS; a probe of your own
/// ([`with_probe`](Self::with_probe)) replaces it, for a proxy or a custom client.
#[derive(Clone)]
#[non_exhaustive]
pub struct HealthCheckOptions {
    /// Time between two rounds of checks.
    pub interval: Duration,
    /// The longest one attempt may take.
    pub timeout: Duration,
    /// Attempts after a failed first one before an endpoint counts as offline.
    pub retries: u32,
    /// Time between two attempts.
    pub retry_delay: Duration,
    /// Whether the binding checks by itself in the background (default); when `false`, only
    /// [`ConnectionInfoBinding::check_endpoints`](crate::ConnectionInfoBinding::check_endpoints)
    /// checks, for applications that schedule checks themselves.
    pub background: bool,
    probe: Option<HealthProbe>,
}

impl Default for HealthCheckOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl HealthCheckOptions {
    /// Azure's defaults.
    pub const fn new() -> Self {
        Self {
            interval: Duration::from_secs(120),
            timeout: Duration::from_secs(2),
            retries: 2,
            retry_delay: Duration::from_secs(3),
            background: true,
            probe: None,
        }
    }

    /// Checks every `interval`.
    #[must_use]
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Gives up one attempt after `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries a failed attempt `retries` times, `delay` apart.
    #[must_use]
    pub fn retries(mut self, retries: u32, delay: Duration) -> Self {
        self.retries = retries;
        self.retry_delay = delay;
        self
    }

    /// Checks only when asked ([`background`](Self::background) `false`).
    #[must_use]
    pub fn manual(mut self) -> Self {
        self.background = false;
        self
    }

    /// Probes with `probe` instead of the built-in client (for a proxy, or an HTTP client of
    /// your own); each attempt is still bounded by [`timeout`](Self::timeout).
    #[must_use]
    pub fn with_probe(mut self, probe: HealthProbe) -> Self {
        self.probe = Some(probe);
        self
    }
}

impl fmt::Debug for HealthCheckOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HealthCheckOptions")
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("retry_delay", &self.retry_delay)
            .field("background", &self.background)
            .field("custom_probe", &self.probe.is_some())
            .finish()
    }
}

/// Starts the background check of `state`'s endpoints, once, when a tokio runtime is current.
pub(crate) fn start(state: &Arc<EndpointsState>, options: &HealthCheckOptions) {
    if !options.background {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if state.checking.swap(true, Ordering::AcqRel) {
        return;
    }
    let weak: Weak<EndpointsState> = Arc::downgrade(state);
    let options = options.clone();
    runtime.spawn(async move {
        // When the runtime shuts down, the next resolve in another one starts a new check.
        let _restart = RestartOnDrop(weak.clone());
        loop {
            let Some(set) = weak.upgrade().and_then(|state| state.current()) else {
                return;
            };
            if set.endpoints.len() > 1 {
                check_now(&set, &options).await;
            }
            drop(set);
            tokio::time::sleep(options.interval).await;
        }
    });
}

/// Lets the background check start again once its task is gone.
struct RestartOnDrop(Weak<EndpointsState>);

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        if let Some(state) = self.0.upgrade() {
            state.checking.store(false, Ordering::Release);
        }
    }
}

/// Checks every endpoint of `set` at once and records the answers.
pub(crate) async fn check_now(set: &EndpointSet, options: &HealthCheckOptions) {
    let probe = options.probe.clone().unwrap_or_else(http_probe);
    let checks: Vec<_> = set
        .endpoints
        .iter()
        .map(|endpoint| {
            let url = endpoint.health_url();
            let health = Arc::clone(&endpoint.health);
            let probe = Arc::clone(&probe);
            let options = options.clone();
            tokio::spawn(async move {
                if let Some(online) = check(&probe, url, &options).await {
                    health.set(online);
                }
            })
        })
        .collect();
    for check in checks {
        // A panicking probe leaves its endpoint's state as it was.
        let _ = check.await;
    }
}

/// One endpoint's answer: online at the first successful attempt, offline when every attempt
/// failed, `None` when the probe cannot tell.
async fn check(probe: &HealthProbe, url: String, options: &HealthCheckOptions) -> Option<bool> {
    for attempt in 0..=options.retries {
        if attempt > 0 {
            tokio::time::sleep(options.retry_delay).await;
        }
        match tokio::time::timeout(options.timeout, probe(url.clone())).await {
            Ok(Some(true)) => return Some(true),
            Ok(None) => return None,
            Ok(Some(false)) | Err(_) => {}
        }
    }
    Some(false)
}

/// The built-in probe: `HEAD` over HTTP or HTTPS (reqwest with rustls and the Mozilla root
/// certificates); a success status is online, another status or a failed request offline. A
/// URL of another scheme cannot be told (`None`).
fn http_probe() -> HealthProbe {
    let client = reqwest::Client::builder()
        // A health answer is the status of the URL asked; a redirect is not followed.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .ok();
    Arc::new(move |url: String| {
        let client = client.clone();
        Box::pin(async move {
            let client = client?;
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return None;
            }
            Some(
                client
                    .head(url)
                    .send()
                    .await
                    .is_ok_and(|response| response.status().is_success()),
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata};

    use super::super::EndpointHealth;
    use super::*;

    /// Counts events.
    struct Events(Arc<AtomicUsize>);

    impl tracing::Subscriber for Events {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[test]
    fn each_state_change_is_logged_once() {
        let events = Arc::new(AtomicUsize::new(0));
        let health = EndpointHealth {
            identity: "http://127.0.0.1:1".into(),
            online: AtomicBool::new(true),
        };
        tracing::subscriber::with_default(Events(Arc::clone(&events)), || {
            health.set(true);
            health.set(false);
            health.set(false);
            health.set(false);
            health.set(true);
            health.set(true);
        });
        assert_eq!(events.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn defaults_are_azures() {
        let options = HealthCheckOptions::default();
        assert_eq!(options.interval, Duration::from_secs(120));
        assert_eq!(options.timeout, Duration::from_secs(2));
        assert_eq!(
            (options.retries, options.retry_delay),
            (2, Duration::from_secs(3))
        );
        assert!(options.background);
    }

    #[tokio::test]
    async fn a_probe_that_cannot_tell_keeps_the_state_and_a_slow_one_times_out() {
        let unknown: HealthProbe = Arc::new(|_| Box::pin(async { None }));
        let options = HealthCheckOptions::new().retries(1, Duration::ZERO);
        assert_eq!(check(&unknown, "https://x".into(), &options).await, None);
        let slow: HealthProbe = Arc::new(|_| {
            Box::pin(async {
                std::future::pending::<()>().await;
                Some(true)
            })
        });
        let options = options.timeout(Duration::from_millis(1));
        assert_eq!(check(&slow, "http://x".into(), &options).await, Some(false));
        assert_eq!(http_probe()("ftp://x/api/health".into()).await, None);
        // HTTPS is probed (nothing listens on port 1 of loopback: offline, not unknown).
        assert_eq!(
            http_probe()("https://127.0.0.1:1/api/health".into()).await,
            Some(false)
        );
    }
}
