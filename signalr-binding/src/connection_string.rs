//! The Azure SignalR Service connection string (SPEC section 3).
//!
//! A connection string is a `;`-separated list of `key=value` properties, for example the one
//! the local emulator prints ([`EMULATOR_CONNECTION_STRING`]):
//!
//! ```text
//! Endpoint=http://localhost;Port=8888;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;
//! ```
//!
//! [`ConnectionString::parse`] follows the Azure SignalR SDK's `ConnectionStringParser`: the
//! same splitting rules, the same checks in the same order, the same message texts (see
//! [`ConnectionStringError`]). URLs are checked with the WHATWG parser of the `url` crate
//! instead of .NET's `Uri`, made stricter where that parser would silently repair input.
//! Secrets (the access key, a client secret, a password written in an endpoint's user info)
//! never appear in `Debug`, `Display` or an error.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// The connection string the local Azure SignalR emulator prints.
///
/// It parses, its client base URL is `http://localhost:8888` and its audience base URL is
/// `http://localhost`. Its access key is public: never use it against a real service.
pub const EMULATOR_CONNECTION_STRING: &str = "Endpoint=http://localhost;Port=8888;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;";

/// What replaces a secret in `Debug` and `Display` output.
const REDACTED: &str = "***";

/// The path, below the server endpoint, from which identity-based auth fetches the signing key.
const ACCESS_KEY_PATH: &str = "/api/v1/auth/accessKey";

// Property names as Azure spells them; compared ignoring case.
const ENDPOINT: &str = "endpoint";
const ACCESS_KEY: &str = "accesskey";
const AUTH_TYPE: &str = "authtype";
const VERSION: &str = "version";
const PORT: &str = "port";
const CLIENT_ENDPOINT: &str = "clientEndpoint";
const SERVER_ENDPOINT: &str = "serverEndpoint";
const CLIENT_ID: &str = "clientId";
const TENANT_ID: &str = "tenantId";
const CLIENT_SECRET: &str = "clientSecret";
const CLIENT_CERT: &str = "clientCert";

/// Why a connection string was rejected.
///
/// `Display` is exactly the message of the Azure SignalR SDK for the same input (without the
/// ` (Parameter '...')` suffix .NET appends); [`ConnectionStringError::hint`] says what to do
/// about it. No variant ever carries the access key or a client secret.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionStringError {
    /// Fewer than two `;`-separated pieces, or no `Endpoint` property.
    #[error("Connection string missing required properties endpoint.")]
    MissingEndpoint,
    /// A property appears twice (keys compared ignoring case).
    #[error("Duplicate properties found in connection string: {key}.")]
    DuplicateProperty {
        /// The key of the second occurrence, trimmed, spelled as written there.
        key: String,
    },
    /// `Endpoint` is not an absolute `http`/`https` URI.
    #[error("Invalid value for endpoint property, it must be a valid URI.")]
    InvalidEndpoint,
    /// `Version` does not match `^1\.\d+(?:[\w-.]+)?$`.
    #[error("Version {version} is not supported.")]
    UnsupportedVersion {
        /// The `Version` value as written (trimmed).
        version: String,
    },
    /// `Port` is not an integer in `1..=65535`.
    #[error("Invalid value for port property, it must be an positive integer between (0, 65536).")]
    InvalidPort,
    /// `ClientEndpoint` is not an absolute `http`/`https` URI.
    #[error("Invalid value for clientEndpoint property, it must be a valid URI.")]
    InvalidClientEndpoint,
    /// `ServerEndpoint` is not an absolute `http`/`https` URI.
    #[error("Invalid value for serverEndpoint property, it must be a valid URI.")]
    InvalidServerEndpoint,
    /// No (or an empty) `AccessKey`, and no identity `AuthType`.
    #[error("accesskey is required.")]
    MissingAccessKey,
    /// `AuthType=azure.app` without `ClientId`.
    #[error("Connection string missing required properties clientId.")]
    MissingClientId,
    /// `AuthType=azure.app` without `TenantId`.
    #[error("Connection string missing required properties tenantId.")]
    MissingTenantId,
    /// `AuthType=azure.app` (or `aad` with `ClientId` and `TenantId`) with neither
    /// `ClientSecret` nor `ClientCert`.
    #[error("Connection string missing required properties clientSecret or clientCert.")]
    MissingClientSecretOrCert,
}

impl ConnectionStringError {
    /// What to do about this error, in one sentence, for logs and error pages.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::MissingEndpoint => {
                "copy the whole connection string from the Azure portal's Keys blade of the SignalR resource; it must hold at least Endpoint=...;AccessKey=..."
            }
            Self::DuplicateProperty { .. } => {
                "write each property once; keys are compared ignoring case, so Endpoint and endpoint are the same property"
            }
            Self::InvalidEndpoint => {
                "set Endpoint to an absolute http:// or https:// URL such as https://<name>.service.signalr.net"
            }
            Self::UnsupportedVersion { .. } => {
                "set Version=1.0 or remove the Version property; only service version 1.x is supported"
            }
            Self::InvalidPort => "set Port to a whole number from 1 to 65535, or remove it",
            Self::InvalidClientEndpoint => {
                "set ClientEndpoint to an absolute http:// or https:// URL, or remove it"
            }
            Self::InvalidServerEndpoint => {
                "set ServerEndpoint to an absolute http:// or https:// URL, or remove it"
            }
            Self::MissingAccessKey => {
                "add AccessKey=... from the Azure portal's Keys blade, or use identity auth with AuthType=azure, azure.msi or azure.app"
            }
            Self::MissingClientId => {
                "AuthType=azure.app needs ClientId=<application id>, TenantId=<tenant id> and ClientSecret or ClientCert"
            }
            Self::MissingTenantId => {
                "add TenantId=<directory (tenant) id> of the application registration"
            }
            Self::MissingClientSecretOrCert => {
                "add ClientSecret=<secret> or ClientCert=<certificate path> of the application registration"
            }
        }
    }
}

/// The access key of a connection string: the secret that signs client tokens.
///
/// `Debug` prints `AccessKey(***)`; there is no `Display`.
#[derive(Clone)]
pub struct AccessKey {
    secret: String,
}

impl AccessKey {
    /// The secret itself (the `AccessKey` value, trimmed). Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessKey({REDACTED})")
    }
}

/// The `AuthType` values that select identity-based auth (compared ignoring case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthType {
    /// `aad`: the older spelling. Managed identity, or an application when `ClientId`,
    /// `TenantId` and a secret or certificate are all given.
    Aad,
    /// `azure`: Azure's default credential chain; `ClientId` and the rest are ignored.
    Azure,
    /// `azure.app`: an application registration (`ClientId`, `TenantId`, and `ClientSecret` or
    /// `ClientCert`).
    AzureApp,
    /// `azure.msi`: a managed identity, user-assigned when `ClientId` is given.
    AzureMsi,
}

impl AuthType {
    /// The canonical (lower-case) spelling, as written in a connection string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aad => "aad",
            Self::Azure => "azure",
            Self::AzureApp => "azure.app",
            Self::AzureMsi => "azure.msi",
        }
    }
}

