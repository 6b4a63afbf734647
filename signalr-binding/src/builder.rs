//! [`ConnectionInfoBindingBuilder`]: a binding from its properties, written as strings.

use std::borrow::Cow;
use std::time::Duration;

use signalr_binding_expression::{
    DEFAULT_CONNECTION_STRING_SETTING, Template, validate_hub_name_template, validate_setting_name,
};

use crate::binding::{ConnectionInfoBinding, DEFAULT_TOKEN_LIFETIME, Properties};
use crate::endpoints::{Endpoints, Router};
use crate::error::ConfigError;
#[cfg(feature = "verify")]
use crate::verification::IdTokenVerification;

/// Builds a [`ConnectionInfoBinding`] from its properties, as strings in the template
/// language.
///
/// ```
/// use signalr_binding::ConnectionInfoBinding;
///
/// let binding = ConnectionInfoBinding::builder("chat")
///     .user_id("{headers.x-ms-client-principal-id}")
///     .build()?;
/// assert!(binding.reads_request());
/// # Ok::<(), signalr_binding::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ConnectionInfoBindingBuilder {
    hub_name: String,
    connection_string_setting: Option<String>,
    user_id: Option<String>,
    id_token: Option<String>,
    claim_types: Vec<String>,
    lifetime: Duration,
    id_token_verified_elsewhere: bool,
    close_on_auth_expiry: bool,
    #[cfg(feature = "verify")]
    verification: Option<IdTokenVerification>,
    endpoints: Option<Endpoints>,
    #[cfg(feature = "identity")]
    identity: Option<std::sync::Arc<crate::IdentityOptions>>,
}

impl ConnectionInfoBindingBuilder {
    /// A builder for hub `hub_name`, everything else at its default.
    pub(crate) fn new(hub_name: String) -> Self {
        Self {
            hub_name,
            connection_string_setting: None,
            user_id: None,
            id_token: None,
            claim_types: Vec::new(),
            lifetime: DEFAULT_TOKEN_LIFETIME,
            id_token_verified_elsewhere: false,
            close_on_auth_expiry: false,
            #[cfg(feature = "verify")]
            verification: None,
            endpoints: None,
            #[cfg(feature = "identity")]
            identity: None,
        }
    }

    /// The name of the setting that holds the connection string (default
    /// `AzureSignalRConnectionString`). A setting's name, never the connection string itself.
    pub fn connection_string_setting(mut self, name: impl Into<String>) -> Self {
        self.connection_string_setting = Some(name.into());
        self
    }

    /// The user id template, e.g. `{headers.x-ms-client-principal-id}`, `{id_token.sub}` (a
    /// claim of the verified id token) or `{principal.userId}` (the App Service / Static Web
    /// Apps client principal).
    pub fn user_id(mut self, template: impl Into<String>) -> Self {
        self.user_id = Some(template.into());
        self
    }

    /// The id token template, e.g. `{headers.authorization}`.
    pub fn id_token(mut self, template: impl Into<String>) -> Self {
        self.id_token = Some(template.into());
        self
    }

    /// The claim types to copy from the id token.
    pub fn claim_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.claim_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// How long minted tokens are valid (default one hour; whole seconds).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Verifies the id token before any claim is copied: signature, `exp`/`nbf` (with a
    /// leeway), and `iss`/`aud` when configured; a token that fails is a 401
    /// [`BindingError::IdTokenRejected`](crate::BindingError::IdTokenRejected) and no connection
    /// info.
    ///
    /// Without this, the binding behaves as Azure's does: the id token's claims are copied
    /// **without any check**, so the sender of the request chooses them.
    ///
    /// With verification, `claim_types` may be empty: the binding then only requires a valid
    /// id token.
    #[cfg(feature = "verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
    pub fn verify_id_token(mut self, verification: IdTokenVerification) -> Self {
        self.verification = Some(verification);
        self
    }

    /// Lets `{id_token.CLAIM}` read an id token that this binding does **not** verify, because
    /// something before it (a gateway, your own middleware) already has. Without it, a
    /// template reading a claim of an unverified id token is a
    /// [`ConfigError::UnverifiedIdTokenClaims`]: a token that is only read is written by whoever
    /// sends the request, so its claims would let a client choose its own user id.
    pub fn id_token_verified_elsewhere(mut self) -> Self {
        self.id_token_verified_elsewhere = true;
        self
    }

    /// Asks the service to close a connection when the login ends: the access token carries
    /// `asrs.s.coae` (`"true"`) and `asrs.s.aeo` (the verified id token's `exp`, Unix seconds),
    /// the claims the Azure SignalR service SDK writes for
    /// `CloseOnAuthenticationExpiration`. Needs a verified id token
    /// ([`verify_id_token`](Self::verify_id_token)).
    pub fn close_on_auth_expiry(mut self) -> Self {
        self.close_on_auth_expiry = true;
        self
    }

    /// Reads several SignalR Service endpoints, as the Functions extension does: the
    /// connection-string setting is one, unnamed, primary endpoint, and every
    /// `Azure:SignalR:Endpoints:<Name>[:primary|:secondary]` setting
    /// (`Azure__SignalR__Endpoints__<Name>` in the environment) one more; each request is
    /// routed to one of them ([`router`](Self::router)). See `docs/endpoints.md`.
    pub fn multiple_endpoints(mut self) -> Self {
        self.endpoints.get_or_insert_with(Endpoints::new);
        self
    }

