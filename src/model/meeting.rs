//! Meeting mode's rule for names: a projector shows clients and their
//! family by initials only. Kept in the model so every output (the TUI,
//! the brief, reports) masks the same people the same way.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Id, Person, Role};
use crate::search::normalize::{fold, spoken};

impl Person {
    /// Clients and family members: shown by initials in meeting mode.
    pub fn is_private_party(&self) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::Client | Role::FamilyMember))
    }

    /// The name as meeting mode shows it: initials for a client or family
    /// member, the name itself for everyone else.
    pub fn meeting_name(&self) -> String {
        if self.is_private_party() {
            initials(&self.name, self.reading.as_deref())
        } else {
            self.name.clone()
        }
    }
}

/// Masks the names of clients and family members wherever they appear in
/// a text: the whole name, each part of it (a case title says
/// `（森田さん）`), the reading in kana and in romaji. What is masked is
/// decided here once, so every screen and report hides the same things.
///
/// The full names of everyone else are kept as they are, even when they
/// share a surname with a client: a longer match wins, so `佐藤 太郎` the
/// doctor stays while `（佐藤さん）` in a client's case title is masked.
/// Names can be added as they arrive (a big store sends them in parts).
#[derive(Clone, Debug, Default)]
pub struct Masker {
    /// Each way of writing a name (ASCII lowercased), and what replaces it:
    /// `None` keeps it (someone else's full name).
    patterns: HashMap<String, Pattern>,
    /// The byte lengths of the patterns, longest first is tried first.
    lengths: Vec<usize>,
}

#[derive(Clone, Debug)]
struct Pattern {
    replacement: Option<String>,
    /// Whose name it is part of, when it is one person's only: a revealed
    /// person's name shows, but not a surname others share.
    owner: Owner,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Owner {
    Nobody,
    One(Id),
    Several,
}

impl Masker {
    /// A masker for these people: clients and family are masked, everyone
    /// else's full name is kept.
    pub fn new<'a>(people: impl IntoIterator<Item = &'a Person>) -> Masker {
        let mut m = Masker::default();
        for p in people {
            m.add(p.id, &p.name, p.reading.as_deref(), p.is_private_party());
        }
        m
    }

    /// Add a person's name: masked when `private`, else kept whole.
    pub fn add(&mut self, id: Id, name: &str, reading: Option<&str>, private: bool) {
        if private {
            for (pattern, replacement) in name_patterns(name, reading) {
                let p = self.entry(pattern);
                // A client's name is masked even if it is also someone
                // else's: privacy first.
                p.replacement = Some(replacement);
                p.owner = match p.owner {
                    Owner::Nobody => Owner::One(id),
                    Owner::One(o) if o == id => Owner::One(id),
                    _ => Owner::Several,
                };
            }
        } else {
            for form in whole_forms(name) {
                self.entry(form);
            }
        }
        // A name of only a pseudonym marker has an empty form: it matches
        // nowhere, and matching it would never move on.
        self.patterns.remove("");
        self.lengths.retain(|&l| l > 0);
    }

    fn entry(&mut self, pattern: String) -> &mut Pattern {
        let key = pattern.to_ascii_lowercase();
        if let Err(at) = self.lengths.binary_search_by(|l| key.len().cmp(l)) {
            self.lengths.insert(at, key.len());
        }
        self.patterns.entry(key).or_insert(Pattern {
            replacement: None,
            owner: Owner::Nobody,
        })
    }

    /// `text` with every masked name replaced by initials, except the
    /// names of `shown` (an item revealed for a moment).
    pub fn mask<'t>(&self, text: &'t str, shown: Option<Id>) -> Cow<'t, str> {
        if self.patterns.is_empty() {
            return Cow::Borrowed(text);
        }
        let lower = text.to_ascii_lowercase();
        let mut out = String::new();
        let mut copied = 0;
        let mut at = 0;
        while at < text.len() {
            let found = self.lengths.iter().find_map(|&len| {
                let end = at + len;
                if end > text.len() || !text.is_char_boundary(end) {
                    return None;
                }
                let p = self.patterns.get(&lower[at..end])?;
                on_word_edges(text, at, end).then_some((end, p))
            });
            match found {
                Some((end, p)) => {
                    let revealed = shown.is_some_and(|s| p.owner == Owner::One(s));
                    if let (Some(r), false) = (&p.replacement, revealed) {
                        out.push_str(&text[copied..at]);
                        out.push_str(r);
                        copied = end;
                    }
                    at = end;
                }
                None => at += text[at..].chars().next().map_or(1, char::len_utf8),
            }
        }
        if copied == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }
}

/// A Latin name matches whole words only (`Abe` is not in `Aberdeen`);
/// Japanese has no spaces to go by, so its names match anywhere.
fn on_word_edges(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..].chars().next();
    let last = text[..end].chars().next_back();
    let joins = |edge: Option<char>, outside: Option<char>| {
        edge.is_some_and(|c| c.is_ascii_alphanumeric())
            && outside.is_some_and(|c| c.is_ascii_alphanumeric())
    };
    !joins(first, before) && !joins(last, after)
}

