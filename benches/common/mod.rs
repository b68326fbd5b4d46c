//! What several benchmarks share: the real binary run on a store, and the
//! demo store at a scale, built once under `target/tui-bench/`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::NaiveDate;
use triad::store::SledStore;

pub const BIN: &str = env!("CARGO_BIN_EXE_triad");

/// "Today" for the scaled stores, so every run sees the same dates.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 14).unwrap_or_default()
}

/// `triad ARGS --store STORE`, which must succeed (its server goes idle
/// after 2 s).
pub fn triad(store: &Path, args: &[&str]) -> Output {
    let out = Command::new(BIN)
        .args(args)
        .arg("--store")
        .arg(store)
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SOCKET")
        .env("TRIAD_SERVER_IDLE", "2")
        .stdin(Stdio::null())
        .output()
        .expect("run triad");
    assert!(
        out.status.success(),
        "triad {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("tui-bench")
}

/// The scenarios plus `n` synthetic cases, built once and kept.
pub fn scaled_store(n: usize) -> Result<PathBuf, String> {
    let dir = bench_dir().join(format!("scale-{n}"));
    let done = dir.join("seeded");
    if done.exists() {
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "building a store with {n} synthetic cases in {} (once)",
        dir.display()
    );
    let store = SledStore::open_as(&dir, "bench").map_err(|e| e.to_string())?;
    triad::demo::seed(&store, today()).map_err(|e| e.to_string())?;
    triad::demo::seed_scale(&store, n, &mut |d, t| {
        if d == t || d % 10_000 == 0 {
            eprint!("\r  {d}/{t}");
        }
    })
    .map_err(|e| e.to_string())?;
    eprintln!();
    drop(store);
    std::fs::write(&done, b"ok").map_err(|e| e.to_string())?;
    Ok(dir)
}
