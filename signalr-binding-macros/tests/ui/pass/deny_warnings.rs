//! Generated code compiles cleanly under the strictest crate-level lints users set.
#![deny(warnings)]
#![forbid(unsafe_code)]
#![deny(clippy::all, rust_2018_idioms, unused_qualifications, missing_docs)]

//! A crate with a negotiate handler.

use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

/// Negotiates.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
pub async fn negotiate(
    req: http::Request<String>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    http::Response::new(info.url)
}

/// Negotiates two hubs, reading a query key, from request parts.
#[signalr_connection_info(hub_name = "chat", name = "chat", user_id = "{query.user}")]
#[signalr_connection_info(
    hub_name = "%NEWS_HUB%",
    name = "news",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    lifetime_secs = 60
)]
pub fn two_hubs(
    parts: &http::request::Parts,
    chat: String,
    news: serde_json::Value,
) -> Result<String, BindingError> {
    let _ = parts;
    Ok(format!("{chat} {news}"))
}

/// Needs no request.
#[signalr_connection_info(hub_name = "chat")]
pub fn no_request(mut info: SignalRConnectionInfo) -> Result<SignalRConnectionInfo, BindingError> {
    info.url.push('/');
    Ok(info)
}

/// A generic handler.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
pub fn generic<B, E: From<BindingError>>(
    req: &http::Request<B>,
    info: SignalRConnectionInfo,
) -> Result<String, E> {
    let _ = req;
    Ok(info.url)
}

fn main() {
    let _ = negotiate(http::Request::new(String::new()));
    let _ = two_hubs(&http::Request::new(()).into_parts().0);
    let _ = no_request();
    let _ = generic::<(), BindingError>(&http::Request::new(()));
}
