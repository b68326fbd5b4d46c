//! Keymaps are data: `keymaps/default.toml` (compiled in) plus an optional
//! user file that layers over it. A bad file is never ignored: loading
//! returns every problem with its file, line and reason.

pub mod key;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use key::{Key, KeyCode, Mods, chord_to_string, parse_keys};

use crate::app::Action;

/// The built-in keymap, kept as data in the repository.
pub const DEFAULT_KEYMAP: &str = include_str!("../keymaps/default.toml");
const DEFAULT_NAME: &str = "keymaps/default.toml";

/// Which table of bindings applies: decided by what has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Browsing screens.
    Normal,
    /// A one-line prompt: the finder, a list filter.
    Input,
    /// An editing form.
    Form,
    /// A yes/no question.
    Confirm,
    Help,
}

impl Mode {
    pub const ALL: [Mode; 5] = [
        Mode::Normal,
        Mode::Input,
        Mode::Form,
        Mode::Confirm,
        Mode::Help,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Input => "input",
            Mode::Form => "form",
            Mode::Confirm => "confirm",
            Mode::Help => "help",
        }
    }

    pub fn from_name(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == s)
    }

    /// In text modes a plain character is typed, not looked up.
    pub fn is_text(self) -> bool {
        matches!(self, Mode::Input | Mode::Form)
    }
}

/// One entry of a keymap: keys (each a chord) → action, with help text.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub keys: Vec<Vec<Key>>,
    pub action: Action,
    pub desc: String,
    pub desc_ja: Option<String>,
}

impl Binding {
    /// The keys as the help screen shows them: `j, <Down>`.
    pub fn keys_text(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(|k| chord_to_string(k)).collect();
        keys.join(", ")
    }

    pub fn desc_for(&self, japanese: bool) -> &str {
        match (&self.desc_ja, japanese) {
            (Some(ja), true) => ja,
            _ => &self.desc,
        }
    }
}

/// What a key sequence means in a mode.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    Action(Action),
    /// The keys so far start one or more chords: wait for the next key.
    Pending,
    Unbound,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keymap {
    modes: BTreeMap<Mode, Vec<Binding>>,
}

/// One problem in a keymap file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// Every problem found in a keymap file, one per line when printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeymapErrors(pub Vec<KeymapError>);

impl fmt::Display for KeymapErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for KeymapErrors {}

/// One entry of a file: its chords, and the binding (`None` for
/// `run = "unbind"`).
type Entry = (Vec<Vec<Key>>, Option<Binding>);

/// A parsed file before layering: per mode, its entries in file order.
#[derive(Clone, Debug, Default)]
pub struct KeymapFile {
    entries: BTreeMap<Mode, Vec<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: Spanned<toml::Value>,
    run: Spanned<String>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    desc_ja: Option<String>,
}

type RawFile = BTreeMap<Spanned<String>, Vec<Spanned<RawBinding>>>;

/// Byte offset → 1-based line number.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line of one key string inside an `on = [...]` value that may span
/// several lines, so the error points at the key itself.
fn key_line(text: &str, span: &Range<usize>, key: &str) -> usize {
    let start = span.start.min(text.len());
    let end = span.end.min(text.len()).max(start);
    let region = text.get(start..end).unwrap_or("");
    for quoted in [format!("\"{key}\""), format!("'{key}'")] {
        if let Some(at) = region.find(&quoted) {
            return line_of(text, start + at);
        }
    }
    line_of(text, start)
}

/// A close action name for "did you mean"; edit distance ≤ 2.
fn suggest(name: &str) -> Option<String> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != *cb);
                cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    }
    Action::BINDABLE
        .iter()
        .filter_map(Action::name)
        .map(|n| (distance(name, &n), n))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n)
}

