//! The key cache: one per (key endpoint, credential, options), shared by every binding that
//! uses them, with one fetch in flight at a time and a background refresh on Azure's schedule
//! (Azure/azure-signalr `MicrosoftEntraAccessKey.cs`, `AccessKeySynchronizer.cs`).
//!
//! The fetches and the schedule run on a thread of the cache's own (a current-thread tokio
//! runtime), so that requests never wait on the network once a key is in hand, whatever
//! runtime (or none) the application runs: a request only reads the current key.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwapOption;
use azure_core::http::HttpClient;
use tokio::sync::{Notify, watch};

use super::credential::Signer;
use super::error::IdentityError;
use super::fetch::fetch_key;
use super::options::IdentityOptions;
use crate::connection_string::{ConnectionString, IdentityCredential};
use crate::settings::is_system_clock;
use crate::token::SigningKey;

/// A key fetched from the service, ready to sign.
pub(crate) struct FetchedKey {
    pub(crate) signing: SigningKey,
    /// Until when it may sign: its fetch (on the options' clock) plus the key lifetime; `None`
    /// for a lifetime past the clock's range.
    usable_until: Option<SystemTime>,
}

/// What the schedule knows.
#[derive(Default)]
struct Schedule {
    /// When the last refresh ended (success or failure).
    last_attempt: Option<SystemTime>,
    /// The last refresh's error; `None` after a success.
    last_error: Option<IdentityError>,
    /// Whether a refresh was asked for out of schedule (no usable key).
    demanded: bool,
}

/// The signing key of one identity for one service endpoint.
pub(crate) struct KeyCache {
    /// `{ServerEndpoint or Endpoint}/api/v1/auth/accessKey`.
    url: String,
    credential: IdentityCredential,
    /// The credential's name, for errors and logs.
    credential_name: &'static str,
    options: Arc<IdentityOptions>,
    /// Whether the options' clock is the [`SystemClock`](crate::SystemClock).
    system_clock: bool,
    /// The current key: read by every request without a lock, replaced by a refresh.
    key: ArcSwapOption<FetchedKey>,
    schedule: Mutex<Schedule>,
    /// Bumped after every refresh: waiters watch it.
    refreshed: watch::Sender<u64>,
    /// Wakes the background thread.
    wake: Notify,
    /// Whether the background thread was started.
    started: AtomicBool,
    /// How many key fetches were sent (tests and diagnostics).
    fetches: AtomicU64,
    /// The credential, built on first use (building reads the environment).
    signer: tokio::sync::Mutex<Option<Signer>>,
}

/// Identifies a cache: same endpoint, same credential, same options.
struct CacheId {
    url: String,
    credential: IdentityCredential,
    /// The options' address: only compared.
    options: usize,
}

/// Every cache, while some binding holds it.
type Registry = Mutex<Vec<(CacheId, Weak<KeyCache>)>>;

/// Every live cache.
fn registry() -> &'static Registry {
    static CACHES: OnceLock<Registry> = OnceLock::new();
    CACHES.get_or_init(|| Mutex::new(Vec::new()))
}

impl KeyCache {
    /// The shared cache for `connection`'s identity and key endpoint under `options`.
    pub(crate) fn shared(
        connection: &ConnectionString,
        credential: &IdentityCredential,
        options: &Arc<IdentityOptions>,
    ) -> Arc<KeyCache> {
        let url = connection.access_key_url();
        let mut caches = registry().lock().unwrap_or_else(PoisonError::into_inner);
        caches.retain(|(_, cache)| cache.strong_count() > 0);
        let found = caches.iter().find(|(id, _)| {
            id.url == url
                && id.credential == *credential
                && id.options == Arc::as_ptr(options) as usize
        });
        if let Some(cache) = found.and_then(|(_, cache)| cache.upgrade()) {
            return cache;
        }
        let cache = Arc::new(KeyCache {
            url: url.clone(),
            credential: credential.clone(),
            credential_name: credential.kind().credential_name(),
            options: Arc::clone(options),
            system_clock: is_system_clock(&*options.clock),
            key: ArcSwapOption::empty(),
            schedule: Mutex::new(Schedule::default()),
            refreshed: watch::channel(0).0,
            wake: Notify::new(),
            started: AtomicBool::new(false),
            fetches: AtomicU64::new(0),
            signer: tokio::sync::Mutex::new(None),
        });
        caches.push((
            CacheId {
                url,
                credential: credential.clone(),
                options: Arc::as_ptr(options) as usize,
            },
            Arc::downgrade(&cache),
        ));
        cache
    }

