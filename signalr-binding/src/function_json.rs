//! Reusing an Azure Functions `function.json` binding block.
//!
//! People moving a JavaScript, Python or PowerShell function to Rust already have the binding
//! written down:
//!
//! ```json
//! {
//!   "type": "signalRConnectionInfo",
//!   "direction": "in",
//!   "name": "connectionInfo",
//!   "hubName": "chat",
//!   "userId": "{headers.x-ms-client-principal-id}",
//!   "connectionStringSetting": "AzureSignalRConnectionString"
//! }
//! ```
//!
//! [`FunctionJsonBinding::parse`] (or [`str::parse`]) builds the same binding from that block,
//! or from a whole `function.json` with exactly one such block. Property names match
//! case-insensitively, as the Functions host reads them; an unknown property is an error that
//! suggests the closest known one, so a typo does not silently drop a property.
//!
//! The values are templates in the same language as the attribute's, `%NAME%` anywhere in a
//! value included (`"hubName": "%PREFIX%_chat"`). `function.json` has no property that
//! configures id-token verification, so a value that reads a claim of the id token
//! (`{id_token.sub}`) is a [`ConfigError::UnverifiedIdTokenClaims`]: build such a binding with
//! [`ConnectionInfoBinding::builder`] and `verify_id_token`.
//!
//! A `"type": "signalRNegotiation"` block ([`NEGOTIATION_BINDING_TYPE`]) takes the same
//! properties and builds a binding that reads several endpoints
//! ([`multiple_endpoints`](ConnectionInfoBindingBuilder::multiple_endpoints)); answer it with
//! [`ConnectionInfoBinding::negotiate`] ([`FunctionJsonBinding::negotiation`] says which).

use std::str::FromStr;

use serde_json::{Map, Value};
use signalr_binding_expression::{closest, validate_setting_name};

use crate::binding::ConnectionInfoBinding;
use crate::builder::ConnectionInfoBindingBuilder;
use crate::error::ConfigError;

/// The binding type this crate implements, as `function.json` spells it.
pub const BINDING_TYPE: &str = "signalRConnectionInfo";

/// The binding type of connection info for every endpoint (Azure's `SignalRNegotiation`), as
/// `function.json` spells it.
pub const NEGOTIATION_BINDING_TYPE: &str = "signalRNegotiation";

/// Whether `kind` is one of this crate's binding types.
fn is_ours(kind: &str) -> bool {
    kind.eq_ignore_ascii_case(BINDING_TYPE) || kind.eq_ignore_ascii_case(NEGOTIATION_BINDING_TYPE)
}

/// The properties a block may have.
const PROPERTIES: [&str; 8] = [
    "type",
    "direction",
    "name",
    "hubName",
    "connectionStringSetting",
    "userId",
    "idToken",
    "claimTypeList",
];

/// A binding read from `function.json`, with the parameter name it is given to.
#[derive(Debug, Clone)]
pub struct FunctionJsonBinding {
    /// The block's `name`: which handler parameter receives the value.
    pub name: Option<String>,
    /// The binding.
    pub binding: ConnectionInfoBinding,
    /// Whether the block is a `signalRNegotiation` one: the handler receives
    /// [`binding.negotiate(...)`](ConnectionInfoBinding::negotiate), connection info for
    /// every endpoint, rather than `binding.resolve(...)`.
    pub negotiation: bool,
}

