//! Where settings and the current time come from.
//!
//! A binding reads two kinds of setting: the connection string (by the name in
//! `connection_string_setting`, `AzureSignalRConnectionString` by default) and any whole-string
//! `%NAME%` reference in its properties. On Azure Functions both are app settings, which reach
//! the process as environment variables; [`EnvSettings`] reads those and is the default.
//!
//! An application or a test supplies its own [`Settings`] and [`Clock`] through a
//! [`BindingContext`] placed in the request's extensions, without touching the process
//! environment:
//!
//! ```
//! use std::collections::HashMap;
//! use signalr_binding::BindingContext;
//!
//! let settings = HashMap::from([(
//!     "AzureSignalRConnectionString".to_owned(),
//!     signalr_binding::EMULATOR_CONNECTION_STRING.to_owned(),
//! )]);
//! let mut request = http::Request::new(());
//! request.extensions_mut().insert(BindingContext::new().with_settings(settings));
//! ```

use std::any::Any;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::num::NonZeroU64;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use signalr_binding_expression::validate_setting_name;

/// A source of named settings: the connection string and `%NAME%` references.
///
/// Implemented for [`EnvSettings`] (the process environment, as Azure app settings arrive),
/// for `HashMap<String, String>` and `BTreeMap<String, String>`, and for closures
/// `Fn(&str) -> Option<String>`.
pub trait Settings: Send + Sync + 'static {
    /// The value of setting `name`, or `None` when it is not set.
    fn get(&self, name: &str) -> Option<Cow<'_, str>>;

    /// Calls `visit` with the name and value of every setting under the section `prefix` (for
    /// example `Azure:SignalR:Endpoints:`), each name spelled as [`get`](Self::get) takes it,
    /// in no particular order.
    ///
    /// A name matches when it starts with `prefix` compared as .NET configuration compares
    /// keys: ASCII case-insensitively, with `__` read as `:` (the environment's spelling of a
    /// section separator; [`has_section_prefix`](crate::has_section_prefix) is that rule).
    /// Used to find the settings of several SignalR Service endpoints (see
    /// `docs/endpoints.md`) on every request, so it should not allocate; sources that cannot
    /// list their names keep the default, none.
    fn for_each_with_prefix(&self, prefix: &str, visit: &mut dyn FnMut(&str, &str)) {
        let _ = (prefix, visit);
    }

    /// The names [`for_each_with_prefix`](Self::for_each_with_prefix) visits, collected.
    fn names_with_prefix(&self, prefix: &str) -> Vec<String> {
        let mut names = Vec::new();
        self.for_each_with_prefix(prefix, &mut |name, _| names.push(name.to_owned()));
        names
    }

    /// The revision of the settings under the section `prefix` that
    /// [`for_each_with_prefix`](Self::for_each_with_prefix) visits next, or `None` (the
    /// default) when the source cannot tell.
    ///
    /// Two calls that return the same revision promise the same names with the same values
    /// under the section, so a binding that has compared the section once skips comparing it
    /// again on the next request (see `docs/endpoints.md`). A source whose section can change
    /// returns a new [`SectionRevision::unique`] when it does, or `None`. [`EnvSettings`] gives
    /// the revision of its copy of the section, and a [`BindingContext`] one for a
    /// `HashMap<String, String>` or `BTreeMap<String, String>` it owns, which nothing can
    /// change.
    fn section_revision(&self, prefix: &str) -> Option<SectionRevision> {
        let _ = prefix;
        None
    }
}

/// A mark of one state of a settings section, from [`Settings::section_revision`]: equal
/// revisions mean the same names and values.
///
/// Every revision comes from [`unique`](Self::unique), so the revisions of different sources
/// never meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SectionRevision(NonZeroU64);

impl SectionRevision {
    /// A revision that no other call in the process has returned.
    pub fn unique() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        Self(NonZeroU64::new(id).expect("a 64-bit counter from 1 does not wrap"))
    }

    /// The revision as a number other than 0, for keeping in an atomic.
    pub(crate) fn get(self) -> u64 {
        self.0.get()
    }
}

