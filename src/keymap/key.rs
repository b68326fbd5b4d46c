//! Our own key type and the chord notation shared by keymap files and tests.
//!
//! Notation (vim-like): plain characters stand for themselves (`"gg"` is two
//! presses of `g`, `"G"` is shift-g); special keys and modifiers go in angle
//! brackets: `<Esc>`, `<CR>`, `<Tab>`, `<S-Tab>`, `<BS>`, `<Del>`, `<Up>`,
//! `<PageDown>`, `<Space>`, `<lt>` (a literal `<`), `<F1>`, `<C-p>`,
//! `<A-x>`. Full-width ASCII (`：／？` typed with the IME on) is read as its
//! half-width twin, so `"："` and `":"` name the same key.

use std::fmt;

/// A key without modifiers. Shift is folded into `Char` (`'G'`), and
/// shift-tab is its own key, because that is how terminals report them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// Modifier set; shift only matters for non-character keys (`<S-Up>`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mods {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub mods: Mods,
}

impl Key {
    /// A key with no modifiers, normalised like a parsed one.
    pub fn plain(code: KeyCode) -> Key {
        Key::new(code, Mods::default())
    }

    pub fn ctrl(c: char) -> Key {
        Key::new(
            KeyCode::Char(c),
            Mods {
                ctrl: true,
                ..Mods::default()
            },
        )
    }

    /// Build a key in canonical form, so that equal presses compare equal
    /// however they were produced (terminal, file, test string).
    pub fn new(code: KeyCode, mut mods: Mods) -> Key {
        let code = match code {
            KeyCode::Char(c) => {
                // Shift is already in the character itself.
                mods.shift = false;
                // <C-P> and <C-p> are the same chord in every terminal.
                if mods.ctrl {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::Tab if mods.shift => {
                mods.shift = false;
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                mods.shift = false;
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    /// The key as a keymap sees it: full-width `：` is `:`. Text fields get
    /// the raw key instead, so Japanese punctuation is typed as typed.
    pub fn halfwidth(self) -> Key {
        match self.code {
            KeyCode::Char(c) => Key {
                code: KeyCode::Char(halfwidth(c)),
                ..self
            },
            _ => self,
        }
    }

    /// A printable character typed without ctrl/alt: in text fields it is
    /// inserted rather than looked up.
    pub fn text_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.mods.ctrl && !self.mods.alt => Some(c),
            _ => None,
        }
    }
}

/// Map full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to
/// ASCII, so IME-on presses of `：／？` act like `: / ?`.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Parse a chord string (`"gg"`, `"<C-p>"`, `"<Esc>"`) into its keys.
pub fn parse_keys(s: &str) -> Result<Vec<Key>, String> {
    if s.is_empty() {
        return Err("empty key".into());
    }
    let mut keys = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(end) = rest.find('>') else {
                return Err(format!(
                    "unclosed '<' in {s:?} (write <lt> for a literal '<')"
                ));
            };
            keys.push(parse_bracketed(&rest[1..end])?.halfwidth());
            rest = &rest[end + 1..];
        } else {
            keys.push(Key::plain(KeyCode::Char(c)).halfwidth());
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(keys)
}

/// One key written as `<...>`: optional `C-`/`A-`/`M-`/`S-` prefixes, then a
/// name or a single character.
fn parse_bracketed(inner: &str) -> Result<Key, String> {
    let mut mods = Mods::default();
    let mut name = inner;
    // A prefix needs something after it: `<C-->` is ctrl+minus.
    while name.len() > 2 && name.as_bytes()[1] == b'-' {
        match name.as_bytes()[0].to_ascii_uppercase() {
            b'C' => mods.ctrl = true,
            b'A' | b'M' => mods.alt = true,
            b'S' => mods.shift = true,
            _ => break,
        }
        name = &name[2..];
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(Key::new(KeyCode::Char(c), mods));
    }
    let code = match name.to_ascii_lowercase().as_str() {
        "esc" | "escape" => KeyCode::Esc,
        "cr" | "enter" | "return" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "bs" | "backspace" => KeyCode::Backspace,
        "del" | "delete" => KeyCode::Delete,
        "ins" | "insert" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "space" => KeyCode::Char(' '),
        "lt" => KeyCode::Char('<'),
        "gt" => KeyCode::Char('>'),
        "bar" => KeyCode::Char('|'),
        f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
            Ok(n @ 1..=24) => KeyCode::F(n),
            _ => return Err(format!("unknown key <{inner}>")),
        },
        _ => return Err(format!("unknown key <{inner}>")),
    };
    Ok(Key::new(code, mods))
}

impl fmt::Display for Key {
    /// The canonical notation, so help shows what a keymap file would say.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name: String = match self.code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char('<') => "lt".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "CR".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "BS".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PageUp".into(),
            KeyCode::PageDown => "PageDown".into(),
            KeyCode::F(n) => format!("F{n}"),
        };
        let m = self.mods;
        let bare_char =
            matches!(self.code, KeyCode::Char(c) if c != ' ' && c != '<') && !m.ctrl && !m.alt;
        if bare_char {
            return f.write_str(&name);
        }
        f.write_str("<")?;
        if m.ctrl {
            f.write_str("C-")?;
        }
        if m.alt {
            f.write_str("A-")?;
        }
        if m.shift {
            f.write_str("S-")?;
        }
        write!(f, "{name}>")
    }
}

/// Write a chord back in notation: `[g, g]` → `"gg"`.
pub fn chord_to_string(keys: &[Key]) -> String {
    keys.iter().map(ToString::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Key {
        let keys = parse_keys(s).expect("parses");
        assert_eq!(keys.len(), 1, "{s}");
        keys[0]
    }

    #[test]
    fn plain_and_chords() {
        assert_eq!(parse_keys("gg").unwrap().len(), 2);
        assert_eq!(one("G").code, KeyCode::Char('G'));
        assert_eq!(one("<C-p>"), Key::ctrl('p'));
        assert_eq!(one("<c-P>"), Key::ctrl('p'));
        assert_eq!(one("<Esc>").code, KeyCode::Esc);
        assert_eq!(one("<S-Tab>"), Key::plain(KeyCode::BackTab));
        assert_eq!(one("<lt>").code, KeyCode::Char('<'));
        assert_eq!(one("<F12>").code, KeyCode::F(12));
        assert_eq!(one("<C-->"), Key::ctrl('-'));
    }

    #[test]
    fn fullwidth_is_halfwidth() {
        assert_eq!(one("："), one(":"));
        assert_eq!(one("／"), one("/"));
        assert_eq!(one("？"), one("?"));
        assert_eq!(one("\u{3000}"), one("<Space>"));
        // A typed full-width key keeps its character until looked up.
        let typed = Key::plain(KeyCode::Char('：'));
        assert_eq!(typed.text_char(), Some('：'));
        assert_eq!(typed.halfwidth(), one(":"));
        // Other wide characters are left alone.
        assert_eq!(one("あ").code, KeyCode::Char('あ'));
    }

    #[test]
    fn errors_say_why() {
        assert!(parse_keys("").is_err());
        assert!(parse_keys("<C-p").unwrap_err().contains("unclosed"));
        assert!(parse_keys("<Nope>").unwrap_err().contains("unknown key"));
        assert!(parse_keys("<F99>").is_err());
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "gg", "<C-p>", "<Esc>", "G", "<S-Tab>", "<lt>", "<Space>", "<A-x>", "/",
        ] {
            let keys = parse_keys(s).unwrap();
            assert_eq!(chord_to_string(&keys), s);
            assert_eq!(parse_keys(&chord_to_string(&keys)).unwrap(), keys);
        }
    }
}
