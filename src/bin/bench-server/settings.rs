//! Where the server's connection string comes from.
//!
//! Like an Azure Function, the server reads the connection string from the app setting
//! `AzureSignalRConnectionString` (an environment variable). When it is unset, it uses the
//! local emulator's connection string instead, so that it answers something useful on a fresh
//! machine, and says so when it starts.
//!
//! The fallback is a [`BindingContext`] whose settings read the environment first, handed to
//! the binding through the request's extensions: the process environment is never modified.

use signalr_binding::{
    BindingContext, ConnectionString, DEFAULT_CONNECTION_STRING_SETTING, EMULATOR_CONNECTION_STRING,
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

/// The settings the server resolves its binding with.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Where the connection string comes from.
    pub source: ConnectionSource,
    /// What to put in each request's extensions.
    pub context: BindingContext,
}

impl ServerSettings {
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

    /// One line for the startup banner. Never contains the access key: the connection
    /// string is parsed by the runtime, whose errors never quote a secret, and only its
    /// client URL is shown.
    pub fn describe(&self) -> String {
        match self.source {
            ConnectionSource::Environment => {
                let value = self
                    .context
                    .settings()
                    .get(DEFAULT_CONNECTION_STRING_SETTING)
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                describe_setting(&value)
            }
            ConnectionSource::Emulator => format!(
                "connection string: {DEFAULT_CONNECTION_STRING_SETTING} is not set, so the local \
                 emulator's is used (clients connect to http://localhost:8888). Start the emulator \
                 with `cargo run -p signalr-emulator`, or set {DEFAULT_CONNECTION_STRING_SETTING} to your \
                 service's connection string."
            ),
        }
    }
}

/// What the banner says about a connection string taken from the setting.
fn describe_setting(value: &str) -> String {
    let setting = DEFAULT_CONNECTION_STRING_SETTING;
    match ConnectionString::parse(value) {
        Ok(parsed) if parsed.access_key().is_some() => format!(
            "connection string: from {setting} (clients connect to {})",
            parsed.client_base_url()
        ),
        Ok(parsed) if cfg!(feature = "identity") => format!(
            "connection string: from {setting}, identity-based (AuthType): the signing key is \
             fetched from {} with a Microsoft Entra identity (clients connect to {})",
            parsed.access_key_url(),
            parsed.client_base_url()
        ),
        Ok(_) => format!(
            "connection string: {setting} uses identity-based auth (AuthType), which needs \
             this server built with `--features identity` (docs/identity.md): negotiate will \
             answer 500 until then."
        ),
        Err(error) => format!(
            "connection string: {setting} is set but invalid: {error} {} Negotiate will answer \
             500 until it is fixed.",
            error.hint()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_setting_falls_back_to_the_emulator() {
        let settings = ServerSettings::with_lookup(|_| None);
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
        let settings = ServerSettings::with_lookup(|name| {
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
    fn the_banner_line_shows_the_client_url_or_the_error_never_the_key() {
        let shown =
            describe_setting("Endpoint=http://localhost/;Port=8888;AccessKey=SECRET;Version=1.0;");
        assert_eq!(
            shown,
            "connection string: from AzureSignalRConnectionString (clients connect to http://localhost:8888)"
        );
        let shown = describe_setting("Endpoint=SECRET oops;AccessKey=SECRET");
        assert!(
            shown.contains("Invalid value for endpoint property"),
            "{shown}"
        );
        assert!(!shown.contains("SECRET"), "{shown}");
        let shown = describe_setting("AccessKey=SECRET");
        assert!(
            shown.contains("missing required properties endpoint"),
            "{shown}"
        );
        assert!(!shown.contains("SECRET"), "{shown}");
        let shown = describe_setting(
            "Endpoint=https://x.service.signalr.net;AuthType=azure.msi;Version=1.0;",
        );
        assert!(shown.contains("identity-based"), "{shown}");
    }
}
