//! Display-width text helpers: Japanese characters take two cells, so
//! columns are measured in cells and cut on character boundaries, never in
//! the middle of a wide character (which would leave residue on screen).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cells a string takes on screen.
pub fn width(s: &str) -> usize {
    s.width()
}

/// Control characters (from a stray paste or old data) would move the
/// cursor; show them as spaces.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
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
        assert_eq!(clean("a\u{1b}[2Jb"), "a [2Jb");
    }
}
