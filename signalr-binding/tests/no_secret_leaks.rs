//! The secret-leak sweep: with a known access key (and a password in an endpoint's user info,
//! and an HMAC id-token secret) in the settings and a known minted token in the requests,
//! nothing the crate prints — `Debug`, `Display`, `BindingError::to_json`, hints — contains any
//! of them, for every public type and every error a request or a configuration can produce.
//!
//! `SignalRConnectionInfo::to_json` is the answer that *carries* the token by design, so it is
//! not swept; its `Debug` is.

use std::collections::HashMap;
use std::fmt::{Debug, Display};
use std::time::{Duration, SystemTime};

use signalr_binding::{
    BindingContext, BindingError, ConfigError, ConnectionInfoBinding, ConnectionString, FixedClock,
    FunctionJsonBinding, IdTokenVerification, Settings,
};

const KEY: &str = "SweepAccessKey0123456789abcdefghijKLMNOP+/=";
const PASSWORD: &str = "EndpointPassw0rdSweep";
const ID_SECRET: &str = "IdTokenHmacSecretSweep123";
const NOW: u64 = 1_700_000_000;

fn settings(connection_string: &str) -> HashMap<String, String> {
    HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            connection_string.to_owned(),
        ),
        ("ID_SECRET".to_owned(), ID_SECRET.to_owned()),
        (
            "BAD_PEM".to_owned(),
            format!("-----BEGIN PUBLIC KEY-----\n{KEY}\n-----END PUBLIC KEY-----"),
        ),
        (
            "BAD_JWKS".to_owned(),
            format!("{{\"keys\":[{{\"kty\":\"oct\",\"k\":\"{KEY}\"}}]}}"),
        ),
    ])
}

fn good() -> String {
    format!(
        "Endpoint=https://user:{PASSWORD}@sweep.service.signalr.net;AccessKey={KEY};Version=1.0"
    )
}

/// Every way a connection string can hold a secret, valid or not.
fn connection_strings() -> Vec<String> {
    vec![
        good(),
        format!(
            "Endpoint=http://localhost;Port=8888;AccessKey={KEY};ClientEndpoint=https://u:{PASSWORD}@client"
        ),
        format!("Endpoint=https://x;AccessKey={KEY};AccessKey={KEY}"),
        format!("AccessKey={KEY};Version=1.0"),
        format!("Endpoint=not a uri;AccessKey={KEY}"),
        format!("Endpoint=ftp://u:{PASSWORD}@x;AccessKey={KEY}"),
        format!("Endpoint=https://x;AccessKey={KEY};Port=99999"),
        format!("Endpoint=https://x;AccessKey={KEY};Version=2.0"),
        format!("Endpoint=https://x;AccessKey={KEY};ClientEndpoint=bad"),
        format!("Endpoint=https://x;AccessKey={KEY};ServerEndpoint=bad"),
        format!("Endpoint=https://x;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret={KEY}"),
        format!("Endpoint=https://x;AuthType=azure.app;ClientSecret={KEY}"),
        format!("Endpoint=https://x;AuthType=aad;ClientSecret={KEY}"),
        format!("Endpoint=https://x;AuthType=nope;ClientSecret={KEY}"),
        format!("Endpoint=https://u:{PASSWORD}@x"),
        format!("{KEY}"),
        format!("Endpoint=https://x;{KEY}"),
    ]
}

#[derive(Default)]
struct Sweep {
    checked: usize,
    token: Option<String>,
}

impl Sweep {
    fn text(&mut self, what: &str, shown: &str) {
        self.checked += 1;
        for secret in [KEY, PASSWORD, ID_SECRET]
            .into_iter()
            .chain(self.token.as_deref())
        {
            assert!(!shown.contains(secret), "{what} shows a secret: {shown}");
        }
        if let Some(token) = &self.token {
            // Not even the signature segment alone.
            let signature = token.rsplit('.').next().unwrap();
            assert!(
                !shown.contains(signature),
                "{what} shows the token's signature: {shown}"
            );
        }
    }

    fn debug(&mut self, what: &str, value: &dyn Debug) {
        self.text(what, &format!("{value:?}"));
        self.text(what, &format!("{value:#?}"));
    }

    fn both(&mut self, what: &str, value: &(impl Debug + Display)) {
        self.debug(what, value);
        self.text(what, &value.to_string());
    }

    fn binding_error(&mut self, what: &str, error: &BindingError) {
        self.both(what, error);
        self.text(what, &error.to_json());
        self.text(what, error.code());
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            self.text(what, &inner.to_string());
            self.text(what, &format!("{inner:?}"));
            source = inner.source();
        }
    }

    fn config_error(&mut self, what: &str, error: &ConfigError) {
        self.both(what, error);
    }
}

