//! The arrows between the crate's rooms point down only (issue 22):
//! model ← store ← search ← query ← server ← app / cli, and ui is drawn
//! from app alone. A room is a top-level module: `src/x.rs` and all of
//! `src/x/`. Every `crate::x` a file names outside its own room must be
//! in `ALLOWED` (the room's downward arrows) or in `FILE_ARROWS` (one
//! file's arrow, with why); otherwise the test fails naming the file and
//! the line. Unit-test modules (`#[cfg(test)] mod tests`) are not the
//! product and are not read.
//!
//! Set `CARGO_MANIFEST_DIR` to another checkout to hold its `src/` to the
//! same table.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Room → what it may name: a room, or one module of a room (`server::client`).
const ALLOWED: &[(&str, &[&str])] = &[
    // The ground: records and the words they are said in. Each names the
    // other (a reason is rendered in a language; a label names a kind).
    ("model", &["i18n"]),
    ("i18n", &["model"]),
    ("store", &["model", "i18n"]),
    ("search", &["model", "i18n", "store"]),
    ("exchange", &["model", "i18n", "store", "search"]),
    ("demo", &["model", "i18n", "store", "search", "exchange"]),
    ("report", &["model", "i18n", "exchange"]),
    (
        "query",
        &["model", "i18n", "store", "search", "exchange", "report"],
    ),
    (
        "server",
        &[
            "model", "i18n", "store", "search", "exchange", "report", "demo", "query",
        ],
    ),
    // The TUI. app asks query through its link, local or remote (the
    // remote one speaks the server's protocol through its client).
    (
        "app",
        &[
            "model",
            "i18n",
            "store",
            "search",
            "exchange",
            "report",
            "query",
            "keymap",
            "server::client",
            "server::protocol",
        ],
    ),
    // ui draws app's `State` (read only: it mutates nothing and does no
    // IO), with query's rows and details in it.
    ("ui", &["model", "i18n", "report", "query", "keymap", "app"]),
    ("keymap", &["model", "i18n"]),
    // The command line: every command, the TUI and the server among them.
    (
        "cli",
        &[
            "model", "i18n", "store", "search", "exchange", "report", "demo", "query", "server",
            "app", "keymap",
        ],
    ),
];

/// One file's arrow beyond its room's: (file, what it names, why). An
/// entry no file needs any more fails the test, so the list only shrinks.
const FILE_ARROWS: &[(&str, &str, &str)] = &[
    // The terminal loop and the headless runner draw frames.
    ("src/app/run.rs", "ui", "the terminal loop draws each frame"),
    (
        "src/app/headless.rs",
        "ui",
        "the headless runner draws frames",
    ),
    // Debts, each to be paid by the issue named.
    (
        "src/app/update.rs",
        "ui",
        "update asks ui for page sizes and line counts (issue 22, item 3: the draw reports its layout into the state)",
    ),
    (
        "src/app/forms/trust.rs",
        "ui",
        "the trust form takes a glyph from the theme (issue 22, item 3)",
    ),
    (
        "src/keymap.rs",
        "app",
        "a keymap binds the app's `Action`s (issue 22, item 5: commands declared once, in keymap)",
    ),
    (
        "src/model/meeting.rs",
        "search",
        "meeting mode folds names with search's normaliser, which belongs below model",
    ),
];

/// The room a file under `src/` belongs to, or `None` for the crate's
/// roots (`lib.rs`, `main.rs`), which name every room.
fn room_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let room = first.strip_suffix(".rs").unwrap_or(first);
    (room != "lib" && room != "main").then(|| room.to_string())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The product's lines of a file, numbered from 1: comments and unit-test
/// modules (`#[cfg(test)]` up to the closing `}` in column 0) left out.
fn product_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_tests = false;
    for (i, line) in text.lines().enumerate() {
        if in_tests {
            in_tests = line != "}";
            continue;
        }
        if line.trim() == "#[cfg(test)]" {
            in_tests = true;
            continue;
        }
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_string()));
    }
    out
}

