//! The Functions settings layout of several endpoints (the extension's
//! `Config/IConfigurationExtensions.cs`): `Azure:SignalR:Endpoints:<Name>` holds a Primary
//! endpoint's connection string, `...:<Name>:primary` and `...:<Name>:secondary` one of that
//! type; the binding's own connection-string setting is one more, unnamed, Primary endpoint.
//!
//! Identity sections (`...:<Name>:serviceUri` with its credential keys) are not read here:
//! every other key under a name is ignored.

use std::sync::Arc;

use super::{EndpointHealth, EndpointType, ServiceEndpoint, base_url};
use crate::binding::Prepared;
use crate::connection_string::ConnectionString;
use crate::error::BindingError;
use crate::settings::{Settings, strip_section_prefix};

/// The settings section that names endpoints: `Azure:SignalR:Endpoints:<Name>[:primary|:secondary]`
/// (`Azure__SignalR__Endpoints__<Name>` in the environment).
pub const ENDPOINTS_SECTION: &str = "Azure:SignalR:Endpoints:";

/// The `(setting, value)` pairs that define the endpoints: the binding's own setting first
/// (when set), then, when `read_section`, the section's settings in the order of their names
/// below the section, ASCII case-insensitively. Empty values count as unset.
pub(crate) fn read(
    settings: &dyn Settings,
    own_setting: &str,
    read_section: bool,
) -> Vec<(String, String)> {
    let mut names = if read_section {
        settings.names_with_prefix(ENDPOINTS_SECTION)
    } else {
        Vec::new()
    };
    names.retain(|name| kind(name).is_some());
    names.sort_by_cached_key(|name| {
        strip_section_prefix(name, ENDPOINTS_SECTION)
            .unwrap_or_default()
            .replace("__", ":")
            .to_ascii_lowercase()
    });
    let mut sources = Vec::with_capacity(names.len() + 1);
    for name in std::iter::once(own_setting.to_owned()).chain(names) {
        if let Some(value) = settings.get(&name).filter(|value| !value.trim().is_empty()) {
            let value = value.into_owned();
            sources.push((name, value));
        }
    }
    sources
}

/// The endpoint's name and type a setting name under the section gives, or `None` for a name
/// that defines no endpoint by connection string (an identity key, an unknown type).
fn kind(setting: &str) -> Option<(String, EndpointType)> {
    let rest = strip_section_prefix(setting, ENDPOINTS_SECTION)?.replace("__", ":");
    let mut parts = rest.split(':');
    let name = parts.next().filter(|name| !name.is_empty())?;
    let endpoint_type = match (parts.next(), parts.next()) {
        (None, _) => EndpointType::Primary,
        (Some(kind), None) if kind.eq_ignore_ascii_case("primary") => EndpointType::Primary,
        (Some(kind), None) if kind.eq_ignore_ascii_case("secondary") => EndpointType::Secondary,
        _ => return None,
    };
    Some((name.to_owned(), endpoint_type))
}

/// The endpoints `sources` define, deduplicated by `{scheme}://{host}:{port}` (a Primary kept
/// over a Secondary, else the first), each with its shared health (`health_for(identity)`).
pub(crate) fn build(
    sources: &[(String, String)],
    own_setting: &str,
    literal_hub: Option<&str>,
    health_for: impl Fn(&str) -> Arc<EndpointHealth>,
) -> Result<Box<[ServiceEndpoint]>, BindingError> {
    let mut endpoints: Vec<ServiceEndpoint> = Vec::with_capacity(sources.len());
    for (setting, value) in sources {
        let (name, endpoint_type) = if setting == own_setting {
            (String::new(), EndpointType::Primary)
        } else {
            kind(setting).expect("`read` keeps only endpoint settings")
        };
        let invalid = |reason| BindingError::InvalidConnectionString {
            setting: setting.clone(),
            reason,
        };
        let connection = ConnectionString::parse(value).map_err(invalid)?;
        let prepared = Prepared::from_connection(&connection, literal_hub);
        let identity = ServiceEndpoint::identity(&connection);
        let kept = endpoints.iter().position(|e| e.health.identity == identity);
        let endpoint = ServiceEndpoint {
            name: name.into(),
            endpoint_type,
            setting: setting.as_str().into(),
            endpoint: base_url(connection.endpoint()).into(),
            health: health_for(&identity),
            connection,
            prepared,
        };
        match kept {
            Some(index)
                if endpoints[index].endpoint_type == EndpointType::Secondary
                    && endpoint_type == EndpointType::Primary =>
            {
                endpoints[index] = endpoint;
            }
            Some(_) => {}
            None => endpoints.push(endpoint),
        }
    }
    if endpoints.is_empty() {
        return Err(BindingError::NoEndpoints {
            setting: own_setting.to_owned(),
        });
    }
    if !endpoints
        .iter()
        .any(|e| e.endpoint_type == EndpointType::Primary)
    {
        return Err(BindingError::NoPrimaryEndpoint);
    }
    Ok(endpoints.into_boxed_slice())
}
