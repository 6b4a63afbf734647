//! Where the examples' connection string comes from.
//!
//! Like an Azure Function, an example reads the connection string from the app setting
//! `AzureSignalRConnectionString` (an environment variable). When it is unset, the examples use
//! the local emulator's connection string instead, so that `cargo run --example negotiate`
//! answers something useful on a fresh machine, and say so when they start.
//!
//! The fallback is a [`BindingContext`] whose settings read the environment first, handed to
//! the binding through the request's extensions: the process environment is never modified.

use signalr_binding::{
    BindingContext, DEFAULT_CONNECTION_STRING_SETTING, EMULATOR_CONNECTION_STRING,
};

/// Where the connection string comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionSource {
    /// The `AzureSignalRConnectionString` environment variable.
    Environment,
    /// It was unset: the local emulator's connection string,
    /// [`EMULATOR_CONNECTION_STRING`].
    Emulator,
}

/// The settings an example resolves its binding with.
#[derive(Debug, Clone)]
pub struct ExampleSettings {
    /// Where the connection string comes from.
    pub source: ConnectionSource,
    /// What to put in each request's extensions.
    pub context: BindingContext,
}

impl ExampleSettings {
    /// Reads the environment once to tell where the connection string will come from.
    ///
    /// Each request still reads the environment afresh (a changed value is picked up); the
    /// emulator's string is only the fallback for an unset setting.
    pub fn from_env() -> Self {
        Self::with_lookup(|name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), reading settings through `lookup` instead of the
    /// environment.
    pub fn with_lookup<F>(lookup: F) -> Self
    where
        F: Fn(&str) -> Option<String> + Send + Sync + 'static,
    {
        let source = if lookup(DEFAULT_CONNECTION_STRING_SETTING).is_some() {
            ConnectionSource::Environment
        } else {
            ConnectionSource::Emulator
        };
        let context = BindingContext::new().with_settings(move |name: &str| {
            lookup(name).or_else(|| {
                (name == DEFAULT_CONNECTION_STRING_SETTING)
                    .then(|| EMULATOR_CONNECTION_STRING.to_owned())
            })
        });
        Self { source, context }
    }

    /// One line for the startup banner. Never contains the access key.
    pub fn describe(&self) -> String {
        match self.source {
            ConnectionSource::Environment => format!(
                "connection string: from {DEFAULT_CONNECTION_STRING_SETTING} (endpoint {})",
                endpoint_of_env().unwrap_or_else(|| "unreadable".to_owned())
            ),
            ConnectionSource::Emulator => format!(
                "connection string: {DEFAULT_CONNECTION_STRING_SETTING} is not set, so the local \
                 emulator's is used (endpoint http://localhost:8888). Start the emulator with \
                 `asrs-emulator start`, or set {DEFAULT_CONNECTION_STRING_SETTING} to your \
                 service's connection string."
            ),
        }
    }
}

/// The `Endpoint` (and `Port`) of the connection string in the environment, for display: only
/// those two values are read, so nothing secret can leak through them.
fn endpoint_of_env() -> Option<String> {
    let value = std::env::var(DEFAULT_CONNECTION_STRING_SETTING).ok()?;
    endpoint_for_display(&value)
}

/// The endpoint of a connection string, with its `Port` applied, for display only.
pub fn endpoint_for_display(connection_string: &str) -> Option<String> {
    let mut endpoint = None;
    let mut port = None;
    for piece in connection_string.split(';') {
        let Some((key, value)) = piece.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "endpoint" => endpoint = Some(value.trim().trim_end_matches('/').to_owned()),
            "port" => port = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let endpoint = endpoint?;
    // Only show something that looks like a URL: a mistyped value might hold anything.
    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        || endpoint.contains(char::is_whitespace)
    {
        return Some("not an http(s) URL".to_owned());
    }
    Some(match port {
        Some(port) if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() => {
            format!("{endpoint}, port {port}")
        }
        _ => endpoint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_setting_falls_back_to_the_emulator() {
        let settings = ExampleSettings::with_lookup(|_| None);
        assert_eq!(settings.source, ConnectionSource::Emulator);
        let value = settings
            .context
            .settings()
            .get(DEFAULT_CONNECTION_STRING_SETTING);
        assert_eq!(value.as_deref(), Some(EMULATOR_CONNECTION_STRING));
        assert!(settings.context.settings().get("Other").is_none());
        assert!(settings.describe().contains("emulator"));
    }

    #[test]
    fn a_set_setting_wins() {
        let settings = ExampleSettings::with_lookup(|name| {
            (name == DEFAULT_CONNECTION_STRING_SETTING)
                .then(|| "Endpoint=https://x;AccessKey=k;".to_owned())
        });
        assert_eq!(settings.source, ConnectionSource::Environment);
        let value = settings
            .context
            .settings()
            .get(DEFAULT_CONNECTION_STRING_SETTING);
        assert_eq!(value.as_deref(), Some("Endpoint=https://x;AccessKey=k;"));
    }

    #[test]
    fn display_shows_endpoint_and_port_only() {
        let shown = endpoint_for_display(
            "Endpoint=http://localhost/;Port=8888;AccessKey=SECRET;Version=1.0;",
        )
        .unwrap();
        assert_eq!(shown, "http://localhost, port 8888");
        assert!(!shown.contains("SECRET"));
        assert_eq!(
            endpoint_for_display("AccessKey=SECRET;endpoint= https://a.service.signalr.net ")
                .unwrap(),
            "https://a.service.signalr.net"
        );
        assert_eq!(
            endpoint_for_display("Endpoint=SECRET oops;AccessKey=x").unwrap(),
            "not an http(s) URL"
        );
        assert_eq!(endpoint_for_display("AccessKey=SECRET"), None);
    }
}
