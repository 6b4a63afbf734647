//! The Functions setting `clientCertificate`: a certificate thumbprint, found in a certificate
//! store as Microsoft.Extensions.Azure finds it (Azure/azure-sdk-for-net
//! `sdk/extensions/Microsoft.Extensions.Azure/src/Internal/ClientFactory.cs`,
//! `CreateCredential`: `new X509Store(clientCertificateStoreName ?? "MY",
//! clientCertificateStoreLocation ?? CurrentUser)`, then `Find(FindByThumbprint, ...)`), on
//! Linux, where Rust custom handlers run.
//!
//! On Linux a store is a directory of files, so a thumbprint `T` (upper-case hex) is looked for,
//! in the order of [`IdentityOptions::certificate_directories`](super::IdentityOptions), in:
//!
//! 1. [`CertificateDirectory::DotnetCurrentUser`], .NET's CurrentUser stores:
//!    `$HOME/.dotnet/corefx/cryptography/x509stores/<store name lower-case>/T.pfx`, a PKCS#12
//!    without a password, as `X509Store.Add` writes it (dotnet/runtime
//!    `OpenSslDirectoryBasedStoreProvider.cs`). Only for the location `CurrentUser`.
//! 2. [`CertificateDirectory::AppServicePrivate`], App Service's private certificates:
//!    `/var/ssl/private/T.p12`, where `WEBSITE_LOAD_CERTIFICATES=T` puts an uploaded certificate
//!    on Linux (learn.microsoft.com, "Use a TLS/SSL certificate in your code in Azure App
//!    Service"). On Windows, App Service loads the same certificates into `CurrentUser\My` (and
//!    Windows containers into `LocalMachine\My`), so this directory stands for the store `My`
//!    at either location.
//!
//! `LocalMachine` on Linux is App Service's directory only: .NET has no `LocalMachine\My` there
//! (only the read-only `Root` and `CertificateAuthority`, from the system's trust store, whose
//! certificates carry no private key and cannot sign in), and the user's .NET directory is not
//! a machine store.
//!
//! The file found must hold the certificate asked for: the SHA-1 of its DER encoding (what
//! Windows and .NET call the thumbprint) must be `T`; otherwise it is an error, not a
//! certificate to sign in with.

use std::path::PathBuf;

/// A directory where the certificate of a Functions `clientCertificate` thumbprint is looked
/// for (feature `identity-certificate`); see
/// [`IdentityOptions::certificate_directories`](crate::IdentityOptions::certificate_directories).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateDirectory {
    /// The root of .NET's CurrentUser certificate stores on Linux,
    /// `$HOME/.dotnet/corefx/cryptography/x509stores`: the store `NAME` is its subdirectory
    /// `name` (lower-case), a certificate the file `<THUMBPRINT>.pfx` (PKCS#12, no password).
    /// Searched for the store location `CurrentUser`.
    DotnetCurrentUser(PathBuf),
    /// A directory of PKCS#12 files named `<THUMBPRINT>.p12`, as App Service on Linux puts the
    /// private certificates of `WEBSITE_LOAD_CERTIFICATES` in `/var/ssl/private`. Searched for
    /// the store `My` at either location.
    AppServicePrivate(PathBuf),
}

/// Where App Service on Linux puts the private certificates `WEBSITE_LOAD_CERTIFICATES` names.
pub const APP_SERVICE_PRIVATE_CERTIFICATES: &str = "/var/ssl/private";

impl CertificateDirectory {
    /// The directories Azure uses, in the order they are searched: .NET's CurrentUser stores
    /// under `$HOME` (when `HOME` is set), then App Service's `/var/ssl/private`.
    pub fn defaults() -> Vec<CertificateDirectory> {
        let home = std::env::var_os("HOME").filter(|home| !home.is_empty());
        Self::defaults_for_home(home.map(PathBuf::from))
    }

    /// [`defaults`](Self::defaults) for the home directory `home`.
    pub fn defaults_for_home(home: Option<PathBuf>) -> Vec<CertificateDirectory> {
        let mut directories = Vec::with_capacity(2);
        if let Some(home) = home {
            directories.push(Self::DotnetCurrentUser(
                home.join(".dotnet/corefx/cryptography/x509stores"),
            ));
        }
        directories.push(Self::AppServicePrivate(PathBuf::from(
            APP_SERVICE_PRIVATE_CERTIFICATES,
        )));
        directories
    }
}

