//! The binding: properties as templates, resolved per request into connection info.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, UNIX_EPOCH};

use http::HeaderName;
use serde_json::{Map, Value};
use signalr_binding_expression::{Part, Template, validate_hub_name};

use crate::builder::ConnectionInfoBindingBuilder;
use crate::claims;
use crate::claims::CopiedClaims;
use crate::connection_info::SignalRConnectionInfo;
use crate::connection_string::{ConnectionString, ConnectionStringError, Credential};
use crate::endpoints::{EndpointConnectionInfo, Endpoints, Router, SignalRNegotiation};
use crate::error::BindingError;
use crate::memo::{Memo, Memoized};
use crate::principal::Principal;
use crate::request::{self, BindingRequest};
use crate::settings::{Clock, EnvSettings, Settings, SystemClock};
use crate::token::{self, MAX_ACCESS_TOKEN_LEN, SigningKey};
#[cfg(feature = "verify")]
use crate::verification::{self, IdTokenVerification, VerifierCache};

/// How long a minted access token is valid unless a binding says otherwise: one hour, as in
/// the Azure SDKs.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The longest user id accepted, in bytes.
pub const MAX_USER_ID_LEN: usize = 1024;

/// A SignalR connection-info input binding: the properties of Azure's
/// `SignalRConnectionInfo` attribute, ready to resolve requests.
///
/// Build one with [`ConnectionInfoBinding::builder`], or let the
/// [`signalr_connection_info`](crate::signalr_connection_info) attribute build it at compile
/// time. Resolving is cheap: the connection string is parsed and its key prepared once per
/// distinct value of the setting, and a changed value is picked up on the next request.
///
/// # Id tokens
///
/// Without [`verify_id_token`](ConnectionInfoBindingBuilder::verify_id_token), a binding
/// behaves as Azure's: the claims listed in `claim_types` are copied from the id token
/// *without checking the token* (no signature, expiry, issuer or audience check), so whoever
/// sends the request chooses them. Copy claims only from a token a trusted front end (such as
/// App Service authentication) has already checked, or configure verification.
#[derive(Clone)]
pub struct ConnectionInfoBinding {
    properties: Properties,
    /// The connection string, prepared once per distinct value of its setting.
    prepared: Memo<Prepared>,
    /// The header names the templates read, made into `HeaderName`s once: looking a header up
    /// by `&str` parses the name on every request.
    header_names: OnceLock<Box<[HeaderName]>>,
    /// Where the connection string is read from, in order (`ConnectionStrings:K`, ...).
    connection_string_names: OnceLock<Box<[String]>>,
    #[cfg(feature = "verify")]
    verification: Option<IdTokenVerification>,
    #[cfg(feature = "verify")]
    verifier: VerifierCache,
    /// Several endpoints (`Azure:SignalR:Endpoints`), when the binding reads them.
    endpoints: Option<Endpoints>,
    /// Without several: the one endpoint of the connection-string setting, for the calls that
    /// take endpoints (`negotiate`, `endpoints_with`), kept so that it is built once per value.
    own_endpoint: Endpoints,
    /// How identity-based connections get their key; `None` for the defaults.
    #[cfg(feature = "identity")]
    identity: Option<Arc<crate::IdentityOptions>>,
}

/// A binding's properties, parsed. The attribute writes them as a `const` expression, so every
/// field is const-constructible.
///
/// Not public API: generated code builds it through `__private`.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Properties {
    pub hub_name: Template,
    pub connection_string_setting: Cow<'static, str>,
    pub user_id: Option<Template>,
    pub id_token: Option<Template>,
    pub claim_types: Cow<'static, [Cow<'static, str>]>,
    pub lifetime: Duration,
    /// `{id_token.CLAIM}` may read an id token this binding does not verify: the application
    /// says it is verified before the request reaches the binding.
    pub id_token_verified_elsewhere: bool,
    /// Adds the claims that ask the service to close the connection when the verified id
    /// token expires (`asrs.s.coae`, `asrs.s.aeo`).
    pub close_on_auth_expiry: bool,
}

/// Where a prepared connection's signing key comes from.
#[derive(Clone)]
enum PreparedKey {
    /// The connection string's `AccessKey`.
    AccessKey(SigningKey),
    /// Fetched from the service with an Entra identity: the key cache, found on first use
    /// with the binding's options.
    #[cfg(feature = "identity")]
    Identity {
        connection: Box<ConnectionString>,
        cache: OnceLock<Arc<crate::identity::KeyCache>>,
    },
    /// Identity-based auth, without the feature that does it.
    #[cfg(not(feature = "identity"))]
    Identity,
}

/// A connection string made ready to sign with: parsed, key prepared, URLs built.
#[derive(Clone)]
pub(crate) struct Prepared {
    key: PreparedKey,
    /// `{client endpoint}/client/?hub=`
    url_prefix: String,
    /// `{scheme}://{host}/client/?hub=`
    audience_prefix: String,
    /// The URL and audience for a literal hub name.
    literal_hub: Option<(String, String)>,
    /// The URL and audience for a hub name made of settings and text, once per distinct value
    /// of its settings.
    settings_hub: Memo<(String, String)>,
}

impl Prepared {
    fn new(source: &str, literal_hub: Option<&str>) -> Result<Self, ConnectionStringError> {
        Ok(Self::from_connection(
            &ConnectionString::parse(source)?,
            literal_hub,
        ))
    }

