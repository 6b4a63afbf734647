use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{id_token.sub}",
    id_token = "{headers.authorization}",
    id_token_verified_elsewhere = true,
    close_on_auth_expiry = true
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
