//! What the REST API sends to clients: a hub method invocation, `{"target": ..., "arguments": [...]}`
//! (Azure/azure-signalr `docs/rest-api.md`, the `PayloadMessage` body).

use std::fmt;

use serde::Serialize;

use super::RestError;

/// A message for clients: the client-side method to invoke (`target`) and its arguments.
///
/// The arguments are anything that serializes to a JSON array: a tuple, a `Vec`, an array, a
/// `serde_json::Value::Array`. The body is serialized once, when the message is made, and sent
/// as is to every endpoint.
///
/// ```
/// use signalr_binding::rest::Message;
///
/// let message = Message::new("newMessage", ("alice", "hello"))?;
/// assert_eq!(message.target(), "newMessage");
/// assert_eq!(message.body(), br#"{"target":"newMessage","arguments":["alice","hello"]}"#);
/// // A single value is not a list of arguments: wrap it, `(value,)`.
/// assert!(Message::new("count", 3).is_err());
/// assert!(Message::new("count", (3,)).is_ok());
/// # Ok::<(), signalr_binding::rest::RestError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    target: Box<str>,
    body: Box<[u8]>,
}

#[derive(Serialize)]
struct Body<'a> {
    target: &'a str,
    arguments: serde_json::Value,
}

impl Message {
    /// A message invoking `target` with `arguments`, which must serialize to a JSON array.
    ///
    /// Errors: [`RestError::EmptyTarget`] for an empty target, [`RestError::Arguments`] when
    /// the arguments do not serialize, [`RestError::ArgumentsNotAnArray`] when they serialize
    /// to something else than an array.
    pub fn new(target: impl Into<String>, arguments: impl Serialize) -> Result<Self, RestError> {
        let target = target.into();
        if target.is_empty() {
            return Err(RestError::EmptyTarget);
        }
        let arguments = serde_json::to_value(arguments).map_err(RestError::Arguments)?;
        if !arguments.is_array() {
            return Err(RestError::ArgumentsNotAnArray {
                found: json_kind(&arguments),
            });
        }
        let body = serde_json::to_vec(&Body {
            target: &target,
            arguments,
        })
        .map_err(RestError::Arguments)?;
        Ok(Self {
            target: target.into(),
            body: body.into(),
        })
    }

    /// The client-side method the message invokes.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The JSON body sent to the service.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("target", &self.target)
            .field("body_len", &self.body.len())
            .finish()
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
