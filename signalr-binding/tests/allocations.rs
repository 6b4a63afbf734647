//! Heap allocations per resolve, counted by a counting global allocator: at most 8.
//!
//! Counted in the steady state: after a first resolve has parsed the connection string and
//! prepared the key, which the binding does once per distinct value of the setting. Counts are
//! per thread, so tests running side by side do not disturb each other. Run with
//! `cargo test -p signalr-binding --test allocations -- --nocapture` to see the figures.

use signalr_binding::{
    BindingContext, ConnectionInfoBinding, ConnectionInfoBindingBuilder, EMULATOR_CONNECTION_STRING,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashMap;

/// The most allocations one resolve may make.
const MAX_ALLOCATIONS: usize = 8;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down still allocates; just do not count it.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations (and reallocations) made on this thread by `f`.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let value = f();
    (ALLOCATIONS.with(Cell::get) - before, value)
}

const USER: &str = "4a1f6c3e-9d2b-4c1e-8f3a-2b7d9e0c5a11";

fn id_token() -> String {
    let header = base64_simd::URL_SAFE_NO_PAD.encode_to_string(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = base64_simd::URL_SAFE_NO_PAD.encode_to_string(
        serde_json::json!({
            "aud": "6e74172b-be56-4843-9ff4-e66a39bb12e3",
            "iss": "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
            "iat": 1_700_000_000u64, "nbf": 1_700_000_000u64, "exp": 1_700_003_600u64,
            "name": "Ann Example", "email": "ann@example.com",
            "oid": "00000000-0000-0000-66f3-3332eca7ea81",
            "roles": ["reader", "writer"],
            "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "ver": "2.0"
        })
        .to_string(),
    );
    format!("Bearer {header}.{payload}.c2lnbmF0dXJl")
}

/// A case measured: its name, and a binding builder for hub `chat` with its arguments set.
type Case = (&'static str, fn() -> ConnectionInfoBindingBuilder);

fn cases() -> [Case; 3] {
    [
        ("no user", || ConnectionInfoBinding::builder("chat")),
        ("user from header", || {
            ConnectionInfoBinding::builder("chat").user_id("{headers.x-ms-client-principal-id}")
        }),
        ("user plus three id-token claims", || {
            ConnectionInfoBinding::builder("chat")
                .user_id("{headers.x-ms-client-principal-id}")
                .id_token("{headers.authorization}")
                .claim_types(["name", "email", "roles"])
        }),
    ]
}

fn request(context: Option<BindingContext>) -> http::Request<()> {
    let mut builder = http::Request::post("/api/negotiate?negotiateVersion=1")
        .header("accept", "*/*")
        .header("x-ms-client-principal-id", USER)
        .header("authorization", id_token());
    if let Some(context) = context {
        builder = builder.extension(context);
    }
    builder.body(()).unwrap()
}

/// The most allocations one steady-state resolve made, and the most with `to_json` added.
fn steady_state(binding: &ConnectionInfoBinding, request: &http::Request<()>) -> (usize, usize) {
    // The first resolve parses the connection string and prepares the key: not counted.
    binding.resolve(request).unwrap();
    let (mut resolve, mut answer) = (0, 0);
    for _ in 0..10 {
        let (n, info) = allocations(|| binding.resolve(request).unwrap());
        resolve = resolve.max(n);
        let (m, json) = allocations(|| info.to_json());
        answer = answer.max(n + m);
        drop((info, json));
    }
    (resolve, answer)
}

/// The steady-state counts of each case with the connection string in the request's
/// `BindingContext`.
fn from_the_context() -> Vec<(&'static str, usize, usize)> {
    let settings = HashMap::from([(
        "AzureSignalRConnectionString".to_owned(),
        EMULATOR_CONNECTION_STRING.to_owned(),
    )]);
    let request = request(Some(BindingContext::new().with_settings(settings)));
    cases()
        .into_iter()
        .map(|(case, builder)| {
            let (resolve, answer) = steady_state(&builder().build().unwrap(), &request);
            println!("{case}: {resolve} allocations per resolve, {answer} with the JSON answer");
            (case, resolve, answer)
        })
        .collect()
}

#[test]
fn a_steady_state_resolve_allocates_at_most_8_times() {
    for (case, resolve, _) in from_the_context() {
        assert!(
            resolve <= MAX_ALLOCATIONS,
            "{case}: {resolve} allocations per resolve, more than {MAX_ALLOCATIONS}"
        );
    }
}

#[test]
fn reading_the_connection_string_from_the_environment_costs_exactly_one_allocation_more() {
    // No other test in this binary touches the environment; std serialises `set_var` against
    // its own reads.
    const SETTING: &str = "ALLOCATIONS_TEST_SIGNALR_CONNECTION_STRING";
    // SAFETY: this binary touches the environment only through std, which locks around it.
    unsafe { std::env::set_var(SETTING, EMULATOR_CONNECTION_STRING) };
    // No `BindingContext`: the setting is read from the environment, as a `String`.
    let request = request(None);
    for ((case, builder), (_, from_context, _)) in cases().into_iter().zip(from_the_context()) {
        let binding = builder()
            .connection_string_setting(SETTING)
            .build()
            .unwrap();
        let (resolve, answer) = steady_state(&binding, &request);
        println!(
            "{case}, connection string from the environment: {resolve} allocations per resolve, {answer} with the JSON answer"
        );
        assert_eq!(
            resolve,
            from_context + 1,
            "{case}: from the environment, {resolve} allocations per resolve; from the context, {from_context}"
        );
        assert!(
            resolve <= MAX_ALLOCATIONS,
            "{case}: {resolve} allocations per resolve"
        );
    }
}

#[test]
fn several_endpoints_allocate_exactly_as_one_connection_string() {
    let settings = HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            EMULATOR_CONNECTION_STRING.to_owned(),
        ),
        (
            "Azure:SignalR:Endpoints:west".to_owned(),
            "Endpoint=http://localhost;Port=8889;AccessKey=k;Version=1.0;".to_owned(),
        ),
        (
            "Azure__SignalR__Endpoints__backup__secondary".to_owned(),
            "Endpoint=http://localhost;Port=8890;AccessKey=k;Version=1.0;".to_owned(),
        ),
        (
            // A key beside an endpoint that defines no endpoint of its own.
            "Azure:SignalR:Endpoints:west:clientId".to_owned(),
            "00000000-0000-0000-0000-000000000001".to_owned(),
        ),
    ]);
    let request = request(Some(BindingContext::new().with_settings(settings)));
    for ((case, builder), (_, one, _)) in cases().into_iter().zip(from_the_context()) {
        let binding = builder().multiple_endpoints().build().unwrap();
        let (several, _) = steady_state(&binding, &request);
        println!("{case}, three endpoints: {several} allocations per resolve");
        assert_eq!(several, one, "{case}: three endpoints {several}, one {one}");
    }
}

