//! The pairs of `pairs` (`endpoints_env`, `endpoints`, and `identity` with feature `identity`)
//! measured interleaved: many short rounds, each timing a batch of one side then a batch of the
//! other (the order alternating), and the median of the rounds' ratios.
//!
//! On a shared machine the load moves within seconds, so two criterion runs of a few seconds
//! each can see different machines; two batches of a few milliseconds side by side see nearly
//! the same one, and the median of hundreds of such ratios is steady. criterion's figures
//! (`resolve.rs`) stay the reference for times; this gives the ratio.
//!
//! ```sh
//! cargo bench -p signalr-binding --bench paired [--features identity] [-- CASE]
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

mod pairs;

/// The least time a batch runs (batches are sized by doubling, so up to twice this).
const BATCH: Duration = Duration::from_millis(4);
/// How long the rounds of a pair run in all.
const MEASUREMENT: Duration = Duration::from_secs(10);

/// The time of `iterations` runs of `side`.
fn time(side: &pairs::Side, iterations: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(side.run());
    }
    start.elapsed()
}

/// The `q`-quantile of sorted `values`, by the nearest rank.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[rank]
}

fn measure(pair: &pairs::Pair) {
    // Warm up both sides, and size a batch to about BATCH.
    let warm_up = Instant::now();
    let mut iterations = 1u32;
    while warm_up.elapsed() < Duration::from_millis(500) {
        let elapsed = time(&pair.base, iterations).max(time(&pair.measured, iterations));
        if elapsed < BATCH {
            iterations = iterations.saturating_mul(2);
        }
    }
    let mut ratios = Vec::new();
    let (mut base_total, mut measured_total) = (Duration::ZERO, Duration::ZERO);
    let start = Instant::now();
    while start.elapsed() < MEASUREMENT {
        // Alternate which side runs first, so that neither always follows the other.
        let (base, measured) = if ratios.len() % 2 == 0 {
            let base = time(&pair.base, iterations);
            (base, time(&pair.measured, iterations))
        } else {
            let measured = time(&pair.measured, iterations);
            (time(&pair.base, iterations), measured)
        };
        base_total += base;
        measured_total += measured;
        ratios.push(measured.as_secs_f64() / base.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let per_run =
        |total: Duration| total.as_nanos() as f64 / (ratios.len() as f64 * f64::from(iterations));
    println!(
        "{case}: {measured} / {base} median {median:.3}x (quartiles {q1:.3}x .. {q3:.3}x), \
         {rounds} rounds of {iterations} runs each; mean {measured_ns:.0} ns / {base_ns:.0} ns",
        case = pair.case,
        measured = pair.measured.name,
        base = pair.base.name,
        median = quantile(&ratios, 0.5),
        q1 = quantile(&ratios, 0.25),
        q3 = quantile(&ratios, 0.75),
        rounds = ratios.len(),
        measured_ns = per_run(measured_total),
        base_ns = per_run(base_total),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a further argument names the one case to run.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let wanted = |case: &str| only.is_empty() || only.iter().any(|o| o == case);
    // First, while this is the only thread.
    // SAFETY: no other thread has started yet.
    let endpoints_env = wanted("endpoints_env").then(|| unsafe { pairs::endpoints_env() });
    if let Some(pair) = &endpoints_env {
        measure(pair);
    }
    if wanted("endpoints") {
        measure(&pairs::endpoints());
    }
    #[cfg(feature = "identity")]
    if wanted("identity") {
        measure(&pairs::identity());
    }
}
