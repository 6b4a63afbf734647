use std::collections::{BTreeMap, HashMap};

use super::router::route_default;
use super::*;
use crate::connection_string::ConnectionStringError;
use crate::{ConnectionInfoBinding, DefaultRouter, FixedClock, SystemClock};

const OWN: &str = "AzureSignalRConnectionString";

fn cs(host: &str) -> String {
    format!("Endpoint=https://{host};AccessKey=key-of-{host};Version=1.0;")
}

fn binding() -> ConnectionInfoBinding {
    ConnectionInfoBinding::builder("chat")
        .multiple_endpoints()
        .build()
        .unwrap()
}

fn endpoints(settings: &[(&str, String)]) -> Result<Vec<ServiceEndpoint>, BindingError> {
    let settings: HashMap<String, String> = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    binding().endpoints_with(&settings)
}

fn summary(endpoints: &[ServiceEndpoint]) -> Vec<(String, EndpointType, String)> {
    endpoints
        .iter()
        .map(|e| {
            (
                e.name().to_owned(),
                e.endpoint_type(),
                e.endpoint().to_owned(),
            )
        })
        .collect()
}

use EndpointType::{Primary, Secondary};

#[test]
fn every_form_of_the_settings_layout_is_read() {
    let found = endpoints(&[
        (OWN, cs("own.service.signalr.net")),
        (
            "Azure:SignalR:Endpoints:east",
            cs("east.service.signalr.net"),
        ),
        (
            "Azure:SignalR:Endpoints:north:primary",
            cs("north.service.signalr.net"),
        ),
        (
            "Azure:SignalR:Endpoints:west:Secondary",
            cs("west.service.signalr.net"),
        ),
        (
            "Azure__SignalR__Endpoints__south__secondary",
            cs("south.service.signalr.net"),
        ),
        (
            "azure__signalr__endpoints__Central",
            cs("central.service.signalr.net:444"),
        ),
    ])
    .unwrap();
    assert_eq!(
        summary(&found),
        [
            ("".into(), Primary, "https://own.service.signalr.net".into()),
            (
                "Central".into(),
                Primary,
                "https://central.service.signalr.net:444".into()
            ),
            (
                "east".into(),
                Primary,
                "https://east.service.signalr.net".into()
            ),
            (
                "north".into(),
                Primary,
                "https://north.service.signalr.net".into()
            ),
            (
                "south".into(),
                Secondary,
                "https://south.service.signalr.net".into()
            ),
            (
                "west".into(),
                Secondary,
                "https://west.service.signalr.net".into()
            ),
        ]
    );
    assert_eq!(found[2].setting(), "Azure:SignalR:Endpoints:east");
    assert!(found.iter().all(ServiceEndpoint::online));
}

#[test]
fn only_the_section_or_only_the_own_setting_is_enough() {
    let only_named = endpoints(&[("Azure:SignalR:Endpoints:east", cs("east"))]).unwrap();
    assert_eq!(
        summary(&only_named),
        [("east".into(), Primary, "https://east".into())]
    );
    let only_own = endpoints(&[(OWN, cs("own"))]).unwrap();
    assert_eq!(
        summary(&only_own),
        [("".into(), Primary, "https://own".into())]
    );
}

