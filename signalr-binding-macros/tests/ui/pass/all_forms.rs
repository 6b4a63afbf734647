//! Every accepted form compiles, and the rewritten signatures are what callers see.
use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
async fn async_fn(
    req: http::Request<String>,
    info: SignalRConnectionInfo,
) -> http::Response<String> {
    let _ = req;
    http::Response::new(info.url)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{query.user}")]
fn sync_fn(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

/// Docs and visibility are kept.
#[signalr_connection_info(hub_name = "chat", user_id = "<headers.x-user>")]
#[inline]
pub fn parts_by_value(
    parts: http::request::Parts,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = parts;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
pub(crate) fn parts_by_mut_ref(
    parts: &mut http::request::Parts,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    parts.headers.clear();
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "%CHAT_HUB%",
    connection_string_setting = "ChatSignalR",
    name = "json"
)]
fn string_receiver(req: &http::Request<()>, json: String) -> Result<String, BindingError> {
    let _ = req;
    Ok(json)
}

#[signalr_connection_info(hub_name = "chat", name = "value", lifetime_secs = 600)]
fn value_receiver(
    req: &http::Request<()>,
    value: serde_json::Value,
) -> Result<serde_json::Value, BindingError> {
    let _ = req;
    Ok(value)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email"],
)]
fn id_token(
    req: &http::Request<()>,
    mut info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    info.url.push('!');
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat")]
fn no_request(info: SignalRConnectionInfo) -> Result<SignalRConnectionInfo, BindingError> {
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
async fn generic<B, E>(req: http::Request<B>, info: SignalRConnectionInfo) -> Result<String, E>
where
    B: Send,
    E: From<BindingError>,
{
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}", request = "incoming")]
fn named_request(
    incoming: &http::Request<()>,
    outgoing: http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = (incoming, outgoing);
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", name = "chat")]
#[signalr_connection_info(hub_name = "news", name = "news")]
fn two_hubs(
    req: &http::Request<()>,
    chat: SignalRConnectionInfo,
    news: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(format!("{} {}", chat.url, news.url))
}

#[signalr_connection_info(hub_name = "chat")]
unsafe fn unsafe_fn(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", user_id = "user-{query.id}")]
fn param_attributes(
    req: &http::Request<()>,
    #[allow(unused_variables)] info: signalr_binding::SignalRConnectionInfo,
) -> Result<(), BindingError> {
    let _ = req;
    Ok(())
}

struct Api {
    name: String,
}

impl Api {
    #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
    fn method(
        &self,
        req: &http::Request<()>,
        info: SignalRConnectionInfo,
    ) -> Result<String, BindingError> {
        let _ = req;
        Ok(format!("{}: {}", self.name, info.url))
    }

    #[signalr_connection_info(hub_name = "chat")]
    async fn by_value(self, info: SignalRConnectionInfo) -> http::Response<Vec<u8>> {
        http::Response::new(format!("{}: {}", self.name, info.url).into_bytes())
    }
}

trait Negotiate {
    #[signalr_connection_info(hub_name = "chat")]
    fn negotiate(&self, info: SignalRConnectionInfo) -> Result<String, BindingError> {
        Ok(info.url)
    }
}

impl Negotiate for Api {}

/// A user type opted in through `FromBindingError`.
struct Answer(u16);

impl signalr_binding::FromBindingError for Answer {
    fn from_binding_error(error: BindingError) -> Self {
        Answer(error.status().as_u16())
    }
}

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn custom_return(req: http::Request<()>, info: SignalRConnectionInfo) -> Answer {
    let _ = (req, info);
    Answer(200)
}

#[signalr_connection_info(hub_name = "chat")]
fn impl_trait_return(
    info: SignalRConnectionInfo,
) -> Result<impl std::fmt::Display, Box<dyn std::error::Error>> {
    Ok(info.url)
}

fn main() {
    let _ = impl_trait_return();
    // The receiving parameter is gone from every signature.
    let _: fn(http::Request<String>) -> _ = async_fn;
    let _: fn(&http::Request<()>) -> Result<String, BindingError> = sync_fn;
    let _: fn(http::request::Parts) -> Result<String, BindingError> = parts_by_value;
    let _: fn(&mut http::request::Parts) -> Result<String, BindingError> = parts_by_mut_ref;
    let _: fn(&http::Request<()>) -> Result<String, BindingError> = string_receiver;
    let _: fn(&http::Request<()>) -> Result<serde_json::Value, BindingError> = value_receiver;
    let _: fn(&http::Request<()>) -> Result<String, BindingError> = id_token;
    let _: fn() -> Result<SignalRConnectionInfo, BindingError> = no_request;
    let _ = generic::<(), BindingError>;
    let _: fn(&http::Request<()>, http::Request<()>) -> Result<String, BindingError> =
        named_request;
    let _: fn(&http::Request<()>) -> Result<String, BindingError> = two_hubs;
    let _: unsafe fn(&http::Request<()>) -> Result<String, BindingError> = unsafe_fn;
    let _: fn(&http::Request<()>) -> Result<(), BindingError> = param_attributes;
    let api = Api { name: "api".into() };
    let _ = api.method(&http::Request::new(()));
    let _ = api.negotiate();
    let _ = Api::by_value;
    let _: fn(http::Request<()>) -> Answer = custom_return;
    let Answer(_) = custom_return(http::Request::new(()));
}
