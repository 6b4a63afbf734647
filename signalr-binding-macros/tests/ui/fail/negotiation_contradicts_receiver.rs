use signalr_binding::{
    BindingError, SignalRConnectionInfo, SignalRNegotiation, signalr_connection_info,
};

#[signalr_connection_info(hub_name = "chat", negotiation = true)]
fn one(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
    let _ = req;
    Ok(info.url)
}

#[signalr_connection_info(hub_name = "chat", negotiation = false)]
fn all(req: &http::Request<()>, all: SignalRNegotiation) -> Result<String, BindingError> {
    let _ = req;
    Ok(all.to_json())
}

fn main() {}
