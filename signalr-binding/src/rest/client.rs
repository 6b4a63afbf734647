//! The client and its builder: the endpoints, the HTTP client, and one request to one endpoint.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{Method, StatusCode, header};
use url::Url;

use super::RestError;
use super::signing::{self, ConnectionKeys, KeySource};
use crate::connection_string::ConnectionString;
use crate::endpoints::{EndpointType, Endpoints, ServiceEndpoint};
use crate::settings::{Clock, Settings, SystemClock};
use crate::token::SigningKey;
use signalr_binding_expression::DEFAULT_CONNECTION_STRING_SETTING;

/// How long a request may take, by default: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a REST token is valid, by default: 5 minutes. A token is minted for every request
/// and used at once, so it needs to outlive only the request and the clocks' drift.
pub const DEFAULT_REST_TOKEN_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// The REST API version the requests name (`?api-version=`), the one of the paths used.
pub const API_VERSION: &str = "2022-06-01";

/// The most bytes of an error answer read for its code and message.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// The most characters of an error message kept.
const MAX_ERROR_MESSAGE: usize = 512;

/// An async client of Azure SignalR Service's data-plane REST API for one hub, on one or several
/// endpoints.
///
/// Build it with [`RestClient::builder`]; the operations are in the
/// [module documentation](crate::rest). Cloning is cheap and shares the HTTP connection pool.
/// `Debug` shows the hub and the endpoints, never a key.
#[derive(Clone)]
pub struct RestClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) hub: String,
    pub(crate) endpoints: Box<[RestEndpoint]>,
    http: reqwest::Client,
    timeout: Duration,
    token_lifetime: Duration,
    keys: Arc<dyn KeySource>,
    clock: Arc<dyn Clock>,
}

/// One endpoint as the client uses it.
pub(crate) struct RestEndpoint {
    /// Its name (empty for the unnamed one).
    pub(crate) name: String,
    pub(crate) endpoint_type: EndpointType,
    /// Where requests go, as `{scheme}://{host}[:{port}]{path}`: `ServerEndpoint`, else
    /// `Endpoint` with `Port` applied.
    pub(crate) endpoint: String,
    base: Url,
    /// `{scheme}://{host}` of `Endpoint`: the audience's base, without a port.
    audience_base: String,
    pub(crate) connection: ConnectionString,
    pub(crate) access_key: Option<SigningKey>,
    /// The key fetched with the connection's identity (feature `identity`), shared with every
    /// binding and client of the same endpoint, identity and options.
    #[cfg(feature = "identity")]
    pub(crate) identity: Option<Arc<crate::identity::KeyCache>>,
}

impl RestEndpoint {
    fn new(
        name: &str,
        endpoint_type: EndpointType,
        connection: ConnectionString,
        #[cfg(feature = "identity")] identity_options: &Arc<crate::IdentityOptions>,
    ) -> Self {
        let mut base = connection
            .server_endpoint()
            .unwrap_or(connection.endpoint())
            .clone();
        base.set_query(None);
        base.set_fragment(None);
        // An endpoint's user info is never sent.
        let _ = base.set_username("");
        let _ = base.set_password(None);
        let endpoint = base.as_str().trim_end_matches('/').to_owned();
        Self {
            name: name.to_owned(),
            endpoint_type,
            endpoint,
            base,
            audience_base: connection.audience_base_url(),
            access_key: signing::access_key(connection.credential()),
            #[cfg(feature = "identity")]
            identity: match connection.credential() {
                crate::connection_string::Credential::Identity(credential) => Some(
                    crate::identity::KeyCache::shared(&connection, credential, identity_options),
                ),
                crate::connection_string::Credential::AccessKey(_) => None,
            },
            connection,
        }
    }

    /// The request URL of `path` (segments below `/api/hubs/{hub}`, encoded here) with `query`
    /// and `api-version`, and the token audience: the same URL without the query and the port.
    pub(crate) fn url(&self, hub: &str, path: &[&str], query: &[(&str, &str)]) -> (Url, String) {
        let mut url = self.base.clone();
        {
            // `Endpoint` is an absolute http(s) URL, which always has path segments.
            let mut segments = url
                .path_segments_mut()
                .expect("an http(s) URL has path segments");
            segments.pop_if_empty().extend(["api", "hubs", hub]);
            segments.extend(path);
        }
        let audience = format!("{}{}", self.audience_base, url.path());
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
            pairs.append_pair("api-version", API_VERSION);
        }
        (url, audience)
    }
}

