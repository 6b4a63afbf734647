use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// `%` always opens a setting reference, as in Azure: there is no escape.
#[signalr_connection_info(hub_name = "chat", user_id = "100%")]
fn unclosed(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", user_id = "a%%b")]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
