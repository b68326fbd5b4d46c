//! Store benchmark: prints figures, asserts nothing.
//!
//!   cargo bench --bench store                     # scales 10000 and 100000
//!   TRIAD_BENCH_SCALES=10000 cargo bench --bench store
//!
//! 1. durable write latency (create, flushed) p50/p99;
//! 2. for each scale: build a store with `triad demo --scale N`, then in a
//!    fresh process open it and load every record, printing the time and the
//!    process's peak resident memory.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use triad::model::*;
use triad::store::{SledStore, Store, StoreExt};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn write_latency() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = SledStore::open(&tmp.path().join("s")).expect("open");
    let mut times = Vec::new();
    for n in 0..500 {
        let rec = Record::Person(Person {
            id: Id::new(Kind::Person, 0),
            name: format!("佐藤 {n}"),
            reading: Some("サトウ".into()),
            roles: vec![Role::Client],
            peer_kind: None,
            activity_range: String::new(),
            skills: String::new(),
            contact: String::new(),
            supporter: None,
        });
        let t = Instant::now();
        store.create(rec).expect("create");
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "durable write (create + flush), 500 writes: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
}

/// Runs in a child process: open the store and load everything.
fn load(dir: &Path) {
    let t = Instant::now();
    let store = SledStore::open(dir).expect("open");
    let opened = t.elapsed();
    let records = store.everything().expect("load");
    let loaded = t.elapsed();
    println!(
        "  open {:.0} ms, open + load all {} records {:.2} s, peak memory {:.0} MiB",
        opened.as_secs_f64() * 1e3,
        records.len(),
        loaded.as_secs_f64(),
        peak_rss_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--load") {
        load(Path::new(&args[pos + 1]));
        return;
    }
    write_latency();
    let scales = std::env::var("TRIAD_BENCH_SCALES").unwrap_or_else(|_| "10000,100000".into());
    for scale in scales
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("s");
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_triad"))
            .args(["demo", "--scale", &scale.to_string(), "--store"])
            .arg(&dir)
            .output()
            .expect("run triad demo");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        println!(
            "scale {scale}: `triad demo --scale {scale}` took {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let me = std::env::current_exe().expect("own path");
        let out = Command::new(me)
            .arg("--load")
            .arg(&dir)
            .output()
            .expect("load child");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        let size: u64 = walk(&dir);
        println!("  size on disk {:.0} MiB", size as f64 / 1_048_576.0);
    }
}

fn walk(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    let m = e.metadata().ok();
                    if m.as_ref().is_some_and(|m| m.is_dir()) {
                        walk(&e.path())
                    } else {
                        m.map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
