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
    let mut sources = Vec::new();
    if let Some(value) = settings.get(own_setting).filter(|v| !is_blank(v)) {
        sources.push((own_setting.to_owned(), value.into_owned()));
    }
    let mut named = Vec::new();
    if read_section {
        settings.for_each_with_prefix(ENDPOINTS_SECTION, &mut |name, value| {
            if name != own_setting && kind(name).is_some() && !is_blank(value) {
                named.push((name.to_owned(), value.to_owned()));
            }
        });
    }
    named.sort_by_cached_key(|(name, _)| {
        let (endpoint, endpoint_type) = kind(name).expect("kept only endpoint settings");
        (
            endpoint.to_ascii_lowercase(),
            endpoint_type == EndpointType::Secondary,
        )
    });
    sources.extend(named);
    sources
}

/// Whether `sources` are still what `settings` hold: the same settings with the same values.
/// Allocates nothing, since it runs on every request.
pub(crate) fn unchanged(
    settings: &dyn Settings,
    own_setting: &str,
    read_section: bool,
    sources: &[(String, String)],
) -> bool {
    let mut count = 0;
    let mut same = true;
    let mut check = |name: &str, value: &str| {
        if !same || is_blank(value) {
            return;
        }
        match sources.iter().find(|(n, _)| n == name) {
            Some((_, kept)) => {
                count += 1;
                same = kept == value;
            }
            // A setting that defines no endpoint (an identity key) changes nothing.
            None => same = kind(name).is_none(),
        }
    };
    if let Some(value) = settings.get(own_setting) {
        check(own_setting, &value);
    }
    if read_section {
        settings.for_each_with_prefix(ENDPOINTS_SECTION, &mut |name, value| {
            if name != own_setting {
                check(name, value);
            }
        });
    }
    same && count == sources.len()
}

/// Whether a value counts as unset: empty or only whitespace. Stops at the first other
/// character, since it runs for every endpoint setting on every request.
fn is_blank(value: &str) -> bool {
    value.chars().all(char::is_whitespace)
}

/// The endpoint's name and type a setting name under the section gives, or `None` for a name
/// that defines no endpoint by connection string (an identity key, an unknown type).
fn kind(setting: &str) -> Option<(&str, EndpointType)> {
    let rest = strip_section_prefix(setting, ENDPOINTS_SECTION)?;
    let (name, kind) = split_key(rest);
    if name.is_empty() {
        return None;
    }
    let endpoint_type = match kind.map(split_key) {
        None => EndpointType::Primary,
        Some((kind, None)) if kind.eq_ignore_ascii_case("primary") => EndpointType::Primary,
        Some((kind, None)) if kind.eq_ignore_ascii_case("secondary") => EndpointType::Secondary,
        _ => return None,
    };
    Some((name, endpoint_type))
}

/// `key` split at its first section separator, `:` or `__`.
fn split_key(key: &str) -> (&str, Option<&str>) {
    let bytes = key.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b':' {
            return (&key[..i], Some(&key[i + 1..]));
        }
        if byte == b'_' && bytes.get(i + 1) == Some(&b'_') {
            return (&key[..i], Some(&key[i + 2..]));
        }
    }
    (key, None)
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
            ("", EndpointType::Primary)
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