fn clock() -> FixedClock {
    FixedClock(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW))
}

/// A token minted with the known key, and the sweep that watches for it.
fn sweep() -> Sweep {
    let binding = ConnectionInfoBinding::builder("chat")
        .user_id("ann")
        .build()
        .unwrap();
    let info = binding
        .resolve_with(None, &settings(&good()), &clock())
        .unwrap();
    Sweep {
        checked: 0,
        token: Some(info.access_token),
    }
}

#[test]
fn connection_strings_and_their_errors_never_show_secrets() {
    let mut sweep = sweep();
    for source in connection_strings() {
        match ConnectionString::parse(&source) {
            Ok(cs) => {
                sweep.both("ConnectionString", &cs);
                sweep.debug("Credential", cs.credential());
                if let Some(key) = cs.access_key() {
                    sweep.debug("AccessKey", key);
                }
                sweep.text("client_base_url", &cs.client_base_url());
                sweep.text("audience_base_url", &cs.audience_base_url());
            }
            Err(error) => {
                sweep.both("ConnectionStringError", &error);
                sweep.text("hint", error.hint());
            }
        }
        // The same value through a binding: the error or the answer's URL and Debug.
        let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
        match binding.resolve_with(None, &settings(&source), &clock()) {
            Ok(info) => {
                sweep.text("url", &info.url);
                sweep.debug("SignalRConnectionInfo", &info);
                let mut again = Sweep {
                    token: Some(info.access_token.clone()),
                    ..Sweep::default()
                };
                again.debug("SignalRConnectionInfo (own token)", &info);
            }
            Err(error) => sweep.binding_error(&source, &error),
        }
        sweep.debug("ConnectionInfoBinding after resolving", &binding);
    }
    assert!(sweep.checked > 50);
}

