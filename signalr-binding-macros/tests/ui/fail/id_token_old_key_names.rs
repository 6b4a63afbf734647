use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// The key arguments are named for the setting they take (`..._setting`): the names without the
// suffix suggest the new ones, and the other verification arguments are not also reported.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret = "ID_TOKEN_SECRET",
    id_token_audience = "my-app"
)]
fn hmac(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_rsa_key = "ID_TOKEN_RSA_KEY"
)]
fn rsa(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_ec_key = "ID_TOKEN_EC_KEY"
)]
fn ec(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_jwks = "%ID_TOKEN_JWKS%"
)]
fn jwks(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
