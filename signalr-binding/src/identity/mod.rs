//! Identity-based connections (feature `identity`): the signing key fetched from the service
//! with a Microsoft Entra token, as Azure/azure-signalr's `MicrosoftEntraAccessKey.cs` does.
//!
//! A connection string with `AuthType=azure`, `azure.msi`, `azure.app` or `aad`, or the Azure
//! Functions identity settings (`K:serviceUri` and its credential keys, see
//! [`identity_section`]), names an identity rather than a key. The binding then:
//!
//! 1. gets a Microsoft Entra token for `https://signalr.azure.com/.default` with the
//!    credential of the official Azure SDK (`azure_identity`: managed identity, client secret,
//!    client certificate with feature `identity-certificate`, workload identity, or the
//!    default chain);
//! 2. fetches `{ServerEndpoint or Endpoint}/api/v1/auth/accessKey` with it, answered
//!    `{"KeyId": "...", "AccessKey": "..."}`;
//! 3. signs client tokens with that key, header `kid` = `KeyId`;
//! 4. refreshes it in the background every 55 minutes (every 5 while failing), keeping the old
//!    key while a refresh fails, and never signs with a key fetched more than 120 minutes ago.
//!
//! The key is shared by every binding with the same endpoint, credential and
//! [`IdentityOptions`]; one fetch is in flight at a time however many requests arrive.
//! [`ConnectionInfoBinding::resolve`](crate::ConnectionInfoBinding::resolve) never waits: while
//! the first key is being fetched it fails with [`IdentityError::KeyPending`] (503,
//! `Retry-After: 5`).
//! [`resolve_async`](crate::ConnectionInfoBinding::resolve_async) and
//! [`warm_up`](crate::ConnectionInfoBinding::warm_up) wait for it, bounded by
//! [`IdentityOptions::first_key_wait`].

//!
//! Without the feature, such connections fail with
//! [`BindingError::IdentityAuthNotSupported`](crate::BindingError::IdentityAuthNotSupported),
//! whose hint names the feature; the Functions identity settings are read either way.

#[cfg(feature = "identity")]
mod cache;
#[cfg(feature = "identity")]
mod certificate;
#[cfg(feature = "identity")]
mod credential;
#[cfg(feature = "identity")]
mod error;
#[cfg(feature = "identity")]
mod fetch;
#[cfg(feature = "identity")]
mod options;
pub(crate) mod section;

#[cfg(feature = "identity")]
pub(crate) use cache::KeyCache;
#[cfg(feature = "identity")]
pub use certificate::{APP_SERVICE_PRIVATE_CERTIFICATES, CertificateDirectory};
#[cfg(feature = "identity")]
pub use credential::SIGNALR_SCOPE;
#[cfg(feature = "identity")]
pub use error::{IdentityError, PENDING_RETRY_AFTER, REQUIRED_ROLE};
#[cfg(feature = "identity")]
pub use options::IdentityOptions;
pub use section::identity_section;