fn prefix_related(a: &[Key], b: &[Key]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

impl KeymapFile {
    /// Parse and check one file on its own. `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<KeymapFile, KeymapErrors> {
        let err = |line: usize, reason: String| KeymapError {
            file: file.to_string(),
            line,
            reason,
        };
        let raw: RawFile = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let line = e.span().map_or(1, |s| line_of(text, s.start));
                let reason = e.message().trim().to_string();
                return Err(KeymapErrors(vec![err(line, reason)]));
            }
        };
        let mut errors = Vec::new();
        let mut out = KeymapFile::default();
        for (mode_name, entries) in raw {
            let Some(mode) = Mode::from_name(mode_name.get_ref()) else {
                let names: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
                errors.push(err(
                    line_of(text, mode_name.span().start),
                    format!(
                        "unknown mode \"{}\" (modes are: {})",
                        mode_name.get_ref(),
                        names.join(", ")
                    ),
                ));
                continue;
            };
            // Chord → line where it was first bound, to report duplicates.
            let mut seen: Vec<(Vec<Key>, String, usize)> = Vec::new();
            for entry in entries {
                let entry = entry.into_inner();
                let on_span = entry.on.span();
                let key_strings: Vec<String> = match entry.on.get_ref() {
                    toml::Value::String(s) => vec![s.clone()],
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string).unwrap_or_default())
                        .collect(),
                    _ => {
                        errors.push(err(
                            line_of(text, on_span.start),
                            "`on` must be a key string or a list of key strings".into(),
                        ));
                        continue;
                    }
                };
                if key_strings.is_empty() {
                    errors.push(err(
                        line_of(text, on_span.start),
                        "`on` lists no keys".into(),
                    ));
                    continue;
                }
                let mut chords = Vec::new();
                for ks in &key_strings {
                    let line = key_line(text, &on_span, ks);
                    let chord = match parse_keys(ks) {
                        Ok(c) => c,
                        Err(why) => {
                            errors.push(err(line, format!("cannot read key \"{ks}\": {why}")));
                            continue;
                        }
                    };
                    if mode.is_text()
                        && let Some(first) = chord.first()
                        && first.text_char().is_some()
                    {
                        errors.push(err(
                            line,
                            format!(
                                "\"{ks}\" starts with a plain character, which is typed in {} mode; use a key like <C-x> instead",
                                mode.name()
                            ),
                        ));
                        continue;
                    }
                    if let Some((_, other, at)) =
                        seen.iter().find(|(c, _, _)| prefix_related(c, &chord))
                    {
                        let reason = if *other == chord_to_string(&chord) {
                            format!(
                                "\"{ks}\" is bound twice in {} mode (first on line {at})",
                                mode.name()
                            )
                        } else {
                            format!(
                                "\"{ks}\" clashes with \"{other}\" (line {at}) in {} mode: one chord may not start with another",
                                mode.name()
                            )
                        };
                        errors.push(err(line, reason));
                        continue;
                    }
                    seen.push((chord.clone(), chord_to_string(&chord), line));
                    chords.push(chord);
                }
                let run_line = line_of(text, entry.run.span().start);
                let run = entry.run.get_ref().as_str();
                let binding = if run == "unbind" {
                    None
                } else if let Some(action) = Action::from_name(run) {
                    let desc = entry
                        .desc
                        .filter(|d| !d.trim().is_empty())
                        .unwrap_or_else(|| run.replace('_', " "));
                    Some(Binding {
                        keys: chords.clone(),
                        action,
                        desc,
                        desc_ja: entry.desc_ja,
                    })
                } else {
                    let hint = suggest(run)
                        .map(|s| format!(" (did you mean \"{s}\"?)"))
                        .unwrap_or_default();
                    errors.push(err(run_line, format!("unknown action \"{run}\"{hint}")));
                    continue;
                };
                out.entries.entry(mode).or_default().push((chords, binding));
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            errors.sort_by_key(|e| e.line);
            Err(KeymapErrors(errors))
        }
    }
}

impl Keymap {
    /// The compiled-in defaults. They are tested, so this cannot fail in a
    /// released build; if it ever did, the app would start with no keys, so
    /// we report it instead.
    pub fn builtin() -> Result<Keymap, KeymapErrors> {
        let file = KeymapFile::parse(DEFAULT_KEYMAP, DEFAULT_NAME)?;
        let mut map = Keymap::default();
        map.layer(file);
        Ok(map)
    }

