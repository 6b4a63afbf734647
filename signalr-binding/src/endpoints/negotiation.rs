//! The `SignalRNegotiation` value: connection info for every endpoint, in the shape of the
//! Functions extension's `SignalRNegotiation`
//! (`Bindings/SignalRInputBindings/SignalRMultiConnectionInfoBinding`).

use serde::{Deserialize, Serialize};

use super::EndpointType;
use crate::connection_info::SignalRConnectionInfo;

/// Connection info for every endpoint of a binding, online or not, for clients that choose
/// their endpoint themselves.
///
/// Serialises exactly as Azure's:
/// `{"endpoints":[{"endpointType":"Primary","name":"east","endpoint":"https://east.service.signalr.net","online":true,"connectionInfo":{"url":"...","accessToken":"..."}}]}`.
/// `Debug` does not print the tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalRNegotiation {
    /// One entry per endpoint, in the binding's order (its own setting first, then the named
    /// endpoints by name).
    pub endpoints: Vec<EndpointConnectionInfo>,
}

/// One endpoint of a [`SignalRNegotiation`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointConnectionInfo {
    /// `Primary` or `Secondary`.
    pub endpoint_type: EndpointType,
    /// The endpoint's name (empty for the binding's own setting).
    pub name: String,
    /// The service endpoint, without a scheme's default port.
    pub endpoint: String,
    /// Whether the endpoint was online when the value was made.
    pub online: bool,
    /// The client URL and a token for this endpoint.
    pub connection_info: SignalRConnectionInfo,
}

impl SignalRNegotiation {
    /// The JSON answer.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a negotiation always serialises")
    }
}

/// The JSON answer, for a `String` receiver of the attribute (`negotiation = true`).
impl From<SignalRNegotiation> for String {
    fn from(negotiation: SignalRNegotiation) -> Self {
        negotiation.to_json()
    }
}

/// The JSON object, for a `serde_json::Value` receiver of the attribute
/// (`negotiation = true`).
impl From<SignalRNegotiation> for serde_json::Value {
    fn from(negotiation: SignalRNegotiation) -> Self {
        serde_json::to_value(negotiation).expect("a negotiation always serialises")
    }
}