impl fmt::Debug for RestEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestEndpoint")
            .field("name", &self.name)
            .field("endpoint_type", &self.endpoint_type)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// One request of an operation.
pub(crate) struct Call<'a> {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'a [&'a str],
    pub(crate) query: &'a [(&'a str, &'a str)],
    pub(crate) body: Option<&'a [u8]>,
}

impl RestClient {
    /// A builder for a client of hub `hub` (lower-cased, as the service SDK does).
    pub fn builder(hub: impl Into<String>) -> RestClientBuilder {
        RestClientBuilder {
            hub: hub.into(),
            endpoints: Vec::new(),
            error: None,
            timeout: DEFAULT_TIMEOUT,
            token_lifetime: DEFAULT_REST_TOKEN_LIFETIME,
            http: None,
            #[cfg(feature = "identity")]
            identity: None,
        }
    }

    /// The hub, lower-cased.
    pub fn hub(&self) -> &str {
        &self.inner.hub
    }

    /// The endpoints requests go to, as `{scheme}://{host}[:{port}]`, in order.
    pub fn endpoints(&self) -> impl ExactSizeIterator<Item = &str> {
        self.inner.endpoints.iter().map(|e| e.endpoint.as_str())
    }

    /// Sends `call` to `endpoint`: the success status, or the error.
    pub(crate) async fn call(
        &self,
        endpoint: &RestEndpoint,
        call: &Call<'_>,
    ) -> Result<StatusCode, RestError> {
        let inner = &self.inner;
        let (url, audience) = endpoint.url(&inner.hub, call.path, call.query);
        let key = inner.keys.signing_key(endpoint).await?;
        let token = signing::token(&key, &audience, &*inner.clock, inner.token_lifetime);
        let mut request = inner
            .http
            .request(call.method.clone(), url)
            .timeout(inner.timeout)
            .bearer_auth(token);
        if let Some(body) = call.body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let failed = |source: reqwest::Error| {
            if source.is_timeout() {
                RestError::Timeout {
                    endpoint: endpoint.endpoint.clone(),
                    operation: call.operation,
                    timeout: inner.timeout,
                }
            } else {
                RestError::Transport {
                    endpoint: endpoint.endpoint.clone(),
                    operation: call.operation,
                    // The URL names no secret; dropped all the same, it is in `endpoint`.
                    source: source.without_url(),
                }
            }
        };
        let mut response = request.send().await.map_err(failed)?;
        let status = response.status();
        if status.is_success() {
            return Ok(status);
        }
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut body = Vec::new();
        while body.len() < MAX_ERROR_BODY {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                // The status is known; an unreadable body only loses the details.
                Err(_) => break,
            }
        }
        let (code, message) = error_details(&body);
        Err(RestError::Service {
            endpoint: endpoint.endpoint.clone(),
            operation: call.operation,
            status,
            code,
            message,
            retry_after,
        })
    }
}

/// The error code and message of an error answer's body: Azure's JSON error
/// (`{"code": ..., "message": ...}`) or text.
pub(crate) fn error_details(body: &[u8]) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        #[serde(default, alias = "Code")]
        code: Option<String>,
        #[serde(default, alias = "Message")]
        message: Option<String>,
    }
    let shorten = |text: &str| -> Option<String> {
        let text = text.trim();
        (!text.is_empty()).then(|| text.chars().take(MAX_ERROR_MESSAGE).collect())
    };
    if let Ok(error) = serde_json::from_slice::<ErrorBody>(body) {
        return (
            error.code.as_deref().and_then(shorten),
            error.message.as_deref().and_then(shorten),
        );
    }
    (None, shorten(&String::from_utf8_lossy(body)))
}

