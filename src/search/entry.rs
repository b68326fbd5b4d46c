//! One indexed document with every folded form precomputed, so the
//! keystroke path only compares strings.

use super::index::{Doc, DocKind};
use super::normalize::{fold, fold_with_map, is_continuation, romaji_words};

/// Separates the fields packed into a hay; `fold` drops control chars, so
/// it never occurs inside a field.
pub(super) const SEP: char = '\u{1f}';

/// Word starts are remembered for the first 64 folded chars of a field; a
/// match further in still counts, as a plain substring.
const MASK_BITS: usize = 64;

/// What every keystroke reads for every candidate: small, `Copy`, stored
/// contiguously, pointing into the index's text arena.
#[derive(Clone, Copy, Debug)]
pub(super) struct Hot {
    /// Byte offset of this document's hay in the arena.
    pub start: u64,
    /// Hay length in bytes.
    pub len: u32,
    name_end: u32,
    romaji_end: u32,
    id_end: u32,
    /// Bit `p`: char `p` of `fold(name)` starts a word.
    pub name_starts: u64,
    /// Bit `p`: char `p` of the romaji starts a word of the reading.
    pub romaji_starts: u64,
    /// [`char_sig`] of the hay: rules most documents out without reading it.
    pub sig: u64,
    pub changed: i64,
    /// [`id_order`] of the id: ties are broken on it without reading the id.
    pub id_order: u64,
    pub kind: DocKind,
    pub restricted: bool,
    /// False once removed (the slot waits for reuse).
    pub alive: bool,
}

/// What only returned hits need.
#[derive(Debug)]
pub(super) struct Cold {
    pub id: Box<str>,
    pub name: Box<str>,
    /// Original char index for each char of `fold(name)`; `None` when the
    /// fold kept every char in place.
    name_map: Option<Box<[u32]>>,
}

/// A document normalised, before it is placed in the index.
pub(super) struct Prepared {
    /// `fold(name) SEP romaji SEP fold(id) (SEP fold(extra))*`: one string,
    /// so one substring test covers every field.
    pub hay: String,
    pub hot: Hot,
    pub cold: Cold,
}

/// Precompute every searchable form of `doc`.
pub(super) fn prepare(doc: Doc) -> Prepared {
    let Doc {
        kind,
        id,
        name,
        reading,
        extra,
        changed,
        restricted,
    } = doc;
    let (name_fold, map) = fold_with_map(&name);
    let orig: Vec<char> = name.chars().collect();
    let name_starts = word_starts(&orig, &map);
    let identity = map.len() == orig.len() && map.iter().enumerate().all(|(i, &o)| i == o);
    let name_map = (!identity).then(|| map.iter().map(|&o| o as u32).collect());

    let source = match reading.as_deref() {
        Some(r) if !fold(r).is_empty() => Some(split_at_name_kana(r, &name)),
        _ if name.chars().any(is_kana) => Some(name.clone()),
        _ => None,
    };
    let (romaji, starts) = source.as_deref().map(romaji_words).unwrap_or_default();
    let romaji_starts = mask(starts.into_iter());

    let mut hay = String::with_capacity(name_fold.len() + romaji.len() + id.len() + 3);
    let offset = |hay: &String| u32::try_from(hay.len()).expect("document text over 4 GiB");
    hay.push_str(&name_fold);
    let name_end = offset(&hay);
    hay.push(SEP);
    hay.push_str(&romaji);
    let romaji_end = offset(&hay);
    hay.push(SEP);
    hay.push_str(&fold(&id));
    let id_end = offset(&hay);
    for e in &extra {
        hay.push(SEP);
        hay.push_str(&fold(e));
    }
    let hot = Hot {
        start: 0,
        len: offset(&hay),
        name_end,
        romaji_end,
        id_end,
        name_starts,
        romaji_starts,
        sig: char_sig(&hay),
        changed,
        id_order: id_order(&id),
        kind,
        restricted,
        alive: true,
    };
    Prepared {
        hay,
        hot,
        cold: Cold {
            id: id.into_boxed_str(),
            name: name.into_boxed_str(),
            name_map,
        },
    }
}