    pub(crate) fn from_connection(
        connection: &ConnectionString,
        literal_hub: Option<&str>,
    ) -> Self {
        let key = match connection.credential() {
            Credential::AccessKey(key) => PreparedKey::AccessKey(SigningKey::new(key)),
            #[cfg(feature = "identity")]
            Credential::Identity(_) => PreparedKey::Identity {
                connection: Box::new(connection.clone()),
                cache: OnceLock::new(),
            },
            #[cfg(not(feature = "identity"))]
            Credential::Identity(_) => PreparedKey::Identity,
        };
        let url_prefix = format!("{}/client/?hub=", connection.client_base_url());
        let audience_prefix = format!("{}/client/?hub=", connection.audience_base_url());
        let literal_hub = literal_hub.map(|hub| {
            let hub = hub.to_ascii_lowercase();
            (
                format!("{url_prefix}{hub}"),
                format!("{audience_prefix}{hub}"),
            )
        });
        Self {
            key,
            url_prefix,
            audience_prefix,
            literal_hub,
            settings_hub: Memo::new(),
        }
    }
}

impl ConnectionInfoBinding {
    /// Starts a binding for hub `hub_name` (a template: literal text, `{query.hub}`, ...).
    pub fn builder(hub_name: impl Into<String>) -> ConnectionInfoBindingBuilder {
        ConnectionInfoBindingBuilder::new(hub_name.into())
    }

    /// A binding from properties the attribute validated at compile time.
    #[doc(hidden)]
    pub const fn from_static(properties: Properties) -> Self {
        Self {
            properties,
            prepared: Memo::new(),
            header_names: OnceLock::new(),
            connection_string_names: OnceLock::new(),
            #[cfg(feature = "verify")]
            verification: None,
            #[cfg(feature = "verify")]
            verifier: VerifierCache::new(),
            endpoints: None,
            own_endpoint: Endpoints::own_setting_only(),
            #[cfg(feature = "identity")]
            identity: None,
        }
    }

    /// A binding from properties the attribute validated at compile time that reads several
    /// endpoints (a `SignalRNegotiation` receiver).
    #[doc(hidden)]
    pub const fn from_static_negotiation(properties: Properties) -> Self {
        Self {
            properties,
            prepared: Memo::new(),
            header_names: OnceLock::new(),
            connection_string_names: OnceLock::new(),
            #[cfg(feature = "verify")]
            verification: None,
            #[cfg(feature = "verify")]
            verifier: VerifierCache::new(),
            endpoints: Some(Endpoints::new()),
            own_endpoint: Endpoints::own_setting_only(),
            #[cfg(feature = "identity")]
            identity: None,
        }
    }

    /// A binding from properties the attribute validated at compile time, with id-token
    /// verification.
    #[doc(hidden)]
    #[cfg(feature = "verify")]
    pub const fn from_static_verified(
        properties: Properties,
        verification: IdTokenVerification,
    ) -> Self {
        Self {
            properties,
            prepared: Memo::new(),
            header_names: OnceLock::new(),
            connection_string_names: OnceLock::new(),
            verification: Some(verification),
            verifier: VerifierCache::new(),
            endpoints: None,
            own_endpoint: Endpoints::own_setting_only(),
            #[cfg(feature = "identity")]
            identity: None,
        }
    }

    /// This binding, reading several endpoints and routing each request with `router` (the
    /// attribute's `router` argument).
    #[doc(hidden)]
    pub const fn routed_by(mut self, router: &'static dyn Router) -> Self {
        let unrouted = self.endpoints.replace(Endpoints::routed_by(router));
        // `None` for every binding the attribute builds; `forget` keeps this a `const fn`
        // (a dropped `Option<Endpoints>` is not const-evaluable).
        std::mem::forget(unrouted);
        self
    }

    /// How the id token is verified, if it is.
    #[cfg(feature = "verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
    pub fn id_token_verification(&self) -> Option<&IdTokenVerification> {
        self.verification.as_ref()
    }

    /// The hub-name template.
    pub fn hub_name(&self) -> &Template {
        &self.properties.hub_name
    }

    /// The name of the setting that holds the connection string.
    pub fn connection_string_setting(&self) -> &str {
        &self.properties.connection_string_setting
    }

    /// The user-id template, if any.
    pub fn user_id(&self) -> Option<&Template> {
        self.properties.user_id.as_ref()
    }

    /// The id-token template, if any.
    pub fn id_token(&self) -> Option<&Template> {
        self.properties.id_token.as_ref()
    }

    /// The claim types copied from the id token.
    pub fn claim_types(&self) -> impl Iterator<Item = &str> {
        self.properties.claim_types.iter().map(|t| &**t)
    }

    /// How long minted tokens are valid. With a verified id token, a token never outlives the
    /// id token: its `exp` is the sooner of now plus this lifetime and the id token's `exp`.
    pub fn lifetime(&self) -> Duration {
        self.properties.lifetime
    }

    /// Whether `{id_token.CLAIM}` may read an id token this binding does not verify (the
    /// application said the token is verified before the request reaches the binding).
    pub fn id_token_verified_elsewhere(&self) -> bool {
        self.properties.id_token_verified_elsewhere
    }

    /// Whether minted tokens ask the service to close the connection when the verified id
    /// token expires (claims `asrs.s.coae` and `asrs.s.aeo`).
    pub fn close_on_auth_expiry(&self) -> bool {
        self.properties.close_on_auth_expiry
    }

    /// Whether resolving reads the request (a template has a header or query expression).
    pub fn reads_request(&self) -> bool {
        [
            Some(&self.properties.hub_name),
            self.properties.user_id.as_ref(),
            self.properties.id_token.as_ref(),
        ]
        .into_iter()
        .flatten()
        .any(Template::reads_request)
    }

