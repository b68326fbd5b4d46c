//! `run`: the terminal session. The first frame is drawn before any data
//! arrives; store and search work on their own threads; a burst of events
//! becomes one frame, drawn inside a synchronized update.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use crossterm::execute;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};

use super::config;
use super::effect::{Effect, SearchEffect};
use super::link::{self, Job, OpenStore};
use super::state::{Config, State};
use super::term::{InputControl, TerminalGuard, spawn_input, spawn_signals};
use super::{Action, update};
use crate::i18n::Lang;
use crate::keymap::{Keymap, KeymapErrors};
use crate::model::Date;
use crate::query::request::{Reply, StoreEffect};
use crate::store::Store;

/// Where the app's store and search effects run.
pub enum Source {
    /// A store in this process (tests, benches): the app indexes it itself.
    Here(OpenStore),
    /// A server (started on demand for a store): it holds the store and
    /// the finder's index; the app asks it for what it shows.
    Server(crate::server::client::Target),
}

/// What `triad` (with no subcommand) needs to open the app.
pub struct RunOptions {
    pub source: Source,
    /// Who the store's audit trail names (and who may read private notes).
    pub user: String,
    /// `--lang`; otherwise the config file, then LANG.
    pub lang: Option<Lang>,
    /// `--ascii`; otherwise the config file.
    pub ascii: bool,
    /// A keymap to layer over the defaults instead of the user's
    /// `$XDG_CONFIG_HOME/triad/keymap.toml` (tests and demos).
    pub keymap: Option<PathBuf>,
    /// Overrides "today" (demos and tests); otherwise the local date.
    pub today: Option<Date>,
    /// `--meeting`: start in meeting mode (initials for clients and family,
    /// shared notes only, no contact details).
    pub meeting: bool,
}

impl RunOptions {
    /// For a store that is already open in this process (tests, benches).
    pub fn with_store(store: Arc<dyn Store>) -> RunOptions {
        let user = store.user().to_string();
        RunOptions::new(&user, Source::Here(Box::new(move || Ok(store))))
    }

    pub fn new(user: &str, source: Source) -> RunOptions {
        RunOptions {
            source,
            user: user.to_string(),
            lang: None,
            ascii: false,
            keymap: None,
            today: None,
            meeting: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "{0}\nfix the keymap file (or move it aside) and start again; `triad keymap check FILE` checks it"
    )]
    Keymap(KeymapErrors),
    #[error("{0}\nfix the config file (or move it aside) and start again")]
    Config(String),
    #[error(
        "cannot use the terminal: {0}; triad needs an interactive terminal (use `triad search` in scripts)"
    )]
    Terminal(io::Error),
    #[error("{0}")]
    Store(String),
}

/// Settings for a session, from options, the config file and the environment.
pub fn session_config(opts: &RunOptions) -> Result<(Config, Keymap), RunError> {
    let user_cfg = match config::config_path() {
        Some(p) => config::load(&p).map_err(RunError::Config)?,
        None => config::UserConfig::default(),
    };
    let keymap_path = opts.keymap.clone().or_else(crate::keymap::user_keymap_path);
    let keymap = Keymap::load(keymap_path.as_deref()).map_err(RunError::Keymap)?;
    let lang = config::resolve_lang(opts.lang, &user_cfg);
    let ascii = opts.ascii || user_cfg.ascii.unwrap_or(false);
    let today = opts
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut cfg = Config::new(lang, ascii, config::color_enabled(), &opts.user, today);
    cfg.meeting = opts.meeting;
    if let Some(days) = user_cfg.unanswered_days {
        cfg.unanswered_days = days;
    }
    if let Some(minutes) = user_cfg.meeting_idle_minutes {
        // 0 would blank the screen at once: a minute is the least.
        cfg.meeting_idle = std::time::Duration::from_secs(60 * u64::from(minutes.max(1)));
    }
    cfg.thresholds = user_cfg.thresholds();
    Ok((cfg, keymap))
}