#[test]
fn several_endpoints_from_the_environment_allocate_for_the_own_setting_only() {
    // Names no other test uses; std serialises `set_var` against its own reads.
    const OWN: &str = "ALLOCATIONS_TEST_ENDPOINTS_OWN";
    const NAMED: [&str; 2] = [
        "Azure__SignalR__Endpoints__allocationswest",
        "Azure__SignalR__Endpoints__allocationsbackup__secondary",
    ];
    // SAFETY: this binary touches the environment only through std, which locks around it.
    unsafe {
        std::env::set_var(OWN, EMULATOR_CONNECTION_STRING);
        std::env::set_var(
            NAMED[0],
            "Endpoint=http://localhost;Port=8889;AccessKey=k;Version=1.0;",
        );
        std::env::set_var(
            NAMED[1],
            "Endpoint=http://localhost;Port=8890;AccessKey=k;Version=1.0;",
        );
    }
    let request = request(None);
    let variables = std::env::vars_os().count();
    for ((case, builder), (_, from_context, _)) in cases().into_iter().zip(from_the_context()) {
        let binding = builder()
            .connection_string_setting(OWN)
            .multiple_endpoints()
            .build()
            .unwrap();
        // The section is copied again once a second: the least of three runs is a run
        // without a listing, even on a machine that stalls this thread for a second.
        let resolve = (0..3)
            .map(|_| steady_state(&binding, &request).0)
            .min()
            .unwrap();
        println!(
            "{case}, three endpoints from the environment ({variables} variables): {resolve} allocations per resolve"
        );
        // The own setting is read as a `String`; the named ones come from a copy of the
        // section that is not made again on every request.
        assert_eq!(
            resolve,
            from_context + 1,
            "{case}: from the environment, {resolve}; from the context, {from_context}"
        );
    }
}
