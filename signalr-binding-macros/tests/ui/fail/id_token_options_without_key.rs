use signalr_binding::{BindingError, SignalRConnectionInfo, signalr_connection_info};

#[signalr_connection_info(
    hub_name = "chat",
    id_token = "{headers.authorization}",
    claim_type_list = ["name"],
    id_token_algorithms = ["RS256"],
    id_token_issuer = "https://issuer.example/",
    id_token_audience = "my-app",
    id_token_leeway_secs = 30
)]
fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

fn main() {}
