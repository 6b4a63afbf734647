use signalr_binding::signalr_connection_info;

#[signalr_connection_info(hub_name = "chat")]
struct Negotiate;

fn main() {}