/// Open the app on the terminal and run it until the user quits or a
/// signal ends the session. Every write acknowledged on screen is on disk.
pub fn run(opts: RunOptions) -> Result<(), RunError> {
    let (cfg, keymap) = session_config(&opts)?;
    let today = cfg.today;
    let (tx, rx) = mpsc::channel::<Action>();
    let mut guard = TerminalGuard::new().map_err(RunError::Terminal)?;
    let backend = CrosstermBackend::new(io::stdout());
    let mut terminal = Terminal::new(backend).map_err(RunError::Terminal)?;
    let size = terminal.size().map_err(RunError::Terminal)?;
    let mut state = State::new(cfg, Arc::new(keymap), (size.width, size.height));

    let control = InputControl::default();
    spawn_input(tx.clone(), control.clone()).map_err(RunError::Terminal)?;
    spawn_signals(tx.clone()).map_err(RunError::Terminal)?;
    // Notes left in `$EDITOR` files by sessions that were killed outright.
    super::editor_file::remove_leftovers();
    let target = match &opts.source {
        Source::Server(t) => Some(t.clone()),
        Source::Here(_) => None,
    };
    let leaving = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (store_tx, store_thread) =
        spawn_store(opts.source, today, tx.clone(), leaving.clone()).map_err(RunError::Terminal)?;
    let search_tx = spawn_search(target, tx.clone()).map_err(RunError::Terminal)?;

    // The first frame, before any data: a big store must not hold it up.
    draw(&mut terminal, &state);
    let _ = store_tx.send(Job::Effect(StoreEffect::LoadAll));
    let mut repaint = state.repaint;
    let result = event_loop(
        &mut state,
        &rx,
        &mut terminal,
        &mut guard,
        &control,
        &store_tx,
        &search_tx,
        &mut repaint,
    );
    // Give the terminal back at once (a big store may still be loading),
    // then let the store finish what it was writing before we go.
    drop(guard);
    // Whatever an editor left beside a note (swap, backup files) goes.
    super::editor_file::remove_mine();
    leaving.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = store_tx.send(Job::Quit);
    drop(store_tx);
    let _ = store_thread.join();
    match state.fatal.take() {
        Some(why) => Err(RunError::Store(why)),
        None => result,
    }
}

#[allow(clippy::too_many_arguments)]
fn event_loop<B: Backend + Write>(
    state: &mut State,
    rx: &Receiver<Action>,
    terminal: &mut Terminal<B>,
    guard: &mut TerminalGuard,
    control: &InputControl,
    store_tx: &Sender<Job>,
    search_tx: &Sender<SearchEffect>,
    repaint: &mut u64,
) -> Result<(), RunError> {
    while let Ok(first) = rx.recv() {
        let mut effects = match first {
            // The clock's tick redraws only when it changed something.
            Action::Tick(now) if !super::meeting::tick(state, now) => continue,
            Action::Tick(_) => Vec::new(),
            // Coalesce: everything already queued goes in before one frame.
            other => update(state, other),
        };
        while let Ok(next) = rx.try_recv() {
            effects.extend(update(state, next));
            if state.quit {
                break;
            }
        }
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next_round = Vec::new();
            for e in queue {
                match e {
                    Effect::Editor(text) => {
                        let reply = edit_in_editor(guard, control, &text);
                        let _ = terminal.clear();
                        next_round
                            .extend(update(state, Action::Reply(Box::new(Reply::Edited(reply)))));
                    }
                    Effect::Search(e) => {
                        let _ = search_tx.send(e);
                    }
                    Effect::Clipboard(text) => {
                        // Goes out with the screen's bytes: over SSH too.
                        let out = terminal.backend_mut();
                        let _ = out.write_all(super::output::osc52(&text).as_bytes());
                        let _ = Write::flush(out);
                    }
                    Effect::SaveFile { path, text } => {
                        let saved = super::output::save_text(&path, &text);
                        next_round.extend(update(
                            state,
                            Action::Reply(Box::new(Reply::FileSaved(saved))),
                        ));
                    }
                    Effect::Store(e) => {
                        let _ = store_tx.send(Job::Effect(e));
                    }
                }
            }
            queue = next_round;
        }
        if state.quit {
            break;
        }
        if state.repaint != *repaint {
            *repaint = state.repaint;
            let _ = terminal.clear();
        }
        draw(terminal, state);
    }
    Ok(())
}