    /// How many key fetches were sent so far.
    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key to sign with now, without waiting. With none usable: the last refresh's error,
    /// [`IdentityError::KeyExpired`], or [`IdentityError::KeyPending`] while the first fetch
    /// runs (started here if it was not).
    pub(crate) fn current(self: &Arc<Self>) -> Result<Arc<FetchedKey>, IdentityError> {
        let now = self.options.clock.now();
        let expired = {
            let key = self.key.load();
            match key.as_ref() {
                Some(key) if self.usable(key, now) => return Ok(Arc::clone(key)),
                Some(_) => true,
                None => false,
            }
        };
        self.demand();
        let schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
        if expired {
            return Err(IdentityError::KeyExpired {
                endpoint: self.url.clone(),
                minutes: self.options.key_lifetime.as_secs() / 60,
            });
        }
        match &schedule.last_error {
            Some(error) => Err(error.clone()),
            None => Err(IdentityError::KeyPending {
                endpoint: self.url.clone(),
                credential: self.credential_name,
            }),
        }
    }

    /// `sign(key)` with the key to sign with now, borrowed for the call (no lock, no copy of
    /// the key); with none usable, [`current`](Self::current)'s error.
    ///
    /// `system_now` is a reading of the system clock the caller has just made, if it made one:
    /// when the options' clock is the system clock too, the key's age is judged at that
    /// instant (the token's `iat`) rather than by reading the clock again.
    pub(crate) fn sign_with<R>(
        self: &Arc<Self>,
        system_now: Option<SystemTime>,
        sign: impl FnOnce(&SigningKey) -> R,
    ) -> Result<R, IdentityError> {
        let now = match system_now {
            Some(now) if self.system_clock => now,
            _ => self.options.clock.now(),
        };
        {
            let key = self.key.load();
            if let Some(key) = key.as_ref().filter(|key| self.usable(key, now)) {
                return Ok(sign(&key.signing));
            }
        }
        // No usable key: start a fetch and say why (or sign with one that just arrived).
        self.current().map(|key| sign(&key.signing))
    }

    /// Waits (bounded by the options' `first_key_wait`) until a key is usable or a fetch fails.
    pub(crate) async fn wait(self: &Arc<Self>) -> Result<(), IdentityError> {
        let mut refreshed = self.refreshed.subscribe();
        let deadline = tokio::time::Instant::now() + self.options.first_key_wait;
        loop {
            refreshed.borrow_and_update();
            match self.current() {
                Ok(_) => return Ok(()),
                Err(IdentityError::KeyPending { .. } | IdentityError::KeyExpired { .. }) => {}
                Err(error) => {
                    // A failure older than the wait: a retry may be running; wait for it once.
                    if !self.retry_in_flight() {
                        return Err(error);
                    }
                }
            }
            if tokio::time::timeout_at(deadline, refreshed.changed())
                .await
                .is_err()
            {
                return match self.current() {
                    Ok(_) => Ok(()),
                    Err(IdentityError::KeyPending { .. }) => Err(IdentityError::FirstKeyTimeout {
                        endpoint: self.url.clone(),
                        credential: self.credential_name,
                        seconds: self.options.first_key_wait.as_secs(),
                    }),
                    Err(error) => Err(error),
                };
            }
        }
    }

