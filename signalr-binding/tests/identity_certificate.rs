//! The Functions setting `clientCertificate` as a thumbprint (feature `identity-certificate`):
//! certificates generated here with OpenSSL, laid out as .NET's CurrentUser store and App
//! Service's `/var/ssl/private` in a temporary directory that `IdentityOptions` points at, and
//! signed in end to end: the Entra stand-in (tests/support) accepts only a client assertion
//! signed by the certificate's key, the key endpoint only the token it issues. Everything is
//! on 127.0.0.1.

#![cfg(feature = "identity-certificate")]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509NameBuilder};
use signalr_binding::{
    BindingError, CertificateDirectory, ConnectionInfoBinding, IdentityError, IdentityOptions,
    SystemClock,
};
use support::{CertificateCheck, EntraTransport, KeyAnswer, KeyEndpoint};

const SETTING: &str = "AzureSignalRConnectionString";
const TENANT: &str = "contoso-tenant";
const CLIENT: &str = "cert-app-client-id";
const KEY: &str = "FetchedAccessKeyForTheCertificateApp0123";

/// A self-signed certificate with its key, as files and as what Entra knows of it.
struct Certificate {
    /// PKCS#12 without a password, as .NET's store and App Service write it.
    pkcs12: Vec<u8>,
    /// The same with the password `secret`.
    pkcs12_with_password: Vec<u8>,
    /// SHA-1 of the DER, 40 upper-case hex digits.
    thumbprint: String,
    /// The private key in PEM: must appear in no message.
    private_pem: String,
    public_pem: Vec<u8>,
    /// The SHA-1 in base64 and base64url (the assertion's `x5t`).
    x5t: Vec<String>,
}

fn generate(common_name: &str) -> Certificate {
    let key: PKey<Private> = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", common_name).unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    let serial = BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap();
    builder.set_serial_number(&serial).unwrap();
    builder.set_subject_name(&name).unwrap();
    builder.set_issuer_name(&name).unwrap();
    builder.set_pubkey(&key).unwrap();
    builder
        .set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    builder.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = builder.build();
    let pkcs12 = |password: &str| {
        Pkcs12::builder()
            .name(common_name)
            .pkey(&key)
            .cert(&cert)
            .build2(password)
            .unwrap()
            .to_der()
            .unwrap()
    };
    let sha1 = cert.digest(MessageDigest::sha1()).unwrap();
    let standard = openssl::base64::encode_block(&sha1);
    let url_safe = standard
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_");
    Certificate {
        pkcs12: pkcs12(""),
        pkcs12_with_password: pkcs12("secret"),
        thumbprint: sha1.iter().map(|b| format!("{b:02X}")).collect(),
        private_pem: String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap(),
        public_pem: key.public_key_to_pem().unwrap(),
        x5t: vec![standard, url_safe],
    }
}

/// The application's certificate, and another one (generated once: RSA keys take a while).
fn certificates() -> &'static (Certificate, Certificate) {
    static CERTS: OnceLock<(Certificate, Certificate)> = OnceLock::new();
    CERTS.get_or_init(|| {
        (
            generate("signalr-binding test app"),
            generate("another app"),
        )
    })
}

/// A fresh directory under the target's temporary directory, with the layouts of .NET's
/// CurrentUser stores (`home/.dotnet/corefx/cryptography/x509stores`) and App Service's
/// private certificates (`ssl/private`), both empty.
struct Layout {
    root: PathBuf,
}