#[test]
fn the_own_connection_string_is_read_where_a_single_one_is() {
    // `ConnectionStrings:K` (the environment's `ConnectionStrings__K`), App Service's
    // `CUSTOMCONNSTR_K`, then `K`: the first set wins, as with one endpoint.
    for name in [
        format!("ConnectionStrings:{OWN}"),
        format!("ConnectionStrings__{OWN}"),
        format!("CUSTOMCONNSTR_{OWN}"),
    ] {
        let found = endpoints(&[
            (&name, cs("portal")),
            (OWN, cs("own")),
            ("Azure:SignalR:Endpoints:east", cs("east")),
        ])
        .unwrap();
        assert_eq!(
            summary(&found),
            [
                ("".into(), Primary, "https://portal".into()),
                ("east".into(), Primary, "https://east".into()),
            ],
            "{name}"
        );
        assert_eq!(found[0].setting(), OWN, "{name}");
    }

    // A change of the value found first is picked up.
    let binding = binding();
    let portal = format!("CUSTOMCONNSTR_{OWN}");
    let mut settings = HashMap::from([(portal.clone(), cs("portal"))]);
    assert_eq!(
        binding.endpoints_with(&settings).unwrap()[0].endpoint(),
        "https://portal"
    );
    settings.insert(portal, cs("moved"));
    assert_eq!(
        binding.endpoints_with(&settings).unwrap()[0].endpoint(),
        "https://moved"
    );
}

#[test]
fn unknown_types_and_empty_values_are_not_endpoints() {
    let found = endpoints(&[
        ("Azure:SignalR:Endpoints:east", cs("east")),
        (
            "Azure:SignalR:Endpoints:id:clientId",
            "no serviceUri, no endpoint".into(),
        ),
        ("Azure:SignalR:Endpoints:x:tertiary", cs("x")),
        ("Azure:SignalR:Endpoints:y:primary:more", cs("y")),
        ("Azure:SignalR:Endpoints:empty", "  ".into()),
        ("Azure:SignalR:Endpoints:", cs("noname")),
        ("Azure:SignalR:EndpointsX", cs("other")),
    ])
    .unwrap();
    assert_eq!(
        summary(&found),
        [("east".into(), Primary, "https://east".into())]
    );
}

#[test]
fn identity_sections_are_identity_endpoints_of_their_type() {
    let found = endpoints(&[
        ("Azure:SignalR:Endpoints:east", cs("east")),
        // An identity section in the environment's spelling, Secondary by its `type`.
        (
            "Azure__SignalR__Endpoints__west__serviceUri",
            "https://west".into(),
        ),
        ("Azure__SignalR__Endpoints__west__type", "Secondary".into()),
        (
            "Azure__SignalR__Endpoints__west__credential",
            "managedidentity".into(),
        ),
        // A connection-string form under an identity section's name is ignored.
        ("Azure:SignalR:Endpoints:north", cs("north-ignored")),
        (
            "Azure:SignalR:Endpoints:north:serviceUri",
            "https://north".into(),
        ),
    ])
    .unwrap();
    assert_eq!(
        summary(&found),
        [
            ("east".into(), Primary, "https://east".into()),
            ("north".into(), Primary, "https://north".into()),
            ("west".into(), Secondary, "https://west".into()),
        ]
    );
    let west = found[2].connection_string().credential();
    let identity = west.identity().expect("an identity-based endpoint");
    assert_eq!(identity.kind(), crate::IdentityKind::ManagedIdentity);
    assert!(
        found[0]
            .connection_string()
            .credential()
            .identity()
            .is_none()
    );
}

#[test]
fn the_own_setting_may_be_an_identity_section() {
    let found = endpoints(&[
        (
            "AzureSignalRConnectionString:serviceUri",
            "https://own".into(),
        ),
        ("Azure:SignalR:Endpoints:b", cs("b")),
    ])
    .unwrap();
    assert_eq!(
        summary(&found),
        [
            ("".into(), Primary, "https://own".into()),
            ("b".into(), Primary, "https://b".into()),
        ]
    );

    // Its `type` applies as a named section's does (the extension's OptionsSetup reads the
    // unnamed identity endpoint with the same TryGetEndpointFromIdentity).
    let found = endpoints(&[
        (
            "AzureSignalRConnectionString__serviceUri",
            "https://own".into(),
        ),
        ("AzureSignalRConnectionString__type", "secondary".into()),
        ("Azure:SignalR:Endpoints:b", cs("b")),
    ])
    .unwrap();
    assert_eq!(
        summary(&found),
        [
            ("".into(), Secondary, "https://own".into()),
            ("b".into(), Primary, "https://b".into()),
        ]
    );
}

