//! The REST client's cost per send, against the emulator on loopback: `client_send_to_all`
//! (`RestClient::send_to_all`: URL, a fresh token, the request, the answer checked) against two
//! baselines in the same run on the same connection pool size:
//!
//! - `reqwest_reused_token`: a bare reqwest POST of the same body with a token minted once
//!   (the least any client can do; not what a correct one may do for long, since tokens
//!   expire);
//! - `reqwest_jsonwebtoken_per_request`: a bare reqwest POST with a token minted per request by
//!   `jsonwebtoken::encode` (what a hand-written client does).
//!
//! `cargo bench -p signalr-binding --features rest --bench rest`

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;
use signalr_binding::rest::{Message, RestClient};

const KEY: &str = "bench-rest-access-key-0123456789abcdef";

fn bench(c: &mut Criterion) {
    // One thread serves the emulator and runs the clients: the three cases share it alike.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime
        .block_on(
            signalr_emulator::Emulator::builder()
                .host("127.0.0.1")
                .port(0)
                .access_key(KEY)
                .start(),
        )
        .unwrap();
    let client = RestClient::builder("chat")
        .connection_string(emulator.connection_string().parse().unwrap())
        .build()
        .unwrap();
    let message = Message::new("newMessage", ("bench", "hello everyone")).unwrap();
    let port = emulator.local_addr().port();
    let url = format!("http://127.0.0.1:{port}/api/hubs/chat/:send?api-version=2022-06-01");
    let audience = "http://127.0.0.1/api/hubs/chat/:send";
    let key = EncodingKey::from_secret(KEY.as_bytes()).unwrap();
    let mint = || {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = json!({"nbf": now, "exp": now + 300, "iat": now, "aud": audience});
        jsonwebtoken::encode(&Header::default(), &claims, &key).unwrap()
    };
    let http = reqwest::Client::new();
    let post = |token: String| {
        let request = http
            .post(&url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(message.body().to_vec());
        async move {
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), 202);
        }
    };
    let reused = mint();

    let mut group = c.benchmark_group("rest_send_to_all");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("client_send_to_all", |b| {
        b.iter(|| runtime.block_on(client.send_to_all(&message)).unwrap())
    });
    group.bench_function("reqwest_reused_token", |b| {
        b.iter(|| runtime.block_on(post(reused.clone())))
    });
    group.bench_function("reqwest_jsonwebtoken_per_request", |b| {
        b.iter(|| runtime.block_on(post(mint())))
    });
    group.finish();
    drop(emulator);
}

criterion_group!(benches, bench);
criterion_main!(benches);
