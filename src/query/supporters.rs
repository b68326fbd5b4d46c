//! Peer supporters as the store holds them, for one reader: each one's
//! workload (see `model::workload`), training and supervision. The
//! dashboard's flags, the Supporters screen and `triad brief` read these.
//!
//! Workload counts every contact in the cases the reader sees, whatever
//! the confidentiality of its note: the figures say nothing of what was
//! written, and a burnout warning must not depend on who asks. The notes
//! themselves, and check-ins, are read through the scope as ever.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::workload::{self, Workload};
use crate::model::{
    Case, CheckIn, Contact, Course, Date, Enrolment, Event, EventKind, Id, Kind, Person, Record,
    Role, Supervision,
};
use crate::store::{Scope, Store, StoreError, StoreExt};

/// One supporter's course: the enrolment, the course, and the sessions
/// attended (the course's training events that name them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub enrolment: Enrolment,
    pub course: Course,
    pub attended: u32,
}

impl Training {
    pub fn completed(&self) -> bool {
        self.enrolment.completed_on.is_some()
    }
}

/// A line of the Supporters screen (and the dashboard's flags).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupporterRow {
    pub person: Person,
    pub workload: Workload,
    /// Their courses, oldest first.
    pub trainings: Vec<Training>,
}

impl SupporterRow {
    /// The course they are on now (else the last one they took).
    pub fn current_training(&self) -> Option<&Training> {
        self.trainings
            .iter()
            .rev()
            .find(|t| !t.completed())
            .or_else(|| self.trainings.last())
    }
}

/// One supporter in full, for their view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupporterDetail {
    pub row: SupporterRow,
    /// The revisions of the person and their enrolments, for editing them.
    #[serde(default)]
    pub revs: HashMap<Id, u64>,
    /// Their open cases' titles, by id (the workload lists which).
    pub case_titles: HashMap<Id, String>,
    /// The contacts the reader may read, newest first.
    pub contacts: Vec<Contact>,
    pub supervisions: Vec<Supervision>,
    /// Only for the supporter and their supervisor.
    pub check_ins: Vec<CheckIn>,
    /// Names of the people and bodies these mention.
    pub names: HashMap<Id, String>,
}

/// Whether the person is a peer supporter (the role, or a profile).
pub fn is_supporter(p: &Person) -> bool {
    p.roles.contains(&Role::PeerSupporter) || p.supporter.is_some()
}

/// The supporters this reader sees: everyone's for a reader who sees every
/// case, a supporter's own otherwise.
fn supporters(store: &dyn Store, scope: &Scope) -> Result<Vec<Person>, StoreError> {
    supporters_where(store, scope, is_supporter)
}

fn supporters_where(
    store: &dyn Store,
    scope: &Scope,
    is_supporter: fn(&Person) -> bool,
) -> Result<Vec<Person>, StoreError> {
    if !scope.reader.sees_every_case() {
        let me = scope.reader.person;
        return Ok(me
            .and_then(|id| store.get_as::<Person>(id).ok().flatten())
            .filter(is_supporter)
            .into_iter()
            .collect());
    }
    let mut out = Vec::new();
    store.scan(Kind::Person, &mut |r| {
        if let Record::Person(p) = r
            && is_supporter(&p)
        {
            out.push(p);
        }
        true
    })?;
    Ok(out)
}

/// What refers to one supporter, read once.
struct Around {
    cases: Vec<Case>,
    contacts: Vec<Contact>,
    supervisions: Vec<Supervision>,
    enrolments: Vec<Enrolment>,
    check_ins: Vec<CheckIn>,
}

fn around(store: &dyn Store, scope: &Scope, id: Id) -> Result<Around, StoreError> {
    let mut a = Around {
        cases: vec![],
        contacts: vec![],
        supervisions: vec![],
        enrolments: vec![],
        check_ins: vec![],
    };
    for rid in store.referrers(id)? {
        match store.get(rid)? {
            Some(Record::Case(c)) if scope.sees_case(c.id) => a.cases.push(c),
            Some(Record::Contact(c)) if c.supporter == id && scope.sees_case(c.case) => {
                a.contacts.push(c);
            }
            Some(Record::Supervision(s)) if s.supporters.contains(&id) => a.supervisions.push(s),
            Some(Record::Enrolment(e)) if e.person == id => a.enrolments.push(e),
            Some(Record::CheckIn(c)) if c.supporter == id => a.check_ins.push(c),
            _ => {}
        }
    }
    Ok(a)
}

/// Sessions attended per course and person, counted from training events.
#[derive(Default)]
struct Attendance(HashMap<Id, Vec<Event>>);

impl Attendance {
    fn attended(&mut self, store: &dyn Store, course: Id, person: Id) -> Result<u32, StoreError> {
        let events = match self.0.entry(course) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(store.referring::<Event>(course)?)
            }
        };
        let n = events
            .iter()
            .filter(|e| e.kind == EventKind::Training && e.parties.contains(&person))
            .count();
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

fn trainings(
    store: &dyn Store,
    enrolments: &[Enrolment],
    attendance: &mut Attendance,
) -> Result<Vec<Training>, StoreError> {
    let mut out = Vec::new();
    for e in enrolments {
        if let Some(course) = store.get_as::<Course>(e.course)? {
            let attended = attendance.attended(store, e.course, e.person)?;
            out.push(Training {
                enrolment: e.clone(),
                course,
                attended,
            });
        }
    }
    out.sort_by_key(|t| (t.course.started, t.course.id));
    Ok(out)
}

