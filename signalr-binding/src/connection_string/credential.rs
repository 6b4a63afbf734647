//! How client tokens get signed: the access key, or identity-based auth (`AuthType`), decided
//! as Azure/azure-signalr's `ConnectionStringParser.cs` decides it.

use std::fmt;

use super::parse::{
    ACCESS_KEY, AUTH_TYPE, CLIENT_CERT, CLIENT_ID, CLIENT_SECRET, Properties, TENANT_ID,
};
use super::{ConnectionStringError, REDACTED, Redacted};

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
#[non_exhaustive]
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
#[non_exhaustive]
pub enum IdentityKind {
    /// Azure's default credential chain (`AuthType=azure`).
    DefaultAzureCredential,
    /// A managed identity: system-assigned, or user-assigned when a client id is set.
    ManagedIdentity,
    /// An application with a client secret.
    ClientSecret,
    /// An application with a client certificate (the `ClientCert` path).
    ClientCertificate,
    /// AKS workload identity: a federated token file (Functions settings
    /// `credential=workloadidentity`).
    WorkloadIdentity,
}

impl IdentityKind {
    /// The Azure SDK's name of the credential, as in logs and errors:
    /// `ManagedIdentityCredential` and so on.
    pub fn credential_name(self) -> &'static str {
        match self {
            Self::DefaultAzureCredential => "DefaultAzureCredential",
            Self::ManagedIdentity => "ManagedIdentityCredential",
            Self::ClientSecret => "ClientSecretCredential",
            Self::ClientCertificate => "ClientCertificateCredential",
            Self::WorkloadIdentity => "WorkloadIdentityCredential",
        }
    }
}

/// Identity-based auth: the signing key is fetched from the service
/// ([`ConnectionString::access_key_url`](super::ConnectionString::access_key_url)) with a
/// Microsoft Entra token, not read from the string.
///
/// Only the properties the chosen credential uses are kept: for example `AuthType=azure`
/// ignores `ClientId`, so [`IdentityCredential::client_id`] is `None` then. `Debug` redacts the
/// client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityCredential {
    auth_type: AuthType,
    kind: IdentityKind,
    client_id: Option<String>,
    tenant_id: Option<String>,
    client_secret: Option<String>,
    client_cert: Option<String>,
    /// Set when `client_cert` is a Functions `clientCertificate` (a thumbprint in a certificate
    /// store), not a connection string's `ClientCert` (a file).
    cert_store: Option<CertificateStore>,
    resource_id: Option<String>,
    object_id: Option<String>,
    token_file: Option<String>,
}

/// The Functions settings `clientCertificateStoreName` and `clientCertificateStoreLocation`, as
/// given (checked when the credential is built, as Microsoft.Extensions.Azure checks them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CertificateStore {
    pub(crate) name: Option<String>,
    pub(crate) location: Option<String>,
}

/// The credential properties a Functions identity section may give
/// ([`IdentityCredential::with`]); those a credential does not use stay `None`.
#[derive(Default)]
pub(crate) struct SectionProperties {
    pub(crate) client_id: Option<String>,
    pub(crate) tenant_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) client_cert: Option<String>,
    pub(crate) cert_store: Option<CertificateStore>,
    pub(crate) resource_id: Option<String>,
    pub(crate) object_id: Option<String>,
    pub(crate) token_file: Option<String>,
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

    /// An application's certificate (used when there is no secret): the connection string's
    /// `ClientCert`, the path of a PKCS#12 file; or the Functions setting `clientCertificate`,
    /// a certificate thumbprint looked up in a certificate store (see
    /// [`client_cert_store_name`](Self::client_cert_store_name)), or else a file's path.
    pub fn client_cert(&self) -> Option<&str> {
        self.client_cert.as_deref()
    }

    /// Whether [`client_cert`](Self::client_cert) is the Functions setting
    /// `clientCertificate` (a thumbprint in a certificate store, or a path) rather than the
    /// connection string's `ClientCert` (always a path).
    pub fn client_cert_in_store(&self) -> bool {
        self.cert_store.is_some()
    }

    /// The Functions setting `clientCertificateStoreName`, as given (unset: `My`).
    pub fn client_cert_store_name(&self) -> Option<&str> {
        self.cert_store.as_ref()?.name.as_deref()
    }

    /// The Functions setting `clientCertificateStoreLocation`, as given (unset:
    /// `CurrentUser`; else `CurrentUser` or `LocalMachine`, in any case).
    pub fn client_cert_store_location(&self) -> Option<&str> {
        self.cert_store.as_ref()?.location.as_deref()
    }

    /// A user-assigned managed identity's Azure resource id (Functions setting
    /// `managedIdentityResourceId`).
    pub fn resource_id(&self) -> Option<&str> {
        self.resource_id.as_deref()
    }

    /// A user-assigned managed identity's object id (`managedIdentityObjectId`).
    pub fn object_id(&self) -> Option<&str> {
        self.object_id.as_deref()
    }

    /// The federated token file of workload identity (`tokenFilePath`).
    pub fn token_file(&self) -> Option<&str> {
        self.token_file.as_deref()
    }

    /// A credential of `kind` with no properties set, for the Functions identity settings.
    pub(crate) fn of_kind(auth_type: AuthType, kind: IdentityKind) -> Self {
        Self {
            auth_type,
            kind,
            client_id: None,
            tenant_id: None,
            client_secret: None,
            client_cert: None,
            cert_store: None,
            resource_id: None,
            object_id: None,
            token_file: None,
        }
    }

    /// Sets the properties the Functions identity settings may give.
    pub(crate) fn with(mut self, properties: SectionProperties) -> Self {
        let SectionProperties {
            client_id,
            tenant_id,
            client_secret,
            client_cert,
            cert_store,
            resource_id,
            object_id,
            token_file,
        } = properties;
        self.client_id = client_id;
        self.tenant_id = tenant_id;
        self.client_secret = client_secret;
        self.client_cert = client_cert;
        self.cert_store = cert_store;
        self.resource_id = resource_id;
        self.object_id = object_id;
        self.token_file = token_file;
        self
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
            .field("cert_store", &self.cert_store)
            .field("resource_id", &self.resource_id)
            .field("object_id", &self.object_id)
            .field("token_file", &self.token_file)
            .finish()
    }
}

/// How tokens for clients get signed.
#[derive(Clone)]
#[non_exhaustive]
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

/// The credential, decided by `AuthType` as the Azure SDK does.
pub(super) fn build_credential(
    properties: &Properties<'_>,
) -> Result<Credential, ConnectionStringError> {
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
    let mut identity = IdentityCredential::of_kind(auth_type, IdentityKind::ManagedIdentity);
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