    /// Resolves connection info for `request`, with the settings and clock of the
    /// [`BindingContext`](crate::BindingContext) in its extensions, or the process
    /// environment and system clock when it has none.
    pub fn resolve<R: BindingRequest + ?Sized>(
        &self,
        request: &R,
    ) -> Result<SignalRConnectionInfo, BindingError> {
        let request: &dyn BindingRequest = &request;
        match request.context() {
            Some(context) => self.resolve_with(Some(request), context.settings(), context.clock()),
            None => self.resolve_with(Some(request), &EnvSettings, &SystemClock),
        }
    }

    /// Resolves connection info with no request, from the process environment and the system
    /// clock. A header or query expression fails as a missing header or key.
    pub fn resolve_without_request(&self) -> Result<SignalRConnectionInfo, BindingError> {
        self.resolve_with(None, &EnvSettings, &SystemClock)
    }

    /// Resolves connection info with explicit settings and clock.
    pub fn resolve_with(
        &self,
        request: Option<&dyn BindingRequest>,
        settings: &dyn Settings,
        clock: &dyn Clock,
    ) -> Result<SignalRConnectionInfo, BindingError> {
        let setting = &*self.properties.connection_string_setting;
        if let Some(endpoints) = &self.endpoints {
            let set =
                endpoints.endpoints(settings, setting, self.properties.hub_name.as_literal())?;
            let chosen = endpoints.route(request, &set.endpoints)?;
            return self.mint(&chosen.prepared, chosen.setting(), request, settings, clock);
        }
        let prepared = self.prepared_for(settings)?;
        self.mint(&prepared, setting, request, settings, clock)
    }

    /// The prepared connection of the binding's own setting: `ConnectionStrings:K`,
    /// `CUSTOMCONNSTR_K` or `K`, else the identity section `K:serviceUri`.
    fn prepared_for(
        &self,
        settings: &dyn Settings,
    ) -> Result<Arc<Memoized<Prepared>>, BindingError> {
        let setting = &*self.properties.connection_string_setting;
        let names = self
            .connection_string_names
            .get_or_init(|| crate::identity::section::connection_string_names(setting));
        if let Some(connection_string) =
            crate::identity::section::connection_string(settings, names)
        {
            return self.prepared(&connection_string);
        }
        let Some(fingerprint) = crate::identity::section::section_fingerprint(settings, setting)
        else {
            return Err(BindingError::MissingConnectionString {
                setting: setting.to_owned(),
            });
        };
        let literal = self.properties.hub_name.as_literal();
        self.prepared
            .get_or_prepare(&fingerprint, |_| {
                crate::identity::identity_section(settings, setting)
                    .expect("the fingerprint saw serviceUri")
                    .map(|connection| Prepared::from_connection(&connection, literal))
            })
            .map_err(|reason| BindingError::InvalidConnectionString {
                setting: setting.to_owned(),
                reason,
            })
    }

