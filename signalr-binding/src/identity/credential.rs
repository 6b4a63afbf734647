//! Which Azure credential signs in, from the connection string or the Functions identity
//! settings, built with the official Azure SDK (`azure_identity`).
//!
//! `AuthType=azure` and a `serviceUri` section without credential keys use the default chain
//! of Azure's `DefaultAzureCredential`: environment (client secret), workload identity,
//! managed identity, then the developer tools (`az login`). `azure_identity` 1.0 has no
//! `DefaultAzureCredential`, so the chain is written here from its parts; the first credential
//! that gets a token is kept, as .NET's chain does.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::{ClientOptions, Transport};
use azure_identity::{
    ClientAssertionCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    DeveloperToolsCredential, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};

use super::error::IdentityError;
use super::options::IdentityOptions;
use crate::connection_string::{IdentityCredential, IdentityKind, SectionProperties};

/// The scope of a token for Azure SignalR Service (managed identity: the resource
/// `https://signalr.azure.com`).
pub const SIGNALR_SCOPE: &str = "https://signalr.azure.com/.default";

/// How long the default chain lets the virtual-machine managed identity endpoint answer before
/// trying the next credential, as .NET's chain probes it.
const IMDS_PROBE: Duration = Duration::from_secs(2);

/// A credential ready to ask for tokens: one of `azure_identity`, or the default chain.
#[derive(Debug)]
pub(crate) enum Signer {
    One(Arc<dyn TokenCredential>),
    Chain {
        links: Vec<(&'static str, Arc<dyn TokenCredential>)>,
        /// What the chain could not build, for the error when nothing works.
        skipped: Vec<String>,
        /// The link that worked last.
        chosen: Mutex<Option<usize>>,
        /// Whether managed identity talks to the VM endpoint (probed with a short timeout).
        imds: bool,
    },
}

impl Signer {
    /// Builds the credential `identity` describes.
    pub(crate) fn build(
        identity: &IdentityCredential,
        options: &IdentityOptions,
    ) -> Result<Self, IdentityError> {
        let credential = identity.kind().credential_name();
        let unavailable = |error: azure_core::Error| IdentityError::NoCredential {
            credential,
            reason: error.to_string(),
        };
        let client_options = client_options(options);
        Ok(match identity.kind() {
            IdentityKind::ManagedIdentity => {
                Self::One(managed_identity(identity, client_options).map_err(unavailable)?)
            }
            IdentityKind::ClientSecret => {
                let secret_options = ClientSecretCredentialOptions { client_options };
                Self::One(
                    ClientSecretCredential::new(
                        identity.tenant_id().unwrap_or_default(),
                        identity.client_id().unwrap_or_default().to_owned(),
                        Secret::new(identity.client_secret().unwrap_or_default().to_owned()),
                        Some(secret_options),
                    )
                    .map_err(unavailable)?,
                )
            }
            IdentityKind::ClientCertificate => {
                Self::One(certificate(identity, client_options, options)?)
            }
            IdentityKind::WorkloadIdentity => {
                Self::One(workload_identity(identity, client_options).map_err(unavailable)?)
            }
            _ => default_chain(client_options),
        })
    }

