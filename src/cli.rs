//! The command line: clap definitions and what each command does. The
//! terminal UI lives in `app`; this file only dispatches.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::exchange;
use crate::i18n::Lang;
use crate::model::{Id, Kind, Record, escape, escape_multiline};
use crate::server::client::{Client, Target};
use crate::server::protocol::{Ask, Part, RECORDS_PER_FRAME};
use crate::store::StoreError;

mod opening;
use opening::OpeningNews;

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
    /// Talk to the server at this socket instead of the store's own server
    #[arg(
        long,
        global = true,
        env = "TRIAD_SOCKET",
        value_name = "SOCKET",
        conflicts_with = "store"
    )]
    pub connect: Option<PathBuf>,
    /// Open a private, freshly seeded demo store (removed on exit)
    #[arg(long)]
    pub demo: bool,
    /// Meeting mode: hide private notes and personal details on screen
    #[arg(long)]
    pub meeting: bool,
    /// Language of the labels [default: the config, else $LANG]
    #[arg(long, value_enum, global = true)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BriefFormat {
    Md,
    Txt,
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
    Import {
        file: PathBuf,
        /// Import sent referrals that no recorded consent covers, each as an
        /// override with this reason and your name (records kept elsewhere
        /// before triad); without it such a file is refused
        #[arg(long, value_name = "REASON")]
        historical: Option<String>,
    },
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
        /// A Markdown report for a meeting: shared notes only, clients and
        /// family by initials
        #[arg(long, requires = "case")]
        meeting: bool,
    },
    /// Figures over what you may see: referrals, attendance or caseload
    Report {
        #[arg(value_enum)]
        what: ReportWhat,
        /// From this day on (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: Option<crate::model::Date>,
        /// Up to this day (YYYY-MM-DD); caseload counts the events of its month
        #[arg(long, value_name = "DATE")]
        to: Option<crate::model::Date>,
        /// Referrals: group by category, receiving sector, receiving body, or year proposed
        #[arg(long, value_enum, default_value_t = ReportBy::Category)]
        by: ReportBy,
        /// Attendance: the events of this partnership (e.g. S-0002)
        #[arg(long, value_name = "ID")]
        partnership: Option<Id>,
        /// Attendance: the events with this body (or person) among their parties
        #[arg(long, value_name = "ID")]
        body: Option<Id>,
        /// Attendance: the events of this kind (training, board_meeting, salon, …)
        #[arg(long, value_name = "KIND", value_parser = event_kind)]
        kind: Option<crate::model::EventKind>,
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        /// Output file [default: standard output]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// The agenda of the days ahead, or one page of a case (--case), for a meeting
    Brief {
        /// One case's page instead of the agenda (e.g. C-0007)
        #[arg(long, value_name = "ID")]
        case: Option<Id>,
        /// The agenda covers today and this many days after it
        #[arg(long, default_value_t = 7, value_name = "N")]
        days: u32,
        /// List cases changed on or after this day (YYYY-MM-DD) [default: your last brief]
        #[arg(long, value_name = "DATE")]
        since: Option<crate::model::Date>,
        /// Meeting mode: clients and family by initials, shared notes only
        #[arg(long)]
        meeting: bool,
        /// Plain text lines, or Markdown (headings and lists) for minutes
        #[arg(long, value_enum, default_value_t = BriefFormat::Txt)]
        format: BriefFormat,
        /// Write it to this file (readable by you only) [default: standard output]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Verify references, indexes and the audit trail's chain, and report size on
    /// disk (coordinators only: it counts every record)
    Check {
        /// Also compare the trail with this anchor (from `serve --anchor-dir`, or
        /// a backup): a trail cut short fails
        #[arg(long, value_name = "FILE")]
        anchor: Option<PathBuf>,
    },
    /// List the audit trail: who viewed or changed what, when (coordinators only)
    Audit {
        /// Only entries about this case and its records (e.g. C-0007)
        #[arg(long, value_name = "ID")]
        case: Option<Id>,
        /// Only entries by this OS user
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// Only entries from this day on (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        since: Option<crate::model::Date>,
        /// Print a JSON array of entries
        #[arg(long)]
        json: bool,
    },
    /// Serve the store to every triad over a Unix socket (started on demand
    /// when none runs)
    Serve {
        /// The socket [default: triad.sock in the store directory]
        #[arg(long, value_name = "PATH")]
        socket: Option<PathBuf>,
        /// Exit after this many seconds with no client [default: never, or
        /// 60 for a server started on demand]
        #[arg(long, env = "TRIAD_SERVER_IDLE", value_name = "SECS")]
        idle: Option<u64>,
        /// Stop the running server (it finishes its writes first)
        #[arg(long)]
        stop: bool,
        /// Users and roles (TOML); without it the server serves its own user only
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Refuse writes that would leave less than this many MB free on the
        /// store's disk [default: $TRIAD_DISK_RESERVE_MB, else 64]
        #[arg(long, value_name = "MB")]
        disk_reserve_mb: Option<u64>,
        /// Write the audit trail's head (number and hash) into this directory at
        /// start, stop and every 100 entries or 10 minutes (`triad check --anchor`)
        #[arg(long, env = "TRIAD_ANCHOR_DIR", value_name = "DIR")]
        anchor_dir: Option<PathBuf>,
        /// Check a config file and exit: prints file:line: reason for each problem
        #[arg(long, value_name = "FILE", conflicts_with_all = ["stop", "config"])]
        check_config: Option<PathBuf>,
        /// Started by another triad: leave the terminal's session, and exit
        /// quietly if another server holds the store
        #[arg(long, hide = true)]
        on_demand: bool,
    },
    /// Back up the whole store (through its server, while others work) into
    /// a compressed file readable by you only; or check a backup
    Backup {
        /// The backup file to write
        #[arg(long, value_name = "FILE", required_unless_present = "verify")]
        out: Option<PathBuf>,
        /// Check this backup (its header, every entry, its checksum) without restoring it
        #[arg(long, value_name = "FILE", conflicts_with = "out")]
        verify: Option<PathBuf>,
    },
    /// Restore a backup into a new store (--store DIR, which must not hold files)
    Restore { file: PathBuf },
    /// Rewrite the store into fresh files and swap them in (the server must be stopped)
    Compact,
    /// Keymap files
    Keymap {
        #[command(subcommand)]
        command: KeymapCommand,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportWhat {
    Referrals,
    Attendance,
    Caseload,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportBy {
    Category,
    Sector,
    Body,
    Year,
}

/// `training`, `board-meeting` or `board_meeting`: an event kind.
fn event_kind(s: &str) -> Result<crate::model::EventKind, String> {
    let name = s.trim().to_ascii_lowercase().replace('-', "_");
    serde_json::from_value(serde_json::Value::String(name)).map_err(|_| {
        "an event kind: meeting, check_up, training, lecture, salon, board_meeting, consultation, milestone or other".to_string()
    })
}

#[derive(Subcommand, Debug)]
pub enum KeymapCommand {
    /// Check a keymap file without starting: prints file:line: reason for each problem
    Check { file: PathBuf },
}

/// Runs the parsed command line; errors are printed with what to do next.
pub fn run(cli: Cli) -> ExitCode {
    // Health data: nothing triad creates is for anyone but its owner.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    match dispatch(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("triad: {}", escape_multiline(&message));
            ExitCode::from(2)
        }
    }
}

fn store_dir(cli: &Cli) -> PathBuf {
    cli.store.clone().unwrap_or_else(crate::store::default_dir)
}

/// Where a machine-wide server listens (see the README's shared set-up).
pub const SHARED_SOCKET: &str = "/run/triad/triad.sock";

/// The server to talk to: `--connect` (or `$TRIAD_SOCKET`), else the
/// machine-wide server if there is one and no store was named, else the
/// store's own (started on demand). Commands that only read need the store to exist: a mistyped
/// path is an error, not a new empty store.
fn target(cli: &Cli, must_exist: bool) -> Result<Target, String> {
    if let Some(socket) = &cli.connect {
        return Ok(Target::Socket(socket.clone()));
    }
    // A machine-wide server, unless a store was named.
    let shared = Path::new(SHARED_SOCKET);
    if cli.store.is_none() && shared.exists() {
        return Ok(Target::Socket(shared.to_path_buf()));
    }
    let dir = store_dir(cli);
    match std::fs::metadata(dir.join("db")) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(format!(
                "the store at {} is not yours to open (it is readable by its owner only); ask its owner to serve it to you with `triad serve`, then use --connect",
                dir.display()
            ));
        }
        Err(_) if must_exist => return Err(StoreError::Missing(dir).to_string()),
        Err(_) => {}
    }
    Ok(Target::Store(dir))
}