/// Whether setting `name` lies under section `prefix`, as .NET configuration matches keys:
/// ASCII case-insensitively, `__` in `name` read as `:`.
///
/// ```
/// use signalr_binding::has_section_prefix;
///
/// assert!(has_section_prefix("azure__signalr__endpoints__east", "Azure:SignalR:Endpoints:"));
/// assert!(!has_section_prefix("Azure:SignalR:EndpointsX", "Azure:SignalR:Endpoints:"));
/// ```
pub fn has_section_prefix(name: &str, prefix: &str) -> bool {
    strip_section_prefix(name, prefix).is_some()
}

/// The rest of setting `name` after section `prefix`, matched as
/// [`has_section_prefix`] matches it.
pub(crate) fn strip_section_prefix<'n>(name: &'n str, prefix: &str) -> Option<&'n str> {
    // The usual spelling, `:` and the same letters: one `memcmp`.
    if name.as_bytes().starts_with(prefix.as_bytes()) {
        return Some(&name[prefix.len()..]);
    }
    let mut rest = name.as_bytes();
    for &expected in prefix.as_bytes() {
        match rest {
            [b'_', b'_', tail @ ..] if expected == b':' => rest = tail,
            [first, tail @ ..] if first.eq_ignore_ascii_case(&expected) => rest = tail,
            _ => return None,
        }
    }
    // Only ASCII bytes were consumed, so the rest starts at a character boundary.
    Some(&name[name.len() - rest.len()..])
}

/// Settings from the process environment: how Azure Functions passes app settings.
///
/// A variable that is not valid Unicode counts as unset.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnvSettings;

impl Settings for EnvSettings {
    fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        // A name the setting-name rule refuses is never set; this also keeps from
        // `std::env::var` the names it panics on (empty, with `=` or NUL).
        if validate_setting_name(name).is_err() {
            return None;
        }
        std::env::var(name).ok().map(Cow::Owned)
    }

    /// The variables under `prefix`, names and values, come from a copy of the environment
    /// that each thread makes at most once a second (listing copies every variable, and
    /// reading one takes the environment's lock and scans it): a new, changed or removed
    /// variable under the section is seen within a second. [`get`](Settings::get) reads the
    /// environment on every call.
    fn for_each_with_prefix(&self, prefix: &str, visit: &mut dyn FnMut(&str, &str)) {
        // Visited outside the thread's copies, so `visit` may read the section again.
        for (name, value) in with_env_section(prefix, |s| Rc::clone(&s.variables)).iter() {
            visit(name, value);
        }
    }

    /// The revision of the copy [`for_each_with_prefix`](Settings::for_each_with_prefix)
    /// visits next: the same on every thread while the variables stay the same.
    fn section_revision(&self, prefix: &str) -> Option<SectionRevision> {
        Some(with_env_section(prefix, |s| s.revision))
    }
}

/// How long [`EnvSettings`] reuses its copy of the variables under a section before it lists
/// the environment again.
const ENV_SECTION_INTERVAL: Duration = Duration::from_secs(1);

/// The environment variables under one section that hold Unicode names and values.
type Variables = [(Box<str>, Box<str>)];

/// A thread's copy of the environment variables under one section: names and values, when
/// they were copied and their revision. The values may be secrets: the type has no `Debug`.
struct EnvSection {
    prefix: Box<str>,
    copied_at: Instant,
    variables: Rc<Variables>,
    revision: SectionRevision,
}

/// Calls `f` with this thread's copy of the variables under `prefix`, made again when it is
/// [`ENV_SECTION_INTERVAL`] old.
///
/// Each thread keeps its own copies: a request then takes no lock and counts no shared
/// reference, and each thread serving requests lists the environment at most once a second.
fn with_env_section<R>(prefix: &str, f: impl FnOnce(&EnvSection) -> R) -> R {
    thread_local! {
        static SECTIONS: RefCell<Vec<EnvSection>> = const { RefCell::new(Vec::new()) };
    }
    let now = Instant::now();
    SECTIONS.with_borrow_mut(|sections| {
        let index = sections.iter().position(|s| &*s.prefix == prefix);
        if let Some(section) = index.map(|i| &sections[i])
            && now.saturating_duration_since(section.copied_at) < ENV_SECTION_INTERVAL
        {
            return f(section);
        }
        let variables: Rc<Variables> = std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
            .filter(|(name, _)| has_section_prefix(name, prefix))
            .map(|(name, value)| (name.into_boxed_str(), value.into_boxed_str()))
            .collect();
        let section = EnvSection {
            prefix: prefix.into(),
            copied_at: now,
            revision: env_revision(prefix, &variables),
            variables,
        };
        let i = match index {
            Some(i) => {
                sections[i] = section;
                i
            }
            None => {
                sections.push(section);
                sections.len() - 1
            }
        };
        f(&sections[i])
    })
}

