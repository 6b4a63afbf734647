//! The SignalR hub protocols: the handshake, the JSON protocol (records ended by `0x1e`) and the
//! MessagePack protocol (messages prefixed by their length as a varint).
//!
//! The message shapes are those of ASP.NET Core SignalR's `HubProtocol.md` (dotnet/aspnetcore,
//! `src/SignalR/docs/specs/HubProtocol.md`). Every parser here takes any bytes and answers a
//! message or a [`ProtocolError`]; none of them panics.

use serde_json::{Map, Value, json};

/// The byte that ends every JSON record and the handshake.
pub const RECORD_SEPARATOR: u8 = 0x1e;

/// Nesting allowed inside one MessagePack message.
const MAX_MSGPACK_DEPTH: usize = 64;

/// A hub protocol, as named in the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `json`: UTF-8 JSON records, each ended by `0x1e`.
    Json,
    /// `messagepack`: MessagePack arrays, each prefixed by its length as a varint.
    MessagePack,
}

impl Protocol {
    /// The name the handshake uses.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Json => "json",
            Protocol::MessagePack => "messagepack",
        }
    }

    /// Whether the protocol's frames are binary (so not for a text-only transport).
    pub fn is_binary(self) -> bool {
        self == Protocol::MessagePack
    }

    /// The content type of one message of this protocol, as sent upstream.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::Json => "application/json",
            Protocol::MessagePack => "application/x-msgpack",
        }
    }
}

/// Why bytes from a client are not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// A message (or the buffered bytes of an unfinished one) is over the limit.
    #[error("message of {size} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// The size seen so far, or announced by the length prefix.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not a message of the protocol.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// A well-formed message of a type this server does not know.
    #[error("unknown message type: {0}")]
    UnknownType(i64),
    /// The handshake request is not one.
    #[error("malformed handshake: {0}")]
    Handshake(String),
}

fn malformed(what: impl Into<String>) -> ProtocolError {
    ProtocolError::Malformed(what.into())
}

/// The first message of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeRequest {
    /// The protocol name (`json`, `messagepack`, or anything a client sends).
    pub protocol: String,
    /// The protocol version.
    pub version: i64,
}

/// Parses a handshake request (the bytes before its `0x1e`).
pub fn parse_handshake(bytes: &[u8]) -> Result<HandshakeRequest, ProtocolError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ProtocolError::Handshake(format!("not JSON ({e})")))?;
    let object = value
        .as_object()
        .ok_or_else(|| ProtocolError::Handshake("not a JSON object".into()))?;
    let protocol = object
        .get("protocol")
        .and_then(Value::as_str)
        .ok_or_else(|| ProtocolError::Handshake("no string `protocol`".into()))?;
    let version = object
        .get("version")
        .and_then(Value::as_i64)
        .ok_or_else(|| ProtocolError::Handshake("no integer `version`".into()))?;
    Ok(HandshakeRequest {
        protocol: protocol.to_owned(),
        version,
    })
}

/// The handshake answer: `{}` when accepted, `{"error": ...}` otherwise, ended by `0x1e`.
pub fn handshake_response(error: Option<&str>) -> Vec<u8> {
    let mut out = match error {
        None => b"{}".to_vec(),
        Some(error) => json!({ "error": error }).to_string().into_bytes(),
    };
    out.push(RECORD_SEPARATOR);
    out
}

/// How a completed invocation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// No result (a `void` method).
    Void,
    /// A result value.
    Result(Value),
    /// An error message.
    Error(String),
}

