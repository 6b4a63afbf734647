//! Identity-based connections against local stand-ins (tests/support): the App Service
//! managed identity endpoint and the service's `/api/v1/auth/accessKey`, both on 127.0.0.1.
//! Nothing here reaches the internet or 169.254.169.254: `support::init` points
//! `IDENTITY_ENDPOINT` at the stand-in and clears every other variable the credentials read.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use signalr_binding::{
    BindingContext, BindingError, ConnectionInfoBinding, IdentityOptions, SignalRConnectionInfo,
    SystemClock,
};
use support::{KeyAnswer, KeyEndpoint, TestClock};

const SETTING: &str = "AzureSignalRConnectionString";
const KEY_1: &str = "FetchedAccessKeyOne0123456789abcdefghijkl";
const KEY_2: &str = "FetchedAccessKeyTwo0123456789abcdefghijkl";
const KEY_3: &str = "FetchedAccessKeyThree123456789abcdefghijk";

fn key(id: &str, key: &str) -> KeyAnswer {
    KeyAnswer::Key {
        id: id.to_owned(),
        key: key.to_owned(),
    }
}

/// Options with short waits, on `clock`.
fn options(clock: &TestClock) -> Arc<IdentityOptions> {
    Arc::new(IdentityOptions {
        first_key_wait: Duration::from_secs(10),
        attempt_timeout: Duration::from_millis(1500),
        attempt_delay: Duration::from_millis(10),
        check_interval: Duration::from_millis(10),
        clock: Arc::new(clock.clone()),
        ..IdentityOptions::default()
    })
}

fn binding(options: &Arc<IdentityOptions>) -> ConnectionInfoBinding {
    ConnectionInfoBinding::builder("Chat")
        .user_id("alice")
        .identity_options(Arc::clone(options))
        .build()
        .unwrap()
}

/// A binding for user `alice` that reads several endpoints, with `options`.
fn several_endpoints_binding(options: &Arc<IdentityOptions>) -> ConnectionInfoBinding {
    ConnectionInfoBinding::builder("chat")
        .user_id("alice")
        .multiple_endpoints()
        .identity_options(Arc::clone(options))
        .build()
        .unwrap()
}

fn settings(connection_string: String) -> HashMap<String, String> {
    HashMap::from([(SETTING.to_owned(), connection_string)])
}

fn msi(endpoint: &KeyEndpoint) -> HashMap<String, String> {
    settings(format!(
        "Endpoint={};AuthType=azure.msi;Version=1.0;",
        endpoint.base()
    ))
}

fn resolve(
    binding: &ConnectionInfoBinding,
    settings: &HashMap<String, String>,
) -> Result<SignalRConnectionInfo, BindingError> {
    binding.resolve_with(None, settings, &SystemClock)
}

/// Checks `token` with jsonwebtoken, knowing only the fetched key and the audience; returns
/// its `kid`.
fn verify(token: &str, key: &str, audience: &str) -> String {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[audience]);
    let claims = jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(key.as_bytes()).unwrap(),
        &validation,
    )
    .unwrap_or_else(|error| panic!("token must verify with the fetched key: {error}"))
    .claims;
    assert_eq!(claims["asrs.s.uid"], "alice");
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

/// Waits (at most 5 s, 10 ms apart) until `done`.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

