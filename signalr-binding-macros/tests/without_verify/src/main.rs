//! Handlers compiled against signalr-binding without its `verify` feature.

use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

/// Without verification arguments the attribute works as ever.
#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
fn negotiate(
    request: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    Ok(info.to_json())
}

/// A key argument needs the feature: a compile error that names it.
#[cfg(feature = "key-argument")]
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret_setting = "ID_TOKEN_SECRET"
)]
fn verified(
    request: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<String, BindingError> {
    Ok(info.to_json())
}

fn main() {
    let request = http::Request::new(());
    let _ = negotiate(&request);
    #[cfg(feature = "key-argument")]
    let _ = verified(&request);
}
