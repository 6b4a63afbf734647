//! Upstream templates and Microsoft's emulator settings file.
//!
//! The file format is the `settings.json` of Azure/azure-signalr's emulator
//! (`src/Microsoft.Azure.SignalR.Emulator/settings.json`):
//!
//! ```json
//! { "UpstreamSettings": { "Templates": [
//!     { "UrlTemplate": "http://localhost:7071/runtime/webhooks/signalr",
//!       "EventPattern": "*", "HubPattern": "*", "CategoryPattern": "*" } ] } }
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Where client events go: a URL template with `{hub}`, `{category}` and `{event}` placeholders,
/// and the events it receives.
///
/// Each pattern is `*` (everything), one name, or names separated by `,`. Hub names match
/// ignoring case; categories (`connections`, `messages`) and events (`connected`,
/// `disconnected`, or a hub method name) match exactly.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpstreamTemplate {
    /// The URL, e.g. `http://localhost:7071/runtime/webhooks/signalr`.
    #[serde(alias = "urlTemplate")]
    pub url_template: String,
    /// The hubs it receives events of.
    #[serde(default = "star", alias = "hubPattern")]
    pub hub_pattern: String,
    /// The events it receives.
    #[serde(default = "star", alias = "eventPattern")]
    pub event_pattern: String,
    /// The categories it receives.
    #[serde(default = "star", alias = "categoryPattern")]
    pub category_pattern: String,
}

fn star() -> String {
    "*".to_owned()
}

impl UpstreamTemplate {
    /// A template receiving every event.
    pub fn new(url_template: impl Into<String>) -> Self {
        Self {
            url_template: url_template.into(),
            hub_pattern: star(),
            event_pattern: star(),
            category_pattern: star(),
        }
    }

    /// Whether the template receives this event.
    pub fn matches(&self, hub: &str, category: &str, event: &str) -> bool {
        fn any(pattern: &str, value: &str, ignore_case: bool) -> bool {
            pattern.split(',').map(str::trim).any(|p| {
                p == "*"
                    || if ignore_case {
                        p.eq_ignore_ascii_case(value)
                    } else {
                        p == value
                    }
            })
        }
        any(&self.hub_pattern, hub, true)
            && any(&self.category_pattern, category, false)
            && any(&self.event_pattern, event, false)
    }

    /// The URL for an event, placeholders replaced by their percent-encoded values.
    pub fn url(&self, hub: &str, category: &str, event: &str) -> String {
        let encode = |s: &str| -> String {
            form_urlencoded::byte_serialize(s.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        };
        self.url_template
            .replace("{hub}", &encode(hub))
            .replace("{category}", &encode(category))
            .replace("{event}", &encode(event))
    }
}

/// Why the settings file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not the settings format.
    #[error("{} is not an emulator settings file", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Settings {
    #[serde(default, alias = "upstreamSettings")]
    upstream_settings: Option<UpstreamSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpstreamSettings {
    #[serde(default, alias = "templates")]
    templates: Vec<UpstreamTemplate>,
}

/// Parses the text of a settings file into its upstream templates, in order.
pub fn parse_settings(text: &str) -> Result<Vec<UpstreamTemplate>, serde_json::Error> {
    let settings: Settings = serde_json::from_str(text)?;
    Ok(settings
        .upstream_settings
        .map(|u| u.templates)
        .unwrap_or_default())
}

/// Reads a settings file into its upstream templates, in order.
pub fn load_settings(path: &Path) -> Result<Vec<UpstreamTemplate>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_settings(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsofts_settings_file_parses() {
        let templates = parse_settings(
            r#"{ "UpstreamSettings": { "Templates": [
                { "UrlTemplate": "http://localhost:7071/runtime/webhooks/signalr", "EventPattern": "*", "HubPattern": "*", "CategoryPattern": "*" },
                { "UrlTemplate": "http://h/{hub}/{category}/{event}", "HubPattern": "chat, news", "EventPattern": "connected" } ] } }"#,
        )
        .unwrap();
        assert_eq!(templates.len(), 2);
        assert_eq!(
            templates[0],
            UpstreamTemplate::new("http://localhost:7071/runtime/webhooks/signalr")
        );
        assert!(templates[1].matches("News", "connections", "connected"));
        assert!(!templates[1].matches("other", "connections", "connected"));
        assert!(!templates[1].matches("chat", "connections", "disconnected"));
        assert_eq!(
            templates[1].url("chat", "messages", "say hi"),
            "http://h/chat/messages/say%20hi"
        );
        assert!(parse_settings("{}").unwrap().is_empty());
        assert!(parse_settings("[").is_err());
    }
}
