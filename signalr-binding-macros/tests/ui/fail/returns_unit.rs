use signalr_binding::{signalr_connection_info, SignalRConnectionInfo};

#[signalr_connection_info(hub_name = "chat")]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) {
    let _ = (req, info);
}

fn main() {}
