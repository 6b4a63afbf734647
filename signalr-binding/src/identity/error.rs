//! [`IdentityError`]: why identity-based auth has no key to sign with.

use std::borrow::Cow;
use std::time::Duration;

use http::StatusCode;

/// The role an identity needs on the SignalR resource to fetch its signing key.
pub const REQUIRED_ROLE: &str = "SignalR App Server";

/// How long a client should wait while the first key is fetched (`Retry-After`).
pub const PENDING_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Why a binding with identity-based auth cannot sign a token.
///
/// Each names the credential kind and the key endpoint
/// (`{ServerEndpoint or Endpoint}/api/v1/auth/accessKey`); none holds an Entra token, the
/// fetched key or a client secret; the certificate causes name the file or thumbprint instead, and
/// never hold a certificate file's bytes. Every cause is a 5xx: the deployment is at fault, not the
/// request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The first signing key is still being fetched.
    #[error("the signing key for {endpoint} is still being fetched with {credential}")]
    KeyPending {
        /// The key endpoint.
        endpoint: String,
        /// The credential kind.
        credential: &'static str,
    },
    /// A wait for the first key ended before the fetch did (`first_key_wait`, 30 s).
    #[error(
        "no signing key for {endpoint} within {seconds} s: {credential} or the service is still \
         answering"
    )]
    FirstKeyTimeout {
        /// The key endpoint.
        endpoint: String,
        /// The credential kind.
        credential: &'static str,
        /// The bound, in seconds.
        seconds: u64,
    },
    /// No credential could be built or none of the chain found an identity.
    #[error("no Azure credential available ({credential}): {reason}")]
    NoCredential {
        /// The credential kind.
        credential: &'static str,
        /// What each credential said, from `azure_identity`.
        reason: String,
    },
    /// Microsoft Entra ID (or the managed identity endpoint) refused to issue a token.
    #[error(
        "{credential} could not get a Microsoft Entra token for https://signalr.azure.com: {reason}"
    )]
    TokenRefused {
        /// The credential kind.
        credential: &'static str,
        /// What `azure_identity` reported.
        reason: String,
    },
    /// The service refused the identity's token (401 or 403).
    #[error("{endpoint} refused the identity of {credential} with HTTP {status}")]
    AccessDenied {
        /// The key endpoint.
        endpoint: String,
        /// The credential kind.
        credential: &'static str,
        /// 401 or 403.
        status: u16,
    },
    /// The key endpoint does not exist (404): not a SignalR Service endpoint.
    #[error("{endpoint} answered 404: not an Azure SignalR Service key endpoint")]
    EndpointNotFound {
        /// The key endpoint.
        endpoint: String,
    },
    /// The service answered another unexpected status (400, 5xx, ...).
    #[error("{endpoint} answered HTTP {status} to the key request of {credential}")]
    ServiceStatus {
        /// The key endpoint.
        endpoint: String,
        /// The credential kind.
        credential: &'static str,
        /// The status.
        status: u16,
    },
    /// The key endpoint could not be reached, or did not answer in time.
    #[error("{endpoint} could not be reached: {reason}")]
    Unreachable {
        /// The key endpoint.
        endpoint: String,
        /// The transport's error, or the timeout.
        reason: String,
    },
    /// The service's answer is not `{"KeyId": "...", "AccessKey": "..."}`.
    #[error("{endpoint} sent a malformed key answer: {reason}")]
    MalformedAnswer {
        /// The key endpoint.
        endpoint: String,
        /// What is wrong (`Missing required <KeyId> field.`, not JSON, ...).
        reason: String,
    },
    /// The last key is older than the key lifetime (120 min) and no refresh has succeeded since.
    #[error(
        "the signing key for {endpoint} expired {minutes} minutes after its last successful fetch"
    )]
    KeyExpired {
        /// The key endpoint.
        endpoint: String,
        /// The key lifetime in minutes.
        minutes: u64,
    },
    /// A certificate credential is configured, but the `identity-certificate` feature is off.
    #[error(
        "a client certificate credential needs the `identity-certificate` feature of signalr-binding"
    )]
    CertificateFeatureOff,
    /// The certificate file could not be read.
    #[error("the client certificate file `{path}` could not be read: {reason}")]
    CertificateUnreadable {
        /// The file's path.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// No file of the certificate stores holds the Functions `clientCertificate` thumbprint
    /// (Microsoft.Extensions.Azure: "Unable to find a certificate with thumbprint '...'").
    #[error(
        "unable to find a certificate with thumbprint '{thumbprint}' in {store}: {}",
        searched_text(searched)
    )]
    CertificateNotFound {
        /// The thumbprint, 40 upper-case hex digits.
        thumbprint: String,
        /// The store, `Location\Name` (`CurrentUser\MY`).
        store: String,
        /// The files looked for, in order.
        searched: Vec<String>,
    },
    /// The store's file of a thumbprint holds another certificate.
    #[error(
        "the client certificate file `{path}` holds the certificate with thumbprint {actual}, \
         not {thumbprint}"
    )]
    CertificateMismatch {
        /// The file's path.
        path: String,
        /// The thumbprint asked for.
        thumbprint: String,
        /// The SHA-1 of the certificate in the file.
        actual: String,
    },
    /// The certificate file is not a PKCS#12 without a password holding a certificate and its
    /// private key.
    #[error("the client certificate file `{path}` is not usable: {reason}")]
    CertificateInvalid {
        /// The file's path.
        path: String,
        /// What is wrong, from OpenSSL (never the file's contents).
        reason: String,
    },
    /// `clientCertificateStoreLocation` is not `CurrentUser` or `LocalMachine`, or
    /// `clientCertificateStoreName` is not a single name.
    #[error("the Functions setting {setting} is `{value}`: no such certificate store")]
    CertificateStoreInvalid {
        /// `clientCertificateStoreLocation` or `clientCertificateStoreName`.
        setting: &'static str,
        /// Its value.
        value: String,
    },
}

