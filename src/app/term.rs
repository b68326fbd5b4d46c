//! The terminal: a guard that restores it however we leave (normal exit,
//! panic, SIGTERM, SIGHUP), crossterm events turned into our own `Key`,
//! and an input thread that can be paused while `$EDITOR` owns the tty.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEvent, KeyEventKind, KeyModifiers,
};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};

use super::Action;
use crate::keymap::{Key, KeyCode, Mods};

/// Set while the terminal is in raw mode on the alternate screen, so the
/// panic hook knows whether there is anything to undo.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Put the terminal back: main screen, cooked mode, visible cursor. Safe
/// to call twice, and errors are ignored: after SIGHUP there may be no
/// terminal left to write to.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        // Mouse reporting is off too: an editor stopped by a signal (vim)
        // may have turned it on and not off.
        let _ = execute!(
            out,
            crossterm::terminal::EndSynchronizedUpdate,
            DisableBracketedPaste,
            crossterm::event::DisableMouseCapture,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        set_original_mode();
        let _ = out.flush();
    }
}

/// The terminal's modes as they were before triad started, put back on
/// every way out: an editor killed by a signal can leave the terminal raw,
/// and raw mode entered after it would take that for the normal state.
static ORIGINAL: Mutex<Option<nix::sys::termios::Termios>> = Mutex::new(None);

fn save_original_mode() {
    let mut original = ORIGINAL.lock().unwrap_or_else(|p| p.into_inner());
    if original.is_none() {
        *original = nix::sys::termios::tcgetattr(io::stdin()).ok();
    }
}

fn set_original_mode() {
    let original = ORIGINAL.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(mode) = original.as_ref() {
        let _ = nix::sys::termios::tcsetattr(io::stdin(), nix::sys::termios::SetArg::TCSANOW, mode);
    }
}

