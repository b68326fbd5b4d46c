//! The real TUI in a pseudo-terminal on a store whose texts carry the
//! hostile corpus: every byte it writes is captured, and none sets the
//! terminal's title (OSC), rings, or carries a C1, bidi or invisible
//! character; the escapes are on screen as text instead.

mod hostile;
mod server_common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

#[test]
fn the_tui_writes_no_hostile_byte_to_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    {
        let s = triad::store::SledStore::open(&store).unwrap();
        triad::demo::seed(&s, chrono::Local::now().date_naive()).unwrap();
    }
    hostile::poison(&store);
    // Served in this process: the guard stops it however the test ends.
    let running = server_common::serve(&store);

    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_triad"));
    cmd.arg("--connect");
    cmd.arg(running.socket());
    cmd.args(["--lang", "en"]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("HOME", tmp.path());
    cmd.env("XDG_CONFIG_HOME", tmp.path().join("config"));
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let screen = Arc::new(Mutex::new(vt100::Parser::new(40, 140, 0)));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let (s, r) = (screen.clone(), raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            s.lock().unwrap().process(&buf[..n]);
            r.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let wait_for = |text: &str| {
        let until = Instant::now() + server_common::DEADLINE;
        loop {
            let contents = screen.lock().unwrap().screen().contents();
            if contents.contains(text) {
                return;
            }
            assert!(Instant::now() < until, "no {text:?} on:\n{contents}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let mut send = |keys: &str| {
        writer.write_all(keys.as_bytes()).unwrap();
        writer.flush().unwrap();
    };
    // The case list (titles), then the first case (names, parties).
    wait_for("\\u{");
    send("gc");
    wait_for("▸ C-0001");
    send("\r");
    wait_for("» C-0001");
    send("\x03");
    let until = Instant::now() + server_common::DEADLINE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            let _ = child.kill();
            panic!("triad did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(running);

    let bytes = raw.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("\x1b]"), "an OSC sequence was written");
    assert!(!text.contains('\x07'), "a bell was written");
    // The app's own CSI sequences and line ends aside, nothing hostile.
    let raw_chars: Vec<char> = hostile::raw_in(&text, true)
        .into_iter()
        .filter(|c| !matches!(c, '\x1b' | '\r'))
        .collect();
    assert!(raw_chars.is_empty(), "raw {raw_chars:?}");
    assert_eq!(screen.lock().unwrap().screen().title(), "");
}
