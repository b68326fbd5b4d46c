//! `Record`: any one stored thing, so a store and an export can treat all
//! kinds alike; `Entity` gives typed access back.

use serde::{Deserialize, Serialize};

use super::Reason;
use super::text::ValidationError;
use super::{
    Affiliation, Body, Case, CheckIn, Consent, Contact, Course, Date, Enrolment, Event, Id, Kind,
    Partnership, Person, Referral, Relationship, Supervision, TrustNote,
};

/// Who entered an imported record into this store, and when: the
/// record's own history (its author, its steps' `by` and dates) stays as
/// it was recorded elsewhere. Set by the server, never taken from a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entered {
    pub by: String,
    pub at: super::Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Body(Body),
    Person(Person),
    Affiliation(Affiliation),
    Case(Case),
    Relationship(Relationship),
    TrustNote(TrustNote),
    Consent(Consent),
    Referral(Referral),
    Partnership(Partnership),
    Course(Course),
    Event(Event),
    Enrolment(Enrolment),
    Contact(Contact),
    Supervision(Supervision),
    CheckIn(CheckIn),
}

/// Calls `$body` with `$r` bound to the inner record, whatever its kind.
macro_rules! each {
    ($rec:expr, $r:ident => $body:expr) => {
        match $rec {
            Record::Body($r) => $body,
            Record::Person($r) => $body,
            Record::Affiliation($r) => $body,
            Record::Case($r) => $body,
            Record::Relationship($r) => $body,
            Record::TrustNote($r) => $body,
            Record::Consent($r) => $body,
            Record::Referral($r) => $body,
            Record::Partnership($r) => $body,
            Record::Event($r) => $body,
            Record::Course($r) => $body,
            Record::Enrolment($r) => $body,
            Record::Contact($r) => $body,
            Record::Supervision($r) => $body,
            Record::CheckIn($r) => $body,
        }
    };
}

impl Record {
    pub fn id(&self) -> Id {
        each!(self, r => r.id)
    }

    pub fn kind(&self) -> Kind {
        self.id().kind
    }

    /// Gives the record its id (a store does this when it creates one).
    pub fn set_id(&mut self, id: Id) {
        each!(self, r => r.id = id)
    }

    /// Stamps a new record as the server writes it: `user` is the author
    /// of a note, contact or check-in and the maker of every step of its
    /// histories, and a note's time and a case's last change are `now`
    /// (a server sets these from who is connected and its own clock, never
    /// from what the client sent).
    pub fn stamp(&mut self, user: &str, now: super::Timestamp) {
        let by = |s: &mut String| *s = user.to_string();
        match self {
            Record::TrustNote(n) => {
                by(&mut n.author);
                n.at = now;
            }
            Record::Referral(r) => {
                r.history.iter_mut().for_each(|t| by(&mut t.by));
                for c in &mut r.corrections {
                    by(&mut c.by);
                    c.made_on = now.date_naive();
                }
            }
            Record::Case(c) => {
                c.status_history.iter_mut().for_each(|s| by(&mut s.by));
                c.changed = now;
            }
            Record::Relationship(r) => r.trust.iter_mut().for_each(|t| by(&mut t.by)),
            Record::Contact(c) => by(&mut c.author),
            Record::CheckIn(c) => by(&mut c.author),
            _ => {}
        }
        if let Some(e) = self.entered_mut() {
            *e = None;
        }
    }

    /// For an edit of `old` made by `user` at `now`: a note, contact or
    /// check-in keeps its author (and a note its time), the steps added to
    /// a history are `user`'s, made `now`, and what the server stamped at
    /// import stays (the earlier steps cannot change: see
    /// [`Record::check_successor`]).
    pub fn keep_stamps(&mut self, old: &Record, user: &str, now: super::Timestamp) {
        fn added<T>(new: &mut [T], old_len: usize, by: impl Fn(&mut T) -> &mut String, user: &str) {
            for t in new.iter_mut().skip(old_len) {
                *by(t) = user.to_string();
            }
        }
        // Who entered an imported record stays whoever did (before the
        // case's comparison below: a client need not send it back).
        let was = old.entered().cloned();
        if let Some(e) = self.entered_mut() {
            *e = was;
        }
        match (self, old) {
            (Record::TrustNote(n), Record::TrustNote(o)) => {
                n.author.clone_from(&o.author);
                n.at = o.at;
            }
            (Record::Contact(n), Record::Contact(o)) => n.author.clone_from(&o.author),
            (Record::CheckIn(n), Record::CheckIn(o)) => n.author.clone_from(&o.author),
            (Record::Referral(n), Record::Referral(o)) => {
                added(&mut n.history, o.history.len(), |t| &mut t.by, user);
                let made = o.corrections.len();
                added(&mut n.corrections, made, |c| &mut c.by, user);
                for c in n.corrections.iter_mut().skip(made) {
                    c.made_on = now.date_naive();
                }
            }
            (Record::Case(n), Record::Case(o)) => {
                added(
                    &mut n.status_history,
                    o.status_history.len(),
                    |s| &mut s.by,
                    user,
                );
                // Saved unchanged, a case keeps its last change: "recently
                // changed" lists must not fill with cases no one changed.
                n.changed = o.changed;
                if n != o {
                    n.changed = now;
                }
            }
            (Record::Relationship(n), Record::Relationship(o)) => {
                added(&mut n.trust, o.trust.len(), |t| &mut t.by, user);
            }
            _ => {}
        }
    }