    /// The key cache of an identity-based connection, found on first use.
    #[cfg(feature = "identity")]
    fn key_cache<'p>(&self, prepared: &'p Prepared) -> Option<&'p Arc<crate::identity::KeyCache>> {
        match &prepared.key {
            PreparedKey::Identity { connection, cache } => Some(cache.get_or_init(|| {
                let options = self
                    .identity
                    .as_ref()
                    .unwrap_or_else(|| crate::IdentityOptions::shared_default());
                let credential = connection
                    .credential()
                    .identity()
                    .expect("an identity connection");
                crate::identity::KeyCache::shared(connection, credential, options)
            })),
            PreparedKey::AccessKey(_) => None,
        }
    }

    /// Sets the identity options (the builder's).
    #[cfg(feature = "identity")]
    pub(crate) fn set_identity_options(&mut self, options: Arc<crate::IdentityOptions>) {
        self.identity = Some(options);
    }

    /// The key caches of the identity-based connections of the current settings.
    #[cfg(feature = "identity")]
    fn key_caches(
        &self,
        settings: &dyn Settings,
    ) -> Result<Vec<(String, Arc<crate::identity::KeyCache>)>, BindingError> {
        let mut caches = Vec::new();
        if self.endpoints.is_some() {
            let set = self.endpoint_set(settings)?;
            for endpoint in set.endpoints.iter() {
                if let Some(cache) = self.key_cache(&endpoint.prepared) {
                    caches.push((endpoint.setting().to_owned(), Arc::clone(cache)));
                }
            }
        } else {
            let prepared = self.prepared_for(settings)?;
            if let Some(cache) = self.key_cache(&prepared) {
                caches.push((
                    self.properties.connection_string_setting.to_string(),
                    Arc::clone(cache),
                ));
            }
        }
        Ok(caches)
    }

    /// Fetches the signing keys of the binding's identity-based connections (for the current
    /// `settings`) and waits for them, bounded by
    /// [`IdentityOptions::first_key_wait`](crate::IdentityOptions::first_key_wait). Call it at
    /// start-up so that no request waits for the first key. A binding with access keys only
    /// returns at once.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    pub async fn warm_up(&self, settings: &dyn Settings) -> Result<(), BindingError> {
        for (setting, cache) in self.key_caches(settings)? {
            cache
                .wait()
                .await
                .map_err(|error| BindingError::Identity { setting, error })?;
        }
        Ok(())
    }

    /// Fetches the signing keys again now, out of schedule, and waits for them (bounded): for
    /// an application that knows a key was rotated.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    pub async fn refresh_keys(&self, settings: &dyn Settings) -> Result<(), BindingError> {
        for (setting, cache) in self.key_caches(settings)? {
            cache
                .refresh_now()
                .await
                .map_err(|error| BindingError::Identity { setting, error })?;
        }
        Ok(())
    }

    /// How many signing-key fetches the binding's identity-based connections sent so far
    /// (for the current `settings`); 0 with access keys.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    pub fn key_fetches(&self, settings: &dyn Settings) -> Result<u64, BindingError> {
        Ok(self
            .key_caches(settings)?
            .iter()
            .map(|(_, cache)| cache.fetches())
            .sum())
    }

    /// [`resolve`](Self::resolve), after waiting (without blocking the thread, bounded by
    /// [`IdentityOptions::first_key_wait`](crate::IdentityOptions::first_key_wait)) for the
    /// first signing key of an identity-based connection. With access keys it is `resolve`.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    pub async fn resolve_async<R: BindingRequest + Sync + ?Sized>(
        &self,
        request: &R,
    ) -> Result<SignalRConnectionInfo, BindingError> {
        self.wait_for_keys(request).await?;
        self.resolve(request)
    }

    /// The key caches to wait for (none when the settings are wrong: `resolve` reports that).
    #[cfg(feature = "identity")]
    pub(crate) fn key_caches_for_wait(
        &self,
        settings: &dyn Settings,
    ) -> Vec<Arc<crate::identity::KeyCache>> {
        self.key_caches(settings)
            .map(|caches| caches.into_iter().map(|(_, cache)| cache).collect())
            .unwrap_or_default()
    }

    /// Waits for the identity keys `request` needs (its context's settings, else the
    /// environment); errors are left for `resolve` to report.
    #[cfg(feature = "identity")]
    pub(crate) async fn wait_for_keys<R: BindingRequest + Sync + ?Sized>(
        &self,
        request: &R,
    ) -> Result<(), BindingError> {
        let caches = {
            let request: &dyn BindingRequest = &request;
            match request.context() {
                Some(context) => self.key_caches(context.settings()),
                None => self.key_caches(&EnvSettings),
            }
        };
        // A settings error is the request's to report, from `resolve`.
        let Ok(caches) = caches else { return Ok(()) };
        for (setting, cache) in caches {
            cache
                .wait()
                .await
                .map_err(|error| BindingError::Identity { setting, error })?;
        }
        Ok(())
    }

    /// Connection info for every endpoint of a binding with several
    /// ([`multiple_endpoints`](ConnectionInfoBindingBuilder::multiple_endpoints)), as Azure's
    /// `SignalRNegotiation`, with the settings and clock of the request's
    /// [`BindingContext`](crate::BindingContext) or the defaults. A binding with one
    /// connection string answers with that one endpoint.
    pub fn negotiate<R: BindingRequest + ?Sized>(
        &self,
        request: &R,
    ) -> Result<SignalRNegotiation, BindingError> {
        let request: &dyn BindingRequest = &request;
        match request.context() {
            Some(context) => {
                self.negotiate_with(Some(request), context.settings(), context.clock())
            }
            None => self.negotiate_with(Some(request), &EnvSettings, &SystemClock),
        }
    }

    /// [`negotiate`](Self::negotiate) with explicit settings and clock.
    pub fn negotiate_with(
        &self,
        request: Option<&dyn BindingRequest>,
        settings: &dyn Settings,
        clock: &dyn Clock,
    ) -> Result<SignalRNegotiation, BindingError> {
        let set = self.endpoint_set(settings)?;
        let endpoints = set
            .endpoints
            .iter()
            .map(|endpoint| {
                Ok(EndpointConnectionInfo {
                    endpoint_type: endpoint.endpoint_type(),
                    name: endpoint.name().to_owned(),
                    endpoint: endpoint.endpoint().to_owned(),
                    online: endpoint.online(),
                    connection_info: self.mint(
                        &endpoint.prepared,
                        endpoint.setting(),
                        request,
                        settings,
                        clock,
                    )?,
                })
            })
            .collect::<Result<_, BindingError>>()?;
        Ok(SignalRNegotiation { endpoints })
    }

    /// The binding's endpoints for the current values of `settings`: several with
    /// [`multiple_endpoints`](ConnectionInfoBindingBuilder::multiple_endpoints), else the one
    /// of its connection-string setting.
    pub fn endpoints_with(
        &self,
        settings: &dyn Settings,
    ) -> Result<Vec<crate::ServiceEndpoint>, BindingError> {
        Ok(self.endpoint_set(settings)?.endpoints.to_vec())
    }

    fn endpoint_set(
        &self,
        settings: &dyn Settings,
    ) -> Result<std::sync::Arc<crate::endpoints::EndpointSet>, BindingError> {
        let setting = &*self.properties.connection_string_setting;
        let literal = self.properties.hub_name.as_literal();
        match &self.endpoints {
            Some(endpoints) => endpoints.endpoints(settings, setting, literal),
            // One connection string: the same set, with no section read and no health check.
            None => self
                .own_endpoint
                .endpoints(settings, setting, literal)
                .map_err(|error| match error {
                    BindingError::NoEndpoints { setting } => {
                        BindingError::MissingConnectionString { setting }
                    }
                    error => error,
                }),
        }
    }

    /// Checks the health of every endpoint of the current settings now, as the background
    /// check does, and waits for the answers (feature `health-check`). Only with more than one
    /// endpoint: a single endpoint is never checked.
    #[cfg(feature = "health-check")]
    #[cfg_attr(docsrs, doc(cfg(feature = "health-check")))]
    pub async fn check_endpoints(&self, settings: &dyn Settings) -> Result<(), BindingError> {
        let Some(endpoints) = &self.endpoints else {
            return Ok(());
        };
        let set = endpoints.endpoints(
            settings,
            &self.properties.connection_string_setting,
            self.properties.hub_name.as_literal(),
        )?;
        if set.endpoints.len() > 1 {
            crate::endpoints::check_now(&set, endpoints.options()).await;
        }
        Ok(())
    }

    /// The binding's multiple-endpoint state, set by the builder.
    pub(crate) fn endpoints_mut(&mut self) -> &mut Endpoints {
        self.endpoints.get_or_insert_with(Endpoints::new)
    }

    /// Mints connection info with the prepared connection of setting `setting`.
    fn mint(
        &self,
        prepared: &Prepared,
        setting: &str,
        request: Option<&dyn BindingRequest>,
        settings: &dyn Settings,
        clock: &dyn Clock,
    ) -> Result<SignalRConnectionInfo, BindingError> {
        #[cfg(not(feature = "identity"))]
        if let PreparedKey::Identity = &prepared.key {
            return Err(BindingError::IdentityAuthNotSupported {
                setting: setting.to_owned(),
            });
        }

        let time = clock.now();
        let now = time
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let principal = OnceCell::new();
        let sources = Sources {
            request,
            settings,
            header_names: self.header_names(),
            principal: &principal,
            id_token_claims: None,
        };
        let reads_claims = self.reads_id_token_claims();
        let claim_types = self.properties.claim_types.iter().map(|t| &**t);
        // With verification, the token is checked even when no claim is copied. It is read
        // first, since the other templates may read its claims.
        let id_token = match &self.properties.id_token {
            Some(template)
                if self.verifies() || !self.properties.claim_types.is_empty() || reads_claims =>
            {
                Some(render(template, sources)?)
            }
            _ => None,
        };
        // The verified id token's claims, as an object.
        let mut verified_claims: Option<Map<String, Value>> = None;
        // The payload of an id token verified elsewhere, decoded, when a template reads it.
        let mut payload_json: Option<Vec<u8>> = None;
        // The verified id token's `exp`: the access token does not outlive it.
        #[cfg_attr(not(feature = "verify"), allow(unused_mut))]
        let mut id_token_exp: Option<u64> = None;
        if let Some(id_token) = &id_token {
            #[cfg(feature = "verify")]
            if let Some(verification) = &self.verification {
                let claims =
                    verification::verify(verification, &self.verifier, settings, id_token, now)?;
                id_token_exp = claims.get("exp").and_then(claims::numeric_date);
                verified_claims = Some(claims);
            }
            if verified_claims.is_none() && reads_claims {
                payload_json = Some(claims::payload_json(id_token)?);
            }
        }
        let sources = Sources {
            id_token_claims: match (&verified_claims, &payload_json) {
                (Some(claims), _) => Some(IdTokenClaims::Verified(claims)),
                (None, Some(json)) => Some(IdTokenClaims::Payload(json)),
                (None, None) => None,
            },
            ..sources
        };

        let (url, hub_audience, settings_hub);
        let audience = match &prepared.literal_hub {
            Some((literal_url, literal_audience)) => {
                url = literal_url.clone();
                literal_audience.as_str()
            }
            None if !self.properties.hub_name.reads_request()
                && !self.properties.hub_name.reads_id_token() =>
            {
                // Made of settings and text: checked and its URL built once per distinct value
                // of the settings.
                settings_hub = self.settings_hub(prepared, sources)?;
                url = settings_hub.0.clone();
                settings_hub.1.as_str()
            }
            None => {
                let hub = render(&self.properties.hub_name, sources)?;
                let (hub_url, audience) = hub_urls(prepared, &hub)?;
                url = hub_url;
                hub_audience = audience;
                hub_audience.as_str()
            }
        };

        let user_id = match &self.properties.user_id {
            Some(template) => Some(check_user_id(render(template, sources)?)?),
            None => None,
        };
        // Claims are copied straight into the access token's payload; a payload decoded from
        // the id token is at most three quarters of its length.
        let mut payload = token::Payload::new(
            audience,
            user_id.as_deref(),
            id_token.as_ref().map_or(0, |t| t.len() * 3 / 4),
        );
        if let Some(exp) = id_token_exp {
            payload.expire_by(exp);
            if self.properties.close_on_auth_expiry {
                payload.close_on_auth_expiry(exp);
            }
        }
        if let Some(id_token) = &id_token {
            match &verified_claims {
                Some(claims) => CopiedClaims::from_payload(claims, claim_types)?
                    .write_members(payload.copied_claims()),
                None if !self.properties.claim_types.is_empty() => {
                    claims::copy_from_id_token(id_token, claim_types, payload.copied_claims())?
                }
                // Read only for its claims in the templates.
                None => {}
            }
        }
        // An identity key is taken last, borrowed without a lock: a request error comes first,
        // and a key being fetched costs nothing before.
        let lifetime = self.properties.lifetime.as_secs();
        let access_token = match &prepared.key {
            PreparedKey::AccessKey(key) => payload.sign(key, now, lifetime),
            #[cfg(feature = "identity")]
            PreparedKey::Identity { .. } => self
                .key_cache(prepared)
                .expect("an identity key has a cache")
                .sign_with(
                    crate::settings::is_system_clock(clock).then_some(time),
                    |key| payload.sign(key, now, lifetime),
                )
                .map_err(|error| BindingError::Identity {
                    setting: setting.to_owned(),
                    error,
                })?,
            #[cfg(not(feature = "identity"))]
            PreparedKey::Identity => unreachable!("refused above"),
        };
        if access_token.len() > MAX_ACCESS_TOKEN_LEN {
            return Err(BindingError::TokenTooLong {
                length: access_token.len(),
            });
        }
        Ok(SignalRConnectionInfo { url, access_token })
    }

    /// The header names the binding's templates read, as `HeaderName`s, made on first use.
    fn header_names(&self) -> &[HeaderName] {
        self.header_names.get_or_init(|| {
            let properties = &self.properties;
            let mut names: Vec<HeaderName> = Vec::new();
            let templates = [&properties.hub_name]
                .into_iter()
                .chain(&properties.user_id)
                .chain(&properties.id_token);
            for template in templates {
                let Template::Parts(parts) = template else {
                    continue;
                };
                for part in parts.iter() {
                    // A name `http` refuses stays a string, which no header of a request has.
                    if let Part::Header(name) = part
                        && let Ok(name) = HeaderName::from_bytes(name.as_bytes())
                        && !names.contains(&name)
                    {
                        names.push(name);
                    }
                }
            }
            names.into_boxed_slice()
        })
    }

    /// Whether a template other than `id_token` reads a claim of the id token.
    fn reads_id_token_claims(&self) -> bool {
        [
            Some(&self.properties.hub_name),
            self.properties.user_id.as_ref(),
        ]
        .into_iter()
        .flatten()
        .any(Template::reads_id_token)
    }

    /// The URL and audience of a hub name made of settings and text, made once per distinct
    /// value of its settings.
    fn settings_hub(
        &self,
        prepared: &Prepared,
        sources: Sources<'_>,
    ) -> Result<Arc<Memoized<(String, String)>>, BindingError> {
        let template = &self.properties.hub_name;
        let key = settings_key(template, sources.settings)?;
        prepared.settings_hub.get_or_prepare(&key, |key| {
            hub_urls(prepared, &render_from_key(template, key))
        })
    }

    /// Whether the id token is verified.
    fn verifies(&self) -> bool {
        #[cfg(feature = "verify")]
        return self.verification.is_some();
        #[cfg(not(feature = "verify"))]
        false
    }

    /// The prepared connection for the setting's current value, made once per distinct value.
    fn prepared(&self, connection_string: &str) -> Result<Arc<Memoized<Prepared>>, BindingError> {
        self.prepared
            .get_or_prepare(connection_string, |source| {
                Prepared::new(source, self.properties.hub_name.as_literal())
            })
            .map_err(|reason| BindingError::InvalidConnectionString {
                setting: self.properties.connection_string_setting.to_string(),
                reason,
            })
    }
}