fn code(error: &BindingError) -> &'static str {
    error.code()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_signed_with_the_fetched_key_and_its_kid() {
    support::init();
    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("key-1", KEY_1));
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings = msi(&endpoint);

    binding.warm_up(&settings).await.unwrap();
    let info = resolve(&binding, &settings).unwrap();
    assert_eq!(info.url, format!("{}/client/?hub=chat", endpoint.base()));
    let kid = verify(
        &info.access_token,
        KEY_1,
        "http://127.0.0.1/client/?hub=chat",
    );
    assert_eq!(kid, "key-1");
    // A token signed with anything else does not verify.
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    assert!(
        jsonwebtoken::decode::<Value>(
            &info.access_token,
            &DecodingKey::from_secret(KEY_2.as_bytes()).unwrap(),
            &validation
        )
        .is_err()
    );
    assert_eq!(endpoint.requests(), 1);
    assert_eq!(binding.key_fetches(&settings).unwrap(), 1);
    assert!(
        support::managed_identity()
            .refusals
            .lock()
            .unwrap()
            .is_empty(),
        "the managed identity stand-in refused a request"
    );
    // Many requests, no more fetches.
    for _ in 0..100 {
        resolve(&binding, &settings).unwrap();
    }
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_assigned_identity_and_a_server_endpoint_with_a_path() {
    support::init();
    let client = "11111111-2222-3333-4444-555555555555";
    let endpoint = KeyEndpoint::start("/private", &support::user_token(client), key("u", KEY_1));
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings = settings(format!(
        "Endpoint=https://chat.service.signalr.net;ServerEndpoint={}/private;AuthType=azure.msi;ClientId={client}",
        endpoint.base()
    ));
    binding.warm_up(&settings).await.unwrap();
    let info = resolve(&binding, &settings).unwrap();
    assert_eq!(
        info.url,
        "https://chat.service.signalr.net/client/?hub=chat"
    );
    verify(
        &info.access_token,
        KEY_1,
        "https://chat.service.signalr.net/client/?hub=chat",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_chain_finds_the_managed_identity() {
    support::init();
    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("chain", KEY_2));
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings = settings(format!("Endpoint={};AuthType=azure", endpoint.base()));
    binding.warm_up(&settings).await.unwrap();
    let info = resolve(&binding, &settings).unwrap();
    assert_eq!(
        verify(
            &info.access_token,
            KEY_2,
            "http://127.0.0.1/client/?hub=chat"
        ),
        "chain"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_functions_identity_settings_name_the_endpoint_and_credential() {
    support::init();
    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("section", KEY_3));
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings: HashMap<String, String> = HashMap::from([
        (format!("{SETTING}__serviceUri"), endpoint.base()),
        (
            format!("{SETTING}__credential"),
            "managedidentity".to_owned(),
        ),
        (
            format!("{SETTING}__clientEndpoint"),
            "https://public.example".to_owned(),
        ),
    ]);
    binding.warm_up(&settings).await.unwrap();
    let info = resolve(&binding, &settings).unwrap();
    assert_eq!(info.url, "https://public.example/client/?hub=chat");
    assert_eq!(
        verify(
            &info.access_token,
            KEY_3,
            "http://127.0.0.1/client/?hub=chat"
        ),
        "section"
    );
    // A connection string wins over the section.
    let mut both = settings.clone();
    both.insert(
        format!("ConnectionStrings:{SETTING}"),
        signalr_binding::EMULATOR_CONNECTION_STRING.to_owned(),
    );
    let info = resolve(&binding, &both).unwrap();
    assert_eq!(info.url, "http://localhost:8888/client/?hub=chat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_answers_503_while_the_first_key_is_fetched() {
    support::init();
    let endpoint = KeyEndpoint::start(
        "",
        support::SYSTEM_TOKEN,
        KeyAnswer::Slow(Duration::from_millis(400), "slow".into(), KEY_1.into()),
    );
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings = msi(&endpoint);
    let error = resolve(&binding, &settings).unwrap_err();
    assert_eq!(code(&error), "identity_key_pending");
    assert_eq!(error.status(), 503);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert!(error.to_string().contains(&endpoint.base()), "{error}");
    assert!(error.hint().unwrap().contains("warm_up"));
    // The async resolve waits for it, without blocking this runtime's threads.
    let mut request = http::Request::new(());
    request
        .extensions_mut()
        .insert(BindingContext::new().with_settings(settings.clone()));
    let info = binding.resolve_async(&request).await.unwrap();
    assert_eq!(
        verify(
            &info.access_token,
            KEY_1,
            "http://127.0.0.1/client/?hub=chat"
        ),
        "slow"
    );
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_first_requests_fetch_once() {
    support::init();
    let endpoint = KeyEndpoint::start(
        "",
        support::SYSTEM_TOKEN,
        KeyAnswer::Slow(Duration::from_millis(200), "once".into(), KEY_2.into()),
    );
    let clock = TestClock::new();
    let binding = Arc::new(binding(&options(&clock)));
    let settings = Arc::new(msi(&endpoint));
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (binding, settings) = (Arc::clone(&binding), Arc::clone(&settings));
        tasks.push(tokio::spawn(async move {
            binding.warm_up(&*settings).await?;
            binding.resolve_with(None, &*settings, &SystemClock)
        }));
    }
    for task in tasks {
        let info = task.await.unwrap().unwrap();
        verify(
            &info.access_token,
            KEY_2,
            "http://127.0.0.1/client/?hub=chat",
        );
    }
    assert_eq!(endpoint.requests(), 1);
    assert_eq!(binding.key_fetches(&*settings).unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_has_its_code_status_and_no_secret() {
    support::init();
    let cases: Vec<(KeyAnswer, &str, u16)> = vec![
        (KeyAnswer::Status(401), "identity_access_denied", 500),
        (KeyAnswer::Status(403), "identity_access_denied", 500),
        (KeyAnswer::Status(404), "identity_endpoint_not_found", 500),
        (KeyAnswer::Status(500), "identity_service_error", 502),
        (KeyAnswer::Status(400), "identity_service_error", 502),
        (KeyAnswer::Malformed, "identity_malformed_answer", 502),
        (KeyAnswer::MissingKeyId, "identity_malformed_answer", 502),
        (
            KeyAnswer::MissingAccessKey,
            "identity_malformed_answer",
            502,
        ),
        (
            KeyAnswer::Slow(Duration::from_secs(3), "late".into(), KEY_1.into()),
            "identity_endpoint_unreachable",
            503,
        ),
    ];
    for (answer, expected, status) in cases {
        let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, answer.clone());
        let clock = TestClock::new();
        let options = Arc::new(IdentityOptions {
            attempt_timeout: Duration::from_millis(300),
            ..(*options(&clock)).clone()
        });
        let binding = binding(&options);
        let settings = msi(&endpoint);
        let error = binding.warm_up(&settings).await.unwrap_err();
        assert_eq!(code(&error), expected, "{answer:?}: {error}");
        assert_eq!(error.status(), status, "{answer:?}");
        // Three attempts per refresh (a slow one may still be counted when its timeout hits).
        assert!(endpoint.requests() >= 1 && endpoint.requests() <= 3);
        let shown = format!("{error} {error:?} {}", error.hint().unwrap_or_default());
        for secret in [
            support::SYSTEM_TOKEN,
            support::IDENTITY_HEADER,
            KEY_1,
            "SomeKey",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        // Requests get the same error at once, and never a token.
        let again = resolve(&binding, &settings).unwrap_err();
        assert_eq!(code(&again), expected);
        match &answer {
            KeyAnswer::Status(403) => {
                assert!(shown.contains("SignalR App Server"), "{shown}");
                assert!(shown.contains("ManagedIdentityCredential"), "{shown}");
                assert!(shown.contains(&endpoint.base()), "{shown}");
            }
            KeyAnswer::MissingKeyId => assert!(shown.contains("Missing required <KeyId> field.")),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_service_and_a_refused_identity() {
    support::init();
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let down = settings(format!(
        "Endpoint=http://{};AuthType=azure.msi",
        support::closed_port()
    ));
    let error = binding.warm_up(&down).await.unwrap_err();
    assert_eq!(code(&error), "identity_endpoint_unreachable");
    assert_eq!(error.status(), 503);

    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("k", KEY_1));
    let unassigned = settings(format!(
        "Endpoint={};AuthType=azure.msi;ClientId={}",
        endpoint.base(),
        support::UNASSIGNED_CLIENT
    ));
    let error = binding.warm_up(&unassigned).await.unwrap_err();
    assert_eq!(code(&error), "identity_token_refused", "{error}");
    assert!(
        error.to_string().contains("ManagedIdentityCredential"),
        "{error}"
    );
    assert_eq!(endpoint.requests(), 0, "no key request without a token");

    // The token of another identity is refused by the service: a 401.
    let wrong = KeyEndpoint::start("", "SomeoneElsesToken", key("k", KEY_1));
    let error = binding.warm_up(&msi(&wrong)).await.unwrap_err();
    assert_eq!(code(&error), "identity_access_denied");
    assert!(wrong.unauthorized.load(std::sync::atomic::Ordering::SeqCst) >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_follows_the_schedule_keeps_the_old_key_then_expires() {
    support::init();
    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("key-1", KEY_1));
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings = msi(&endpoint);
    let audience = "http://127.0.0.1/client/?hub=chat";
    binding.warm_up(&settings).await.unwrap();
    assert_eq!(endpoint.requests(), 1);

    // Before 55 minutes: no refresh.
    clock.advance(Duration::from_secs(54 * 60));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(endpoint.requests(), 1);

    // At 55 minutes the key is refreshed; the rotated key signs from then on.
    endpoint.set(key("key-2", KEY_2));
    clock.advance(Duration::from_secs(60));
    eventually("the scheduled refresh", || {
        let info = resolve(&binding, &settings).unwrap();
        let kid = jsonwebtoken::decode_header(&info.access_token).unwrap().kid;
        kid.as_deref() == Some("key-2") && verify(&info.access_token, KEY_2, audience) == "key-2"
    });
    assert_eq!(endpoint.requests(), 2);

    // A failing refresh keeps the old key while it is under 120 minutes old.
    endpoint.set(KeyAnswer::Status(500));
    clock.advance(Duration::from_secs(55 * 60));
    eventually("three failed attempts", || endpoint.requests() >= 5);
    let info = resolve(&binding, &settings).unwrap();
    assert_eq!(verify(&info.access_token, KEY_2, audience), "key-2");
    // Then every 5 minutes.
    clock.advance(Duration::from_secs(5 * 60));
    eventually("the retry", || endpoint.requests() >= 8);

    // 120 minutes after the last success the key no longer signs.
    clock.advance(Duration::from_secs(61 * 60));
    let error = resolve(&binding, &settings).unwrap_err();
    assert_eq!(code(&error), "identity_key_expired", "{error}");

    // The service answers again: a new key.
    endpoint.set(key("key-3", KEY_3));
    binding.refresh_keys(&settings).await.unwrap();
    let info = resolve(&binding, &settings).unwrap();
    assert_eq!(verify(&info.access_token, KEY_3, audience), "key-3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bindings_with_the_same_endpoint_and_identity_share_one_key() {
    support::init();
    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("shared", KEY_1));
    let clock = TestClock::new();
    let options = options(&clock);
    let (first, second) = (binding(&options), binding(&options));
    let settings = msi(&endpoint);
    first.warm_up(&settings).await.unwrap();
    second.warm_up(&settings).await.unwrap();
    resolve(&second, &settings).unwrap();
    assert_eq!(endpoint.requests(), 1);
}

#[signalr_binding::signalr_connection_info(hub_name = "chat", user_id = "alice")]
async fn negotiate(
    req: http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    Ok(info)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_attribute_handler_waits_for_the_first_key() {
    support::init();
    let endpoint = KeyEndpoint::start(
        "",
        support::SYSTEM_TOKEN,
        KeyAnswer::Slow(Duration::from_millis(300), "attr".into(), KEY_3.into()),
    );
    let mut request = http::Request::new(());
    request
        .extensions_mut()
        .insert(BindingContext::new().with_settings(msi(&endpoint)));
    // The handler's future is Send: it can run on a multi-threaded runtime's task.
    let info = tokio::spawn(negotiate(request)).await.unwrap().unwrap();
    assert_eq!(
        verify(
            &info.access_token,
            KEY_3,
            "http://127.0.0.1/client/?hub=chat"
        ),
        "attr"
    );
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_with_a_client_secret_through_an_entra_stand_in() {
    support::init();
    let (tenant, client, secret) = ("contoso-tenant", "app-client-id", "AppClientSecretValue42");
    let transport = support::EntraTransport::new(tenant, client, secret);
    let endpoint = KeyEndpoint::start("", &transport.token, key("app", KEY_1));
    let clock = TestClock::new();
    let options = Arc::new(IdentityOptions {
        transport: Some(transport.clone()),
        ..(*options(&clock)).clone()
    });
    let binding = binding(&options);
    let good = settings(format!(
        "Endpoint={};AuthType=azure.app;ClientId={client};TenantId={tenant};ClientSecret={secret}",
        endpoint.base()
    ));
    binding.warm_up(&good).await.unwrap();
    let info = resolve(&binding, &good).unwrap();
    assert_eq!(
        verify(
            &info.access_token,
            KEY_1,
            "http://127.0.0.1/client/?hub=chat"
        ),
        "app"
    );
    assert_eq!(transport.token_requests(), 1);

    // A wrong secret: Entra refuses, no key is asked for, and the secret is shown nowhere.
    let wrong_secret = "WrongSecretValue0000";
    let wrong = settings(format!(
        "Endpoint={};AuthType=azure.app;ClientId={client};TenantId={tenant};ClientSecret={wrong_secret}",
        endpoint.base()
    ));
    let error = binding.warm_up(&wrong).await.unwrap_err();
    assert_eq!(code(&error), "identity_token_refused", "{error}");
    assert!(
        error.to_string().contains("ClientSecretCredential"),
        "{error}"
    );
    let shown = format!("{error} {error:?} {}", error.to_json());
    assert!(
        !shown.contains(wrong_secret) && !shown.contains(secret),
        "{shown}"
    );
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_for_the_first_key_is_bounded() {
    support::init();
    let endpoint = KeyEndpoint::start(
        "",
        support::SYSTEM_TOKEN,
        KeyAnswer::Slow(Duration::from_secs(2), "late".into(), KEY_1.into()),
    );
    let clock = TestClock::new();
    let options = Arc::new(IdentityOptions {
        first_key_wait: Duration::from_millis(200),
        attempt_timeout: Duration::from_secs(5),
        ..(*options(&clock)).clone()
    });
    let binding = binding(&options);
    let settings = msi(&endpoint);
    let error = binding.warm_up(&settings).await.unwrap_err();
    assert_eq!(code(&error), "identity_key_timeout", "{error}");
    assert_eq!(error.status(), 503);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    // The fetch went on and its key arrives.
    let mut signed = None;
    for _ in 0..60 {
        if let Ok(info) = resolve(&binding, &settings) {
            signed = Some(info);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let info = signed.expect("the key after the slow answer");
    verify(
        &info.access_token,
        KEY_1,
        "http://127.0.0.1/client/?hub=chat",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_logged_once_per_change_of_state_without_secrets() {
    support::init();
    let logs = support::logs();
    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, KeyAnswer::Status(403));
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings = msi(&endpoint);
    let mine = || {
        logs.lock()
            .unwrap()
            .iter()
            // The binding's lines (azure_core adds DEBUG lines of its own per request).
            .filter(|line| line.contains(&endpoint.base()) && line.contains("identity-based auth"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        code(&binding.warm_up(&settings).await.unwrap_err()),
        "identity_access_denied"
    );
    for _ in 0..50 {
        resolve(&binding, &settings).unwrap_err();
    }
    // The same failure again (a retry 5 minutes later): not logged again.
    clock.advance(Duration::from_secs(5 * 60));
    eventually("the retry", || endpoint.requests() >= 6);
    // Recovery is logged once, then nothing per request.
    endpoint.set(key("back", KEY_1));
    clock.advance(Duration::from_secs(5 * 60));
    eventually("the recovery", || resolve(&binding, &settings).is_ok());
    for _ in 0..50 {
        resolve(&binding, &settings).unwrap();
    }
    let lines = mine();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with("ERROR"), "{lines:#?}");
    assert!(lines[0].contains("identity_access_denied"), "{lines:#?}");
    assert!(lines[0].contains("SignalR App Server"), "{lines:#?}");
    assert!(lines[0].contains("ManagedIdentityCredential"), "{lines:#?}");
    assert!(
        lines[1].starts_with("INFO") && lines[1].contains("recovered"),
        "{lines:#?}"
    );
    // No secret in any line the process logged, azure_identity's included.
    for line in logs.lock().unwrap().iter() {
        for secret in [
            support::SYSTEM_TOKEN,
            support::IDENTITY_HEADER,
            KEY_1,
            KEY_2,
            KEY_3,
            "AppClientSecretValue42",
            "WrongSecretValue0000",
        ] {
            assert!(!line.contains(secret), "{secret} logged: {line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_credential_says_what_it_needs() {
    support::init();
    let clock = TestClock::new();
    let binding = binding(&options(&clock));
    let settings = settings(format!(
        "Endpoint=http://{};AuthType=azure.app;ClientId=c;TenantId=t;ClientCert=/nonexistent/app.pfx",
        support::closed_port()
    ));
    let error = binding.warm_up(&settings).await.unwrap_err();
    #[cfg(not(feature = "identity-certificate"))]
    {
        assert_eq!(code(&error), "identity_certificate_feature_off", "{error}");
        assert!(error.hint().unwrap().contains("identity-certificate"));
    }
    #[cfg(feature = "identity-certificate")]
    {
        assert_eq!(code(&error), "identity_certificate_unreadable", "{error}");
        assert!(
            error.to_string().contains("/nonexistent/app.pfx"),
            "{error}"
        );
    }
    assert_eq!(error.status(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_identity_endpoints_each_sign_with_their_own_key() {
    support::init();
    let east = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("east-key", KEY_1));
    let west = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("west-key", KEY_2));
    let binding = several_endpoints_binding(&options(&TestClock::new()));
    let settings = HashMap::from([
        (
            SETTING.to_owned(),
            format!("Endpoint={};AuthType=azure.msi", east.base()),
        ),
        (
            "Azure:SignalR:Endpoints:west".to_owned(),
            format!("Endpoint={};AuthType=azure", west.base()),
        ),
    ]);
    binding.warm_up(&settings).await.unwrap();
    let negotiation = binding
        .negotiate_with(None, &settings, &SystemClock)
        .unwrap();
    assert_eq!(negotiation.endpoints.len(), 2);
    for endpoint in &negotiation.endpoints {
        let (secret, kid) = if endpoint.name == "west" {
            (KEY_2, "west-key")
        } else {
            (KEY_1, "east-key")
        };
        assert_eq!(
            verify(
                &endpoint.connection_info.access_token,
                secret,
                "http://127.0.0.1/client/?hub=chat"
            ),
            kid
        );
    }
    assert_eq!((east.requests(), west.requests()), (1, 1));
    assert_eq!(binding.key_fetches(&settings).unwrap(), 2);
}

/// An endpoint given as a Functions identity section under `Azure:SignalR:Endpoints`
/// (`<Name>:serviceUri`, `credential`, `type`) signs with the key its identity fetches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_section_in_the_endpoints_signs_with_its_own_key() {
    support::init();
    let east = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("east-key", KEY_1));
    let west = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("west-section-key", KEY_3));
    let binding = several_endpoints_binding(&options(&TestClock::new()));
    let settings = HashMap::from([
        (
            SETTING.to_owned(),
            format!("Endpoint={};AuthType=azure.msi", east.base()),
        ),
        (
            "Azure__SignalR__Endpoints__west__serviceUri".to_owned(),
            west.base(),
        ),
        (
            "Azure__SignalR__Endpoints__west__credential".to_owned(),
            "managedidentity".to_owned(),
        ),
        (
            "Azure__SignalR__Endpoints__west__type".to_owned(),
            "secondary".to_owned(),
        ),
    ]);
    binding.warm_up(&settings).await.unwrap();
    let negotiation = binding
        .negotiate_with(None, &settings, &SystemClock)
        .unwrap();
    let west_info = negotiation
        .endpoints
        .iter()
        .find(|e| e.name == "west")
        .expect("the section's endpoint");
    assert_eq!(
        west_info.endpoint_type,
        signalr_binding::EndpointType::Secondary
    );
    assert_eq!(
        verify(
            &west_info.connection_info.access_token,
            KEY_3,
            "http://127.0.0.1/client/?hub=chat"
        ),
        "west-section-key"
    );
    assert_eq!(west.requests(), 1);
}

/// The REST client signs with the same fetched key as the binding (one fetch for both), with
/// its `kid`, for the audience the REST docs give.
#[cfg(feature = "rest")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_client_signs_with_the_fetched_key() {
    use signalr_binding::rest::{Message, RestClient};

    support::init();
    let endpoint = KeyEndpoint::start("", support::SYSTEM_TOKEN, key("rest-key", KEY_3));
    let clock = TestClock::new();
    let options = options(&clock);
    let settings = msi(&endpoint);
    let binding = binding(&options);
    binding.warm_up(&settings).await.unwrap();

    let client = RestClient::builder("chat")
        .settings(&settings)
        .identity_options(Arc::clone(&options))
        .build()
        .unwrap();
    client
        .send_to_all(&Message::new("hello", ["world"]).unwrap())
        .await
        .unwrap();
    let sends = endpoint.sends.lock().unwrap().clone();
    assert_eq!(sends.len(), 1, "{sends:?}");
    let (method, path, authorization) = &sends[0];
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/api/hubs/chat/:send")
    );
    let token = authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .expect("a bearer token");
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["http://127.0.0.1/api/hubs/chat/:send"]);
    jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(KEY_3.as_bytes()).unwrap(),
        &validation,
    )
    .expect("the REST token verifies with the fetched key and the REST audience");
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.kid.as_deref(), Some("rest-key"));
    assert_eq!(endpoint.requests(), 1, "the binding's key, fetched once");
}