    /// Who wrote it, as the record says (a note's author, a referral's
    /// first step): `None` for kinds that name no one.
    pub fn recorded_by(&self) -> Option<&str> {
        match self {
            Record::TrustNote(n) => Some(&n.author),
            Record::Referral(r) => r.history.first().map(|t| t.by.as_str()),
            Record::Contact(c) => Some(&c.author),
            Record::CheckIn(c) => Some(&c.author),
            Record::Case(c) => c.status_history.first().map(|s| s.by.as_str()),
            Record::Relationship(r) => r.trust.first().map(|t| t.by.as_str()),
            _ => None,
        }
    }

    /// Who entered it into this store and when, if it was imported.
    pub fn entered(&self) -> Option<&Entered> {
        match self {
            Record::TrustNote(n) => n.entered.as_ref(),
            Record::Referral(r) => r.entered.as_ref(),
            Record::Contact(c) => c.entered.as_ref(),
            Record::CheckIn(c) => c.entered.as_ref(),
            Record::Case(c) => c.entered.as_ref(),
            Record::Relationship(r) => r.entered.as_ref(),
            _ => None,
        }
    }

    /// Who entered it into this store and when, for the kinds that say so
    /// (the server sets it on import: see [`Entered`]).
    pub fn entered_mut(&mut self) -> Option<&mut Option<Entered>> {
        match self {
            Record::TrustNote(n) => Some(&mut n.entered),
            Record::Referral(r) => Some(&mut r.entered),
            Record::Contact(c) => Some(&mut c.entered),
            Record::CheckIn(c) => Some(&mut c.entered),
            Record::Case(c) => Some(&mut c.entered),
            Record::Relationship(r) => Some(&mut r.entered),
            _ => None,
        }
    }

    /// Checks the record on its own (references are the store's job).
    pub fn validate(&self) -> Result<(), ValidationError> {
        each!(self, r => r.validate())
    }

    /// Whether this record may replace `old`: histories are only added to,
    /// and a party's role in a case is ended, never removed or rewritten.
    pub fn check_successor(&self, old: &Record) -> Result<(), ValidationError> {
        fn kept<T: PartialEq>(
            field: &'static str,
            old: &[T],
            new: &[T],
        ) -> Result<(), ValidationError> {
            if new.starts_with(old) {
                Ok(())
            } else {
                Err(ValidationError::new(field, Reason::HistoryKept))
            }
        }
        match (old, self) {
            (Record::Case(o), Record::Case(n)) => {
                kept("status_history", &o.status_history, &n.status_history)?;
                for p in &o.parties {
                    let still_there = n.parties.iter().any(|q| {
                        (q.party, q.sector, &q.role, q.from) == (p.party, p.sector, &p.role, p.from)
                            && (q.until == p.until || p.until.is_none())
                    });
                    if !still_there {
                        return Err(ValidationError::new(
                            "parties",
                            Reason::RoleKept { party: p.party },
                        ));
                    }
                }
                Ok(())
            }
            (Record::Referral(o), Record::Referral(n)) => {
                kept("history", &o.history, &n.history)?;
                kept("corrections", &o.corrections, &n.corrections)
            }
            (Record::Relationship(o), Record::Relationship(n)) => kept("trust", &o.trust, &n.trust),
            _ => Ok(()),
        }
    }

