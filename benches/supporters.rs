//! Peer supporters' figures, printed (never asserted): what the dashboard's
//! flags cost (the supporters with a profile), the Supporters screen's rows
//! (every peer supporter) and one supporter's view, and the dashboard as a
//! whole, on the store of `triad demo --scale N` (`target/tui-bench/`,
//! shared with `benches/tui.rs`; built once when missing).
//!
//! Run with `cargo bench --bench supporters`; `TRIAD_BENCH_SCALES=10000`
//! picks the sizes (default 10000).

use std::time::{Duration, Instant};

use triad::query::request::StoreEffect;
use triad::query::supporters::{load_supporter, looked_after, supporter_rows};
use triad::query::worker::{IndexAt, Where, run_store};
use triad::store::{Scope, SledStore};

mod common;
use common::{scaled_store, today};

/// The median of five runs of `f`.
fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn main() {
    let scales: Vec<usize> = std::env::var("TRIAD_BENCH_SCALES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000]);
    println!(
        "| store | supporters (with a profile) | dashboard's flags | Supporters screen rows | one supporter's view | whole dashboard |"
    );
    println!("|---|---|---|---|---|---|");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for n in scales {
        let dir = match scaled_store(n) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("bench failed: {e}");
                std::process::exit(1);
            }
        };
        let store = SledStore::open_as(&dir, "bench").expect("open the store");
        let scope = Scope::owner("bench");
        let all = supporter_rows(&store, &scope, today()).expect("rows");
        let profiled = looked_after(&store, &scope, today()).expect("rows").len();
        let flags = median(|| {
            looked_after(&store, &scope, today()).expect("rows");
        });
        let rows = median(|| {
            supporter_rows(&store, &scope, today()).expect("rows");
        });
        let busiest = all
            .iter()
            .max_by_key(|r| r.workload.active_cases())
            .map(|r| r.person.id)
            .expect("a supporter");
        let view = median(|| {
            load_supporter(&store, busiest, &scope, today()).expect("a view");
        });
        let cases = Default::default();
        let at = Where {
            index: IndexAt::Server,
            cases: &cases,
            dashboard: None,
        };
        let dashboard = median(|| {
            run_store(
                &store,
                StoreEffect::RefreshDashboard,
                today(),
                at,
                &scope,
                &mut |_| {},
            );
        });
        println!(
            "| demo --scale {n} | {} ({profiled}) | {:.1} ms | {:.0} ms | {:.1} ms | {:.0} ms |",
            all.len(),
            ms(flags),
            ms(rows),
            ms(view),
            ms(dashboard)
        );
    }
}
