use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat", user_id = "{id_token.sub}")]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
