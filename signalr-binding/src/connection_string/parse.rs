//! The parser: Azure/azure-signalr's `ConnectionStringParser.cs` rules, with the same checks
//! in the same order.

use url::Url;

use super::Credential;
use super::credential::build_credential;
use super::{ConnectionString, ConnectionStringError};

// Property names as Azure spells them; compared ignoring case.
const ENDPOINT: &str = "endpoint";
pub(super) const ACCESS_KEY: &str = "accesskey";
pub(super) const AUTH_TYPE: &str = "authtype";
const VERSION: &str = "version";
const PORT: &str = "port";
const CLIENT_ENDPOINT: &str = "clientEndpoint";
const SERVER_ENDPOINT: &str = "serverEndpoint";
pub(super) const CLIENT_ID: &str = "clientId";
pub(super) const TENANT_ID: &str = "tenantId";
pub(super) const CLIENT_SECRET: &str = "clientSecret";
pub(super) const CLIENT_CERT: &str = "clientCert";

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
}

impl ConnectionString {
    /// An identity-based endpoint from the Functions identity settings (`K:serviceUri`,
    /// `K:clientEndpoint`, `K:serverEndpoint` and the credential keys), checked as the
    /// connection string's `Endpoint`, `ClientEndpoint` and `ServerEndpoint` are.
    pub(crate) fn from_identity_section(
        service_uri: &str,
        client_endpoint: Option<&str>,
        server_endpoint: Option<&str>,
        credential: super::IdentityCredential,
    ) -> Result<Self, ConnectionStringError> {
        let endpoint = parse_http_uri(service_uri.trim().trim_end_matches('/'))
            .ok_or(ConnectionStringError::InvalidEndpoint)?;
        let client_endpoint = client_endpoint
            .map(|v| parse_http_uri(v.trim()).ok_or(ConnectionStringError::InvalidClientEndpoint))
            .transpose()?;
        let server_endpoint = server_endpoint
            .map(|v| parse_http_uri(v.trim()).ok_or(ConnectionStringError::InvalidServerEndpoint))
            .transpose()?;
        Ok(Self {
            endpoint,
            client_endpoint,
            server_endpoint,
            port: None,
            version: None,
            credential: Credential::Identity(credential),
        })
    }
}

/// The properties of a connection string in the order written, keys and values trimmed.
pub(super) struct Properties<'a> {
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
    pub(super) fn get(&self, name: &str) -> Option<&'a str> {
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
