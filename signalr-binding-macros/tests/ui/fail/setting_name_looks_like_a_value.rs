use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

// A setting name with `;` or `=` looks like a value (a connection string, a key): refused
// without repeating it. The empty name is refused too.
#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_jwks_setting = "AccessKey=c2VjcmV0;"
)]
fn jwks(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    id_token_rsa_key_setting = ""
)]
fn empty_key(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", connection_string_setting = "")]
fn empty(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
