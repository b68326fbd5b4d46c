//! The command line: clap definitions and what each command does. The
//! terminal UI lives in `app`; this file only dispatches.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use crate::exchange;
use crate::i18n::Lang;
use crate::model::{AuditAction, Id, Kind};
use crate::store::{SledStore, Store, StoreError};

#[derive(Parser, Debug)]
#[command(
    name = "triad",
    version,
    about = "Peer-support cases across government, medical and patient & family bodies"
)]
pub struct Cli {
    /// The store directory [default: $TRIAD_STORE, else the XDG data directory]
    #[arg(long, global = true, env = "TRIAD_STORE", value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Open a private, freshly seeded demo store (removed on exit)
    #[arg(long)]
    pub demo: bool,
    /// Meeting mode: hide private notes and personal details on screen
    #[arg(long)]
    pub meeting: bool,
    /// Language of the labels [default: the config, else $LANG]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Plain ASCII borders and symbols, for terminals that draw others double width
    #[arg(long)]
    pub ascii: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Md,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load the seven scenarios (and N synthetic cases) into the store
    Demo {
        /// Add N deterministic synthetic cases, for benchmarks
        #[arg(long, default_value_t = 0)]
        scale: usize,
    },
    /// Quick lookup without the TUI; exits 1 when nothing matches
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print a JSON array of {"kind","id","name"} objects
        #[arg(long)]
        json: bool,
    },
    /// Add the records of a JSON export; all or nothing
    Import { file: PathBuf },
    /// Write the store (or one case) as JSON, CSV files, or a Markdown report
    Export {
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Only this case and what it needs (e.g. C-0007)
        #[arg(long, value_name = "ID")]
        case: Option<Id>,
        /// Output file (json, md) or directory (csv) [default: standard output]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Verify references and indexes, and report size on disk
    Check,
    /// Keymap files
    Keymap {
        #[command(subcommand)]
        command: KeymapCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeymapCommand {
    /// Check a keymap file without starting: prints file:line: reason for each problem
    Check { file: PathBuf },
}

/// Runs the parsed command line; errors are printed with what to do next.
pub fn run(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("triad: {message}");
            ExitCode::from(2)
        }
    }
}

fn store_dir(cli: &Cli) -> PathBuf {
    cli.store.clone().unwrap_or_else(crate::store::default_dir)
}

fn open(dir: &Path) -> Result<SledStore, String> {
    SledStore::open(dir).map_err(|e| e.to_string())
}

/// For commands that only read: a mistyped path is an error, not a new store.
fn open_existing(dir: &Path) -> Result<SledStore, String> {
    SledStore::open_existing(dir).map_err(|e| e.to_string())
}

fn dispatch(cli: Cli) -> Result<ExitCode, String> {
    let dir = store_dir(&cli);
    match cli.command {
        None => tui(&cli, &dir),
        Some(Command::Demo { scale }) => demo(&dir, scale),
        Some(Command::Search {
            ref query,
            limit,
            json,
        }) => search(&open_existing(&dir)?, query, limit, json),
        Some(Command::Import { ref file }) => import(&open(&dir)?, file),
        Some(Command::Export {
            format,
            case,
            ref out,
        }) => export(&open_existing(&dir)?, format, case, out.as_deref()),
        Some(Command::Check) => check(&open_existing(&dir)?),
        Some(Command::Keymap {
            command: KeymapCommand::Check { ref file },
        }) => keymap_check(file),
    }
}

/// Prints "label done/total" on one line of a terminal's stderr.
fn progress_printer(label: &'static str) -> impl FnMut(usize, usize) {
    let tty = std::io::stderr().is_terminal();
    let mut last_pct = usize::MAX;
    move |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if pct != last_pct && (tty || pct == 100) {
            last_pct = pct;
            let end = if pct == 100 { "\n" } else { "" };
            eprint!("\r{label}: {done}/{total} ({pct}%){end}");
            let _ = std::io::stderr().flush();
        }
    }
}