/// What templates are rendered from for one request.
#[derive(Clone, Copy)]
struct Sources<'a> {
    request: Option<&'a dyn BindingRequest>,
    settings: &'a dyn Settings,
    /// The header names the templates read, made ready to look up.
    header_names: &'a [HeaderName],
    /// The client principal, decoded on first use.
    principal: &'a OnceCell<Result<Principal, BindingError>>,
    /// The id token's claims, once read.
    id_token_claims: Option<IdTokenClaims<'a>>,
}

/// The claims `{id_token.CLAIM}` reads.
#[derive(Clone, Copy)]
enum IdTokenClaims<'a> {
    /// Of a token this binding verified.
    Verified(&'a Map<String, Value>),
    /// The decoded payload of a token verified elsewhere (`id_token_verified_elsewhere`).
    Payload(&'a [u8]),
}

/// Renders `template` from the request, the settings and the id token's claims.
fn render<'a>(template: &'a Template, sources: Sources<'a>) -> Result<Cow<'a, str>, BindingError> {
    let Sources {
        request,
        settings,
        header_names,
        ..
    } = sources;
    let setting = |name: &str| {
        settings
            .get(name)
            .ok_or_else(|| BindingError::UnresolvedSetting {
                name: name.to_owned(),
            })
    };
    let principal = || -> Result<&'a Principal, BindingError> {
        sources
            .principal
            .get_or_init(|| Principal::from_request(request))
            .as_ref()
            .map_err(Clone::clone)
    };
    let part = |part: &'a Part| -> Result<Cow<'a, str>, BindingError> {
        match part {
            Part::Literal(text) => Ok(Cow::Borrowed(&**text)),
            Part::Header(name) => match request {
                Some(request) => {
                    let prepared = header_names.iter().find(|h| h.as_str() == &**name);
                    request::header(request, name, prepared)
                }
                None => Err(BindingError::MissingHeader {
                    name: name.to_string(),
                }),
            },
            Part::Query(key) => match request {
                Some(request) => request::query(request, key),
                None => Err(BindingError::MissingQuery {
                    key: key.to_string(),
                }),
            },
            Part::Setting(name) => setting(name),
            Part::IdTokenClaim(claim) => match sources.id_token_claims {
                Some(IdTokenClaims::Verified(claims)) => {
                    Ok(Cow::Borrowed(claims::string_claim(claims, claim)?))
                }
                Some(IdTokenClaims::Payload(json)) => Ok(claims::string_claim_in(json, claim)?),
                None => Err(claims::IdTokenError::MissingClaim {
                    claim: claim.to_string(),
                }
                .into()),
            },
            Part::Principal(field) => Ok(principal()?.field(*field)?),
            Part::PrincipalClaim(claim_type) => Ok(principal()?.claim(claim_type)?),
        }
    };
    match template {
        Template::Setting(name) => setting(name),
        Template::Parts(parts) => match &**parts {
            [] => Ok(Cow::Borrowed("")),
            [only] => part(only),
            parts if parts.len() <= MAX_PIECES => {
                // Each piece first, so the text is allocated once at its full length.
                let mut pieces: [Cow<'a, str>; MAX_PIECES] = Default::default();
                let mut length = 0;
                for (piece, p) in pieces.iter_mut().zip(parts) {
                    *piece = part(p)?;
                    length += piece.len();
                }
                let mut text = String::with_capacity(length);
                pieces.iter().for_each(|piece| text.push_str(piece));
                Ok(Cow::Owned(text))
            }
            parts => parts
                .iter()
                .try_fold(String::new(), |mut text, p| {
                    text.push_str(&part(p)?);
                    Ok(text)
                })
                .map(Cow::Owned),
        },
    }
}

/// The most parts of a template rendered with one allocation.
const MAX_PIECES: usize = 8;

/// The memo key of a template made of settings and text: the value of its one setting, or
/// the values of its settings, each written `LENGTH:VALUE` so that the key reads back
/// unambiguously ([`render_from_key`]).
fn settings_key<'s>(
    template: &Template,
    settings: &'s dyn Settings,
) -> Result<Cow<'s, str>, BindingError> {
    let get = |name: &str| {
        settings
            .get(name)
            .ok_or_else(|| BindingError::UnresolvedSetting {
                name: name.to_owned(),
            })
    };
    let mut names = match template {
        Template::Setting(name) => return get(name),
        Template::Parts(parts) => parts.iter().filter_map(|part| match part {
            Part::Setting(name) => Some(&**name),
            _ => None,
        }),
    };
    let Some(first) = names.next() else {
        return Ok(Cow::Borrowed(""));
    };
    let first = get(first)?;
    let Some(second) = names.next() else {
        return Ok(first);
    };
    let mut key = String::new();
    let mut push = |value: &str| {
        key.push_str(itoa::Buffer::new().format(value.len()));
        key.push(':');
        key.push_str(value);
    };
    push(&first);
    push(&get(second)?);
    for name in names {
        push(&get(name)?);
    }
    Ok(Cow::Owned(key))
}

