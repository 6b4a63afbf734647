//! The Azure SignalR Service connection string, parsed as Azure/azure-signalr's
//! `src/Microsoft.Azure.SignalR.Common/Utilities/ConnectionStringParser.cs` parses it.
//!
//! A connection string is a `;`-separated list of `key=value` properties, for example the one
//! the local emulator prints ([`EMULATOR_CONNECTION_STRING`]):
//!
//! ```text
//! Endpoint=http://localhost;Port=8888;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;
//! ```
//!
//! [`ConnectionString::parse`] follows `ConnectionStringParser`: the same splitting rules, the
//! same checks in the same order, the same message texts (see [`ConnectionStringError`]); its
//! tests port Azure's `ConnectionStringParserTests.cs`. URLs are checked with the WHATWG parser of the `url` crate
//! instead of .NET's `Uri`, made stricter where that parser would silently repair input.
//! Secrets (the access key, a client secret, a password written in an endpoint's user info)
//! never appear in `Debug`, `Display` or an error.

use std::fmt;
use std::str::FromStr;

use url::Url;

mod credential;
mod error;
mod parse;
#[cfg(test)]
mod tests;

pub use credential::{AccessKey, AuthType, Credential, IdentityCredential, IdentityKind};
pub(crate) use credential::{CertificateStore, SectionProperties};
pub use error::ConnectionStringError;

/// The connection string the local Azure SignalR emulator prints (Azure/azure-signalr,
/// `docs/emulator.md`).
///
/// It parses, its client base URL is `http://localhost:8888` and its audience base URL is
/// `http://localhost`. Its access key is public: never use it against a real service.
pub const EMULATOR_CONNECTION_STRING: &str = "Endpoint=http://localhost;Port=8888;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;";

/// What replaces a secret in `Debug` and `Display` output.
const REDACTED: &str = "***";

/// The path, below the server endpoint, from which identity-based auth fetches the signing key.
const ACCESS_KEY_PATH: &str = "/api/v1/auth/accessKey";

/// A parsed Azure SignalR Service connection string.
///
/// Build it with [`ConnectionString::parse`] or [`str::parse`]. `Debug` and `Display` never
/// show the access key, a client secret or an endpoint's password (they show `***`); `Display`
/// writes the string back as `Endpoint=...;AccessKey=***` and so on.
#[derive(Clone)]
pub struct ConnectionString {
    endpoint: Url,
    client_endpoint: Option<Url>,
    server_endpoint: Option<Url>,
    port: Option<u16>,
    version: Option<String>,
    credential: Credential,
}

impl ConnectionString {
    /// The service endpoint: the `Endpoint` value with every trailing `/` removed before
    /// parsing, and with `Port` applied when given (a scheme's default port is not stored).
    ///
    /// As a [`Url`] its path is never empty: `https://x` and `https://x/` both give path `/`,
    /// while `https://x/a/` gives path `/a`.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// `ClientEndpoint`, as given (not trimmed, `Port` not applied), when set.
    pub fn client_endpoint(&self) -> Option<&Url> {
        self.client_endpoint.as_ref()
    }

    /// `ServerEndpoint`, as given, when set.
    pub fn server_endpoint(&self) -> Option<&Url> {
        self.server_endpoint.as_ref()
    }

    /// `Port`, when set (already applied to [`ConnectionString::endpoint`]).
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// `Version`, when set.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// How client tokens get signed.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The access key, when the string carries one (shortcut for `credential().access_key()`).
    pub fn access_key(&self) -> Option<&AccessKey> {
        self.credential.access_key()
    }

    /// Where clients connect: `ClientEndpoint`, else the Endpoint with `Port` applied, as
    /// `{scheme}://{host}[:{port}]{path}` with no trailing `/`. A scheme's default port is not
    /// written; user info, query and fragment are left out. Append `/client/?hub={hub}`.
    pub fn client_base_url(&self) -> String {
        base_url(self.client_endpoint.as_ref().unwrap_or(&self.endpoint))
    }

    /// The base of the token audience: `{scheme}://{host}` of the Endpoint, with no port, no
    /// path and no trailing `/`, and never the `ClientEndpoint` (Azure's
    /// `ServiceEndpoint.BuildAudienceBaseUrlEndWithSlash` writes the same plus a `/`).
    /// Append `/client/?hub={hub}`.
    pub fn audience_base_url(&self) -> String {
        let host = self.endpoint.host_str().unwrap_or_default();
        format!("{}://{}", self.endpoint.scheme(), host)
    }

    /// Where identity-based auth fetches the signing key:
    /// `{ServerEndpoint, else Endpoint with Port applied}/api/v1/auth/accessKey`, the base
    /// written as in [`ConnectionString::client_base_url`].
    pub fn access_key_url(&self) -> String {
        let base = base_url(self.server_endpoint.as_ref().unwrap_or(&self.endpoint));
        format!("{base}{ACCESS_KEY_PATH}")
    }
}

impl FromStr for ConnectionString {
    type Err = ConnectionStringError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Debug for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionString")
            .field("endpoint", &RedactedUrl(&self.endpoint))
            .field(
                "client_endpoint",
                &self.client_endpoint.as_ref().map(RedactedUrl),
            )
            .field(
                "server_endpoint",
                &self.server_endpoint.as_ref().map(RedactedUrl),
            )
            .field("port", &self.port)
            .field("version", &self.version)
            .field("credential", &self.credential)
            .finish()
    }
}

impl fmt::Display for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint={}", base_url(&self.endpoint))?;
        if let Some(url) = &self.client_endpoint {
            write!(f, ";ClientEndpoint={}", base_url(url))?;
        }
        if let Some(url) = &self.server_endpoint {
            write!(f, ";ServerEndpoint={}", base_url(url))?;
        }
        if let Some(version) = &self.version {
            write!(f, ";Version={version}")?;
        }
        match &self.credential {
            Credential::AccessKey(_) => write!(f, ";AccessKey={REDACTED}"),
            Credential::Identity(identity) => {
                write!(f, ";AuthType={}", identity.auth_type())?;
                if let Some(id) = identity.client_id() {
                    write!(f, ";ClientId={id}")?;
                }
                if let Some(id) = identity.tenant_id() {
                    write!(f, ";TenantId={id}")?;
                }
                if identity.client_secret().is_some() {
                    write!(f, ";ClientSecret={REDACTED}")?;
                }
                if let Some(path) = identity.client_cert() {
                    write!(f, ";ClientCert={path}")?;
                }
                Ok(())
            }
        }
    }
}

/// Prints `***` in `Debug`.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A URL in `Debug` with its password (if any) replaced by `***`.
struct RedactedUrl<'a>(&'a Url);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.password().is_some() {
            let mut url = self.0.clone();
            // Only fails for URLs without a host, which never get here.
            let _ = url.set_password(Some(REDACTED));
            fmt::Debug::fmt(url.as_str(), f)
        } else {
            fmt::Debug::fmt(self.0.as_str(), f)
        }
    }
}

/// `{scheme}://{host}[:{port}]{path}` with the path's trailing `/` removed.
fn base_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    match url.port() {
        Some(port) => format!("{}://{host}:{port}{path}", url.scheme()),
        None => format!("{}://{host}{path}", url.scheme()),
    }
}
