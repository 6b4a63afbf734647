use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat")]
const fn negotiate(info: SignalRConnectionInfo) -> Result<SignalRConnectionInfo, BindingError> {
    Ok(info)
}

fn main() {}
