//! The load run of `examples/load.rs` as a test: 500 WebSocket clients on loopback, 100
//! broadcasts through the REST API, every message delivered to every client in order, no client
//! error, every session gone after its client, and memory flat across rounds. Its figures
//! (rates, latency) are printed by the example in release builds, never asserted here.

#[path = "../examples/load.rs"]
#[allow(dead_code)]
mod load;

/// Memory may wobble by allocator caching; a leak of the sessions' buffers (about 60 KiB per
/// connection here) would grow it by tens of MiB a round.
const ALLOWED_GROWTH_KIB: u64 = 16 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_clients_get_every_broadcast_and_memory_stays_flat() {
    let report = load::run(500, 100, 3).await;
    assert_eq!(report.errors(), 0, "no client saw an error");
    let after = &report.rss_after;
    eprintln!(
        "resident memory: {} KiB before, {} KiB at most connected, after each round {after:?} KiB",
        report.rss_before, report.rss_connected
    );
    // The first round warms the allocator up; later rounds must not keep growing.
    assert!(
        after[2] <= after[1] + ALLOWED_GROWTH_KIB,
        "memory grew from {} KiB to {} KiB between rounds of {} clients x {} broadcasts",
        after[1],
        after[2],
        report.connections,
        report.broadcasts
    );
}
