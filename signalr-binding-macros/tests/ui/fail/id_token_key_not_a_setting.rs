use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// The key itself (a passphrase, a PEM), a `%` reference whose name has a space, and a `%`
// reference with text after it: each is an error that never repeats the value.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret_setting = "correct horse battery staple"
)]
fn secret(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_rsa_key_setting = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----"
)]
fn pem(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_jwks_setting = "%ID TOKEN JWKS%"
)]
fn space(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_jwks_setting = "%JWKS%/keys"
)]
fn text_after(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
