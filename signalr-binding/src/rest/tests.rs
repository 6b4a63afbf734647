use super::client::error_details;
use super::*;
use crate::ConnectionString;

fn client(connection: &str) -> RestClient {
    RestClient::builder("Chat")
        .connection_string(ConnectionString::parse(connection).unwrap())
        .build()
        .unwrap()
}

#[test]
fn urls_keep_the_port_and_audiences_drop_it_and_the_query() {
    let client = client(crate::EMULATOR_CONNECTION_STRING);
    assert_eq!(client.hub(), "chat");
    let endpoint = &client.inner.endpoints[0];
    let (url, audience) =
        endpoint.url("chat", &["users", "a b/c", ":send"], &[("excluded", "x&y")]);
    assert_eq!(
        url.as_str(),
        "http://localhost:8888/api/hubs/chat/users/a%20b%2Fc/:send?excluded=x%26y&api-version=2022-06-01"
    );
    assert_eq!(
        audience,
        "http://localhost/api/hubs/chat/users/a%20b%2Fc/:send"
    );
}

#[test]
fn requests_go_to_the_server_endpoint_when_set() {
    let client = client(
        "Endpoint=https://a.service.signalr.net;ServerEndpoint=https://internal.example:4443/base/;AccessKey=k;Version=1.0;",
    );
    let (url, audience) = client.inner.endpoints[0].url("chat", &[":send"], &[]);
    assert_eq!(
        url.as_str(),
        "https://internal.example:4443/base/api/hubs/chat/:send?api-version=2022-06-01"
    );
    assert_eq!(
        audience,
        "https://a.service.signalr.net/base/api/hubs/chat/:send"
    );
    assert_eq!(
        client.endpoints().collect::<Vec<_>>(),
        ["https://internal.example:4443/base"]
    );
}

#[test]
fn a_client_needs_a_valid_hub_and_an_endpoint() {
    assert!(matches!(
        RestClient::builder("chat").build(),
        Err(RestError::NoEndpoints)
    ));
    let error = RestClient::builder("2chat")
        .connection_string(crate::EMULATOR_CONNECTION_STRING.parse().unwrap())
        .build()
        .unwrap_err();
    assert!(matches!(error, RestError::HubName(_)), "{error:?}");
}

#[test]
fn settings_without_a_connection_string_are_an_error() {
    let settings = std::collections::HashMap::<String, String>::new();
    let error = RestClient::builder("chat")
        .settings(&settings)
        .build()
        .unwrap_err();
    assert!(matches!(error, RestError::Settings(_)), "{error:?}");
}

#[test]
fn error_bodies_give_their_code_and_message() {
    assert_eq!(
        error_details(br#"{"code":"Error.Hub.NotFound","message":"no hub","target":null}"#),
        (Some("Error.Hub.NotFound".into()), Some("no hub".into()))
    );
    assert_eq!(
        error_details(b"  plain text \n"),
        (None, Some("plain text".into()))
    );
    assert_eq!(error_details(b""), (None, None));
    let long = "x".repeat(2000);
    assert_eq!(error_details(long.as_bytes()).1.unwrap().len(), 512);
}

#[test]
fn service_errors_say_what_was_answered() {
    let error = RestError::Service {
        endpoint: "https://a.service.signalr.net".into(),
        operation: "send to user",
        status: http::StatusCode::TOO_MANY_REQUESTS,
        code: Some("Throttled".into()),
        message: Some("slow down".into()),
        retry_after: None,
    };
    assert_eq!(
        error.to_string(),
        "https://a.service.signalr.net answered send to user with 429 Too Many Requests (Throttled): slow down; too many requests: wait (see retry_after) and retry"
    );
    assert!(error.is_transient());
    assert_eq!(error.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
}

#[test]
fn debug_never_shows_the_key() {
    let client = client(crate::EMULATOR_CONNECTION_STRING);
    let debug = format!("{client:?}");
    assert!(!debug.contains("ABCDEFGHIJ"), "{debug}");
    assert!(debug.contains("http://localhost:8888"), "{debug}");
}

#[test]
fn a_bindings_endpoints_become_the_clients() {
    let settings = std::collections::HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            "Endpoint=https://east.service.signalr.net;AccessKey=k1;Version=1.0;".to_owned(),
        ),
        (
            "Azure:SignalR:Endpoints:west:secondary".to_owned(),
            "Endpoint=https://west.service.signalr.net;AccessKey=k2;Version=1.0;".to_owned(),
        ),
    ]);
    let binding = crate::ConnectionInfoBinding::builder("chat")
        .multiple_endpoints()
        .build()
        .unwrap();
    let endpoints = binding.endpoints_with(&settings).unwrap();
    let client = RestClient::builder("chat")
        .endpoints(&endpoints)
        .build()
        .unwrap();
    assert_eq!(
        client.endpoints().collect::<Vec<_>>(),
        [
            "https://east.service.signalr.net",
            "https://west.service.signalr.net"
        ]
    );
    let from_settings = RestClient::builder("chat")
        .settings(&settings)
        .build()
        .unwrap();
    assert_eq!(from_settings.endpoints().len(), 2);
}