/// The latest copy of the variables under one section made by any thread, and its revision.
struct LatestCopy {
    prefix: Box<str>,
    variables: Box<Variables>,
    revision: SectionRevision,
}

/// The revision of a copy of the variables under `prefix`: the latest copy's, made by any
/// thread, when they are the same, else a new one. Threads then share a revision while the
/// environment holds still; runs once a second per thread.
fn env_revision(prefix: &str, variables: &Variables) -> SectionRevision {
    static LATEST: Mutex<Vec<LatestCopy>> = Mutex::new(Vec::new());
    let mut latest = LATEST.lock().unwrap_or_else(PoisonError::into_inner);
    match latest.iter_mut().find(|copy| &*copy.prefix == prefix) {
        Some(copy) if *copy.variables == *variables => copy.revision,
        Some(copy) => {
            copy.variables = variables.into();
            copy.revision = SectionRevision::unique();
            copy.revision
        }
        None => {
            let revision = SectionRevision::unique();
            latest.push(LatestCopy {
                prefix: prefix.into(),
                variables: variables.into(),
                revision,
            });
            revision
        }
    }
}

impl Settings for HashMap<String, String> {
    fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        HashMap::get(self, name).map(|value| Cow::Borrowed(value.as_str()))
    }

    fn for_each_with_prefix(&self, prefix: &str, visit: &mut dyn FnMut(&str, &str)) {
        for (name, value) in self
            .iter()
            .filter(|(name, _)| has_section_prefix(name, prefix))
        {
            visit(name, value);
        }
    }
}

impl Settings for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        BTreeMap::get(self, name).map(|value| Cow::Borrowed(value.as_str()))
    }

    fn for_each_with_prefix(&self, prefix: &str, visit: &mut dyn FnMut(&str, &str)) {
        for (name, value) in self
            .iter()
            .filter(|(name, _)| has_section_prefix(name, prefix))
        {
            visit(name, value);
        }
    }
}

impl<F> Settings for F
where
    F: Fn(&str) -> Option<String> + Send + Sync + 'static,
{
    fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        self(name).map(Cow::Owned)
    }
}

/// The clock that stamps `iat`, `nbf` and `exp` on minted tokens.
pub trait Clock: Any + Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// Whether `clock` is the [`SystemClock`]: two such clocks read the same time, so one
/// reading serves both.
#[cfg(feature = "identity")]
pub(crate) fn is_system_clock(clock: &dyn Clock) -> bool {
    (clock as &dyn Any).is::<SystemClock>()
}

/// The system clock, the default.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant, for tests and reproducible output.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// The settings and clock a binding resolves with.
///
/// Put one in a request's extensions (`request.extensions_mut().insert(context)`) to override
/// the defaults, [`EnvSettings`] and [`SystemClock`], for that request. Cloning is cheap.
#[derive(Clone)]
pub struct BindingContext {
    settings: Arc<dyn Settings>,
    clock: Arc<dyn Clock>,
}

impl BindingContext {
    /// The defaults: settings from the process environment and the system clock.
    pub fn new() -> Self {
        Self {
            settings: Arc::new(EnvSettings),
            clock: Arc::new(SystemClock),
        }
    }

    /// Replaces the settings.
    ///
    /// A `HashMap<String, String>` or `BTreeMap<String, String>` cannot change once the
    /// context owns it, so it gets one [`SectionRevision`] for its life, shared by the
    /// context's clones: a binding reading several endpoints from it then compares their
    /// settings once, not on every request.
    #[must_use]
    pub fn with_settings<S: Settings>(mut self, settings: S) -> Self {
        let any: &dyn Any = &settings;
        self.settings =
            if any.is::<HashMap<String, String>>() || any.is::<BTreeMap<String, String>>() {
                Arc::new(Fixed {
                    settings,
                    revision: SectionRevision::unique(),
                })
            } else {
                Arc::new(settings)
            };
        self
    }

