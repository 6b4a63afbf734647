//! Prints the connection info a binding would give, for debugging a setup.
//!
//! ```text
//! cargo run -q --example connection-info -- --hub HUB [--connection-string CS] [--user ID]
//!     [--id-token JWT] [--claim-type TYPE]... [--lifetime-secs N]
//! ```
//!
//! Without `--connection-string` it reads `AzureSignalRConnectionString`, and without that it
//! uses the local emulator's connection string (and says so on stderr). It prints the
//! connection-info JSON on stdout. Bad input exits with status 2 and one line on stderr; the
//! access key is never printed.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use signalr_binding::{
    BindingContext, ConnectionInfoBinding, DEFAULT_CONNECTION_STRING_SETTING,
    EMULATOR_CONNECTION_STRING,
};

const USAGE: &str = "usage: connection-info --hub HUB [--connection-string CS] [--user ID] \
                     [--id-token JWT] [--claim-type TYPE]... [--lifetime-secs N]";

/// The command line, parsed.
#[derive(Debug, Default)]
struct Options {
    hub: Option<String>,
    connection_string: Option<String>,
    user: Option<String>,
    id_token: Option<String>,
    claim_types: Vec<String>,
    lifetime_secs: Option<u64>,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (flag.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value; {USAGE}"))
        };
        match name.as_str() {
            "--hub" => options.hub = Some(value()?),
            "--connection-string" => options.connection_string = Some(value()?),
            "--user" => options.user = Some(value()?),
            "--id-token" => options.id_token = Some(value()?),
            "--claim-type" => options.claim_types.push(value()?),
            "--lifetime-secs" => {
                let text = value()?;
                let secs = text
                    .parse::<u64>()
                    .ok()
                    .filter(|secs| *secs > 0)
                    .ok_or_else(|| format!("--lifetime-secs must be a positive whole number of seconds, not `{text}`"))?;
                options.lifetime_secs = Some(secs);
            }
            other => return Err(format!("unknown argument `{other}`; {USAGE}")),
        }
    }
    Ok(options)
}

fn run(options: Options) -> Result<String, String> {
    let hub = options
        .hub
        .ok_or_else(|| format!("--hub is required; {USAGE}"))?;
    let connection_string = match options.connection_string {
        Some(cs) => cs,
        None => match std::env::var(DEFAULT_CONNECTION_STRING_SETTING) {
            Ok(cs) => cs,
            Err(_) => {
                eprintln!(
                    "{DEFAULT_CONNECTION_STRING_SETTING} is not set: using the local emulator's \
                     connection string (Endpoint=http://localhost;Port=8888)"
                );
                EMULATOR_CONNECTION_STRING.to_owned()
            }
        },
    };
    // Values given on the command line are literal text, not templates: a user id such as
    // `{x}` is used as it is.
    let mut builder = ConnectionInfoBinding::builder(hub).connection_string_setting("CS");
    let mut settings = HashMap::from([("CS".to_owned(), connection_string)]);
    if let Some(user) = options.user {
        settings.insert("USER".to_owned(), user);
        builder = builder.user_id("%USER%");
    }
    if let Some(id_token) = options.id_token {
        settings.insert("ID_TOKEN".to_owned(), id_token);
        builder = builder.id_token("%ID_TOKEN%");
    }
    builder = builder.claim_types(options.claim_types);
    if let Some(secs) = options.lifetime_secs {
        builder = builder.lifetime(Duration::from_secs(secs));
    }
    let binding = builder.build().map_err(|error| error.to_string())?;
    let context = BindingContext::new().with_settings(settings);
    let info = binding
        .resolve_with(None, context.settings(), context.clock())
        .map_err(|error| error.to_string())?;
    Ok(info.to_json())
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(run) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("connection-info: {message}");
            ExitCode::from(2)
        }
    }
}
