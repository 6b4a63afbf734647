//! The Azure Functions identity settings of a connection setting name K
//! (Azure/azure-sdk-for-net `Microsoft.Azure.WebJobs.Extensions.SignalRService`
//! `OptionsSetup.cs`, `Microsoft.Extensions.Azure` `ClientFactory.cs`).
//!
//! The connection string is `ConnectionStrings:K` (App Service: `CUSTOMCONNSTR_K`), else `K`.
//! Only when neither is set does the section `K` describe an identity-based endpoint:
//! `K:serviceUri` and, beside it, `credential`, `clientId`, `managedIdentityClientId`,
//! `managedIdentityResourceId`, `managedIdentityObjectId`, `tenantId`, `clientSecret`,
//! `clientCertificate` (with `clientCertificateStoreName` and `clientCertificateStoreLocation`),
//! `tokenFilePath`, `serverEndpoint`, `clientEndpoint` (and `type`, read by several endpoints). The environment spells `:` as `__`
//! (`AzureSignalRConnectionString__serviceUri`).

use std::borrow::Cow;

use crate::connection_string::{
    AuthType, CertificateStore, ConnectionString, ConnectionStringError, IdentityCredential,
    IdentityKind, SectionProperties,
};
use crate::settings::{Settings, strip_section_prefix};

/// The section keys read, lower-case.
const KEYS: [&str; 15] = [
    "serviceuri",
    "credential",
    "clientid",
    "managedidentityclientid",
    "managedidentityresourceid",
    "managedidentityobjectid",
    "tenantid",
    "clientsecret",
    "clientcertificate",
    "clientcertificatestorename",
    "clientcertificatestorelocation",
    "tokenfilepath",
    "serverendpoint",
    "clientendpoint",
    "type",
];

/// The names a connection string of setting name K is read from, in order:
/// `ConnectionStrings:K` (the environment's `ConnectionStrings__K`), App Service's
/// `CUSTOMCONNSTR_K`, then `K`. Made once per binding, so that a request allocates none.
pub(crate) fn connection_string_names(setting: &str) -> Box<[String]> {
    let mut names = Vec::with_capacity(4);
    if strip_section_prefix(setting, "ConnectionStrings:").is_none() {
        names.push(format!("ConnectionStrings:{setting}"));
        names.push(format!("ConnectionStrings__{setting}"));
        names.push(format!("CUSTOMCONNSTR_{setting}"));
    }
    names.push(setting.to_owned());
    names.into_boxed_slice()
}

/// The connection string: the first of `names` ([`connection_string_names`]) that is set (an
/// empty value counts as unset but for the last name, K itself, as before).
pub(crate) fn connection_string<'s>(
    settings: &'s dyn Settings,
    names: &[String],
) -> Option<Cow<'s, str>> {
    let (last, first) = names.split_last()?;
    first
        .iter()
        .find_map(|name| settings.get(name).filter(|v| !v.is_empty()))
        .or_else(|| settings.get(last))
}