#[test]
fn an_identity_section_is_read_once_and_a_change_of_any_key_is_picked_up() {
    let mut binding = binding();
    let mut settings = BTreeMap::from([
        (OWN.to_owned(), cs("a")),
        (
            "Azure:SignalR:Endpoints:id:serviceUri".to_owned(),
            "https://id".to_owned(),
        ),
        (
            "Azure:SignalR:Endpoints:id:credential".to_owned(),
            "managedidentity".to_owned(),
        ),
        (
            "Azure:SignalR:Endpoints:id:clientId".to_owned(),
            "first".to_owned(),
        ),
        // Ignored beside the section, and not a change on every request.
        ("Azure:SignalR:Endpoints:id".to_owned(), cs("ignored")),
    ]);
    let endpoints = binding.endpoints_mut();
    let first = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    let again = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "unchanged settings, the same set"
    );
    assert_eq!(first.endpoints.len(), 2);
    settings.insert(
        "Azure:SignalR:Endpoints:id:clientId".to_owned(),
        "second".to_owned(),
    );
    let changed = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(
        !Arc::ptr_eq(&first, &changed),
        "a changed clientId is picked up"
    );
    let identity = changed.endpoints[1].connection_string().credential();
    assert_eq!(identity.identity().unwrap().client_id(), Some("second"));
    settings.insert(
        "Azure:SignalR:Endpoints:other:serviceUri".to_owned(),
        "https://other".to_owned(),
    );
    let added = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert_eq!(added.endpoints.len(), 3, "a new section is picked up");
}

#[test]
fn duplicates_by_scheme_host_and_port_keep_a_primary_first() {
    let found = endpoints(&[
        (OWN, cs("a")),
        // The same service as the own setting, written differently.
        (
            "Azure:SignalR:Endpoints:a2",
            "Endpoint=https://A:443/;AccessKey=k2".into(),
        ),
        ("Azure:SignalR:Endpoints:b:secondary", cs("b")),
        (
            "Azure:SignalR:Endpoints:c",
            "Endpoint=https://b;AccessKey=k3".into(),
        ),
        // Another port is another service.
        (
            "Azure:SignalR:Endpoints:d",
            "Endpoint=https://a;Port=8443;AccessKey=k".into(),
        ),
        // Another scheme too.
        (
            "Azure:SignalR:Endpoints:e",
            "Endpoint=http://a;AccessKey=k".into(),
        ),
    ])
    .unwrap();
    assert_eq!(
        summary(&found),
        [
            ("".into(), Primary, "https://a".into()),
            ("c".into(), Primary, "https://b".into()),
            ("d".into(), Primary, "https://a:8443".into()),
            ("e".into(), Primary, "http://a".into()),
        ]
    );
}

#[test]
fn none_or_no_primary_is_a_configuration_error() {
    let none = endpoints(&[("Unrelated", cs("a"))]).unwrap_err();
    assert_eq!(
        none,
        BindingError::NoEndpoints {
            setting: OWN.into()
        }
    );
    assert_eq!(none.status(), 500);
    assert!(none.to_string().contains(OWN), "{none}");
    let no_primary = endpoints(&[("Azure:SignalR:Endpoints:b:secondary", cs("b"))]).unwrap_err();
    assert_eq!(no_primary, BindingError::NoPrimaryEndpoint);
    assert_eq!(no_primary.code(), "no_primary_endpoint");
}

#[test]
fn a_bad_value_names_its_setting_and_never_the_key() {
    let error = endpoints(&[
        (OWN, cs("a")),
        (
            "Azure:SignalR:Endpoints:east:secondary",
            "Endpoint=ftp://x;AccessKey=SECRET".into(),
        ),
    ])
    .unwrap_err();
    assert_eq!(
        error,
        BindingError::InvalidConnectionString {
            setting: "Azure:SignalR:Endpoints:east:secondary".into(),
            reason: ConnectionStringError::InvalidEndpoint,
        }
    );
    assert!(
        error
            .to_string()
            .contains("Azure:SignalR:Endpoints:east:secondary")
    );
    assert!(!error.to_string().contains("SECRET"));
    let own = endpoints(&[(OWN, "AccessKey=SECRET;x=y".into())]).unwrap_err();
    assert!(matches!(own, BindingError::InvalidConnectionString { setting, .. } if setting == OWN));
}

