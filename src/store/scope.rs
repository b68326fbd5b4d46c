//! What one reader may see of a store: the cases (a peer supporter sees
//! only their own), the notes (by confidentiality), and whatever hangs off
//! those. Every read a server answers is filtered through this before it
//! leaves the server.

use std::collections::HashSet;

use super::{Result, Store};
use crate::model::{Id, Kind, Reader, Record};

pub struct Scope {
    pub reader: Reader,
    /// The cases a supporter sees; `None`: every case.
    cases: Option<HashSet<Id>>,
}

impl Scope {
    pub fn new(store: &dyn Store, reader: &Reader) -> Result<Scope> {
        let cases = if reader.sees_every_case() {
            None
        } else {
            let mut mine = HashSet::new();
            if let Some(me) = reader.person {
                for id in store.referrers(me)? {
                    if id.kind == Kind::Case
                        && let Some(Record::Case(c)) = store.get(id)?
                        && reader.sees_case(&c)
                    {
                        mine.insert(id);
                    }
                }
            }
            Some(mine)
        };
        Ok(Scope {
            reader: reader.clone(),
            cases,
        })
    }

    /// Everything, as a store's owner sees it (tests, a store in-process).
    pub fn owner(user: &str) -> Scope {
        Scope {
            reader: Reader::owner(user),
            cases: None,
        }
    }

    pub fn sees_case(&self, id: Id) -> bool {
        self.cases.as_ref().is_none_or(|c| c.contains(&id))
    }

    /// The cases a supporter sees (`None`: every case).
    pub fn cases(&self) -> Option<&HashSet<Id>> {
        self.cases.as_ref()
    }

    /// Whether the reader may see this record at all.
    pub fn sees(&self, store: &dyn Store, record: &Record) -> Result<bool> {
        Ok(match record {
            Record::Case(c) => self.sees_case(c.id),
            Record::TrustNote(n) => {
                self.reader.may_read_note(n) && self.sees_note_place(store, n)?
            }
            Record::Referral(r) => self.sees_case(r.case),
            Record::Consent(c) => self.sees_case(c.case),
            Record::Relationship(r) => match r.case {
                Some(c) => self.sees_case(c),
                // Outside any case: a supporter sees it if they see both ends.
                None => self.sees_party(store, r.a)? && self.sees_party(store, r.b)?,
            },
            // Outside any case, a record naming people is seen by a
            // supporter only when they see every person it names.
            Record::Event(e) => match e.case {
                Some(c) => self.sees_case(c),
                None => self.sees_parties(store, &e.parties)?,
            },
            Record::Partnership(p) => self.sees_parties(store, &p.parties)?,
            Record::Affiliation(a) => self.sees_party(store, a.person)?,
            Record::Person(p) => self.sees_person(store, p.id)?,
            Record::Body(_) | Record::Course(_) => true,
            Record::Enrolment(e) => self.sees_person(store, e.person)?,
            Record::Contact(c) => self.sees_case(c.case) && self.reader.may_read_contact(c),
            Record::Supervision(s) => self.reader.may_read_supervision(s),
            Record::CheckIn(c) => {
                let supervisor = match store.get(c.supporter)? {
                    Some(Record::Person(p)) => p.supporter.and_then(|s| s.supervisor),
                    _ => None,
                };
                self.reader.may_read_check_in(c, supervisor)
            }
        })
    }

    /// Where a note sits (its case, else its relationship, else the party
    /// it is about) must be visible too.
    fn sees_note_place(&self, store: &dyn Store, n: &crate::model::TrustNote) -> Result<bool> {
        if self.cases.is_none() {
            return Ok(true);
        }
        if let Some(c) = n.case {
            return Ok(self.sees_case(c));
        }
        if let Some(r) = n.relationship {
            return self.sees_id(store, r);
        }
        match n.about {
            Some(p) => self.sees_party(store, p),
            None => Ok(false),
        }
    }

    fn sees_parties(&self, store: &dyn Store, ids: &[Id]) -> Result<bool> {
        for id in ids {
            if !self.sees_party(store, *id)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// A body is seen by all; a person as [`Scope::sees_person`].
    fn sees_party(&self, store: &dyn Store, id: Id) -> Result<bool> {
        if id.kind == Kind::Person {
            self.sees_person(store, id)
        } else {
            Ok(true)
        }
    }

    /// A supporter sees themselves and the people of their cases.
    pub fn sees_person(&self, store: &dyn Store, id: Id) -> Result<bool> {
        if self.cases.is_none() || self.reader.person == Some(id) {
            return Ok(true);
        }
        Ok(store
            .referrers(id)?
            .into_iter()
            .any(|r| r.kind == Kind::Case && self.sees_case(r)))
    }

    /// Whether the reader sees the record with this id (and it exists).
    pub fn sees_id(&self, store: &dyn Store, id: Id) -> Result<bool> {
        match store.get(id)? {
            Some(r) => self.sees(store, &r),
            None => Ok(false),
        }
    }
}
