use signalr_binding::{BindingError, signalr_connection_info};

#[signalr_connection_info(
    hubName = "chat",
    user_id = "{header.x}",
    lifetime_secs = 0,
    id_token = "{headers.authorization}"
)]
fn negotiate(body: String) -> Result<String, BindingError> {
    Ok(body)
}

// The handler is still emitted as written, so code calling it type-checks.
fn caller() -> Result<String, BindingError> {
    negotiate(String::new())
}

fn main() {
    let _ = caller();
}
