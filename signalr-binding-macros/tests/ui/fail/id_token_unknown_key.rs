use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// `id_token_secret` suggests `id_token_hmac_secret_setting`, so `id_token_issuer` is not also reported
// as needing a key.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_secret = "ID_TOKEN_SECRET",
    id_token_issuer = "https://issuer.example/",
    leeway = 30
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
