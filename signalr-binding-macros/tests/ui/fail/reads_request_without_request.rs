use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
fn negotiate(info: SignalRConnectionInfo) -> Result<String, BindingError> {
    Ok(info.url)
}

fn main() {}
