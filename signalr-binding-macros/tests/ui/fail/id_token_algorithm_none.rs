use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    id_token_algorithms = ["HS256", "none"]
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