/// One hub message. Values are held as JSON; MessagePack values convert to JSON (binary as an
/// array of bytes, extension types as `null`).
#[derive(Debug, Clone, PartialEq)]
pub enum HubMessage {
    /// Type 1: a method call, with an id when the caller wants a completion.
    Invocation {
        /// The id the completion answers, if one is wanted.
        invocation_id: Option<String>,
        /// The method name.
        target: String,
        /// The arguments.
        arguments: Vec<Value>,
        /// Ids of the streams the caller uploads as arguments.
        stream_ids: Vec<String>,
    },
    /// Type 2: one item of a stream.
    StreamItem {
        /// The stream's invocation id.
        invocation_id: String,
        /// The item.
        item: Value,
    },
    /// Type 3: the end of an invocation.
    Completion {
        /// The invocation answered.
        invocation_id: String,
        /// Its outcome.
        outcome: Outcome,
    },
    /// Type 4: a streaming method call.
    StreamInvocation {
        /// The stream's id.
        invocation_id: String,
        /// The method name.
        target: String,
        /// The arguments.
        arguments: Vec<Value>,
        /// Ids of uploaded streams.
        stream_ids: Vec<String>,
    },
    /// Type 5: stop a stream.
    CancelInvocation {
        /// The stream's id.
        invocation_id: String,
    },
    /// Type 6: keep-alive.
    Ping,
    /// Type 7: the connection ends.
    Close {
        /// Why, if it is an error.
        error: Option<String>,
        /// Whether the client may reconnect.
        allow_reconnect: bool,
    },
    /// Type 8: stateful reconnect acknowledgement.
    Ack {
        /// The last sequence id received.
        sequence_id: i64,
    },
    /// Type 9: stateful reconnect sequence.
    Sequence {
        /// The next sequence id.
        sequence_id: i64,
    },
}

impl HubMessage {
    /// An invocation with no id (a message the server sends to clients).
    pub fn invocation(target: impl Into<String>, arguments: Vec<Value>) -> Self {
        HubMessage::Invocation {
            invocation_id: None,
            target: target.into(),
            arguments,
            stream_ids: Vec::new(),
        }
    }

    /// A close message with an optional error.
    pub fn close(error: Option<String>) -> Self {
        HubMessage::Close {
            error,
            allow_reconnect: false,
        }
    }
}

/// Splits a byte stream into the frames of one protocol, holding an unfinished frame until the
/// rest arrives.
#[derive(Debug)]
pub struct FrameReader {
    protocol: Protocol,
    limit: usize,
    buffer: Vec<u8>,
}

