use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn negotiate(info: SignalRConnectionInfo) -> Result<String, BindingError> {
    Ok(info.url)
}

fn main() {}
