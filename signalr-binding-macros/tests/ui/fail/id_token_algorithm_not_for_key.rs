use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// The classic confusion: HS256 with an RSA public key.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_rsa_key_setting = "ID_TOKEN_RSA_KEY",
    id_token_algorithms = ["RS256", "HS256"]
)]
fn rsa(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

// The key comes after the algorithms, and no HMAC through a JWKS.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_algorithms = ["HS512", "ES256"],
    id_token_jwks_setting = "ID_TOKEN_JWKS"
)]
fn jwks(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    id_token_algorithms = ["ES256"]
)]
fn hmac(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
