//! TUI figures, printed (never asserted):
//!
//! - time from start to the first frame on stores of `triad demo --scale
//!   10000` and `--scale 100000` (the first frame must not wait for the
//!   data), and to a fully loaded case list and finder index;
//! - render time of the case view at 200x50;
//! - bytes written to the terminal when the selection moves one row.
//!
//! Run with `cargo bench --bench tui`. The scaled stores are built once
//! under `target/tui-bench/` and reused (delete it to rebuild).
//! `TRIAD_BENCH_SCALES=1000,10000` picks other sizes.

use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use triad::app::effect::Effect;
use triad::app::headless::Headless;
use triad::app::link::SearchState;
use triad::app::state::{Config, State};
use triad::app::{Action, update};
use triad::i18n::Lang;
use triad::keymap::{Keymap, parse_keys};
use triad::query::request::{Reply, StoreEffect};
use triad::query::worker::{IndexAt, run_store};
use triad::store::{SledStore, Store};

mod common;
use common::{bench_dir, scaled_store, today};

fn config() -> Config {
    Config::new(Lang::En, false, true, "bench", today())
}

/// What `app::run` does up to the first frame, with a TestBackend for a
/// terminal; then waits for the full load (case list and finder index).
struct Startup {
    open: Duration,
    first: Duration,
    first_rows: Duration,
    all_rows: Duration,
    listed: Duration,
    indexed: Duration,
    cases: usize,
}

fn startup(dir: &Path) -> Result<Startup, String> {
    let t0 = Instant::now();
    // As `triad` does: lock the store, draw, then open it on the worker.
    let reserved = SledStore::reserve(dir, "bench").map_err(|e| e.to_string())?;
    let keymap = Keymap::builtin().map_err(|e| e.to_string())?;
    let mut state = State::new(config(), Arc::new(keymap), (80, 24));
    let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
    triad::ui::render(&state, buf.area, &mut buf);
    let first = t0.elapsed();
    let (tx, rx) = mpsc::channel::<Action>();
    let worker = std::thread::spawn(move || -> Result<Duration, String> {
        let store = reserved.open().map_err(|e| e.to_string())?;
        let opened = t0.elapsed();
        let cases = triad::query::cases::CaseCache::default();
        let at = triad::query::worker::Where {
            index: IndexAt::Here,
            cases: &cases,
            dashboard: None,
        };
        run_store(
            &store,
            StoreEffect::LoadAll,
            today(),
            at,
            &triad::store::Scope::owner("bench"),
            &mut |r| {
                let _ = tx.send(Action::Reply(Box::new(r)));
            },
        );
        Ok(opened)
    });
    // Apply replies as the loop would; index the finder on this thread.
    let mut search = SearchState::default();
    let mut loaded = None;
    let mut first_rows = None;
    let mut all_rows = None;
    for a in rx {
        let done = matches!(&a, Action::Reply(r) if matches!(**r, Reply::Loaded(_)));
        if matches!(&a, Action::Reply(r) if matches!(**r, Reply::Overview(_))) {
            first_rows.get_or_insert(t0.elapsed());
            all_rows = Some(t0.elapsed());
        }
        for e in update(&mut state, a) {
            if let Effect::Search(e) = e {
                search.run(e, &mut |_| {});
            }
        }
        if done {
            loaded = Some(t0.elapsed());
        }
    }
    let open = worker
        .join()
        .map_err(|_| "the store thread panicked".to_string())??;
    triad::ui::render(&state, buf.area, &mut buf);
    let listed = loaded.unwrap_or_else(|| t0.elapsed());
    let indexed = t0.elapsed();
    Ok(Startup {
        open,
        first,
        first_rows: first_rows.unwrap_or(indexed),
        all_rows: all_rows.unwrap_or(indexed),
        listed,
        indexed,
        cases: state.data.overview.total,
    })
}

/// A writer that counts bytes, standing in for the terminal.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<usize>>);