fn connect(target: &Target) -> Result<Client, String> {
    let news = OpeningNews::new();
    let heard = news.clone();
    let client = Client::open(target, false, Arc::new(move |h| heard.hear(h)));
    news.done();
    let client = client.map_err(|e| e.to_string())?;
    for notice in &client.notices {
        eprintln!("triad: {notice}");
    }
    Ok(client)
}

/// Asks and collects every part of the answer.
fn ask(client: &mut Client, ask: Ask) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    client
        .ask(ask, &mut |p| parts.push(p))
        .map_err(|e| e.to_string())?;
    Ok(parts)
}

fn dispatch(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        None => tui(&cli),
        Some(Command::Demo { scale }) => demo(&mut connect(&target(&cli, false)?)?, scale),
        Some(Command::Search {
            ref query,
            limit,
            json,
        }) => search(&mut connect(&target(&cli, true)?)?, query, limit, json),
        Some(Command::Import {
            ref file,
            ref historical,
        }) => import(&target(&cli, false)?, file, historical.clone()),
        Some(Command::Export {
            format,
            case,
            ref out,
            meeting,
        }) => export(
            &mut connect(&target(&cli, true)?)?,
            format,
            case,
            out.as_deref(),
            crate::app::config::ui_lang(cli.lang)?,
            meeting,
        ),
        Some(Command::Report {
            what,
            from,
            to,
            by,
            partnership,
            body,
            kind,
            format,
            ref out,
        }) => {
            let request = crate::report::Request {
                what: match what {
                    ReportWhat::Referrals => crate::report::What::Referrals,
                    ReportWhat::Attendance => crate::report::What::Attendance,
                    ReportWhat::Caseload => crate::report::What::Caseload,
                },
                window: crate::report::Window { from, to },
                by: match by {
                    ReportBy::Category => crate::report::Grouping::Category,
                    ReportBy::Sector => crate::report::Grouping::Sector,
                    ReportBy::Body => crate::report::Grouping::Body,
                    ReportBy::Year => crate::report::Grouping::Year,
                },
                partnership,
                body,
                kind,
            };
            report(
                &mut connect(&target(&cli, true)?)?,
                request,
                format,
                out.as_deref(),
                crate::app::config::ui_lang(cli.lang)?,
            )
        }
        Some(Command::Brief {
            case,
            days,
            since,
            meeting,
            format,
            ref out,
        }) => {
            let request = crate::query::brief::BriefRequest {
                case,
                days,
                since,
                meeting: meeting || cli.meeting,
                unanswered_days: unanswered_days()?,
                thresholds: user_config()?.thresholds(),
                lang: crate::app::config::ui_lang(cli.lang)?,
            };
            brief(
                &mut connect(&target(&cli, true)?)?,
                request,
                format,
                out.as_deref(),
            )
        }
        Some(Command::Check { ref anchor }) => {
            check(&mut connect(&target(&cli, true)?)?, anchor.as_deref())
        }
        Some(Command::Audit {
            case,
            ref user,
            since,
            json,
        }) => audit(
            &mut connect(&target(&cli, true)?)?,
            case,
            user.clone(),
            since,
            json,
            crate::app::config::ui_lang(cli.lang)?,
        ),
        Some(Command::Serve {
            socket: _,
            idle: _,
            stop: _,
            config: _,
            disk_reserve_mb: _,
            anchor_dir: _,
            check_config: Some(ref file),
            on_demand: _,
        }) => check_config(file),
        Some(Command::Serve {
            ref socket,
            idle,
            stop,
            ref config,
            disk_reserve_mb,
            anchor_dir: _,
            check_config: None,
            on_demand,
        }) => serve(
            &cli,
            socket.clone(),
            idle,
            stop,
            config.as_deref(),
            on_demand,
            disk_reserve_mb,
        ),
        Some(Command::Backup {
            ref out,
            ref verify,
        }) => match (out, verify) {
            (_, Some(file)) => verify_backup(file),
            (Some(out), None) => backup(&mut connect(&target(&cli, true)?)?, out),
            (None, None) => Err("give --out FILE, or --verify FILE".into()),
        },
        Some(Command::Restore { ref file }) => restore(file, &store_dir(&cli)),
        Some(Command::Compact) => compact(&store_dir(&cli)),
        Some(Command::Keymap {
            command: KeymapCommand::Check { ref file },
        }) => keymap_check(file),
    }
}

