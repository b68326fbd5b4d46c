//! Text that is safe to show: field validation shared by every record
//! (names must be printable), and the one output sanitiser every path that
//! prints stored or imported text goes through (terminal, CLI, errors,
//! Markdown, CSV).

use std::borrow::Cow;
use std::fmt::Write;

use super::Reason;

/// A field that failed validation, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    pub field: &'static str,
    pub reason: Reason,
}

impl ValidationError {
    pub fn new(field: &'static str, reason: Reason) -> Self {
        ValidationError { field, reason }
    }
}

/// The longest a name or other one-line field may be, in characters: a
/// long organisation name with its reading fits; a pasted page does not.
pub const NAME_MAX_CHARS: usize = 200;
/// The longest a free text (a note, a condition, a reason) may be.
pub const TEXT_MAX_CHARS: usize = 20_000;

/// A one-line name: not blank, within [`NAME_MAX_CHARS`], no hostile
/// character (see [`is_hostile`]: an escape sequence would repaint a
/// coordinator's terminal, a bidi override reorder what they read).
pub fn check_name(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, Reason::Empty));
    }
    check_chars(field, value, NAME_MAX_CHARS, |_| false)
}

/// Free text: line breaks and tabs are fine, other hostile characters are
/// not; within [`TEXT_MAX_CHARS`].
pub fn check_text(field: &'static str, value: &str) -> Result<(), ValidationError> {
    check_chars(field, value, TEXT_MAX_CHARS, |c| c == '\n' || c == '\t')
}

fn check_chars(
    field: &'static str,
    value: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
) -> Result<(), ValidationError> {
    if value.chars().count() > max {
        return Err(ValidationError::new(field, Reason::TooLong { max }));
    }
    match value.chars().find(|c| is_hostile(*c) && !allowed(*c)) {
        None => Ok(()),
        Some(c) if c.is_control() => Err(ValidationError::new(field, Reason::ControlChar)),
        Some(c) => Err(ValidationError::new(
            field,
            Reason::InvisibleChar { code: u32::from(c) },
        )),
    }
}

/// Characters that must never reach a terminal or a report raw: control
/// characters (C0, DEL, C1: escape sequences, bells, a carriage return that
/// overprints), bidi controls (reorder what is read), zero-width and other
/// invisible format characters (hide or forge text), and line/paragraph
/// separators (break a line where the output has none).
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Format (Cf) characters: soft hyphen, Arabic number signs, the
            // Arabic letter mark, Mongolian vowel separator, zero-width
            // space/joiners, LRM/RLM, bidi embeddings and overrides, word
            // joiner and invisible operators, bidi isolates, deprecated
            // format characters, BOM, interlinear annotation.
            '\u{AD}'
                | '\u{600}'..='\u{605}'
                | '\u{61C}'
                | '\u{6DD}'
                | '\u{70F}'
                | '\u{890}'..='\u{891}'
                | '\u{8E2}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                // Tag characters (invisible text smuggled after a flag).
                | '\u{E0000}'..='\u{E007F}'
                // Hangul fillers: letters that draw nothing.
                | '\u{115F}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{FFA0}'
        )
}

/// `s` for one line of output: every hostile character, newline and tab
/// included, becomes a visible escape like `\u{202E}`.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_where(s, is_hostile)
}

/// `s` for multi-line output (a note shown whole, a file of text): newlines
/// and tabs stay, every other hostile character is escaped.
pub fn escape_multiline(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c != '\n' && c != '\t' && is_hostile(c))
}

fn escape_where(s: &str, bad: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_reject_escapes_and_blanks() {
        assert!(check_name("name", "仙台ポリオの会").is_ok());
        assert!(check_name("name", "  ").is_err());
        assert!(check_name("name", "evil\u{1b}[2J").is_err());
        assert!(check_name("name", "two\nlines").is_err());
        assert!(check_text("text", "two\nlines\tok").is_ok());
        assert!(check_text("text", "bell\u{7}").is_err());
    }

    #[test]
    fn invisible_and_bidi_characters_and_long_values_are_refused() {
        let invisible = |r: Result<(), ValidationError>| match r {
            Err(e) => e.reason,
            Ok(()) => panic!("accepted"),
        };
        assert_eq!(
            invisible(check_name("name", "大学\u{202E}病院")),
            Reason::InvisibleChar { code: 0x202E }
        );
        for c in [
            '\u{200B}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{3164}',
            '\u{E0041}',
            '\u{2028}',
        ] {
            assert!(check_name("name", &format!("a{c}b")).is_err(), "{c:?}");
            assert!(check_text("text", &format!("a{c}b")).is_err(), "{c:?}");
        }
        assert_eq!(
            invisible(check_name("name", "a\u{9B}b")),
            Reason::ControlChar
        );
        let long = "あ".repeat(NAME_MAX_CHARS + 1);
        assert_eq!(
            invisible(check_name("name", &long)),
            Reason::TooLong {
                max: NAME_MAX_CHARS
            }
        );
        assert!(check_name("name", &long[..long.len() - 3]).is_ok());
        assert!(check_text("text", &"x".repeat(TEXT_MAX_CHARS)).is_ok());
        assert!(check_text("text", &"x".repeat(TEXT_MAX_CHARS + 1)).is_err());
        // Variation selectors for kanji and emoji are ordinary text.
        assert!(check_name("name", "葛\u{E0100}城").is_ok());
    }

    #[test]
    fn hostile_characters_become_visible_escapes() {
        assert_eq!(escape("abc 仙台"), "abc 仙台");
        assert!(matches!(escape("仙台"), Cow::Borrowed(_)));
        assert_eq!(escape("a\u{202E}b"), "a\\u{202E}b");
        assert_eq!(escape("\u{1b}]0;pwned\u{7}"), "\\u{1B}]0;pwned\\u{7}");
        assert_eq!(escape("\u{9B}2J"), "\\u{9B}2J");
        assert_eq!(escape("a\nb\tc"), "a\\u{A}b\\u{9}c");
        assert_eq!(escape_multiline("a\nb\tc\r"), "a\nb\tc\\u{D}");
        for c in [
            '\u{7F}',
            '\u{200B}',
            '\u{200D}',
            '\u{200E}',
            '\u{2028}',
            '\u{2029}',
            '\u{2066}',
            '\u{2069}',
            '\u{61C}',
            '\u{2060}',
            '\u{2064}',
            '\u{FEFF}',
            '\u{3164}',
            '\u{115F}',
            '\u{1160}',
            '\u{FFA0}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{AD}',
        ] {
            assert!(is_hostile(c), "{c:?}");
            assert!(!escape(&c.to_string()).contains(c), "{c:?}");
        }
        // Kanji variation selectors and combining marks are ordinary text.
        for c in ['\u{E0100}', '\u{FE0F}', '\u{3099}', 'ー', ' '] {
            assert!(!is_hostile(c), "{c:?}");
        }
    }
}