impl FunctionJsonBinding {
    /// Builds a binding from a `function.json` binding block, or from a whole `function.json`
    /// (`{"bindings": [...]}`) that has exactly one `signalRConnectionInfo` input binding.
    /// `str::parse` does the same ([`FromStr`]).
    ///
    /// ```
    /// use signalr_binding::FunctionJsonBinding;
    ///
    /// let found = FunctionJsonBinding::parse(r#"{
    ///     "type": "signalRConnectionInfo", "direction": "in", "name": "connectionInfo",
    ///     "hubName": "chat", "userId": "{headers.x-ms-client-principal-id}"
    /// }"#)?;
    /// assert_eq!(found.name.as_deref(), Some("connectionInfo"));
    /// assert_eq!(found.binding.connection_string_setting(), "AzureSignalRConnectionString");
    /// # Ok::<(), signalr_binding::ConfigError>(())
    /// ```
    pub fn parse(json: &str) -> Result<Self, ConfigError> {
        let value: Value = serde_json::from_str(json)
            .map_err(|error| invalid("(document)", format!("not valid JSON: {error}")))?;
        let Value::Object(object) = value else {
            return Err(invalid("(document)", "expected a JSON object"));
        };
        match field(&object, "bindings") {
            Some((_, Value::Array(bindings))) => {
                let mut ours = bindings.iter().filter(|b| {
                    b.as_object()
                        .and_then(|b| field(b, "type"))
                        .and_then(|(_, t)| t.as_str())
                        .is_some_and(is_ours)
                });
                match (ours.next(), ours.next()) {
                    (Some(Value::Object(block)), None) => from_block(block),
                    (None, _) => Err(invalid(
                        "bindings",
                        format!("no binding has \"type\": \"{BINDING_TYPE}\""),
                    )),
                    (Some(_), _) => Err(invalid(
                        "bindings",
                        format!(
                            "several bindings have \"type\": \"{BINDING_TYPE}\"; \
                             pass the one you want as a block"
                        ),
                    )),
                }
            }
            Some((key, _)) => Err(invalid(key, "expected an array of binding blocks")),
            None => from_block(&object),
        }
    }
}

impl FromStr for FunctionJsonBinding {
    type Err = ConfigError;

    fn from_str(json: &str) -> Result<Self, ConfigError> {
        Self::parse(json)
    }
}

fn from_block(block: &Map<String, Value>) -> Result<FunctionJsonBinding, ConfigError> {
    for key in block.keys() {
        if !PROPERTIES
            .iter()
            .any(|known| known.eq_ignore_ascii_case(key))
        {
            let known = PROPERTIES.join(", ");
            let message = match closest(key.trim(), PROPERTIES) {
                Some(property) => {
                    format!("unknown property; did you mean `{property}`? Known: {known}")
                }
                None => format!("unknown property; known: {known}"),
            };
            return Err(invalid(key, message));
        }
    }
    let kind = string(block, "type")?.ok_or_else(|| {
        invalid(
            "type",
            format!("missing; write \"type\": \"{BINDING_TYPE}\""),
        )
    })?;
    if !is_ours(kind) {
        return Err(invalid(
            "type",
            format!(
                "is \"{kind}\"; this binding is \"{BINDING_TYPE}\" (or \
                 \"{NEGOTIATION_BINDING_TYPE}\" for every endpoint)"
            ),
        ));
    }
    let negotiation = kind.eq_ignore_ascii_case(NEGOTIATION_BINDING_TYPE);
    if let Some(direction) = string(block, "direction")?
        && !direction.eq_ignore_ascii_case("in")
    {
        return Err(invalid(
            "direction",
            format!("is \"{direction}\"; connection info is an input binding: write \"in\""),
        ));
    }
    let hub_name = string(block, "hubName")?.ok_or_else(|| {
        invalid(
            "hubName",
            "missing; name the hub, e.g. \"hubName\": \"chat\"",
        )
    })?;
    let mut builder: ConnectionInfoBindingBuilder = ConnectionInfoBinding::builder(hub_name);
    if let Some((key, _)) = field(block, "connectionStringSetting")
        && let Some(setting) = string(block, "connectionStringSetting")?
    {
        validate_setting_name(setting).map_err(|error| invalid(key, error.to_string()))?;
        builder = builder.connection_string_setting(setting);
    }
    if let Some(user_id) = string(block, "userId")? {
        builder = builder.user_id(user_id);
    }
    if let Some(id_token) = string(block, "idToken")? {
        builder = builder.id_token(id_token);
    }
    if let Some((key, list)) = field(block, "claimTypeList") {
        let Value::Array(items) = list else {
            return Err(invalid(
                key,
                "expected an array of strings, e.g. [\"name\", \"email\"]",
            ));
        };
        let types = items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                invalid(
                    key,
                    "expected an array of strings, e.g. [\"name\", \"email\"]",
                )
            })?;
        builder = builder.claim_types(types);
    }
    if negotiation {
        builder = builder.multiple_endpoints();
    }
    let name = string(block, "name")?.map(str::to_owned);
    let binding = builder.build()?;
    Ok(FunctionJsonBinding {
        name,
        binding,
        negotiation,
    })
}

/// The entry for `name`, matched case-insensitively, with the key as written.
fn field<'m>(object: &'m Map<String, Value>, name: &str) -> Option<(&'m str, &'m Value)> {
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(key, value)| (key.as_str(), value))
}