impl FrameReader {
    /// A reader for `protocol` refusing frames over `limit` bytes.
    pub fn new(protocol: Protocol, limit: usize) -> Self {
        Self {
            protocol,
            limit,
            buffer: Vec::new(),
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// Whether bytes of an unfinished frame are held.
    pub fn has_partial(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// The next whole frame (without its separator or length prefix), `None` if more bytes are
    /// needed.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, ProtocolError> {
        match self.protocol {
            Protocol::Json => match self.buffer.iter().position(|&b| b == RECORD_SEPARATOR) {
                Some(end) => {
                    if end > self.limit {
                        return Err(ProtocolError::TooLarge {
                            size: end,
                            limit: self.limit,
                        });
                    }
                    let frame = self.buffer[..end].to_vec();
                    self.buffer.drain(..=end);
                    Ok(Some(frame))
                }
                None if self.buffer.len() > self.limit => Err(ProtocolError::TooLarge {
                    size: self.buffer.len(),
                    limit: self.limit,
                }),
                None => Ok(None),
            },
            Protocol::MessagePack => {
                let Some((length, prefix)) = read_varint(&self.buffer)? else {
                    return Ok(None);
                };
                if length > self.limit {
                    return Err(ProtocolError::TooLarge {
                        size: length,
                        limit: self.limit,
                    });
                }
                if self.buffer.len() < prefix + length {
                    return Ok(None);
                }
                let frame = self.buffer[prefix..prefix + length].to_vec();
                self.buffer.drain(..prefix + length);
                Ok(Some(frame))
            }
        }
    }
}

/// Reads the varint length prefix of the binary framing: 7 bits a byte, low bits first, at most
/// 5 bytes, at most `i32::MAX`. Answers the length and the prefix's size, or `None` if the prefix
/// is not complete yet.
pub fn read_varint(bytes: &[u8]) -> Result<Option<(usize, usize)>, ProtocolError> {
    let mut length: u64 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(5) {
        length |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if length > i32::MAX as u64 {
                return Err(malformed("length prefix over 2 GiB"));
            }
            return Ok(Some((length as usize, i + 1)));
        }
        if i == 4 {
            return Err(malformed("length prefix longer than 5 bytes"));
        }
    }
    Ok(None)
}

/// Writes a varint length prefix.
pub fn write_varint(mut length: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (length & 0x7f) as u8;
        length >>= 7;
        if length == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Parses one JSON record (without its `0x1e`).
pub fn decode_json(frame: &[u8]) -> Result<HubMessage, ProtocolError> {
    let value: Value =
        serde_json::from_slice(frame).map_err(|e| malformed(format!("not JSON ({e})")))?;
    let Value::Object(object) = value else {
        return Err(malformed("not a JSON object"));
    };
    let kind = object
        .get("type")
        .and_then(Value::as_i64)
        .ok_or_else(|| malformed("no integer `type`"))?;
    let string = |name: &str| -> Result<String, ProtocolError> {
        object
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| malformed(format!("no string `{name}`")))
    };
    let optional_string = |name: &str| -> Result<Option<String>, ProtocolError> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(malformed(format!("`{name}` is not a string"))),
        }
    };
    let arguments = || -> Result<Vec<Value>, ProtocolError> {
        match object.get("arguments") {
            Some(Value::Array(items)) => Ok(items.clone()),
            _ => Err(malformed("no array `arguments`")),
        }
    };
    let stream_ids = || -> Result<Vec<String>, ProtocolError> {
        match object.get("streamIds") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| malformed("`streamIds` holds a non-string"))
                })
                .collect(),
            Some(_) => Err(malformed("`streamIds` is not an array")),
        }
    };
    let sequence_id = || -> Result<i64, ProtocolError> {
        object
            .get("sequenceId")
            .and_then(Value::as_i64)
            .ok_or_else(|| malformed("no integer `sequenceId`"))
    };
    Ok(match kind {
        1 => HubMessage::Invocation {
            invocation_id: optional_string("invocationId")?,
            target: string("target")?,
            arguments: arguments()?,
            stream_ids: stream_ids()?,
        },
        2 => HubMessage::StreamItem {
            invocation_id: string("invocationId")?,
            item: object.get("item").cloned().unwrap_or(Value::Null),
        },
        3 => {
            let invocation_id = string("invocationId")?;
            let outcome = match (optional_string("error")?, object.get("result")) {
                (Some(error), _) => Outcome::Error(error),
                (None, Some(result)) => Outcome::Result(result.clone()),
                (None, None) => Outcome::Void,
            };
            HubMessage::Completion {
                invocation_id,
                outcome,
            }
        }
        4 => HubMessage::StreamInvocation {
            invocation_id: string("invocationId")?,
            target: string("target")?,
            arguments: arguments()?,
            stream_ids: stream_ids()?,
        },
        5 => HubMessage::CancelInvocation {
            invocation_id: string("invocationId")?,
        },
        6 => HubMessage::Ping,
        7 => HubMessage::Close {
            error: optional_string("error")?,
            allow_reconnect: object
                .get("allowReconnect")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        8 => HubMessage::Ack {
            sequence_id: sequence_id()?,
        },
        9 => HubMessage::Sequence {
            sequence_id: sequence_id()?,
        },
        other => return Err(ProtocolError::UnknownType(other)),
    })
}

