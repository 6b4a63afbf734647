use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// Verified elsewhere and by a key at once; and an opt-in nothing uses.
#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{id_token.sub}",
    id_token = "{headers.authorization}",
    id_token_jwks_setting = "ID_TOKEN_JWKS",
    id_token_verified_elsewhere = true
)]
fn both(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    id_token_verified_elsewhere = true
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