/// Bit of [`char_sig`] for `c`: one of its own for each of `a`–`z` and
/// `0`–`9` (so a one-letter query is answered by the signature alone),
/// the other chars hashed into the remaining 28 bits.
pub(super) fn sig_bit(c: char) -> u32 {
    match c {
        'a'..='z' => c as u32 - 'a' as u32,
        '0'..='9' => 26 + (c as u32 - '0' as u32),
        _ => 36 + ((c as u32).wrapping_mul(0x9E37_79B1) >> 16) % 28,
    }
}

/// Which chars a text has, as a 64-bit set: a text can contain a key only
/// if its signature has every bit of the key's.
pub(super) fn char_sig(text: &str) -> u64 {
    text.chars()
        .filter(|&c| c != SEP)
        .fold(0, |m, c| m | 1 << sig_bit(c))
}

/// One document's hay with its field boundaries.
#[derive(Clone, Copy)]
pub(super) struct View<'a> {
    pub hay: &'a str,
    pub hot: &'a Hot,
}

impl<'a> View<'a> {
    /// `fold(name)`.
    pub fn name_fold(&self) -> &'a str {
        &self.hay[..self.hot.name_end as usize]
    }

    /// Canonical romaji of the reading (or of a kana name), possibly empty.
    pub fn romaji(&self) -> &'a str {
        &self.hay[self.hot.name_end as usize + 1..self.hot.romaji_end as usize]
    }

    /// `fold(id)`.
    pub fn id_fold(&self) -> &'a str {
        &self.hay[self.hot.romaji_end as usize + 1..self.hot.id_end as usize]
    }

    /// Folded extra fields.
    pub fn extras(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let has = self.hot.id_end as usize != self.hay.len();
        let rest = self.hay.get(self.hot.id_end as usize + 1..).unwrap_or("");
        rest.split(SEP).filter(move |_| has)
    }
}

impl Cold {
    /// Char index in the original name of char `i` of `fold(name)`.
    fn origin(&self, i: usize) -> usize {
        self.name_map.as_ref().map_or(i, |m| m[i] as usize)
    }

    /// Heap bytes, for the benchmark's memory figure.
    pub fn heap_bytes(&self) -> usize {
        self.id.len() + self.name.len() + self.name_map.as_ref().map_or(0, |m| m.len() * 4)
    }

    /// Original-name char indices to highlight for folded chars `folded`
    /// (`contiguous`: highlight everything between the first and last).
    pub fn highlight(&self, folded: &[usize], contiguous: bool) -> Vec<usize> {
        let orig: Vec<char> = self.name.chars().collect();
        let extend = |mut hi: usize| {
            while hi + 1 < orig.len() && is_continuation(orig[hi + 1]) {
                hi += 1;
            }
            hi
        };
        let mut out = Vec::new();
        if contiguous {
            if let (Some(&first), Some(&last)) = (folded.first(), folded.last()) {
                out.extend(self.origin(first)..=extend(self.origin(last)));
            }
        } else {
            for &i in folded {
                let o = self.origin(i);
                out.extend(o..=extend(o));
            }
            out.sort_unstable();
            out.dedup();
        }
        out
    }
}

/// Hiragana, katakana (full or half width) or the long-vowel mark.
fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Kanji,
    Hiragana,
    Katakana,
    Digit,
    Letter,
    Other,
}

fn script(c: char) -> Script {
    match c {
        '\u{3041}'..='\u{309F}' => Script::Hiragana,
        c if is_kana(c) => Script::Katakana,
        '\u{3005}'
        | '\u{3006}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}' => Script::Kanji,
        c if c.is_numeric() => Script::Digit,
        c if c.is_alphabetic() => Script::Letter,
        _ => Script::Other,
    }
}

