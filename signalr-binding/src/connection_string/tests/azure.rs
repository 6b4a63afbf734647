//! The cases of Azure/azure-signalr's
//! `test/Microsoft.Azure.SignalR.Common.Tests/Auth/ConnectionStringParserTests.cs`.

use super::*;

#[test]
fn azure_invalid_azure_application_needs_secret_or_cert() {
    for s in [
        "endpoint=https://aaa;AuthType=aad;clientId=123;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
        "endpoint=https://aaa;AuthType=azure.app;clientId=123;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
    ] {
        assert_eq!(err(s), ConnectionStringError::MissingClientSecretOrCert);
    }
}

#[test]
fn azure_invalid_client_endpoint() {
    for s in [
        "endpoint=https://aaa;clientEndpoint=aaa;AccessKey=bbb;",
        "endpoint=https://aaa;ClientEndpoint=aaa;AccessKey=bbb;",
    ] {
        assert_eq!(err(s), ConnectionStringError::InvalidClientEndpoint);
    }
}

#[test]
fn azure_invalid_server_endpoint() {
    for s in [
        "endpoint=https://aaa;serverEndpoint=aaa;AccessKey=bbb;",
        "endpoint=https://aaa;ServerEndpoint=aaa;AccessKey=bbb;",
    ] {
        assert_eq!(err(s), ConnectionStringError::InvalidServerEndpoint);
    }
}

#[test]
fn azure_invalid_connection_strings_miss_endpoint() {
    for s in ["Endpoint=xxx", "AccessKey=xxx", "XXX=yyy", "XXX"] {
        assert_eq!(err(s), ConnectionStringError::MissingEndpoint);
    }
}

#[test]
fn azure_invalid_endpoint() {
    for s in [
        "Endpoint=aaa;AccessKey=bbb;",
        "Endpoint=endpoint=aaa;AccessKey=bbb;",
    ] {
        assert_eq!(err(s), ConnectionStringError::InvalidEndpoint);
    }
}

#[test]
fn azure_invalid_port() {
    for s in [
        "Endpoint=https://aaa;AccessKey=bbb;version=1.0;port=2.3",
        "Endpoint=https://aaa;AccessKey=bbb;version=1.1;port=1000000",
        "Endpoint=https://aaa;AccessKey=bbb;version=1.0-preview;port=0",
    ] {
        assert_eq!(err(s), ConnectionStringError::InvalidPort);
    }
}

#[test]
fn azure_invalid_version() {
    for (s, v) in [
        ("Endpoint=https://aaa;AccessKey=bbb;version=abc", "abc"),
        ("Endpoint=https://aaa;AccessKey=bbb;version=1.x", "1.x"),
        ("Endpoint=https://aaa;AccessKey=bbb;version=2.0", "2.0"),
    ] {
        let e = err(s);
        assert_eq!(e.to_string(), format!("Version {v} is not supported."));
    }
}

#[test]
fn azure_application_with_client_secret() {
    for s in [
        "endpoint=https://aaa;AuthType=aad;clientId=foo;clientSecret=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
        "endpoint=https://aaa;AuthType=azure.app;clientId=foo;clientSecret=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
    ] {
        let cs = ok(s);
        assert!(cs.access_key().is_none());
        assert!(cs.version().is_none());
        assert!(cs.client_endpoint().is_none());
        assert!(cs.server_endpoint().is_none());
        let id = identity(s);
        assert_eq!(id.kind(), IdentityKind::ClientSecret);
        assert_eq!(id.tenant_id(), Some(TENANT));
        assert_eq!(id.client_id(), Some("foo"));
        assert_eq!(id.client_secret(), Some("bar"));
        assert_eq!(id.client_cert(), None);
    }
}

#[test]
fn azure_application_with_client_certificate() {
    for s in [
        "endpoint=https://aaa;AuthType=aad;clientId=foo;clientCert=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
        "endpoint=https://aaa;AuthType=azure.app;clientId=foo;clientCert=bar;tenantId=aaaaaaaa-bbbb-bbbb-bbbb-cccccccccccc",
    ] {
        let id = identity(s);
        assert_eq!(id.kind(), IdentityKind::ClientCertificate);
        assert_eq!(id.tenant_id(), Some(TENANT));
        assert_eq!(id.client_id(), Some("foo"));
        assert_eq!(id.client_cert(), Some("bar"));
        // ClientCert is a file whatever it looks like: no certificate store.
        assert!(!id.client_cert_in_store());
        assert_eq!(id.client_cert_store_name(), None);
        assert_eq!(id.client_secret(), None);
    }
}

#[test]
fn azure_client_endpoint_keeps_its_own_port() {
    let cases: [(String, Option<&str>, Option<u16>); 5] = [
        (format!("endpoint=http://aaa;accesskey={KEY}"), None, None),
        (
            format!("endpoint=http://aaa:500;accesskey={KEY}"),
            None,
            None,
        ),
        (
            format!("endpoint=http://aaa:500;accesskey={KEY};port=400"),
            None,
            None,
        ),
        (
            format!("endpoint=http://aaa:500;accesskey={KEY};port=400;clientEndpoint=http://bbb"),
            Some("http://bbb/"),
            Some(80),
        ),
        (
            format!(
                "endpoint=http://aaa:500;accesskey={KEY};port=400;clientEndpoint=http://bbb:500"
            ),
            Some("http://bbb:500/"),
            Some(500),
        ),
    ];
    for (s, expected, port) in cases {
        let cs = ok(&s);
        assert_eq!(cs.client_endpoint().map(Url::as_str), expected, "{s}");
        assert_eq!(
            cs.client_endpoint().and_then(Url::port_or_known_default),
            port
        );
    }
}