#[cfg(feature = "identity-certificate")]
pub(crate) use lookup::{Thumbprint, find};

#[cfg(feature = "identity-certificate")]
mod lookup {
    use std::fmt;
    use std::io::ErrorKind;
    use std::path::{Path, PathBuf};

    use super::CertificateDirectory;
    use crate::identity::error::IdentityError;

    /// A certificate thumbprint: the SHA-1 of its DER encoding, 20 bytes.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub(crate) struct Thumbprint([u8; 20]);

    impl Thumbprint {
        /// Reads a thumbprint as people paste it: 40 hex digits in either case, possibly
        /// separated by whitespace or colons (`openssl x509 -fingerprint` prints
        /// `AB:CD:...`), and possibly after the invisible left-to-right mark U+200E that
        /// Windows' certificate dialog copies (.NET's `FindByThumbprint` skips it and
        /// whitespace too). `None` for anything else, which is then a file's path.
        pub(crate) fn parse(value: &str) -> Option<Self> {
            let value = value.strip_prefix('\u{200E}').unwrap_or(value);
            let mut bytes = [0u8; 20];
            let mut digits = 0usize;
            for c in value.chars() {
                if c.is_whitespace() || c == ':' {
                    continue;
                }
                let nibble = c.to_digit(16)? as u8;
                let byte = bytes.get_mut(digits / 2)?;
                *byte = (*byte << 4) | nibble;
                digits += 1;
            }
            (digits == 40).then_some(Self(bytes))
        }

        /// The 20 bytes.
        pub(crate) fn bytes(&self) -> &[u8; 20] {
            &self.0
        }
    }