impl fmt::Display for AuthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which Azure credential identity-based auth would use, decided as the Azure SDK decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityKind {
    /// Azure's default credential chain (`AuthType=azure`).
    DefaultAzureCredential,
    /// A managed identity: system-assigned, or user-assigned when a client id is set.
    ManagedIdentity,
    /// An application with a client secret.
    ClientSecret,
    /// An application with a client certificate (the `ClientCert` path).
    ClientCertificate,
}

/// Identity-based auth: the signing key is fetched from the service
/// ([`ConnectionString::access_key_url`]) with a Microsoft Entra token, not read from the string.
///
/// Only the properties the chosen credential uses are kept: for example `AuthType=azure`
/// ignores `ClientId`, so [`IdentityCredential::client_id`] is `None` then. `Debug` redacts the
/// client secret.
#[derive(Clone)]
pub struct IdentityCredential {
    auth_type: AuthType,
    kind: IdentityKind,
    client_id: Option<String>,
    tenant_id: Option<String>,
    client_secret: Option<String>,
    client_cert: Option<String>,
}

impl IdentityCredential {
    /// The `AuthType` that selected identity auth.
    pub fn auth_type(&self) -> AuthType {
        self.auth_type
    }

    /// Which credential Azure would build from these properties.
    pub fn kind(&self) -> IdentityKind {
        self.kind
    }

    /// `ClientId`: the application id, or a user-assigned managed identity's client id.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// `TenantId` of an application credential.
    pub fn tenant_id(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }

    /// `ClientSecret` of an application credential. This exposes the secret: keep it out of logs.
    pub fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_deref()
    }

    /// `ClientCert`: the path of an application's certificate (used when there is no secret).
    pub fn client_cert(&self) -> Option<&str> {
        self.client_cert.as_deref()
    }
}

impl fmt::Debug for IdentityCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityCredential")
            .field("auth_type", &self.auth_type)
            .field("kind", &self.kind)
            .field("client_id", &self.client_id)
            .field("tenant_id", &self.tenant_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| Redacted),
            )
            .field("client_cert", &self.client_cert)
            .finish()
    }
}

/// How tokens for clients get signed.
#[derive(Clone)]
pub enum Credential {
    /// With the `AccessKey` of the connection string (the usual case, and the emulator's).
    AccessKey(AccessKey),
    /// With a key fetched from the service using an Azure identity (`AuthType=...`).
    Identity(IdentityCredential),
}

impl Credential {
    /// The access key, when the string carries one.
    pub fn access_key(&self) -> Option<&AccessKey> {
        match self {
            Self::AccessKey(key) => Some(key),
            Self::Identity(_) => None,
        }
    }

    /// The identity, when the string selects identity-based auth.
    pub fn identity(&self) -> Option<&IdentityCredential> {
        match self {
            Self::AccessKey(_) => None,
            Self::Identity(identity) => Some(identity),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccessKey(key) => f.debug_tuple("AccessKey").field(key).finish(),
            Self::Identity(identity) => f.debug_tuple("Identity").field(identity).finish(),
        }
    }
}

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
    /// Parses a connection string with the Azure SignalR SDK's rules.
    ///
    /// - Split on `;` (empty pieces dropped); fewer than two pieces is
    ///   [`ConnectionStringError::MissingEndpoint`]. Each piece is split at its first `=` (so
    ///   values may hold `=`), key and value are trimmed, and a piece without `=` is ignored.
    ///   Keys are compared ignoring case; a repeated key is
    ///   [`ConnectionStringError::DuplicateProperty`].
    /// - Then, in this order: `Endpoint` (required, trailing `/` removed, absolute
    ///   `http`/`https`), `Version` (`^1\.\d+(?:[\w-.]+)?$`), `Port` (1..=65535, replaces the
    ///   Endpoint's port), `ClientEndpoint`, `ServerEndpoint` (absolute `http`/`https`), and
    ///   last the credential: `AuthType` `aad`, `azure`, `azure.app` or `azure.msi` (any case)
    ///   selects identity auth, anything else needs a non-empty `AccessKey`. The first failing
    ///   check is the error returned.
    ///
    /// ```
    /// use signalr_binding::ConnectionString;
    ///
    /// let cs = ConnectionString::parse(
    ///     "Endpoint=http://localhost;Port=8888;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1.0;",
    /// )?;
    /// assert_eq!(cs.client_base_url(), "http://localhost:8888");
    /// assert_eq!(cs.audience_base_url(), "http://localhost");
    /// assert_eq!(cs.version(), Some("1.0"));
    /// assert!(!format!("{cs} {cs:?}").contains("ABCDEFGH"));
    ///
    /// let err = ConnectionString::parse("Endpoint=https://example.com").unwrap_err();
    /// assert_eq!(err.to_string(), "Connection string missing required properties endpoint.");
    /// # Ok::<(), signalr_binding::ConnectionStringError>(())
    /// ```
    pub fn parse(s: &str) -> Result<Self, ConnectionStringError> {
        let properties = Properties::split(s)?;

        // Endpoint: required; every trailing '/' removed before it is checked.
        let endpoint = properties
            .get(ENDPOINT)
            .ok_or(ConnectionStringError::MissingEndpoint)?;
        let mut endpoint = parse_http_uri(endpoint.trim_end_matches('/'))
            .ok_or(ConnectionStringError::InvalidEndpoint)?;

        let version = match properties.get(VERSION) {
            Some(v) if is_supported_version(v) => Some(v.to_owned()),
            Some(v) => {
                return Err(ConnectionStringError::UnsupportedVersion {
                    version: v.to_owned(),
                });
            }
            None => None,
        };

        let port = match properties.get(PORT) {
            Some(p) => {
                let port = parse_port(p).ok_or(ConnectionStringError::InvalidPort)?;
                // Cannot fail for an http(s) URL with a host, which parse_http_uri guarantees.
                endpoint
                    .set_port(Some(port))
                    .map_err(|()| ConnectionStringError::InvalidEndpoint)?;
                Some(port)
            }
            None => None,
        };

        let client_endpoint = properties
            .get(CLIENT_ENDPOINT)
            .map(|v| parse_http_uri(v).ok_or(ConnectionStringError::InvalidClientEndpoint))
            .transpose()?;
        let server_endpoint = properties
            .get(SERVER_ENDPOINT)
            .map(|v| parse_http_uri(v).ok_or(ConnectionStringError::InvalidServerEndpoint))
            .transpose()?;

        let credential = build_credential(&properties)?;

        Ok(Self {
            endpoint,
            client_endpoint,
            server_endpoint,
            port,
            version,
            credential,
        })
    }

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
                write!(f, ";AuthType={}", identity.auth_type)?;
                if let Some(id) = &identity.client_id {
                    write!(f, ";ClientId={id}")?;
                }
                if let Some(id) = &identity.tenant_id {
                    write!(f, ";TenantId={id}")?;
                }
                if identity.client_secret.is_some() {
                    write!(f, ";ClientSecret={REDACTED}")?;
                }
                if let Some(path) = &identity.client_cert {
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

/// The properties of a connection string in the order written, keys and values trimmed.
struct Properties<'a> {
    entries: Vec<(&'a str, &'a str)>,
}

