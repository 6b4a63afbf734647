//! The sources of a trusted user id and app settings anywhere in a value compile, and build
//! their binding in a `static` (const context) under strict lints.
#![deny(warnings)]
#![forbid(unsafe_code)]

use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(
    hub_name = "%PREFIX%_chat",
    user_id = "{id_token.sub}",
    id_token = "{headers.authorization}",
    id_token_jwks_setting = "ID_TOKEN_JWKS",
    close_on_auth_expiry = true
)]
fn verified(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "aad|{id_token.oid}",
    id_token = "{headers.x-ms-token-aad-id-token}",
    id_token_verified_elsewhere = true
)]
fn verified_elsewhere(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{principal.identityProvider}|{principal.userId}")]
fn static_web_apps(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    user_id = "{principal.claims.http://schemas.microsoft.com/identity/claims/objectidentifier}@%TENANT%"
)]
fn app_service(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

// Settings only: no request parameter needed.
#[signalr_connection_info(hub_name = "%PREFIX%_%HUB%", user_id = "%SERVICE%-user")]
fn settings_only(info: SignalRConnectionInfo) -> Result<String, BindingError> {
    Ok(info.url)
}

// `false` is the default, written out.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    id_token_verified_elsewhere = false,
    close_on_auth_expiry = false
)]
fn defaults(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {
    let _ = (verified, verified_elsewhere, static_web_apps, app_service, settings_only, defaults);
}