/// `triad backup --out FILE`: the server writes it (it holds the store);
/// the path goes to it absolute.
fn backup(client: &mut Client, out: &Path) -> Result<ExitCode, String> {
    let out = std::path::absolute(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for part in ask(client, Ask::Backup { out: out.clone() })? {
        if let Part::Backup { summary } = part {
            eprintln!("backed up to {}: {}", out.display(), summary.describe());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verify_backup(file: &Path) -> Result<ExitCode, String> {
    match crate::store::verify_backup(file) {
        Ok(summary) => {
            println!("{}: ok: {}", file.display(), summary.describe());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{}: {e}", file.display());
            Ok(ExitCode::from(1))
        }
    }
}

fn restore(file: &Path, dir: &Path) -> Result<ExitCode, String> {
    let (summary, _report) = crate::store::restore(file, dir).map_err(|e| e.to_string())?;
    eprintln!(
        "restored {} into {}: {}; `triad check` passes",
        file.display(),
        dir.display(),
        summary.describe()
    );
    Ok(ExitCode::SUCCESS)
}

/// `triad compact`: only with no server holding the store.
fn compact(dir: &Path) -> Result<ExitCode, String> {
    match crate::store::compact(dir) {
        Ok(c) => {
            let mib = |b: u64| b as f64 / 1_048_576.0;
            if c.kept_rewritten {
                eprintln!(
                    "compacted {}: {:.1} MiB before, {:.1} MiB after ({} entries); kept the rewritten files",
                    dir.display(),
                    mib(c.before_bytes),
                    mib(c.after_bytes),
                    c.entries
                );
            } else {
                eprintln!(
                    "kept the store at {} as it was: {:.1} MiB before, {:.1} MiB after; rewritten it would take {:.1} MiB ({} entries)",
                    dir.display(),
                    mib(c.before_bytes),
                    mib(c.after_bytes),
                    mib(c.rewritten_bytes),
                    c.entries
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Locked(dir)) if crate::store::StoreLock::held_by_server(&dir) => {
            Err(format!(
                "a server is serving the store at {}; stop it with `triad serve --stop --store {}`, then run `triad compact` again",
                dir.display(),
                dir.display()
            ))
        }
        Err(e) => Err(e.to_string()),
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

fn demo(client: &mut Client, scale: usize) -> Result<ExitCode, String> {
    let mut progress = progress_printer("synthetic cases");
    client
        .ask(Ask::Demo { scale }, &mut |part| match part {
            Part::Text { text } => eprintln!("{}", escape_multiline(&text)),
            Part::Progress { done, total } => progress(done, total),
            _ => {}
        })
        .map_err(|e| e.to_string())?;
    eprintln!("demo data loaded");
    Ok(ExitCode::SUCCESS)
}

/// The finder's index and ranking (held by the server), without the TUI:
/// `kind id name` lines, or JSON objects with kind, id, name and score.
fn search(client: &mut Client, query: &str, limit: usize, json: bool) -> Result<ExitCode, String> {
    let mut hits = Vec::new();
    let asked = Ask::Search {
        query: query.to_string(),
        limit,
        restricted: true,
    };
    for part in ask(client, asked)? {
        if let Part::Hits { hits: h } = part {
            hits = h;
        }
    }
    if hits.is_empty() {
        return Ok(ExitCode::from(1));
    }
    if json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                serde_json::json!({"kind": h.id.kind.name(), "id": h.id.to_string(), "name": h.label, "score": h.score})
            })
            .collect();
        println!(
            "{}",
            exchange::json_safe(&serde_json::Value::Array(rows).to_string())
        );
    } else {
        for h in hits {
            println!("{} {} {}", h.id.kind.name(), h.id, escape(&h.label));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads and checks the file here (errors name the line and the record),
/// then sends it to the server in parts; it imports all or nothing.
fn import(target: &Target, file: &Path, historical: Option<String>) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let not_imported = |e: &dyn std::fmt::Display| {
        format!("{} was not imported, nothing changed: {e}", file.display())
    };
    let records = exchange::parse(&text).map_err(|e| not_imported(&e))?;
    drop(text);
    let n = records.len();
    let mut client = connect(target)?;
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let part: Vec<Record> = records.by_ref().take(RECORDS_PER_FRAME).collect();
        ask(&mut client, Ask::ImportPart { records: part }).map_err(|e| not_imported(&e))?;
    }
    let mut progress = progress_printer("importing");
    let request = crate::store::RequestIds::new().next_id();
    let commit = Ask::ImportCommit {
        request: Some(request),
        historical,
    };
    let committed = client.ask(commit, &mut |part| {
        if let Part::Progress { done, total } = part {
            progress(done, total);
        }
    });
    match committed {
        Ok(()) => {}
        // The answer was lost, not necessarily the import: ask.
        Err(e) if e.is_connection() => match applied(target, request) {
            Ok(true) => eprintln!(
                "the connection was lost ({e}) as the import ended; the server says it was applied"
            ),
            Ok(false) => return Err(not_imported(&e)),
            Err(why) => {
                return Err(format!(
                    "it is not known whether {} was imported: the connection was lost ({e}), and then {why}; `triad search` for one of its records, or import it again (records already in are refused as duplicates)",
                    file.display()
                ));
            }
        },
        Err(e) => return Err(not_imported(&e)),
    }
    // The server wrote the import's audit entry itself, with the import.
    eprintln!(
        "imported {n} records from {}",
        escape(&file.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether the request was applied, asked of the store's server (a new
/// one, started if the old has gone) after an answer was lost.
/// Tries for a while: a server may be restarting.
fn applied(target: &Target, request: crate::store::RequestId) -> Result<bool, String> {
    let until = std::time::Instant::now() + Duration::from_secs(30);
    let mut pause = Duration::from_millis(50);
    loop {
        let asked = Client::open(target, false, Arc::new(|_| {})).and_then(|mut c| {
            let mut applied = None;
            c.ask(Ask::Applied { request }, &mut |part| {
                if let Part::Applied { applied: a } = part {
                    applied = Some(a);
                }
            })?;
            Ok(applied)
        });
        match asked {
            Ok(Some(a)) => return Ok(a),
            Ok(None) => return Err("the server did not say".into()),
            Err(e) if e.is_connection() && std::time::Instant::now() < until => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(1));
            }
            Err(e) => return Err(format!("asking the server failed: {e}")),
        }
    }
}

/// The records of an export, and whom the server filtered them for (with
/// how many it left out), if it left any out.
fn collect(client: &mut Client, case: Option<Id>) -> Result<(Vec<Record>, Option<String>), String> {
    let mut records = Vec::new();
    let mut filtered = None;
    for part in ask(client, Ask::Collect { case })? {
        match part {
            Part::Records { records: mut r } => records.append(&mut r),
            Part::Filtered { reader, left_out } => {
                filtered = Some(format!(
                    "{reader}: {left_out} records this user may not read are left out"
                ));
            }
            _ => {}
        }
    }
    if let Some(f) = &filtered {
        eprintln!("filtered for {}", escape(f));
    }
    Ok((records, filtered))
}

fn export(
    client: &mut Client,
    format: Format,
    case: Option<Id>,
    out: Option<&Path>,
    lang: Lang,
    meeting: bool,
) -> Result<ExitCode, String> {
    if let Some(c) = case
        && c.kind != Kind::Case
    {
        return Err(format!("--case takes a case id like C-0007, not {c}"));
    }
    if meeting && format != Format::Md {
        return Err("--meeting is for the Markdown report: add --format md".into());
    }
    let text = match format {
        Format::Json => {
            let (records, filtered) = collect(client, case)?;
            exchange::to_json_for(records, filtered)
        }
        Format::Md => {
            let Some(case) = case else {
                return Err("--format md needs --case ID".into());
            };
            let mut text = String::new();
            for part in ask(
                client,
                Ask::CaseReport {
                    case,
                    lang,
                    meeting,
                },
            )? {
                if let Part::Text { text: t } = part {
                    text.push_str(&t);
                }
            }
            text
        }
        Format::Csv => {
            let Some(dir) = out else {
                return Err("--format csv writes one file per kind: give --out DIR".into());
            };
            let (records, filtered) = collect(client, case)?;
            let files = exchange::write_csv(&records, filtered.as_deref(), dir)
                .map_err(|e| format!("cannot write CSV into {}: {e}", dir.display()))?;
            eprintln!(
                "wrote {} files into {}",
                files.len(),
                escape(&dir.display().to_string())
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    match out {
        Some(path) => exchange::write_private(path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => match std::io::stdout().write_all(text.as_bytes()) {
            // A reader that stopped early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| format!("cannot write the export: {e}"))?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// The config's `unanswered_days`, as the dashboard uses it.
fn unanswered_days() -> Result<u32, String> {
    Ok(user_config()?
        .unanswered_days
        .unwrap_or(crate::query::brief::UNANSWERED_DAYS))
}

/// The user's config file (settings a brief is made with).
fn user_config() -> Result<crate::app::config::UserConfig, String> {
    match crate::app::config::config_path() {
        Some(p) => crate::app::config::load(&p),
        None => Ok(crate::app::config::UserConfig::default()),
    }
}

/// `triad brief`: made by the server (so it works beside an open TUI),
/// printed or written here.
fn brief(
    client: &mut Client,
    request: crate::query::brief::BriefRequest,
    format: BriefFormat,
    out: Option<&Path>,
) -> Result<ExitCode, String> {
    if let Some(c) = request.case
        && c.kind != Kind::Case
    {
        return Err(format!("--case takes a case id like C-0007, not {c}"));
    }
    let mut made = None;
    for part in ask(client, Ask::Brief { request })? {
        if let Part::Brief { brief } = part {
            made = Some(brief);
        }
    }
    let brief = made.ok_or("the server sent no brief; try again")?;
    let text = match format {
        BriefFormat::Md => brief.to_markdown(),
        BriefFormat::Txt => brief.to_text(),
    };
    match out {
        Some(path) => {
            exchange::write_private(path, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {}", escape(&path.display().to_string()));
        }
        None => match std::io::stdout().write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| format!("cannot write the brief: {e}"))?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `triad report`: the server computes the figures over what this user may
/// see; they are written here as Markdown, CSV or JSON.
fn report(
    client: &mut Client,
    request: crate::report::Request,
    format: Format,
    out: Option<&Path>,
    lang: Lang,
) -> Result<ExitCode, String> {
    if let Some(from) = request.window.from
        && request.window.to.is_some_and(|to| to < from)
    {
        return Err(format!(
            "--to is before --from ({from}); give an end on or after the start"
        ));
    }
    let mut figures = None;
    for part in ask(client, Ask::Report { request })? {
        if let Part::Report { figures: f } = part {
            figures = Some(f);
        }
    }
    let figures = figures.ok_or("the server sent no figures")?;
    let text = match format {
        Format::Md => crate::report::markdown(&figures, lang),
        Format::Csv => crate::report::csv(&figures, lang),
        Format::Json => {
            let json = serde_json::to_string_pretty(&figures).map_err(|e| e.to_string())?;
            exchange::json_safe(&json) + "\n"
        }
    };
    match out {
        Some(path) => exchange::write_private(path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => match std::io::stdout().write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| format!("cannot write the report: {e}"))?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `triad audit`: the server refuses it to all but coordinators.
fn audit(
    client: &mut Client,
    case: Option<Id>,
    user: Option<String>,
    since: Option<crate::model::Date>,
    json: bool,
    lang: Lang,
) -> Result<ExitCode, String> {
    let mut entries = Vec::new();
    for part in ask(client, Ask::Audit { case, user, since })? {
        if let Part::Audit { entries: mut e } = part {
            entries.append(&mut e);
        }
    }
    let mut out = String::new();
    if json {
        // Each entry as stored, with its summary rendered in the reader's
        // language (`text`) and its time in the reader's zone (`local`).
        let rows = entries
            .iter()
            .map(|e| {
                let mut row = serde_json::to_value(e).map_err(|e| e.to_string())?;
                if let Some(map) = row.as_object_mut() {
                    map.insert("text".into(), e.text(lang).into());
                    let local = e.at.with_timezone(&chrono::Local).to_rfc3339();
                    map.insert("local".into(), local.into());
                }
                Ok(row)
            })
            .collect::<Result<Vec<_>, String>>()?;
        let json = serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?;
        out = crate::exchange::json_safe(&json);
        out.push('\n');
    } else {
        for e in &entries {
            let entity = e
                .entity
                .map(|i| i.to_string())
                .unwrap_or_else(|| "-".into());
            out.push_str(&format!(
                "{:>6}  {}  {:<12} {:<8} {:<7} {}\n",
                e.seq,
                e.at.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S %z"),
                crate::model::escape(&e.user),
                e.action.name(),
                entity,
                crate::model::escape(&e.text(lang))
            ));
        }
    }
    match std::io::stdout().write_all(out.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.map_err(|e| format!("cannot write the audit trail: {e}"))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn check(client: &mut Client, anchor: Option<&Path>) -> Result<ExitCode, String> {
    let anchor = anchor.map(crate::store::anchor::from_file).transpose()?;
    let mut report = None;
    for part in ask(client, Ask::Check { anchor })? {
        if let Part::Check { report: r } = part {
            report = Some(r);
        }
    }
    let report = report.ok_or("the server sent no report")?;
    for (kind, n) in &report.counts {
        println!("{:>14} {n}", kind.plural());
    }
    println!("{:>14} {}", "audit entries", report.audit_entries);
    for notice in &report.notices {
        println!("note: {notice}");
    }
    let ratio = report.disk_bytes as f64 / report.live_bytes.max(1) as f64;
    println!(
        "size on disk {:.1} MiB for {:.1} MiB of live data ({ratio:.1}x){}",
        report.disk_bytes as f64 / 1_048_576.0,
        report.live_bytes as f64 / 1_048_576.0,
        if report.worth_compacting() {
            "; sled grows when records are rewritten: stop the server (`triad serve --stop`), then `triad compact` shrinks it"
        } else {
            ""
        }
    );
    if report.problems.is_empty() {
        println!("ok: no problems found");
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &report.problems {
            println!("problem: {}", escape(&p.to_string()));
        }
        println!("{} problems found", report.problems.len());
        Ok(ExitCode::from(1))
    }
}

/// `triad serve`, in the foreground until SIGTERM/SIGINT; `--stop` asks a
/// running one to stop. Started on demand it leaves the terminal's session
/// and, once listening, lets go of the stderr its starter reads.
fn serve(
    cli: &Cli,
    socket: Option<PathBuf>,
    idle: Option<u64>,
    stop: bool,
    config: Option<&Path>,
    on_demand: bool,
    disk_reserve_mb: Option<u64>,
) -> Result<ExitCode, String> {
    let dir = store_dir(cli);
    let mut opts = crate::server::ServeOptions::new(&dir);
    opts.disk_reserve = disk_reserve_mb.map(|mb| mb * 1024 * 1024);
    if let Some(Command::Serve { anchor_dir, .. }) = &cli.command {
        opts.anchor_dir.clone_from(anchor_dir);
    }
    opts.socket = socket.or_else(|| cli.connect.clone());
    if let Some(file) = config {
        let me = crate::server::socket::my_uid();
        opts.roles = Some(crate::server::roles::Roles::load(file, me)?);
    }
    if stop {
        let socket = match &opts.socket {
            Some(s) => s.clone(),
            None => Target::Store(dir.clone()).socket(),
        };
        return match stop_and_wait(&socket, stop_wait(), true) {
            Stopped::Gone => {
                eprintln!("the server has stopped");
                Ok(ExitCode::SUCCESS)
            }
            Stopped::NotRunning => {
                eprintln!("no server is running at {}", socket.display());
                Ok(ExitCode::SUCCESS)
            }
            other => Err(other.to_string()),
        };
    }
    if on_demand {
        // Its own session: the terminal closing (SIGHUP) is not its end.
        let _ = nix::unistd::setsid();
        close_inherited_fds();
    }
    opts.idle = idle
        .map(Duration::from_secs)
        .or(on_demand.then_some(crate::server::DEFAULT_IDLE));
    let result = crate::server::serve(opts, || {
        if on_demand {
            quiet_stderr();
        }
    });
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // Started on demand and beaten to it: the winner serves.
        Err(crate::server::ServeError::Store(StoreError::Locked(_)))
            if on_demand && held_by_a_server(&dir) =>
        {
            Ok(ExitCode::SUCCESS)
        }
        Err(crate::server::ServeError::Store(StoreError::Locked(_))) if on_demand => {
            Ok(ExitCode::from(crate::server::EXIT_LOCKED))
        }
        Err(crate::server::ServeError::Store(StoreError::Locked(dir)))
            if crate::store::StoreLock::held_by_server(&dir) =>
        {
            Err(format!(
                "a server already serves the store at {} (its socket is {}); stop it first with `triad serve --stop --store {}`",
                dir.display(),
                crate::server::socket::socket_in(&dir).display(),
                dir.display()
            ))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Closes every descriptor an on-demand server inherited beyond stdin,
/// stdout and stderr (a job runner's pipe, say): whoever waits on them must
/// not wait for the server. Run first thing, before triad opens any.
fn close_inherited_fds() {
    let fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
        .map(|dir| {
            dir.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .filter(|fd| *fd > 2)
                .collect()
        })
        .unwrap_or_default();
    // The listing's own descriptor is among them, closed already: harmless.
    for fd in fds {
        let _ = nix::unistd::close(fd);
    }
}

/// `triad serve --check-config FILE`: the file's problems with their lines.
fn check_config(file: &Path) -> Result<ExitCode, String> {
    let me = crate::server::socket::my_uid();
    match crate::server::roles::Roles::load(file, me) {
        Ok(roles) => {
            println!(
                "{}: ok ({})",
                escape(&file.display().to_string()),
                escape(&roles.summary())
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            eprintln!("{}", escape_multiline(&problems.to_string()));
            Ok(ExitCode::from(1))
        }
    }
}

/// Whether the store is held by a server. A server that won a race to
/// start marks the lock file a moment after it takes the lock: look for
/// the mark for a short while before deciding it is not a server.
fn held_by_a_server(dir: &Path) -> bool {
    let until = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        if crate::store::StoreLock::held_by_server(dir) {
            return true;
        }
        if std::time::Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Points stderr at /dev/null: whoever started an on-demand server must
/// not wait on its output.
fn quiet_stderr() {
    use std::os::fd::AsRawFd;
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        let _ = nix::unistd::dup2(null.as_raw_fd(), 2);
    }
}

/// `triad` with no subcommand: the terminal UI, talking to the store's
/// server, or (with `--demo`) to a server of a private, freshly seeded
/// store that is stopped and removed on exit.
fn tui(cli: &Cli) -> Result<ExitCode, String> {
    // The demo store lives in a fresh private directory (random name, 0700),
    // removed when the guard drops: a fixed /tmp path could be planted by
    // another user of a shared server.
    let demo_dir = if cli.demo {
        Some(
            tempfile::Builder::new()
                .prefix("triad-demo-")
                .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
                .tempdir()
                .map_err(|e| format!("cannot make a temporary demo store: {e}"))?,
        )
    } else {
        None
    };
    // Its server is stopped (and waited for) before its directory goes,
    // however the session ends: q, a signal, an error or a panic.
    let demo = demo_dir.map(|dir| DemoStore {
        socket: Target::Store(dir.path().join("store")).socket(),
        _dir: dir,
    });
    let target = match &demo {
        Some(d) => {
            let target = Target::Store(d._dir.path().join("store"));
            let mut client = connect(&target)?;
            ask(&mut client, Ask::Demo { scale: 0 })?;
            target
        }
        None => target(cli, false)?,
    };
    // A server listens before it opens its store: what would stop it is
    // said now, before the terminal changes; the store opens after the
    // first frame.
    crate::server::client::ensure_listening(&target).map_err(|e| e.to_string())?;
    let user = crate::server::socket::user_name(crate::server::socket::my_uid());
    let mut opts = crate::app::RunOptions::new(&user, crate::app::Source::Server(target.clone()));
    opts.lang = cli.lang;
    opts.ascii = cli.ascii;
    opts.meeting = cli.meeting;
    let result = crate::app::run(opts).map_err(|e| e.to_string());
    drop(demo);
    result?;
    Ok(ExitCode::SUCCESS)
}

/// `--demo`'s private store: on drop (also while a panic unwinds) its
/// server is stopped and waited for, then the directory is removed.
struct DemoStore {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for DemoStore {
    fn drop(&mut self) {
        let _ = stop_and_wait(&self.socket, Duration::from_secs(10), false);
    }
}

/// What `serve --stop` found.
#[derive(Debug)]
enum Stopped {
    /// The server has exited.
    Gone,
    NotRunning,
    /// It said no (another user's server, say).
    Refused(String),
    /// It did not answer, or did not exit, and its disk stayed quiet.
    NotResponding {
        pid: Option<i32>,
        secs: u64,
    },
    /// Still writing when we gave up waiting.
    StillWriting {
        pid: i32,
        secs: u64,
    },
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Gone => f.write_str("the server has stopped"),
            Stopped::NotRunning => f.write_str("no server is running"),
            Stopped::Refused(why) => write!(f, "the server would not stop: {why}"),
            Stopped::NotResponding {
                pid: Some(pid),
                secs,
            } => write!(
                f,
                "the server is not responding, pid {pid}: it has not stopped after {secs} s and still holds the store; `kill {pid}` ends it (what it acknowledged is on disk), or wait and run `triad serve --stop` again"
            ),
            Stopped::NotResponding { pid: None, secs } => write!(
                f,
                "the server is not responding: it has not stopped after {secs} s"
            ),
            Stopped::StillWriting { pid, secs } => write!(
                f,
                "the server (pid {pid}) is still finishing a write; {secs} s so far: it stops when the write ends; run `triad serve --stop` again to wait for it"
            ),
        }
    }
}

/// How long `serve --stop` waits for a server that shows no sign of work
/// (`$TRIAD_STOP_WAIT` seconds, else 30).
fn stop_wait() -> Duration {
    let secs = std::env::var("TRIAD_STOP_WAIT")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

/// Asks the server at `socket` to stop and waits until its process has
/// exited (its writes finished). A server that does not answer, or does
/// not exit, within `wait` while its disk use stays still is "not
/// responding"; one still writing is waited for (saying so when `say`),
/// up to ten times `wait`.
fn stop_and_wait(socket: &Path, wait: Duration, say: bool) -> Stopped {
    use crate::server::frame::{read_frame, write_frame};
    use crate::server::protocol::{Hello, Request, ServerFrame, VERSION, Welcome};
    let Ok(mut stream) = std::os::unix::net::UnixStream::connect(socket) else {
        return Stopped::NotRunning;
    };
    let started = std::time::Instant::now();
    let pid = crate::server::socket::peer_pid(&stream).ok();
    let hello = Hello {
        version: VERSION,
        subscribe: false,
    };
    let not_responding = |started: std::time::Instant| Stopped::NotResponding {
        pid,
        secs: started.elapsed().as_secs(),
    };
    if write_frame(&mut stream, &hello).is_err() {
        return not_responding(started);
    }
    // A server still opening its store says so every second: it is
    // responding, and is stopped once its store is open.
    let news = OpeningNews::new();
    loop {
        match read_frame::<Welcome>(&mut stream, Some(wait), wait) {
            Ok(Welcome::Ok { .. }) => break,
            Ok(Welcome::Wait { opening }) if say => {
                news.hear(crate::server::client::Heard::Opening(opening));
            }
            Ok(Welcome::Wait { .. }) => {}
            Ok(Welcome::Refused { reason }) => return Stopped::Refused(reason),
            Err(_) => return not_responding(started),
        }
    }
    news.done();
    let stop = Request {
        seq: 1,
        ask: Ask::Stop,
    };
    if write_frame(&mut stream, &stop).is_err() {
        return not_responding(started);
    }
    // Stopping closes every connection, ours too, perhaps before the
    // answer is sent: a close is no refusal.
    loop {
        match read_frame::<ServerFrame>(&mut stream, Some(wait), wait) {
            Ok(ServerFrame::Answer {
                part: Part::Done { result: Err(e) },
                ..
            }) => return Stopped::Refused(e.to_string()),
            Ok(ServerFrame::Answer {
                part: Part::Done { .. },
                ..
            })
            | Err(_) => break,
            Ok(_) => {}
        }
    }
    drop(stream);
    let Some(pid) = pid else {
        // No pid to watch: the socket goes as it stops.
        while socket.exists() {
            if started.elapsed() > wait {
                return not_responding(started);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        return Stopped::Gone;
    };
    let mut io = process_io(pid);
    let mut quiet_since = std::time::Instant::now();
    let mut said = std::time::Instant::now();
    while process_alive(pid) {
        let now_io = process_io(pid);
        if now_io != io {
            io = now_io;
            quiet_since = std::time::Instant::now();
        }
        let secs = started.elapsed().as_secs();
        if quiet_since.elapsed() > wait {
            return not_responding(started);
        }
        if started.elapsed() > wait * 10 {
            return Stopped::StillWriting { pid, secs };
        }
        if say && said.elapsed() >= Duration::from_secs(5) {
            said = std::time::Instant::now();
            eprintln!("the server (pid {pid}) is still finishing a write; {secs} s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Stopped::Gone
}

/// Whether a process is running (not gone, not a zombie). A process
/// whose main thread has ended is a zombie while its other threads still
/// exit (and hold its files, the store's lock among them): not yet gone.
fn process_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses.
        Ok(stat) => {
            let zombie = stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']));
            let threads = std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, Iterator::count);
            !zombie || threads > 1
        }
        // No /proc: ask the kernel whether the pid exists.
        Err(_) if !Path::new("/proc/self").exists() => {
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
        }
        Err(_) => false,
    }
}

/// A process's io counters and cpu time, to tell a server at work from
/// one that is stuck (empty where they cannot be read).
fn process_io(pid: i32) -> String {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // utime and stime: the 12th and 13th fields after the name.
    let cpu: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().skip(11).take(2).collect())
        .unwrap_or_default();
    format!("{io}{}", cpu.join(" "))
}

fn keymap_check(file: &Path) -> Result<ExitCode, String> {
    match crate::keymap::check_file(file) {
        Ok(summary) => {
            println!("{}", escape_multiline(&summary.to_string()));
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            eprintln!("{}", escape_multiline(&errors.to_string()));
            Ok(ExitCode::from(1))
        }
    }
}
