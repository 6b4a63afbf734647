//! REST tokens: an HS256 JWT per request whose `aud` is the request URL without its query and
//! without a port (Azure/azure-signalr `docs/rest-api.md`, "Authenticate via
//! AccessKey"; the service SDK's `RestApiProvider` writes the audience port-less), signed with
//! the endpoint's key.
//!
//! Where the key comes from is one seam, [`KeySource`]: it is given the endpoint and answers
//! with the key (its id, `kid`, in the prepared header). [`ConnectionKeys`] answers with the
//! connection string's `AccessKey`, or with feature `identity` the key the service issued to
//! the connection's Microsoft Entra identity, shared with the bindings of the same endpoint.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, UNIX_EPOCH};

use super::RestError;
use super::client::RestEndpoint;
use crate::connection_string::Credential;
use crate::settings::Clock;
use crate::token::{Payload, SigningKey};

/// A signing key, with the id the service knows it by in its header (`kid`; none for an
/// access key).
#[derive(Clone, Debug)]
pub(crate) struct EndpointKey {
    pub(crate) key: SigningKey,
}

/// The future a [`KeySource`] answers with.
pub(crate) type KeyFuture<'a> =
    Pin<Box<dyn Future<Output = Result<EndpointKey, RestError>> + Send + 'a>>;

/// Where an endpoint's signing key comes from.
pub(crate) trait KeySource: Send + Sync {
    /// The key to sign a request to `endpoint` with.
    fn signing_key<'a>(&'a self, endpoint: &'a RestEndpoint) -> KeyFuture<'a>;
}

/// The key of each endpoint's connection string: its `AccessKey`, prepared once, or with
/// feature `identity` the key fetched with its identity (waited for, bounded, while the first
/// fetch runs).
#[derive(Debug, Default)]
pub(crate) struct ConnectionKeys;

impl KeySource for ConnectionKeys {
    fn signing_key<'a>(&'a self, endpoint: &'a RestEndpoint) -> KeyFuture<'a> {
        #[cfg(feature = "identity")]
        if let Some(cache) = &endpoint.identity {
            return Box::pin(async move {
                cache.wait().await.map_err(RestError::Identity)?;
                cache
                    .current()
                    .map(|fetched| EndpointKey {
                        key: fetched.signing.clone(),
                    })
                    .map_err(RestError::Identity)
            });
        }
        let key = match &endpoint.access_key {
            Some(key) => Ok(EndpointKey { key: key.clone() }),
            None => Err(RestError::IdentityAuthNotSupported {
                endpoint: endpoint.endpoint.clone(),
                auth_type: match endpoint.connection.credential() {
                    Credential::Identity(identity) => identity.auth_type().as_str(),
                    Credential::AccessKey(_) => "none",
                },
            }),
        };
        Box::pin(std::future::ready(key))
    }
}

/// The prepared key of a credential: `None` for identity-based auth.
pub(crate) fn access_key(credential: &Credential) -> Option<SigningKey> {
    match credential {
        Credential::AccessKey(key) => Some(SigningKey::new(key)),
        Credential::Identity(_) => None,
    }
}

/// A token for one request whose audience is `audience`, valid from now for `lifetime`.
pub(crate) fn token(
    key: &EndpointKey,
    audience: &str,
    clock: &dyn Clock,
    lifetime: Duration,
) -> String {
    let now = clock
        .now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Payload::new(audience, None, 0).sign(&key.key, now, lifetime.as_secs())
}
