use super::*;
use proptest::prelude::*;

mod azure;
mod properties;

const KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const TENANT: &str = "aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc";

fn ok(s: &str) -> ConnectionString {
    ConnectionString::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

fn err(s: &str) -> ConnectionStringError {
    match ConnectionString::parse(s) {
        Ok(cs) => panic!("{s:?} should fail, parsed as {cs:?}"),
        Err(e) => e,
    }
}

fn identity(s: &str) -> IdentityCredential {
    match ok(s).credential() {
        Credential::Identity(identity) => identity.clone(),
        other => panic!("{s:?} should use identity auth, got {other:?}"),
    }
}

fn secret(s: &str) -> String {
    ok(s)
        .access_key()
        .expect("an access key")
        .expose_secret()
        .to_owned()
}

// ---- error texts -------------------------------------------------------------------

#[test]
fn every_error_display_is_the_azure_text() {
    use ConnectionStringError as E;
    let cases = [
        (
            E::MissingEndpoint,
            "Connection string missing required properties endpoint.",
        ),
        (
            E::DuplicateProperty { key: "KEY".into() },
            "Duplicate properties found in connection string: KEY.",
        ),
        (
            E::InvalidEndpoint,
            "Invalid value for endpoint property, it must be a valid URI.",
        ),
        (
            E::UnsupportedVersion {
                version: "VALUE".into(),
            },
            "Version VALUE is not supported.",
        ),
        (
            E::InvalidPort,
            "Invalid value for port property, it must be an positive integer between (0, 65536).",
        ),
        (
            E::InvalidClientEndpoint,
            "Invalid value for clientEndpoint property, it must be a valid URI.",
        ),
        (
            E::InvalidServerEndpoint,
            "Invalid value for serverEndpoint property, it must be a valid URI.",
        ),
        (E::MissingAccessKey, "accesskey is required."),
        (
            E::MissingClientId,
            "Connection string missing required properties clientId.",
        ),
        (
            E::MissingTenantId,
            "Connection string missing required properties tenantId.",
        ),
        (
            E::MissingClientSecretOrCert,
            "Connection string missing required properties clientSecret or clientCert.",
        ),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
        assert!(!error.hint().is_empty());
        assert_ne!(error.hint(), text);
    }
}

// ---- splitting rules ---------------------------------------------------------------

#[test]
fn fewer_than_two_pieces_is_missing_endpoint_even_with_a_valid_endpoint() {
    assert_eq!(
        err("Endpoint=https://aaa;"),
        ConnectionStringError::MissingEndpoint
    );
    assert_eq!(
        err(";;Endpoint=https://aaa;;"),
        ConnectionStringError::MissingEndpoint
    );
    assert_eq!(err(""), ConnectionStringError::MissingEndpoint);
    assert_eq!(err(";;;"), ConnectionStringError::MissingEndpoint);
}

#[test]
fn a_blank_piece_counts_as_a_piece() {
    // " " is not empty, so there are two pieces; then the access key is what is missing.
    assert_eq!(
        err("Endpoint=https://aaa; "),
        ConnectionStringError::MissingAccessKey
    );
}

#[test]
fn two_pieces_without_endpoint_is_missing_endpoint() {
    assert_eq!(
        err("AccessKey=x;Version=1.0"),
        ConnectionStringError::MissingEndpoint
    );
    assert_eq!(err("foo;bar"), ConnectionStringError::MissingEndpoint);
}

#[test]
fn pieces_without_equals_are_ignored() {
    assert_eq!(secret("Endpoint=https://aaa;garbage;AccessKey=k;x"), "k");
}

#[test]
fn trailing_and_repeated_semicolons_are_fine() {
    assert_eq!(secret("Endpoint=https://aaa;;AccessKey=k;;;"), "k");
}

#[test]
fn keys_and_values_are_trimmed() {
    let cs = ok(" Endpoint = https://aaa/ ;\tAccessKey =  k \n; Version = 1.0 ; Port = 8443 ");
    assert_eq!(cs.access_key().unwrap().expose_secret(), "k");
    assert_eq!(cs.version(), Some("1.0"));
    assert_eq!(cs.client_base_url(), "https://aaa:8443");
}

#[test]
fn keys_are_case_insensitive() {
    let cs = ok(
        "ENDPOINT=https://aaa;aCcEsSkEy=k;VERSION=1.0;pOrT=81;CLIENTENDPOINT=http://b;SERVERendpoint=http://c",
    );
    assert_eq!(cs.access_key().unwrap().expose_secret(), "k");
    assert_eq!(cs.port(), Some(81));
    assert_eq!(cs.client_base_url(), "http://b");
    assert_eq!(cs.access_key_url(), "http://c/api/v1/auth/accessKey");
    let id =
        identity("endpoint=https://aaa;AUTHTYPE=AZURE.APP;CLIENTID=a;TENANTID=t;CLIENTSECRET=s");
    assert_eq!(id.auth_type(), AuthType::AzureApp);
    assert_eq!(id.client_secret(), Some("s"));
}

#[test]
fn values_may_contain_equals() {
    assert_eq!(
        secret("Endpoint=https://aaa;AccessKey=abc+/def=="),
        "abc+/def=="
    );
    assert_eq!(secret("AccessKey==x=;Endpoint=https://aaa"), "=x=");
    let id = identity(
        "endpoint=https://aaa;AuthType=azure.app;clientId=a;tenantId=t;clientSecret=s=e=c",
    );
    assert_eq!(id.client_secret(), Some("s=e=c"));
}

#[test]
fn duplicate_key_reports_the_later_spelling() {
    assert_eq!(
        err("Endpoint=https://aaa;AccessKey=a;accessKEY=b"),
        ConnectionStringError::DuplicateProperty {
            key: "accessKEY".into()
        }
    );
    assert_eq!(
        err("Endpoint=https://aaa;AccessKey=a;  ACCESSKEY =b").to_string(),
        "Duplicate properties found in connection string: ACCESSKEY."
    );
    // Unknown keys count too, and so does the empty key.
    assert_eq!(
        err("Endpoint=https://aaa;AccessKey=a;x=1;X=2"),
        ConnectionStringError::DuplicateProperty { key: "X".into() }
    );
    assert_eq!(
        err("Endpoint=https://aaa;AccessKey=a;=1; =2"),
        ConnectionStringError::DuplicateProperty { key: "".into() }
    );
}

#[test]
fn duplicate_is_reported_before_a_missing_endpoint() {
    assert_eq!(
        err("AccessKey=a;accesskey=b"),
        ConnectionStringError::DuplicateProperty {
            key: "accesskey".into()
        }
    );
}

// ---- order of checks ---------------------------------------------------------------

#[test]
fn checks_run_in_azure_order() {
    use ConnectionStringError as E;
    let everything_wrong =
        "Endpoint=bad;Version=2.0;Port=0;ClientEndpoint=bad;ServerEndpoint=bad;AuthType=azure.app";
    assert_eq!(err(everything_wrong), E::InvalidEndpoint);
    let s = everything_wrong.replace("Endpoint=bad;Version", "Endpoint=https://a;Version");
    assert_eq!(
        err(&s),
        E::UnsupportedVersion {
            version: "2.0".into()
        }
    );
    let s = s.replace("2.0", "1.0");
    assert_eq!(err(&s), E::InvalidPort);
    let s = s.replace("Port=0", "Port=1");
    assert_eq!(err(&s), E::InvalidClientEndpoint);
    let s = s.replace("ClientEndpoint=bad", "ClientEndpoint=http://b");
    assert_eq!(err(&s), E::InvalidServerEndpoint);
    let s = s.replace("ServerEndpoint=bad", "ServerEndpoint=http://c");
    assert_eq!(err(&s), E::MissingClientId);
    let s = format!("{s};ClientId=c");
    assert_eq!(err(&s), E::MissingTenantId);
    let s = format!("{s};TenantId=t");
    assert_eq!(err(&s), E::MissingClientSecretOrCert);
    ok(&format!("{s};ClientCert=/c.pem"));
}

// ---- Endpoint ----------------------------------------------------------------------

#[test]
fn endpoint_must_be_absolute_http_or_https() {
    for endpoint in [
        "",
        "/",
        "aaa",
        "ftp://aaa",
        "ws://aaa",
        "file:///tmp/x",
        "http://",
        "https:///",
        "http:aaa",
        "mailto:a@b",
        "http://a b",
        "http://aaa:99999",
        "http://aaa\u{1}",
        "//aaa",
    ] {
        assert_eq!(
            err(&format!("Endpoint={endpoint};AccessKey=k")),
            ConnectionStringError::InvalidEndpoint,
            "{endpoint:?}"
        );
    }
    for endpoint in [
        "http://aaa",
        "https://aaa",
        "HTTPS://AAA.example.com",
        "http://[::1]:8080",
        "http://127.0.0.1",
        "https://aaa/path",
    ] {
        ok(&format!("Endpoint={endpoint};AccessKey=k"));
    }
}

#[test]
fn endpoint_trailing_slashes_are_trimmed() {
    let cs = ok("Endpoint=https://aaa/path///;AccessKey=k");
    assert_eq!(cs.endpoint().as_str(), "https://aaa/path");
    assert_eq!(cs.client_base_url(), "https://aaa/path");
    assert_eq!(cs.audience_base_url(), "https://aaa");
}

#[test]
fn endpoint_is_not_itself_an_endpoint_value() {
    assert_eq!(
        err("Endpoint=https://aaa;Endpoint=https://bbb"),
        ConnectionStringError::DuplicateProperty {
            key: "Endpoint".into()
        }
    );
}

// ---- Port --------------------------------------------------------------------------

#[test]
fn port_replaces_the_endpoint_port() {
    let cs = ok("Endpoint=http://aaa:500;Port=400;AccessKey=k");
    assert_eq!(cs.port(), Some(400));
    assert_eq!(cs.endpoint().port(), Some(400));
    assert_eq!(cs.client_base_url(), "http://aaa:400");
    assert_eq!(cs.audience_base_url(), "http://aaa");
    assert_eq!(cs.access_key_url(), "http://aaa:400/api/v1/auth/accessKey");
}

#[test]
fn default_port_is_not_written() {
    let cs = ok("Endpoint=https://aaa;Port=443;AccessKey=k");
    assert_eq!(cs.port(), Some(443));
    assert_eq!(cs.client_base_url(), "https://aaa");
    let cs = ok("Endpoint=https://aaa:443;AccessKey=k");
    assert_eq!(cs.client_base_url(), "https://aaa");
    let cs = ok("Endpoint=http://aaa:8080;Port=80;AccessKey=k");
    assert_eq!(cs.client_base_url(), "http://aaa");
    let cs = ok("Endpoint=https://aaa;Port=80;AccessKey=k");
    assert_eq!(cs.client_base_url(), "https://aaa:80");
}

#[test]
fn port_does_not_apply_to_client_endpoint() {
    let cs = ok("Endpoint=https://aaa;Port=8443;ClientEndpoint=https://bbb;AccessKey=k");
    assert_eq!(cs.client_base_url(), "https://bbb");
    assert_eq!(cs.audience_base_url(), "https://aaa");
    let cs = ok("Endpoint=https://aaa;Port=8443;ClientEndpoint=https://bbb:9443/x/;AccessKey=k");
    assert_eq!(cs.client_base_url(), "https://bbb:9443/x");
}

#[test]
fn port_accepts_what_dotnet_int_parse_accepts() {
    for (p, expected) in [
        ("1", 1),
        ("65535", 65535),
        ("+400", 400),
        ("0400", 400),
        (" 400 ", 400),
    ] {
        assert_eq!(
            ok(&format!("Endpoint=http://aaa;AccessKey=k;Port={p}")).port(),
            Some(expected)
        );
    }
    for p in [
        "",
        "0",
        "-1",
        "-0",
        "65536",
        "1000000",
        "2.3",
        "abc",
        "4 00",
        "0x50",
        "+",
        "99999999999",
    ] {
        assert_eq!(
            err(&format!("Endpoint=http://aaa;AccessKey=k;Port={p}")),
            ConnectionStringError::InvalidPort,
            "{p:?}"
        );
    }
}

// ---- Version -----------------------------------------------------------------------

#[test]
fn version_pattern() {
    for v in [
        "1.0",
        "1.1-preview",
        "1.10",
        "1.0.0",
        "1.0.0-beta.1",
        "1.0_x",
        "1.0-",
        "1.0..",
    ] {
        assert_eq!(
            ok(&format!("Endpoint=http://aaa;AccessKey=k;Version={v}")).version(),
            Some(v)
        );
    }
    for v in [
        "", "1", "1.", "1.x", "1.-", "1..0", "01.0", "2.0", "abc", "1.0 beta", "1.0+b", "1.0/",
        " 1.0x!",
    ] {
        let e = err(&format!("Endpoint=http://aaa;AccessKey=k;Version={v}"));
        assert_eq!(
            e,
            ConnectionStringError::UnsupportedVersion {
                version: v.trim().to_owned()
            },
            "{v:?}"
        );
    }
    assert_eq!(
        err("Endpoint=http://aaa;AccessKey=k;Version=").to_string(),
        "Version  is not supported."
    );
}

// ---- ClientEndpoint / ServerEndpoint -----------------------------------------------

#[test]
fn client_and_server_endpoints_must_be_http_uris() {
    for v in ["", "aaa", "ftp://x", "http://", "http:x"] {
        assert_eq!(
            err(&format!(
                "Endpoint=http://aaa;AccessKey=k;ClientEndpoint={v}"
            )),
            ConnectionStringError::InvalidClientEndpoint
        );
        assert_eq!(
            err(&format!(
                "Endpoint=http://aaa;AccessKey=k;ServerEndpoint={v}"
            )),
            ConnectionStringError::InvalidServerEndpoint
        );
    }
}

#[test]
fn client_endpoint_is_never_the_audience() {
    let cs = ok(
        "Endpoint=https://aaa.service.signalr.net;ClientEndpoint=https://proxy.example.com/signalr/;AccessKey=k",
    );
    assert_eq!(cs.client_base_url(), "https://proxy.example.com/signalr");
    assert_eq!(cs.audience_base_url(), "https://aaa.service.signalr.net");
    assert_eq!(
        cs.client_endpoint().unwrap().as_str(),
        "https://proxy.example.com/signalr/"
    );
}

#[test]
fn audience_drops_port_and_path_and_keeps_ipv6_brackets() {
    let cs = ok("Endpoint=http://[::1]:8080/a/b;AccessKey=k");
    assert_eq!(cs.audience_base_url(), "http://[::1]");
    assert_eq!(cs.client_base_url(), "http://[::1]:8080/a/b");
}

#[test]
fn base_urls_leave_out_query_fragment_and_user_info() {
    let cs = ok("Endpoint=https://user:pw@aaa/p?x=1#f;AccessKey=k");
    assert_eq!(cs.client_base_url(), "https://aaa/p");
    assert_eq!(cs.audience_base_url(), "https://aaa");
    assert_eq!(cs.access_key_url(), "https://aaa/p/api/v1/auth/accessKey");
}

#[test]
fn access_key_url_uses_endpoint_with_port_without_server_endpoint() {
    let cs = ok("Endpoint=https://aaa/;AuthType=azure.msi;Port=8443");
    assert_eq!(
        cs.access_key_url(),
        "https://aaa:8443/api/v1/auth/accessKey"
    );
}

// ---- credentials -------------------------------------------------------------------

#[test]
fn access_key_is_required_without_identity_auth_type() {
    use ConnectionStringError as E;
    assert_eq!(err("Endpoint=https://aaa;Version=1.0"), E::MissingAccessKey);
    assert_eq!(err("Endpoint=https://aaa;AccessKey="), E::MissingAccessKey);
    assert_eq!(
        err("Endpoint=https://aaa;AccessKey=  "),
        E::MissingAccessKey
    );
    assert_eq!(
        err("Endpoint=https://aaa;AuthType=foo"),
        E::MissingAccessKey
    );
    assert_eq!(err("Endpoint=https://aaa;AuthType="), E::MissingAccessKey);
    assert_eq!(secret("Endpoint=https://aaa;AuthType=foo;AccessKey=k"), "k");
}

#[test]
fn auth_type_is_case_insensitive() {
    for (t, expected) in [
        ("AAD", AuthType::Aad),
        ("Azure", AuthType::Azure),
        ("AZURE.MSI", AuthType::AzureMsi),
        ("Azure.App", AuthType::AzureApp),
        (" azure ", AuthType::Azure),
        // .NET's ToLower maps U+0130 to 'i'.
        ("azure.ms\u{130}", AuthType::AzureMsi),
    ] {
        let id = identity(&format!(
            "Endpoint=https://aaa;AuthType={t};ClientId=c;TenantId=t;ClientSecret=s"
        ));
        assert_eq!(id.auth_type(), expected, "{t:?}");
    }
}

#[test]
fn identity_auth_type_ignores_an_access_key() {
    let id = identity("Endpoint=https://aaa;AuthType=aad;AccessKey=k");
    assert_eq!(id.kind(), IdentityKind::ManagedIdentity);
}

#[test]
fn azure_app_requires_client_id_then_tenant_id() {
    assert_eq!(
        err("Endpoint=https://aaa;AuthType=azure.app;TenantId=t;ClientSecret=s"),
        ConnectionStringError::MissingClientId
    );
    assert_eq!(
        err("Endpoint=https://aaa;AuthType=azure.app;ClientId=c;ClientSecret=s"),
        ConnectionStringError::MissingTenantId
    );
}

#[test]
fn aad_with_client_id_but_no_tenant_is_managed_identity() {
    let id = identity("Endpoint=https://aaa;AuthType=aad;ClientId=c;ClientSecret=s");
    assert_eq!(id.kind(), IdentityKind::ManagedIdentity);
    assert_eq!(id.client_id(), Some("c"));
    assert_eq!(id.client_secret(), None);
}

#[test]
fn client_secret_wins_over_client_cert() {
    let id = identity(
        "Endpoint=https://aaa;AuthType=azure.app;ClientId=c;TenantId=t;ClientCert=/p;ClientSecret=s",
    );
    assert_eq!(id.kind(), IdentityKind::ClientSecret);
    assert_eq!(id.client_cert(), None);
}

// ---- emulator ----------------------------------------------------------------------

#[test]
fn emulator_connection_string() {
    let cs = ok(EMULATOR_CONNECTION_STRING);
    assert_eq!(cs.client_base_url(), "http://localhost:8888");
    assert_eq!(cs.audience_base_url(), "http://localhost");
    assert_eq!(cs.port(), Some(8888));
    assert_eq!(cs.version(), Some("1.0"));
    assert_eq!(
        cs.access_key().unwrap().expose_secret(),
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH"
    );
    let via_from_str: ConnectionString = EMULATOR_CONNECTION_STRING.parse().unwrap();
    assert_eq!(via_from_str.endpoint(), cs.endpoint());
}

// ---- redaction ---------------------------------------------------------------------

#[test]
fn secrets_are_absent_from_debug_and_display() {
    let key = "S3cr3tKeyValue+/==";
    let cs = ok(&format!(
        "Endpoint=https://user:pa55word@aaa;AccessKey={key};Version=1.0"
    ));
    let shown = format!("{cs} {cs:?} {:?} {:?}", cs.credential(), cs.access_key());
    assert!(!shown.contains(key), "{shown}");
    assert!(!shown.contains("pa55word"), "{shown}");
    assert!(shown.contains("***"));
    assert_eq!(format!("{:?}", cs.access_key().unwrap()), "AccessKey(***)");
    assert_eq!(
        cs.to_string(),
        "Endpoint=https://aaa;Version=1.0;AccessKey=***"
    );

    let cs =
        ok("Endpoint=https://aaa;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret=TopSecret=");
    let shown = format!("{cs} {cs:?} {:?}", cs.credential());
    assert!(!shown.contains("TopSecret"), "{shown}");
    assert_eq!(
        cs.to_string(),
        "Endpoint=https://aaa;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret=***"
    );
}

#[test]
fn display_parses_back_to_the_same_endpoints() {
    let cs = ok(
        "Endpoint=https://aaa/x/;Port=8443;ClientEndpoint=http://b;ServerEndpoint=http://c:81;AccessKey=k;Version=1.1",
    );
    let shown = cs.to_string();
    assert_eq!(
        shown,
        "Endpoint=https://aaa:8443/x;ClientEndpoint=http://b;ServerEndpoint=http://c:81;Version=1.1;AccessKey=***"
    );
    let back = ok(&shown);
    assert_eq!(back.client_base_url(), cs.client_base_url());
    assert_eq!(back.audience_base_url(), cs.audience_base_url());
    assert_eq!(back.access_key_url(), cs.access_key_url());
}

#[test]
fn errors_never_carry_secrets() {
    let key = "S3cr3tKeyValue";
    for s in [
        format!("Endpoint=bad;AccessKey={key}"),
        format!("Endpoint=https://aaa;AccessKey={key};Port=x"),
        format!("Endpoint=https://aaa;AccessKey={key};Version=9"),
        format!("Endpoint=https://aaa;AccessKey={key};AccessKey={key}"),
        format!("AccessKey={key}"),
        format!("Endpoint=https://aaa;AuthType=azure.app;ClientId=c;ClientSecret={key}"),
    ] {
        let e = err(&s);
        let shown = format!("{e} {e:?} {}", e.hint());
        assert!(!shown.contains(key), "{shown}");
    }
}