    /// Upper-case hex, without separators, as Windows, .NET and App Service write it.
    impl fmt::Display for Thumbprint {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.iter().try_for_each(|byte| write!(f, "{byte:02X}"))
        }
    }

    impl fmt::Debug for Thumbprint {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "Thumbprint({self})")
        }
    }

    /// `clientCertificateStoreLocation`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum StoreLocation {
        CurrentUser,
        LocalMachine,
    }

    impl StoreLocation {
        /// As .NET's `Enum.Parse(typeof(StoreLocation), value, ignoreCase: true)`, names only;
        /// unset is `CurrentUser`.
        fn parse(value: Option<&str>) -> Result<Self, IdentityError> {
            match value {
                None => Ok(Self::CurrentUser),
                Some(v) if v.eq_ignore_ascii_case("CurrentUser") => Ok(Self::CurrentUser),
                Some(v) if v.eq_ignore_ascii_case("LocalMachine") => Ok(Self::LocalMachine),
                Some(v) => Err(IdentityError::CertificateStoreInvalid {
                    setting: "clientCertificateStoreLocation",
                    value: v.to_owned(),
                }),
            }
        }

        fn as_str(self) -> &'static str {
            match self {
                Self::CurrentUser => "CurrentUser",
                Self::LocalMachine => "LocalMachine",
            }
        }
    }

    /// `clientCertificateStoreName`, `MY` when unset (X509Store's default). Like .NET, a name
    /// is a single file name: no separator, not `.` or `..`.
    fn store_name(value: Option<&str>) -> Result<&str, IdentityError> {
        let name = value.unwrap_or("MY");
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
            return Err(IdentityError::CertificateStoreInvalid {
                setting: "clientCertificateStoreName",
                value: name.to_owned(),
            });
        }
        Ok(name)
    }

    /// The PKCS#12 file of `thumbprint` in the store `store_name` at `store_location` (the
    /// settings as given), searched in `directories`: its path and bytes, the certificate
    /// checked to be the one asked for.
    pub(crate) fn find(
        thumbprint: &Thumbprint,
        store_name_setting: Option<&str>,
        store_location_setting: Option<&str>,
        directories: &[CertificateDirectory],
    ) -> Result<(PathBuf, Vec<u8>), IdentityError> {
        let location = StoreLocation::parse(store_location_setting)?;
        let name = store_name(store_name_setting)?;
        let upper = thumbprint.to_string();
        let lower = upper.to_ascii_lowercase();
        let mut searched = Vec::new();
        for directory in directories {
            let (dir, extension) = match directory {
                CertificateDirectory::DotnetCurrentUser(root)
                    if location == StoreLocation::CurrentUser =>
                {
                    (root.join(name.to_lowercase()), "pfx")
                }
                CertificateDirectory::AppServicePrivate(dir) if name.eq_ignore_ascii_case("my") => {
                    (dir.clone(), "p12")
                }
                _ => continue,
            };
            // .NET and App Service write upper-case names; a lower-case copy is accepted too.
            let stems: &[&String] = if lower == upper {
                &[&upper]
            } else {
                &[&upper, &lower]
            };
            for stem in stems {
                let path = dir.join(format!("{stem}.{extension}"));
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        check(thumbprint, &path, &bytes)?;
                        return Ok((path, bytes));
                    }
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => {
                        return Err(IdentityError::CertificateUnreadable {
                            path: path.display().to_string(),
                            reason: error.to_string(),
                        });
                    }
                }
            }
            searched.push(format!("{}/{upper}.{extension}", dir.display()));
        }
        Err(IdentityError::CertificateNotFound {
            thumbprint: upper,
            store: format!("{}\\{name}", location.as_str()),
            searched,
        })
    }

    /// Checks that `bytes` (the file at `path`) is a PKCS#12 without a password holding a
    /// private key and the certificate whose SHA-1 is `thumbprint`.
    fn check(thumbprint: &Thumbprint, path: &Path, bytes: &[u8]) -> Result<(), IdentityError> {
        use openssl::hash::MessageDigest;
        use openssl::pkcs12::Pkcs12;

        let invalid = |reason: String| IdentityError::CertificateInvalid {
            path: path.display().to_string(),
            reason,
        };
        // OpenSSL's messages name the failing step (a MAC, a decryption), never the contents.
        let parsed = Pkcs12::from_der(bytes)
            .map_err(|error| invalid(format!("not a PKCS#12 file ({error})")))?
            .parse2("")
            .map_err(|error| {
                invalid(format!(
                    "not readable without a password, as the store's files are ({error})"
                ))
            })?;
        let certificate = parsed
            .cert
            .ok_or_else(|| invalid("the PKCS#12 holds no certificate".to_owned()))?;
        if parsed.pkey.is_none() {
            return Err(invalid("the PKCS#12 holds no private key".to_owned()));
        }
        let digest = certificate
            .digest(MessageDigest::sha1())
            .map_err(|error| invalid(format!("its SHA-1 could not be computed ({error})")))?;
        if digest.as_ref() != thumbprint.bytes() {
            let mut actual = [0u8; 20];
            actual.copy_from_slice(&digest);
            return Err(IdentityError::CertificateMismatch {
                path: path.display().to_string(),
                thumbprint: thumbprint.to_string(),
                actual: Thumbprint(actual).to_string(),
            });
        }
        Ok(())
    }
}