#[test]
fn every_binding_error_a_request_can_cause_is_clean() {
    let mut sweep = sweep();
    let token = sweep.token.clone().unwrap();
    let context = BindingContext::new()
        .with_settings(settings(&good()))
        .with_clock(clock());
    sweep.debug("BindingContext", &context);

    let request = |uri: &str, headers: &[(&str, &[u8])]| {
        let mut builder = http::Request::builder().uri(uri).extension(context.clone());
        for (name, value) in headers {
            builder = builder.header(*name, http::HeaderValue::from_bytes(value).unwrap());
        }
        builder.body(()).unwrap()
    };
    let bearer = format!("Bearer {token}");
    let long_user = format!("/?u={}", "a".repeat(2000));
    let long_hub = "a".repeat(300);
    // An id token whose copied claim makes the access token longer than 4 KiB.
    let too_long_token = {
        let payload = serde_json::json!({ "x": "x".repeat(4000) }).to_string();
        let payload = base64_simd::URL_SAFE_NO_PAD.encode_to_string(payload);
        format!("e30.{payload}.sig")
    };
    let plain = |b: signalr_binding::ConnectionInfoBindingBuilder| b.build().unwrap();
    let cases: Vec<(ConnectionInfoBinding, http::Request<()>)> = vec![
        (
            plain(ConnectionInfoBinding::builder("chat").user_id("{headers.x-u}")),
            request("/", &[]),
        ),
        (
            plain(ConnectionInfoBinding::builder("chat").user_id("{query.u}")),
            request("/", &[]),
        ),
        (
            plain(ConnectionInfoBinding::builder("chat").user_id("{headers.x-u}")),
            request("/", &[("x-u", b"\xff")]),
        ),
        (
            plain(ConnectionInfoBinding::builder("chat").user_id("{query.u}")),
            request("/?u=%zz", &[]),
        ),
        (
            plain(ConnectionInfoBinding::builder("chat").user_id("%NOT_SET%")),
            request("/", &[]),
        ),
        (
            plain(ConnectionInfoBinding::builder("chat").connection_string_setting("NOT_SET")),
            request("/", &[]),
        ),
        (
            plain(ConnectionInfoBinding::builder("{query.hub}")),
            request(&format!("/?hub=1{long_hub}"), &[]),
        ),
        (
            plain(ConnectionInfoBinding::builder("chat").user_id("{query.u}")),
            request(&long_user, &[]),
        ),
        (
            plain(ConnectionInfoBinding::builder("chat").user_id("{query.u}")),
            request("/?u=a%0Ab", &[]),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .claim_types(["x"]),
            ),
            request("/", &[("authorization", too_long_token.as_bytes())]),
        ),
        // The minted token sent back as an id token, and mangled.
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .claim_types(["x"]),
            ),
            request("/", &[("authorization", format!("{token}.x").as_bytes())]),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .claim_types(["x"]),
            ),
            request(
                "/",
                &[("authorization", token.replace('.', "!").as_bytes())],
            ),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .claim_types(["x"])
                    .verify_id_token(IdTokenVerification::hmac_secret("ID_SECRET")),
            ),
            request("/", &[("authorization", bearer.as_bytes())]),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .verify_id_token(IdTokenVerification::hmac_secret("NOT_SET")),
            ),
            request("/", &[("authorization", bearer.as_bytes())]),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .verify_id_token(IdTokenVerification::rsa_pem("BAD_PEM")),
            ),
            request("/", &[("authorization", bearer.as_bytes())]),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .verify_id_token(IdTokenVerification::ec_pem("BAD_PEM")),
            ),
            request("/", &[("authorization", bearer.as_bytes())]),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .verify_id_token(IdTokenVerification::jwks("BAD_JWKS")),
            ),
            request("/", &[("authorization", bearer.as_bytes())]),
        ),
        (
            plain(
                ConnectionInfoBinding::builder("chat")
                    .id_token("{headers.authorization}")
                    .verify_id_token(
                        IdTokenVerification::hmac_secret("AzureSignalRConnectionString")
                            .algorithms([signalr_binding::JwtAlgorithm::HS512]),
                    ),
            ),
            request("/", &[("authorization", bearer.as_bytes())]),
        ),
    ];
    let mut codes = std::collections::BTreeSet::new();
    for (binding, request) in &cases {
        let error = binding
            .resolve(request)
            .expect_err(&format!("{binding:?} should fail"));
        codes.insert(error.code());
        sweep.binding_error(&format!("{binding:?}"), &error);
        sweep.debug("binding", binding);
        sweep.debug("verification", &binding.id_token_verification());
    }
    // Identity auth and an invalid connection string, through a request.
    for source in [
        format!("Endpoint=https://x;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret={KEY}"),
        format!("Endpoint=bad;AccessKey={KEY}"),
    ] {
        let context = BindingContext::new().with_settings(settings(&source));
        let request = http::Request::builder()
            .extension(context)
            .body(())
            .unwrap();
        let builder = ConnectionInfoBinding::builder("chat");
        // The credential's requests go to a transport that refuses them: nothing leaves.
        #[cfg(feature = "identity")]
        let builder = builder.identity_options(refusing_options());
        let error = builder.build().unwrap().resolve(&request).unwrap_err();
        codes.insert(error.code());
        sweep.binding_error(&source, &error);
    }
    for code in [
        "missing_header",
        "missing_query",
        "invalid_header_value",
        "invalid_query_encoding",
        "unresolved_setting",
        "missing_connection_string",
        "invalid_connection_string",
        #[cfg(not(feature = "identity"))]
        "identity_auth_not_supported",
        "invalid_hub_name",
        "invalid_user_id",
        "malformed_id_token",
        "id_token_algorithm",
        "id_token_signature",
        "missing_verification_key",
        "invalid_verification_key",
        "token_too_long",
    ] {
        assert!(codes.contains(code), "no case produced {code}: {codes:?}");
    }
    // Pending, or refused already if the refusing transport answered first.
    #[cfg(feature = "identity")]
    assert!(
        codes.contains("identity_key_pending") || codes.contains("identity_token_refused"),
        "{codes:?}"
    );
}