#[test]
fn settings_are_read_once_per_distinct_set_of_values_and_a_change_is_picked_up() {
    let mut binding = binding();
    let mut settings = BTreeMap::from([
        (OWN.to_owned(), cs("a")),
        ("Azure:SignalR:Endpoints:b".to_owned(), cs("b")),
    ]);
    let endpoints = binding.endpoints_mut();
    let first = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    let again = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    first.endpoints[1].set_online(false);
    settings.insert("Azure:SignalR:Endpoints:c:secondary".to_owned(), cs("c"));
    let changed = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(!Arc::ptr_eq(&first, &changed));
    assert_eq!(changed.endpoints.len(), 3);
    assert!(
        !changed.endpoints[1].online(),
        "a kept service keeps its state"
    );
    assert!(changed.endpoints[2].online());
}

/// Settings that change under a shared reference, with a section revision changed by hand.
struct Revised {
    settings: std::sync::Mutex<BTreeMap<String, String>>,
    revision: std::sync::Mutex<crate::SectionRevision>,
}

impl Revised {
    fn new(settings: &[(&str, String)]) -> Self {
        let settings = settings
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        Self {
            settings: std::sync::Mutex::new(settings),
            revision: std::sync::Mutex::new(crate::SectionRevision::unique()),
        }
    }

    fn set(&self, name: &str, value: String) {
        self.settings.lock().unwrap().insert(name.to_owned(), value);
    }

    fn revise(&self) {
        *self.revision.lock().unwrap() = crate::SectionRevision::unique();
    }
}

impl Settings for Revised {
    fn get(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let value = self.settings.lock().unwrap().get(name).cloned();
        value.map(std::borrow::Cow::Owned)
    }

    fn for_each_with_prefix(&self, prefix: &str, visit: &mut dyn FnMut(&str, &str)) {
        self.settings
            .lock()
            .unwrap()
            .for_each_with_prefix(prefix, visit);
    }

    fn section_revision(&self, _: &str) -> Option<crate::SectionRevision> {
        Some(*self.revision.lock().unwrap())
    }
}

#[test]
fn a_section_is_compared_again_only_when_its_revision_changes() {
    let mut binding = binding();
    let settings = Revised::new(&[(OWN, cs("a")), ("Azure:SignalR:Endpoints:b", cs("b"))]);
    let endpoints = binding.endpoints_mut();
    let hosts = |set: &EndpointSet| -> Vec<String> {
        set.endpoints
            .iter()
            .map(|e| e.endpoint().to_owned())
            .collect()
    };
    let first = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    // The first comparison records the revision; the second skips the section.
    let again = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(Arc::ptr_eq(&first, &again));

    // The source broke its promise: a changed section under the same revision is not seen.
    settings.set("Azure:SignalR:Endpoints:b", cs("b2"));
    let held = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(Arc::ptr_eq(&first, &held), "the section was compared again");

    // The own setting is read on every request, whatever the section's revision.
    settings.set(OWN, cs("a2"));
    let own = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert_eq!(hosts(&own), ["https://a2", "https://b2"]);

    // A new revision is compared, and picks up the change.
    settings.set("Azure:SignalR:Endpoints:b", cs("b3"));
    let held = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(Arc::ptr_eq(&own, &held));
    settings.revise();
    let revised = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert_eq!(hosts(&revised), ["https://a2", "https://b3"]);
}

