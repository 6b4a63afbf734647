//! Where a binding failure goes: each return type gets it without the body running (every
//! failing call below would bump `BODY_RUNS` if the body ran).

use super::*;
use crate::handlers::{AppError, generic_handler, sync_handler};

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn response_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    body_ran();
    http::Response::new(info.to_json())
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
async fn bytes_response_handler(
    req: http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<Vec<u8>> {
    let _ = req;
    body_ran();
    http::Response::new(info.to_json().into_bytes())
}

#[derive(Debug, PartialEq)]
enum Answer {
    Connect(String),
    Refuse(u16, &'static str),
}

impl FromBindingError for Answer {
    fn from_binding_error(error: BindingError) -> Self {
        Answer::Refuse(error.status().as_u16(), error.code())
    }
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn custom_return(req: &http::Request<()>, info: SignalRConnectionInfo) -> Answer {
    let _ = req;
    body_ran();
    Answer::Connect(info.url)
}

#[signalr_connection_info(hub_name = "chat", connection_string_setting = "NotSet")]
fn missing_connection_string(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    body_ran();
    http::Response::new(info.url)
}

#[test]
fn response_handler_succeeds_with_its_body() {
    let req = request("/negotiate", &[("x-user", "judy")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let response = response_handler(&req);
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(response.body(), &want.to_json());
}

#[test]
fn a_result_handler_returns_err_without_running_its_body() {
    let req = request("/negotiate", &[]);
    let (result, runs) = body_runs_during(|| sync_handler(&req));
    assert_eq!(
        result.unwrap_err(),
        BindingError::MissingHeader {
            name: "x-ms-client-principal-id".into()
        }
    );
    assert_eq!(runs, 0);

    let (result, runs) = body_runs_during(|| generic_handler::<(), AppError>(&request("/", &[])));
    assert_eq!(
        result.unwrap_err(),
        AppError(BindingError::MissingQuery { key: "id".into() })
    );
    assert_eq!(runs, 0);
}

#[test]
fn a_response_handler_answers_4xx_with_a_json_error() {
    let req = request("/negotiate", &[]);
    let (response, runs) = body_runs_during(|| response_handler(&req));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"]["code"], "missing_header");
    assert_eq!(body["error"]["status"], 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-user"),
        "the message names the header: {body}"
    );
}

#[test]
fn a_response_handler_hides_server_side_errors_behind_500() {
    let req = request("/negotiate", &[]);
    let (response, runs) = body_runs_during(|| missing_connection_string(&req));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"]["code"], "missing_connection_string");
}

#[test]
fn an_async_response_handler_with_bytes_answers_4xx() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (response, runs) =
        body_runs_during(|| runtime.block_on(bytes_response_handler(request("/", &[]))));
    assert_eq!(runs, 0);
    assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["error"]["code"], "missing_header");
}

#[test]
fn a_custom_return_type_gets_the_error_through_from_binding_error() {
    let (answer, runs) = body_runs_during(|| custom_return(&request("/", &[])));
    assert_eq!(runs, 0);
    assert_eq!(answer, Answer::Refuse(400, "missing_header"));

    let req = request("/", &[("x-user", "kim")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    assert_eq!(custom_return(&req), Answer::Connect(want.url));
}