fn row(
    store: &dyn Store,
    person: Person,
    a: &Around,
    today: Date,
    attendance: &mut Attendance,
) -> Result<SupporterRow, StoreError> {
    let workload = workload::compute(today, &person, &a.cases, &a.contacts, &a.supervisions);
    Ok(SupporterRow {
        trainings: trainings(store, &a.enrolments, attendance)?,
        person,
        workload,
    })
}

/// Every supporter the reader sees, with workload and training, by name.
pub fn supporter_rows(
    store: &dyn Store,
    scope: &Scope,
    today: Date,
) -> Result<Vec<SupporterRow>, StoreError> {
    rows_of(store, scope, today, supporters(store, scope)?)
}

/// The supporters with a profile (a programme that looks after them):
/// the only ones flags are raised on, so all the dashboard needs.
pub fn looked_after(
    store: &dyn Store,
    scope: &Scope,
    today: Date,
) -> Result<Vec<SupporterRow>, StoreError> {
    let people = supporters_where(store, scope, |p| p.supporter.is_some())?;
    rows_of(store, scope, today, people)
}

fn rows_of(
    store: &dyn Store,
    scope: &Scope,
    today: Date,
    people: Vec<Person>,
) -> Result<Vec<SupporterRow>, StoreError> {
    let mut attendance = Attendance::default();
    let mut out = Vec::new();
    for p in people {
        let a = around(store, scope, p.id)?;
        out.push(row(store, p, &a, today, &mut attendance)?);
    }
    out.sort_by(|a, b| {
        let key = |r: &SupporterRow| (r.person.reading.clone(), r.person.name.clone());
        key(a).cmp(&key(b)).then(a.person.id.cmp(&b.person.id))
    });
    Ok(out)
}

/// The workload of every supporter the reader sees: what `triad brief`
/// and the dashboard's flags are computed from
/// (`model::workload::flags(&w, &thresholds, today)`).
pub fn workloads(
    store: &dyn Store,
    scope: &Scope,
    today: Date,
) -> Result<Vec<Workload>, StoreError> {
    Ok(supporter_rows(store, scope, today)?
        .into_iter()
        .map(|r| r.workload)
        .collect())
}

/// One supporter's view; one the reader may not see does not exist.
pub fn load_supporter(
    store: &dyn Store,
    id: Id,
    scope: &Scope,
    today: Date,
) -> Result<SupporterDetail, StoreError> {
    let person = store
        .get_as::<Person>(id)?
        .filter(is_supporter)
        .ok_or(StoreError::NotFound(id))?;
    let mine = supporters(store, scope)?.iter().any(|p| p.id == id);
    if !mine || !scope.sees(store, &Record::Person(person.clone()))? {
        return Err(StoreError::NotFound(id));
    }
    let a = around(store, scope, id)?;
    // A record written since it was read here gets revision 0, so an edit
    // made from what is shown meets a conflict rather than overwriting it.
    let shown: Vec<Record> = std::iter::once(Record::Person(person.clone()))
        .chain(a.enrolments.iter().cloned().map(Record::Enrolment))
        .collect();
    let ids: Vec<Id> = shown.iter().map(Record::id).collect();
    let mut revs = HashMap::new();
    for ((id, record), rev) in ids.iter().zip(&shown).zip(store.revisions(&ids)?) {
        let same = store.get(*id)?.is_some_and(|now| &now == record);
        revs.insert(*id, if same { rev } else { 0 });
    }
    let row = row(store, person, &a, today, &mut Attendance::default())?;
    let seen = |r: Record| scope.sees(store, &r).unwrap_or(false);
    let mut contacts: Vec<Contact> = a
        .contacts
        .iter()
        .filter(|c| seen(Record::Contact((*c).clone())))
        .cloned()
        .collect();
    contacts.sort_by(|x, y| y.on.cmp(&x.on).then(y.id.cmp(&x.id)));
    let mut supervisions: Vec<Supervision> = a
        .supervisions
        .iter()
        .filter(|s| seen(Record::Supervision((*s).clone())))
        .cloned()
        .collect();
    supervisions.sort_by(|x, y| y.on.cmp(&x.on).then(y.id.cmp(&x.id)));
    let mut check_ins: Vec<CheckIn> = a
        .check_ins
        .iter()
        .filter(|c| seen(Record::CheckIn((*c).clone())))
        .cloned()
        .collect();
    check_ins.sort_by(|x, y| y.on.cmp(&x.on).then(y.id.cmp(&x.id)));
    let case_titles = a.cases.iter().map(|c| (c.id, c.title.clone())).collect();
    let mut ids: BTreeSet<Id> = BTreeSet::new();
    ids.extend(supervisions.iter().map(|s| s.supervisor));
    ids.extend(row.person.supporter.as_ref().and_then(|s| s.supervisor));
    ids.extend(row.trainings.iter().filter_map(|t| t.course.provider));
    let mut names = HashMap::new();
    for i in ids {
        if let Some(r) = store.get(i)? {
            names.insert(i, r.label());
        }
    }
    Ok(SupporterDetail {
        row,
        revs,
        case_titles,
        contacts,
        supervisions,
        check_ins,
        names,
    })
}
