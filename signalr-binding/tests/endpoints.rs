//! Several endpoints against stand-in services on 127.0.0.1 whose health endpoint can be
//! turned down: negotiate never routes to an endpoint the health check found down, returns to
//! it when it recovers, and every token verifies with its endpoint's key and audience.
//!
//! Run with `cargo test -p signalr-binding --features health-check`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use signalr_binding::{
    BindingContext, BindingError, ConnectionInfoBinding, EndpointType, HealthCheckOptions,
    SignalRConnectionInfo,
};

/// A stand-in SignalR Service: answers `/api/health` with 200 while up, 503 while down.
struct StandIn {
    name: &'static str,
    port: u16,
    key: String,
    up: Arc<AtomicBool>,
}

impl StandIn {
    async fn start(name: &'static str) -> Self {
        let up = Arc::new(AtomicBool::new(true));
        let health = {
            let up = Arc::clone(&up);
            move || {
                let up = up.load(Ordering::SeqCst);
                async move {
                    if up {
                        StatusCode::OK
                    } else {
                        StatusCode::SERVICE_UNAVAILABLE
                    }
                }
            }
        };
        let app = axum::Router::new().route("/api/health", axum::routing::any(health));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            name,
            port,
            key: format!("stand-in-key-of-{name}-0123456789ABCDEFGHIJKLMNOP"),
            up,
        }
    }

    fn connection_string(&self) -> String {
        format!(
            "Endpoint=http://127.0.0.1;Port={};AccessKey={};Version=1.0;",
            self.port, self.key
        )
    }

    fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }
}

/// Two primaries and a secondary: `east` in the binding's own setting, `west` and `backup`
/// in the endpoints section (`backup` in the environment's `__` spelling).
async fn services() -> (Vec<StandIn>, HashMap<String, String>) {
    let services = vec![
        StandIn::start("east").await,
        StandIn::start("west").await,
        StandIn::start("backup").await,
    ];
    let settings = HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            services[0].connection_string(),
        ),
        (
            "Azure:SignalR:Endpoints:west".to_owned(),
            services[1].connection_string(),
        ),
        (
            "Azure__SignalR__Endpoints__backup__secondary".to_owned(),
            services[2].connection_string(),
        ),
    ]);
    (services, settings)
}

/// Which service minted `info`, after checking its token with that service's key and the
/// audience Azure uses (no port).
fn minted_by<'s>(services: &'s [StandIn], info: &SignalRConnectionInfo) -> &'s StandIn {
    let service = services
        .iter()
        .find(|s| info.url == format!("http://127.0.0.1:{}/client/?hub=chat", s.port))
        .unwrap_or_else(|| panic!("unexpected url {}", info.url));
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["http://127.0.0.1/client/?hub=chat"]);
    let key = DecodingKey::from_secret(service.key.as_bytes()).unwrap();
    jsonwebtoken::decode::<serde_json::Value>(&info.access_token, &key, &validation)
        .unwrap_or_else(|e| panic!("token of {} does not verify: {e}", service.name));
    for other in services.iter().filter(|s| s.port != service.port) {
        let key = DecodingKey::from_secret(other.key.as_bytes()).unwrap();
        assert!(
            jsonwebtoken::decode::<serde_json::Value>(&info.access_token, &key, &validation)
                .is_err(),
            "a token of {} verifies with the key of {}",
            service.name,
            other.name
        );
    }
    service
}

/// The services `picks` negotiates were routed to, by name.
fn route_many(
    binding: &ConnectionInfoBinding,
    settings: &HashMap<String, String>,
    services: &[StandIn],
    picks: usize,
) -> HashMap<&'static str, usize> {
    let request = http::Request::get("/negotiate")
        .extension(BindingContext::new().with_settings(settings.clone()))
        .body(())
        .unwrap();
    let mut counts = HashMap::new();
    for _ in 0..picks {
        let info = binding.resolve(&request).unwrap();
        *counts.entry(minted_by(services, &info).name).or_default() += 1;
    }
    counts
}