#[test]
fn azure_server_endpoint_keeps_its_own_port() {
    let cases: [(String, Option<&str>, Option<u16>); 5] = [
        (format!("endpoint=http://aaa;accesskey={KEY}"), None, None),
        (
            format!("endpoint=http://aaa:500;accesskey={KEY}"),
            None,
            None,
        ),
        (
            format!("endpoint=http://aaa:500;accesskey={KEY};port=400"),
            None,
            None,
        ),
        (
            format!("endpoint=http://aaa:500;accesskey={KEY};port=400;serverEndpoint=http://ccc"),
            Some("http://ccc/"),
            Some(80),
        ),
        (
            format!(
                "endpoint=http://aaa:500;accesskey={KEY};port=400;serverEndpoint=http://ccc:500"
            ),
            Some("http://ccc:500/"),
            Some(500),
        ),
    ];
    for (s, expected, port) in cases {
        let cs = ok(&s);
        assert_eq!(cs.server_endpoint().map(Url::as_str), expected, "{s}");
        assert_eq!(
            cs.server_endpoint().and_then(Url::port_or_known_default),
            port
        );
    }
}

#[test]
fn azure_version_accepted() {
    for (s, v) in [
        (format!("endpoint=http://aaa;accesskey={KEY}"), None),
        (
            format!("endpoint=http://aaa;accesskey={KEY};version=1.0"),
            Some("1.0"),
        ),
        (
            format!("endpoint=http://aaa;accesskey={KEY};version=1.1-preview"),
            Some("1.1-preview"),
        ),
    ] {
        assert_eq!(ok(&s).version(), v);
    }
}

#[test]
fn azure_default_azure_credential_ignores_client_properties() {
    for s in [
        "endpoint=https://aaa;AuthType=azure;clientId=xxxx;",
        "endpoint=https://aaa;AuthType=azure;tenantId=xxxx;",
        "endpoint=https://aaa;AuthType=azure;clientSecret=xxxx;",
    ] {
        let cs = ok(s);
        assert_eq!(cs.endpoint().as_str().trim_end_matches('/'), "https://aaa");
        let id = identity(s);
        assert_eq!(id.auth_type(), AuthType::Azure);
        assert_eq!(id.kind(), IdentityKind::DefaultAzureCredential);
        assert_eq!(
            (
                id.client_id(),
                id.tenant_id(),
                id.client_secret(),
                id.client_cert()
            ),
            (None, None, None, None)
        );
    }
}

#[test]
fn azure_managed_identity() {
    for (s, client_id) in [
        ("endpoint=https://aaa;AuthType=aad;", None),
        (
            "endpoint=https://aaa;AuthType=aad;clientId=123;",
            Some("123"),
        ),
        ("endpoint=https://aaa;AuthType=aad;tenantId=xxxx;", None),
        ("endpoint=https://aaa;AuthType=aad;clientSecret=xxxx;", None),
        ("endpoint=https://aaa;AuthType=azure.msi;", None),
        (
            "endpoint=https://aaa;AuthType=azure.msi;clientId=123;",
            Some("123"),
        ),
    ] {
        let cs = ok(s);
        assert_eq!(cs.endpoint().as_str().trim_end_matches('/'), "https://aaa");
        assert!(cs.client_endpoint().is_none());
        let id = identity(s);
        assert_eq!(id.kind(), IdentityKind::ManagedIdentity, "{s}");
        assert_eq!(id.client_id(), client_id);
        assert_eq!(id.tenant_id(), None);
        assert_eq!(id.client_secret(), None);
    }
}

#[test]
fn azure_ad_with_server_endpoint_access_key_url() {
    for (s, url) in [
        (
            "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo",
            "https://foo/api/v1/auth/accesskey",
        ),
        (
            "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo:123",
            "https://foo:123/api/v1/auth/accesskey",
        ),
        (
            "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo/bar",
            "https://foo/bar/api/v1/auth/accesskey",
        ),
        (
            "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo/bar/",
            "https://foo/bar/api/v1/auth/accesskey",
        ),
        (
            "endpoint=https://aaa;AuthType=aad;serverendpoint=https://foo:123/bar/",
            "https://foo:123/bar/api/v1/auth/accesskey",
        ),
    ] {
        let got = ok(s).access_key_url();
        // Azure compares ignoring case; the SDK writes "accessKey".
        assert!(got.eq_ignore_ascii_case(url), "{got} vs {url}");
        assert!(got.ends_with("/api/v1/auth/accessKey"));
    }
}

#[test]
fn azure_endpoint_end_with_slash() {
    for (s, expected) in [
        (format!("endpoint=http://aaa;accesskey={KEY}"), "http://aaa"),
        (
            format!("endpoint=http://aaa/;accesskey={KEY}"),
            "http://aaa",
        ),
        (
            format!("endpoint=https://aaa;accesskey={KEY}"),
            "https://aaa",
        ),
        (
            format!("endpoint=https://aaa/;accesskey={KEY}"),
            "https://aaa",
        ),
    ] {
        let cs = ok(&s);
        assert_eq!(cs.client_base_url(), expected);
        assert_eq!(cs.endpoint().path(), "/");
    }
}
