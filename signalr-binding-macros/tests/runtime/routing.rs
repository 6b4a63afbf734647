//! `router = "path"`: the binding reads several endpoints and the named function or `static`
//! chooses each request's endpoint.

use super::*;
use signalr_binding::{BindingRequest, DefaultRouter, ServiceEndpoint};

const EUROPE: &str = "Endpoint=https://chat-europe.service.signalr.net;AccessKey=ZXVyb3BlLWtleS1mb3ItdGVzdHM=;Version=1.0;";
const AMERICA: &str = "Endpoint=https://chat-america.service.signalr.net;AccessKey=YW1lcmljYS1rZXktZm9yLXRlc3Rz;Version=1.0;";

/// Clients that say `x-region: eu` go to the endpoint named `europe`, the others to
/// `america`.
fn by_region<'e>(
    request: Option<&dyn BindingRequest>,
    endpoints: &'e [ServiceEndpoint],
) -> Option<&'e ServiceEndpoint> {
    let region = request.and_then(|r| r.headers().get("x-region")?.to_str().ok());
    let wanted = if region == Some("eu") {
        "europe"
    } else {
        "america"
    };
    endpoints.iter().find(|e| e.name() == wanted && e.online())
}

/// A router held in a `static`.
static SEEDED: DefaultRouter = DefaultRouter::seeded(7);

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}", router = "by_region")]
fn routed(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", router = "self::SEEDED")]
async fn routed_by_static(
    req: http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

/// Requests with the two endpoints in the settings.
fn regional_request(region: &str) -> http::Request<()> {
    let mut req = request("/negotiate", &[("x-region", region), ("x-user", "ann")]);
    req.extensions_mut().insert(context_with(&[
        ("Azure:SignalR:Endpoints:europe", EUROPE),
        ("Azure:SignalR:Endpoints:america", AMERICA),
    ]));
    req
}

#[test]
fn the_router_chooses_the_endpoint_by_the_request() {
    let europe = routed(&regional_request("eu")).unwrap();
    assert_eq!(
        europe.url,
        "https://chat-europe.service.signalr.net/client/?hub=chat"
    );
    let america = routed(&regional_request("us")).unwrap();
    assert_eq!(
        america.url,
        "https://chat-america.service.signalr.net/client/?hub=chat"
    );
    // Each token is signed with its endpoint's key (the `AccessKey` text, as Azure signs),
    // for its endpoint's audience.
    for (info, key, host) in [
        (&europe, "ZXVyb3BlLWtleS1mb3ItdGVzdHM=", "chat-europe"),
        (&america, "YW1lcmljYS1rZXktZm9yLXRlc3Rz", "chat-america"),
    ] {
        let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
        validation.set_audience(&[format!(
            "https://{host}.service.signalr.net/client/?hub=chat"
        )]);
        validation.validate_exp = false;
        let decoded = jsonwebtoken::decode::<serde_json::Value>(
            &info.access_token,
            &jsonwebtoken::DecodingKey::from_secret(key.as_bytes()).unwrap(),
            &validation,
        )
        .unwrap();
        assert_eq!(decoded.claims["asrs.s.uid"], "ann");
    }
}

#[tokio::test]
async fn a_static_router_routes_among_the_settings_endpoints() {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..64 {
        seen.insert(routed_by_static(regional_request("eu")).await.unwrap());
    }
    // The default rule among three online primaries (the binding's own setting is one): the
    // seeded sequence chooses each of them within 64 requests.
    assert_eq!(seen.len(), 3, "{seen:?}");
}