impl<'a> Properties<'a> {
    /// Azure's `ToDictionary`: count check first, then duplicates as they are met.
    fn split(s: &'a str) -> Result<Self, ConnectionStringError> {
        // Only empty pieces are dropped: a piece of blanks still counts towards the two.
        let pieces: Vec<&str> = s.split(';').filter(|piece| !piece.is_empty()).collect();
        if pieces.len() < 2 {
            return Err(ConnectionStringError::MissingEndpoint);
        }
        let mut entries: Vec<(&str, &str)> = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let Some((key, value)) = piece.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if entries.iter().any(|(seen, _)| keys_equal(seen, key)) {
                return Err(ConnectionStringError::DuplicateProperty {
                    key: key.to_owned(),
                });
            }
            entries.push((key, value.trim()));
        }
        Ok(Self { entries })
    }

    /// The value of a property, its name compared ignoring case.
    fn get(&self, name: &str) -> Option<&'a str> {
        self.entries
            .iter()
            .find(|(key, _)| keys_equal(key, name))
            .map(|(_, value)| *value)
    }
}

/// .NET's `OrdinalIgnoreCase`: equal after upper-casing each character by its simple
/// (one-to-one) mapping.
fn keys_equal(a: &str, b: &str) -> bool {
    a.chars().map(simple_upper).eq(b.chars().map(simple_upper))
}

fn simple_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Lower-cases like .NET's `ToLower` (simple per-character mapping); used for `AuthType`.
fn simple_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_ascii_lowercase()
            } else {
                // Only U+0130 has a multi-character lower case; its simple mapping is the first.
                c.to_lowercase().next().unwrap_or(c)
            }
        })
        .collect()
}

/// Azure's `Uri.TryCreate(value, UriKind.Absolute)` with scheme `http` or `https`.
///
/// Stricter than the WHATWG parser behind [`Url`] where that one silently repairs input:
/// the value must start with `http://` or `https://` (any case) and hold no control
/// characters, and the URL must have a host.
fn parse_http_uri(value: &str) -> Option<Url> {
    if value.chars().any(char::is_control) {
        return None;
    }
    let (scheme, _) = value.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let url = Url::parse(value).ok()?;
    let is_http = matches!(url.scheme(), "http" | "https");
    let has_host = url.host_str().is_some_and(|host| !host.is_empty());
    (is_http && has_host).then_some(url)
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

/// `^1\.\d+(?:[\w-.]+)?$` as .NET matches it, written out by hand.
///
/// Since `\d` is part of `\w`, this is: `1.`, a digit, then any number of word characters,
/// `-` or `.`. ASCII input is matched exactly as .NET does; for other characters Unicode
/// numbers stand in for `\d`, and letters, numbers and connector punctuation for `\w`.
fn is_supported_version(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("1.") else {
        return false;
    };
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) if is_digit(c) => {}
        _ => return false,
    }
    chars.all(|c| is_word(c) || c == '-' || c == '.')
}

fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric()
    }
}

fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric() || is_connector_punctuation(c)
    }
}

/// Unicode category Pc outside ASCII.
fn is_connector_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FF3F}'
    ) || ('\u{FE4D}'..='\u{FE4F}').contains(&c)
}

/// .NET's `int.TryParse` (optional sign, ASCII digits, no overflow) then `0 < port <= 0xFFFF`.
fn parse_port(s: &str) -> Option<u16> {
    let port: i32 = s.parse().ok()?;
    u16::try_from(port).ok().filter(|port| *port != 0)
}

