//! Prints the connection info a binding would give, for debugging a set-up.
//!
//! ```text
//! cargo run -q --example connection-info -- --hub chat --user alice
//! cargo run -q --example connection-info -- --help
//! ```
//!
//! Without `--connection-string` it reads the environment as the runtime does:
//! `ConnectionStrings__AzureSignalRConnectionString` (App Service: `CUSTOMCONNSTR_...`), then
//! `AzureSignalRConnectionString`, then the Functions identity settings
//! (`AzureSignalRConnectionString__serviceUri`, `__credential`, ...); with none of them it uses
//! the local emulator's connection string (and says so on stderr). It prints the
//! connection-info JSON on stdout. Bad input exits with status 2 and one line on stderr; no key,
//! token or secret is printed.
//!
//! Identity-based connections (`AuthType=azure.msi`, `__serviceUri`, see docs/identity.md) need
//! the feature: `cargo run -q --example connection-info --features identity -- --hub chat`. The
//! key is fetched first (up to 30 s), with the credentials of the machine (`az login`, a
//! managed identity).
//!
//! Endpoints set in the environment as `Azure__SignalR__Endpoints__<Name>[__primary|__secondary]`
//! count as well (docs/endpoints.md): the connection info is then the one the default router
//! chooses, and `--all-endpoints` prints the `SignalRNegotiation` JSON of every endpoint. With
//! `--features health-check` their health is checked first, as an app does at start-up: the
//! router chooses among those online, and each offline one is said on stderr.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use signalr_binding::{
    BindingContext, BindingError, ConnectionInfoBinding, DEFAULT_CONNECTION_STRING_SETTING,
    EMULATOR_CONNECTION_STRING, ENDPOINTS_SECTION, has_section_prefix, identity_section,
};

/// Prints the connection info (client URL and access token) a binding would give.
#[derive(Debug, Parser)]
#[command(name = "connection-info")]
struct Args {
    /// The hub the client connects to.
    #[arg(long)]
    hub: String,
    /// The connection string [default: AzureSignalRConnectionString, else the local emulator's].
    #[arg(long, value_name = "CS")]
    connection_string: Option<String>,
    /// The user id put in the access token.
    #[arg(long, value_name = "ID")]
    user: Option<String>,
    /// A JWT whose claims (those named by --claim-type) are copied into the access token.
    #[arg(long, value_name = "JWT")]
    id_token: Option<String>,
    /// A claim type to copy from --id-token (repeatable).
    #[arg(long = "claim-type", value_name = "TYPE")]
    claim_types: Vec<String>,
    /// The access token's lifetime in seconds [default: 3600].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    lifetime_secs: Option<u64>,
    /// Print connection info for every endpoint (the SignalRNegotiation JSON).
    #[arg(long)]
    all_endpoints: bool,
}

/// The error, and what to do about it, on one line.
fn one_line(error: &BindingError) -> String {
    match error.hint() {
        Some(hint) => format!("{error}; {hint}"),
        None => error.to_string(),
    }
}

fn run(args: Args) -> Result<String, String> {
    const SETTING: &str = DEFAULT_CONNECTION_STRING_SETTING;
    // The environment, read as the runtime reads it; or the connection string given.
    let mut settings: HashMap<String, String> = match args.connection_string {
        Some(cs) => HashMap::from([(SETTING.to_owned(), cs)]),
        None => std::env::vars().collect(),
    };
    let configured = [
        format!("ConnectionStrings:{SETTING}"),
        format!("ConnectionStrings__{SETTING}"),
        format!("CUSTOMCONNSTR_{SETTING}"),
        SETTING.to_owned(),
    ]
    .iter()
    .any(|name| settings.contains_key(name))
        || identity_section(&settings, SETTING).is_some();
    if !configured {
        eprintln!(
            "{SETTING} is not set: using the local emulator's connection string \
             (Endpoint=http://localhost;Port=8888)"
        );
        settings.insert(SETTING.to_owned(), EMULATOR_CONNECTION_STRING.to_owned());
    }
    // Values given on the command line are literal text, not templates: they are handed to
    // the binding as settings, so a user id such as `{x}` is used as it is.
    let mut builder = ConnectionInfoBinding::builder(args.hub);
    let endpoints: Vec<(String, String)> = std::env::vars()
        .filter(|(name, _)| has_section_prefix(name, ENDPOINTS_SECTION))
        .collect();
    if args.all_endpoints || !endpoints.is_empty() {
        builder = builder.multiple_endpoints();
    }
    settings.extend(endpoints);
    if let Some(user) = args.user {
        settings.insert("USER".to_owned(), user);
        builder = builder.user_id("%USER%");
    }
    if let Some(id_token) = args.id_token {
        settings.insert("ID_TOKEN".to_owned(), id_token);
        builder = builder.id_token("%ID_TOKEN%");
    }
    builder = builder.claim_types(args.claim_types);
    if let Some(secs) = args.lifetime_secs {
        builder = builder.lifetime(Duration::from_secs(secs));
    }
    let binding = builder.build().map_err(|error| error.to_string())?;
    let context = BindingContext::new().with_settings(settings);
    #[cfg(any(feature = "identity", feature = "health-check"))]
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("no tokio runtime: {error}"))?;
    // An identity-based connection: fetch the key first (bounded), as `warm_up` at start-up.
    #[cfg(feature = "identity")]
    runtime
        .block_on(binding.warm_up(context.settings()))
        .map_err(|error| one_line(&error))?;
    // Several endpoints: check their health first, as an app does at start-up, so that the
    // router chooses among those online (each offline one said on stderr).
    #[cfg(feature = "health-check")]
    {
        runtime
            .block_on(binding.check_endpoints(context.settings()))
            .map_err(|error| one_line(&error))?;
        let endpoints = binding
            .endpoints_with(context.settings())
            .map_err(|error| one_line(&error))?;
        if endpoints.len() > 1 {
            for endpoint in endpoints.iter().filter(|e| !e.online()) {
                eprintln!(
                    "endpoint {} ({}) is offline: its health check failed",
                    endpoint.endpoint(),
                    if endpoint.name().is_empty() {
                        SETTING
                    } else {
                        endpoint.name()
                    }
                );
            }
        }
    }
    if args.all_endpoints {
        let negotiation = binding
            .negotiate_with(None, context.settings(), context.clock())
            .map_err(|error| one_line(&error))?;
        return Ok(negotiation.to_json());
    }
    let info = binding
        .resolve_with(None, context.settings(), context.clock())
        .map_err(|error| one_line(&error))?;
    Ok(info.to_json())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
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
