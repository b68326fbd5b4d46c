//! Pure text normalisation for search: width, case and kana folding, romaji
//! canonicalisation and case-id folding.
//!
//! Everything here runs once per document when the index is built, and once
//! per keystroke on the query only.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The long-vowel mark, dropped by [`fold`] so `サポーター` and `さぽうたあ`-style
/// spellings can meet in romaji and `ポリオ`/`ぽりお`/`ﾎﾟﾘｵ` meet as kana.
pub const LONG_VOWEL: char = 'ー';

/// Fold text for matching: NFKC, lowercase, hiragana → katakana, spaces,
/// control chars and `ー` removed, so every keyboard's spelling of a name
/// compares equal.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out, None);
    out
}

/// Same as [`fold`], plus for each char of the folded string the char index
/// in `text` it came from, so a match on the folded form highlights the original.
pub fn fold_with_map(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    fold_into(text, &mut out, Some(&mut map));
    (out, map)
}

/// True for chars that belong to the preceding char (combining marks, kana
/// voicing marks, variation selectors); the fold keeps them with their base
/// so NFKC can compose `ﾎﾟ` into `ポ` while the char map stays exact.
pub fn is_continuation(c: char) -> bool {
    matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{3099}'..='\u{309C}')
        || is_ignorable(c)
        || canonical_combining_class(c) != 0
}

/// Zero-width chars and variation selectors: invisible, so never matched on.
fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{180B}'..='\u{180D}')
}

/// Spacing voicing marks (゛゜) become combining ones so NFKC composes them
/// with the preceding kana instead of producing a space.
fn combining_voice_mark(c: char) -> char {
    match c {
        '\u{309B}' => '\u{3099}',
        '\u{309C}' => '\u{309A}',
        other => other,
    }
}

/// Hiragana → katakana for one char (others unchanged).
pub fn hira_to_kata(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        other => other,
    }
}

fn fold_into(text: &str, out: &mut String, mut map: Option<&mut Vec<usize>>) {
    let mut emit = |c: char, origin: usize, out: &mut String| {
        if c.is_whitespace() || c.is_control() || is_ignorable(c) {
            return;
        }
        let mut push = |l: char| {
            let k = hira_to_kata(l);
            if k == LONG_VOWEL {
                return;
            }
            out.push(k);
            if let Some(m) = map.as_deref_mut() {
                m.push(origin);
            }
        };
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(&mut push);
        }
    };
    let mut chunk: Vec<char> = Vec::new();
    let mut chars = text.chars().enumerate().peekable();
    while let Some((start, c0)) = chars.next() {
        chunk.clear();
        chunk.push(c0);
        while let Some(&(_, c)) = chars.peek() {
            if !is_continuation(c) {
                break;
            }
            chunk.push(c);
            chars.next();
        }
        if chunk.len() == 1
            && (c0.is_ascii() || is_nfkc_quick(std::iter::once(c0)) == IsNormalized::Yes)
        {
            emit(c0, start, out);
        } else {
            for c in chunk.iter().copied().map(combining_voice_mark).nfkc() {
                emit(c, start, out);
            }
        }
    }
}

/// Small-vowel combinations wana_kana spells oddly (`ファ` → `fua`,
/// `ティ` → `tei`); replaced before conversion by the spelling people type.
const KANA_COMBOS: &[(&str, &str)] = &[
    ("ファ", "fa"),
    ("フィ", "fi"),
    ("フェ", "fe"),
    ("フォ", "fo"),
    ("フュ", "fyu"),
    ("ティ", "ti"),
    ("ディ", "di"),
    ("トゥ", "tu"),
    ("ドゥ", "du"),
    ("テュ", "tyu"),
    ("デュ", "dyu"),
    ("ウィ", "wi"),
    ("ウェ", "we"),
    ("ウォ", "wo"),
    ("ヴァ", "va"),
    ("ヴィ", "vi"),
    ("ヴェ", "ve"),
    ("ヴォ", "vo"),
    ("ヴ", "vu"),
    ("ツァ", "tsa"),
    ("ツィ", "tsi"),
    ("ツェ", "tse"),
    ("ツォ", "tso"),
    ("イェ", "ye"),
    ("クァ", "kwa"),
    ("グァ", "gwa"),
];

/// Kana (hiragana, katakana, half-width) or romaji text → canonical romaji:
/// [`fold`], kana → romaji via wana_kana, then [`canon_romaji`]. Used for
/// readings at build time and for the query on each keystroke, so both meet.
pub fn romaji(text: &str) -> String {
    canon_romaji(&spoken(&fold(text)))
}

/// Like [`romaji`], but also returns the char offsets (in the result) where
/// each word of `text` starts; words are separated by spaces or `・`.
pub fn romaji_words(text: &str) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut starts = Vec::new();
    let mut len = 0;
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '・' | '･')) {
        let r = romaji(word);
        if r.is_empty() {
            continue;
        }
        starts.push(len);
        len += r.chars().count();
        out.push_str(&r);
    }
    (out, starts)
}

/// Folded kana → raw (not yet canonical) romaji; non-kana passes through.
/// Folded kana → Hepburn romaji as it is written (`フクダ` → `fukuda`),
/// before [`canon_romaji`] folds spellings together for matching.
pub fn spoken(folded: &str) -> String {
    if folded.is_ascii() {
        return folded.to_owned();
    }
    let mut pre = String::with_capacity(folded.len());
    let mut rest = folded;
    'outer: while let Some(c) = rest.chars().next() {
        if matches!(c, 'ァ'..='ヴ') {
            for (kana, latin) in KANA_COMBOS {
                if let Some(after) = rest.strip_prefix(kana) {
                    pre.push_str(latin);
                    rest = after;
                    continue 'outer;
                }
            }
        }
        pre.push(c);
        rest = &rest[c.len_utf8()..];
    }
    wana_kana::ConvertJapanese::to_romaji(pre.as_str())
}

