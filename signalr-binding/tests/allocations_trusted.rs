//! Heap allocations per resolve for the sources of a trusted user id and for app settings
//! inside a value, counted as in `allocations.rs`: at most 8, in the steady state (after a
//! first resolve has prepared the connection string, the key and the settings' hub).
//! Run with `cargo test -p signalr-binding --test allocations_trusted -- --nocapture` to see
//! the figures.

use jsonwebtoken::{EncodingKey, Header};
use signalr_binding::{
    BindingContext, ConnectionInfoBinding, ConnectionInfoBindingBuilder,
    EMULATOR_CONNECTION_STRING, IdTokenVerification,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashMap;

/// The most allocations one resolve may make.
const MAX_ALLOCATIONS: usize = 8;

const SECRET: &str = "the id-token secret of the tests";

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

/// An id token signed with [`SECRET`], valid until 2100, with the claims of an Entra ID token.
fn id_token() -> String {
    let claims = serde_json::json!({
        "aud": "6e74172b-be56-4843-9ff4-e66a39bb12e3",
        "iss": "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        "iat": 1_700_000_000u64, "nbf": 1_700_000_000u64, "exp": 4_102_444_800u64,
        "name": "Ann Example", "email": "ann@example.com",
        "oid": "00000000-0000-0000-66f3-3332eca7ea81",
        "roles": ["reader", "writer"],
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "ver": "2.0"
    });
    let token = jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap();
    format!("Bearer {token}")
}

fn principal() -> String {
    base64_simd::STANDARD.encode_to_string(
        serde_json::json!({
            "identityProvider": "aad", "userId": "d75b260a64504067bfc5b2905e3b8182",
            "userDetails": "ann@example.com", "userRoles": ["anonymous", "authenticated"]
        })
        .to_string(),
    )
}

/// A case measured: its name, and a binding builder with its arguments set.
type Case = (&'static str, fn() -> ConnectionInfoBindingBuilder);

fn cases() -> [Case; 4] {
    [
        ("hub from settings and text, user from header", || {
            ConnectionInfoBinding::builder("%PREFIX%_chat")
                .user_id("{headers.x-ms-client-principal-id}")
        }),
        ("user from text, header and setting", || {
            ConnectionInfoBinding::builder("chat")
                .user_id("u-{headers.x-ms-client-principal-id}-%TENANT%")
        }),
        ("user from the client principal", || {
            ConnectionInfoBinding::builder("chat").user_id("{principal.userId}")
        }),
        ("user from an id token verified elsewhere", || {
            ConnectionInfoBinding::builder("chat")
                .user_id("{id_token.oid}")
                .id_token("{headers.authorization}")
                .id_token_verified_elsewhere()
        }),
    ]
}

fn request() -> http::Request<()> {
    let settings = HashMap::from([
        (
            "AzureSignalRConnectionString".to_owned(),
            EMULATOR_CONNECTION_STRING.to_owned(),
        ),
        ("PREFIX".to_owned(), "contoso".to_owned()),
        ("TENANT".to_owned(), "eu".to_owned()),
        ("ID_TOKEN_SECRET".to_owned(), SECRET.to_owned()),
    ]);
    http::Request::post("/api/negotiate?negotiateVersion=1")
        .header("accept", "*/*")
        .header(
            "x-ms-client-principal-id",
            "4a1f6c3e-9d2b-4c1e-8f3a-2b7d9e0c5a11",
        )
        .header("x-ms-client-principal", principal())
        .header("authorization", id_token())
        .extension(BindingContext::new().with_settings(settings))
        .body(())
        .unwrap()
}

/// The most allocations one steady-state resolve made.
fn steady_state(binding: &ConnectionInfoBinding, request: &http::Request<()>) -> usize {
    // The first resolve prepares the connection string, the key and the hub: not counted.
    binding.resolve(request).unwrap();
    let mut most = 0;
    for _ in 0..10 {
        let (n, info) = allocations(|| binding.resolve(request).unwrap());
        most = most.max(n);
        drop(info);
    }
    most
}

#[test]
fn reading_the_user_id_from_a_verified_id_token_costs_no_allocation_more() {
    // Verification itself (jsonwebtoken: the header, the claims as a map) is what it costs
    // without the user id too; reading a claim of it borrows, and the close-on-expiry claims
    // fit the payload.
    let request = request();
    let verified = || {
        ConnectionInfoBinding::builder("chat")
            .id_token("{headers.authorization}")
            .verify_id_token(IdTokenVerification::hmac_secret("ID_TOKEN_SECRET"))
    };
    let without = steady_state(&verified().build().unwrap(), &request);
    let with = steady_state(
        &verified()
            .user_id("{id_token.oid}")
            .close_on_auth_expiry()
            .build()
            .unwrap(),
        &request,
    );
    println!(
        "verified id token: {without} allocations per resolve; with the user id from its `oid` \
         and close-on-expiry claims: {with}"
    );
    assert!(
        with <= without,
        "{with} allocations, {without} without the user id"
    );
}

#[test]
fn a_steady_state_resolve_allocates_at_most_8_times() {
    let request = request();
    for (case, builder) in cases() {
        let most = steady_state(&builder().build().unwrap(), &request);
        println!("{case}: {most} allocations per resolve");
        assert!(
            most <= MAX_ALLOCATIONS,
            "{case}: {most} allocations per resolve, more than {MAX_ALLOCATIONS}"
        );
    }
}
