use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn negotiate(
    incoming: &http::Request<()>,
    outgoing: http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = (incoming, outgoing);
    Ok(info.url)
}

fn main() {}
