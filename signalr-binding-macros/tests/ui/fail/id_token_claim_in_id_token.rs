use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{id_token.token}",
    id_token_jwks_setting = "ID_TOKEN_JWKS"
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