/// The credential, decided by `AuthType` as the Azure SDK does.
fn build_credential(properties: &Properties<'_>) -> Result<Credential, ConnectionStringError> {
    let auth_type = match properties.get(AUTH_TYPE).map(simple_lower).as_deref() {
        Some("aad") => AuthType::Aad,
        Some("azure") => AuthType::Azure,
        Some("azure.app") => AuthType::AzureApp,
        Some("azure.msi") => AuthType::AzureMsi,
        _ => {
            return match properties.get(ACCESS_KEY) {
                Some(secret) if !secret.is_empty() => Ok(Credential::AccessKey(AccessKey {
                    secret: secret.to_owned(),
                })),
                _ => Err(ConnectionStringError::MissingAccessKey),
            };
        }
    };

    let owned = |name: &str| properties.get(name).map(str::to_owned);
    let mut identity = IdentityCredential {
        auth_type,
        kind: IdentityKind::ManagedIdentity,
        client_id: None,
        tenant_id: None,
        client_secret: None,
        client_cert: None,
    };
    // An application: tenant and client id, then a secret, else a certificate.
    let application = |identity: &mut IdentityCredential| {
        if let Some(secret) = owned(CLIENT_SECRET) {
            identity.kind = IdentityKind::ClientSecret;
            identity.client_secret = Some(secret);
        } else if let Some(cert) = owned(CLIENT_CERT) {
            identity.kind = IdentityKind::ClientCertificate;
            identity.client_cert = Some(cert);
        } else {
            return Err(ConnectionStringError::MissingClientSecretOrCert);
        }
        Ok(())
    };
    match auth_type {
        AuthType::Azure => identity.kind = IdentityKind::DefaultAzureCredential,
        AuthType::AzureMsi => identity.client_id = owned(CLIENT_ID),
        AuthType::Aad => {
            identity.client_id = owned(CLIENT_ID);
            // Without a client id the tenant id is ignored: a managed identity.
            if identity.client_id.is_some() {
                identity.tenant_id = owned(TENANT_ID);
                if identity.tenant_id.is_some() {
                    application(&mut identity)?;
                }
            }
        }
        AuthType::AzureApp => {
            identity.client_id =
                Some(owned(CLIENT_ID).ok_or(ConnectionStringError::MissingClientId)?);
            identity.tenant_id =
                Some(owned(TENANT_ID).ok_or(ConnectionStringError::MissingTenantId)?);
            application(&mut identity)?;
        }
    }
    Ok(Credential::Identity(identity))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const TENANT: &str = "aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc";

    fn ok(s: &str) -> ConnectionString {
        ConnectionString::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn err(s: &str) -> ConnectionStringError {
        match ConnectionString::parse(s) {
            Ok(cs) => panic!("{s:?} should fail, parsed as {cs:?}"),
            Err(e) => e,
        }
    }

    fn identity(s: &str) -> IdentityCredential {
        match ok(s).credential() {
            Credential::Identity(identity) => identity.clone(),
            other => panic!("{s:?} should use identity auth, got {other:?}"),
        }
    }

    fn secret(s: &str) -> String {
        ok(s)
            .access_key()
            .expect("an access key")
            .expose_secret()
            .to_owned()
    }

    // ---- error texts -------------------------------------------------------------------

    #[test]
    fn every_error_display_is_the_azure_text() {
        use ConnectionStringError as E;
        let cases = [
            (
                E::MissingEndpoint,
                "Connection string missing required properties endpoint.",
            ),
            (
                E::DuplicateProperty { key: "KEY".into() },
                "Duplicate properties found in connection string: KEY.",
            ),
            (
                E::InvalidEndpoint,
                "Invalid value for endpoint property, it must be a valid URI.",
            ),
            (
                E::UnsupportedVersion {
                    version: "VALUE".into(),
                },
                "Version VALUE is not supported.",
            ),
            (
                E::InvalidPort,
                "Invalid value for port property, it must be an positive integer between (0, 65536).",
            ),
            (
                E::InvalidClientEndpoint,
                "Invalid value for clientEndpoint property, it must be a valid URI.",
            ),
            (
                E::InvalidServerEndpoint,
                "Invalid value for serverEndpoint property, it must be a valid URI.",
            ),
            (E::MissingAccessKey, "accesskey is required."),
            (
                E::MissingClientId,
                "Connection string missing required properties clientId.",
            ),
            (
                E::MissingTenantId,
                "Connection string missing required properties tenantId.",
            ),
            (
                E::MissingClientSecretOrCert,
                "Connection string missing required properties clientSecret or clientCert.",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
            assert!(!error.hint().is_empty());
            assert_ne!(error.hint(), text);
        }
    }

    // ---- Azure ConnectionStringParserTests ---------------------------------------------

    #[test]
    fn azure_invalid_azure_application_needs_secret_or_cert() {
        for s in [
            "endpoint=https://aaa;AuthType=aad;clientId=123;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
            "endpoint=https://aaa;AuthType=azure.app;clientId=123;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
        ] {
            assert_eq!(err(s), ConnectionStringError::MissingClientSecretOrCert);
        }
    }

    #[test]
    fn azure_invalid_client_endpoint() {
        for s in [
            "endpoint=https://aaa;clientEndpoint=aaa;AccessKey=bbb;",
            "endpoint=https://aaa;ClientEndpoint=aaa;AccessKey=bbb;",
        ] {
            assert_eq!(err(s), ConnectionStringError::InvalidClientEndpoint);
        }
    }

    #[test]
    fn azure_invalid_server_endpoint() {
        for s in [
            "endpoint=https://aaa;serverEndpoint=aaa;AccessKey=bbb;",
            "endpoint=https://aaa;ServerEndpoint=aaa;AccessKey=bbb;",
        ] {
            assert_eq!(err(s), ConnectionStringError::InvalidServerEndpoint);
        }
    }

    #[test]
    fn azure_invalid_connection_strings_miss_endpoint() {
        for s in ["Endpoint=xxx", "AccessKey=xxx", "XXX=yyy", "XXX"] {
            assert_eq!(err(s), ConnectionStringError::MissingEndpoint);
        }
    }

    #[test]
    fn azure_invalid_endpoint() {
        for s in [
            "Endpoint=aaa;AccessKey=bbb;",
            "Endpoint=endpoint=aaa;AccessKey=bbb;",
        ] {
            assert_eq!(err(s), ConnectionStringError::InvalidEndpoint);
        }
    }

    #[test]
    fn azure_invalid_port() {
        for s in [
            "Endpoint=https://aaa;AccessKey=bbb;version=1.0;port=2.3",
            "Endpoint=https://aaa;AccessKey=bbb;version=1.1;port=1000000",
            "Endpoint=https://aaa;AccessKey=bbb;version=1.0-preview;port=0",
        ] {
            assert_eq!(err(s), ConnectionStringError::InvalidPort);
        }
    }

    #[test]
    fn azure_invalid_version() {
        for (s, v) in [
            ("Endpoint=https://aaa;AccessKey=bbb;version=abc", "abc"),
            ("Endpoint=https://aaa;AccessKey=bbb;version=1.x", "1.x"),
            ("Endpoint=https://aaa;AccessKey=bbb;version=2.0", "2.0"),
        ] {
            let e = err(s);
            assert_eq!(e.to_string(), format!("Version {v} is not supported."));
        }
    }

    #[test]
    fn azure_application_with_client_secret() {
        for s in [
            "endpoint=https://aaa;AuthType=aad;clientId=foo;clientSecret=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
            "endpoint=https://aaa;AuthType=azure.app;clientId=foo;clientSecret=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
        ] {
            let cs = ok(s);
            assert!(cs.access_key().is_none());
            assert!(cs.version().is_none());
            assert!(cs.client_endpoint().is_none());
            assert!(cs.server_endpoint().is_none());
            let id = identity(s);
            assert_eq!(id.kind(), IdentityKind::ClientSecret);
            assert_eq!(id.tenant_id(), Some(TENANT));
            assert_eq!(id.client_id(), Some("foo"));
            assert_eq!(id.client_secret(), Some("bar"));
            assert_eq!(id.client_cert(), None);
        }
    }

    #[test]
    fn azure_application_with_client_certificate() {
        for s in [
            "endpoint=https://aaa;AuthType=aad;clientId=foo;clientCert=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
            "endpoint=https://aaa;AuthType=azure.app;clientId=foo;clientCert=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
        ] {
            let id = identity(s);
            assert_eq!(id.kind(), IdentityKind::ClientCertificate);
            assert_eq!(id.tenant_id(), Some(TENANT));
            assert_eq!(id.client_id(), Some("foo"));
            assert_eq!(id.client_cert(), Some("bar"));
            assert_eq!(id.client_secret(), None);
        }
    }

    #[test]
    fn azure_client_endpoint_keeps_its_own_port() {
        let cases: [(String, Option<&str>, Option<u16>); 5] = [
            (format!("endpoint=http://aaa;accesskey={KEY}"), None, None),
            (
                format!("endpoint=http://aaa:500;accesskey={KEY}"),
                None,
                None,
            ),
            (
                format!("endpoint=http://aaa:500;accesskey={KEY};port=400"),
                None,
                None,
            ),
            (
                format!(
                    "endpoint=http://aaa:500;accesskey={KEY};port=400;clientEndpoint=http://bbb"
                ),
                Some("http://bbb/"),
                Some(80),
            ),
            (
                format!(
                    "endpoint=http://aaa:500;accesskey={KEY};port=400;clientEndpoint=http://bbb:500"
                ),
                Some("http://bbb:500/"),
                Some(500),
            ),
        ];
        for (s, expected, port) in cases {
            let cs = ok(&s);
            assert_eq!(cs.client_endpoint().map(Url::as_str), expected, "{s}");
            assert_eq!(
                cs.client_endpoint().and_then(Url::port_or_known_default),
                port
            );
        }
    }

    #[test]
    fn azure_server_endpoint_keeps_its_own_port() {
        let cases: [(String, Option<&str>, Option<u16>); 5] = [
            (format!("endpoint=http://aaa;accesskey={KEY}"), None, None),
            (
                format!("endpoint=http://aaa:500;accesskey={KEY}"),
                None,
                None,
            ),
            (
                format!("endpoint=http://aaa:500;accesskey={KEY};port=400"),
                None,
                None,
            ),
            (
                format!(
                    "endpoint=http://aaa:500;accesskey={KEY};port=400;serverEndpoint=http://ccc"
                ),
                Some("http://ccc/"),
                Some(80),
            ),
            (
                format!(
                    "endpoint=http://aaa:500;accesskey={KEY};port=400;serverEndpoint=http://ccc:500"
                ),
                Some("http://ccc:500/"),
                Some(500),
            ),
        ];
        for (s, expected, port) in cases {
            let cs = ok(&s);
            assert_eq!(cs.server_endpoint().map(Url::as_str), expected, "{s}");
            assert_eq!(
                cs.server_endpoint().and_then(Url::port_or_known_default),
                port
            );
        }
    }

    #[test]
    fn azure_version_accepted() {
        for (s, v) in [
            (format!("endpoint=http://aaa;accesskey={KEY}"), None),
            (
                format!("endpoint=http://aaa;accesskey={KEY};version=1.0"),
                Some("1.0"),
            ),
            (
                format!("endpoint=http://aaa;accesskey={KEY};version=1.1-preview"),
                Some("1.1-preview"),
            ),
        ] {
            assert_eq!(ok(&s).version(), v);
        }
    }

    #[test]
    fn azure_default_azure_credential_ignores_client_properties() {
        for s in [
            "endpoint=https://aaa;AuthType=azure;clientId=xxxx;",
            "endpoint=https://aaa;AuthType=azure;tenantId=xxxx;",
            "endpoint=https://aaa;AuthType=azure;clientSecret=xxxx;",
        ] {
            let cs = ok(s);
            assert_eq!(cs.endpoint().as_str().trim_end_matches('/'), "https://aaa");
            let id = identity(s);
            assert_eq!(id.auth_type(), AuthType::Azure);
            assert_eq!(id.kind(), IdentityKind::DefaultAzureCredential);
            assert_eq!(
                (
                    id.client_id(),
                    id.tenant_id(),
                    id.client_secret(),
                    id.client_cert()
                ),
                (None, None, None, None)
            );
        }
    }

    #[test]
    fn azure_managed_identity() {
        for (s, client_id) in [
            ("endpoint=https://aaa;AuthType=aad;", None),
            (
                "endpoint=https://aaa;AuthType=aad;clientId=123;",
                Some("123"),
            ),
            ("endpoint=https://aaa;AuthType=aad;tenantId=xxxx;", None),
            ("endpoint=https://aaa;AuthType=aad;clientSecret=xxxx;", None),
            ("endpoint=https://aaa;AuthType=azure.msi;", None),
            (
                "endpoint=https://aaa;AuthType=azure.msi;clientId=123;",
                Some("123"),
            ),
        ] {
            let cs = ok(s);
            assert_eq!(cs.endpoint().as_str().trim_end_matches('/'), "https://aaa");
            assert!(cs.client_endpoint().is_none());
            let id = identity(s);
            assert_eq!(id.kind(), IdentityKind::ManagedIdentity, "{s}");
            assert_eq!(id.client_id(), client_id);
            assert_eq!(id.tenant_id(), None);
            assert_eq!(id.client_secret(), None);
        }
    }

    #[test]
    fn azure_ad_with_server_endpoint_access_key_url() {
        for (s, url) in [
            (
                "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo",
                "https://foo/api/v1/auth/accesskey",
            ),
            (
                "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo:123",
                "https://foo:123/api/v1/auth/accesskey",
            ),
            (
                "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo/bar",
                "https://foo/bar/api/v1/auth/accesskey",
            ),
            (
                "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo/bar/",
                "https://foo/bar/api/v1/auth/accesskey",
            ),
            (
                "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo:123/bar/",
                "https://foo:123/bar/api/v1/auth/accesskey",
            ),
        ] {
            let got = ok(s).access_key_url();
            // Azure compares ignoring case; the SDK writes "accessKey".
            assert!(got.eq_ignore_ascii_case(url), "{got} vs {url}");
            assert!(got.ends_with("/api/v1/auth/accessKey"));
        }
    }

    #[test]
    fn azure_endpoint_end_with_slash() {
        for (s, expected) in [
            (format!("endpoint=http://aaa;accesskey={KEY}"), "http://aaa"),
            (
                format!("endpoint=http://aaa/;accesskey={KEY}"),
                "http://aaa",
            ),
            (
                format!("endpoint=https://aaa;accesskey={KEY}"),
                "https://aaa",
            ),
            (
                format!("endpoint=https://aaa/;accesskey={KEY}"),
                "https://aaa",
            ),
        ] {
            let cs = ok(&s);
            assert_eq!(cs.client_base_url(), expected);
            assert_eq!(cs.endpoint().path(), "/");
        }
    }

    // ---- splitting rules ---------------------------------------------------------------

    #[test]
    fn fewer_than_two_pieces_is_missing_endpoint_even_with_a_valid_endpoint() {
        assert_eq!(
            err("Endpoint=https://aaa;"),
            ConnectionStringError::MissingEndpoint
        );
        assert_eq!(
            err(";;Endpoint=https://aaa;;"),
            ConnectionStringError::MissingEndpoint
        );
        assert_eq!(err(""), ConnectionStringError::MissingEndpoint);
        assert_eq!(err(";;;"), ConnectionStringError::MissingEndpoint);
    }

    #[test]
    fn a_blank_piece_counts_as_a_piece() {
        // " " is not empty, so there are two pieces; then the access key is what is missing.
        assert_eq!(
            err("Endpoint=https://aaa; "),
            ConnectionStringError::MissingAccessKey
        );
    }

    #[test]
    fn two_pieces_without_endpoint_is_missing_endpoint() {
        assert_eq!(
            err("AccessKey=x;Version=1.0"),
            ConnectionStringError::MissingEndpoint
        );
        assert_eq!(err("foo;bar"), ConnectionStringError::MissingEndpoint);
    }

    #[test]
    fn pieces_without_equals_are_ignored() {
        assert_eq!(secret("Endpoint=https://aaa;garbage;AccessKey=k;x"), "k");
    }

    #[test]
    fn trailing_and_repeated_semicolons_are_fine() {
        assert_eq!(secret("Endpoint=https://aaa;;AccessKey=k;;;"), "k");
    }

    #[test]
    fn keys_and_values_are_trimmed() {
        let cs = ok(" Endpoint = https://aaa/ ;\tAccessKey =  k \n; Version = 1.0 ; Port = 8443 ");
        assert_eq!(cs.access_key().unwrap().expose_secret(), "k");
        assert_eq!(cs.version(), Some("1.0"));
        assert_eq!(cs.client_base_url(), "https://aaa:8443");
    }

    #[test]
    fn keys_are_case_insensitive() {
        let cs = ok(
            "ENDPOINT=https://aaa;aCcEsSkEy=k;VERSION=1.0;pOrT=81;CLIENTENDPOINT=http://b;SERVERendpoint=http://c",
        );
        assert_eq!(cs.access_key().unwrap().expose_secret(), "k");
        assert_eq!(cs.port(), Some(81));
        assert_eq!(cs.client_base_url(), "http://b");
        assert_eq!(cs.access_key_url(), "http://c/api/v1/auth/accessKey");
        let id = identity(
            "endpoint=https://aaa;AUTHTYPE=AZURE.APP;CLIENTID=a;TENANTID=t;CLIENTSECRET=s",
        );
        assert_eq!(id.auth_type(), AuthType::AzureApp);
        assert_eq!(id.client_secret(), Some("s"));
    }

    #[test]
    fn values_may_contain_equals() {
        assert_eq!(
            secret("Endpoint=https://aaa;AccessKey=abc+/def=="),
            "abc+/def=="
        );
        assert_eq!(secret("AccessKey==x=;Endpoint=https://aaa"), "=x=");
        let id = identity(
            "endpoint=https://aaa;AuthType=azure.app;clientId=a;tenantId=t;clientSecret=s=e=c",
        );
        assert_eq!(id.client_secret(), Some("s=e=c"));
    }

    #[test]
    fn duplicate_key_reports_the_later_spelling() {
        assert_eq!(
            err("Endpoint=https://aaa;AccessKey=a;accessKEY=b"),
            ConnectionStringError::DuplicateProperty {
                key: "accessKEY".into()
            }
        );
        assert_eq!(
            err("Endpoint=https://aaa;AccessKey=a;  ACCESSKEY =b").to_string(),
            "Duplicate properties found in connection string: ACCESSKEY."
        );
        // Unknown keys count too, and so does the empty key.
        assert_eq!(
            err("Endpoint=https://aaa;AccessKey=a;x=1;X=2"),
            ConnectionStringError::DuplicateProperty { key: "X".into() }
        );
        assert_eq!(
            err("Endpoint=https://aaa;AccessKey=a;=1; =2"),
            ConnectionStringError::DuplicateProperty { key: "".into() }
        );
    }

    #[test]
    fn duplicate_is_reported_before_a_missing_endpoint() {
        assert_eq!(
            err("AccessKey=a;accesskey=b"),
            ConnectionStringError::DuplicateProperty {
                key: "accesskey".into()
            }
        );
    }

    // ---- order of checks ---------------------------------------------------------------

    #[test]
    fn checks_run_in_azure_order() {
        use ConnectionStringError as E;
        let everything_wrong = "Endpoint=bad;Version=2.0;Port=0;ClientEndpoint=bad;ServerEndpoint=bad;AuthType=azure.app";
        assert_eq!(err(everything_wrong), E::InvalidEndpoint);
        let s = everything_wrong.replace("Endpoint=bad;Version", "Endpoint=https://a;Version");
        assert_eq!(
            err(&s),
            E::UnsupportedVersion {
                version: "2.0".into()
            }
        );
        let s = s.replace("2.0", "1.0");
        assert_eq!(err(&s), E::InvalidPort);
        let s = s.replace("Port=0", "Port=1");
        assert_eq!(err(&s), E::InvalidClientEndpoint);
        let s = s.replace("ClientEndpoint=bad", "ClientEndpoint=http://b");
        assert_eq!(err(&s), E::InvalidServerEndpoint);
        let s = s.replace("ServerEndpoint=bad", "ServerEndpoint=http://c");
        assert_eq!(err(&s), E::MissingClientId);
        let s = format!("{s};ClientId=c");
        assert_eq!(err(&s), E::MissingTenantId);
        let s = format!("{s};TenantId=t");
        assert_eq!(err(&s), E::MissingClientSecretOrCert);
        ok(&format!("{s};ClientCert=/c.pem"));
    }

    // ---- Endpoint ----------------------------------------------------------------------

    #[test]
    fn endpoint_must_be_absolute_http_or_https() {
        for endpoint in [
            "",
            "/",
            "aaa",
            "ftp://aaa",
            "ws://aaa",
            "file:///tmp/x",
            "http://",
            "https:///",
            "http:aaa",
            "mailto:a@b",
            "http://a b",
            "http://aaa:99999",
            "http://aaa\u{1}",
            "//aaa",
        ] {
            assert_eq!(
                err(&format!("Endpoint={endpoint};AccessKey=k")),
                ConnectionStringError::InvalidEndpoint,
                "{endpoint:?}"
            );
        }
        for endpoint in [
            "http://aaa",
            "https://aaa",
            "HTTPS://AAA.example.com",
            "http://[::1]:8080",
            "http://127.0.0.1",
            "https://aaa/path",
        ] {
            ok(&format!("Endpoint={endpoint};AccessKey=k"));
        }
    }

    #[test]
    fn endpoint_trailing_slashes_are_trimmed() {
        let cs = ok("Endpoint=https://aaa/path///;AccessKey=k");
        assert_eq!(cs.endpoint().as_str(), "https://aaa/path");
        assert_eq!(cs.client_base_url(), "https://aaa/path");
        assert_eq!(cs.audience_base_url(), "https://aaa");
    }

    #[test]
    fn endpoint_is_not_itself_an_endpoint_value() {
        assert_eq!(
            err("Endpoint=https://aaa;Endpoint=https://bbb"),
            ConnectionStringError::DuplicateProperty {
                key: "Endpoint".into()
            }
        );
    }

    // ---- Port --------------------------------------------------------------------------

    #[test]
    fn port_replaces_the_endpoint_port() {
        let cs = ok("Endpoint=http://aaa:500;Port=400;AccessKey=k");
        assert_eq!(cs.port(), Some(400));
        assert_eq!(cs.endpoint().port(), Some(400));
        assert_eq!(cs.client_base_url(), "http://aaa:400");
        assert_eq!(cs.audience_base_url(), "http://aaa");
        assert_eq!(cs.access_key_url(), "http://aaa:400/api/v1/auth/accessKey");
    }

    #[test]
    fn default_port_is_not_written() {
        let cs = ok("Endpoint=https://aaa;Port=443;AccessKey=k");
        assert_eq!(cs.port(), Some(443));
        assert_eq!(cs.client_base_url(), "https://aaa");
        let cs = ok("Endpoint=https://aaa:443;AccessKey=k");
        assert_eq!(cs.client_base_url(), "https://aaa");
        let cs = ok("Endpoint=http://aaa:8080;Port=80;AccessKey=k");
        assert_eq!(cs.client_base_url(), "http://aaa");
        let cs = ok("Endpoint=https://aaa;Port=80;AccessKey=k");
        assert_eq!(cs.client_base_url(), "https://aaa:80");
    }

    #[test]
    fn port_does_not_apply_to_client_endpoint() {
        let cs = ok("Endpoint=https://aaa;Port=8443;ClientEndpoint=https://bbb;AccessKey=k");
        assert_eq!(cs.client_base_url(), "https://bbb");
        assert_eq!(cs.audience_base_url(), "https://aaa");
        let cs =
            ok("Endpoint=https://aaa;Port=8443;ClientEndpoint=https://bbb:9443/x/;AccessKey=k");
        assert_eq!(cs.client_base_url(), "https://bbb:9443/x");
    }

    #[test]
    fn port_accepts_what_dotnet_int_parse_accepts() {
        for (p, expected) in [
            ("1", 1),
            ("65535", 65535),
            ("+400", 400),
            ("0400", 400),
            (" 400 ", 400),
        ] {
            assert_eq!(
                ok(&format!("Endpoint=http://aaa;AccessKey=k;Port={p}")).port(),
                Some(expected)
            );
        }
        for p in [
            "",
            "0",
            "-1",
            "-0",
            "65536",
            "1000000",
            "2.3",
            "abc",
            "4 00",
            "0x50",
            "+",
            "99999999999",
        ] {
            assert_eq!(
                err(&format!("Endpoint=http://aaa;AccessKey=k;Port={p}")),
                ConnectionStringError::InvalidPort,
                "{p:?}"
            );
        }
    }

    // ---- Version -----------------------------------------------------------------------

    #[test]
    fn version_pattern() {
        for v in [
            "1.0",
            "1.1-preview",
            "1.10",
            "1.0.0",
            "1.0.0-beta.1",
            "1.0_x",
            "1.0-",
            "1.0..",
        ] {
            assert_eq!(
                ok(&format!("Endpoint=http://aaa;AccessKey=k;Version={v}")).version(),
                Some(v)
            );
        }
        for v in [
            "", "1", "1.", "1.x", "1.-", "1..0", "01.0", "2.0", "abc", "1.0 beta", "1.0+b", "1.0/",
            " 1.0x!",
        ] {
            let e = err(&format!("Endpoint=http://aaa;AccessKey=k;Version={v}"));
            assert_eq!(
                e,
                ConnectionStringError::UnsupportedVersion {
                    version: v.trim().to_owned()
                },
                "{v:?}"
            );
        }
        assert_eq!(
            err("Endpoint=http://aaa;AccessKey=k;Version=").to_string(),
            "Version  is not supported."
        );
    }

    // ---- ClientEndpoint / ServerEndpoint -----------------------------------------------

    #[test]
    fn client_and_server_endpoints_must_be_http_uris() {
        for v in ["", "aaa", "ftp://x", "http://", "http:x"] {
            assert_eq!(
                err(&format!(
                    "Endpoint=http://aaa;AccessKey=k;ClientEndpoint={v}"
                )),
                ConnectionStringError::InvalidClientEndpoint
            );
            assert_eq!(
                err(&format!(
                    "Endpoint=http://aaa;AccessKey=k;ServerEndpoint={v}"
                )),
                ConnectionStringError::InvalidServerEndpoint
            );
        }
    }

    #[test]
    fn client_endpoint_is_never_the_audience() {
        let cs = ok(
            "Endpoint=https://aaa.service.signalr.net;ClientEndpoint=https://proxy.example.com/signalr/;AccessKey=k",
        );
        assert_eq!(cs.client_base_url(), "https://proxy.example.com/signalr");
        assert_eq!(cs.audience_base_url(), "https://aaa.service.signalr.net");
        assert_eq!(
            cs.client_endpoint().unwrap().as_str(),
            "https://proxy.example.com/signalr/"
        );
    }

    #[test]
    fn audience_drops_port_and_path_and_keeps_ipv6_brackets() {
        let cs = ok("Endpoint=http://[::1]:8080/a/b;AccessKey=k");
        assert_eq!(cs.audience_base_url(), "http://[::1]");
        assert_eq!(cs.client_base_url(), "http://[::1]:8080/a/b");
    }

    #[test]
    fn base_urls_leave_out_query_fragment_and_user_info() {
        let cs = ok("Endpoint=https://user:pw@aaa/p?x=1#f;AccessKey=k");
        assert_eq!(cs.client_base_url(), "https://aaa/p");
        assert_eq!(cs.audience_base_url(), "https://aaa");
        assert_eq!(cs.access_key_url(), "https://aaa/p/api/v1/auth/accessKey");
    }

    #[test]
    fn access_key_url_uses_endpoint_with_port_without_server_endpoint() {
        let cs = ok("Endpoint=https://aaa/;AuthType=azure.msi;Port=8443");
        assert_eq!(
            cs.access_key_url(),
            "https://aaa:8443/api/v1/auth/accessKey"
        );
    }

    // ---- credentials -------------------------------------------------------------------

    #[test]
    fn access_key_is_required_without_identity_auth_type() {
        use ConnectionStringError as E;
        assert_eq!(err("Endpoint=https://aaa;Version=1.0"), E::MissingAccessKey);
        assert_eq!(err("Endpoint=https://aaa;AccessKey="), E::MissingAccessKey);
        assert_eq!(
            err("Endpoint=https://aaa;AccessKey=  "),
            E::MissingAccessKey
        );
        assert_eq!(
            err("Endpoint=https://aaa;AuthType=foo"),
            E::MissingAccessKey
        );
        assert_eq!(err("Endpoint=https://aaa;AuthType="), E::MissingAccessKey);
        assert_eq!(secret("Endpoint=https://aaa;AuthType=foo;AccessKey=k"), "k");
    }

    #[test]
    fn auth_type_is_case_insensitive() {
        for (t, expected) in [
            ("AAD", AuthType::Aad),
            ("Azure", AuthType::Azure),
            ("AZURE.MSI", AuthType::AzureMsi),
            ("Azure.App", AuthType::AzureApp),
            (" azure ", AuthType::Azure),
            // .NET's ToLower maps U+0130 to 'i'.
            ("azure.ms\u{130}", AuthType::AzureMsi),
        ] {
            let id = identity(&format!(
                "Endpoint=https://aaa;AuthType={t};ClientId=c;TenantId=t;ClientSecret=s"
            ));
            assert_eq!(id.auth_type(), expected, "{t:?}");
        }
    }

    #[test]
    fn identity_auth_type_ignores_an_access_key() {
        let id = identity("Endpoint=https://aaa;AuthType=aad;AccessKey=k");
        assert_eq!(id.kind(), IdentityKind::ManagedIdentity);
    }

    #[test]
    fn azure_app_requires_client_id_then_tenant_id() {
        assert_eq!(
            err("Endpoint=https://aaa;AuthType=azure.app;TenantId=t;ClientSecret=s"),
            ConnectionStringError::MissingClientId
        );
        assert_eq!(
            err("Endpoint=https://aaa;AuthType=azure.app;ClientId=c;ClientSecret=s"),
            ConnectionStringError::MissingTenantId
        );
    }

    #[test]
    fn aad_with_client_id_but_no_tenant_is_managed_identity() {
        let id = identity("Endpoint=https://aaa;AuthType=aad;ClientId=c;ClientSecret=s");
        assert_eq!(id.kind(), IdentityKind::ManagedIdentity);
        assert_eq!(id.client_id(), Some("c"));
        assert_eq!(id.client_secret(), None);
    }

    #[test]
    fn client_secret_wins_over_client_cert() {
        let id = identity(
            "Endpoint=https://aaa;AuthType=azure.app;ClientId=c;TenantId=t;ClientCert=/p;ClientSecret=s",
        );
        assert_eq!(id.kind(), IdentityKind::ClientSecret);
        assert_eq!(id.client_cert(), None);
    }

    // ---- emulator ----------------------------------------------------------------------

    #[test]
    fn emulator_connection_string() {
        let cs = ok(EMULATOR_CONNECTION_STRING);
        assert_eq!(cs.client_base_url(), "http://localhost:8888");
        assert_eq!(cs.audience_base_url(), "http://localhost");
        assert_eq!(cs.port(), Some(8888));
        assert_eq!(cs.version(), Some("1.0"));
        assert_eq!(
            cs.access_key().unwrap().expose_secret(),
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH"
        );
        let via_from_str: ConnectionString = EMULATOR_CONNECTION_STRING.parse().unwrap();
        assert_eq!(via_from_str.endpoint(), cs.endpoint());
    }

    // ---- redaction ---------------------------------------------------------------------

    #[test]
    fn secrets_are_absent_from_debug_and_display() {
        let key = "S3cr3tKeyValue+/==";
        let cs = ok(&format!(
            "Endpoint=https://user:pa55word@aaa;AccessKey={key};Version=1.0"
        ));
        let shown = format!("{cs} {cs:?} {:?} {:?}", cs.credential(), cs.access_key());
        assert!(!shown.contains(key), "{shown}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(shown.contains("***"));
        assert_eq!(format!("{:?}", cs.access_key().unwrap()), "AccessKey(***)");
        assert_eq!(
            cs.to_string(),
            "Endpoint=https://aaa;Version=1.0;AccessKey=***"
        );

        let cs = ok(
            "Endpoint=https://aaa;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret=TopSecret=",
        );
        let shown = format!("{cs} {cs:?} {:?}", cs.credential());
        assert!(!shown.contains("TopSecret"), "{shown}");
        assert_eq!(
            cs.to_string(),
            "Endpoint=https://aaa;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret=***"
        );
    }

    #[test]
    fn display_parses_back_to_the_same_endpoints() {
        let cs = ok(
            "Endpoint=https://aaa/x/;Port=8443;ClientEndpoint=http://b;ServerEndpoint=http://c:81;AccessKey=k;Version=1.1",
        );
        let shown = cs.to_string();
        assert_eq!(
            shown,
            "Endpoint=https://aaa:8443/x;ClientEndpoint=http://b;ServerEndpoint=http://c:81;Version=1.1;AccessKey=***"
        );
        let back = ok(&shown);
        assert_eq!(back.client_base_url(), cs.client_base_url());
        assert_eq!(back.audience_base_url(), cs.audience_base_url());
        assert_eq!(back.access_key_url(), cs.access_key_url());
    }

    #[test]
    fn errors_never_carry_secrets() {
        let key = "S3cr3tKeyValue";
        for s in [
            format!("Endpoint=bad;AccessKey={key}"),
            format!("Endpoint=https://aaa;AccessKey={key};Port=x"),
            format!("Endpoint=https://aaa;AccessKey={key};Version=9"),
            format!("Endpoint=https://aaa;AccessKey={key};AccessKey={key}"),
            format!("AccessKey={key}"),
            format!("Endpoint=https://aaa;AuthType=azure.app;ClientId=c;ClientSecret={key}"),
        ] {
            let e = err(&s);
            let shown = format!("{e} {e:?} {}", e.hint());
            assert!(!shown.contains(key), "{shown}");
        }
    }

    // ---- properties --------------------------------------------------------------------

    const KNOWN_KEYS: &[&str] = &[
        "Endpoint",
        "AccessKey",
        "Version",
        "Port",
        "ClientEndpoint",
        "ServerEndpoint",
        "AuthType",
        "ClientId",
        "TenantId",
        "ClientSecret",
        "ClientCert",
    ];

    fn any_key() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::sample::select(KNOWN_KEYS).prop_map(str::to_owned),
            proptest::sample::select(KNOWN_KEYS).prop_map(|k| k.to_uppercase()),
            "[ a-zA-Z.]{0,12}",
            any::<String>(),
        ]
    }

    fn any_value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("https://aaa".to_owned()),
            Just("http://localhost".to_owned()),
            "https?://[a-z0-9.:/\\[\\]-]{0,20}",
            "[0-9+-]{0,6}",
            "1\\.[0-9a-z._-]{0,6}",
            proptest::sample::select(&["aad", "azure", "azure.app", "azure.msi", "AAD"][..])
                .prop_map(str::to_owned),
            "[ -~]{0,20}",
            any::<String>(),
        ]
    }

    fn check_outputs(cs: &ConnectionString) -> String {
        format!(
            "{cs} {cs:?} {} {} {} {:?} {:?} {:?} {:?}",
            cs.client_base_url(),
            cs.audience_base_url(),
            cs.access_key_url(),
            cs.endpoint(),
            cs.port(),
            cs.version(),
            cs.credential()
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn parse_never_panics_on_any_string(s in any::<String>()) {
            if let Ok(cs) = ConnectionString::parse(&s) {
                check_outputs(&cs);
            }
        }

        #[test]
        fn parse_never_panics_on_key_value_pairs(
            pairs in proptest::collection::vec((any_key(), any_value()), 0..8),
            sep in proptest::sample::select(&[";", ";;", " ; "][..]),
        ) {
            let s = pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(sep);
            if let Ok(cs) = ConnectionString::parse(&s) {
                check_outputs(&cs);
            }
        }

        #[test]
        fn secret_never_shown(
            pairs in proptest::collection::vec((any_key(), any_value()), 0..6),
            endpoint in prop_oneof![
                Just("https://aaa".to_owned()),
                Just("http://localhost".to_owned()),
                Just("https://u:p@x.example/p/".to_owned()),
                "https?://[a-z]{1,8}(:[0-9]{1,5})?(/[a-z]{0,4}){0,2}",
            ],
            key in "[A-Za-z0-9+/]{16}={0,2}",
            secret_is_client_secret in any::<bool>(),
            position in 0usize..8,
        ) {
            let secret = format!("Zq9{key}");
            let mut pieces: Vec<String> = pairs
                .iter()
                .filter(|(k, v)| !k.contains("Zq9") && !v.contains("Zq9"))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            pieces.insert(0, format!("Endpoint={endpoint}"));
            let secret_piece = if secret_is_client_secret {
                format!("ClientSecret={secret}")
            } else {
                format!("AccessKey={secret}")
            };
            let position = position.min(pieces.len());
            pieces.insert(position, secret_piece);
            let s = pieces.join(";");
            match ConnectionString::parse(&s) {
                Ok(cs) => {
                    let shown = check_outputs(&cs);
                    prop_assert!(!shown.contains(&secret), "{}", shown);
                }
                Err(e) => {
                    let shown = format!("{e} {e:?}");
                    prop_assert!(!shown.contains(&secret), "{}", shown);
                }
            }
        }

        #[test]
        fn valid_strings_parse_in_any_order_and_case_and_never_show_the_key(
            endpoint in "https?://[a-z]{1,8}(\\.[a-z]{2,5})?(:[0-9]{1,4})?(/[a-z]{1,4}){0,2}/?",
            key in "[A-Za-z0-9+/]{20}={0,2}",
            version in proptest::option::of("1\\.[0-9][0-9a-z._-]{0,6}"),
            port in proptest::option::of(1u16..),
            client in proptest::option::of("https?://[a-z]{1,8}(:[0-9]{1,4})?(/[a-z]{1,4})?"),
            upper in any::<bool>(),
            order in any::<u64>(),
        ) {
            let secret = format!("Zq9{key}");
            let mut pieces = vec![format!("Endpoint={endpoint}"), format!("AccessKey={secret}")];
            pieces.extend(version.iter().map(|v| format!("Version={v}")));
            pieces.extend(port.iter().map(|p| format!("Port={p}")));
            pieces.extend(client.iter().map(|c| format!("ClientEndpoint={c}")));
            if upper {
                for piece in &mut pieces {
                    let (k, v) = piece.split_once('=').unwrap();
                    *piece = format!("{}={v}", k.to_uppercase());
                }
            }
            // A deterministic shuffle from the drawn seed.
            let mut seed = order;
            for i in (1..pieces.len()).rev() {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                pieces.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let s = pieces.join(";");
            let cs = ConnectionString::parse(&s);
            prop_assert!(cs.is_ok(), "{} -> {:?}", s, cs.err());
            let cs = cs.unwrap();
            prop_assert_eq!(cs.access_key().map(AccessKey::expose_secret), Some(secret.as_str()));
            prop_assert_eq!(cs.version(), version.as_deref());
            prop_assert_eq!(cs.port(), port);
            prop_assert!(!cs.client_base_url().ends_with('/'));
            prop_assert!(!cs.audience_base_url().ends_with('/'));
            if client.is_none() && let Some(p) = port {
                let default = if endpoint.starts_with("https") { 443 } else { 80 };
                let written = cs.client_base_url().contains(&format!(":{p}"));
                prop_assert_eq!(written, p != default);
            }
            let shown = check_outputs(&cs);
            prop_assert!(!shown.contains(&secret), "{}", shown);
        }
    }
}
