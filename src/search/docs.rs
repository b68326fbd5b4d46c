//! What of each stored record is searchable, in one place for the finder
//! and `triad search` alike.

use std::collections::HashMap;

use super::normalize::romaji;
use super::{Doc, DocKind};
use crate::i18n::Lang;
use crate::model::{Case, Confidentiality, EventKind, Id, Kind, Reader, Record};
use crate::store::{Store, StoreError};

/// A body's or person's name and reading, as an event's document carries it.
pub type PartyName = (String, Option<String>);

/// Every body's and person's name and reading, for [`doc_for`] over many
/// events at once.
pub fn party_names(store: &dyn Store) -> Result<HashMap<Id, PartyName>, StoreError> {
    let mut names = HashMap::new();
    for kind in [Kind::Body, Kind::Person] {
        store.scan(kind, &mut |r| {
            names.extend(party_name(&r).map(|n| (r.id(), n)));
            true
        })?;
    }
    Ok(names)
}

/// The name and reading of a body or person.
pub fn party_name(record: &Record) -> Option<PartyName> {
    match record {
        Record::Body(b) => Some((b.name.clone(), b.reading.clone())),
        Record::Person(p) => Some((p.name.clone(), p.reading.clone())),
        _ => None,
    }
}

/// The kinds the finder and `triad search` look through.
pub const SEARCHED: [Kind; 7] = [
    Kind::Case,
    Kind::Body,
    Kind::Person,
    Kind::Event,
    Kind::TrustNote,
    Kind::Partnership,
    Kind::Course,
];

/// Every searchable document of a store, as `reader` may see them (`None`:
/// every note, for an index whose hits are filtered per reader).
pub fn docs_in(store: &dyn Store, reader: Option<&Reader>) -> Result<Vec<Doc>, StoreError> {
    let names = party_names(store)?;
    let party = |id: Id| names.get(&id).cloned();
    let mut docs = Vec::new();
    for kind in SEARCHED {
        store.scan(kind, &mut |r| {
            docs.extend(doc_for(&r, reader, &party));
            true
        })?;
    }
    Ok(docs)
}

/// Notes are listed by their first line, cut to this many characters.
const NOTE_NAME_CHARS: usize = 60;

/// The search document for a record, if its kind is searched. A trust note
/// is searchable only by a reader allowed to read it (with no reader: by
/// everyone, for an index whose hits are filtered per reader), and is
/// `restricted` unless it is shared (so a meeting screen can leave it out).
/// An event also carries its kind and its parties (`party` names them), so
/// it is found by what, who and where.
pub fn doc_for(
    record: &Record,
    reader: Option<&Reader>,
    party: &dyn Fn(Id) -> Option<PartyName>,
) -> Option<Doc> {
    let doc = |kind, name: &str, reading: Option<&String>, extra: Vec<String>, changed| Doc {
        kind,
        id: record.id().to_string(),
        name: name.to_string(),
        reading: reading.cloned(),
        extra,
        changed,
        restricted: false,
    };
    match record {
        Record::Body(b) => Some(doc(
            DocKind::Body,
            &b.name,
            b.reading.as_ref(),
            vec![b.region.clone()],
            0,
        )),
        Record::Person(p) => Some(doc(
            DocKind::Person,
            &p.name,
            p.reading.as_ref(),
            vec![p.activity_range.clone(), p.skills.clone()],
            0,
        )),
        Record::Case(c) => Some(doc(
            DocKind::Case,
            &c.title,
            c.reading.as_ref(),
            vec![c.condition.clone()],
            c.changed.timestamp(),
        )),
        Record::Event(e) => {
            let day = e
                .date
                .and_hms_opt(0, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp());
            let mut extra = vec![e.date.to_string()];
            extra.extend(kind_words(e.kind));
            push_parties(&mut extra, e.parties.iter().copied(), party);
            Some(doc(DocKind::Event, &e.title, None, extra, day))
        }
        Record::Partnership(p) => {
            let mut extra = vec![p.description.clone()];
            push_parties(&mut extra, p.parties.iter().copied(), party);
            Some(doc(DocKind::Partnership, &p.title, None, extra, 0))
        }
        Record::Course(c) => Some(doc(
            DocKind::Course,
            &c.name,
            c.reading.as_ref(),
            vec![c.note.clone()],
            0,
        )),
        Record::TrustNote(n) if reader.is_none_or(|r| r.may_read_note(n)) => {
            let first = n.text.lines().next().unwrap_or_default();
            let name: String = first.chars().take(NOTE_NAME_CHARS).collect();
            Some(Doc {
                restricted: n.confidentiality != Confidentiality::Shared,
                ..doc(
                    DocKind::Note,
                    &name,
                    None,
                    vec![n.text.clone()],
                    n.at.timestamp(),
                )
            })
        }
        _ => None,
    }
}

/// A case as the case list's `/` filter sees it: its finder document, and
/// the names and readings of everyone on it (a supporter's name lists
/// their cases).
pub fn case_filter_doc(case: &Case, party: &dyn Fn(Id) -> Option<PartyName>) -> Doc {
    let record = Record::Case(case.clone());
    let mut doc = doc_for(&record, None, party).expect("a case is searched");
    let ids = case
        .parties
        .iter()
        .map(|p| p.party)
        .chain(case.client)
        .chain(case.coordinator);
    push_parties(&mut doc.extra, ids, party);
    doc
}

/// Each party's name and its reading's romaji words.
fn push_parties(
    extra: &mut Vec<String>,
    ids: impl Iterator<Item = Id>,
    party: &dyn Fn(Id) -> Option<PartyName>,
) {
    for (name, reading) in ids.filter_map(party) {
        extra.push(name);
        extra.extend(reading.as_deref().map(reading_words).unwrap_or_default());
    }
}

/// An event kind in both languages, and the romaji of its Japanese reading
/// (`研修` → `kensyu`), so `training`, `研修` and `kenshu` all find it.
fn kind_words(kind: EventKind) -> [String; 3] {
    let reading = match kind {
        EventKind::Meeting => "カイギ",
        EventKind::CheckUp => "ケンシン",
        EventKind::Training => "ケンシュウ",
        EventKind::Lecture => "コウエン",
        EventKind::Salon => "サロン",
        EventKind::BoardMeeting => "セワニンカイ",
        EventKind::Consultation => "ソウダンカイ",
        EventKind::Milestone => "フシメ",
        EventKind::Other => "ソノタ",
    };
    [
        Lang::En.event_kind(kind).to_string(),
        Lang::Ja.event_kind(kind).to_string(),
        romaji(reading),
    ]
}

/// A party's reading as canonical romaji, one extra field per word, so a
/// romaji query matches at the start of each (`nagasaki`, `gansoudan…`).
/// Extras are matched by the query's romaji form too.
fn reading_words(reading: &str) -> Vec<String> {
    reading
        .split(|c: char| c.is_whitespace() || matches!(c, '・' | '･'))
        .map(romaji)
        .filter(|r| !r.is_empty())
        .collect()
}
