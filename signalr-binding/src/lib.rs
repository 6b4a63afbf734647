//! The Azure Functions *SignalR connection-info input binding*, for Rust handlers.
//!
//! Before a client connects to Azure SignalR Service it asks a "negotiate" endpoint for the
//! service's client URL and a short-lived signed access token. This crate resolves both from
//! the request (binding expressions), the settings (the connection string) and the clock,
//! exactly as the Azure binding does, so the handler only returns them.
//!
//! ```
//! use std::collections::HashMap;
//! use signalr_binding::{BindingContext, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING};
//!
//! // The binding's properties, as on Azure's `SignalRConnectionInfo` attribute.
//! let binding = ConnectionInfoBinding::builder("chat")
//!     .user_id("{headers.x-ms-client-principal-id}")
//!     .build()?;
//!
//! // Settings normally come from the environment; here they come with the request.
//! let settings = HashMap::from([(
//!     "AzureSignalRConnectionString".to_owned(),
//!     EMULATOR_CONNECTION_STRING.to_owned(),
//! )]);
//! let request = http::Request::builder()
//!     .header("x-ms-client-principal-id", "alice")
//!     .extension(BindingContext::new().with_settings(settings))
//!     .body(())?;
//!
//! let info = binding.resolve(&request)?;
//! assert_eq!(info.url, "http://localhost:8888/client/?hub=chat");
//! assert_eq!(info.access_token.split('.').count(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The attribute
//!
//! Most handlers use [`signalr_connection_info`], which mirrors Azure's
//! `SignalRConnectionInfo` attribute: it checks the properties at compile time, removes the
//! connection-info parameter from the handler's signature and resolves it before the body runs.
//! A request that cannot be bound never reaches the body: the handler returns the
//! [`BindingError`] through its return type ([`FromBindingError`]).
//!
//! ```
//! use signalr_binding::{signalr_connection_info, BindingContext, BindingError, SignalRConnectionInfo};
//!
//! #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
//! fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
//!     Ok(info.to_json())
//! }
//!
//! let context = BindingContext::new().with_settings(|name: &str| {
//!     (name == "AzureSignalRConnectionString")
//!         .then(|| signalr_binding::EMULATOR_CONNECTION_STRING.to_owned())
//! });
//! let request = http::Request::builder()
//!     .header("x-ms-client-principal-id", "alice")
//!     .extension(context.clone())
//!     .body(())?;
//! let answer: serde_json::Value = serde_json::from_str(&negotiate(&request)?)?;
//! assert_eq!(answer["url"], "http://localhost:8888/client/?hub=chat");
//!
//! // Without the header the body does not run: the caller gets a 400-class error.
//! let anonymous = http::Request::builder().extension(context).body(())?;
//! let error = negotiate(&anonymous).unwrap_err();
//! assert_eq!(error.status(), 400);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Id tokens: verified or not
//!
//! Like Azure's binding, a binding with `id_token` and `claim_types` copies those claims from
//! the id token into the access token. **Unless verification is configured, the token is only
//! read, never checked**: no signature, expiry, issuer or audience check, so whoever sends the
//! request chooses the copied claims (and a hub that trusts them can be fooled). Configure
//! [`IdTokenVerification`] (builder:
//! [`verify_id_token`](ConnectionInfoBindingBuilder::verify_id_token)) with an HMAC secret, an
//! RSA or EC public key (PEM) or a JWKS document, each from a setting; a token that fails any
//! check is a 401 and no connection info. In both modes a copied claim can never set the
//! connection's identity or another service claim: reserved types and any type starting with
//! `asrs.` are renamed `asrs.u.TYPE` (Azure renames only the reserved types).
//!
//! The attribute verifies with one of `id_token_hmac_secret_setting`, `id_token_rsa_key_setting`,
//! `id_token_ec_key_setting` or `id_token_jwks_setting`, each the plain name of the setting that
//! holds the key, and optionally `id_token_algorithms`, `id_token_issuer`, `id_token_audience`
//! and `id_token_leeway_secs` (see [`signalr_connection_info`]):
//!
//! ```
//! use signalr_binding::{signalr_connection_info, BindingContext, BindingError, SignalRConnectionInfo};
//!
//! #[signalr_connection_info(
//!     hub_name = "chat",
//!     id_token = "{headers.authorization}",
//!     claim_type_list = ["name"],
//!     id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
//!     id_token_audience = "my-app",
//! )]
//! fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
//!     Ok(info.to_json())
//! }
//!
//! let context = BindingContext::new().with_settings(|name: &str| match name {
//!     "AzureSignalRConnectionString" => Some(signalr_binding::EMULATOR_CONNECTION_STRING.to_owned()),
//!     "ID_TOKEN_SECRET" => Some("a secret from the app settings".to_owned()),
//!     _ => None,
//! });
//! let sign = |secret: &[u8]| {
//!     let exp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 600;
//!     let claims = serde_json::json!({"name": "Ann", "aud": "my-app", "exp": exp});
//!     let key = jsonwebtoken::EncodingKey::from_secret(secret).unwrap();
//!     jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap()
//! };
//! let with_token = |token: String| {
//!     http::Request::builder()
//!         .header("authorization", format!("Bearer {token}"))
//!         .extension(context.clone())
//!         .body(())
//! };
//!
//! assert!(negotiate(&with_token(sign(b"a secret from the app settings"))?).is_ok());
//! // A token signed with another key never reaches the body.
//! let error = negotiate(&with_token(sign(b"a guess"))?).unwrap_err();
//! assert_eq!(error.status(), 401);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Who is the user?
//!
//! The user id decides who a client can claim to be. `{headers.x-ms-client-principal-id}` and
//! the client principal (`{principal.userId}`, `{principal.claims.TYPE}`, read from the
//! `x-ms-client-principal` header of App Service authentication and Static Web Apps) are only
//! as trustworthy as the platform that sets them and strips them from incoming requests.
//! `{id_token.CLAIM}` reads a claim of the id token, which the binding must verify (or be told,
//! with [`id_token_verified_elsewhere`](ConnectionInfoBindingBuilder::id_token_verified_elsewhere),
//! that something before it did): a forged token is a 401 before any user id is read. With a
//! verified id token the access token never outlives it, and
//! [`close_on_auth_expiry`](ConnectionInfoBindingBuilder::close_on_auth_expiry) asks the service
//! to close the connection when the login ends.
//!
//! ```
//! # #[cfg(feature = "verify")] {
//! use signalr_binding::{ConfigError, ConnectionInfoBinding, IdTokenVerification};
//!
//! let binding = ConnectionInfoBinding::builder("chat")
//!     .user_id("{id_token.sub}")
//!     .id_token("{headers.authorization}")
//!     .verify_id_token(IdTokenVerification::jwks("ID_TOKEN_JWKS").audience("my-client-id"))
//!     .close_on_auth_expiry()
//!     .build()?;
//! # let _ = binding;
//!
//! // A claim of a token nobody verifies would be chosen by the client.
//! let error = ConnectionInfoBinding::builder("chat")
//!     .user_id("{id_token.sub}")
//!     .id_token("{headers.authorization}")
//!     .build()
//!     .unwrap_err();
//! assert_eq!(error, ConfigError::UnverifiedIdTokenClaims { property: "userId" });
//! # }
//! # Ok::<(), signalr_binding::ConfigError>(())
//! ```
//!
//! # Crate features
//!
//! - `verify` (default): id-token verification, [`IdTokenVerification`] and the attribute's
//!   `id_token_*` key arguments. It brings in `jsonwebtoken` with its RSA and EC
//!   implementations; without it (`default-features = false`) a binding copies claims from an
//!   id token without checking it, as Azure's does, and a key argument is a compile error that
//!   names the feature.
//! - `axum`: [`SignalRConnectionInfo`] and [`BindingError`] implement `axum`'s
//!   `IntoResponse`.
//! - `health-check`: the background health check of several endpoints
//!   ([`multiple_endpoints`](ConnectionInfoBindingBuilder::multiple_endpoints)): `HEAD
//!   {endpoint}/api/health` every two minutes on the tokio runtime the binding first resolves
//!   in, over HTTP or HTTPS, `HealthCheckOptions`, `ConnectionInfoBinding::check_endpoints`.
//!   Brings in tokio, reqwest (rustls) and tracing. Without it, endpoints stay online unless the application
//!   marks them ([`ServiceEndpoint::set_online`]).
//! - `rest`: `rest::RestClient`, the client of the service's data-plane REST API: send to
//!   all, a user, a connection or a group, manage groups, close connections, check existence,
//!   on every endpoint. Brings in reqwest (with rustls; it runs on tokio) and futures-util.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
mod axum;
mod binding;
mod builder;
// Without `verify`, the parts of `claims` that read a verified payload are unused.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
mod claims;
mod connection_info;
mod connection_string;
mod endpoints;
mod error;
mod function_json;
mod identity;
mod json;
mod memo;
mod principal;
mod request;
mod response;
#[cfg(feature = "rest")]
#[cfg_attr(docsrs, doc(cfg(feature = "rest")))]
pub mod rest;
mod settings;
mod token;
#[cfg(feature = "verify")]
mod verification;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use binding::{ConnectionInfoBinding, DEFAULT_TOKEN_LIFETIME, MAX_USER_ID_LEN};
pub use builder::ConnectionInfoBindingBuilder;
pub use claims::{IdTokenError, MAX_COPIED_CLAIMS, MAX_ID_TOKEN_LEN};
pub use connection_info::{FromConnectionInfo, SignalRConnectionInfo};
pub use connection_string::{
    AccessKey, AuthType, ConnectionString, ConnectionStringError, Credential,
    EMULATOR_CONNECTION_STRING, IdentityCredential, IdentityKind,
};
pub use endpoints::{
    DefaultRouter, ENDPOINTS_SECTION, EndpointConnectionInfo, EndpointType, Router,
    ServiceEndpoint, SignalRNegotiation,
};
#[cfg(feature = "health-check")]
#[cfg_attr(docsrs, doc(cfg(feature = "health-check")))]
pub use endpoints::{HealthCheckOptions, HealthProbe};
pub use error::{BindingError, ConfigError};
pub use function_json::{BINDING_TYPE, FunctionJsonBinding, NEGOTIATION_BINDING_TYPE};
pub use identity::identity_section;
#[cfg(feature = "identity")]
#[cfg_attr(docsrs, doc(cfg(feature = "identity")))]
pub use identity::{
    APP_SERVICE_PRIVATE_CERTIFICATES, CertificateDirectory, IdentityError, IdentityOptions,
    PENDING_RETRY_AFTER, REQUIRED_ROLE, SIGNALR_SCOPE,
};
pub use principal::{MAX_PRINCIPAL_LEN, PRINCIPAL_HEADER, PrincipalError};
pub use request::BindingRequest;
pub use response::FromBindingError;
pub use settings::{
    BindingContext, Clock, EnvSettings, FixedClock, SectionRevision, Settings, SystemClock,
    has_section_prefix,
};
pub use signalr_binding_expression::{
    DEFAULT_CONNECTION_STRING_SETTING, HubNameError, JwtAlgorithm, Part, PrincipalField,
    SettingNameError, Template, TemplateError, UnknownAlgorithm,
};
pub use signalr_binding_macros::signalr_connection_info;
pub use token::{
    AUTH_EXPIRES_ON_CLAIM, CLOSE_ON_AUTH_EXPIRY_CLAIM, MAX_ACCESS_TOKEN_LEN, USER_ID_CLAIM,
};
#[cfg(feature = "verify")]
#[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
pub use verification::{DEFAULT_LEEWAY, IdTokenRejection, IdTokenVerification, VerificationKey};