/// Writes one JSON record, `0x1e` included.
pub fn encode_json(message: &HubMessage) -> Vec<u8> {
    let mut object = Map::new();
    let mut put = |k: &str, v: Value| {
        object.insert(k.to_owned(), v);
    };
    match message {
        HubMessage::Invocation {
            invocation_id,
            target,
            arguments,
            stream_ids,
        } => {
            put("type", json!(1));
            if let Some(id) = invocation_id {
                put("invocationId", json!(id));
            }
            put("target", json!(target));
            put("arguments", Value::Array(arguments.clone()));
            if !stream_ids.is_empty() {
                put("streamIds", json!(stream_ids));
            }
        }
        HubMessage::StreamItem {
            invocation_id,
            item,
        } => {
            put("type", json!(2));
            put("invocationId", json!(invocation_id));
            put("item", item.clone());
        }
        HubMessage::Completion {
            invocation_id,
            outcome,
        } => {
            put("type", json!(3));
            put("invocationId", json!(invocation_id));
            match outcome {
                Outcome::Void => {}
                Outcome::Result(value) => put("result", value.clone()),
                Outcome::Error(error) => put("error", json!(error)),
            }
        }
        HubMessage::StreamInvocation {
            invocation_id,
            target,
            arguments,
            stream_ids,
        } => {
            put("type", json!(4));
            put("invocationId", json!(invocation_id));
            put("target", json!(target));
            put("arguments", Value::Array(arguments.clone()));
            if !stream_ids.is_empty() {
                put("streamIds", json!(stream_ids));
            }
        }
        HubMessage::CancelInvocation { invocation_id } => {
            put("type", json!(5));
            put("invocationId", json!(invocation_id));
        }
        HubMessage::Ping => put("type", json!(6)),
        HubMessage::Close {
            error,
            allow_reconnect,
        } => {
            put("type", json!(7));
            if let Some(error) = error {
                put("error", json!(error));
            }
            if *allow_reconnect {
                put("allowReconnect", json!(true));
            }
        }
        HubMessage::Ack { sequence_id } => {
            put("type", json!(8));
            put("sequenceId", json!(sequence_id));
        }
        HubMessage::Sequence { sequence_id } => {
            put("type", json!(9));
            put("sequenceId", json!(sequence_id));
        }
    }
    let mut out = Value::Object(object).to_string().into_bytes();
    out.push(RECORD_SEPARATOR);
    out
}

/// Parses one MessagePack message (without its length prefix).
pub fn decode_msgpack(frame: &[u8]) -> Result<HubMessage, ProtocolError> {
    let mut reader = frame;
    let value = rmpv::decode::read_value_with_max_depth(&mut reader, MAX_MSGPACK_DEPTH)
        .map_err(|e| malformed(format!("not MessagePack ({e})")))?;
    if !reader.is_empty() {
        return Err(malformed("bytes after the message"));
    }
    let rmpv::Value::Array(items) = value else {
        return Err(malformed("not a MessagePack array"));
    };
    let kind = items
        .first()
        .and_then(rmpv::Value::as_i64)
        .ok_or_else(|| malformed("no integer message type"))?;
    let at = |i: usize| -> Result<&rmpv::Value, ProtocolError> {
        items
            .get(i)
            .ok_or_else(|| malformed(format!("message type {kind} has no item {i}")))
    };
    let string = |i: usize| -> Result<String, ProtocolError> {
        at(i)?
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| malformed(format!("item {i} is not a string")))
    };
    let optional_string = |i: usize| -> Result<Option<String>, ProtocolError> {
        match items.get(i) {
            None | Some(rmpv::Value::Nil) => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| malformed(format!("item {i} is not a string"))),
        }
    };
    let array = |i: usize| -> Result<Vec<Value>, ProtocolError> {
        match at(i)? {
            rmpv::Value::Array(values) => Ok(values.iter().map(msgpack_to_json).collect()),
            _ => Err(malformed(format!("item {i} is not an array"))),
        }
    };
    let string_array = |i: usize| -> Result<Vec<String>, ProtocolError> {
        match items.get(i) {
            None | Some(rmpv::Value::Nil) => Ok(Vec::new()),
            Some(rmpv::Value::Array(values)) => values
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| malformed("stream ids hold a non-string"))
                })
                .collect(),
            Some(_) => Err(malformed(format!("item {i} is not an array"))),
        }
    };
    let integer = |i: usize| -> Result<i64, ProtocolError> {
        at(i)?
            .as_i64()
            .ok_or_else(|| malformed(format!("item {i} is not an integer")))
    };
    Ok(match kind {
        1 => HubMessage::Invocation {
            invocation_id: optional_string(2)?,
            target: string(3)?,
            arguments: array(4)?,
            stream_ids: string_array(5)?,
        },
        2 => HubMessage::StreamItem {
            invocation_id: string(2)?,
            item: msgpack_to_json(at(3)?),
        },
        3 => {
            let invocation_id = string(2)?;
            let outcome = match integer(3)? {
                1 => Outcome::Error(string(4)?),
                2 => Outcome::Void,
                3 => Outcome::Result(msgpack_to_json(at(4)?)),
                other => return Err(malformed(format!("unknown completion kind {other}"))),
            };
            HubMessage::Completion {
                invocation_id,
                outcome,
            }
        }
        4 => HubMessage::StreamInvocation {
            invocation_id: string(2)?,
            target: string(3)?,
            arguments: array(4)?,
            stream_ids: string_array(5)?,
        },
        5 => HubMessage::CancelInvocation {
            invocation_id: string(2)?,
        },
        6 => HubMessage::Ping,
        7 => HubMessage::Close {
            error: optional_string(1)?,
            allow_reconnect: items.get(2).and_then(rmpv::Value::as_bool).unwrap_or(false),
        },
        8 => HubMessage::Ack {
            sequence_id: integer(1)?,
        },
        9 => HubMessage::Sequence {
            sequence_id: integer(1)?,
        },
        other => return Err(ProtocolError::UnknownType(other)),
    })
}