/// The text of a template made of settings and text, from its [`settings_key`].
fn render_from_key(template: &Template, key: &str) -> String {
    let parts = template.parts();
    let settings = parts
        .iter()
        .filter(|part| matches!(part, Part::Setting(_)))
        .count();
    if settings <= 1 {
        // A whole-value `%NAME%` has no parts: its text is the key.
        if parts.is_empty() {
            return key.to_owned();
        }
    }
    let mut rest = key;
    let mut text = String::new();
    for part in parts {
        match part {
            Part::Setting(_) if settings == 1 => text.push_str(key),
            Part::Setting(_) => {
                let (length, after) = rest.split_once(':').unwrap_or(("0", rest));
                let length = length.parse().unwrap_or(0).min(after.len());
                text.push_str(&after[..length]);
                rest = &after[length..];
            }
            // The template reads neither the request nor the id token (see `resolve_with`).
            Part::Literal(literal) => text.push_str(literal),
            _ => {}
        }
    }
    text
}

/// The client URL and the audience for the resolved hub name `hub`, once it passes the
/// hub-name rule.
fn hub_urls(prepared: &Prepared, hub: &str) -> Result<(String, String), BindingError> {
    validate_hub_name(hub).map_err(|reason| BindingError::InvalidHubName {
        hub: hub.to_owned(),
        reason,
    })?;
    let hub = hub.to_ascii_lowercase();
    Ok((
        format!("{}{hub}", prepared.url_prefix),
        format!("{}{hub}", prepared.audience_prefix),
    ))
}

