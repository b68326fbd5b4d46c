//! What of each stored record is searchable, in one place for the finder
//! and `triad search` alike.

use super::{Doc, DocKind};
use crate::model::{Confidentiality, Kind, Reader, Record};
use crate::store::{Store, StoreError};

/// The kinds the finder and `triad search` look through.
pub const SEARCHED: [Kind; 5] = [
    Kind::Case,
    Kind::Body,
    Kind::Person,
    Kind::Event,
    Kind::TrustNote,
];

/// Every searchable document of a store, as `reader` may see them (`None`:
/// every note, for an index whose hits are filtered per reader).
pub fn docs_in(store: &dyn Store, reader: Option<&Reader>) -> Result<Vec<Doc>, StoreError> {
    let mut docs = Vec::new();
    for kind in SEARCHED {
        store.scan(kind, &mut |r| {
            docs.extend(doc_for(&r, reader));
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
pub fn doc_for(record: &Record, reader: Option<&Reader>) -> Option<Doc> {
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
            Some(doc(
                DocKind::Event,
                &e.title,
                None,
                vec![e.date.to_string()],
                day,
            ))
        }
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