impl Write for Counter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if let Ok(mut n) = self.0.lock() {
            *n += b.len();
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Counter {
    fn take(&self) -> usize {
        self.0
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or(0)
    }
}

/// Bytes the real crossterm backend writes for one frame after `keys`,
/// synchronized-update markers included.
fn bytes_for_move(app: &mut Headless, keys: &str, w: u16, h: u16) -> Result<usize, String> {
    let counter = Counter::default();
    let backend = CrosstermBackend::new(counter.clone());
    let mut term = Terminal::with_options(
        backend,
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .map_err(|e| e.to_string())?;
    app.resize(w, h);
    let draw =
        |term: &mut Terminal<CrosstermBackend<Counter>>, app: &Headless| -> Result<(), String> {
            crossterm::execute!(
                term.backend_mut(),
                crossterm::terminal::BeginSynchronizedUpdate
            )
            .map_err(|e| e.to_string())?;
            term.draw(|f| triad::ui::draw(&app.state, f))
                .map_err(|e| e.to_string())?;
            crossterm::execute!(
                term.backend_mut(),
                crossterm::terminal::EndSynchronizedUpdate
            )
            .map_err(|e| e.to_string())?;
            Ok(())
        };
    draw(&mut term, app)?;
    counter.take();
    for k in parse_keys(keys).map_err(|e| e.to_string())? {
        app.act(Action::Key(k));
    }
    draw(&mut term, app)?;
    Ok(counter.take())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("bench failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let scales: Vec<usize> = std::env::var("TRIAD_BENCH_SCALES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);

    println!("## Start-up (first frame does not wait for the data)");
    println!(
        "Times from start. The first frame is drawn once the store is locked, before sled opens it (seconds on a big store) on the store thread."
    );
    println!();
    println!(
        "| store | first frame | store open | first cases listed | all cases listed | everything loaded | finder indexed | cases |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for n in scales {
        let dir = scaled_store(n)?;
        let s = startup(&dir)?;
        println!(
            "| demo --scale {n} | {:.1} ms | {:.1} ms | {:.0} ms | {:.0} ms | {:.0} ms | {:.0} ms | {} |",
            ms(s.first),
            ms(s.open),
            ms(s.first_rows),
            ms(s.all_rows),
            ms(s.listed),
            ms(s.indexed),
            s.cases
        );
    }

    // The seven scenarios, for the render and bytes figures.
    let tmp = bench_dir().join("scenarios");
    let _ = std::fs::remove_dir_all(&tmp);
    let store = SledStore::open_as(&tmp, "bench").map_err(|e| e.to_string())?;
    triad::demo::seed(&store, today()).map_err(|e| e.to_string())?;
    let store: Arc<dyn Store> = Arc::new(store);
    let keymap = Keymap::builtin().map_err(|e| e.to_string())?;
    let mut app = Headless::new(store.clone(), config(), keymap.clone(), 200, 50);
    app.press("<C-p>");
    app.type_text("仙台ポリオの会 会員");
    app.press("<CR>");

    println!();
    println!("## Case view render at 200x50 (Sendai polio case)");
    let area = Rect::new(0, 0, 200, 50);
    let mut buf = Buffer::empty(area);
    for panel in ["triad", "referrals", "notes", "timeline", "consents"] {
        let runs = 500;
        let t = Instant::now();
        for _ in 0..runs {
            buf.reset();
            triad::ui::render(&app.state, area, &mut buf);
        }
        let each = t.elapsed() / runs;
        println!(
            "| {panel} panel | {:.0} us per frame |",
            each.as_secs_f64() * 1e6
        );
        app.press("<Tab>");
    }

    println!();
    println!("## Bytes written to the terminal for one move of the selection");
    println!("| screen | size | bytes |");
    println!("|---|---|---|");
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let mut app = Headless::new(store.clone(), config(), keymap.clone(), w, h);
        app.press("gc");
        let b = bytes_for_move(&mut app, "j", w, h)?;
        println!("| case list, j | {w}x{h} | {b} |");
        let mut app = Headless::new(store.clone(), config(), keymap.clone(), w, h);
        let b = bytes_for_move(&mut app, "j", w, h)?;
        println!("| dashboard, j | {w}x{h} | {b} |");
        let mut app = Headless::new(store.clone(), config(), keymap.clone(), w, h);
        app.press("<C-p>");
        app.type_text("仙台ポリオの会 会員");
        app.press("<CR><Tab><Tab><Tab>");
        let b = bytes_for_move(&mut app, "j", w, h)?;
        println!("| case timeline, j | {w}x{h} | {b} |");
    }
    drop(app);
    drop(store);
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