/// Rejects user ids the service could not carry safely.
fn check_user_id(user_id: Cow<'_, str>) -> Result<Cow<'_, str>, BindingError> {
    if user_id.len() > MAX_USER_ID_LEN {
        return Err(BindingError::InvalidUserId {
            reason: "it is longer than 1024 bytes",
        });
    }
    if has_control_character(&user_id) {
        return Err(BindingError::InvalidUserId {
            reason: "it contains control characters",
        });
    }
    Ok(user_id)
}

/// Whether `text` has a control character (Unicode category Cc: U+0000 to U+001F and
/// U+007F to U+009F). An ASCII text, the usual user id, is checked in one pass with no early
/// exit, which the compiler vectorises.
fn has_control_character(text: &str) -> bool {
    let (control, non_ascii) = text
        .bytes()
        .fold((false, false), |(control, non_ascii), b| {
            (control | (b < 0x20) | (b == 0x7f), non_ascii | (b >= 0x80))
        });
    control || (non_ascii && text.chars().any(char::is_control))
}

impl fmt::Debug for ConnectionInfoBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ConnectionInfoBinding");
        debug
            .field("hub_name", &self.properties.hub_name.to_string())
            .field(
                "connection_string_setting",
                &self.properties.connection_string_setting,
            )
            .field(
                "user_id",
                &self.properties.user_id.as_ref().map(Template::to_string),
            )
            .field(
                "id_token",
                &self.properties.id_token.as_ref().map(Template::to_string),
            )
            .field(
                "claim_types",
                &self
                    .properties
                    .claim_types
                    .iter()
                    .map(|t| &**t)
                    .collect::<Vec<_>>(),
            )
            .field("lifetime", &self.properties.lifetime)
            .field(
                "id_token_verified_elsewhere",
                &self.properties.id_token_verified_elsewhere,
            )
            .field(
                "close_on_auth_expiry",
                &self.properties.close_on_auth_expiry,
            )
            .field("endpoints", &self.endpoints);
        #[cfg(feature = "verify")]
        debug.field("verification", &self.verification);
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_CONNECTION_STRING_SETTING;
    use crate::error::ConfigError;
    use std::collections::HashMap;

    const CS: &str = crate::EMULATOR_CONNECTION_STRING;

    proptest::proptest! {
        #[test]
        fn control_characters_are_found_as_char_is_control_finds_them(
            text in "\\PC{0,12}|[\\x00-\\x{a0}]{0,12}",
        ) {
            proptest::prop_assert_eq!(
                has_control_character(&text),
                text.chars().any(char::is_control)
            );
        }
    }

    #[test]
    fn the_connection_string_is_prepared_once_per_distinct_value() {
        let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
        let first = binding.prepared(CS).unwrap();
        let again = binding.prepared(CS).unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "the same value is not prepared twice"
        );
        let other = binding
            .prepared("Endpoint=http://other;AccessKey=k")
            .unwrap();
        assert!(!Arc::ptr_eq(&first, &other), "a changed value is picked up");
        assert_eq!(
            first.literal_hub.as_ref().map(|(url, _)| url.as_str()),
            Some("http://localhost:8888/client/?hub=chat")
        );
    }

    #[test]
    fn a_static_binding_is_const_constructible() {
        static BINDING: ConnectionInfoBinding = ConnectionInfoBinding::from_static(Properties {
            hub_name: Template::from_static(&[Part::Literal(Cow::Borrowed("Chat"))]),
            connection_string_setting: Cow::Borrowed("CS"),
            user_id: Some(Template::from_static(&[Part::Query(Cow::Borrowed("u"))])),
            id_token: None,
            claim_types: Cow::Borrowed(&[]),
            lifetime: DEFAULT_TOKEN_LIFETIME,
            id_token_verified_elsewhere: false,
            close_on_auth_expiry: false,
        });
        let settings = HashMap::from([("CS".to_owned(), CS.to_owned())]);
        let request = http::Request::get("/?u=ann").body(()).unwrap();
        let info = BINDING
            .resolve_with(Some(&request), &settings, &SystemClock)
            .unwrap();
        assert_eq!(info.url, "http://localhost:8888/client/?hub=chat");
        assert!(BINDING.reads_request());
    }

    #[test]
    fn the_builder_reports_what_is_wrong() {
        let build = |b: ConnectionInfoBindingBuilder| b.build().unwrap_err();
        assert!(matches!(
            build(ConnectionInfoBinding::builder("{header.x}")),
            ConfigError::InvalidTemplate {
                property: "hubName",
                ..
            }
        ));
        assert!(matches!(
            build(ConnectionInfoBinding::builder("1chat")),
            ConfigError::InvalidHubName(_)
        ));
        // The literal text of a templated hub name follows the rule too.
        assert!(matches!(
            build(ConnectionInfoBinding::builder("chat-{query.room}")),
            ConfigError::InvalidHubName(_)
        ));
        assert!(
            ConnectionInfoBinding::builder("chat_{query.room}")
                .build()
                .is_ok()
        );
        assert!(matches!(
            build(ConnectionInfoBinding::builder("chat").connection_string_setting("a;b")),
            ConfigError::InvalidConnectionStringSetting(_)
        ));
        assert_eq!(
            build(ConnectionInfoBinding::builder("chat").claim_types(["name"])),
            ConfigError::ClaimTypesWithoutIdToken
        );
        assert_eq!(
            build(ConnectionInfoBinding::builder("chat").lifetime(Duration::from_millis(500))),
            ConfigError::ZeroLifetime
        );
        let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
        assert_eq!(
            binding.connection_string_setting(),
            DEFAULT_CONNECTION_STRING_SETTING
        );
        assert_eq!(binding.lifetime(), DEFAULT_TOKEN_LIFETIME);
        assert!(!binding.reads_request());
    }

    #[test]
    fn user_ids_with_control_characters_or_over_1_kib_are_refused() {
        assert!(check_user_id(Cow::Borrowed("ann")).is_ok());
        assert!(check_user_id(Cow::Borrowed("a\u{7}b")).is_err());
        assert!(check_user_id(Cow::Owned("a".repeat(MAX_USER_ID_LEN))).is_ok());
        assert!(check_user_id(Cow::Owned("a".repeat(MAX_USER_ID_LEN + 1))).is_err());
    }

    #[test]
    #[cfg(not(feature = "identity"))]
    fn identity_based_auth_without_the_feature_names_the_feature() {
        let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
        let settings = HashMap::from([(
            DEFAULT_CONNECTION_STRING_SETTING.to_owned(),
            "Endpoint=https://x.service.signalr.net;AuthType=azure.msi".to_owned(),
        )]);
        let error = binding
            .resolve_with(None, &settings, &SystemClock)
            .unwrap_err();
        assert!(matches!(
            error,
            BindingError::IdentityAuthNotSupported { .. }
        ));
        assert!(error.to_string().contains("`identity` feature"), "{error}");
        assert!(error.hint().unwrap().contains("features = [\"identity\"]"));
        assert_eq!(error.code(), "identity_auth_not_supported");
    }
}
