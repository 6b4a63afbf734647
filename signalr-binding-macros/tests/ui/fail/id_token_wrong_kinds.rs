use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

const SECRET: &str = "not here";

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret_setting = SECRET,
    id_token_algorithms = "HS256, HS512",
    id_token_issuer = 5,
    id_token_audience = "",
    id_token_leeway_secs = "60"
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_rsa_key_setting = "ID_TOKEN_RSA_KEY",
    id_token_algorithms = [RS256, 256],
    id_token_issuer = "%ISSUER%",
    id_token_audience = my_app,
    id_token_leeway_secs = 86400
)]
fn negotiate2(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_ec_key_setting,
    id_token_leeway_secs = -5,
    // A negative literal arrives as one literal token: refused as negative, not as bad digits.
    lifetime_secs = -1
)]
fn negotiate3(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {
    let _ = SECRET;
}
