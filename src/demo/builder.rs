//! A small builder that hands out ids in a readable sequence (B-0001, B-0002…)
//! and keeps the scenario files short.

use std::collections::HashMap;

use chrono::{NaiveTime, TimeDelta};

use crate::model::{
    Affiliation, Attendance, Body, BodyKind, Cadence, Case, CaseParty, CaseStatus, Confidentiality,
    Consent, ConsentScope, Date, DeclinedBy, Event, EventKind, Goal, GoalKind, Id, Kind, Need,
    NeedArea, Partnership, PeerKind, Period, Person, Record, Referral, ReferralCategory,
    ReferralStatus, Relationship, Role, Sector, StatusChange, Timestamp, Transition, TrustChange,
    TrustLevel, TrustNote,
};

/// A calendar day written in the source: the scenario facts use literal dates.
pub(crate) fn ymd(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd_opt(y, m, d).expect("demo dates are valid calendar days")
}

/// A moment on a day, in UTC, at a given hour.
pub(crate) fn at(day: Date, hour: i64) -> Timestamp {
    day.and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(hour)
}

/// A referral step: status, day, who made it, a note.
pub(crate) type Step<'a> = (ReferralStatus, Date, &'a str, &'a str);

/// What a trust note is attached to.
#[derive(Clone, Copy, Default)]
pub(crate) struct NoteOn {
    pub case: Option<Id>,
    pub relationship: Option<Id>,
    pub about: Option<Id>,
}

pub(crate) struct Builder {
    pub today: Date,
    next: [u64; Kind::ALL.len()],
    records: Vec<Record>,
    index: HashMap<Id, usize>,
}

fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

