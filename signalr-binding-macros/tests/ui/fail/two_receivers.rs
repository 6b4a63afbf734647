use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(hub_name = "chat")]
fn negotiate(
    req: &http::Request<()>,
    chat: SignalRConnectionInfo,
    news: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(format!("{} {}", chat.url, news.url))
}

fn main() {}
