//! Receiving the connection info as JSON text or a `serde_json::Value`, two attributes on one
//! handler (one hub name from a setting, another connection string), a named request
//! parameter, and patterns on the receiving parameter.

use super::*;

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}", name = "json")]
fn string_handler(req: &http::Request<()>, json: String) -> Result<String, BindingError> {
    let _ = req;
    Ok(json)
}

#[signalr_connection_info(hub_name = "chat", name = "value")]
fn value_handler(
    req: &http::Request<()>,
    value: serde_json::Value,
) -> Result<serde_json::Value, BindingError> {
    let _ = req;
    Ok(value)
}

#[signalr_connection_info(hub_name = "chat", name = "chat", user_id = "{query.user}")]
#[signalr_connection_info(
    hub_name = "%CHAT_HUB%",
    name = "lobby",
    connection_string_setting = "OtherSignalR",
    user_id = "{headers.x-user}"
)]
fn two_hubs(
    req: &http::Request<()>,
    chat: SignalRConnectionInfo,
    lobby: SignalRConnectionInfo,
) -> Result<(SignalRConnectionInfo, SignalRConnectionInfo), BindingError> {
    let _ = req;
    Ok((chat, lobby))
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}", request = "incoming")]
fn named_request(
    incoming: &http::Request<()>,
    outgoing: http::Request<()>,
    SignalRConnectionInfo { url, access_token }: SignalRConnectionInfo,
) -> Result<(String, String, http::Request<()>), BindingError> {
    let _ = incoming;
    Ok((url, access_token, outgoing))
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn mut_pattern(
    req: http::Request<()>,
    mut info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    info.url.push_str("&extra=1");
    Ok(info)
}

#[test]
fn string_receiver_gets_the_camel_case_json() {
    let req = request("/negotiate", &[("x-user", "dave")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let json = string_handler(&req).unwrap();
    assert_eq!(json, want.to_json());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["url"], want.url);
    assert_eq!(value["accessToken"], want.access_token);
}

#[test]
fn value_receiver_gets_the_json_object() {
    let req = request("/negotiate", &[]);
    let want = expected(|b| b, "chat", &req);
    let value = value_handler(&req).unwrap();
    assert_eq!(
        value,
        serde_json::json!({ "url": want.url, "accessToken": want.access_token })
    );
    assert!(
        claims(&want).get("asrs.s.uid").is_none(),
        "no user_id, no user claim"
    );
}

#[test]
fn two_attributes_fill_two_parameters() {
    let req = request("/negotiate?user=erin", &[("x-user", "frank")]);
    let (chat, lobby) = two_hubs(&req).unwrap();
    assert_eq!(chat, expected(|b| b.user_id("{query.user}"), "chat", &req));
    assert_eq!(
        lobby,
        expected(
            |b| b
                .connection_string_setting("OtherSignalR")
                .user_id("{headers.x-user}"),
            "%CHAT_HUB%",
            &req
        )
    );
    assert_eq!(
        lobby.url,
        "https://other.service.signalr.net/client/?hub=lobby"
    );
    assert_eq!(claims_of(&chat, "asrs.s.uid"), "erin");
    assert_eq!(claims_of(&lobby, "asrs.s.uid"), "frank");
}

#[test]
fn the_named_request_is_read_and_patterns_are_kept() {
    let incoming = request("/negotiate", &[("x-user", "heidi")]);
    let outgoing = http::Request::new(());
    let (url, access_token, outgoing) = named_request(&incoming, outgoing).unwrap();
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &incoming);
    assert_eq!(SignalRConnectionInfo { url, access_token }, want);
    assert!(outgoing.extensions().get::<BindingContext>().is_none());

    let req = request("/negotiate", &[("x-user", "ivan")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let info = mut_pattern(req).unwrap();
    assert_eq!(info.url, format!("{}&extra=1", want.url));
    assert_eq!(info.access_token, want.access_token);
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn negotiation_handler(
    req: &http::Request<()>,
    negotiation: signalr_binding::SignalRNegotiation,
) -> Result<signalr_binding::SignalRNegotiation, BindingError> {
    let _ = req;
    Ok(negotiation)
}

#[test]
fn a_negotiation_receiver_gets_every_endpoint() {
    let mut req = http::Request::builder()
        .uri("/negotiate")
        .header("x-user", "erin")
        .body(())
        .unwrap();
    req.extensions_mut().insert(context_with(&[(
        "Azure:SignalR:Endpoints:west:secondary",
        OTHER_CONNECTION_STRING,
    )]));
    let negotiation = negotiation_handler(&req).unwrap();
    let urls: Vec<_> = negotiation
        .endpoints
        .iter()
        .map(|e| (e.name.as_str(), e.connection_info.url.as_str()))
        .collect();
    assert_eq!(
        urls,
        [
            ("", "http://localhost:8888/client/?hub=chat"),
            ("west", "https://other.service.signalr.net/client/?hub=chat"),
        ]
    );
    let expected = ConnectionInfoBinding::builder("chat")
        .user_id("{headers.x-user}")
        .multiple_endpoints()
        .build()
        .unwrap()
        .negotiate(&req)
        .unwrap();
    assert_eq!(negotiation, expected, "the same value as the runtime's");

    // Without the header the body does not run.
    let anonymous = request("/negotiate", &[]);
    assert!(matches!(
        negotiation_handler(&anonymous),
        Err(BindingError::MissingHeader { .. })
    ));
}

#[signalr_connection_info(hub_name = "chat", name = "all", negotiation = true)]
fn negotiation_json(req: &http::Request<()>, all: String) -> Result<String, BindingError> {
    let _ = req;
    Ok(all)
}

#[signalr_connection_info(hub_name = "chat", name = "all", negotiation = true)]
async fn negotiation_value(
    req: http::Request<()>,
    all: serde_json::Value,
) -> Result<serde_json::Value, BindingError> {
    let _ = req;
    Ok(all)
}

#[tokio::test]
async fn negotiation_true_gives_every_endpoint_as_json_text_or_value() {
    let two_endpoints = || {
        let mut req = request("/negotiate", &[]);
        req.extensions_mut().insert(context_with(&[(
            "Azure:SignalR:Endpoints:west:secondary",
            OTHER_CONNECTION_STRING,
        )]));
        req
    };
    let expected = ConnectionInfoBinding::builder("chat")
        .multiple_endpoints()
        .build()
        .unwrap()
        .negotiate(&two_endpoints())
        .unwrap();
    let json = negotiation_json(&two_endpoints()).unwrap();
    assert_eq!(json, expected.to_json());
    let value = negotiation_value(two_endpoints()).await.unwrap();
    assert_eq!(value, serde_json::to_value(&expected).unwrap());
    assert_eq!(value["endpoints"][1]["name"], "west");
    assert_eq!(value["endpoints"][1]["endpointType"], "Secondary");
}