/// The searched files of [`IdentityError::CertificateNotFound`], for its message.
fn searched_text(searched: &[String]) -> String {
    if searched.is_empty() {
        "no directory holds that store on Linux".to_owned()
    } else {
        format!("none of {}", searched.join(", "))
    }
}

impl IdentityError {
    /// A stable, machine-readable code, such as `identity_access_denied`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::KeyPending { .. } => "identity_key_pending",
            Self::FirstKeyTimeout { .. } => "identity_key_timeout",
            Self::NoCredential { .. } => "identity_no_credential",
            Self::TokenRefused { .. } => "identity_token_refused",
            Self::AccessDenied { .. } => "identity_access_denied",
            Self::EndpointNotFound { .. } => "identity_endpoint_not_found",
            Self::ServiceStatus { .. } => "identity_service_error",
            Self::Unreachable { .. } => "identity_endpoint_unreachable",
            Self::MalformedAnswer { .. } => "identity_malformed_answer",
            Self::KeyExpired { .. } => "identity_key_expired",
            Self::CertificateFeatureOff => "identity_certificate_feature_off",
            Self::CertificateUnreadable { .. } => "identity_certificate_unreadable",
            Self::CertificateNotFound { .. } => "identity_certificate_not_found",
            Self::CertificateMismatch { .. } => "identity_certificate_mismatch",
            Self::CertificateInvalid { .. } => "identity_certificate_invalid",
            Self::CertificateStoreInvalid { .. } => "identity_certificate_store_invalid",
        }
    }

    /// The status a negotiate endpoint answers with: 503 while the key is pending or the
    /// service is unreachable, 502 for a bad answer from the service, else 500.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::KeyPending { .. } | Self::FirstKeyTimeout { .. } | Self::Unreachable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::MalformedAnswer { .. } | Self::ServiceStatus { .. } => StatusCode::BAD_GATEWAY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// `Retry-After` for a key still being fetched.
    pub fn retry_after(&self) -> Option<Duration> {
        matches!(self, Self::KeyPending { .. } | Self::FirstKeyTimeout { .. })
            .then_some(PENDING_RETRY_AFTER)
    }

    /// What to do about it, in one sentence.
    pub fn hint(&self) -> Cow<'static, str> {
        match self {
            Self::KeyPending { .. } => "retry after the time in the `Retry-After` header, or \
                 call `warm_up` at start-up so that requests never wait"
                .into(),
            Self::FirstKeyTimeout { .. } => "check that the app can reach Microsoft Entra ID (or \
                 its managed identity endpoint) and the SignalR resource; the fetch goes on in \
                 the background"
                .into(),
            Self::NoCredential { .. } => "enable a managed identity on the app, set \
                 AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, or run `az login` for local \
                 development"
                .into(),
            Self::TokenRefused { .. } => "check the client id, tenant id and secret or \
                 certificate of the identity, and that it is enabled on the app"
                .into(),
            Self::AccessDenied { status: 401, .. } => format!(
                "the token was not accepted: check that the identity belongs to the \
                 resource's tenant, then assign it the \"{REQUIRED_ROLE}\" role on the SignalR \
                 resource"
            )
            .into(),
            Self::AccessDenied { .. } => format!(
                "assign the identity the \"{REQUIRED_ROLE}\" role (or \"SignalR Service Owner\") \
                 on the SignalR resource (Access control (IAM) > Add role assignment); it can \
                 take a few minutes to apply"
            )
            .into(),
            Self::EndpointNotFound { .. } => {
                "check Endpoint (and ServerEndpoint): they must name the SignalR resource".into()
            }
            Self::ServiceStatus { .. } => "the service failed; it is tried again on the \
                 refresh schedule"
                .into(),
            Self::Unreachable { .. } => "check the network path from the app to the SignalR \
                 resource (private endpoints, firewall, DNS)"
                .into(),
            Self::MalformedAnswer { .. } => {
                "check that Endpoint names an Azure SignalR Service resource".into()
            }
            Self::KeyExpired { .. } => "refreshing the key has failed for too long: see the \
                 earlier identity errors in the log"
                .into(),
            Self::CertificateFeatureOff => {
                "turn on the feature: signalr-binding = { features = [\"identity-certificate\"] }"
                    .into()
            }
            Self::CertificateUnreadable { .. } => "point ClientCert (or the Functions setting \
                 clientCertificate) at a readable PKCS#12 file, or set clientCertificate to the \
                 certificate's thumbprint (40 hex digits)"
                .into(),
            Self::CertificateNotFound { thumbprint, .. } => format!(
                "upload the certificate to the app and set WEBSITE_LOAD_CERTIFICATES={thumbprint} \
                 (App Service on Linux then puts it at /var/ssl/private/{thumbprint}.p12), or \
                 put it, as a PKCS#12 without a password, at \
                 ~/.dotnet/corefx/cryptography/x509stores/my/{thumbprint}.pfx, or set \
                 clientCertificate to the file's path"
            )
            .into(),
            Self::CertificateMismatch { .. } => "check the thumbprint in clientCertificate (the \
                 portal shows it beside the certificate), or replace the file with the \
                 certificate of that thumbprint"
                .into(),
            Self::CertificateInvalid { .. } => "the file must be a PKCS#12 (.pfx, .p12) without \
                 a password, holding the certificate and its private key; one encrypted with \
                 RC2, as older Windows exports are, must be exported again with AES for \
                 OpenSSL 3"
                .into(),
            Self::CertificateStoreInvalid { .. } => "set clientCertificateStoreLocation to \
                 CurrentUser or LocalMachine and clientCertificateStoreName to one store name \
                 such as My, or leave them unset (CurrentUser, My)"
                .into(),
        }
    }
}