/// The string property `name`, if present.
fn string<'m>(object: &'m Map<String, Value>, name: &str) -> Result<Option<&'m str>, ConfigError> {
    match field(object, name) {
        None | Some((_, Value::Null)) => Ok(None),
        Some((_, Value::String(text))) => Ok(Some(text)),
        Some((key, other)) => Err(invalid(key, format!("expected a string, found {other}"))),
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::FunctionJson {
        field: field.to_owned(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signalr_binding_expression::{Part, Template};

    fn error_field(json: &str) -> String {
        match FunctionJsonBinding::parse(json) {
            Err(ConfigError::FunctionJson { field, .. }) => field,
            other => panic!("{json}: {other:?}"),
        }
    }

    #[test]
    fn a_negotiation_block_reads_every_endpoint() {
        let found = FunctionJsonBinding::parse(
            r#"{"bindings":[
                {"type":"httpTrigger","direction":"in","name":"req"},
                {"type":"signalRNegotiation","direction":"in","name":"negotiationContext",
                 "hubName":"chat","userId":"{headers.x-ms-client-principal-id}"}]}"#,
        )
        .unwrap();
        assert!(found.negotiation);
        assert_eq!(found.name.as_deref(), Some("negotiationContext"));
        let settings = std::collections::HashMap::from([
            (
                "AzureSignalRConnectionString".to_owned(),
                "Endpoint=https://a;AccessKey=k".to_owned(),
            ),
            (
                "Azure:SignalR:Endpoints:b".to_owned(),
                "Endpoint=https://b;AccessKey=k".to_owned(),
            ),
        ]);
        let request = http::Request::get("/")
            .header("x-ms-client-principal-id", "ann")
            .body(())
            .unwrap();
        let negotiation = found
            .binding
            .negotiate_with(Some(&request), &settings, &crate::SystemClock)
            .unwrap();
        assert_eq!(negotiation.endpoints.len(), 2);
        let plain =
            FunctionJsonBinding::parse(r#"{"type":"signalRConnectionInfo","hubName":"chat"}"#)
                .unwrap();
        assert!(!plain.negotiation);
    }

    #[test]
    fn a_full_block_builds_the_same_binding_as_the_builder() {
        let found = FunctionJsonBinding::parse(
            r#"{"type":"signalRConnectionInfo","direction":"in","name":"connectionInfo",
                "hubName":"chat","userId":"{headers.x-ms-client-principal-id}",
                "idToken":"{headers.authorization}","claimTypeList":["name","email"],
                "connectionStringSetting":"MySignalR"}"#,
        )
        .unwrap();
        assert_eq!(found.name.as_deref(), Some("connectionInfo"));
        let b = found.binding;
        assert_eq!(b.hub_name().as_literal(), Some("chat"));
        assert_eq!(b.connection_string_setting(), "MySignalR");
        assert_eq!(
            b.user_id().unwrap().parts(),
            [Part::Header("x-ms-client-principal-id".into())]
        );
        assert_eq!(
            b.id_token(),
            Some(&Template::parse("{headers.authorization}").unwrap())
        );
        assert_eq!(b.claim_types().collect::<Vec<_>>(), ["name", "email"]);
    }

    #[test]
    fn a_whole_function_json_is_searched_for_the_one_block() {
        let found = FunctionJsonBinding::parse(
            r#"{"bindings":[
                {"authLevel":"anonymous","type":"httpTrigger","direction":"in","name":"req"},
                {"type":"http","direction":"out","name":"res"},
                {"type":"SignalRConnectionInfo","direction":"in","name":"info","hubName":"chat"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(found.name.as_deref(), Some("info"));
    }

    #[test]
    fn property_names_match_case_insensitively() {
        let found = FunctionJsonBinding::parse(
            r#"{"Type":"signalRConnectionInfo","HubName":"chat","USERID":"{query.u}"}"#,
        )
        .unwrap();
        assert!(found.binding.reads_request());
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(error_field("[]"), "(document)");
        assert_eq!(error_field("{"), "(document)");
        assert_eq!(
            error_field(r#"{"type":"signalRConnectionInfo"}"#),
            "hubName"
        );
        assert_eq!(error_field(r#"{"hubName":"chat"}"#), "type");
        assert_eq!(
            error_field(r#"{"type":"signalR","hubName":"chat"}"#),
            "type"
        );
        assert_eq!(
            error_field(r#"{"type":"signalRConnectionInfo","direction":"out","hubName":"c"}"#),
            "direction"
        );
        assert_eq!(
            error_field(r#"{"type":"signalRConnectionInfo","hubName":3}"#),
            "hubName"
        );
        assert_eq!(
            error_field(r#"{"type":"signalRConnectionInfo","hubName":"c","claimTypeList":"a"}"#),
            "claimTypeList"
        );
        assert_eq!(
            error_field(
                r#"{"type":"signalRConnectionInfo","hubName":"c","connectionStringSetting":"Endpoint=http://x;AccessKey=k"}"#
            ),
            "connectionStringSetting"
        );
        assert_eq!(error_field(r#"{"bindings":[]}"#), "bindings");
        assert_eq!(error_field(r#"{"bindings":{}}"#), "bindings");
    }

    #[test]
    fn an_unknown_property_suggests_the_closest() {
        let error = FunctionJsonBinding::parse(
            r#"{"type":"signalRConnectionInfo","hubName":"c","userid ":"x"}"#,
        )
        .unwrap_err();
        let text = error.to_string();
        assert!(text.contains("`userid `"), "{text}");
        assert!(text.contains("did you mean `userId`?"), "{text}");
        // Nothing close enough: no guess, the known properties.
        let error =
            FunctionJsonBinding::parse(r#"{"type":"signalRConnectionInfo","hubName":"c","x":1}"#)
                .unwrap_err();
        let text = error.to_string();
        assert!(!text.contains("did you mean"), "{text}");
        assert!(text.contains("known: type, direction"), "{text}");
    }

    #[test]
    fn from_str_parses_the_same() {
        let found: FunctionJsonBinding = r#"{"type":"signalRConnectionInfo","hubName":"chat"}"#
            .parse()
            .unwrap();
        assert_eq!(found.binding.hub_name().as_literal(), Some("chat"));
    }

    #[test]
    fn the_connection_string_setting_follows_the_setting_name_rule() {
        for (setting, expected) in [
            ("Endpoint=http://x;AccessKey=k", "never its value"),
            ("%CS%", "write `CS`"),
            (" ", "cannot be part of a setting name"),
            ("", "empty"),
        ] {
            let json = serde_json::json!({
                "type": "signalRConnectionInfo", "hubName": "c", "connectionStringSetting": setting
            });
            let text = FunctionJsonBinding::parse(&json.to_string())
                .unwrap_err()
                .to_string();
            assert!(text.contains(expected), "{setting:?}: {text}");
            assert!(!text.contains("AccessKey=k"), "{text}");
        }
        let ok = r#"{"type":"signalRConnectionInfo","hubName":"c","connectionStringSetting":"ConnectionStrings:Chat"}"#;
        assert!(FunctionJsonBinding::parse(ok).is_ok());
    }

    #[test]
    fn bad_templates_and_rules_are_config_errors() {
        let result = FunctionJsonBinding::parse(
            r#"{"type":"signalRConnectionInfo","hubName":"chat","userId":"{header.x}"}"#,
        );
        assert!(matches!(
            result,
            Err(ConfigError::InvalidTemplate {
                property: "userId",
                ..
            })
        ));
        let result =
            FunctionJsonBinding::parse(r#"{"type":"signalRConnectionInfo","hubName":"9chat"}"#);
        assert!(matches!(result, Err(ConfigError::InvalidHubName(_))));
        let result = FunctionJsonBinding::parse(
            r#"{"type":"signalRConnectionInfo","hubName":"chat","idToken":"{headers.a}"}"#,
        );
        assert_eq!(result.unwrap_err(), ConfigError::IdTokenWithoutClaimTypes);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_a_binding_or_an_error(json in ".{0,120}") {
            let _ = FunctionJsonBinding::parse(&json);
        }

        #[test]
        fn any_block_values_give_a_binding_or_an_error(
            hub in ".{0,20}", user in ".{0,20}", types in proptest::collection::vec(".{0,8}", 0..3)
        ) {
            let json = serde_json::json!({
                "type": "signalRConnectionInfo", "hubName": hub, "userId": user,
                "idToken": "{headers.authorization}", "claimTypeList": types,
            });
            let _ = FunctionJsonBinding::parse(&json.to_string());
        }
    }
}