impl Layout {
    fn new(test: &str) -> Self {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("identity-certificate")
            .join(format!("{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("home/.dotnet/corefx/cryptography/x509stores/my"))
            .unwrap();
        std::fs::create_dir_all(root.join("ssl/private")).unwrap();
        Self { root }
    }

    fn dotnet_stores(&self) -> PathBuf {
        self.root
            .join("home/.dotnet/corefx/cryptography/x509stores")
    }

    /// `<THUMBPRINT>.pfx` in .NET's CurrentUser store `My`.
    fn dotnet_my(&self, thumbprint: &str) -> PathBuf {
        self.dotnet_stores().join(format!("my/{thumbprint}.pfx"))
    }

    /// `<THUMBPRINT>.p12` in App Service's directory.
    fn app_service(&self, thumbprint: &str) -> PathBuf {
        self.root.join(format!("ssl/private/{thumbprint}.p12"))
    }

    fn directories(&self) -> Vec<CertificateDirectory> {
        vec![
            CertificateDirectory::DotnetCurrentUser(self.dotnet_stores()),
            CertificateDirectory::AppServicePrivate(self.root.join("ssl/private")),
        ]
    }
}

impl Drop for Layout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Short pauses, the Entra stand-in, and the certificate directories of `layout`. An attempt
/// may take long on a loaded machine: a timed-out attempt would be a second key request.
fn options(layout: &Layout, transport: &Arc<EntraTransport>) -> Arc<IdentityOptions> {
    Arc::new(IdentityOptions {
        first_key_wait: Duration::from_secs(20),
        attempt_timeout: Duration::from_secs(10),
        attempt_delay: Duration::from_millis(10),
        check_interval: Duration::from_millis(10),
        transport: Some(Arc::clone(transport) as _),
        certificate_directories: layout.directories(),
        ..IdentityOptions::default()
    })
}

fn entra() -> Arc<EntraTransport> {
    let cert = &certificates().0;
    EntraTransport::with_certificate(
        TENANT,
        CLIENT,
        CertificateCheck {
            public_key_pem: cert.public_pem.clone(),
            x5t: cert.x5t.clone(),
        },
    )
}

fn binding_with(options: &Arc<IdentityOptions>) -> ConnectionInfoBinding {
    ConnectionInfoBinding::builder("Chat")
        .user_id("alice")
        .identity_options(Arc::clone(options))
        .build()
        .unwrap()
}

/// The Functions identity settings of an application with `clientCertificate` = `value`, and
/// the other section keys given.
fn section(endpoint: &KeyEndpoint, value: &str, more: &[(&str, &str)]) -> HashMap<String, String> {
    let mut settings = HashMap::from([
        (format!("{SETTING}__serviceUri"), endpoint.base()),
        (format!("{SETTING}__tenantId"), TENANT.to_owned()),
        (format!("{SETTING}__clientId"), CLIENT.to_owned()),
        (format!("{SETTING}__clientCertificate"), value.to_owned()),
    ]);
    for (key, value) in more {
        settings.insert(format!("{SETTING}__{key}"), (*value).to_owned());
    }
    settings
}

fn identity_error(error: &BindingError) -> &IdentityError {
    match error {
        BindingError::Identity { error, .. } => error,
        other => panic!("not an identity error: {other:?}"),
    }
}

/// The thumbprint as the portal or `openssl x509 -fingerprint` shows it: lower case with colons.
fn pasted(thumbprint: &str) -> String {
    thumbprint
        .to_lowercase()
        .as_bytes()
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).unwrap())
        .collect::<Vec<_>>()
        .join(":")
}

/// Everything a failure shows: message, `Debug`, JSON and hint.
fn shown(error: &BindingError) -> String {
    format!(
        "{error} {error:?} {} {}",
        error.to_json(),
        error.hint().unwrap_or_default()
    )
}

