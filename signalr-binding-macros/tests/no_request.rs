//! A handler whose templates never read the request has no request parameter; it resolves from
//! the process environment. Its own test binary, because it sets an environment variable.

use signalr_binding::{
    BindingError, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING, SignalRConnectionInfo,
    signalr_connection_info,
};

#[signalr_connection_info(
    hub_name = "Chat",
    connection_string_setting = "MacroTestNoRequestSignalR"
)]
fn no_request(info: SignalRConnectionInfo) -> Result<SignalRConnectionInfo, BindingError> {
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", connection_string_setting = "MacroTestUnsetSignalR")]
fn no_request_unset(info: SignalRConnectionInfo) -> Result<SignalRConnectionInfo, BindingError> {
    Ok(info)
}

#[test]
fn a_handler_without_a_request_resolves_from_the_environment() {
    // SAFETY: this test binary has a single test, so no other thread reads the environment.
    unsafe { std::env::set_var("MacroTestNoRequestSignalR", EMULATOR_CONNECTION_STRING) };

    let info = no_request().unwrap();
    let want = ConnectionInfoBinding::builder("Chat")
        .connection_string_setting("MacroTestNoRequestSignalR")
        .build()
        .unwrap()
        .resolve_without_request()
        .unwrap();
    assert_eq!(info.url, want.url);
    assert_eq!(info.url, "http://localhost:8888/client/?hub=chat");
    assert!(!info.access_token.is_empty());

    assert_eq!(
        no_request_unset().unwrap_err(),
        BindingError::MissingConnectionString {
            setting: "MacroTestUnsetSignalR".into()
        }
    );
}
