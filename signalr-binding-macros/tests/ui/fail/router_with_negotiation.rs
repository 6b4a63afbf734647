use signalr_binding::{
    BindingError, BindingRequest, DefaultRouter, ServiceEndpoint, SignalRNegotiation,
    signalr_connection_info,
};

fn first<'e>(
    _request: Option<&dyn BindingRequest>,
    endpoints: &'e [ServiceEndpoint],
) -> Option<&'e ServiceEndpoint> {
    let _ = DefaultRouter::new();
    endpoints.first()
}

#[signalr_connection_info(hub_name = "chat", router = "first")]
fn negotiate(req: &http::Request<()>, all: SignalRNegotiation) -> Result<String, BindingError> {
    let _ = req;
    Ok(all.endpoints.len().to_string())
}

fn main() {}