/// Signs in end to end and checks the minted token against the fetched key.
async fn signs_in(binding: &ConnectionInfoBinding, settings: &HashMap<String, String>) {
    binding.warm_up(settings).await.unwrap();
    let info = binding.resolve_with(None, settings, &SystemClock).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_audience(&["http://127.0.0.1/client/?hub=chat"]);
    let token = jsonwebtoken::decode::<serde_json::Value>(
        &info.access_token,
        &jsonwebtoken::DecodingKey::from_secret(KEY.as_bytes()).unwrap(),
        &validation,
    )
    .expect("a token signed with the key fetched with the certificate's Entra token");
    assert_eq!(token.claims["asrs.s.uid"], "alice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thumbprint_in_the_dotnet_store_signs_in_end_to_end() {
    support::init();
    let logs = support::logs();
    let (cert, _) = certificates();
    let layout = Layout::new("dotnet-store");
    write(&layout.dotnet_my(&cert.thumbprint), &cert.pkcs12);
    let transport = entra();
    let endpoint = KeyEndpoint::start("", &transport.token, key());
    let binding = binding_with(&options(&layout, &transport));
    // Pasted in lower case with colons, store name and location spelled in another case.
    let settings = section(
        &endpoint,
        &pasted(&cert.thumbprint),
        &[
            ("clientCertificateStoreName", "My"),
            ("clientCertificateStoreLocation", "currentuser"),
        ],
    );
    signs_in(&binding, &settings).await;
    assert!(
        transport.refusals.lock().unwrap().is_empty(),
        "{:?}",
        transport.refusals
    );
    assert_eq!(transport.token_requests(), 1);
    assert_eq!(endpoint.requests(), 1);
    // Entra that holds another public key under this thumbprint refuses the assertion: the
    // sign-in above was signed by this certificate's key.
    let (_, other) = certificates();
    let stranger = EntraTransport::with_certificate(
        TENANT,
        CLIENT,
        CertificateCheck {
            public_key_pem: other.public_pem.clone(),
            x5t: cert.x5t.clone(),
        },
    );
    let stranger_options = Arc::new(IdentityOptions {
        transport: Some(Arc::clone(&stranger) as _),
        ..(*options(&layout, &transport)).clone()
    });
    let error = binding_with(&stranger_options)
        .warm_up(&settings)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "identity_token_refused", "{error}");
    let refusals = stranger.refusals.lock().unwrap().clone();
    assert!(
        refusals.iter().all(|r| r.contains("InvalidSignature")),
        "{refusals:?}"
    );
    // Neither the private key, nor the file, nor the token, nor the fetched key is logged.
    let secrets = [
        cert.private_pem.lines().nth(1).unwrap().to_owned(),
        openssl::base64::encode_block(&cert.pkcs12[..48]),
        transport.token.clone(),
        KEY.to_owned(),
    ];
    for line in logs.lock().unwrap().iter() {
        for secret in &secrets {
            assert!(!line.contains(secret.as_str()), "{secret} logged: {line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_service_certificates_answer_for_my_at_either_location() {
    support::init();
    let (cert, _) = certificates();
    let layout = Layout::new("app-service");
    write(&layout.app_service(&cert.thumbprint), &cert.pkcs12);
    let transport = entra();
    let endpoint = KeyEndpoint::start("", &transport.token, key());
    let options = options(&layout, &transport);
    // The defaults (CurrentUser\MY): not in .NET's store, found in App Service's directory.
    signs_in(
        &binding_with(&options),
        &section(&endpoint, &cert.thumbprint, &[]),
    )
    .await;
    // LocalMachine\My: App Service's directory too (a separate cache: other settings).
    signs_in(
        &binding_with(&options),
        &section(
            &endpoint,
            &cert.thumbprint.to_lowercase(),
            &[("clientCertificateStoreLocation", "LocalMachine")],
        ),
    )
    .await;
    assert_eq!(endpoint.requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_machine_does_not_read_the_users_dotnet_store() {
    support::init();
    let (cert, _) = certificates();
    let layout = Layout::new("local-machine");
    write(&layout.dotnet_my(&cert.thumbprint), &cert.pkcs12);
    let transport = entra();
    let endpoint = KeyEndpoint::start("", &transport.token, key());
    let binding = binding_with(&options(&layout, &transport));
    let settings = section(
        &endpoint,
        &cert.thumbprint,
        &[("clientCertificateStoreLocation", "LocalMachine")],
    );
    let error = binding.warm_up(&settings).await.unwrap_err();
    assert_eq!(error.code(), "identity_certificate_not_found", "{error}");
    let text = error.to_string();
    assert!(!text.contains(".dotnet"), "{text}");
    assert!(
        text.contains(&format!("ssl/private/{}.p12", cert.thumbprint)),
        "{text}"
    );
    assert_eq!(endpoint.requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_thumbprint_names_it_the_store_and_every_file_looked_for() {
    support::init();
    let (cert, _) = certificates();
    let layout = Layout::new("not-found");
    let transport = entra();
    let endpoint = KeyEndpoint::start("", &transport.token, key());
    let binding = binding_with(&options(&layout, &transport));
    let settings = section(&endpoint, &pasted(&cert.thumbprint), &[]);
    let error = binding.warm_up(&settings).await.unwrap_err();
    assert_eq!(error.code(), "identity_certificate_not_found", "{error}");
    assert_eq!(error.status(), 500);
    match identity_error(&error) {
        IdentityError::CertificateNotFound {
            thumbprint,
            store,
            searched,
        } => {
            assert_eq!(thumbprint, &cert.thumbprint);
            assert_eq!(store, "CurrentUser\\MY");
            assert_eq!(
                searched,
                &[
                    layout.dotnet_my(&cert.thumbprint).display().to_string(),
                    layout.app_service(&cert.thumbprint).display().to_string(),
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains(&format!(
            "unable to find a certificate with thumbprint '{}'",
            cert.thumbprint
        )),
        "{text}"
    );
    let hint = error.hint().unwrap();
    assert!(
        hint.contains(&format!("WEBSITE_LOAD_CERTIFICATES={}", cert.thumbprint)),
        "{hint}"
    );
    assert_eq!(transport.token_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_the_certificate_asked_for_is_refused() {
    support::init();
    let (cert, other) = certificates();
    let layout = Layout::new("wrong-content");
    let transport = entra();
    let endpoint = KeyEndpoint::start("", &transport.token, key());
    let settings = section(&endpoint, &cert.thumbprint, &[]);
    let file = layout.dotnet_my(&cert.thumbprint);
    // Fresh options each time: a key cache of their own, which builds the credential anew.
    let check = async |expected: &str| {
        let binding = binding_with(&options(&layout, &transport));
        let error = binding.warm_up(&settings).await.unwrap_err();
        assert_eq!(error.code(), expected, "{error}");
        let shown = shown(&error);
        assert!(
            !shown.contains(cert.private_pem.lines().nth(1).unwrap()),
            "{shown}"
        );
        error
    };

    // Another certificate under this thumbprint's name.
    write(&file, &other.pkcs12);
    let error = check("identity_certificate_mismatch").await;
    match identity_error(&error) {
        IdentityError::CertificateMismatch {
            path,
            thumbprint,
            actual,
        } => {
            assert_eq!(path, &file.display().to_string());
            assert_eq!(thumbprint, &cert.thumbprint);
            assert_eq!(actual, &other.thumbprint);
        }
        other => panic!("{other:?}"),
    }
    // Not PKCS#12 at all, and a PKCS#12 with a password: not usable.
    for bytes in [b"not a certificate".as_slice(), &cert.pkcs12_with_password] {
        std::fs::write(&file, bytes).unwrap();
        let error = check("identity_certificate_invalid").await;
        assert!(
            error.to_string().contains(&file.display().to_string()),
            "{error}"
        );
    }
    // A file that cannot be read (a directory where the file should be: even root cannot
    // read it) is an error, not a reason to look further.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    write(&layout.app_service(&cert.thumbprint), &cert.pkcs12);
    let error = check("identity_certificate_unreadable").await;
    assert!(
        error.to_string().contains(&file.display().to_string()),
        "{error}"
    );
    assert_eq!(endpoint.requests(), 0);
    assert_eq!(transport.token_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_settings_that_name_no_store_are_refused() {
    support::init();
    let (cert, _) = certificates();
    let layout = Layout::new("bad-store");
    write(&layout.dotnet_my(&cert.thumbprint), &cert.pkcs12);
    let transport = entra();
    let endpoint = KeyEndpoint::start("", &transport.token, key());
    let options = options(&layout, &transport);
    for (key, value) in [
        ("clientCertificateStoreLocation", "Machine"),
        ("clientCertificateStoreName", "../my"),
    ] {
        let settings = section(&endpoint, &cert.thumbprint, &[(key, value)]);
        let error = binding_with(&options).warm_up(&settings).await.unwrap_err();
        assert_eq!(
            error.code(),
            "identity_certificate_store_invalid",
            "{error}"
        );
        assert!(error.to_string().contains(key), "{error}");
        assert!(
            error
                .hint()
                .unwrap()
                .contains("CurrentUser or LocalMachine")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_that_is_not_a_thumbprint_is_still_a_file() {
    support::init();
    let (cert, _) = certificates();
    let layout = Layout::new("path");
    let file = layout.root.join("app.pfx");
    write(&file, &cert.pkcs12);
    let transport = entra();
    let endpoint = KeyEndpoint::start("", &transport.token, key());
    let options = options(&layout, &transport);
    signs_in(
        &binding_with(&options),
        &section(&endpoint, &file.display().to_string(), &[]),
    )
    .await;
    // A connection string's ClientCert is a file too, even when it looks like a thumbprint.
    let settings = HashMap::from([(
        SETTING.to_owned(),
        format!(
            "Endpoint={};AuthType=azure.app;ClientId={CLIENT};TenantId={TENANT};ClientCert={}",
            endpoint.base(),
            cert.thumbprint
        ),
    )]);
    write(&layout.dotnet_my(&cert.thumbprint), &cert.pkcs12);
    let error = binding_with(&options).warm_up(&settings).await.unwrap_err();
    assert_eq!(error.code(), "identity_certificate_unreadable", "{error}");
}

fn key() -> KeyAnswer {
    KeyAnswer::Key {
        id: "cert-key".to_owned(),
        key: KEY.to_owned(),
    }
}