    /// Defaults plus the user's file, if there is one at `user`.
    pub fn load(user: Option<&Path>) -> Result<Keymap, KeymapErrors> {
        let mut map = Keymap::builtin()?;
        if let Some(path) = user
            && path.exists()
        {
            map.layer(read_file(path)?);
        }
        Ok(map)
    }

    /// Put a file's bindings over this keymap: a key bound (or unbound) in
    /// `file` removes every binding here that it equals or clashes with.
    pub fn layer(&mut self, file: KeymapFile) {
        for (mode, entries) in file.entries {
            let bindings = self.modes.entry(mode).or_default();
            let mut new = Vec::new();
            for (chords, binding) in entries {
                for chord in &chords {
                    for b in bindings.iter_mut() {
                        b.keys.retain(|k| !prefix_related(k, chord));
                    }
                }
                new.extend(binding);
            }
            bindings.retain(|b| !b.keys.is_empty());
            new.append(bindings);
            *bindings = new;
        }
    }

    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        self.modes.get(&mode).map_or(&[], Vec::as_slice)
    }

    /// What the keys typed so far mean. In text modes a lone plain
    /// character is `Unbound` so the caller types it.
    pub fn lookup(&self, mode: Mode, keys: &[Key]) -> Lookup {
        if keys.is_empty() {
            return Lookup::Unbound;
        }
        let keys: Vec<Key> = keys.iter().map(|k| k.halfwidth()).collect();
        let mut pending = false;
        for b in self.bindings(mode) {
            for chord in &b.keys {
                if *chord == keys {
                    return Lookup::Action(b.action.clone());
                }
                if chord.len() > keys.len() && chord.starts_with(&keys) {
                    pending = true;
                }
            }
        }
        if pending {
            Lookup::Pending
        } else {
            Lookup::Unbound
        }
    }

    /// The chords that continue `prefix`, for the which-key popup:
    /// (the rest of the chord, the binding).
    pub fn continuations(&self, mode: Mode, prefix: &[Key]) -> Vec<(String, &Binding)> {
        let prefix: Vec<Key> = prefix.iter().map(|k| k.halfwidth()).collect();
        let mut out = Vec::new();
        for b in self.bindings(mode) {
            for chord in &b.keys {
                if chord.len() > prefix.len() && chord.starts_with(&prefix) {
                    out.push((chord_to_string(&chord[prefix.len()..]), b));
                }
            }
        }
        out
    }

    /// The first key bound to `action` in `mode`, for footers and hints.
    pub fn key_for(&self, mode: Mode, action: &Action) -> Option<String> {
        self.bindings(mode)
            .iter()
            .find(|b| &b.action == action)
            .and_then(|b| b.keys.first())
            .map(|k| chord_to_string(k))
    }
}

/// Read and check one keymap file from disk.
pub fn read_file(path: &Path) -> Result<KeymapFile, KeymapErrors> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        KeymapErrors(vec![KeymapError {
            file: name.clone(),
            line: 0,
            reason: format!("cannot read the file: {e}"),
        }])
    })?;
    KeymapFile::parse(&text, &name)
}

/// `triad keymap check FILE`: check a file on its own and layered over the
/// defaults. Ok carries a one-line summary to print.
pub fn check_file(path: &Path) -> Result<String, KeymapErrors> {
    let file = read_file(path)?;
    let count: usize = file.entries.values().map(Vec::len).sum();
    let mut map = Keymap::builtin()?;
    map.layer(file);
    Ok(format!("{}: ok ({count} entries)", path.display()))
}

