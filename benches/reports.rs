//! `triad report` on a big store: each report through the real binary (a
//! server started on demand computes it over every record the user may
//! see), and the size of its JSON.
//!
//!   cargo bench --bench reports                   # demo --scale 10000
//!   TRIAD_BENCH_SCALE=100000 cargo bench --bench reports

use std::time::Instant;

mod common;
use common::triad;

fn main() {
    let scale: usize = std::env::var("TRIAD_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let t = Instant::now();
    triad(&store, &["demo", "--scale", &scale.to_string()]);
    println!("demo --scale {scale}: {:.1} s", t.elapsed().as_secs_f64());
    // The first report also warms the server (started on demand).
    triad(&store, &["report", "caseload", "--format", "json"]);
    // The export reads every record as the reports do: the floor.
    for args in [
        &["export", "--format", "json"][..],
        &[
            "report",
            "referrals",
            "--by",
            "category",
            "--format",
            "json",
        ],
        &["report", "referrals", "--by", "body", "--format", "json"],
        &["report", "attendance", "--format", "json"],
        &[
            "report",
            "attendance",
            "--kind",
            "training",
            "--format",
            "json",
        ],
        &["report", "caseload", "--format", "json"],
    ] {
        let runs = 5;
        let mut best = f64::MAX;
        let mut bytes = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let out = triad(&store, args);
            best = best.min(t.elapsed().as_secs_f64());
            bytes = out.stdout.len();
        }
        println!(
            "{:<56} best of {runs}: {:>6.0} ms, {:>8} bytes",
            args.join(" "),
            best * 1000.0,
            bytes
        );
    }
    triad(&store, &["serve", "--stop"]);
}