impl Builder {
    pub fn new(today: Date) -> Builder {
        Builder {
            today,
            next: [0; Kind::ALL.len()],
            records: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// The records, cases stamped with their last change.
    pub fn finish(mut self) -> Vec<Record> {
        let today = self.today;
        for r in &mut self.records {
            if let Record::Case(c) = r {
                let mut last = c.status_history.iter().map(|s| s.on).max();
                for d in c.needs.iter().map(|n| n.on).chain(
                    c.parties
                        .iter()
                        .flat_map(|p| std::iter::once(p.from).chain(p.until)),
                ) {
                    if d <= today && last.is_none_or(|l| d > l) {
                        last = Some(d);
                    }
                }
                c.changed = at(last.unwrap_or(today), 9);
            }
        }
        self.records
    }

    /// The next id of a kind.
    pub fn id(&mut self, kind: Kind) -> Id {
        let n = &mut self.next[slot(kind)];
        *n += 1;
        Id::new(kind, *n)
    }

    /// `days` before today.
    pub fn ago(&self, days: i64) -> Date {
        self.today - TimeDelta::days(days)
    }

    /// `days` after today.
    pub fn ahead(&self, days: i64) -> Date {
        self.today + TimeDelta::days(days)
    }

    fn push(&mut self, r: Record) -> Id {
        let id = r.id();
        self.index.insert(id, self.records.len());
        self.records.push(r);
        id
    }

    fn get_mut(&mut self, id: Id) -> Option<&mut Record> {
        let i = *self.index.get(&id)?;
        self.records.get_mut(i)
    }

    // --- parties -------------------------------------------------------

    pub fn body(
        &mut self,
        name: &str,
        reading: &str,
        sector: Sector,
        kind: BodyKind,
        region: &str,
    ) -> Id {
        let id = self.id(Kind::Body);
        self.push(Record::Body(Body {
            id,
            name: name.to_string(),
            reading: Some(reading.to_string()),
            sector,
            kind,
            region: region.to_string(),
            contact: String::new(),
            parent: None,
            cadences: vec![],
            note: String::new(),
        }))
    }

    /// A body inside another (a salon in a network, a sub-group in a working
    /// group); it takes the parent's region.
    pub fn child(
        &mut self,
        parent: Id,
        name: &str,
        reading: &str,
        sector: Sector,
        kind: BodyKind,
    ) -> Id {
        let region = match self.get_mut(parent) {
            Some(Record::Body(p)) => p.region.clone(),
            _ => String::new(),
        };
        let id = self.body(name, reading, sector, kind, &region);
        if let Some(Record::Body(b)) = self.get_mut(id) {
            b.parent = Some(parent);
        }
        id
    }

    pub fn person(&mut self, name: &str, reading: &str, roles: &[Role]) -> Id {
        let id = self.id(Kind::Person);
        self.push(Record::Person(Person {
            id,
            name: name.to_string(),
            reading: Some(reading.to_string()),
            roles: roles.to_vec(),
            peer_kind: None,
            activity_range: String::new(),
            skills: String::new(),
            contact: String::new(),
            supporter: None,
        }))
    }

    /// A peer supporter: what kind, where and when they work, what they can do.
    pub fn peer(
        &mut self,
        name: &str,
        reading: &str,
        kind: PeerKind,
        activity_range: &str,
        skills: &str,
    ) -> Id {
        let id = self.person(name, reading, &[Role::PeerSupporter]);
        if let Some(Record::Person(p)) = self.get_mut(id) {
            p.peer_kind = Some(kind);
            p.activity_range = activity_range.to_string();
            p.skills = skills.to_string();
        }
        id
    }

    /// Adds a role to a person.
    pub fn add_role(&mut self, person: Id, role: Role) {
        if let Some(Record::Person(p)) = self.get_mut(person)
            && !p.roles.contains(&role)
        {
            p.roles.push(role);
        }
    }

    pub fn affiliate(
        &mut self,
        person: Id,
        body: Id,
        title: &str,
        from: Date,
        until: Option<Date>,
    ) -> Id {
        let id = self.id(Kind::Affiliation);
        self.push(Record::Affiliation(Affiliation {
            id,
            person,
            body,
            title: title.to_string(),
            from,
            until,
        }))
    }

    // --- cases ---------------------------------------------------------

    /// A case, opened (at intake) on `opened` by `by`.
    #[allow(clippy::too_many_arguments)]
    pub fn case(
        &mut self,
        title: &str,
        reading: &str,
        client: Option<Id>,
        coordinator: Option<Id>,
        condition: &str,
        opened: Date,
        by: &str,
    ) -> Id {
        let id = self.id(Kind::Case);
        self.push(Record::Case(Case {
            id,
            title: title.to_string(),
            reading: Some(reading.to_string()),
            client,
            status: CaseStatus::Intake,
            status_history: vec![StatusChange {
                status: CaseStatus::Intake,
                on: opened,
                by: by.to_string(),
                note: String::new(),
            }],
            coordinator,
            condition: condition.to_string(),
            needs: vec![],
            goals: vec![],
            parties: vec![],
            changed: at(opened, 9),
            entered: None,
        }))
    }

    fn case_mut(&mut self, case: Id) -> Option<&mut Case> {
        match self.get_mut(case) {
            Some(Record::Case(c)) => Some(c),
            _ => None,
        }
    }

    pub fn status(&mut self, case: Id, status: CaseStatus, on: Date, by: &str) {
        if let Some(c) = self.case_mut(case) {
            c.set_status(status, on, by, "");
        }
    }

    /// A party's role in the case; `until` set means the role has ended.
    pub fn party(
        &mut self,
        case: Id,
        party: Id,
        sector: Sector,
        role: &str,
        from: Date,
        until: Option<Date>,
    ) {
        if let Some(c) = self.case_mut(case) {
            c.parties.push(CaseParty {
                party,
                sector,
                role: role.to_string(),
                from,
                until,
            });
        }
    }

    pub fn need(&mut self, case: Id, on: Date, area: NeedArea, text: &str) {
        if let Some(c) = self.case_mut(case) {
            c.needs.push(Need {
                on,
                area,
                text: text.to_string(),
            });
        }
    }

    pub fn goal(&mut self, case: Id, kind: GoalKind, text: &str, set_on: Date) {
        if let Some(c) = self.case_mut(case) {
            c.goals.push(Goal {
                kind,
                text: text.to_string(),
                set_on,
            });
        }
    }

    // --- trust ---------------------------------------------------------

    /// A relationship with its trust history: (day, level 1–5, who judged).
    pub fn relationship(
        &mut self,
        a: Id,
        b: Id,
        case: Option<Id>,
        trust: &[(Date, u8, &str)],
    ) -> Id {
        let id = self.id(Kind::Relationship);
        let trust = trust
            .iter()
            .map(|(on, level, by)| TrustChange {
                on: *on,
                level: level_of(*level),
                by: by.to_string(),
            })
            .collect();
        self.push(Record::Relationship(Relationship {
            id,
            a,
            b,
            case,
            trust,
            entered: None,
        }))
    }

    pub fn trust_note(
        &mut self,
        on: NoteOn,
        author: &str,
        day: Date,
        confidentiality: Confidentiality,
        text: &str,
    ) -> Id {
        let id = self.id(Kind::TrustNote);
        self.push(Record::TrustNote(TrustNote {
            id,
            case: on.case,
            relationship: on.relationship,
            about: on.about,
            author: author.to_string(),
            at: at(day, 10),
            text: text.to_string(),
            confidentiality,
            trust_change: None,
            corrects: None,
            entered: None,
        }))
    }

    /// Marks a note as the one that changed the trust level.
    pub fn trust_change(&mut self, note: Id, level: u8) {
        if let Some(Record::TrustNote(n)) = self.get_mut(note) {
            n.trust_change = Some(level_of(level));
        }
    }

    // --- consent and referrals -------------------------------------------

    pub fn consent(
        &mut self,
        client: Id,
        case: Id,
        granted_to: &[Id],
        scope: ConsentScope,
        given_on: Date,
        obtained_how: &str,
    ) -> Id {
        let id = self.id(Kind::Consent);
        self.push(Record::Consent(Consent {
            id,
            client,
            case,
            granted_to: granted_to.to_vec(),
            scope,
            given_on,
            expires_on: None,
            withdrawn_on: None,
            obtained_how: obtained_how.to_string(),
        }))
    }

    pub fn expires(&mut self, consent: Id, on: Date) {
        if let Some(Record::Consent(c)) = self.get_mut(consent) {
            c.expires_on = Some(on);
        }
    }

    pub fn withdrawn(&mut self, consent: Id, on: Date) {
        if let Some(Record::Consent(c)) = self.get_mut(consent) {
            c.withdrawn_on = Some(on);
        }
    }

    /// A referral and its dated steps, the first of which is the proposal.
    pub fn referral(
        &mut self,
        case: Id,
        from: Id,
        to: Id,
        category: ReferralCategory,
        reason: &str,
        steps: &[Step],
    ) -> Id {
        let id = self.id(Kind::Referral);
        self.push(Record::Referral(Referral {
            id,
            case,
            from,
            to,
            category,
            reason: reason.to_string(),
            history: steps
                .iter()
                .map(|(status, on, by, note)| Transition {
                    status: *status,
                    on: *on,
                    by: by.to_string(),
                    note: note.to_string(),
                    provision: None,
                })
                .collect(),
            declined_by: None,
            decline_reason: String::new(),
            follow_up: None,
            outcome: String::new(),
            corrections: vec![],
            entered: None,
        }))
    }

    fn referral_mut(&mut self, id: Id) -> Option<&mut Referral> {
        match self.get_mut(id) {
            Some(Record::Referral(r)) => Some(r),
            _ => None,
        }
    }

    pub fn follow_up(&mut self, referral: Id, on: Date) {
        if let Some(r) = self.referral_mut(referral) {
            r.follow_up = Some(on);
        }
    }

    pub fn declined(&mut self, referral: Id, by: DeclinedBy, reason: &str) {
        if let Some(r) = self.referral_mut(referral) {
            r.declined_by = Some(by);
            r.decline_reason = reason.to_string();
        }
    }

    pub fn outcome(&mut self, referral: Id, text: &str) {
        if let Some(r) = self.referral_mut(referral) {
            r.outcome = text.to_string();
        }
    }

    // --- timelines -----------------------------------------------------

    pub fn partnership(
        &mut self,
        title: &str,
        parties: &[Id],
        started: Date,
        ended: Option<Date>,
        description: &str,
    ) -> Id {
        let id = self.id(Kind::Partnership);
        self.push(Record::Partnership(Partnership {
            id,
            title: title.to_string(),
            parties: parties.to_vec(),
            started,
            ended,
            description: description.to_string(),
            cadences: vec![],
        }))
    }

    /// "17 days a month", "four times a year": on a body or a partnership.
    pub fn cadence(&mut self, id: Id, what: &str, min: u32, max: u32, per: Period) {
        let c = Cadence {
            what: what.to_string(),
            min,
            max,
            per,
        };
        match self.get_mut(id) {
            Some(Record::Body(b)) => b.cadences.push(c),
            Some(Record::Partnership(p)) => p.cadences.push(c),
            _ => {}
        }
    }

    pub fn event(&mut self, date: Date, kind: EventKind, title: &str, parties: &[Id]) -> Id {
        let id = self.id(Kind::Event);
        self.push(Record::Event(Event {
            id,
            date,
            end: None,
            kind,
            title: title.to_string(),
            parties: parties.to_vec(),
            partnership: None,
            case: None,
            attendance: None,
            course: None,
            note: String::new(),
        }))
    }

    fn event_mut(&mut self, id: Id) -> Option<&mut Event> {
        match self.get_mut(id) {
            Some(Record::Event(e)) => Some(e),
            _ => None,
        }
    }

    /// Attendance by sector: peers/patients/families, medical, government.
    pub fn attendance(&mut self, event: Id, peer: u32, medical: u32, government: u32) {
        if let Some(e) = self.event_mut(event) {
            e.attendance = Some(Attendance::full(peer, medical, government));
        }
    }

    /// Attendance where only medical staff were counted.
    pub fn medical_only(&mut self, event: Id, medical: u32) {
        if let Some(e) = self.event_mut(event) {
            e.attendance = Some(Attendance {
                medical: Some(medical),
                ..Attendance::default()
            });
        }
    }

    pub fn in_partnership(&mut self, event: Id, partnership: Id) {
        if let Some(e) = self.event_mut(event) {
            e.partnership = Some(partnership);
        }
    }

    pub fn for_case(&mut self, event: Id, case: Id) {
        if let Some(e) = self.event_mut(event) {
            e.case = Some(case);
        }
    }

    /// The free-text note of a body or an event, or a partnership's description.
    pub fn note(&mut self, id: Id, text: &str) {
        match self.get_mut(id) {
            Some(Record::Body(b)) => b.note = text.to_string(),
            Some(Record::Event(e)) => e.note = text.to_string(),
            Some(Record::Partnership(p)) => p.description = text.to_string(),
            _ => {}
        }
    }
}

/// Peer supporters' records: profiles, courses, contacts, supervision.
impl Builder {
    /// A record made elsewhere, under the next id of its kind.
    pub fn add(&mut self, mut r: Record) -> Id {
        let id = self.id(r.kind());
        r.set_id(id);
        self.push(r)
    }

    /// The body or person of that name (another scenario's).
    pub fn find(&self, name: &str) -> Option<Id> {
        self.records.iter().find_map(|r| match r {
            Record::Body(b) if b.name == name => Some(b.id),
            Record::Person(p) if p.name == name => Some(p.id),
            _ => None,
        })
    }

    /// Events whose title contains `part`, in the order they were made.
    pub fn events_titled(&self, part: &str) -> Vec<(Id, Date)> {
        self.records
            .iter()
            .filter_map(|r| match r {
                Record::Event(e) if e.title.contains(part) => Some((e.id, e.date)),
                _ => None,
            })
            .collect()
    }

    pub fn set_course(&mut self, event: Id, course: Id) {
        if let Some(e) = self.event_mut(event) {
            e.course = Some(course);
        }
    }

    /// The first case whose title starts with `prefix`.
    pub fn find_case(&self, prefix: &str) -> Option<Id> {
        self.records.iter().find_map(|r| match r {
            Record::Case(c) if c.title.starts_with(prefix) => Some(c.id),
            _ => None,
        })
    }

    /// Adds to a peer supporter's skills.
    pub fn add_skills(&mut self, person: Id, more: &str) {
        if let Some(Record::Person(p)) = self.get_mut(person) {
            p.skills = format!("{}; {more}", p.skills);
        }
    }

    pub fn set_supporter(&mut self, person: Id, profile: crate::model::SupporterProfile) {
        if let Some(Record::Person(p)) = self.get_mut(person) {
            if !p.roles.contains(&Role::PeerSupporter) {
                p.roles.push(Role::PeerSupporter);
            }
            p.supporter = Some(profile);
        }
    }
}

/// Levels in the demo are literals 1–5, clamped into range.
fn level_of(level: u8) -> TrustLevel {
    TrustLevel::new(level.clamp(TrustLevel::MIN, TrustLevel::MAX))
        .expect("a clamped trust level is in range")
}

/// A consent scope: intervention, information sharing, which information.
pub(crate) fn scope(intervention: bool, information_sharing: bool, info: &[&str]) -> ConsentScope {
    ConsentScope {
        intervention,
        information_sharing,
        information: info.iter().map(|s| s.to_string()).collect(),
    }
}
