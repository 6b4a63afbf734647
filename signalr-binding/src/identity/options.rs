//! [`IdentityOptions`]: the timings of identity-based auth, and what tests replace.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use azure_core::http::HttpClient;

use super::certificate::CertificateDirectory;
use crate::settings::{Clock, SystemClock};

/// How identity-based connections fetch and refresh the signing key.
///
/// The defaults are the Azure SDK's (Azure/azure-signalr `MicrosoftEntraAccessKey.cs`): a key
/// is refreshed every 55 minutes, every 5 minutes while refreshing fails, and is unusable 120
/// minutes after its last successful fetch; a refresh makes up to 3 attempts, 100 s each, 3 s
/// apart; the first request waits up to 30 s for the first key
/// ([`ConnectionInfoBinding::resolve_async`](crate::ConnectionInfoBinding::resolve_async)).
///
/// Set them on a binding with
/// [`identity_options`](crate::ConnectionInfoBindingBuilder::identity_options).
#[derive(Clone)]
pub struct IdentityOptions {
    /// How long a request waits for the first key before failing (30 s).
    pub first_key_wait: Duration,
    /// How often a good key is refreshed (55 min).
    pub refresh_interval: Duration,
    /// How often a refresh is tried again while refreshing fails (5 min).
    pub retry_interval: Duration,
    /// How long after its last successful fetch a key may sign (120 min).
    pub key_lifetime: Duration,
    /// Attempts per refresh (3).
    pub attempts: u32,
    /// The time bound of one attempt: Entra token and key fetch (100 s).
    pub attempt_timeout: Duration,
    /// The pause between two attempts of one refresh (3 s).
    pub attempt_delay: Duration,
    /// How often the background task looks at [`clock`](Self::clock) to see whether a refresh
    /// is due (1 s). The schedule itself follows the clock.
    pub check_interval: Duration,
    /// The clock the schedule follows (the system clock).
    pub clock: Arc<dyn Clock>,
    /// The HTTP client of the credentials and of the key fetch: `None` for `azure_core`'s
    /// default client (reqwest).
    pub transport: Option<Arc<dyn HttpClient>>,
    /// Where the certificate of a Functions `clientCertificate` thumbprint is looked for, in
    /// order (feature `identity-certificate`): by default
    /// [`CertificateDirectory::defaults`], .NET's CurrentUser stores under `$HOME`
    /// (`~/.dotnet/corefx/cryptography/x509stores/<store>/<THUMBPRINT>.pfx`), then App
    /// Service's `/var/ssl/private/<THUMBPRINT>.p12` (`WEBSITE_LOAD_CERTIFICATES`). Read when
    /// the default options are made; tests point it at a directory of their own.
    pub certificate_directories: Vec<CertificateDirectory>,
}

impl IdentityOptions {
    /// The shared default options.
    pub(crate) fn shared_default() -> &'static Arc<IdentityOptions> {
        static DEFAULT: OnceLock<Arc<IdentityOptions>> = OnceLock::new();
        DEFAULT.get_or_init(|| Arc::new(IdentityOptions::default()))
    }
}

impl Default for IdentityOptions {
    fn default() -> Self {
        const MINUTE: u64 = 60;
        Self {
            first_key_wait: Duration::from_secs(30),
            refresh_interval: Duration::from_secs(55 * MINUTE),
            retry_interval: Duration::from_secs(5 * MINUTE),
            key_lifetime: Duration::from_secs(120 * MINUTE),
            attempts: 3,
            attempt_timeout: Duration::from_secs(100),
            attempt_delay: Duration::from_secs(3),
            check_interval: Duration::from_secs(1),
            clock: Arc::new(SystemClock),
            transport: None,
            certificate_directories: CertificateDirectory::defaults(),
        }
    }
}

impl fmt::Debug for IdentityOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityOptions")
            .field("first_key_wait", &self.first_key_wait)
            .field("refresh_interval", &self.refresh_interval)
            .field("retry_interval", &self.retry_interval)
            .field("key_lifetime", &self.key_lifetime)
            .field("attempts", &self.attempts)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("attempt_delay", &self.attempt_delay)
            .field("check_interval", &self.check_interval)
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .field("certificate_directories", &self.certificate_directories)
            .finish_non_exhaustive()
    }
}