    /// Fetches a key now (a refresh out of schedule) and waits for it, bounded.
    pub(crate) async fn refresh_now(self: &Arc<Self>) -> Result<(), IdentityError> {
        let mut refreshed = self.refreshed.subscribe();
        refreshed.borrow_and_update();
        {
            let mut schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
            schedule.demanded = true;
            schedule.last_attempt = None;
        }
        self.start();
        self.wake.notify_one();
        let _ = tokio::time::timeout(self.options.first_key_wait, refreshed.changed()).await;
        self.current().map(|_| ())
    }

    fn retry_in_flight(&self) -> bool {
        self.schedule
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .demanded
    }

    /// Whether `key` may sign at `now`: younger than the key lifetime (a clock set back before
    /// its fetch counts as young).
    fn usable(&self, key: &FetchedKey, now: SystemTime) -> bool {
        key.usable_until.is_none_or(|until| now < until)
    }

    /// Starts the background thread if needed, and asks for a fetch when there is no usable key
    /// and none failed within the retry interval.
    ///
    /// The key is looked at again under the schedule's lock, under which a refresh stores it: a
    /// caller that saw no key just before a fetch ended must not ask for another.
    fn demand(self: &Arc<Self>) {
        self.start();
        let now = self.options.clock.now();
        let mut schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
        if self
            .key
            .load()
            .as_ref()
            .is_some_and(|key| self.usable(key, now))
        {
            return;
        }
        let due = match (&schedule.last_attempt, &schedule.last_error) {
            (None, _) => true,
            (Some(at), Some(_)) => elapsed(*at, now) >= self.options.retry_interval,
            (Some(_), None) => true,
        };
        if due && !schedule.demanded {
            schedule.demanded = true;
            drop(schedule);
            self.wake.notify_one();
        }
    }

    /// Whether a scheduled refresh is due at `now`.
    fn due(&self, now: SystemTime) -> bool {
        let schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
        if schedule.demanded {
            return true;
        }
        match (&schedule.last_attempt, &schedule.last_error) {
            (None, _) => false,
            (Some(at), None) => elapsed(*at, now) >= self.options.refresh_interval,
            (Some(at), Some(_)) => elapsed(*at, now) >= self.options.retry_interval,
        }
    }

