use signalr_binding::{BindingError, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat", name = "info")]
fn negotiate(req: &http::Request<()>, info: u32) -> Result<u32, BindingError> {
    let _ = req;
    Ok(info)
}

fn main() {}