/// Word starts of a folded name as a bit mask over folded char positions:
/// after a removed space or punctuation, at a change of script (仙台|ポリオ|の|会),
/// and at a lower → upper case change (PeerNet).
fn word_starts(orig: &[char], map: &[usize]) -> u64 {
    mask((0..map.len().min(MASK_BITS)).filter(|&p| {
        if p == 0 {
            return true;
        }
        let (prev, cur) = (map[p - 1], map[p]);
        if prev == cur {
            return false;
        }
        let gap = &orig[prev + 1..cur];
        if gap
            .iter()
            .any(|&c| c.is_whitespace() || (script(c) == Script::Other && !is_continuation(c)))
        {
            return true;
        }
        let (a, b) = (orig[prev], orig[cur]);
        let (sa, sb) = (script(a), script(b));
        sb != Script::Other && sa != sb || a.is_lowercase() && b.is_uppercase()
    }))
}

fn mask(positions: impl Iterator<Item = usize>) -> u64 {
    positions
        .filter(|&p| p < MASK_BITS)
        .fold(0, |m, p| m | 1 << p)
}

/// Whether folded char `pos` is marked as a word start in `mask`.
pub(super) fn is_start(mask: u64, pos: usize) -> bool {
    pos < MASK_BITS && mask >> pos & 1 == 1
}

/// A number that orders ids the way people read them: `C-0007` before
/// `C-0010` before `C-10000`, kinds by letter. Ids not of that shape share
/// `u64::MAX` and fall back to comparing the text.
pub(super) fn id_order(id: &str) -> u64 {
    let mut chars = id.chars();
    let (Some(letter), Some('-')) = (chars.next(), chars.next()) else {
        return u64::MAX;
    };
    let digits = chars.as_str();
    match (letter.is_ascii_uppercase(), digits.parse::<u64>()) {
        (true, Ok(n)) if n < 1 << 48 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            (u64::from(letter as u8) << 48) | n
        }
        _ => u64::MAX,
    }
}