fn enter() -> io::Result<()> {
    save_original_mode();
    // Raw mode remembers the mode it found: make that the original.
    set_original_mode();
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Owns the terminal's raw/alternate state for as long as it lives.
pub struct TerminalGuard(());

impl TerminalGuard {
    /// Enter raw mode and the alternate screen, and make sure a panic
    /// restores the terminal before its message is printed.
    pub fn new() -> io::Result<TerminalGuard> {
        install_panic_hook();
        if let Err(e) = enter() {
            restore();
            return Err(e);
        }
        Ok(TerminalGuard(()))
    }

    /// Hand the terminal to another program (`$EDITOR`) and take it back.
    pub fn suspend<T>(&mut self, f: impl FnOnce() -> T) -> io::Result<T> {
        restore();
        let out = f();
        enter()?;
        Ok(out)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// A crossterm key press as our `Key`; releases and unknown keys are None.
pub fn key_from(ev: KeyEvent) -> Option<Key> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let code = match ev.code {
        event::KeyCode::Char(c) => KeyCode::Char(c),
        event::KeyCode::Enter => KeyCode::Enter,
        event::KeyCode::Esc => KeyCode::Esc,
        event::KeyCode::Tab => KeyCode::Tab,
        event::KeyCode::BackTab => KeyCode::BackTab,
        event::KeyCode::Backspace => KeyCode::Backspace,
        event::KeyCode::Delete => KeyCode::Delete,
        event::KeyCode::Insert => KeyCode::Insert,
        event::KeyCode::Up => KeyCode::Up,
        event::KeyCode::Down => KeyCode::Down,
        event::KeyCode::Left => KeyCode::Left,
        event::KeyCode::Right => KeyCode::Right,
        event::KeyCode::Home => KeyCode::Home,
        event::KeyCode::End => KeyCode::End,
        event::KeyCode::PageUp => KeyCode::PageUp,
        event::KeyCode::PageDown => KeyCode::PageDown,
        event::KeyCode::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let m = ev.modifiers;
    let mods = Mods {
        ctrl: m.contains(KeyModifiers::CONTROL),
        alt: m.contains(KeyModifiers::ALT),
        shift: m.contains(KeyModifiers::SHIFT),
    };
    Some(Key::new(code, mods))
}

/// A terminal event as an action, if it is one we use.
pub fn action_from(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => key_from(k).map(Action::Key),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Paste(s) => Some(Action::Paste(s)),
        _ => None,
    }
}

#[derive(Default)]
struct Pause {
    wanted: bool,
    paused: bool,
}

/// Lets the main thread stop the input thread reading the tty.
#[derive(Clone, Default)]
pub struct InputControl(Arc<(Mutex<Pause>, Condvar)>);

impl InputControl {
    /// Stop reading; returns once the input thread is idle.
    pub fn pause(&self) {
        let (lock, cv) = &*self.0;
        let Ok(mut p) = lock.lock() else { return };
        p.wanted = true;
        while !p.paused {
            match cv.wait_timeout(p, Duration::from_secs(1)) {
                Ok((g, timeout)) => {
                    p = g;
                    // The thread may have died with the terminal; go on.
                    if timeout.timed_out() {
                        break;
                    }
                }
                Err(_) => return,
            }
        }
    }

    pub fn resume(&self) {
        let (lock, cv) = &*self.0;
        if let Ok(mut p) = lock.lock() {
            p.wanted = false;
            cv.notify_all();
        }
    }

    /// Called by the input thread between reads.
    fn checkpoint(&self) {
        let (lock, cv) = &*self.0;
        let Ok(mut p) = lock.lock() else { return };
        if p.wanted {
            p.paused = true;
            cv.notify_all();
            while p.wanted {
                match cv.wait(p) {
                    Ok(g) => p = g,
                    Err(_) => return,
                }
            }
            p.paused = false;
        }
    }
}

/// How often the input thread sends the time.
const TICK: Duration = Duration::from_secs(1);

/// Read terminal events on a thread and send them as actions. Stops when
/// the receiver is gone or the terminal cannot be read.
pub fn spawn_input(tx: Sender<Action>, control: InputControl) -> io::Result<()> {
    std::thread::Builder::new()
        .name("triad-input".into())
        .spawn(move || {
            let mut last_tick = Instant::now();
            loop {
                control.checkpoint();
                // A clock for reveals that end and an idle meeting screen.
                if last_tick.elapsed() >= TICK {
                    last_tick = Instant::now();
                    if tx.send(Action::Tick(last_tick)).is_err() {
                        break;
                    }
                }
                match event::poll(Duration::from_millis(100)) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(_) => break,
                }
                let Ok(ev) = event::read() else { break };
                if let Some(a) = action_from(ev)
                    && tx.send(a).is_err()
                {
                    break;
                }
            }
            // Without input the app cannot be quit: leave cleanly.
            let _ = tx.send(Action::Terminate);
        })?;
    Ok(())
}

/// Whether our terminal has been closed under us: its device is gone
/// ("/dev/pts/N (deleted)"), though reads may not say so.
fn terminal_gone() -> bool {
    std::fs::read_link("/proc/self/fd/0").is_ok_and(|p| p.to_string_lossy().ends_with(" (deleted)"))
}

/// SIGTERM and SIGHUP (an SSH connection dropping) end the session the
/// normal way: the loop finishes, workers finish their current write, the
/// guard restores the terminal.
pub fn spawn_signals(tx: Sender<Action>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // A second signal while the first is being handled exits at once.
    let twice = Arc::new(AtomicBool::new(false));
    for sig in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&twice))?;
        signal_hook::flag::register(sig, Arc::clone(&twice))?;
    }
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    let on_signal = tx.clone();
    std::thread::Builder::new()
        .name("triad-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                // An open `$EDITOR` would hold the session (and the note's
                // file) past the signal.
                super::editor_file::on_signal();
                let _ = on_signal.send(Action::Terminate);
            }
        })?;
    // A terminal closed without a SIGHUP reaching us (a pane closed under
    // `runuser`, whose child is not told) ends the session too; reading a
    // hung-up terminal may neither fail nor return.
    std::thread::Builder::new()
        .name("triad-tty-watch".into())
        .spawn(move || {
            while !terminal_gone() {
                std::thread::sleep(Duration::from_millis(500));
            }
            let _ = tx.send(Action::Terminate);
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossterm_keys_become_ours() {
        let k = |code, m| key_from(KeyEvent::new(code, m));
        assert_eq!(
            k(event::KeyCode::Char('p'), KeyModifiers::CONTROL),
            Some(Key::ctrl('p'))
        );
        assert_eq!(
            k(event::KeyCode::Char('G'), KeyModifiers::SHIFT),
            crate::keymap::parse_keys("G").ok().map(|v| v[0])
        );
        assert_eq!(
            k(event::KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Key::plain(KeyCode::BackTab))
        );
        let release = KeyEvent {
            kind: KeyEventKind::Release,
            ..KeyEvent::new(event::KeyCode::Char('j'), KeyModifiers::NONE)
        };
        assert_eq!(key_from(release), None);
    }
}
