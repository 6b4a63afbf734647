use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// Setting-name arguments take the plain name; `%NAME%` is for a setting read by a template
// (`hub_name`, `user_id`, `id_token`). The error shows the plain form.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_hmac_secret_setting = "%ID_TOKEN_SECRET%"
)]
fn key(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", connection_string_setting = "%ChatSignalR%")]
fn connection(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