#[test]
fn an_identity_section_is_checked_whatever_the_sections_revision() {
    let mut binding = binding();
    let settings = Revised::new(&[
        (OWN, cs("a")),
        (
            "Azure:SignalR:Endpoints:id:serviceUri",
            "https://id.service.signalr.net".to_owned(),
        ),
    ]);
    let endpoints = binding.endpoints_mut();
    let first = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    let again = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    // Read through `get` as the identity settings are: seen at once.
    settings.set(
        "Azure:SignalR:Endpoints:id:serviceUri",
        "https://id2.service.signalr.net".to_owned(),
    );
    let changed = endpoints.endpoints(&settings, OWN, Some("chat")).unwrap();
    assert_eq!(
        changed.endpoints[1].endpoint(),
        "https://id2.service.signalr.net"
    );
}

#[test]
fn a_contexts_map_keeps_its_revision_and_its_endpoints() {
    let map = HashMap::from([
        (OWN.to_owned(), cs("a")),
        ("Azure:SignalR:Endpoints:b".to_owned(), cs("b")),
    ]);
    let context = crate::BindingContext::new().with_settings(map.clone());
    let revision = context.settings().section_revision(ENDPOINTS_SECTION);
    assert!(revision.is_some());
    assert_eq!(context.clone().settings().section_revision("x"), revision);
    let other = crate::BindingContext::new().with_settings(map);
    assert_ne!(
        other.settings().section_revision(ENDPOINTS_SECTION),
        revision
    );
    let closure = crate::BindingContext::new().with_settings(|_: &str| None);
    assert_eq!(closure.settings().section_revision(ENDPOINTS_SECTION), None);

    let mut binding = binding();
    let endpoints = binding.endpoints_mut();
    let first = endpoints
        .endpoints(context.settings(), OWN, Some("chat"))
        .unwrap();
    let again = endpoints
        .endpoints(context.settings(), OWN, Some("chat"))
        .unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    // Another context's map, with other endpoints, is compared in full.
    let other =
        crate::BindingContext::new().with_settings(HashMap::from([(OWN.to_owned(), cs("a"))]));
    let changed = endpoints
        .endpoints(other.settings(), OWN, Some("chat"))
        .unwrap();
    assert_eq!(changed.endpoints.len(), 1);
}

/// Endpoints `(type, online)` for router tests.
fn fleet(spec: &[(EndpointType, bool)]) -> Vec<ServiceEndpoint> {
    let mut settings = HashMap::new();
    for (i, (endpoint_type, _)) in spec.iter().enumerate() {
        let suffix = if *endpoint_type == Primary {
            "primary"
        } else {
            "secondary"
        };
        settings.insert(
            format!("Azure:SignalR:Endpoints:e{i}:{suffix}"),
            cs(&format!("e{i}")),
        );
    }
    let found = binding().endpoints_with(&settings).unwrap();
    for (endpoint, (_, online)) in found.iter().zip(spec) {
        endpoint.set_online(*online);
    }
    found
}

fn names<'a>(chosen: impl Iterator<Item = Option<&'a ServiceEndpoint>>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for endpoint in chosen {
        *counts
            .entry(endpoint.map_or("none", |e| e.name()).to_owned())
            .or_default() += 1;
    }
    counts
}

#[test]
fn the_default_router_spreads_over_online_primaries_uniformly() {
    let endpoints = fleet(&[
        (Primary, true),
        (Primary, true),
        (Primary, true),
        (Secondary, true),
    ]);
    let router = DefaultRouter::seeded(7);
    const PICKS: usize = 30_000;
    let counts = names((0..PICKS).map(|_| router.route(None, &endpoints)));
    assert_eq!(counts.len(), 3, "only primaries: {counts:?}");
    // Chi-square with 2 degrees of freedom; 20 is far beyond the 0.9999 quantile (18.4), and
    // the seeded sequence makes the test deterministic besides.
    let expected = PICKS as f64 / 3.0;
    let chi2: f64 = counts
        .values()
        .map(|&n| (n as f64 - expected).powi(2) / expected)
        .sum();
    assert!(chi2 < 20.0, "chi2 = {chi2}, {counts:?}");

    // The per-thread generator obeys the same rule.
    let thread = names((0..3_000).map(|_| DefaultRouter::new().route(None, &endpoints)));
    assert_eq!(thread.len(), 3, "{thread:?}");
    assert!(thread.values().all(|&n| n > 700), "{thread:?}");
}