/// Writes one MessagePack message, length prefix included.
pub fn encode_msgpack(message: &HubMessage) -> Vec<u8> {
    use rmpv::Value as M;
    let headers = || M::Map(Vec::new());
    let string = |s: &str| M::String(s.into());
    let values = |v: &[Value]| M::Array(v.iter().map(json_to_msgpack).collect());
    let strings = |v: &[String]| M::Array(v.iter().map(|s| string(s)).collect());
    let array = match message {
        HubMessage::Invocation {
            invocation_id,
            target,
            arguments,
            stream_ids,
        } => {
            let mut items = vec![
                M::from(1),
                headers(),
                invocation_id.as_deref().map_or(M::Nil, string),
                string(target),
                values(arguments),
            ];
            if !stream_ids.is_empty() {
                items.push(strings(stream_ids));
            }
            items
        }
        HubMessage::StreamItem {
            invocation_id,
            item,
        } => vec![
            M::from(2),
            headers(),
            string(invocation_id),
            json_to_msgpack(item),
        ],
        HubMessage::Completion {
            invocation_id,
            outcome,
        } => {
            let mut items = vec![M::from(3), headers(), string(invocation_id)];
            match outcome {
                Outcome::Error(error) => items.extend([M::from(1), string(error)]),
                Outcome::Void => items.push(M::from(2)),
                Outcome::Result(value) => items.extend([M::from(3), json_to_msgpack(value)]),
            }
            items
        }
        HubMessage::StreamInvocation {
            invocation_id,
            target,
            arguments,
            stream_ids,
        } => {
            let mut items = vec![
                M::from(4),
                headers(),
                string(invocation_id),
                string(target),
                values(arguments),
            ];
            if !stream_ids.is_empty() {
                items.push(strings(stream_ids));
            }
            items
        }
        HubMessage::CancelInvocation { invocation_id } => {
            vec![M::from(5), headers(), string(invocation_id)]
        }
        HubMessage::Ping => vec![M::from(6)],
        HubMessage::Close {
            error,
            allow_reconnect,
        } => vec![
            M::from(7),
            error.as_deref().map_or(M::Nil, string),
            M::Boolean(*allow_reconnect),
        ],
        HubMessage::Ack { sequence_id } => vec![M::from(8), M::from(*sequence_id)],
        HubMessage::Sequence { sequence_id } => vec![M::from(9), M::from(*sequence_id)],
    };
    let mut body = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut body, &M::Array(array));
    frame_binary(&body)
}