    fn start(self: &Arc<Self>) {
        if self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let weak = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name("signalr-identity".into())
            .spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(run(weak));
            });
        if spawned.is_err() {
            self.started.store(false, Ordering::Release);
        }
    }

    /// One refresh: up to `attempts` attempts, `attempt_delay` apart, each bounded by
    /// `attempt_timeout`; a failure keeps the old key (it stays usable until its lifetime ends).
    async fn refresh(&self) {
        let mut outcome = Err(IdentityError::KeyPending {
            endpoint: self.url.clone(),
            credential: self.credential_name,
        });
        for attempt in 0..self.options.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.options.attempt_delay).await;
            }
            outcome = match tokio::time::timeout(self.options.attempt_timeout, self.attempt()).await
            {
                Ok(result) => result,
                Err(_) => Err(IdentityError::Unreachable {
                    endpoint: self.url.clone(),
                    reason: format!(
                        "no key within {} s (credential and key request)",
                        self.options.attempt_timeout.as_secs_f32()
                    ),
                }),
            };
            if outcome.is_ok() {
                break;
            }
        }
        let now = self.options.clock.now();
        let previous;
        {
            let mut schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
            previous = schedule.last_error.take();
            schedule.last_attempt = Some(now);
            schedule.demanded = false;
            match outcome {
                Ok(key) => {
                    self.key.store(Some(key));
                }
                Err(ref error) => schedule.last_error = Some(error.clone()),
            }
            self.log_change(
                previous.as_ref(),
                schedule.last_error.as_ref(),
                self.fetches(),
            );
        }
        self.refreshed.send_modify(|count| *count += 1);
    }

    /// Logs a change of state only: a first failure, a different failure, a recovery.
    fn log_change(
        &self,
        previous: Option<&IdentityError>,
        now: Option<&IdentityError>,
        fetches: u64,
    ) {
        match (previous, now) {
            (_, Some(error)) if previous != Some(error) => tracing::error!(
                endpoint = %self.url,
                credential = self.credential_name,
                code = error.code(),
                hint = %error.hint(),
                "identity-based auth has no signing key: {error}"
            ),
            (Some(_), None) => tracing::info!(
                endpoint = %self.url,
                credential = self.credential_name,
                "identity-based auth recovered: signing key fetched"
            ),
            (None, None) if fetches <= 1 => tracing::info!(
                endpoint = %self.url,
                credential = self.credential_name,
                "identity-based auth: signing key fetched"
            ),
            _ => {}
        }
    }

    /// One attempt: an Entra token, then the key.
    async fn attempt(&self) -> Result<Arc<FetchedKey>, IdentityError> {
        let token = {
            let mut signer = self.signer.lock().await;
            if signer.is_none() {
                *signer = Some(Signer::build(&self.credential, &self.options)?);
            }
            let signer = signer.as_ref().expect("built above");
            signer.token(self.credential_name).await?
        };
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let http: Arc<dyn HttpClient> = match &self.options.transport {
            Some(http) => Arc::clone(http),
            None => default_http(),
        };
        let fetched = fetch_key(&*http, &self.url, &token, self.credential_name).await?;
        Ok(Arc::new(FetchedKey {
            signing: SigningKey::from_secret(fetched.access_key.secret(), Some(&fetched.key_id)),
            usable_until: self
                .options
                .clock
                .now()
                .checked_add(self.options.key_lifetime),
        }))
    }
}

/// `azure_core`'s default HTTP client, made once.
fn default_http() -> Arc<dyn HttpClient> {
    static HTTP: OnceLock<Arc<dyn HttpClient>> = OnceLock::new();
    Arc::clone(HTTP.get_or_init(|| azure_core::http::new_http_client(None)))
}

fn elapsed(since: SystemTime, now: SystemTime) -> Duration {
    now.duration_since(since).unwrap_or_default()
}

/// The background thread: refreshes when due, until the cache is dropped.
async fn run(weak: Weak<KeyCache>) {
    loop {
        let Some(cache) = weak.upgrade() else {
            return;
        };
        if cache.due(cache.options.clock.now()) {
            cache.refresh().await;
        }
        let check = cache.options.check_interval;
        let _ = tokio::time::timeout(check, cache.wake.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection_string::ConnectionString;

    /// A cache whose first refresh has just stored a key, as a request that saw no key a moment
    /// before finds it when it asks for a fetch.
    #[test]
    fn no_fetch_is_asked_for_once_a_usable_key_is_stored() {
        let connection =
            ConnectionString::parse("Endpoint=http://127.0.0.1:9;AuthType=azure.msi;Version=1.0;")
                .unwrap();
        let credential = connection.credential().identity().unwrap().clone();
        let options = Arc::new(IdentityOptions::default());
        let cache = KeyCache::shared(&connection, &credential, &options);
        // No background thread: nothing here may reach a credential's endpoint.
        cache.started.store(true, Ordering::Release);
        // What `refresh` does on success, under the schedule's lock.
        {
            let mut schedule = cache.schedule.lock().unwrap();
            schedule.last_attempt = Some(options.clock.now());
            cache.key.store(Some(Arc::new(FetchedKey {
                signing: SigningKey::from_secret("key", Some("id")),
                usable_until: None,
            })));
        }
        cache.demand();
        assert!(!cache.schedule.lock().unwrap().demanded);
        assert_eq!(cache.fetches(), 0);

        // Without a usable key, a fetch is asked for.
        cache.key.store(None);
        cache.demand();
        assert!(cache.schedule.lock().unwrap().demanded);
    }
}