#[test]
fn offline_primaries_fall_back_to_secondaries_then_to_none() {
    let endpoints = fleet(&[
        (Primary, true),
        (Primary, false),
        (Secondary, true),
        (Secondary, true),
    ]);
    let router = DefaultRouter::seeded(1);
    let counts = names((0..1_000).map(|_| router.route(None, &endpoints)));
    assert_eq!(counts.keys().collect::<Vec<_>>(), ["e0"]);

    endpoints[0].set_online(false);
    let counts = names((0..1_000).map(|_| router.route(None, &endpoints)));
    let mut chosen: Vec<_> = counts.keys().cloned().collect();
    chosen.sort();
    assert_eq!(chosen, ["e2", "e3"]);

    endpoints[2].set_online(false);
    endpoints[3].set_online(false);
    assert!(router.route(None, &endpoints).is_none());

    endpoints[1].set_online(true);
    let counts = names((0..100).map(|_| router.route(None, &endpoints)));
    assert_eq!(
        counts.keys().collect::<Vec<_>>(),
        ["e1"],
        "a recovered primary is used again"
    );
}

#[test]
fn a_single_endpoint_is_always_chosen_even_offline() {
    let endpoints = fleet(&[(Primary, false)]);
    assert_eq!(
        route_default(&endpoints, |_| unreachable!())
            .unwrap()
            .name(),
        "e0"
    );
}

#[test]
fn a_binding_with_every_endpoint_offline_fails_with_a_503() {
    let binding = binding();
    let settings = HashMap::from([
        (OWN.to_owned(), cs("a")),
        ("Azure:SignalR:Endpoints:b".to_owned(), cs("b")),
    ]);
    for endpoint in binding.endpoints_with(&settings).unwrap() {
        endpoint.set_online(false);
    }
    let error = binding
        .resolve_with(None, &settings, &SystemClock)
        .unwrap_err();
    assert_eq!(error, BindingError::NoEndpointOnline);
    assert_eq!(error.status(), 503);
    assert_eq!(
        error.retry_after(),
        Some(std::time::Duration::from_secs(10))
    );
}

#[test]
fn a_custom_router_sees_the_request_and_chooses() {
    fn by_header<'e>(
        request: Option<&dyn crate::BindingRequest>,
        endpoints: &'e [ServiceEndpoint],
    ) -> Option<&'e ServiceEndpoint> {
        let wanted = request?.headers().get("x-region")?.to_str().ok()?;
        endpoints.iter().find(|e| e.name() == wanted)
    }
    let binding = ConnectionInfoBinding::builder("chat")
        .router(by_header)
        .build()
        .unwrap();
    let settings = HashMap::from([
        ("Azure:SignalR:Endpoints:east".to_owned(), cs("east")),
        ("Azure:SignalR:Endpoints:west".to_owned(), cs("west")),
    ]);
    let request = http::Request::get("/")
        .header("x-region", "west")
        .body(())
        .unwrap();
    let info = binding
        .resolve_with(Some(&request), &settings, &SystemClock)
        .unwrap();
    assert_eq!(info.url, "https://west/client/?hub=chat");
    let error = binding
        .resolve_with(None, &settings, &SystemClock)
        .unwrap_err();
    assert_eq!(error, BindingError::NoEndpointOnline);
}

