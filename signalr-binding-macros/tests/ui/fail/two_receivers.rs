use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};

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