/// Every way a name may be written, each with what replaces it: the whole
/// name (with and without its pseudonym marker and spaces), each word of
/// it, and the same for the reading, in kana and in romaji.
fn name_patterns(name: &str, reading: Option<&str>) -> Vec<(String, String)> {
    let reading = reading.map(str::trim).filter(|r| !r.is_empty());
    let core = core_name(name);
    let name_words = words(&core);
    // Romanising is most of the work (a big store has many names): once.
    let said = said_words(name, reading);
    let whole = initials_of(&said);
    let mut out = Vec::new();
    let mut forms = whole_forms(name);
    if let Some(r) = reading {
        forms.push(r.to_string());
        forms.push(r.replace(' ', ""));
        let latin: Vec<&str> = said.iter().map(|(_, l)| l.as_str()).collect();
        forms.push(latin.join(" "));
        forms.push(latin.iter().rev().copied().collect::<Vec<_>>().join(" "));
    }
    for form in forms {
        if form.chars().count() >= 2 {
            out.push((form, whole.clone()));
        }
    }
    // A name's words take their reading's initials when the words line up.
    let aligned = said.len() == name_words.len();
    for (i, (said_word, latin)) in said.iter().enumerate() {
        let initial = initial(said_word, latin);
        if aligned {
            out.extend(word_forms(name_words[i], &initial));
        }
        out.extend(word_forms(said_word, &initial));
        if latin.is_ascii() && latin.len() >= 3 {
            out.push((latin.clone(), initial));
        }
    }
    out
}

/// A full name as written: as stored, without its pseudonym marker, and
/// without the space between surname and given name.
fn whole_forms(name: &str) -> Vec<String> {
    let core = core_name(name);
    vec![name.trim().to_string(), core.replace(' ', ""), core]
}

/// The name without a pseudonym marker such as `（仮名）`.
fn core_name(name: &str) -> String {
    name.split(['（', '('])
        .next()
        .unwrap_or(name)
        .trim()
        .to_string()
}

fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '・' | '･'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// How a name made of one word is written: on its own when it is long
/// enough not to be a common character; a one-character name (林, 健)
/// only with a form of address after it, or `健康` would lose its `健`.
fn word_forms(word: &str, initial: &str) -> Vec<(String, String)> {
    if word.chars().count() >= 2 {
        return vec![(word.to_string(), initial.to_string())];
    }
    ["さん", "様", "さま", "氏", "くん", "君", "ちゃん"]
        .iter()
        .map(|suffix| (format!("{word}{suffix}"), format!("{initial}{suffix}")))
        .collect()
}

fn capital(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `森田 さとみ（仮名）` read `モリタ サトミ` → `M.S.`; `Ito Kenji` → `I.K.`.
/// The reading is used when there is one, so a kanji name does not give
/// away its first character; without one, the first letter of each word
/// (romanised when it is kana). Nothing of the name beyond that is kept.
pub fn initials(name: &str, reading: Option<&str>) -> String {
    initials_of(&said_words(name, reading))
}

fn initials_of(said: &[(&str, String)]) -> String {
    let out: String = said
        .iter()
        .take(3)
        .map(|(w, latin)| initial(w, latin))
        .collect();
    if out.is_empty() { "…".into() } else { out }
}

/// The words of a name as it is said (its reading when there is one, else
/// the name without its pseudonym marker), each with its romaji.
fn said_words<'a>(name: &'a str, reading: Option<&'a str>) -> Vec<(&'a str, String)> {
    let source = match reading.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => r,
        None => name.split(['（', '(']).next().unwrap_or(name),
    };
    words(source)
        .into_iter()
        .map(|w| (w, capital(&spoken(&fold(w)))))
        .collect()
}

