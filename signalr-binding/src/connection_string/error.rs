//! Why a connection string was rejected, in Azure's words.

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