/// The identity section of setting name `setting`, as the Functions host reads it: `None` when
/// `{setting}:serviceUri` is not set, else the endpoint it describes, checked as a connection
/// string's endpoints are.
///
/// ```
/// use std::collections::HashMap;
/// use signalr_binding::identity_section;
///
/// let settings: HashMap<String, String> = [
///     ("AzureSignalRConnectionString__serviceUri", "https://chat.service.signalr.net"),
///     ("AzureSignalRConnectionString__credential", "managedidentity"),
///     ("AzureSignalRConnectionString__clientId", "00000000-0000-0000-0000-000000000001"),
/// ]
/// .into_iter()
/// .map(|(k, v)| (k.to_owned(), v.to_owned()))
/// .collect();
/// let endpoint = identity_section(&settings, "AzureSignalRConnectionString").unwrap().unwrap();
/// let identity = endpoint.credential().identity().unwrap();
/// assert_eq!(identity.kind(), signalr_binding::IdentityKind::ManagedIdentity);
/// assert_eq!(endpoint.access_key_url(), "https://chat.service.signalr.net/api/v1/auth/accessKey");
/// ```
pub fn identity_section(
    settings: &dyn Settings,
    setting: &str,
) -> Option<Result<ConnectionString, ConnectionStringError>> {
    let values = section_values(settings, setting);
    let get = |key: &str| {
        let index = KEYS.iter().position(|k| *k == key)?;
        values[index].clone()
    };
    let service_uri = get("serviceuri")?;
    let credential = get("credential").map(|c| c.to_ascii_lowercase());
    let client_id = get("clientid");
    let tenant_id = get("tenantid");
    let identity = match credential.as_deref() {
        Some("managedidentity") => {
            IdentityCredential::of_kind(AuthType::AzureMsi, IdentityKind::ManagedIdentity).with(
                SectionProperties {
                    client_id: get("managedidentityclientid").or(client_id),
                    resource_id: get("managedidentityresourceid"),
                    object_id: get("managedidentityobjectid"),
                    ..SectionProperties::default()
                },
            )
        }
        Some("workloadidentity") => {
            IdentityCredential::of_kind(AuthType::Azure, IdentityKind::WorkloadIdentity).with(
                SectionProperties {
                    client_id,
                    tenant_id,
                    token_file: get("tokenfilepath"),
                    ..SectionProperties::default()
                },
            )
        }
        _ => match (
            tenant_id,
            client_id,
            get("clientsecret"),
            get("clientcertificate"),
        ) {
            (Some(tenant), Some(client), Some(secret), _) => {
                IdentityCredential::of_kind(AuthType::AzureApp, IdentityKind::ClientSecret).with(
                    SectionProperties {
                        client_id: Some(client),
                        tenant_id: Some(tenant),
                        client_secret: Some(secret),
                        ..SectionProperties::default()
                    },
                )
            }
            (Some(tenant), Some(client), None, Some(cert)) => {
                IdentityCredential::of_kind(AuthType::AzureApp, IdentityKind::ClientCertificate)
                    .with(SectionProperties {
                        client_id: Some(client),
                        tenant_id: Some(tenant),
                        client_cert: Some(cert),
                        cert_store: Some(CertificateStore {
                            name: get("clientcertificatestorename"),
                            location: get("clientcertificatestorelocation"),
                        }),
                        ..SectionProperties::default()
                    })
            }
            _ => IdentityCredential::of_kind(AuthType::Azure, IdentityKind::DefaultAzureCredential),
        },
    };
    Some(ConnectionString::from_identity_section(
        &service_uri,
        get("clientendpoint").as_deref(),
        get("serverendpoint").as_deref(),
        identity,
    ))
}

/// The values of the section's keys, in the order of [`KEYS`], and a text that identifies
/// them (for memoizing what was built from them), or `None` without `serviceUri`.
pub(crate) fn section_fingerprint(settings: &dyn Settings, setting: &str) -> Option<String> {
    let values = section_values(settings, setting);
    values[0].as_ref()?;
    // NUL starts no connection string, so the text never equals one.
    let mut text = String::from("\0identity-section");
    for value in values.iter() {
        text.push('\0');
        if let Some(value) = value {
            text.push_str(value);
        }
    }
    Some(text)
}

/// The value of `key` (one of the section keys, lower-case) in section `setting`.
pub(crate) fn section_key(settings: &dyn Settings, setting: &str, key: &str) -> Option<String> {
    let index = KEYS.iter().position(|k| *k == key)?;
    section_values(settings, setting)[index].take()
}