/// `M.` for a word said `Morita`; a word that has no romaji (kanji with no
/// reading) keeps its first character, which is what `latin` starts with.
fn initial(word: &str, latin: &str) -> String {
    let first = latin.chars().next().or_else(|| word.chars().next());
    format!("{}.", first.unwrap_or('…'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

    fn person(name: &str, reading: Option<&str>, roles: &[Role]) -> Person {
        Person {
            id: Id::new(crate::model::Kind::Person, 1),
            name: name.into(),
            reading: reading.map(Into::into),
            roles: roles.to_vec(),
            peer_kind: None,
            activity_range: String::new(),
            skills: String::new(),
            contact: String::new(),
            supporter: None,
        }
    }

    #[test]
    fn initials_come_from_the_reading_and_drop_the_pseudonym_marker() {
        assert_eq!(
            initials("森田 さとみ（仮名）", Some("モリタ サトミ")),
            "M.S."
        );
        assert_eq!(initials("Ito Kenji", None), "I.K.");
        assert_eq!(initials("もりた さとみ", None), "M.S.");
        assert_eq!(initials("森田 さとみ（仮名）", None), "森.S.");
    }

    #[test]
    fn a_name_is_masked_whole_in_parts_and_in_its_reading() {
        let client = person(
            "森田 さとみ（仮名）",
            Some("モリタ サトミ"),
            &[Role::Client],
        );
        let m = Masker::new(std::slice::from_ref(&client));
        assert_eq!(m.mask("相談者 森田 さとみ（仮名）", None), "相談者 M.S.");
        assert_eq!(
            m.mask("熊本 乳がん（森田さん）", None),
            "熊本 乳がん（M.さん）"
        );
        assert_eq!(m.mask("さとみさんと面談", None), "S.さんと面談");
        assert_eq!(m.mask("モリタサン", None), "M.サン");
        assert_eq!(
            m.mask("Met Morita Satomi and MORITA", None),
            "Met M.S. and M."
        );
        // Only whole Latin words: a word that contains a name stays.
        assert_eq!(m.mask("Moritaville", None), "Moritaville");
        // Revealed for a moment: that person's name shows.
        assert_eq!(
            m.mask("森田 さとみ（仮名）", Some(client.id)),
            "森田 さとみ（仮名）"
        );
    }

    #[test]
    fn a_one_character_name_is_masked_only_as_a_name() {
        let client = person("島袋 健（仮名）", Some("シマブクロ ケン"), &[Role::Client]);
        let m = Masker::new(std::slice::from_ref(&client));
        assert_eq!(m.mask("熊本県 健康福祉部", None), "熊本県 健康福祉部");
        assert_eq!(m.mask("健さんと面談、島袋健", None), "K.さんと面談、S.K.");
    }

    #[test]
    fn someone_elses_full_name_is_kept_though_it_shares_a_surname() {
        let client = person("佐藤 花子（仮名）", Some("サトウ ハナコ"), &[Role::Client]);
        let mut doctor = person("佐藤 太郎", Some("サトウ タロウ"), &[Role::Physician]);
        doctor.id = Id::new(crate::model::Kind::Person, 9);
        let m = Masker::new(&[client, doctor]);
        assert_eq!(
            m.mask("主治医 佐藤 太郎、相談者（佐藤さん）", None),
            "主治医 佐藤 太郎、相談者（S.さん）"
        );
    }

    #[test]
    fn only_clients_and_family_go_into_the_masker() {
        let doctor = person("山田 太郎", Some("ヤマダ タロウ"), &[Role::Physician]);
        let m = Masker::new(std::slice::from_ref(&doctor));
        assert_eq!(
            m.mask("山田 太郎 山田さん Yamada", None),
            "山田 太郎 山田さん Yamada"
        );
    }

    #[test]
    fn a_name_with_nothing_but_a_marker_masks_nothing_and_ends() {
        let odd = person("（仮名）", None, &[Role::Physician]);
        let mut client = person("（仮名）", Some(" "), &[Role::Client]);
        client.id = Id::new(crate::model::Kind::Person, 2);
        let m = Masker::new(&[odd, client]);
        assert_eq!(m.mask("相談（仮名）", None), "相談…");
        assert_eq!(m.mask("abc", None), "abc");
    }

    #[test]
    fn a_two_letter_romaji_is_too_common_to_mask_on_its_own() {
        let client = person("伊藤 アイ（仮名）", Some("イトウ アイ"), &[Role::Client]);
        let m = Masker::new(std::slice::from_ref(&client));
        assert_eq!(m.mask("AI model; アイさん", None), "AI model; A.さん");
    }

    #[test]
    fn a_latin_name_revealed_shows_whole() {
        let client = person("Ito Kenji", None, &[Role::Client]);
        let m = Masker::new(std::slice::from_ref(&client));
        assert_eq!(m.mask("met Ito Kenji", None), "met I.K.");
        assert_eq!(m.mask("met Ito Kenji", Some(client.id)), "met Ito Kenji");
    }

    #[test]
    fn a_shared_surname_stays_masked_when_one_of_its_owners_is_revealed() {
        let mut a = person(
            "福田 健一（仮名）",
            Some("フクダ ケンイチ"),
            &[Role::Client],
        );
        let mut b = person(
            "福田 幸恵（仮名）",
            Some("フクダ ユキエ"),
            &[Role::FamilyMember],
        );
        a.id = Id::new(crate::model::Kind::Person, 1);
        b.id = Id::new(crate::model::Kind::Person, 2);
        let m = Masker::new(&[a.clone(), b.clone()]);
        assert_eq!(m.mask("福田さん", Some(a.id)), "F.さん");
        assert_eq!(m.mask("福田さん", Some(b.id)), "F.さん");
        assert_eq!(m.mask("福田 健一", Some(a.id)), "福田 健一");
        assert_eq!(m.mask("幸恵", Some(a.id)), "Y.");
    }

    #[test]
    fn only_clients_and_family_are_masked() {
        let client = person(
            "森田 さとみ（仮名）",
            Some("モリタ サトミ"),
            &[Role::Client],
        );
        let family = person(
            "福田 幸恵（仮名）",
            Some("フクダ ユキエ"),
            &[Role::FamilyMember],
        );
        let doctor = person("山田 太郎", Some("ヤマダ タロウ"), &[Role::Physician]);
        assert_eq!(client.meeting_name(), "M.S.");
        assert_eq!(family.meeting_name(), "F.Y.");
        assert_eq!(doctor.meeting_name(), "山田 太郎");
    }
}