    /// A Microsoft Entra token for Azure SignalR Service.
    pub(crate) async fn token(&self, credential: &'static str) -> Result<Secret, IdentityError> {
        match self {
            Self::One(one) => one
                .get_token(&[SIGNALR_SCOPE], None)
                .await
                .map(|token| token.token)
                .map_err(|error| IdentityError::TokenRefused {
                    credential,
                    reason: error.to_string(),
                }),
            Self::Chain {
                links,
                skipped,
                chosen,
                imds,
            } => {
                let first = chosen
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .unwrap_or(0);
                let mut reasons = skipped.clone();
                for (index, (name, link)) in links.iter().enumerate().skip(first) {
                    let attempt = link.get_token(&[SIGNALR_SCOPE], None);
                    let result = if *imds && *name == "ManagedIdentityCredential" {
                        match tokio::time::timeout(IMDS_PROBE, attempt).await {
                            Ok(result) => result,
                            Err(_) => {
                                reasons.push(format!("{name}: no answer in {IMDS_PROBE:?}"));
                                continue;
                            }
                        }
                    } else {
                        attempt.await
                    };
                    match result {
                        Ok(token) => {
                            *chosen.lock().unwrap_or_else(PoisonError::into_inner) = Some(index);
                            return Ok(token.token);
                        }
                        Err(error) => reasons.push(format!("{name}: {error}")),
                    }
                }
                *chosen.lock().unwrap_or_else(PoisonError::into_inner) = None;
                Err(IdentityError::NoCredential {
                    credential,
                    reason: reasons.join("; "),
                })
            }
        }
    }
}

/// Client options with the injected transport, if any.
fn client_options(options: &IdentityOptions) -> ClientOptions {
    ClientOptions {
        transport: options.transport.clone().map(Transport::new),
        ..ClientOptions::default()
    }
}

fn managed_identity(
    identity: &IdentityCredential,
    client_options: ClientOptions,
) -> azure_core::Result<Arc<dyn TokenCredential>> {
    let user_assigned_id = match (
        identity.client_id(),
        identity.resource_id(),
        identity.object_id(),
    ) {
        (Some(id), _, _) => Some(UserAssignedId::ClientId(id.to_owned())),
        (None, Some(id), _) => Some(UserAssignedId::ResourceId(id.to_owned())),
        (None, None, Some(id)) => Some(UserAssignedId::ObjectId(id.to_owned())),
        (None, None, None) => None,
    };
    let options = ManagedIdentityCredentialOptions {
        user_assigned_id,
        client_options,
    };
    Ok(ManagedIdentityCredential::new(Some(options))?)
}

fn workload_identity(
    identity: &IdentityCredential,
    client_options: ClientOptions,
) -> azure_core::Result<Arc<dyn TokenCredential>> {
    // Unset ones fall back to AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE.
    let options = WorkloadIdentityCredentialOptions {
        credential_options: ClientAssertionCredentialOptions { client_options },
        tenant_id: identity.tenant_id().map(str::to_owned),
        client_id: identity.client_id().map(str::to_owned),
        token_file_path: identity.token_file().map(Into::into),
    };
    Ok(WorkloadIdentityCredential::new(Some(options))?)
}

/// The application's certificate credential: from the file `ClientCert` names, or from the
/// certificate store when the Functions `clientCertificate` is a thumbprint (see
/// `certificate.rs`; a value that is not a thumbprint is a file's path there too).
#[cfg(feature = "identity-certificate")]
fn certificate(
    identity: &IdentityCredential,
    client_options: ClientOptions,
    options: &IdentityOptions,
) -> Result<Arc<dyn TokenCredential>, IdentityError> {
    use super::certificate::{Thumbprint, find};

    let value = identity.client_cert().unwrap_or_default();
    let thumbprint = identity
        .client_cert_in_store()
        .then(|| Thumbprint::parse(value))
        .flatten();
    let bytes = match thumbprint {
        Some(thumbprint) => {
            let (path, bytes) = find(
                &thumbprint,
                identity.client_cert_store_name(),
                identity.client_cert_store_location(),
                &options.certificate_directories,
            )?;
            tracing::debug!(%thumbprint, path = %path.display(), "client certificate found");
            bytes
        }
        None => std::fs::read(value).map_err(|error| IdentityError::CertificateUnreadable {
            path: value.to_owned(),
            reason: error.to_string(),
        })?,
    };
    // A PKCS#12 file without a password: the connection string's ClientCert, and the stores'.
    let options = azure_identity::ClientCertificateCredentialOptions {
        client_options,
        ..Default::default()
    };
    Ok(azure_identity::ClientCertificateCredential::new(
        identity.tenant_id().unwrap_or_default().to_owned(),
        identity.client_id().unwrap_or_default().to_owned(),
        azure_core::credentials::SecretBytes::new(bytes),
        Some(options),
    )
    .map_err(|error| IdentityError::NoCredential {
        credential: IdentityKind::ClientCertificate.credential_name(),
        reason: error.to_string(),
    })?)
}

#[cfg(not(feature = "identity-certificate"))]
fn certificate(
    _identity: &IdentityCredential,
    _client_options: ClientOptions,
    _options: &IdentityOptions,
) -> Result<Arc<dyn TokenCredential>, IdentityError> {
    Err(IdentityError::CertificateFeatureOff)
}

/// The process environment's variable, when set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Environment, workload identity, managed identity, developer tools: the credentials of
/// Azure's `DefaultAzureCredential` that this environment can build.
fn default_chain(client_options: ClientOptions) -> Signer {
    let mut links: Vec<(&'static str, Arc<dyn TokenCredential>)> = Vec::new();
    let mut skipped = Vec::new();
    let mut skip = |name: &str, error: &dyn std::fmt::Display| {
        skipped.push(format!("{name}: {error}"));
    };
    match (
        env("AZURE_TENANT_ID"),
        env("AZURE_CLIENT_ID"),
        env("AZURE_CLIENT_SECRET"),
    ) {
        (Some(tenant), Some(client), Some(secret)) => {
            let options = ClientSecretCredentialOptions {
                client_options: client_options.clone(),
            };
            match ClientSecretCredential::new(&tenant, client, Secret::new(secret), Some(options)) {
                Ok(credential) => links.push(("EnvironmentCredential", credential)),
                Err(error) => skip("EnvironmentCredential", &error),
            }
        }
        _ => skip(
            "EnvironmentCredential",
            &"AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set",
        ),
    }
    if env("AZURE_FEDERATED_TOKEN_FILE").is_some() {
        let empty = IdentityCredential::of_kind(
            crate::connection_string::AuthType::Azure,
            IdentityKind::WorkloadIdentity,
        );
        match workload_identity(&empty, client_options.clone()) {
            Ok(credential) => links.push(("WorkloadIdentityCredential", credential)),
            Err(error) => skip("WorkloadIdentityCredential", &error),
        }
    } else {
        skip(
            "WorkloadIdentityCredential",
            &"AZURE_FEDERATED_TOKEN_FILE is not set",
        );
    }
    // A user-assigned identity by AZURE_CLIENT_ID, as .NET's chain reads it.
    let mut msi = IdentityCredential::of_kind(
        crate::connection_string::AuthType::Azure,
        IdentityKind::ManagedIdentity,
    );
    if let Some(client) = env("AZURE_CLIENT_ID") {
        msi = msi.with(SectionProperties {
            client_id: Some(client),
            ..SectionProperties::default()
        });
    }
    let imds = env("IDENTITY_ENDPOINT").is_none();
    match managed_identity(&msi, client_options) {
        Ok(credential) => links.push(("ManagedIdentityCredential", credential)),
        Err(error) => skip("ManagedIdentityCredential", &error),
    }
    match DeveloperToolsCredential::new(None) {
        Ok(credential) => links.push(("DeveloperToolsCredential", credential)),
        Err(error) => skip("DeveloperToolsCredential", &error),
    }
    Signer::Chain {
        links,
        skipped,
        chosen: Mutex::new(None),
        imds,
    }
}
