use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_jwks_setting = "ID_TOKEN_JWKS",
    close_on_auth_expiry = "yes",
    id_token_verified_elsewhere = 1
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
