use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// A user id from a claim of a token nobody verifies would be chosen by the client.
#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{id_token.sub}",
    id_token = "{headers.authorization}"
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