/// The paths after each `crate::` in the text, as `room` and `room::module`
/// (a `use crate::{a::b, c}` group gives each of its members), with the
/// line each starts on.
fn references(lines: &[(usize, String)]) -> Vec<(usize, String, Option<String>)> {
    let joined: Vec<(usize, char)> = lines
        .iter()
        .flat_map(|(n, l)| l.chars().chain(std::iter::once('\n')).map(move |c| (*n, c)))
        .collect();
    let chars: Vec<char> = joined.iter().map(|(_, c)| *c).collect();
    let text: String = chars.iter().collect();
    let mut out = Vec::new();
    let path_at = |mut i: usize| -> (String, Option<String>) {
        let word = |i: &mut usize| {
            let start = *i;
            while *i < chars.len() && is_ident(chars[*i]) {
                *i += 1;
            }
            chars[start..*i].iter().collect::<String>()
        };
        let room = word(&mut i);
        let module = (chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':')).then(|| {
            i += 2;
            word(&mut i)
        });
        (room, module.filter(|m| !m.is_empty()))
    };
    for (byte, _) in text.match_indices("crate::") {
        let at = text[..byte].chars().count();
        if at > 0 && is_ident(chars[at - 1]) {
            continue; // `triad_crate::`, say: not ours.
        }
        let start = at + "crate::".len();
        if chars.get(start) == Some(&'{') {
            // A group: each top-level member is a path of its own.
            let mut depth = 0;
            let mut member_start = true;
            let mut i = start;
            while i < chars.len() {
                match chars[i] {
                    '{' => {
                        depth += 1;
                        member_start = depth == 1;
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => member_start = true,
                    c if member_start && is_ident(c) => {
                        let (room, module) = path_at(i);
                        out.push((joined[i].0, room, module));
                        member_start = false;
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            let (room, module) = path_at(start);
            out.push((joined[at].0, room, module));
        }
    }
    out
}

fn allowed(room: &str, target: &str, module: Option<&str>) -> bool {
    let Some((_, may)) = ALLOWED.iter().find(|(r, _)| *r == room) else {
        return false;
    };
    may.iter().any(|m| match m.split_once("::") {
        Some((r, sub)) => r == target && module == Some(sub),
        None => *m == target,
    })
}

struct Walk {
    broken: Vec<String>,
    file_arrows_used: BTreeSet<(String, String)>,
    rooms: BTreeSet<String>,
}

fn walk(root: &Path) -> Walk {
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(!files.is_empty(), "no Rust files under {}", src.display());
    let mut w = Walk {
        broken: Vec::new(),
        file_arrows_used: BTreeSet::new(),
        rooms: BTreeSet::new(),
    };
    for file in &files {
        let Some(room) = room_of(&src, file) else {
            continue;
        };
        w.rooms.insert(room.clone());
        let rel = file
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .into_owned();
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{rel}: {e}"));
        for (line, target, module) in references(&product_lines(&text)) {
            if target == room || allowed(&room, &target, module.as_deref()) {
                continue;
            }
            if FILE_ARROWS
                .iter()
                .any(|(f, t, _)| *f == rel && *t == target)
            {
                w.file_arrows_used.insert((rel.clone(), target));
                continue;
            }
            let named = match &module {
                Some(m) => format!("{target}::{m}"),
                None => target.clone(),
            };
            w.broken.push(format!(
                "{rel}:{line}: {room} names crate::{named}, against the arrows ({room} may name: {})",
                ALLOWED
                    .iter()
                    .find(|(r, _)| *r == room)
                    .map_or("nothing: a room the table does not know".to_string(), |(_, m)| m.join(", "))
            ));
        }
    }
    w
}

fn root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

#[test]
fn every_crate_path_points_down_the_arrows() {
    let w = walk(&root());
    assert!(
        w.broken.is_empty(),
        "{} import(s) against the arrows:\n{}",
        w.broken.len(),
        w.broken.join("\n")
    );
}

#[test]
fn every_room_is_in_the_table_and_every_file_arrow_is_still_needed() {
    let w = walk(&root());
    let known: BTreeSet<String> = ALLOWED.iter().map(|(r, _)| r.to_string()).collect();
    let unknown: Vec<_> = w.rooms.difference(&known).collect();
    assert!(
        unknown.is_empty(),
        "rooms the arrow table does not know (add them to ALLOWED): {unknown:?}"
    );
    let stale: Vec<_> = FILE_ARROWS
        .iter()
        .filter(|(f, t, _)| !w.file_arrows_used.contains(&(f.to_string(), t.to_string())))
        .map(|(f, t, why)| format!("{f} -> {t} ({why})"))
        .collect();
    assert!(
        stale.is_empty(),
        "file arrows no file draws any more (remove them from FILE_ARROWS):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_reader_finds_grouped_and_nested_paths_and_skips_comments_and_tests() {
    let text = "use crate::{\n    model::Id,\n    store::{Scope, Store},\n};\n\
                // crate::ui::draw in a comment\n\
                let x = crate::app::state::UNANSWERED_DAYS;\n\
                #[cfg(test)]\nmod tests {\n    use crate::cli::x;\n}\n\
                fn after() { crate::server::client::go(); }\n";
    let found: Vec<_> = references(&product_lines(text))
        .into_iter()
        .map(|(line, room, module)| (line, room, module.unwrap_or_default()))
        .collect();
    let want = [
        (2, "model", "Id"),
        (3, "store", ""),
        (6, "app", "state"),
        (11, "server", "client"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(l, r, m)| (*l, r.to_string(), m.to_string()))
        .collect();
    assert_eq!(found, want);
    assert!(allowed("app", "server", Some("client")));
    assert!(!allowed("app", "server", Some("session")));
    assert!(!allowed("server", "app", Some("worker")));
    assert!(!allowed("query", "app", None));
}