/// Strip accents of long-vowel romaji (ō, ô, ā…) and lowercase; `None` for
/// separators (`-`, `'`, `ー`, spaces, punctuation) that never matter.
fn prep_romaji_char(c: char) -> Option<char> {
    let c = if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c
    };
    Some(match c {
        'ā' | 'â' | 'Ā' | 'Â' => 'a',
        'ī' | 'î' | 'Ī' | 'Î' => 'i',
        'ū' | 'û' | 'Ū' | 'Û' => 'u',
        'ē' | 'ê' | 'Ē' | 'Ê' => 'e',
        'ō' | 'ô' | 'Ō' | 'Ô' => 'o',
        c if c.is_ascii_punctuation() || c.is_whitespace() => return None,
        'ー' | '・' | '･' | '’' | '‘' => return None,
        c => c,
    })
}

fn is_vowel(c: Option<char>) -> bool {
    matches!(c, Some('a' | 'i' | 'u' | 'e' | 'o'))
}

/// Canonicalise romaji spelling so common variants meet: shi/si, chi/ti,
/// tsu/tu, fu/hu, ji/zi, ja/jya/zya, sha/sya, cha/tya/cya, di/du → zi/zu,
/// v → b, m before b/p → n, long vowels (ou, oo, oh, ō, uu, ー) and double
/// letters (kk, nn, n') reduced. Prefix-stable: the canonical form of a
/// prefix of a word is a prefix of the word's canonical form (except a
/// trailing `m` that later turns into `n` before `b`/`p`), because an
/// ambiguous trailing letter (`c`, `d`, `oh`) is left out until the next
/// letter decides it.
pub fn canon_romaji(text: &str) -> String {
    let src: Vec<char> = text.chars().filter_map(prep_romaji_char).collect();
    let mut out = String::with_capacity(src.len());
    let push = |out: &mut String, c: char| {
        if !out.ends_with(c) {
            out.push(c);
        }
    };
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        let n1 = src.get(i + 1).copied();
        let n2 = src.get(i + 2).copied();
        i += 1;
        match c {
            's' | 'c' if n1 == Some('h') => {
                push(&mut out, if c == 's' { 's' } else { 't' });
                i += 1;
                if is_vowel(n2) && n2 != Some('i') {
                    push(&mut out, 'y');
                }
            }
            'c' if n1 == Some('c') || n1 == Some('y') => push(&mut out, 't'),
            'c' if n1.is_none() => {}
            'c' => push(&mut out, 'k'),
            'j' => {
                push(&mut out, 'z');
                if is_vowel(n1) && n1 != Some('i') {
                    push(&mut out, 'y');
                }
            }
            't' if n1 == Some('s') && (n2 == Some('u') || n2.is_none()) => {
                push(&mut out, 't');
                i += 1;
            }
            'd' if matches!(n1, Some('i' | 'u' | 'y')) => push(&mut out, 'z'),
            'd' if n1.is_none() => {}
            'f' => push(&mut out, 'h'),
            'v' => push(&mut out, 'b'),
            'm' if matches!(n1, Some('b' | 'p')) => push(&mut out, 'n'),
            'h' if out.ends_with('o') && !(is_vowel(n1) || n1 == Some('y')) => {}
            'u' if out.ends_with('o') => {}
            other => push(&mut out, other),
        }
    }
    out
}

/// Fold a case-id query: `C-7`, `c7`, `C-07`, `ｃ－７` → `C-0007` (kind letters
/// uppercased, number zero-padded to 4). `None` when the text is not an id,
/// so the caller knows to skip the exact-id lookup.
pub fn id_key(text: &str) -> Option<String> {
    let folded = fold(text);
    let letters = folded.bytes().take_while(u8::is_ascii_lowercase).count();
    let digits = folded[letters..].trim_start_matches(['-', '_', '.', '#', '/']);
    if !(1..=3).contains(&letters)
        || digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    let number = if trimmed.is_empty() { "0" } else { trimmed };
    Some(format!(
        "{}-{:0>4}",
        folded[..letters].to_ascii_uppercase(),
        number
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_marks() {
        for c in [
            '\u{FF9E}', '\u{FF9F}', '\u{3099}', '\u{309A}', '\u{309B}', '\u{0301}', '\u{FE0F}',
        ] {
            assert!(is_continuation(c), "{c:?}");
        }
        for c in ['a', 'ア', '熊', ' ', 'ー'] {
            assert!(!is_continuation(c), "{c:?}");
        }
    }

    #[test]
    fn hira_to_kata_table() {
        for (h, k) in [
            ('あ', 'ア'),
            ('ぁ', 'ァ'),
            ('ゔ', 'ヴ'),
            ('ゝ', 'ヽ'),
            ('ん', 'ン'),
            ('a', 'a'),
            ('ア', 'ア'),
        ] {
            assert_eq!(hira_to_kata(h), k);
        }
    }

    #[test]
    fn spacing_voice_marks_compose() {
        assert_eq!(fold("ほ゜りお"), "ポリオ");
        assert_eq!(fold("は゛"), "バ");
    }

    #[test]
    fn kana_combos_precede_wana_kana() {
        assert_eq!(spoken("ファン"), "fan");
        assert_eq!(spoken(&fold("パーティ")), "pati");
        assert_eq!(spoken("ポリオ"), "porio");
    }
}