    /// Routes requests among several endpoints with `router` instead of Azure's default
    /// ([`DefaultRouter`](crate::DefaultRouter)); implies
    /// [`multiple_endpoints`](Self::multiple_endpoints).
    pub fn router(mut self, router: impl Router) -> Self {
        self.endpoints
            .get_or_insert_with(Endpoints::new)
            .set_router(std::sync::Arc::new(router));
        self
    }

    /// How the endpoints' health is checked in the background (default: as Azure, every two
    /// minutes); implies [`multiple_endpoints`](Self::multiple_endpoints).
    #[cfg(feature = "health-check")]
    #[cfg_attr(docsrs, doc(cfg(feature = "health-check")))]
    pub fn health_check(mut self, options: crate::HealthCheckOptions) -> Self {
        self.endpoints
            .get_or_insert_with(Endpoints::new)
            .set_health_check(options);
        self
    }

    /// How identity-based connections fetch and refresh their key (default: as Azure; see
    /// [`IdentityOptions`](crate::IdentityOptions)). Bindings with the same options (the same
    /// `Arc`), endpoint and credential share one key.
    #[cfg(feature = "identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
    pub fn identity_options(
        mut self,
        options: impl Into<std::sync::Arc<crate::IdentityOptions>>,
    ) -> Self {
        self.identity = Some(options.into());
        self
    }

    /// Parses and checks the properties.
    pub fn build(self) -> Result<ConnectionInfoBinding, ConfigError> {
        let parse = |property: &'static str, source: &str| {
            Template::parse(source)
                .map_err(|reason| ConfigError::InvalidTemplate { property, reason })
        };
        let hub_name = parse("hubName", &self.hub_name)?;
        validate_hub_name_template(&hub_name).map_err(ConfigError::InvalidHubName)?;
        let user_id = self
            .user_id
            .as_deref()
            .map(|t| parse("userId", t))
            .transpose()?;
        let id_token = self
            .id_token
            .as_deref()
            .map(|t| parse("idToken", t))
            .transpose()?;
        if let Some(name) = &self.connection_string_setting {
            validate_setting_name(name).map_err(ConfigError::InvalidConnectionStringSetting)?;
        }
        #[cfg(feature = "verify")]
        let verifies = self.verification.is_some();
        #[cfg(not(feature = "verify"))]
        let verifies = false;
        #[cfg(feature = "verify")]
        if let Some(verification) = &self.verification {
            if id_token.is_none() {
                return Err(ConfigError::VerificationWithoutIdToken);
            }
            if let Some(reason) = verification.problem() {
                return Err(ConfigError::InvalidVerification { reason });
            }
        }
        let reads_claims = [&hub_name]
            .into_iter()
            .chain(&user_id)
            .any(Template::reads_id_token);
        if id_token.as_ref().is_some_and(Template::reads_id_token) {
            return Err(ConfigError::IdTokenClaimsWithoutIdToken {
                property: "idToken",
            });
        }
        for (property, template) in [("hubName", Some(&hub_name)), ("userId", user_id.as_ref())] {
            if !template.is_some_and(Template::reads_id_token) {
                continue;
            }
            if id_token.is_none() {
                return Err(ConfigError::IdTokenClaimsWithoutIdToken { property });
            }
            if !verifies && !self.id_token_verified_elsewhere {
                return Err(ConfigError::UnverifiedIdTokenClaims { property });
            }
        }
        if self.close_on_auth_expiry && !verifies {
            return Err(ConfigError::CloseOnAuthExpiryWithoutVerification);
        }
        match (&id_token, self.claim_types.is_empty()) {
            (Some(_), true) if !verifies && !reads_claims => {
                return Err(ConfigError::IdTokenWithoutClaimTypes);
            }
            (None, false) => return Err(ConfigError::ClaimTypesWithoutIdToken),
            _ => {}
        }
        if self.lifetime.as_secs() == 0 {
            return Err(ConfigError::ZeroLifetime);
        }
        let properties = Properties {
            hub_name,
            connection_string_setting: match self.connection_string_setting {
                Some(name) => Cow::Owned(name),
                None => Cow::Borrowed(DEFAULT_CONNECTION_STRING_SETTING),
            },
            user_id,
            id_token,
            claim_types: self.claim_types.into_iter().map(Cow::Owned).collect(),
            lifetime: self.lifetime,
            id_token_verified_elsewhere: self.id_token_verified_elsewhere,
            close_on_auth_expiry: self.close_on_auth_expiry,
        };
        #[cfg(feature = "verify")]
        let mut binding = match self.verification {
            Some(verification) => {
                ConnectionInfoBinding::from_static_verified(properties, verification)
            }
            None => ConnectionInfoBinding::from_static(properties),
        };
        #[cfg(not(feature = "verify"))]
        let mut binding = ConnectionInfoBinding::from_static(properties);
        if let Some(endpoints) = self.endpoints {
            *binding.endpoints_mut() = endpoints;
        }
        #[cfg(feature = "identity")]
        if let Some(options) = self.identity {
            binding.set_identity_options(options);
        }
        Ok(binding)
    }
}