    /// Every other record this one points at; each must exist.
    pub fn references(&self) -> Vec<Id> {
        let mut refs = match self {
            Record::Body(b) => b.parent.into_iter().collect(),
            Record::Person(p) => p.supporter.iter().filter_map(|s| s.supervisor).collect(),
            Record::Affiliation(a) => vec![a.person, a.body],
            Record::Case(c) => {
                let mut v: Vec<Id> = c.parties.iter().map(|p| p.party).collect();
                v.extend(c.client);
                v.extend(c.coordinator);
                v
            }
            Record::Relationship(r) => {
                let mut v = vec![r.a, r.b];
                v.extend(r.case);
                v
            }
            Record::TrustNote(n) => [n.case, n.relationship, n.about, n.corrects]
                .into_iter()
                .flatten()
                .collect(),
            Record::Consent(c) => {
                let mut v = vec![c.client, c.case];
                v.extend(&c.granted_to);
                v
            }
            Record::Referral(r) => {
                let mut v = vec![r.case, r.from, r.to];
                // A consent that a provision was made under stays on record.
                v.extend(r.history.iter().filter_map(|t| match &t.provision {
                    Some(super::Provision {
                        basis: super::ProvisionBasis::Consent { consent },
                        ..
                    }) => Some(*consent),
                    _ => None,
                }));
                v
            }
            Record::Partnership(p) => p.parties.clone(),
            Record::Event(e) => {
                let mut v = e.parties.clone();
                v.extend(e.partnership);
                v.extend(e.case);
                v.extend(e.course);
                v
            }
            Record::Course(c) => c.provider.into_iter().chain(c.follows).collect(),
            Record::Enrolment(e) => vec![e.course, e.person],
            Record::Contact(c) => vec![c.supporter, c.case],
            Record::Supervision(s) => {
                let mut v = s.supporters.clone();
                v.push(s.supervisor);
                v
            }
            Record::CheckIn(c) => vec![c.supporter],
        };
        refs.sort_unstable();
        refs.dedup();
        refs
    }

    /// The case a record belongs to, if it names one (a case is its own).
    pub fn case(&self) -> Option<Id> {
        match self {
            Record::Case(c) => Some(c.id),
            Record::TrustNote(n) => n.case,
            Record::Referral(r) => Some(r.case),
            Record::Consent(c) => Some(c.case),
            Record::Relationship(r) => r.case,
            Record::Event(e) => e.case,
            Record::Contact(c) => Some(c.case),
            _ => None,
        }
    }

    /// The days a record is found by in date order: events, follow-ups, expiries.
    pub fn dates(&self) -> Vec<Date> {
        match self {
            Record::Event(e) => vec![e.date],
            Record::Referral(r) => r.follow_up.into_iter().collect(),
            Record::Consent(c) => c.expires_on.into_iter().chain(c.withdrawn_on).collect(),
            Record::TrustNote(n) => vec![n.at.date_naive()],
            Record::Contact(c) => vec![c.on],
            Record::Supervision(s) => vec![s.on],
            Record::Course(c) => std::iter::once(c.started).chain(c.ended).collect(),
            _ => vec![],
        }
    }

    /// The name a person would call it by (narrow glyphs only: East Asian
    /// ambiguous-width arrows break borders on many Japanese terminals).
    pub fn label(&self) -> String {
        match self {
            Record::Body(b) => b.name.clone(),
            Record::Person(p) => p.name.clone(),
            Record::Affiliation(a) => format!("{} @ {}", a.person, a.body),
            Record::Case(c) => c.title.clone(),
            Record::Relationship(r) => format!("{} & {}", r.a, r.b),
            Record::TrustNote(n) => format!("note by {}", n.author),
            Record::Consent(c) => format!("consent of {}", c.client),
            Record::Referral(r) => format!("{} » {}", r.from, r.to),
            Record::Partnership(p) => p.title.clone(),
            Record::Event(e) => e.title.clone(),
            Record::Course(c) => c.name.clone(),
            Record::Enrolment(e) => format!("{} @ {}", e.person, e.course),
            Record::Contact(c) => format!("contact {} » {}", c.supporter, c.case),
            Record::Supervision(s) => format!("supervision by {}", s.supervisor),
            // Its author only: a check-in's content is the supporter's own.
            Record::CheckIn(c) => format!("check-in of {}", c.supporter),
        }
    }

    /// Katakana reading, where the kind has one.
    pub fn reading(&self) -> Option<&str> {
        match self {
            Record::Body(b) => b.reading.as_deref(),
            Record::Person(p) => p.reading.as_deref(),
            Record::Case(c) => c.reading.as_deref(),
            Record::Course(c) => c.reading.as_deref(),
            _ => None,
        }
    }
}

/// A concrete record type: its kind, and the way in and out of `Record`.
pub trait Entity: Sized + Clone {
    const KIND: Kind;
    fn into_record(self) -> Record;
    fn from_record(r: Record) -> Option<Self>;
}

macro_rules! entity {
    ($t:ident) => {
        impl Entity for $t {
            const KIND: Kind = Kind::$t;
            fn into_record(self) -> Record {
                Record::$t(self)
            }
            fn from_record(r: Record) -> Option<Self> {
                match r {
                    Record::$t(x) => Some(x),
                    _ => None,
                }
            }
        }
        impl From<$t> for Record {
            fn from(x: $t) -> Record {
                Record::$t(x)
            }
        }
    };
}

entity!(Body);
entity!(Person);
entity!(Affiliation);
entity!(Case);
entity!(Relationship);
entity!(TrustNote);
entity!(Consent);
entity!(Referral);
entity!(Partnership);
entity!(Event);
entity!(Course);
entity!(Enrolment);
entity!(Contact);
entity!(Supervision);
entity!(CheckIn);
