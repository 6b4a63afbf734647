//! A binding built from an existing `function.json` (examples/function-json/, which the Azure
//! Functions custom handler example serves) mints the same connection info as the attribute on
//! the `negotiate` example's handler.

mod common;

#[path = "../examples/negotiate.rs"]
#[allow(dead_code)]
mod negotiate;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use signalr_binding::{BindingContext, FixedClock, FunctionJsonBinding};

use common::*;

fn context() -> BindingContext {
    let settings = HashMap::from([(
        "AzureSignalRConnectionString".to_owned(),
        loopback_connection_string(8888),
    )]);
    // One instant for both, so the two tokens can be compared byte for byte.
    let now = SystemTime::now() - Duration::from_secs(5);
    BindingContext::new()
        .with_settings(settings)
        .with_clock(FixedClock(now))
}

fn request(context: &BindingContext) -> http::Request<axum::body::Body> {
    http::Request::builder()
        .method("POST")
        .uri("/api/negotiate?negotiateVersion=1")
        .header("x-ms-client-principal-id", "alice")
        .extension(context.clone())
        .body(axum::body::Body::empty())
        .unwrap()
}

#[tokio::test]
async fn function_json_binding_mints_what_the_attribute_mints() {
    let path = repo_root().join("examples/function-json/function.json");
    let json = std::fs::read_to_string(&path).unwrap();
    let found =
        FunctionJsonBinding::parse(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(found.name.as_deref(), Some("connectionInfo"));

    let context = context();
    let from_json = found.binding.resolve(&request(&context)).unwrap();
    let from_attribute = negotiate::negotiate(request(&context))
        .await
        .unwrap_or_else(|e| panic!("attribute handler failed: {e:?}"));

    assert_eq!(from_json.url, "http://127.0.0.1:8888/client/?hub=chat");
    assert_eq!(from_json.url, from_attribute.url);
    let a = verify_token(
        &from_json.access_token,
        TEST_ACCESS_KEY,
        "http://127.0.0.1/client/?hub=chat",
    );
    let b = verify_token(
        &from_attribute.access_token,
        TEST_ACCESS_KEY,
        "http://127.0.0.1/client/?hub=chat",
    );
    assert_eq!(a["asrs.s.uid"], "alice");
    assert_eq!(
        a, b,
        "same claims from function.json and from the attribute"
    );
    assert_eq!(
        from_json.access_token, from_attribute.access_token,
        "same clock, same token"
    );
}

#[tokio::test]
async fn both_refuse_a_request_without_the_header_with_400() {
    let json =
        std::fs::read_to_string(repo_root().join("examples/function-json/function.json")).unwrap();
    let binding = FunctionJsonBinding::parse(&json).unwrap().binding;
    let context = context();
    let bare = || {
        http::Request::builder()
            .uri("/api/negotiate")
            .extension(context.clone())
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let from_json = binding.resolve(&bare()).unwrap_err();
    let from_attribute = negotiate::negotiate(bare()).await.unwrap_err();
    assert_eq!(from_json, from_attribute);
    assert_eq!(from_json.status(), 400);
    assert_eq!(from_json.code(), "missing_header");
}
