//! Display-width text helpers: Japanese characters take two cells, so
//! columns are measured in cells and cut on character boundaries, never in
//! the middle of a wide character (which would leave residue on screen).

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::model::{Id, Masker};

/// Cells a string takes on screen.
pub fn width(s: &str) -> usize {
    s.width()
}

/// Stored text for one line of the screen: control, bidi and invisible
/// characters (from a stray paste, old data or a crafted import) would move
/// the cursor, set the title or reorder the line; they show as escapes like
/// `\u{202E}` (see [`crate::model::escape`]). In meeting mode, clients' and
/// family members' names in it become initials.
pub fn clean(s: &str) -> String {
    let escaped = crate::model::escape(s);
    MASK.with_borrow(|m| match m {
        Some((masker, shown)) => masker.mask(&escaped, *shown).into_owned(),
        None => escaped.into_owned(),
    })
}

/// What the user is typing (a query, a filter, a form field): escaped like
/// [`clean`], but never masked, so it shows as typed and the cursor
/// stays where it is.
pub fn typed(s: &str) -> String {
    crate::model::escape(s).into_owned()
}

/// `s` cleaned, when meeting mode masked something in it (then its
/// characters cannot be drawn one by one, as the finder's highlights are).
pub fn masked(s: &str) -> Option<String> {
    let escaped = crate::model::escape(s);
    MASK.with_borrow(|m| {
        let (masker, shown) = m.as_ref()?;
        match masker.mask(&escaped, *shown) {
            Cow::Owned(masked) => Some(masked),
            Cow::Borrowed(_) => None,
        }
    })
}

thread_local! {
    /// Meeting mode's mask for the frame being drawn on this thread.
    static MASK: RefCell<Option<(Arc<Masker>, Option<Id>)>> = const { RefCell::new(None) };
}

/// Mask names in every [`clean`] until the guard is dropped (one frame).
pub fn masking(mask: Option<(Arc<Masker>, Option<Id>)>) -> MaskGuard {
    MASK.set(mask);
    MaskGuard
}

pub struct MaskGuard;

impl Drop for MaskGuard {
    fn drop(&mut self) {
        MASK.set(None);
    }
}

/// The last line of defence, run on every frame: a hostile character that
/// reached the buffer some other way (a span built without [`clean`]) is
/// dropped from its cell, so it never reaches the terminal raw. ratatui
/// skips control characters itself but keeps zero-width ones (bidi
/// overrides, joiners) in the cell before them.
pub fn defang(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if cell.symbol().chars().any(crate::model::is_hostile) {
                let kept: String = cell
                    .symbol()
                    .chars()
                    .filter(|c| !crate::model::is_hostile(*c))
                    .collect();
                cell.set_symbol(if kept.is_empty() { " " } else { &kept });
            }
        }
    }
}

/// The longest prefix of `s` that fits in `max` cells.
pub fn prefix(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > max {
            return &s[..i];
        }
        used += w;
    }
    s
}

/// Fit `s` into `max` cells, ending with `cut` when something was dropped.
pub fn fit(s: &str, max: usize, cut: &str) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let cut_w = cut.width();
    if max <= cut_w {
        return prefix(s, max).to_string();
    }
    format!("{}{cut}", prefix(s, max - cut_w))
}

/// Fit and pad with spaces to exactly `w` cells, so columns line up even
/// when a wide character did not fit at the edge.
pub fn pad(s: &str, w: usize, cut: &str) -> String {
    let mut out = fit(s, w, cut);
    let used = out.width();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
    out
}

/// A table column: `w` cells with the last kept blank, so a cut value
/// never runs into the next column.
pub fn col(s: &str, w: usize, cut: &str) -> String {
    let mut out = pad(s, w.saturating_sub(1), cut);
    if w > 0 {
        out.push(' ');
    }
    out
}

/// Right-align in `w` cells (numbers, counts).
pub fn pad_left(s: &str, w: usize) -> String {
    let s = prefix(s, w);
    let mut out: String = std::iter::repeat_n(' ', w.saturating_sub(s.width())).collect();
    out.push_str(s);
    out
}

/// Wrap text into lines of at most `w` cells, breaking anywhere (Japanese
/// has no spaces to break at) but preferring a space for Latin text.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in clean(para).chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > w {
                // Move the last Latin word down if there is a space to break at.
                let carry = match line.rfind(' ') {
                    Some(i) if i > 0 && c != ' ' && line[i + 1..].is_ascii() => {
                        let rest = line[i + 1..].to_string();
                        line.truncate(i);
                        rest
                    }
                    _ => String::new(),
                };
                lines.push(std::mem::take(&mut line));
                used = carry.width();
                line = carry;
                if c == ' ' {
                    continue;
                }
            }
            line.push(c);
            used += cw;
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defang_drops_hostile_characters_left_in_cells() {
        let area = Rect::new(0, 0, 6, 1);
        let mut buf = Buffer::empty(area);
        buf.set_string(0, 0, "ab", ratatui::style::Style::default());
        buf[(1, 0)].set_symbol("b\u{202E}");
        buf[(2, 0)].set_symbol("\u{200B}");
        defang(&mut buf, area);
        assert_eq!(buf[(1, 0)].symbol(), "b");
        assert_eq!(buf[(2, 0)].symbol(), " ");
    }

    #[test]
    fn wide_chars_are_cut_on_boundaries() {
        assert_eq!(prefix("仙台ポリオ", 5), "仙台");
        assert_eq!(fit("仙台ポリオの会", 7, "~"), "仙台ポ~");
        assert_eq!(width(&pad("仙台ポリオの会", 6, "~")), 6);
        assert_eq!(pad("仙台", 5, "~"), "仙台 ");
        assert_eq!(pad("abc", 2, "~"), "a~");
        assert_eq!(pad("abc", 0, "~"), "");
        assert_eq!(pad_left("12", 4), "  12");
    }

    #[test]
    fn wrap_keeps_width() {
        for line in wrap(
            "熊本県がん診療連携協議会の作業部会 meets four times a year",
            10,
        ) {
            assert!(width(&line) <= 10, "{line:?}");
        }
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("a\nb", 5), vec!["a", "b"]);
        assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1B}[2Jb");
    }
}