    /// Replaces the clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The settings.
    pub fn settings(&self) -> &dyn Settings {
        &*self.settings
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }
}

/// Settings that no one can change, with the revision of all their sections.
struct Fixed<S> {
    settings: S,
    revision: SectionRevision,
}

impl<S: Settings> Settings for Fixed<S> {
    fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        self.settings.get(name)
    }

    fn for_each_with_prefix(&self, prefix: &str, visit: &mut dyn FnMut(&str, &str)) {
        self.settings.for_each_with_prefix(prefix, visit);
    }

    fn names_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.settings.names_with_prefix(prefix)
    }

    fn section_revision(&self, _: &str) -> Option<SectionRevision> {
        Some(self.revision)
    }
}

impl Default for BindingContext {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for BindingContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Settings hold secrets (connection strings): never print them.
        f.debug_struct("BindingContext").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "identity")]
    #[test]
    fn only_the_system_clock_is_the_system_clock() {
        assert!(is_system_clock(&SystemClock));
        assert!(!is_system_clock(&FixedClock(SystemTime::UNIX_EPOCH)));
        let shared: std::sync::Arc<dyn Clock> = std::sync::Arc::new(SystemClock);
        assert!(is_system_clock(&*shared));
    }

    #[test]
    fn maps_and_closures_are_settings() {
        let map = HashMap::from([("A".to_owned(), "1".to_owned())]);
        assert_eq!(Settings::get(&map, "A").as_deref(), Some("1"));
        assert_eq!(Settings::get(&map, "B"), None);
        let tree = BTreeMap::from([("A".to_owned(), "2".to_owned())]);
        assert_eq!(Settings::get(&tree, "A").as_deref(), Some("2"));
        let closure = |name: &str| (name == "C").then(|| "3".to_owned());
        assert_eq!(Settings::get(&closure, "C").as_deref(), Some("3"));
        assert_eq!(Settings::get(&closure, "A"), None);
    }

    #[test]
    fn names_under_a_section_match_as_configuration_keys_do() {
        let map = HashMap::from([
            ("Azure:SignalR:Endpoints:east".to_owned(), "1".to_owned()),
            (
                "azure__signalr__endpoints__west__secondary".to_owned(),
                "2".to_owned(),
            ),
            ("Azure:SignalR:EndpointsX".to_owned(), "3".to_owned()),
            ("Other".to_owned(), "4".to_owned()),
        ]);
        let mut names = map.names_with_prefix("Azure:SignalR:Endpoints:");
        names.sort();
        assert_eq!(
            names,
            [
                "Azure:SignalR:Endpoints:east",
                "azure__signalr__endpoints__west__secondary"
            ]
        );
        let tree: BTreeMap<_, _> = map.into_iter().collect();
        assert_eq!(tree.names_with_prefix("Other").len(), 1);
        let closure = |_: &str| Some(String::new());
        assert!(closure.names_with_prefix("").is_empty());
        assert!(!has_section_prefix("Azure_SignalR", "Azure:"));
    }

    #[test]
    fn env_settings_ignore_names_the_platform_cannot_hold() {
        assert_eq!(EnvSettings.get(""), None);
        assert_eq!(EnvSettings.get("A=B"), None);
        assert_eq!(EnvSettings.get("A\0B"), None);
        assert_eq!(EnvSettings.get("%PATH%"), None);
        assert!(EnvSettings.get("PATH").is_some());
    }

    #[test]
    fn context_overrides_clock_and_settings() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let context = BindingContext::new()
            .with_clock(FixedClock(at))
            .with_settings(HashMap::from([("X".to_owned(), "secret".to_owned())]));
        assert_eq!(context.clock().now(), at);
        assert_eq!(context.settings().get("X").as_deref(), Some("secret"));
        assert!(!format!("{context:?}").contains("secret"));
    }
}
