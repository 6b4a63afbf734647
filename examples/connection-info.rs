//! Prints the connection info a binding would give, for debugging a set-up.
//!
//! ```text
//! cargo run -q --example connection-info -- --hub chat --user alice
//! cargo run -q --example connection-info -- --help
//! ```
//!
//! Without `--connection-string` it reads `AzureSignalRConnectionString`, and without that it
//! uses the local emulator's connection string (and says so on stderr). It prints the
//! connection-info JSON on stdout. Bad input exits with status 2 and a message on stderr; the
//! access key is never printed.
//!
//! Endpoints set in the environment as `Azure__SignalR__Endpoints__<Name>[__primary|__secondary]`
//! count as well (docs/endpoints.md): the connection info is then the one the default router
//! chooses, and `--all-endpoints` prints the `SignalRNegotiation` JSON of every endpoint.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use signalr_binding::{
    BindingContext, ConnectionInfoBinding, DEFAULT_CONNECTION_STRING_SETTING,
    EMULATOR_CONNECTION_STRING, ENDPOINTS_SECTION, has_section_prefix,
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

fn run(args: Args) -> Result<String, String> {
    let connection_string = match args.connection_string {
        Some(cs) => cs,
        None => std::env::var(DEFAULT_CONNECTION_STRING_SETTING).unwrap_or_else(|_| {
            eprintln!(
                "{DEFAULT_CONNECTION_STRING_SETTING} is not set: using the local emulator's \
                 connection string (Endpoint=http://localhost;Port=8888)"
            );
            EMULATOR_CONNECTION_STRING.to_owned()
        }),
    };
    // Values given on the command line are literal text, not templates: they are handed to
    // the binding as settings, so a user id such as `{x}` is used as it is.
    let mut builder = ConnectionInfoBinding::builder(args.hub).connection_string_setting("CS");
    let mut settings = HashMap::from([("CS".to_owned(), connection_string)]);
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
    if args.all_endpoints {
        let negotiation = binding
            .negotiate_with(None, context.settings(), context.clock())
            .map_err(|error| error.to_string())?;
        return Ok(negotiation.to_json());
    }
    let info = binding
        .resolve_with(None, context.settings(), context.clock())
        .map_err(|error| error.to_string())?;
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