/// The section's values by key, the last spelling seen winning (as configuration providers
/// read later sources over earlier ones).
fn section_values(settings: &dyn Settings, setting: &str) -> [Option<String>; KEYS.len()] {
    let mut values: [Option<String>; KEYS.len()] = Default::default();
    let prefix = format!("{setting}:");
    settings.for_each_with_prefix(&prefix, &mut |name, value| {
        let Some(rest) = strip_section_prefix(name, &prefix) else {
            return;
        };
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        if let Some(index) = KEYS.iter().position(|key| rest.eq_ignore_ascii_case(key)) {
            values[index] = Some(value.to_owned());
        }
    });
    values
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn connection_strings_come_first() {
        let all = settings(&[
            ("K", "from-k"),
            ("CUSTOMCONNSTR_K", "from-app-service"),
            ("ConnectionStrings:K", "from-section"),
        ]);
        let names = connection_string_names("K");
        assert_eq!(connection_string(&all, &names).unwrap(), "from-section");
        let app_service = settings(&[("K", "from-k"), ("CUSTOMCONNSTR_K", "from-app-service")]);
        assert_eq!(
            connection_string(&app_service, &names).unwrap(),
            "from-app-service"
        );
        assert_eq!(
            connection_string(&settings(&[("K", "v")]), &names).unwrap(),
            "v"
        );
        assert!(connection_string(&settings(&[]), &names).is_none());
        let own = connection_string_names("ConnectionStrings:K");
        assert_eq!(&*own, ["ConnectionStrings:K".to_owned()]);
    }

    #[test]
    fn sections_choose_the_credential_as_functions_does() {
        let kind = |pairs: &[(&str, &str)]| {
            identity_section(&settings(pairs), "K")
                .unwrap()
                .unwrap()
                .credential()
                .identity()
                .unwrap()
                .kind()
        };
        let uri = ("K__serviceUri", "https://x.service.signalr.net");
        assert_eq!(kind(&[uri]), IdentityKind::DefaultAzureCredential);
        assert_eq!(
            kind(&[uri, ("K:credential", "ManagedIdentity")]),
            IdentityKind::ManagedIdentity
        );
        assert_eq!(
            kind(&[uri, ("k__CREDENTIAL", "workloadidentity")]),
            IdentityKind::WorkloadIdentity
        );
        assert_eq!(
            kind(&[
                uri,
                ("K__tenantId", "t"),
                ("K__clientId", "c"),
                ("K__clientSecret", "s")
            ]),
            IdentityKind::ClientSecret
        );
        assert_eq!(
            kind(&[
                uri,
                ("K__tenantId", "t"),
                ("K__clientId", "c"),
                ("K__clientCertificate", "/cert.pfx")
            ]),
            IdentityKind::ClientCertificate
        );
        let cert = identity_section(
            &settings(&[
                uri,
                ("K__tenantId", "t"),
                ("K__clientId", "c"),
                (
                    "K__clientCertificate",
                    "0123456789abcdef0123456789abcdef01234567",
                ),
                ("K__clientCertificateStoreName", "Root"),
                ("K__CLIENTCERTIFICATESTORELOCATION", "localmachine"),
            ]),
            "K",
        )
        .unwrap()
        .unwrap();
        let cert = cert.credential().identity().unwrap();
        assert!(cert.client_cert_in_store());
        assert_eq!(cert.client_cert_store_name(), Some("Root"));
        assert_eq!(cert.client_cert_store_location(), Some("localmachine"));
        // A client id alone names no application.
        assert_eq!(
            kind(&[uri, ("K__clientId", "c")]),
            IdentityKind::DefaultAzureCredential
        );
        let msi = identity_section(
            &settings(&[
                uri,
                ("K__credential", "managedidentity"),
                ("K__managedIdentityResourceId", "/subscriptions/s/id"),
            ]),
            "K",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            msi.credential().identity().unwrap().resource_id(),
            Some("/subscriptions/s/id")
        );
    }

    #[test]
    fn endpoints_of_a_section() {
        let section = identity_section(
            &settings(&[
                ("K:serviceUri", "https://x.service.signalr.net/"),
                ("K:serverEndpoint", "https://private.example/base"),
                ("K:clientEndpoint", "https://public.example"),
            ]),
            "K",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            section.access_key_url(),
            "https://private.example/base/api/v1/auth/accessKey"
        );
        assert_eq!(section.client_base_url(), "https://public.example");
        assert_eq!(section.audience_base_url(), "https://x.service.signalr.net");
        assert!(identity_section(&settings(&[("K:credential", "managedidentity")]), "K").is_none());
        assert_eq!(
            identity_section(&settings(&[("K:serviceUri", "not a uri")]), "K")
                .unwrap()
                .unwrap_err(),
            ConnectionStringError::InvalidEndpoint
        );
        assert!(section_fingerprint(&settings(&[("K:serviceUri", "https://x")]), "K").is_some());
    }
}
