//! The benchmarks that compare two bindings rather than a binding and a hand-written
//! baseline: each builds a pair of resolves that differ only in what is measured. Used by
//! `resolve.rs` (criterion) and `paired.rs` (interleaved rounds).

use std::collections::HashMap;

use signalr_binding::{BindingContext, ConnectionInfoBinding, EMULATOR_CONNECTION_STRING};

#[cfg(feature = "identity")]
#[path = "../../tests/support/mod.rs"]
mod support;

/// The emulator's access key, the one in [`EMULATOR_CONNECTION_STRING`].
pub(crate) const KEY: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
/// The user id every request carries.
pub(crate) const USER: &str = "4a1f6c3e-9d2b-4c1e-8f3a-2b7d9e0c5a11";

/// One side of a pair: a binding and the request it resolves.
pub(crate) struct Side {
    /// What the side is called in reports (criterion's function name).
    pub(crate) name: &'static str,
    binding: ConnectionInfoBinding,
    request: http::Request<()>,
}

impl Side {
    /// The binding's whole job for one request: resolve and serialise the answer.
    #[inline]
    pub(crate) fn run(&self) -> String {
        self.binding
            .resolve(std::hint::black_box(&self.request))
            .expect("the bench's settings resolve")
            .to_json()
    }
}

/// Two sides, the baseline first; whatever the pair needs kept alive (a stand-in server).
pub(crate) struct Pair {
    /// The criterion group and the case's name in reports.
    pub(crate) case: &'static str,
    /// The baseline.
    pub(crate) base: Side,
    /// What is measured against it.
    pub(crate) measured: Side,
    _keep: Box<dyn std::any::Any>,
}

/// A negotiate request with a user id header and `settings` in its binding context.
fn request(settings: HashMap<String, String>) -> http::Request<()> {
    http::Request::post("/api/negotiate?negotiateVersion=1")
        .header("x-ms-client-principal-id", USER)
        .extension(BindingContext::new().with_settings(settings))
        .body(())
        .unwrap()
}

/// The three endpoints' settings, their names spelt with `separator` (`:` in settings, `__`
/// in the environment): the binding's own setting and two in `Azure:SignalR:Endpoints`. The
/// endpoints differ only in their port, which the audience leaves out, so every token has the
/// single endpoint's length.
fn three_endpoints(separator: &str) -> [(String, String); 3] {
    let section = signalr_binding::ENDPOINTS_SECTION.replace(':', separator);
    let at =
        |port: u16| format!("Endpoint=http://localhost;Port={port};AccessKey={KEY};Version=1.0;");
    [
        (
            "AzureSignalRConnectionString".to_owned(),
            EMULATOR_CONNECTION_STRING.to_owned(),
        ),
        (format!("{section}west"), at(8889)),
        (format!("{section}backup{separator}secondary"), at(8890)),
    ]
}

/// A pair of one connection string (`one`) and three endpoints (`several`, the default
/// router), each side resolving its own request, the three endpoints found in `settings`.
fn endpoints_pair(
    case: &'static str,
    one: http::Request<()>,
    several: http::Request<()>,
    settings: &dyn signalr_binding::Settings,
) -> Pair {
    let builder =
        || ConnectionInfoBinding::builder("chat").user_id("{headers.x-ms-client-principal-id}");
    let multiple = builder().multiple_endpoints().build().unwrap();
    assert_eq!(multiple.endpoints_with(settings).unwrap().len(), 3);
    Pair {
        case,
        base: Side {
            name: "one",
            binding: builder().build().unwrap(),
            request: one,
        },
        measured: Side {
            name: "several",
            binding: multiple,
            request: several,
        },
        _keep: Box::new(()),
    }
}

/// A binding with one connection string (`one`) against one with three endpoints (`several`),
/// the settings in the requests' `BindingContext`. Their ratio is what reading the endpoints'
/// settings and routing cost.
pub(crate) fn endpoints() -> Pair {
    let [own, west, backup] = three_endpoints(":");
    let one = request(HashMap::from([own.clone()]));
    let settings = HashMap::from([own, west, backup]);
    let several = request(settings.clone());
    endpoints_pair("endpoints", one, several, &settings)
}

/// The [`endpoints`] pair with its settings in the process environment, read by
/// `EnvSettings` as Azure Functions passes app settings (`Azure__SignalR__Endpoints__west`,
/// ...), rather than from a map in the request's `BindingContext`.
///
/// # Safety
///
/// Sets environment variables: call it before any other thread of the process starts.
pub(crate) unsafe fn endpoints_env() -> Pair {
    for (name, value) in three_endpoints("__") {
        // SAFETY: the caller runs this before any other thread starts.
        unsafe { std::env::set_var(name, value) };
    }
    let request = || {
        http::Request::post("/api/negotiate?negotiateVersion=1")
            .header("x-ms-client-principal-id", USER)
            .body(())
            .unwrap()
    };
    endpoints_pair(
        "endpoints_env",
        request(),
        request(),
        &signalr_binding::EnvSettings,
    )
}

/// A binding whose key was fetched with an Entra identity (`identity`) against the same
/// binding with an access key (`access_key`). Their ratio is what identity-based auth costs per
/// request once the key is cached. The key is fetched once, before measuring, from the local
/// stand-ins of `tests/support`.
#[cfg(feature = "identity")]
pub(crate) fn identity() -> Pair {
    use std::sync::Arc;

    let (tenant, client, secret) = ("bench-tenant", "bench-client", "BenchClientSecret");
    let transport = support::EntraTransport::new(tenant, client, secret);
    let endpoint = support::KeyEndpoint::start(
        "",
        &transport.token,
        support::KeyAnswer::Key {
            id: "bench-key".into(),
            key: KEY.into(),
        },
    );
    let options = Arc::new(signalr_binding::IdentityOptions {
        transport: Some(transport),
        ..signalr_binding::IdentityOptions::default()
    });
    let with = |connection_string: String| {
        request(HashMap::from([(
            "AzureSignalRConnectionString".to_owned(),
            connection_string,
        )]))
    };
    // Both endpoints have the same host, so URLs and audiences have the same length.
    let access_key = with(format!(
        "Endpoint={};AccessKey={KEY};Version=1.0;",
        endpoint.base()
    ));
    let identity = with(format!(
        "Endpoint={};AuthType=azure.app;ClientId={client};TenantId={tenant};ClientSecret={secret};Version=1.0;",
        endpoint.base()
    ));
    // One binding each: a binding keeps the connection of its setting's latest value.
    let binding = || {
        ConnectionInfoBinding::builder("chat")
            .user_id("{headers.x-ms-client-principal-id}")
            .identity_options(Arc::clone(&options))
            .build()
            .unwrap()
    };
    let with_identity = binding();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(with_identity.resolve_async(&identity))
        .expect("the key from the stand-ins");
    assert_eq!(endpoint.requests(), 1, "the key was fetched once");
    Pair {
        case: "identity",
        base: Side {
            name: "access_key",
            binding: binding(),
            request: access_key,
        },
        measured: Side {
            name: "identity",
            binding: with_identity,
            request: identity,
        },
        _keep: Box::new(endpoint),
    }
}
