//! The Functions settings layout of several endpoints (the extension's
//! `Config/IConfigurationExtensions.cs`): `Azure:SignalR:Endpoints:<Name>` holds a Primary
//! endpoint's connection string, `...:<Name>:primary` and `...:<Name>:secondary` one of that
//! type; the binding's own connection-string setting is one more, unnamed, Primary endpoint
//! (its identity section, when the setting is unset, is of the section's `type`).
//!
//! An identity section, `...:<Name>:serviceUri` with its credential keys and `type`
//! (`primary` or `secondary`), is an identity-based endpoint of that name (the Functions
//! identity settings, `crate::identity_section`); the connection-string forms under that name
//! are then ignored. Every other key under a name is ignored.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{EndpointHealth, EndpointSet, EndpointType, ServiceEndpoint, base_url};
use crate::binding::Prepared;
use crate::connection_string::ConnectionString;
use crate::error::BindingError;
use crate::identity::identity_section;
use crate::identity::section::{
    connection_string, connection_string_names, section_fingerprint, section_key,
};
use crate::settings::{SectionRevision, Settings, strip_section_prefix};

/// The settings section that names endpoints: `Azure:SignalR:Endpoints:<Name>[:primary|:secondary]`
/// (`Azure__SignalR__Endpoints__<Name>` in the environment).
pub const ENDPOINTS_SECTION: &str = "Azure:SignalR:Endpoints:";

/// The binding's own connection-string setting K, as the endpoint settings read it; made once
/// per binding.
pub(crate) struct OwnSetting {
    name: Box<str>,
    /// Where its connection string is read, in order (`ConnectionStrings:K`, ..., `K`).
    names: Box<[String]>,
    /// Whether K itself lies under the endpoints section, where its entry is then skipped.
    in_section: bool,
}

impl OwnSetting {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            names: connection_string_names(name),
            in_section: strip_section_prefix(name, ENDPOINTS_SECTION).is_some(),
        }
    }

    /// Whether the section's setting `name` is K itself.
    fn is(&self, name: &str) -> bool {
        self.in_section && name == &*self.name
    }
}