/// Where the user's keymap lives: `$XDG_CONFIG_HOME/triad/keymap.toml`.
pub fn user_keymap_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("triad").join("keymap.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<Key> {
        parse_keys(s).expect("test keys parse")
    }

    #[test]
    fn defaults_load_and_chords_wait() {
        let map = Keymap::builtin().expect("default keymap is valid");
        assert_eq!(
            map.lookup(Mode::Normal, &keys("j")),
            Lookup::Action(Action::Down)
        );
        assert_eq!(map.lookup(Mode::Normal, &keys("g")), Lookup::Pending);
        assert_eq!(
            map.lookup(Mode::Normal, &keys("gg")),
            Lookup::Action(Action::Top)
        );
        assert_eq!(
            map.lookup(Mode::Normal, &keys("：")),
            Lookup::Action(Action::Finder)
        );
        assert_eq!(
            map.lookup(Mode::Normal, &keys("<C-p>")),
            Lookup::Action(Action::Finder)
        );
        assert_eq!(map.lookup(Mode::Normal, &keys("Z")), Lookup::Unbound);
        let next: Vec<String> = map
            .continuations(Mode::Normal, &keys("g"))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert!(next.contains(&"g".to_string()) && next.contains(&"d".to_string()));
    }

    #[test]
    fn user_file_layers_and_unbinds() {
        let mut map = Keymap::builtin().unwrap();
        let user = KeymapFile::parse(
            "[[normal]]\non = \"x\"\nrun = \"quit\"\n\n[[normal]]\non = \"q\"\nrun = \"unbind\"\n",
            "user.toml",
        )
        .unwrap();
        map.layer(user);
        assert_eq!(
            map.lookup(Mode::Normal, &keys("x")),
            Lookup::Action(Action::Quit)
        );
        assert_eq!(map.lookup(Mode::Normal, &keys("q")), Lookup::Unbound);
        // Everything else is still there, and Ctrl-C still quits.
        assert_eq!(
            map.lookup(Mode::Normal, &keys("<C-c>")),
            Lookup::Action(Action::Quit)
        );
        assert_eq!(
            map.lookup(Mode::Normal, &keys("j")),
            Lookup::Action(Action::Down)
        );
    }

    #[test]
    fn rebinding_a_prefix_drops_its_chords() {
        let mut map = Keymap::builtin().unwrap();
        map.layer(KeymapFile::parse("[[normal]]\non = \"g\"\nrun = \"top\"\n", "u").unwrap());
        assert_eq!(
            map.lookup(Mode::Normal, &keys("g")),
            Lookup::Action(Action::Top)
        );
        assert_eq!(
            map.lookup(Mode::Normal, &keys("<F2>")),
            Lookup::Action(Action::Dashboard)
        );
    }

    #[test]
    fn errors_name_line_and_reason() {
        let text = "[[normal]]\non = \"j\"\nrun = \"qiut\"\n\n[[normal]]\non = [\"k\",\n  \"<C-\"]\nrun = \"up\"\n\n[[normal]]\non = \"k\"\nrun = \"down\"\n";
        let errs = KeymapFile::parse(text, "bad.toml").unwrap_err().0;
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].file.as_str()), (3, "bad.toml"));
        assert!(errs[0].reason.contains("unknown action \"qiut\""));
        assert!(errs[0].reason.contains("did you mean \"quit\""));
        assert_eq!(errs[1].line, 7);
        assert!(errs[1].reason.contains("cannot read key"));
        assert_eq!(errs[2].line, 11);
        assert!(errs[2].reason.contains("bound twice"));
        assert!(errs[2].reason.contains("line 6"));
    }

    #[test]
    fn structure_errors_have_lines() {
        let errs = KeymapFile::parse("[[normal]]\non = \"j\"\nrun = \"down\"\nwhat = 1\n", "f")
            .unwrap_err()
            .0;
        assert_eq!(errs[0].line, 4, "{errs:?}");
        assert!(errs[0].reason.contains("unknown field `what`"));
        let errs = KeymapFile::parse("\n[[nromal]]\non = \"j\"\nrun = \"down\"\n", "f")
            .unwrap_err()
            .0;
        assert_eq!(errs[0].line, 2);
        assert!(errs[0].reason.contains("unknown mode"));
        let errs = KeymapFile::parse("[[input]]\non = \"x\"\nrun = \"submit\"\n", "f")
            .unwrap_err()
            .0;
        assert!(errs[0].reason.contains("typed in input mode"));
    }
}
