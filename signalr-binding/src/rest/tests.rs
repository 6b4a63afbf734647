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

proptest::proptest! {
    /// Any user id or group name is one path segment that decodes back to itself, and the
    /// audience is the request URL without its port and query.
    #[test]
    fn any_name_is_one_segment_and_the_audience_follows_the_url(
        name in "\\PC{1,40}",
        excluded in "\\PC{0,20}",
    ) {
        // The operations refuse these two before building a URL.
        proptest::prop_assume!(name != "." && name != "..");
        let client = client(crate::EMULATOR_CONNECTION_STRING);
        let (url, audience) = client.inner.endpoints[0].url(
            "chat",
            &["users", &name, ":send"],
            &[("excluded", &excluded)],
        );
        let segments: Vec<_> = url.path_segments().unwrap().collect();
        proptest::prop_assert_eq!(segments.len(), 6);
        let decoded: Vec<u8> = percent_decode(segments[4]).collect();
        proptest::prop_assert_eq!(String::from_utf8(decoded).unwrap(), name);
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        proptest::prop_assert_eq!(
            pairs,
            vec![
                ("excluded".to_owned(), excluded),
                ("api-version".to_owned(), API_VERSION.to_owned())
            ]
        );
        let mut without = url.clone();
        without.set_port(None).unwrap();
        without.set_query(None);
        proptest::prop_assert_eq!(audience, without.as_str());
    }
}

fn percent_decode(segment: &str) -> impl Iterator<Item = u8> + '_ {
    let bytes = segment.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = *bytes.get(i)?;
        if b == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            i += 3;
            Some(u8::from_str_radix(hex, 16).unwrap())
        } else {
            i += 1;
            Some(b)
        }
    })
}

#[test]
fn names_that_look_like_dot_segments_stay_names() {
    let client = client(crate::EMULATOR_CONNECTION_STRING);
    for name in ["...", "%2e%2e", "%2E", "a/../b", "./", "/.."] {
        let (url, _) = client.inner.endpoints[0].url("chat", &["users", name, ":send"], &[]);
        let segments: Vec<_> = url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 6, "{name}: {url}");
        assert_eq!(segments[3], "users", "{name}: {url}");
        let decoded: Vec<u8> = percent_decode(segments[4]).collect();
        assert_eq!(String::from_utf8(decoded).unwrap(), name, "{url}");
    }
}

#[tokio::test]
async fn dot_names_are_refused_before_sending() {
    // Nothing listens on port 9: a request that went out would fail otherwise.
    let client = client("Endpoint=http://127.0.0.1;Port=9;AccessKey=k;Version=1.0;");
    let message = Message::new("m", ((),)).unwrap();
    for name in [".", ".."] {
        let error = client.send_to_user(name, &message).await.unwrap_err();
        assert!(
            matches!(&error, RestError::DotName { what: "user id", name: n } if n == name),
            "{error:?}"
        );
        assert!(matches!(
            client.group_exists(name).await,
            Err(RestError::DotName {
                what: "group name",
                ..
            })
        ));
        assert!(matches!(
            client.close_connection(name, None).await,
            Err(RestError::DotName {
                what: "connection id",
                ..
            })
        ));
    }
    assert!(matches!(
        client.add_user_to_group("", "u").await,
        Err(RestError::Empty { what: "group name" })
    ));
}