#[test]
fn configuration_errors_and_bindings_are_clean() {
    let mut sweep = sweep();
    // A connection string pasted where a setting's name belongs.
    let pasted = good();
    let binding = ConnectionInfoBinding::builder("chat")
        .connection_string_setting(&pasted)
        .build();
    match binding {
        Ok(binding) => {
            sweep.debug("binding with a pasted connection string", &binding);
            let error = binding
                .resolve_with(None, &settings(&good()), &clock())
                .unwrap_err();
            sweep.binding_error("pasted connection string", &error);
        }
        Err(error) => sweep.config_error("pasted connection string", &error),
    }
    for json in [
        format!(
            r#"{{"type":"signalRConnectionInfo","direction":"in","hubName":"chat","connectionStringSetting":"{pasted}"}}"#
        ),
        // Property names and values other than the setting's name are the developer's own
        // text and are echoed so they can be fixed; a key only ends up in the setting's name by
        // pasting the connection string there, which is swept above and here.
        format!(r#"not json {KEY}"#),
    ] {
        match FunctionJsonBinding::parse(&json) {
            Ok(found) => {
                sweep.debug("FunctionJsonBinding", &found);
                if let Err(error) = found
                    .binding
                    .resolve_with(None, &settings(&good()), &clock())
                {
                    sweep.binding_error("function.json binding", &error);
                }
            }
            Err(error) => sweep.config_error(&json, &error),
        }
    }
    for verification in [
        IdTokenVerification::hmac_secret(KEY),
        IdTokenVerification::rsa_pem(format!("-----BEGIN PUBLIC KEY-----{KEY}")),
    ] {
        let error = ConnectionInfoBinding::builder("chat")
            .id_token("{headers.authorization}")
            .verify_id_token(verification)
            .build()
            .unwrap_err();
        sweep.config_error("verification key pasted as a setting name", &error);
    }
    let settings = settings(&good());
    sweep.debug(
        "BindingContext",
        &BindingContext::new().with_settings(settings.clone()),
    );
    assert!(Settings::get(&settings, "AzureSignalRConnectionString").is_some());
}

#[test]
fn several_endpoints_and_their_errors_never_show_secrets() {
    let mut sweep = sweep();
    let binding = ConnectionInfoBinding::builder("chat")
        .multiple_endpoints()
        .build()
        .unwrap();
    for source in connection_strings() {
        let mut settings = settings(&good());
        settings.insert("Azure:SignalR:Endpoints:east:secondary".to_owned(), source);
        match binding.negotiate_with(None, &settings, &clock()) {
            Ok(negotiation) => {
                sweep.debug("SignalRNegotiation", &negotiation);
                for endpoint in binding.endpoints_with(&settings).unwrap() {
                    sweep.debug("ServiceEndpoint", &endpoint);
                    sweep.text("endpoint", endpoint.endpoint());
                    sweep.text("health_url", &endpoint.health_url());
                }
            }
            Err(error) => sweep.binding_error("several endpoints", &error),
        }
        sweep.debug("ConnectionInfoBinding with endpoints", &binding);
    }
    for error in [
        BindingError::NoEndpoints {
            setting: "AzureSignalRConnectionString".into(),
        },
        BindingError::NoPrimaryEndpoint,
        BindingError::NoEndpointOnline,
    ] {
        sweep.binding_error("endpoint error", &error);
    }
    assert!(sweep.checked > 50);
}

/// Identity options whose HTTP transport refuses every request: a credential built with them
/// reaches no network.
#[cfg(feature = "identity")]
fn refusing_options() -> std::sync::Arc<signalr_binding::IdentityOptions> {
    use azure_core::http::{AsyncRawResponse, HttpClient, Request};

    #[derive(Debug)]
    struct Refusing;

    #[async_trait::async_trait]
    impl HttpClient for Refusing {
        async fn execute_request(
            &self,
            _request: &Request,
        ) -> azure_core::Result<AsyncRawResponse> {
            Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                "refused by the test transport",
            ))
        }
    }

    std::sync::Arc::new(signalr_binding::IdentityOptions {
        transport: Some(std::sync::Arc::new(Refusing)),
        attempts: 1,
        attempt_timeout: Duration::from_secs(5),
        first_key_wait: Duration::from_secs(10),
        ..signalr_binding::IdentityOptions::default()
    })
}

/// Identity-based auth: its errors, options and credentials show no client secret, no
/// Entra token and no key.
#[cfg(feature = "identity")]
#[tokio::test]
async fn identity_errors_and_options_never_show_secrets() {
    let mut sweep = sweep();
    let options = refusing_options();
    sweep.debug("identity options", &*options);
    let source = format!(
        "Endpoint=https://sweep.service.signalr.net;AuthType=azure.app;ClientId=c;TenantId=t;ClientSecret={KEY}"
    );
    let connection = ConnectionString::parse(&source).unwrap();
    sweep.both("identity connection string", &connection);
    sweep.debug("identity credential", &connection.credential());
    let binding = ConnectionInfoBinding::builder("chat")
        .identity_options(options)
        .build()
        .unwrap();
    let settings = settings(&source);
    let pending = binding.resolve_with(None, &settings, &clock()).unwrap_err();
    sweep.binding_error("pending", &pending);
    let failed = binding.warm_up(&settings).await.unwrap_err();
    assert_eq!(failed.code(), "identity_token_refused", "{failed}");
    assert!(
        failed.to_string().contains("ClientSecretCredential"),
        "{failed}"
    );
    sweep.binding_error("refused", &failed);
    if let Some(hint) = failed.hint() {
        sweep.text("hint", &hint);
    }
}
