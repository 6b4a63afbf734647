//! Every kind of verification key compiles, with every algorithm name the attribute accepts,
//! and the verified binding is built in a `static` (const context) under strict lints.
#![deny(warnings)]
#![forbid(unsafe_code)]

use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
    id_token_algorithms = ["HS256", "HS384", "HS512"],
    id_token_issuer = "https://issuer.example/",
    id_token_audience = "my-app",
    id_token_leeway_secs = 0
)]
fn hmac(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

// With verification, `claim_type_list` may be left out: the binding then only requires a valid
// id token.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_rsa_key_setting = "ID_TOKEN_RSA_KEY",
    id_token_algorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
)]
async fn rsa(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
    let _ = req;
    http::Response::new(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name", "email"],
    id_token_ec_key_setting = "ID_TOKEN_EC_KEY",
    id_token_algorithms = ["ES256", "ES384"],
    id_token_leeway_secs = 3600
)]
fn ec(parts: &http::request::Parts, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = parts;
    Ok(info.url)
}

// The key kind's algorithms by default; an empty `claim_type_list` is allowed with a key.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = [],
    id_token_audience = "my-app",
    id_token_jwks_setting = "ID_TOKEN_JWKS"
)]
fn jwks(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    id_token_jwks_setting = "ID_TOKEN_JWKS",
    id_token_algorithms = ["ES384", "PS512", "RS256"]
)]
fn jwks_mixed(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {
    let _ = hmac(&http::Request::new(()));
    let _ = rsa(http::Request::new(String::new()));
    let _ = ec(&http::Request::new(()).into_parts().0);
    let _ = jwks(&http::Request::new(()));
    let _ = jwks_mixed(&http::Request::new(()));
}