/// A reading such as センダイポリオノカイ says nothing of where words start;
/// the name does (仙台|ポリオ|の会). Each kana run of two or more the name
/// shares with the reading is set apart by spaces, so romaji queries like
/// `porio` match at a word start.
fn split_at_name_kana(reading: &str, name: &str) -> String {
    let hiragana = |c: char| matches!(c, 'ぁ'..='ゖ');
    let mut runs: Vec<String> = Vec::new();
    let mut run = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars().chain(std::iter::once(' ')) {
        // A run ends at a non-kana char or where hiragana meets katakana
        // (しい|ポリオ|の): the same places the name's word starts are.
        let continues = is_kana(c) && prev.is_some_and(|p| hiragana(p) == hiragana(c));
        if !run.is_empty() && !continues {
            if run.chars().count() >= 2 {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
        }
        if is_kana(c) {
            run.push(super::normalize::hira_to_kata(c));
        }
        prev = Some(c);
    }
    let mut out = reading.to_string();
    for r in runs {
        if let Some(at) = out.find(&r) {
            out.replace_range(at..at + r.len(), &format!(" {r} "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, reading: Option<&str>) -> Doc {
        Doc {
            kind: DocKind::Body,
            id: "B-0001".into(),
            name: name.into(),
            reading: reading.map(Into::into),
            extra: vec!["Ｘ線 科".into(), "看護師".into()],
            changed: 0,
            restricted: false,
        }
    }

    fn view(p: &Prepared) -> View<'_> {
        View {
            hay: &p.hay,
            hot: &p.hot,
        }
    }

    #[test]
    fn fields_are_packed_and_split_back() {
        let p = prepare(doc("仙台ポリオの会", Some("センダイ ポリオノカイ")));
        let e = view(&p);
        assert_eq!(e.name_fold(), "仙台ポリオノ会");
        assert_eq!(e.romaji(), "sendaiporionokai");
        assert_eq!(e.id_fold(), "b-0001");
        assert_eq!(e.extras().collect::<Vec<_>>(), ["x線科", "看護師"]);
        assert!(p.cold.name_map.is_none());
        assert!(is_start(p.hot.romaji_starts, 0) && is_start(p.hot.romaji_starts, 6));
        assert!(!is_start(p.hot.romaji_starts, 3));
    }

    #[test]
    fn kana_shared_by_name_and_reading_starts_a_romaji_word() {
        let p = prepare(doc("仙台ポリオの会", Some("センダイポリオノカイ")));
        assert_eq!(view(&p).romaji(), "sendaiporionokai");
        assert!(is_start(p.hot.romaji_starts, 6), "porio starts a word");
        let p = prepare(doc(
            "熊本県がん相談支援センター",
            Some("クマモトケンガンソウダンシエンセンター"),
        ));
        assert!(
            is_start(p.hot.romaji_starts, "kumamotoken".len()),
            "gan starts a word"
        );
    }

    #[test]
    fn id_order_reads_ids_as_people_do() {
        assert!(id_order("C-0007") < id_order("C-0010"));
        assert!(id_order("C-2000") < id_order("C-10000"));
        assert!(id_order("B-9999") < id_order("C-0001"));
        assert_eq!(id_order("x7"), u64::MAX);
        assert_eq!(id_order("C-12a"), u64::MAX);
    }

    #[test]
    fn no_extras_yields_nothing() {
        let mut d = doc("abc", None);
        d.extra.clear();
        let p = prepare(d);
        assert_eq!(view(&p).extras().count(), 0);
        assert_eq!(view(&p).romaji(), "");
    }

    #[test]
    fn kana_name_without_reading_gets_romaji() {
        let p = prepare(doc("ぽりおの会", None));
        assert!(
            view(&p).romaji().starts_with("poriono"),
            "{}",
            view(&p).romaji()
        );
    }

    #[test]
    fn word_starts_table() {
        // (name, folded positions that start a word)
        let cases: &[(&str, &[usize])] = &[
            ("仙台ポリオの会", &[0, 2, 5, 6]),
            ("Polio Tokai", &[0, 5]),
            ("PeerNet", &[0, 4]),
            ("熊本県がん連携サポートセンター", &[0, 3, 5, 7]),
            ("(株)ABC", &[0, 1, 3]),
        ];
        for (name, want) in cases {
            let p = prepare(doc(name, None));
            let got: Vec<usize> = (0..view(&p).name_fold().chars().count())
                .filter(|&i| is_start(p.hot.name_starts, i))
                .collect();
            assert_eq!(&got, want, "{name}");
        }
    }

    #[test]
    fn signatures_cover_their_text() {
        assert_eq!(char_sig(""), 0);
        assert_eq!(char_sig("ab"), 0b11);
        assert_eq!(char_sig("z9"), 1 << 25 | 1 << 35);
        let p = prepare(doc("仙台ポリオの会", Some("センダイポリオノカイ")));
        for key in ["仙台", "porio", "b-0001", "看護師", "x線"] {
            let k = char_sig(key);
            assert_eq!(p.hot.sig & k, k, "{key}");
        }
        assert_ne!(p.hot.sig & char_sig("q"), char_sig("q"));
        assert!((36..64).contains(&sig_bit('熊')) && (36..64).contains(&sig_bit('-')));
    }

    #[test]
    fn highlight_extends_over_voice_marks() {
        let p = prepare(doc("ﾎﾟﾘｵ", None));
        assert_eq!(view(&p).name_fold(), "ポリオ");
        assert_eq!(p.cold.highlight(&[0], false), [0, 1]);
        assert_eq!(p.cold.highlight(&[0, 1, 2], true), [0, 1, 2, 3]);
    }
}
