//! The value a handler receives: the client URL and access token.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::json;

/// What a SignalR client needs to connect: the service's client URL and a short-lived access
/// token for it.
///
/// Serialises to exactly the JSON the Azure binding returns and the official clients read,
/// `{"url": "...", "accessToken": "..."}`. `Debug` does not print the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignalRConnectionInfo {
    /// The client URL, e.g. `https://example.service.signalr.net/client/?hub=chat`.
    pub url: String,
    /// The signed access token (a JWT) the client sends as `Authorization: Bearer`.
    pub access_token: String,
}

impl SignalRConnectionInfo {
    /// The camelCase JSON answer, `{"url":"...","accessToken":"..."}`.
    pub fn to_json(&self) -> String {
        // Written by hand, in one allocation of the exact size: the answer to every negotiate
        // call, and the same bytes `serde_json::to_string(self)` gives.
        let mut json = String::with_capacity(self.url.len() + self.access_token.len() + 27);
        json.push_str("{\"url\":");
        json::write_string(&mut json, &self.url);
        json.push_str(",\"accessToken\":");
        json::write_string(&mut json, &self.access_token);
        json.push('}');
        json
    }
}

impl fmt::Debug for SignalRConnectionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignalRConnectionInfo")
            .field("url", &self.url)
            .field("access_token", &"***")
            .finish()
    }
}

/// A type a handler can receive connection info as.
///
/// Implemented for [`SignalRConnectionInfo`] itself, for `String` (the camelCase JSON, as C#
/// binds it) and for [`serde_json::Value`] (the JSON as an object).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive SignalR connection info",
    label = "this parameter's type cannot receive connection info",
    note = "use `SignalRConnectionInfo`, `String` (the JSON answer) or `serde_json::Value`"
)]
pub trait FromConnectionInfo {
    /// Converts resolved connection info into this type.
    fn from_connection_info(info: SignalRConnectionInfo) -> Self;
}

impl FromConnectionInfo for SignalRConnectionInfo {
    fn from_connection_info(info: SignalRConnectionInfo) -> Self {
        info
    }
}

impl FromConnectionInfo for String {
    fn from_connection_info(info: SignalRConnectionInfo) -> Self {
        info.to_json()
    }
}

impl FromConnectionInfo for serde_json::Value {
    fn from_connection_info(info: SignalRConnectionInfo) -> Self {
        serde_json::json!({ "url": info.url, "accessToken": info.access_token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> SignalRConnectionInfo {
        SignalRConnectionInfo {
            url: "http://localhost:8888/client/?hub=chat".into(),
            access_token: "secret.token.value".into(),
        }
    }

    #[test]
    fn serialises_to_exactly_url_and_access_token() {
        assert_eq!(
            info().to_json(),
            r#"{"url":"http://localhost:8888/client/?hub=chat","accessToken":"secret.token.value"}"#
        );
        let back: SignalRConnectionInfo = serde_json::from_str(&info().to_json()).unwrap();
        assert_eq!(back, info());
    }

    #[test]
    fn the_json_answer_is_what_serde_writes_even_with_characters_to_escape() {
        for (url, token) in [
            ("http://localhost:8888/client/?hub=chat", "a.b.c"),
            ("http://x/\"quoted\"\\path", "tab\tnew\nline\u{1}\u{7f}é"),
            ("", ""),
        ] {
            let info = SignalRConnectionInfo {
                url: url.into(),
                access_token: token.into(),
            };
            assert_eq!(info.to_json(), serde_json::to_string(&info).unwrap());
        }
    }

    #[test]
    fn debug_hides_the_token() {
        let debug = format!("{:?}", info());
        assert!(debug.contains("hub=chat"));
        assert!(!debug.contains("secret.token.value"));
    }

    #[test]
    fn receivers_carry_the_same_json() {
        let text = String::from_connection_info(info());
        let value = serde_json::Value::from_connection_info(info());
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }
}