fn demo(dir: &Path, scale: usize) -> Result<ExitCode, String> {
    let store = open(dir)?;
    let today = chrono::Local::now().date_naive();
    let summary = crate::demo::seed(&store, today).map_err(|e| match e {
        StoreError::Duplicate(_) => format!(
            "the store at {} is not empty; give `--store` an empty directory for the demo",
            dir.display()
        ),
        other => other.to_string(),
    })?;
    eprintln!("seven scenarios: {summary}");
    if scale > 0 {
        let summary =
            crate::demo::seed_scale(&store, scale, &mut progress_printer("synthetic cases"))
                .map_err(|e| e.to_string())?;
        eprintln!("synthetic: {summary}");
    }
    eprintln!("demo data loaded into {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// The finder's index and ranking, without the TUI: `kind id name` lines,
/// or JSON objects with kind, id, name and score.
fn search(store: &dyn Store, query: &str, limit: usize, json: bool) -> Result<ExitCode, String> {
    let docs = crate::search::docs_in(store, store.user()).map_err(|e| e.to_string())?;
    let index = crate::search::Index::build(docs);
    let opts = crate::search::SearchOptions {
        include_restricted: true,
        ..crate::search::SearchOptions::limit(limit)
    };
    let hits = index.search_with(query, &opts);
    if hits.is_empty() {
        return Ok(ExitCode::from(1));
    }
    let kind_of = |id: &str| id.parse::<Id>().map_or("record", |i| i.kind.name());
    if json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                serde_json::json!({"kind": kind_of(&h.id), "id": h.id, "name": h.name, "score": h.score})
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
    } else {
        for h in hits {
            println!("{} {} {}", kind_of(&h.id), h.id, h.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn import(store: &dyn Store, file: &Path) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let n = exchange::import(store, &text, &mut progress_printer("importing"))
        .map_err(|e| format!("{} was not imported, nothing changed: {e}", file.display()))?;
    eprintln!("imported {n} records from {}", file.display());
    Ok(ExitCode::SUCCESS)
}

fn export(
    store: &dyn Store,
    format: Format,
    case: Option<Id>,
    out: Option<&Path>,
) -> Result<ExitCode, String> {
    if let Some(c) = case
        && c.kind != Kind::Case
    {
        return Err(format!("--case takes a case id like C-0007, not {c}"));
    }
    let text = match format {
        Format::Json => exchange::to_json(
            exchange::collect(store, case, store.user()).map_err(|e| e.to_string())?,
        ),
        Format::Md => {
            let Some(c) = case else {
                return Err("--format md needs --case ID".into());
            };
            exchange::case_report(store, c, store.user()).map_err(|e| e.to_string())?
        }
        Format::Csv => {
            let Some(dir) = out else {
                return Err("--format csv writes one file per kind: give --out DIR".into());
            };
            let records =
                exchange::collect(store, case, store.user()).map_err(|e| e.to_string())?;
            let files = exchange::write_csv(&records, dir)
                .map_err(|e| format!("cannot write CSV into {}: {e}", dir.display()))?;
            log_export(store, case, format)?;
            eprintln!("wrote {} files into {}", files.len(), dir.display());
            return Ok(ExitCode::SUCCESS);
        }
    };
    match out {
        Some(path) => exchange::private_file(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => match std::io::stdout().write_all(text.as_bytes()) {
            // A reader that stopped early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| format!("cannot write the export: {e}"))?,
        },
    }
    log_export(store, case, format)?;
    Ok(ExitCode::SUCCESS)
}

fn log_export(store: &dyn Store, case: Option<Id>, format: Format) -> Result<(), String> {
    let what = case.map_or("the store".to_string(), |c| c.to_string());
    store
        .log(
            AuditAction::Export,
            case,
            &format!("exported {what} as {format:?}"),
        )
        .map_err(|e| e.to_string())
}

fn check(store: &SledStore) -> Result<ExitCode, String> {
    let report = store.check().map_err(|e| e.to_string())?;
    for (kind, n) in &report.counts {
        println!("{:>14} {n}", kind.plural());
    }
    println!("{:>14} {}", "audit entries", report.audit_entries);
    let ratio = report.disk_bytes as f64 / report.live_bytes.max(1) as f64;
    println!(
        "size on disk {:.1} MiB for {:.1} MiB of live data ({ratio:.1}x){}",
        report.disk_bytes as f64 / 1_048_576.0,
        report.live_bytes as f64 / 1_048_576.0,
        if ratio > 10.0 {
            "; sled grows when records are rewritten: export, then import into a fresh store to compact"
        } else {
            ""
        }
    );
    if report.problems.is_empty() {
        println!("ok: no problems found");
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &report.problems {
            println!("problem: {p}");
        }
        println!("{} problems found", report.problems.len());
        Ok(ExitCode::from(1))
    }
}

/// `triad` with no subcommand: the terminal UI, on the store or (with
/// `--demo`) on a private, freshly seeded store removed on exit.
fn tui(cli: &Cli, dir: &Path) -> Result<ExitCode, String> {
    let today = chrono::Local::now().date_naive();
    // The demo store lives in a fresh private directory (random name, 0700),
    // removed when the guard drops: a fixed /tmp path could be planted by
    // another user of a shared server.
    let demo_dir = if cli.demo {
        Some(
            tempfile::Builder::new()
                .prefix("triad-demo-")
                .tempdir()
                .map_err(|e| format!("cannot make a temporary demo store: {e}"))?,
        )
    } else {
        None
    };
    let mut opts = match &demo_dir {
        // The demo is small: open and seed it here.
        Some(d) => {
            let store = open(&d.path().join("store"))?;
            crate::demo::seed(&store, today).map_err(|e| e.to_string())?;
            crate::app::RunOptions::with_store(Arc::new(store))
        }
        // A real store may be big: check and lock it now (a clear error
        // before the terminal is touched), open it after the first frame.
        None => {
            let reserved =
                SledStore::reserve(dir, &crate::store::os_user()).map_err(|e| e.to_string())?;
            let user = reserved.user().to_string();
            crate::app::RunOptions::new(
                &user,
                Box::new(move || {
                    let store = reserved.open().map_err(|e| e.to_string())?;
                    Ok(Arc::new(store) as Arc<dyn Store>)
                }),
            )
        }
    };
    opts.lang = cli.lang;
    opts.ascii = cli.ascii;
    opts.meeting = cli.meeting;
    crate::app::run(opts).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn keymap_check(file: &Path) -> Result<ExitCode, String> {
    match crate::keymap::check_file(file) {
        Ok(summary) => {
            println!("{summary}");
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            eprintln!("{errors}");
            Ok(ExitCode::from(1))
        }
    }
}
