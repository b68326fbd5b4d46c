//! A corpus of hostile strings: every character class the output
//! sanitiser must neutralise, each inside ordinary text.
#![allow(dead_code)]

/// Each entry: a label, and a string carrying the attack.
pub const CORPUS: &[(&str, &str)] = &[
    ("osc title", "\u{1b}]0;pwned\u{7}"),
    ("osc title st", "\u{1b}]2;pwned\u{1b}\\"),
    ("csi clear", "\u{1b}[2J\u{1b}[H"),
    ("fake line", "\rimported 487 records\n"),
    ("c1 csi", "\u{9b}31m"),
    ("c1 osc", "\u{9d}0;x\u{9c}"),
    ("del", "a\u{7f}b"),
    ("nul bell", "a\u{0}\u{7}b"),
    ("rlo", "\u{202e}fdp.exe"),
    ("lre pdf", "\u{202a}x\u{202c}"),
    ("lro rle", "\u{202d}\u{202b}y"),
    ("isolates", "\u{2066}\u{2067}\u{2068}z\u{2069}"),
    ("marks", "\u{200e}\u{200f}\u{61c}"),
    ("zero width", "a\u{200b}b\u{200c}c\u{200d}d"),
    ("word joiner", "\u{2060}\u{2061}\u{2062}\u{2063}\u{2064}"),
    ("bom", "\u{feff}x"),
    ("hangul fillers", "\u{3164}\u{115f}\u{1160}\u{ffa0}"),
    ("tags", "\u{e0001}\u{e0041}\u{e0042}\u{e007f}"),
    ("separators", "a\u{2028}b\u{2029}c"),
    ("soft hyphen", "in\u{ad}visible"),
    (
        "md heading",
        "x\n# Injected heading\n- item\n| a | b |\n> quote",
    ),
];

/// Every hostile string at once, between ordinary words.
pub fn all() -> String {
    let mut s = String::from("仙台");
    for (_, h) in CORPUS {
        s.push_str(h);
        s.push('x');
    }
    s
}

/// The hostile characters in `s` (what must never appear raw), except the
/// line breaks and tabs that `multiline` output may keep.
pub fn raw_in(s: &str, multiline: bool) -> Vec<char> {
    s.chars()
        .filter(|c| triad::model::is_hostile(*c))
        .filter(|c| !(multiline && matches!(c, '\n' | '\t')))
        .collect()
}