#[test]
fn the_negotiation_has_every_endpoint_in_azures_shape() {
    let binding = binding();
    let settings = HashMap::from([
        (OWN.to_owned(), cs("own")),
        (
            "Azure:SignalR:Endpoints:west:secondary".to_owned(),
            "Endpoint=http://west;Port=8080;AccessKey=k".to_owned(),
        ),
    ]);
    binding.endpoints_with(&settings).unwrap()[1].set_online(false);
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let negotiation = binding
        .negotiate_with(None, &settings, &FixedClock(at))
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&negotiation.to_json()).unwrap();
    let token = |i: usize| {
        negotiation.endpoints[i]
            .connection_info
            .access_token
            .clone()
    };
    assert_eq!(
        json,
        serde_json::json!({"endpoints": [
            {"endpointType": "Primary", "name": "", "endpoint": "https://own", "online": true,
             "connectionInfo": {"url": "https://own/client/?hub=chat", "accessToken": token(0)}},
            {"endpointType": "Secondary", "name": "west", "endpoint": "http://west:8080", "online": false,
             "connectionInfo": {"url": "http://west:8080/client/?hub=chat", "accessToken": token(1)}},
        ]})
    );
    let back: SignalRNegotiation = serde_json::from_str(&negotiation.to_json()).unwrap();
    assert_eq!(back, negotiation);
    assert!(!format!("{negotiation:?}").contains(&token(0)));
}

#[test]
fn a_single_connection_string_binding_negotiates_its_one_endpoint() {
    let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
    let settings = HashMap::from([
        (OWN.to_owned(), cs("own")),
        ("Azure:SignalR:Endpoints:b".to_owned(), cs("b")),
    ]);
    let negotiation = binding
        .negotiate_with(None, &settings, &SystemClock)
        .unwrap();
    assert_eq!(negotiation.endpoints.len(), 1);
    assert_eq!(
        binding
            .negotiate_with(None, &HashMap::new(), &SystemClock)
            .unwrap_err(),
        BindingError::MissingConnectionString {
            setting: OWN.into()
        }
    );
}

#[test]
fn debug_shows_no_key() {
    let found = endpoints(&[(OWN, cs("a"))]).unwrap();
    let debug = format!("{found:?}");
    assert!(
        debug.contains("https://a") && !debug.contains("key-of"),
        "{debug}"
    );
}

#[test]
fn an_own_setting_under_the_section_counts_once_as_the_own_endpoint() {
    let binding = ConnectionInfoBinding::builder("chat")
        .connection_string_setting("Azure:SignalR:Endpoints:main")
        .multiple_endpoints()
        .build()
        .unwrap();
    let mut settings = HashMap::from([
        ("Azure:SignalR:Endpoints:main".to_owned(), cs("main")),
        ("Azure:SignalR:Endpoints:east".to_owned(), cs("east")),
    ]);
    let found = binding.endpoints_with(&settings).unwrap();
    assert_eq!(
        summary(&found),
        [
            ("".into(), Primary, "https://main".into()),
            ("east".into(), Primary, "https://east".into()),
        ]
    );
    // Unchanged settings reuse the set; a change of the own value is seen.
    let endpoints = Endpoints::new();
    let own = "Azure:SignalR:Endpoints:main";
    let first = endpoints.endpoints(&settings, own, Some("chat")).unwrap();
    let again = endpoints.endpoints(&settings, own, Some("chat")).unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    settings.insert("Azure:SignalR:Endpoints:main".to_owned(), cs("moved"));
    assert_eq!(
        binding.endpoints_with(&settings).unwrap()[0].endpoint(),
        "https://moved"
    );
}

#[test]
fn a_single_connection_string_is_one_endpoint_kept_between_calls() {
    let binding = ConnectionInfoBinding::builder("chat").build().unwrap();
    let settings = HashMap::from([(OWN.to_owned(), cs("own"))]);
    let first = binding.endpoints_with(&settings).unwrap();
    assert_eq!(
        summary(&first),
        [("".into(), Primary, "https://own".into())]
    );
    // The state is the binding's, not rebuilt per call.
    first[0].set_online(false);
    assert!(!binding.endpoints_with(&settings).unwrap()[0].online());
}