/// One frame, wrapped in a synchronized update so a slow link shows it
/// whole. Draw errors (a vanished terminal) end nothing: a signal will.
fn draw<B: Backend + Write>(terminal: &mut Terminal<B>, state: &State) {
    let _ = execute!(terminal.backend_mut(), BeginSynchronizedUpdate);
    let _ = terminal.draw(|f| crate::ui::draw(state, f));
    let _ = execute!(terminal.backend_mut(), EndSynchronizedUpdate);
}

fn spawn_store(
    source: Source,
    today: Date,
    tx: Sender<Action>,
    leaving: Arc<std::sync::atomic::AtomicBool>,
) -> io::Result<(Sender<Job>, JoinHandle<()>)> {
    let (jtx, jrx) = mpsc::channel::<Job>();
    let wake = jtx.clone();
    let handle = std::thread::Builder::new()
        .name("triad-store".into())
        .spawn(move || {
            watched("store", &tx.clone(), move || match source {
                Source::Server(target) => link::store_loop(&target, &jrx, &wake, &tx, leaving),
                Source::Here(open_store) => {
                    drop(wake);
                    link::local_store_loop(open_store, today, &jrx, &tx);
                }
            });
        })?;
    Ok((jtx, handle))
}

fn spawn_search(
    target: Option<crate::server::client::Target>,
    tx: Sender<Action>,
) -> io::Result<Sender<SearchEffect>> {
    let (etx, erx) = mpsc::channel::<SearchEffect>();
    std::thread::Builder::new()
        .name("triad-search".into())
        .spawn(move || {
            watched("search", &tx.clone(), move || match target {
                Some(t) => link::search_loop(&t, &erx, &tx),
                None => link::local_search_loop(&tx, &erx),
            });
        })?;
    Ok(etx)
}

/// Runs a worker; if it panics, the session ends with a message instead of
/// waiting forever for its answers (acknowledged writes are already on disk).
fn watched(name: &str, tx: &Sender<Action>, body: impl FnOnce()) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).is_err() {
        let _ = tx.send(Action::Fatal(format!(
            "the {name} worker stopped unexpectedly; every write shown as saved is on disk: start triad again"
        )));
    }
}

/// Write `text` to a new file only the owner can read, open `$VISUAL` /
/// `$EDITOR` (else `vi`) on it, and read it back. The file is removed.
pub fn edit_in_editor(
    guard: &mut TerminalGuard,
    control: &InputControl,
    text: &str,
) -> Result<String, String> {
    let file = super::editor_file::EditFile::create(text)
        .map_err(|e| format!("cannot create a temp file for the editor: {e}"))?;
    let path = file.path().to_path_buf();
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    control.pause();
    let status = guard.suspend(|| {
        // `$EDITOR` may carry arguments ("code -w"); run it through sh.
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("exec {editor} \"$1\""))
            .arg("triad-editor")
            .arg(&path)
            .spawn()?;
        file.editor_started(child.id());
        child.wait()
    });
    control.resume();
    match status {
        Ok(Ok(s)) if s.success() => {
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read the edited text: {e}"))
        }
        Ok(Ok(s)) => Err(format!(
            "{editor} exited with {s}; the text in the form is unchanged"
        )),
        Ok(Err(e)) => Err(format!("cannot run {editor}: {e}; set $EDITOR")),
        Err(e) => Err(format!("cannot take the terminal back: {e}")),
    }
    // `file` drops here, removing it.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_that_panics_ends_the_session_with_a_reason() {
        let (tx, rx) = mpsc::channel();
        watched("store", &tx, || {});
        assert!(rx.try_recv().is_err(), "a clean exit says nothing");
        watched("store", &tx, || panic!("boom"));
        match rx.try_recv() {
            Ok(Action::Fatal(why)) => assert!(why.contains("store worker stopped"), "{why}"),
            other => panic!("expected Fatal, got {other:?}"),
        }
    }
}