fn manual_binding() -> ConnectionInfoBinding {
    ConnectionInfoBinding::builder("chat")
        .health_check(
            HealthCheckOptions::new()
                .manual()
                .retries(1, Duration::from_millis(10)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn negotiate_avoids_a_down_endpoint_once_checked_and_returns_when_it_recovers() {
    let (services, settings) = services().await;
    let binding = manual_binding();

    binding.check_endpoints(&settings).await.unwrap();
    let all_up = route_many(&binding, &settings, &services, 400);
    assert_eq!(
        all_up.get("backup"),
        None,
        "a secondary while primaries are online"
    );
    assert!(all_up["east"] > 100 && all_up["west"] > 100, "{all_up:?}");

    services[1].set_up(false);
    binding.check_endpoints(&settings).await.unwrap();
    let west_down = route_many(&binding, &settings, &services, 200);
    assert_eq!(west_down, HashMap::from([("east", 200)]));

    services[0].set_up(false);
    binding.check_endpoints(&settings).await.unwrap();
    let primaries_down = route_many(&binding, &settings, &services, 50);
    assert_eq!(primaries_down, HashMap::from([("backup", 50)]));

    services[2].set_up(false);
    binding.check_endpoints(&settings).await.unwrap();
    let request = http::Request::get("/negotiate")
        .extension(BindingContext::new().with_settings(settings.clone()))
        .body(())
        .unwrap();
    let error = binding.resolve(&request).unwrap_err();
    assert_eq!(error, BindingError::NoEndpointOnline);
    assert_eq!(error.status(), 503);

    services[1].set_up(true);
    binding.check_endpoints(&settings).await.unwrap();
    let west_back = route_many(&binding, &settings, &services, 50);
    assert_eq!(west_back, HashMap::from([("west", 50)]));
}

#[tokio::test]
async fn the_negotiation_lists_every_endpoint_with_its_state_and_a_token_of_its_own() {
    let (services, settings) = services().await;
    let binding = manual_binding();
    services[1].set_up(false);
    binding.check_endpoints(&settings).await.unwrap();

    let request = http::Request::get("/negotiate")
        .extension(BindingContext::new().with_settings(settings.clone()))
        .body(())
        .unwrap();
    let negotiation = binding.negotiate(&request).unwrap();
    let summary: Vec<_> = negotiation
        .endpoints
        .iter()
        .map(|e| {
            let service = minted_by(&services, &e.connection_info);
            assert_eq!(e.endpoint, format!("http://127.0.0.1:{}", service.port));
            (e.name.as_str(), e.endpoint_type, e.online, service.name)
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("", EndpointType::Primary, true, "east"),
            ("backup", EndpointType::Secondary, true, "backup"),
            ("west", EndpointType::Primary, false, "west"),
        ]
    );
}

#[tokio::test]
async fn the_background_check_notices_a_down_endpoint_and_its_recovery() {
    let (services, settings) = services().await;
    let binding = ConnectionInfoBinding::builder("chat")
        .health_check(
            HealthCheckOptions::new()
                .interval(Duration::from_millis(20))
                .retries(0, Duration::ZERO),
        )
        .build()
        .unwrap();
    // The first resolve starts the background check; it never waits for it.
    route_many(&binding, &settings, &services, 1);

    let online = |name: &str| {
        binding
            .endpoints_with(&settings)
            .unwrap()
            .iter()
            .find(|e| e.name() == name)
            .unwrap()
            .online()
    };
    // Waits, bounded, for the background check to record `want`.
    let wait_for = |name: &'static str, want: bool| async move {
        let deadline = Instant::now() + Duration::from_secs(20);
        while online(name) != want {
            assert!(
                Instant::now() < deadline,
                "{name} never became online={want}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };

    services[1].set_up(false);
    wait_for("west", false).await;
    let counts = route_many(&binding, &settings, &services, 100);
    assert_eq!(counts, HashMap::from([("east", 100)]));

    services[1].set_up(true);
    wait_for("west", true).await;
    let counts = route_many(&binding, &settings, &services, 300);
    assert!(counts.get("west").is_some_and(|&n| n > 50), "{counts:?}");
}
