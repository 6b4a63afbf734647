use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// The key itself, a setting name without `%`, a `%` setting with text after it, and a setting
// name with a space: each is an error that never repeats the value.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret = "correct horse battery staple"
)]
fn secret(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_rsa_key = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----"
)]
fn pem(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_ec_key = "ID_TOKEN_EC_KEY"
)]
fn bare_name(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_jwks = "%ID TOKEN JWKS%"
)]
fn space(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_jwks = "%JWKS%/keys"
)]
fn text_after(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