/// The `(setting, value)` pairs that define the endpoints: the binding's own setting first
/// (its connection string, read from `own_names` as a single endpoint's is
/// (`ConnectionStrings:K`, `CUSTOMCONNSTR_K`, then `K`) and recorded under `own_setting`; else
/// its identity section), then, when `read_section`, the section's endpoints in
/// the order of their names below the section, ASCII case-insensitively. Empty values count as
/// unset. An identity section is the pair (`Azure:SignalR:Endpoints:<Name>`, the section's
/// fingerprint), which [`build`] reads again from the settings.
pub(crate) fn read(
    settings: &dyn Settings,
    own: &OwnSetting,
    read_section: bool,
) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    if let Some(value) = connection_string(settings, &own.names).filter(|v| !is_blank(v)) {
        sources.push((own.name.to_string(), value.into_owned()));
    } else if let Some(fingerprint) = section_fingerprint(settings, &own.name) {
        sources.push((own.name.to_string(), fingerprint));
    }
    let mut named = Vec::new();
    let mut identity_names: Vec<String> = Vec::new();
    if read_section {
        settings.for_each_with_prefix(ENDPOINTS_SECTION, &mut |name, value| {
            if own.is(name) || is_blank(value) {
                return;
            }
            if kind(name).is_some() {
                named.push((name.to_owned(), value.to_owned()));
            } else if let Some(endpoint) = identity_endpoint_name(name)
                && !identity_names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(endpoint))
            {
                identity_names.push(endpoint.to_owned());
            }
        });
    }
    // An identity section replaces the connection-string forms under its name.
    named.retain(|(name, _)| {
        let (endpoint, _) = kind(name).expect("kept only endpoint settings");
        !identity_names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(endpoint))
    });
    for endpoint in identity_names {
        let base = format!("{ENDPOINTS_SECTION}{endpoint}");
        if let Some(fingerprint) = section_fingerprint(settings, &base) {
            named.push((base, fingerprint));
        }
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

/// The revision of the endpoints section of `settings`.
pub(crate) fn section_revision(settings: &dyn Settings) -> Option<SectionRevision> {
    settings.section_revision(ENDPOINTS_SECTION)
}

/// `before`, the section's revision read before listing it, when the section still has it:
/// the listing then saw that revision throughout.
pub(crate) fn held_since(
    settings: &dyn Settings,
    before: Option<SectionRevision>,
) -> Option<SectionRevision> {
    before.filter(|&r| section_revision(settings) == Some(r))
}

/// Whether `value` is an identity section's fingerprint rather than a connection string.
fn is_identity_section(value: &str) -> bool {
    value.starts_with('\0')
}

/// The endpoint name of `...:<Name>:serviceUri`, the key that makes `<Name>` an identity
/// section.
fn identity_endpoint_name(setting: &str) -> Option<&str> {
    let rest = strip_section_prefix(setting, ENDPOINTS_SECTION)?;
    let (name, key) = split_key(rest);
    match key.map(split_key) {
        Some((key, None)) if !name.is_empty() && key.eq_ignore_ascii_case("serviceUri") => {
            Some(name)
        }
        _ => None,
    }
}

/// Whether `set` was built from what `settings` hold now: the same settings with the same
/// values. Allocates nothing for connection strings, since it runs on every request (an
/// identity section's fingerprint is made again).
///
/// [`read`] puts the own setting first (`has_own`), so it is compared with `sources[0]` alone
/// and the section's settings with the rest. The section is not listed again while its
/// [`section_revision`](Settings::section_revision) is the one last found to hold the set.
pub(crate) fn unchanged(
    settings: &dyn Settings,
    own: &OwnSetting,
    read_section: bool,
    set: &EndpointSet,
) -> bool {
    let sources = &set.sources;
    let (kept_own, named) = match sources.split_first() {
        Some((first, rest)) if set.has_own => (Some(first), rest),
        _ => (None, &sources[..]),
    };
    let mut count = 0;
    let mut same = match connection_string(settings, &own.names) {
        Some(value) if !is_blank(&value) => {
            count += 1;
            kept_own.is_some_and(|(_, kept)| !is_identity_section(kept) && *kept == *value)
        }
        // Unset: the own setting's identity section, if any, is checked below.
        _ => kept_own.is_none_or(|(_, kept)| is_identity_section(kept)),
    };
    let mut revision = None;
    if same && read_section {
        let current = section_revision(settings);
        if current.is_some_and(|r| r.get() == set.verified.load(Ordering::Relaxed)) {
            count += named
                .iter()
                .filter(|(_, v)| !is_identity_section(v))
                .count();
        } else {
            same = section_unchanged(settings, own, named, &mut count);
            revision = held_since(settings, current);
        }
    }
    for (setting, value) in sources.iter().filter(|(_, v)| is_identity_section(v)) {
        if !same {
            break;
        }
        count += 1;
        same = section_fingerprint(settings, setting).as_deref() == Some(value.as_str());
    }
    let same = same && count == sources.len();
    if let Some(revision) = revision.filter(|_| same) {
        set.verified.store(revision.get(), Ordering::Relaxed);
    }
    same
}

/// Whether the endpoints section of `settings` holds the connection strings of `named` and
/// no other endpoint, counting in `count` the ones it found. Identity sections are named, not
/// compared: their fingerprints are checked by the caller.
fn section_unchanged(
    settings: &dyn Settings,
    own: &OwnSetting,
    named: &[(String, String)],
    count: &mut usize,
) -> bool {
    // An identity section's source has the section's name: it is checked by the caller.
    let identity_of = |endpoint: &str| {
        named.iter().any(|(n, v)| {
            is_identity_section(v) && kind(n).is_some_and(|(e, _)| e.eq_ignore_ascii_case(endpoint))
        })
    };
    let mut same = true;
    settings.for_each_with_prefix(ENDPOINTS_SECTION, &mut |name, value| {
        if !same || own.is(name) || is_blank(value) {
            return;
        }
        match named
            .iter()
            .find(|(n, v)| n == name && !is_identity_section(v))
        {
            Some((_, kept)) => {
                *count += 1;
                same = kept == value;
            }
            None => {
                same = match (kind(name), identity_endpoint_name(name)) {
                    // A connection-string form under an identity section's name is ignored.
                    (Some((endpoint, _)), _) => identity_of(endpoint),
                    // The `serviceUri` of a section already read (its fingerprint is
                    // checked by the caller); of another, a new endpoint.
                    (None, Some(endpoint)) => identity_of(endpoint),
                    // Another identity key, or a key that defines no endpoint.
                    (None, None) => true,
                };
            }
        }
    });
    same
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
    settings: &dyn Settings,
    sources: &[(String, String)],
    own_setting: &str,
    literal_hub: Option<&str>,
    health_for: impl Fn(&str) -> Arc<EndpointHealth>,
) -> Result<Box<[ServiceEndpoint]>, BindingError> {
    let mut endpoints: Vec<ServiceEndpoint> = Vec::with_capacity(sources.len());
    for (setting, value) in sources {
        let (name, mut endpoint_type) = if setting == own_setting {
            ("", EndpointType::Primary)
        } else {
            kind(setting).expect("`read` keeps only endpoint settings")
        };
        let invalid = |reason| BindingError::InvalidConnectionString {
            setting: setting.clone(),
            reason,
        };
        let connection = if is_identity_section(value) {
            // A section's `type`, the own setting's too; a connection string's own setting is
            // always Primary.
            if section_key(settings, setting, "type")
                .is_some_and(|t| t.eq_ignore_ascii_case("secondary"))
            {
                endpoint_type = EndpointType::Secondary;
            }
            identity_section(settings, setting)
                .expect("`read` keeps only sections with a serviceUri")
                .map_err(invalid)?
        } else {
            ConnectionString::parse(value).map_err(invalid)?
        };
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
