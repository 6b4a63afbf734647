use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

/// Takes the request but not the endpoints: not a router.
fn by_region(request: &http::Request<()>) -> Option<String> {
    request.headers().get("x-region")?.to_str().ok().map(str::to_owned)
}

#[signalr_connection_info(hub_name = "chat", router = "by_region")]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