impl fmt::Debug for RestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestClient")
            .field("hub", &self.inner.hub)
            .field("endpoints", &self.inner.endpoints)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`RestClient`]: the hub, the endpoints (connection strings, the binding's
/// endpoints or the settings), the timeout and the token lifetime.
pub struct RestClientBuilder {
    hub: String,
    endpoints: Vec<(String, EndpointType, ConnectionString)>,
    /// The first error met while adding endpoints, returned by `build`.
    error: Option<RestError>,
    timeout: Duration,
    token_lifetime: Duration,
    http: Option<reqwest::Client>,
    #[cfg(feature = "identity")]
    identity: Option<Arc<crate::IdentityOptions>>,
}

impl RestClientBuilder {
    /// Adds an endpoint by connection string (an unnamed Primary).
    pub fn connection_string(mut self, connection: ConnectionString) -> Self {
        self.endpoints
            .push((String::new(), EndpointType::Primary, connection));
        self
    }

    /// Adds the endpoints of a binding: those of
    /// [`ConnectionInfoBinding::endpoints_with`](crate::ConnectionInfoBinding::endpoints_with),
    /// or those a [`Router`](crate::Router) is given.
    pub fn endpoints<'a>(
        mut self,
        endpoints: impl IntoIterator<Item = &'a ServiceEndpoint>,
    ) -> Self {
        for endpoint in endpoints {
            self.endpoints.push((
                endpoint.name().to_owned(),
                endpoint.endpoint_type(),
                endpoint.connection_string().clone(),
            ));
        }
        self
    }

    /// Adds the endpoints the settings define, as the binding reads them: the connection
    /// string of `AzureSignalRConnectionString` and every `Azure:SignalR:Endpoints:<Name>`
    /// (`Azure__SignalR__Endpoints__<Name>` in the environment), deduplicated.
    pub fn settings(self, settings: &dyn Settings) -> Self {
        self.settings_named(settings, DEFAULT_CONNECTION_STRING_SETTING)
    }

    /// [`RestClientBuilder::settings`] with another connection-string setting than
    /// `AzureSignalRConnectionString` (the binding's `connection_string_setting`).
    pub fn settings_named(
        mut self,
        settings: &dyn Settings,
        connection_string_setting: &str,
    ) -> Self {
        match Endpoints::new().endpoints(settings, connection_string_setting, None) {
            Ok(set) => self = self.endpoints(set.endpoints.iter()),
            Err(e) => {
                self.error.get_or_insert(RestError::Settings(e));
            }
        }
        self
    }

    /// How long one request may take before it fails with [`RestError::Timeout`]
    /// (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long each request's token is valid (default [`DEFAULT_REST_TOKEN_LIFETIME`]).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// How endpoints with identity-based auth fetch and refresh their key (default: as Azure;
    /// see [`IdentityOptions`](crate::IdentityOptions)). A binding and a client with the same
    /// options (the same `Arc`), endpoint and identity share one key.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    pub fn identity_options(mut self, options: impl Into<Arc<crate::IdentityOptions>>) -> Self {
        self.identity = Some(options.into());
        self
    }

    /// Sends with this `reqwest` client (its pool, proxy and TLS settings) instead of one of
    /// its own. The builder's timeout still applies to every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The client. Fails on an invalid hub name, on no endpoint, or when the settings named
    /// an invalid one.
    pub fn build(self) -> Result<RestClient, RestError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        signalr_binding_expression::validate_hub_name(&self.hub).map_err(RestError::HubName)?;
        if self.endpoints.is_empty() {
            return Err(RestError::NoEndpoints);
        }
        let endpoints = self
            .endpoints
            .into_iter()
            .map(|(name, kind, connection)| {
                RestEndpoint::new(
                    &name,
                    kind,
                    connection,
                    #[cfg(feature = "identity")]
                    self.identity
                        .as_ref()
                        .unwrap_or(crate::IdentityOptions::shared_default()),
                )
            })
            .collect();
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(RestError::HttpClient)?,
        };
        Ok(RestClient {
            inner: Arc::new(Inner {
                hub: self.hub.to_ascii_lowercase(),
                endpoints,
                http,
                timeout: self.timeout,
                token_lifetime: self.token_lifetime,
                keys: Arc::new(ConnectionKeys),
                clock: Arc::new(SystemClock),
            }),
        })
    }
}

impl fmt::Debug for RestClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestClientBuilder")
            .field("hub", &self.hub)
            .field("endpoints", &self.endpoints.len())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
