//! Operations on a big store: backup (through a real `triad serve`),
//! verify, restore and compaction times, and sizes before and after.
//!
//!   cargo bench --bench ops                       # demo --scale 100000
//!   TRIAD_BENCH_SCALE=10000 cargo bench --bench ops
//!
//! The store of `triad demo --scale N` is built once under
//! `target/ops-bench/` and reused (delete it to rebuild); each run works
//! on a copy of it, so compaction never changes the reference.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{BIN, triad};

fn size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn mib(b: u64) -> String {
    format!("{:.0} MiB", b as f64 / 1_048_576.0)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = e.file_type().unwrap();
        if t.is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else if t.is_file() && e.file_name() != "triad.lock" {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Stops the store's server (if any) when dropped, even on a panic.
struct Stop(PathBuf);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = Command::new(BIN)
            .args(["serve", "--stop", "--store"])
            .arg(&self.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn timed(what: &str, f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    let d = t.elapsed();
    println!("{what}: {:.2} s", d.as_secs_f64());
    d
}

fn main() {
    let scale: usize = std::env::var("TRIAD_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("ops-bench");
    let reference = root.join(format!("demo-{scale}"));
    if !reference.join("db").exists() {
        let _stop = Stop(reference.clone());
        timed(
            &format!("building `triad demo --scale {scale}` (once)"),
            || {
                triad(&reference, &["demo", "--scale", &scale.to_string()]);
            },
        );
    }
    let work = root.join("work");
    let _ = std::fs::remove_dir_all(&work);
    let store = work.join("store");
    copy_dir(&reference, &store);
    println!(
        "store of `triad demo --scale {scale}`: {} on disk",
        mib(size(&store.join("db")))
    );

    let backup = work.join("nightly.triad-backup");
    {
        let _stop = Stop(store.clone());
        // The server's start (opening the store) is not the backup's time.
        triad(&store, &["check"]);
        timed("backup through the server (`triad backup --out`)", || {
            triad(&store, &["backup", "--out", backup.to_str().unwrap()]);
        });
    }
    println!(
        "  backup file: {}",
        mib(std::fs::metadata(&backup).unwrap().len())
    );
    timed("verify (`triad backup --verify`)", || {
        triad(&store, &["backup", "--verify", backup.to_str().unwrap()]);
    });
    let restored = work.join("restored");
    timed(
        "restore into a new store, checked (`triad restore`)",
        || {
            triad(&restored, &["restore", backup.to_str().unwrap()]);
        },
    );
    println!("  restored store: {}", mib(size(&restored.join("db"))));
    // The server stopped above exits at once; wait for its lock to go.
    std::thread::sleep(Duration::from_millis(500));
    let before = size(&store.join("db"));
    timed("compact (`triad compact`, server stopped)", || {
        triad(&store, &["compact"]);
    });
    let after = size(&store.join("db"));
    println!(
        "  size before {} → after {} ({:.1}× smaller)",
        mib(before),
        mib(after),
        before as f64 / after.max(1) as f64
    );
    let _ = std::fs::remove_dir_all(&work);
}