/// Prefixes a MessagePack message with its length.
pub fn frame_binary(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 5);
    write_varint(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

/// Encodes a message in a protocol, framing included.
pub fn encode(protocol: Protocol, message: &HubMessage) -> Vec<u8> {
    match protocol {
        Protocol::Json => encode_json(message),
        Protocol::MessagePack => encode_msgpack(message),
    }
}

/// Decodes one frame of a protocol.
pub fn decode(protocol: Protocol, frame: &[u8]) -> Result<HubMessage, ProtocolError> {
    match protocol {
        Protocol::Json => decode_json(frame),
        Protocol::MessagePack => decode_msgpack(frame),
    }
}

/// Converts a MessagePack value to JSON: binary becomes an array of bytes, extension types and
/// non-finite floats `null`, map keys their string form.
pub fn msgpack_to_json(value: &rmpv::Value) -> Value {
    use rmpv::Value as M;
    match value {
        M::Nil | M::Ext(..) => Value::Null,
        M::Boolean(b) => Value::Bool(*b),
        M::Integer(i) => i
            .as_i64()
            .map(Value::from)
            .or_else(|| i.as_u64().map(Value::from))
            .unwrap_or(Value::Null),
        M::F32(f) => serde_json::Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number),
        M::F64(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        M::String(s) => Value::String(s.as_str().map_or_else(
            || String::from_utf8_lossy(s.as_bytes()).into_owned(),
            str::to_owned,
        )),
        M::Binary(bytes) => Value::Array(bytes.iter().map(|&b| Value::from(b)).collect()),
        M::Array(items) => Value::Array(items.iter().map(msgpack_to_json).collect()),
        M::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        M::String(s) => s.as_str().unwrap_or_default().to_owned(),
                        other => other.to_string(),
                    };
                    (key, msgpack_to_json(v))
                })
                .collect(),
        ),
    }
}