#[cfg(all(test, feature = "identity-certificate"))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const HEX: &str = "0123456789abcdef0123456789ABCDEF01234567";

    #[test]
    fn thumbprints_as_pasted() {
        let canonical = "0123456789ABCDEF0123456789ABCDEF01234567";
        for pasted in [
            HEX,
            canonical,
            "01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67",
            "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67",
            "\u{200E}0123456789abcdef0123456789abcdef01234567",
            " 0123456789abcdef0123456789abcdef01234567\t",
        ] {
            let thumbprint = Thumbprint::parse(pasted).unwrap_or_else(|| panic!("{pasted:?}"));
            assert_eq!(thumbprint.to_string(), canonical);
        }
        for path in [
            "",
            "/home/site/certs/app.pfx",
            "cert.pfx",
            "C:\\certs\\0123456789abcdef0123456789abcdef01234567.pfx",
            // 39 and 41 digits, and a non-hex digit.
            "0123456789abcdef0123456789abcdef0123456",
            "0123456789abcdef0123456789abcdef012345678",
            "0123456789abcdef0123456789abcdef0123456g",
            // Full-width digits are digits, not hex digits.
            "０123456789abcdef0123456789abcdef01234567",
        ] {
            assert_eq!(Thumbprint::parse(path), None, "{path:?}");
        }
    }

    #[test]
    fn default_directories_follow_home() {
        assert_eq!(
            CertificateDirectory::defaults_for_home(Some("/home/app".into())),
            [
                CertificateDirectory::DotnetCurrentUser(
                    "/home/app/.dotnet/corefx/cryptography/x509stores".into()
                ),
                CertificateDirectory::AppServicePrivate("/var/ssl/private".into()),
            ]
        );
        assert_eq!(
            CertificateDirectory::defaults_for_home(None),
            [CertificateDirectory::AppServicePrivate(
                "/var/ssl/private".into()
            )]
        );
    }

    #[test]
    fn store_settings_are_checked_before_any_file_is_read() {
        let t = Thumbprint::parse(HEX).unwrap();
        let error = find(&t, None, Some("Machine"), &[]).unwrap_err();
        assert_eq!(error.code(), "identity_certificate_store_invalid");
        assert!(error.to_string().contains("clientCertificateStoreLocation"));
        for name in ["../my", "my/..", "..", "."] {
            let error = find(&t, Some(name), None, &[]).unwrap_err();
            assert_eq!(error.code(), "identity_certificate_store_invalid", "{name}");
        }
        // LocalMachine\Root has no directory on Linux: nothing searched.
        let dirs = CertificateDirectory::defaults_for_home(Some("/nonexistent-home".into()));
        let error = find(&t, Some("Root"), Some("localMACHINE"), &dirs).unwrap_err();
        match &error {
            crate::IdentityError::CertificateNotFound {
                store, searched, ..
            } => {
                assert_eq!(store, "LocalMachine\\Root");
                assert!(searched.is_empty());
            }
            other => panic!("{other:?}"),
        }
        // CurrentUser\My: both directories, in order.
        let error = find(&t, None, None, &dirs).unwrap_err();
        let text = error.to_string();
        let dotnet = text
            .find("/nonexistent-home/.dotnet/corefx/cryptography/x509stores/my/0123456789ABCDEF")
            .expect(&text);
        let app_service = text.find("/var/ssl/private/0123456789ABCDEF").expect(&text);
        assert!(dotnet < app_service, "{text}");
        assert!(
            text.contains("'0123456789ABCDEF0123456789ABCDEF01234567'"),
            "{text}"
        );
    }

    /// A thumbprint in lower or upper case, each byte followed by nothing, a space or a colon.
    fn pasted() -> impl Strategy<Value = ([u8; 20], String)> {
        (
            proptest::array::uniform20(any::<u8>()),
            proptest::collection::vec((any::<bool>(), 0..3usize), 20),
            any::<bool>(),
        )
            .prop_map(|(bytes, style, mark)| {
                let mut text = String::new();
                if mark {
                    text.push('\u{200E}');
                }
                for (byte, (upper, separator)) in bytes.iter().zip(style) {
                    let hex = if upper {
                        format!("{byte:02X}")
                    } else {
                        format!("{byte:02x}")
                    };
                    text.push_str(&hex);
                    text.push_str(["", " ", ":"][separator]);
                }
                (bytes, text)
            })
    }

    proptest! {
        #[test]
        fn a_pasted_thumbprint_reads_back_as_its_bytes((bytes, text) in pasted()) {
            let thumbprint = Thumbprint::parse(&text).unwrap();
            prop_assert_eq!(thumbprint.bytes(), &bytes);
            // Its canonical form is 40 upper-case digits and reads back the same.
            let canonical = thumbprint.to_string();
            prop_assert_eq!(canonical.len(), 40);
            prop_assert!(canonical.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
            prop_assert_eq!(Thumbprint::parse(&canonical), Some(thumbprint));
        }

        #[test]
        fn any_text_parses_only_when_it_has_40_hex_digits(text in "\\PC{0,60}") {
            let stripped = text.strip_prefix('\u{200E}').unwrap_or(&text);
            let kept: Vec<char> = stripped
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ':')
                .collect();
            let expected = kept.len() == 40 && kept.iter().all(char::is_ascii_hexdigit);
            prop_assert_eq!(Thumbprint::parse(&text).is_some(), expected);
        }

        #[test]
        fn a_digit_more_or_less_is_not_a_thumbprint((_, text) in pasted(), extra in "[0-9a-f]") {
            let mut longer = text.clone();
            longer.push_str(&extra);
            prop_assert_eq!(Thumbprint::parse(&longer), None);
            let hex_end = text.rfind(|c: char| c.is_ascii_hexdigit()).unwrap();
            let mut shorter = text.clone();
            shorter.remove(hex_end);
            prop_assert_eq!(Thumbprint::parse(&shorter), None);
        }
    }
}
