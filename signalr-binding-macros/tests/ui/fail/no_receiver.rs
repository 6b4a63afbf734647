use signalr_binding::{BindingError, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat")]
fn negotiate(req: &http::Request<()>, body: String) -> Result<String, BindingError> {
    let _ = req;
    Ok(body)
}

fn main() {}