/// Converts a JSON value to MessagePack.
pub fn json_to_msgpack(value: &Value) -> rmpv::Value {
    use rmpv::Value as M;
    match value {
        Value::Null => M::Nil,
        Value::Bool(b) => M::Boolean(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                M::from(i)
            } else if let Some(u) = n.as_u64() {
                M::from(u)
            } else {
                M::F64(n.as_f64().unwrap_or_default())
            }
        }
        Value::String(s) => M::String(s.as_str().into()),
        Value::Array(items) => M::Array(items.iter().map(json_to_msgpack).collect()),
        Value::Object(map) => M::Map(
            map.iter()
                .map(|(k, v)| (M::String(k.as_str().into()), json_to_msgpack(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample_messages() -> Vec<HubMessage> {
        vec![
            HubMessage::Invocation {
                invocation_id: Some("1".into()),
                target: "send".into(),
                arguments: vec![json!("a"), json!({"b": [1, 2.5, null, true]})],
                stream_ids: vec!["s".into()],
            },
            HubMessage::invocation("broadcast", vec![]),
            HubMessage::StreamItem {
                invocation_id: "2".into(),
                item: json!(42),
            },
            HubMessage::Completion {
                invocation_id: "3".into(),
                outcome: Outcome::Void,
            },
            HubMessage::Completion {
                invocation_id: "4".into(),
                outcome: Outcome::Result(json!("r")),
            },
            HubMessage::Completion {
                invocation_id: "5".into(),
                outcome: Outcome::Error("boom".into()),
            },
            HubMessage::StreamInvocation {
                invocation_id: "6".into(),
                target: "counter".into(),
                arguments: vec![json!(3)],
                stream_ids: vec![],
            },
            HubMessage::CancelInvocation {
                invocation_id: "7".into(),
            },
            HubMessage::Ping,
            HubMessage::close(Some("bye".into())),
            HubMessage::close(None),
            HubMessage::Ack { sequence_id: 9 },
            HubMessage::Sequence { sequence_id: 10 },
        ]
    }

    #[test]
    fn json_round_trips_every_message_type() {
        for message in sample_messages() {
            let bytes = encode_json(&message);
            assert_eq!(bytes.last(), Some(&RECORD_SEPARATOR));
            let decoded = decode_json(&bytes[..bytes.len() - 1]).unwrap();
            assert_eq!(decoded, message);
        }
    }

    #[test]
    fn msgpack_round_trips_every_message_type() {
        for message in sample_messages() {
            let bytes = encode_msgpack(&message);
            let mut reader = FrameReader::new(Protocol::MessagePack, 1 << 20);
            reader.push(&bytes);
            let frame = reader.next_frame().unwrap().unwrap();
            assert_eq!(decode_msgpack(&frame).unwrap(), message);
            assert!(!reader.has_partial());
        }
    }

    #[test]
    fn json_matches_the_protocol_document() {
        let ping = decode_json(br#"{"type":6}"#).unwrap();
        assert_eq!(ping, HubMessage::Ping);
        let invocation = decode_json(
            br#"{"type":1,"invocationId":"123","target":"Send","arguments":[42,"Test Message"]}"#,
        )
        .unwrap();
        assert_eq!(
            invocation,
            HubMessage::Invocation {
                invocation_id: Some("123".into()),
                target: "Send".into(),
                arguments: vec![json!(42), json!("Test Message")],
                stream_ids: vec![],
            }
        );
        assert_eq!(
            encode_json(&HubMessage::close(Some("x".into()))),
            b"{\"error\":\"x\",\"type\":7}\x1e".to_vec()
        );
    }

    #[test]
    fn unknown_types_and_bad_fields_are_errors() {
        assert_eq!(
            decode_json(br#"{"type":99}"#),
            Err(ProtocolError::UnknownType(99))
        );
        assert!(matches!(
            decode_json(br#"{"type":1,"target":5,"arguments":[]}"#),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            decode_json(b"[1]"),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            decode_msgpack(&[0x91, 0x63]),
            Err(ProtocolError::UnknownType(99))
        ));
    }

    #[test]
    fn handshake_parses_and_answers() {
        let request = parse_handshake(br#"{"protocol":"messagepack","version":1}"#).unwrap();
        assert_eq!(request.protocol, "messagepack");
        assert_eq!(request.version, 1);
        assert!(parse_handshake(b"{\"protocol\":1}").is_err());
        assert_eq!(handshake_response(None), b"{}\x1e".to_vec());
        assert_eq!(
            handshake_response(Some("no")),
            b"{\"error\":\"no\"}\x1e".to_vec()
        );
    }

    #[test]
    fn frame_reader_splits_and_holds_partial_frames() {
        let mut reader = FrameReader::new(Protocol::Json, 16);
        reader.push(b"{\"type\":6}\x1e{\"ty");
        assert_eq!(
            reader.next_frame().unwrap().unwrap(),
            b"{\"type\":6}".to_vec()
        );
        assert_eq!(reader.next_frame().unwrap(), None);
        reader.push(b"pe\":6}\x1e");
        assert_eq!(
            reader.next_frame().unwrap().unwrap(),
            b"{\"type\":6}".to_vec()
        );
        reader.push(&[b'x'; 17]);
        assert!(matches!(
            reader.next_frame(),
            Err(ProtocolError::TooLarge { .. })
        ));

        let mut binary = FrameReader::new(Protocol::MessagePack, 100);
        binary.push(&[0xff, 0x01]);
        assert!(matches!(
            binary.next_frame(),
            Err(ProtocolError::TooLarge { size: 255, .. })
        ));
    }

    #[test]
    fn varint_matches_the_transport_document() {
        for (length, bytes) in [
            (0usize, vec![0x00]),
            (127, vec![0x7f]),
            (128, vec![0x80, 0x01]),
            (16384, vec![0x80, 0x80, 0x01]),
        ] {
            let mut out = Vec::new();
            write_varint(length, &mut out);
            assert_eq!(out, bytes);
            assert_eq!(read_varint(&bytes).unwrap(), Some((length, bytes.len())));
        }
        assert_eq!(read_varint(&[0x80]).unwrap(), None);
        assert!(read_varint(&[0x80, 0x80, 0x80, 0x80, 0x80]).is_err());
        assert!(read_varint(&[0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    }

    /// A decoded message re-encodes to bytes that decode to the same encoding.
    fn assert_round_trip(protocol: Protocol, message: &HubMessage) {
        let encoded = encode(protocol, message);
        let mut reader = FrameReader::new(protocol, usize::MAX);
        reader.push(&encoded);
        let frame = reader.next_frame().unwrap().unwrap();
        let decoded = decode(protocol, &frame).unwrap();
        assert_eq!(encode(protocol, &decoded), encoded);
    }

    proptest! {
        #[test]
        fn any_bytes_decode_to_a_message_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode_json(&bytes);
            let _ = decode_msgpack(&bytes);
            let _ = parse_handshake(&bytes);
            for protocol in [Protocol::Json, Protocol::MessagePack] {
                let mut reader = FrameReader::new(protocol, 64);
                reader.push(&bytes);
                while let Ok(Some(frame)) = reader.next_frame() {
                    if let Ok(message) = decode(protocol, &frame) {
                        assert_round_trip(protocol, &message);
                    }
                }
            }
        }

        #[test]
        fn json_text_decodes_or_errors(text in "\\{\"type\":[0-9]{1,2}(,\"(invocationId|target|arguments|result|error|item|streamIds|sequenceId|allowReconnect)\":(\"[a-z]*\"|[0-9]{1,3}|\\[\\]|null|true))*\\}") {
            if let Ok(message) = decode_json(text.as_bytes()) {
                assert_round_trip(Protocol::Json, &message);
            }
        }

        #[test]
        fn frames_do_not_depend_on_how_bytes_are_split(
            messages in proptest::collection::vec((0usize..13, "[a-z]{0,8}"), 1..8),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let samples = sample_messages();
            for protocol in [Protocol::Json, Protocol::MessagePack] {
                let mut stream = Vec::new();
                let mut expected = Vec::new();
                for (i, text) in &messages {
                    let message = match samples[*i].clone() {
                        HubMessage::Invocation { invocation_id, arguments, stream_ids, .. } => {
                            HubMessage::Invocation { invocation_id, target: text.clone(), arguments, stream_ids }
                        }
                        other => other,
                    };
                    stream.extend(encode(protocol, &message));
                    expected.push(message);
                }
                let mut points: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
                points.sort_unstable();
                let mut reader = FrameReader::new(protocol, 1 << 20);
                let mut got = Vec::new();
                let mut start = 0;
                for end in points.into_iter().chain([stream.len()]) {
                    reader.push(&stream[start..end]);
                    start = end;
                    while let Some(frame) = reader.next_frame().unwrap() {
                        got.push(decode(protocol, &frame).unwrap());
                    }
                }
                prop_assert_eq!(&got, &expected);
                prop_assert!(!reader.has_partial());
            }
        }

        #[test]
        fn msgpack_arrays_decode_or_error(kind in 0i64..12, tail in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut bytes = vec![0x96];
            let _ = rmpv::encode::write_value(&mut bytes, &rmpv::Value::from(kind));
            bytes.extend(tail);
            if let Ok(message) = decode_msgpack(&bytes) {
                assert_round_trip(Protocol::MessagePack, &message);
            }
        }
    }
}
