use signalr_binding::{SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat")]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) {
    let _ = (req, info);
}

fn main() {}
