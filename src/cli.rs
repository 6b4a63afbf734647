//! Command-line options of the example servers.
//!
//! Deliberately tiny (no argument-parsing crate): `--host ADDR`, `--port N` (`0` lets the
//! system choose a free port), `--cors-origin ORIGIN` (repeatable), `--help`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The port Azure Functions Core Tools serves functions on locally, and so the default here.
pub const DEFAULT_PORT: u16 = 7071;

/// The environment variable that lists allowed CORS origins, comma-separated, when no
/// `--cors-origin` is given.
pub const CORS_ORIGINS_ENV: &str = "SIGNALR_CORS_ORIGINS";

/// Parsed options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The address to listen on; `127.0.0.1` unless `--host` says otherwise.
    pub host: IpAddr,
    /// The port to listen on; [`DEFAULT_PORT`] unless `--port` says otherwise.
    pub port: u16,
    /// Origins browsers may call the endpoint from (`*` for any); empty means no CORS headers.
    pub cors_origins: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            cors_origins: Vec::new(),
        }
    }
}

impl Options {
    /// The socket address to bind.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }
}

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the server with these options.
    Run(Options),
    /// Print [`usage`] and exit successfully.
    Help,
}

/// A command-line mistake, printed as one line before the usage text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The usage text for the example called `program`.
pub fn usage(program: &str) -> String {
    format!(
        "usage: {program} [--host ADDR] [--port N] [--cors-origin ORIGIN]...\n\
         \n\
         --host ADDR           address to listen on (default 127.0.0.1)\n\
         --port N              port to listen on (default {DEFAULT_PORT}; 0 picks a free port)\n\
         --cors-origin ORIGIN  let browsers on ORIGIN call the endpoint (repeatable; `*` for any\n\
         \x20                     origin, without credentials); also read, comma-separated, from\n\
         \x20                     {CORS_ORIGINS_ENV}\n\
         \n\
         The connection string comes from AzureSignalRConnectionString; when it is unset, the\n\
         local emulator's connection string is used."
    )
}

/// Parses the arguments after the program name. `cors_env` is the value of
/// [`CORS_ORIGINS_ENV`], used when no `--cors-origin` is given.
pub fn parse<I, S>(args: I, cors_env: Option<&str>) -> Result<Command, UsageError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut options = Options::default();
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| UsageError(format!("{name} needs a value")))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--host" => {
                let raw = value("--host")?;
                options.host = raw
                    .parse()
                    .map_err(|_| UsageError(format!("--host: `{raw}` is not an IP address")))?;
            }
            "--port" => {
                let raw = value("--port")?;
                options.port = raw.parse().map_err(|_| {
                    UsageError(format!("--port: `{raw}` is not a port number (0 to 65535)"))
                })?;
            }
            "--cors-origin" => {
                let origin = value("--cors-origin")?;
                options.cors_origins.push(check_origin(&origin)?);
            }
            other => return Err(UsageError(format!("unknown argument `{other}`"))),
        }
    }
    if let (true, Some(list)) = (options.cors_origins.is_empty(), cors_env) {
        for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            options.cors_origins.push(check_origin(origin)?);
        }
    }
    Ok(Command::Run(options))
}

/// Parses `std::env::args()` and the environment; on `--help` or a mistake prints to stderr
/// or stdout and exits (status 0 for help, 2 for a mistake).
pub fn from_env(program: &str) -> Options {
    let cors_env = std::env::var(CORS_ORIGINS_ENV).ok();
    match parse(std::env::args().skip(1), cors_env.as_deref()) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            println!("{}", usage(program));
            std::process::exit(0);
        }
        Err(error) => {
            eprintln!("{program}: {error}\n\n{}", usage(program));
            std::process::exit(2);
        }
    }
}

/// An origin is `*` or `scheme://host[:port]` without a path: what browsers send.
fn check_origin(origin: &str) -> Result<String, UsageError> {
    let origin = origin.trim().trim_end_matches('/');
    if origin == "*" {
        return Ok(origin.to_owned());
    }
    let ok = origin.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https")
            && !rest.is_empty()
            && !rest.contains(['/', '?', '#', ' '])
    }) && http::HeaderValue::from_str(origin).is_ok();
    if ok {
        Ok(origin.to_owned())
    } else {
        Err(UsageError(format!(
            "--cors-origin: `{origin}` is not an origin like `http://localhost:8080` (or `*`)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: Option<&str>) -> Result<Options, UsageError> {
        match parse(args.iter().copied(), env)? {
            Command::Run(options) => Ok(options),
            Command::Help => panic!("unexpected help"),
        }
    }

    #[test]
    fn defaults_are_the_functions_port_on_loopback() {
        let options = run(&[], None).unwrap();
        assert_eq!(options.addr().to_string(), "127.0.0.1:7071");
        assert!(options.cors_origins.is_empty());
    }

    #[test]
    fn port_and_host_in_both_spellings() {
        let options = run(&["--port", "0", "--host=::1"], None).unwrap();
        assert_eq!(options.port, 0);
        assert_eq!(options.addr().to_string(), "[::1]:0");
        assert_eq!(run(&["--port=8080"], None).unwrap().port, 8080);
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(
            run(&["--port"], None).unwrap_err().0,
            "--port needs a value"
        );
        assert!(
            run(&["--port", "70000"], None)
                .unwrap_err()
                .0
                .contains("`70000`")
        );
        assert!(
            run(&["--host", "localhost"], None)
                .unwrap_err()
                .0
                .contains("not an IP")
        );
        assert_eq!(
            run(&["--bogus"], None).unwrap_err().0,
            "unknown argument `--bogus`"
        );
        assert!(run(&["--cors-origin", "localhost:3000"], None).is_err());
        assert!(run(&["--cors-origin", "http://a.example/path"], None).is_err());
    }

    #[test]
    fn cors_origins_from_flags_else_environment() {
        let options = run(
            &["--cors-origin", "http://localhost:3000/"],
            Some("https://x.example"),
        )
        .unwrap();
        assert_eq!(options.cors_origins, ["http://localhost:3000"]);
        let options = run(&[], Some("https://a.example, http://b.example:8080,")).unwrap();
        assert_eq!(
            options.cors_origins,
            ["https://a.example", "http://b.example:8080"]
        );
        assert_eq!(
            run(&["--cors-origin", "*"], None).unwrap().cors_origins,
            ["*"]
        );
    }

    #[test]
    fn help() {
        assert_eq!(parse(["--help"], None).unwrap(), Command::Help);
        assert!(usage("negotiate").contains("--port N"));
    }
}
