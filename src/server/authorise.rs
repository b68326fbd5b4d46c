//! Who may ask what: the one table the server consults for every request
//! (by role: coordinator, supporter, viewer; the store's owner is named
//! apart, and a server without a config serves only its owner, as a
//! coordinator), and the rules a save is judged by, on what it touches.
//! A request kind missing from the table is refused.

use chrono::Utc;

use super::protocol::{Ask, ErrorCode, WireError};
use crate::model::{AccessRole, Id, Reader, Reason, Record, Rule};
use crate::query::request::StoreEffect;
use crate::store::{Change, Scope, Store};

/// What a role may do with one kind of request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum May {
    /// Asked by anyone; what is answered is filtered to their scope, and
    /// a save is judged change by change ([`save`]).
    Yes,
    /// Refused.
    No,
    /// Only the store's owner (the user the server runs as), whatever
    /// their role.
    Owner,
}

/// One row: a request kind, what it does (for refusals), and what each
/// role may do: coordinator, supporter, viewer.
pub struct Row {
    pub kind: &'static str,
    pub doing: &'static str,
    pub coordinator: May,
    pub supporter: May,
    pub viewer: May,
    /// What a refusal is logged as (the audit trail keeps rules, not text).
    pub rule: Rule,
}

const fn row(kind: &'static str, doing: &'static str, c: May, s: May, v: May) -> Row {
    guarded(kind, doing, c, s, v, Rule::Request)
}

/// A row that refuses someone, with the rule its refusals are logged by.
const fn guarded(
    kind: &'static str,
    doing: &'static str,
    c: May,
    s: May,
    v: May,
    rule: Rule,
) -> Row {
    Row {
        kind,
        doing,
        rule,
        coordinator: c,
        supporter: s,
        viewer: v,
    }
}

use May::{No, Owner, Yes};

/// The table. Reads are everyone's, over what each may see (`Scope`);
/// writes are coordinators' and supporters' (a supporter's within their
/// own cases); the trail, imports and the demo are coordinators'; a
/// lossless backup and stopping the server are the owner's.
pub const TABLE: &[Row] = &[
    row("load_all", "load the lists", Yes, Yes, Yes),
    row("refresh_dashboard", "load the dashboard", Yes, Yes, Yes),
    row("load_case", "open a case", Yes, Yes, Yes),
    row("load_party", "open a party", Yes, Yes, Yes),
    row("load_record", "open a record", Yes, Yes, Yes),
    row("load_reports", "load the reports", Yes, Yes, Yes),
    guarded("save", "save", Yes, Yes, No, Rule::Write),
    row("case_page", "list cases", Yes, Yes, Yes),
    row("overview", "load the overview", Yes, Yes, Yes),
    row("brief", "make a brief", Yes, Yes, Yes),
    row("reveal", "reveal an item", Yes, Yes, Yes),
    row("load_supporters", "list supporters", Yes, Yes, Yes),
    row("load_supporter", "open a supporter", Yes, Yes, Yes),
    row("search", "search", Yes, Yes, Yes),
    row("collect", "export", Yes, Yes, Yes),
    row("case_report", "report on a case", Yes, Yes, Yes),
    row("report", "make a report", Yes, Yes, Yes),
    guarded(
        "audit",
        "read the audit trail",
        Yes,
        No,
        No,
        Rule::CoordinatorAudit,
    ),
    guarded(
        "import_part",
        "import",
        Yes,
        No,
        No,
        Rule::CoordinatorImport,
    ),
    guarded(
        "import_commit",
        "import",
        Yes,
        No,
        No,
        Rule::CoordinatorImport,
    ),
    row("applied", "ask whether a write was applied", Yes, Yes, Yes),
    guarded(
        "check",
        "check the store (it counts every record)",
        Yes,
        No,
        No,
        Rule::CoordinatorCheck,
    ),
    guarded("demo", "load the demo", Yes, No, No, Rule::CoordinatorDemo),
    guarded(
        "backup",
        "back it up",
        Owner,
        Owner,
        Owner,
        Rule::OwnerBackup,
    ),
    guarded(
        "stop",
        "stop this server",
        Owner,
        Owner,
        Owner,
        Rule::OwnerStop,
    ),
];

/// The table's name for a request.
pub fn kind(ask: &Ask) -> &'static str {
    match ask {
        Ask::Effect { effect } => match effect {
            StoreEffect::LoadAll => "load_all",
            StoreEffect::RefreshDashboard => "refresh_dashboard",
            StoreEffect::LoadCase(_) => "load_case",
            StoreEffect::LoadParty(_) => "load_party",
            StoreEffect::LoadRecord(_) => "load_record",
            StoreEffect::LoadReports => "load_reports",
            StoreEffect::Save { .. } => "save",
            StoreEffect::CasePage { .. } => "case_page",
            StoreEffect::Overview(_) => "overview",
            StoreEffect::Brief(_) => "brief",
            StoreEffect::Reveal { .. } => "reveal",
            StoreEffect::LoadSupporters => "load_supporters",
            StoreEffect::LoadSupporter(_) => "load_supporter",
        },
        Ask::Search { .. } => "search",
        Ask::Collect { .. } => "collect",
        Ask::CaseReport { .. } => "case_report",
        Ask::Report { .. } => "report",
        Ask::Brief { .. } => "brief",
        Ask::Audit { .. } => "audit",
        Ask::ImportPart { .. } => "import_part",
        Ask::ImportCommit { .. } => "import_commit",
        Ask::Applied { .. } => "applied",
        Ask::Check { .. } => "check",
        Ask::Demo { .. } => "demo",
        Ask::Backup { .. } => "backup",
        Ask::Stop => "stop",
    }
}

/// A request the table refuses: the rule (for the audit trail: names
/// only) and what the client is told.
#[derive(Debug)]
pub struct Refusal {
    pub rule: Rule,
    pub error: WireError,
    /// For a save: why, for the form to say in its language.
    pub reason: Option<Reason>,
}

/// Whether `reader` may make this request at all (`owner`: the user the
/// server runs as).
pub fn ask(reader: &Reader, owner: &str, ask: &Ask) -> Result<(), Box<Refusal>> {
    let kind = kind(ask);
    let Some(row) = TABLE.iter().find(|r| r.kind == kind) else {
        return Err(Box::new(Refusal {
            rule: Rule::Request,
            error: WireError::new(ErrorCode::Forbidden, format!("no one may ask {kind}")),
            reason: None,
        }));
    };
    let may = match reader.role {
        AccessRole::Coordinator => row.coordinator,
        AccessRole::Supporter => row.supporter,
        AccessRole::Viewer => row.viewer,
    };
    match may {
        Yes => Ok(()),
        Owner if reader.user == owner => Ok(()),
        Owner => Err(Box::new(Refusal {
            rule: row.rule,
            error: WireError::new(
                ErrorCode::Forbidden,
                if kind == "backup" {
                    format!(
                        "only {owner} (the store's owner) may {}; an export gives you what you may read",
                        row.doing
                    )
                } else {
                    format!("only {owner} (the store's owner) may {}", row.doing)
                },
            ),
            reason: None,
        })),
        No if reader.role == AccessRole::Viewer && kind == "save" => Err(Box::new(Refusal {
            rule: row.rule,
            error: WireError::new(ErrorCode::Forbidden, Reason::ReadOnlyRole.to_string()),
            reason: Some(Reason::ReadOnlyRole),
        })),
        No => {
            let needs = [
                (AccessRole::Coordinator, row.coordinator),
                (AccessRole::Supporter, row.supporter),
            ]
            .iter()
            .filter(|(_, m)| *m == Yes)
            .map(|(r, _)| r.name())
            .collect::<Vec<_>>()
            .join(" or a ");
            Err(Box::new(Refusal {
                rule: row.rule,
                error: WireError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "only a {needs} may {}; {} is a {}",
                        row.doing,
                        reader.user,
                        reader.role.name()
                    ),
                ),
                reason: None,
            }))
        }
    }
}

/// Whether the reader may make these changes, judged as they will be
/// stored (authors and times are the server's: see `Record::stamp`).
/// On the socket every edit names its base revision; what a change
/// touches must be visible to the reader (else it "does not exist"),
/// and so must every record it will refer to, and it must stay visible
/// after; a note, contact or check-in is changed by its author only; a
/// supporter writes only records of their own cases. The refusal names
/// the rule.
pub fn save(store: &dyn Store, scope: &Scope, ops: &[Change]) -> Result<(), Reason> {
    let reader = &scope.reader;
    if !reader.may_write() {
        return Err(Reason::ReadOnlyRole);
    }
    let seen = |r: &Record| scope.sees(store, r).unwrap_or(false);
    let seen_id = |id: Id| scope.sees_id(store, id).unwrap_or(false);
    let now = Utc::now();
    for op in ops {
        if let Change::Append(crate::model::Intent::ReferralStep {
            override_reason: Some(_),
            ..
        }) = op
            && reader.role != AccessRole::Coordinator
        {
            return Err(Reason::OverrideNeedsCoordinator);
        }
        let (stored, new) = match op {
            // A replacement whatever its revision: the in-process tools'
            // only; a client edits from the revision it read.
            Change::Update(r) => return Err(Reason::NeedsBase { id: r.id() }),
            Change::Create(r) => (None, Some(r)),
            Change::Edit { record: r, .. } => (Some(r.id()), Some(r)),
            Change::Append(intent) => (Some(intent.target()), None),
        };
        let stored = match stored.map(|id| (id, store.get(id))) {
            Some((_, Ok(Some(r)))) if seen(&r) => Some(r),
            Some((id, _)) => return Err(Reason::NotFound { id }),
            None => None,
        };
        // As it will be stored: an append applied to the record as it is
        // (the store applies it again, to the record as it is then).
        let new = match (op, &stored) {
            (Change::Append(intent), Some(old)) => {
                let mut r = old.clone();
                intent.apply(&mut r, &reader.user, now).ok().map(|()| r)
            }
            _ => new.map(|r| {
                let mut r = r.clone();
                match &stored {
                    Some(old) => r.keep_stamps(old, &reader.user, now),
                    None => r.stamp(&reader.user, now),
                }
                r
            }),
        };
        if let (Some(old), Some(new)) = (&stored, &new) {
            others_words_kept(old, new, &reader.user)?;
        }
        if reader.role == AccessRole::Supporter {
            let Some(record) = stored.as_ref().or(new.as_ref()) else {
                continue;
            };
            if outside_own_cases(record, matches!(op, Change::Create(_)), reader.person) {
                return Err(Reason::NotOwnCase { id: record.id() });
            }
            if let Some(c) = record.case().filter(|c| !scope.sees_case(*c)) {
                return Err(Reason::NotOwnCase { id: c });
            }
        }
        let Some(new) = &new else { continue };
        // Nothing is brought into one's scope by one's own write: every
        // record it will refer to is one the reader sees already.
        let before = stored.as_ref().map(Record::references).unwrap_or_default();
        if let Some(id) = new
            .references()
            .into_iter()
            .find(|id| !before.contains(id) && !seen_id(*id))
        {
            return Err(Reason::NotFound { id });
        }
        if !seen(new) {
            return Err(Reason::WouldBeHidden { id: new.id() });
        }
    }
    Ok(())
}

/// Someone else's words stay theirs: a note is changed only by its
/// author; a contact's note and its confidentiality, and a check-in,
/// likewise (the model has no rule that lets anyone rewrite them).
fn others_words_kept(old: &Record, new: &Record, user: &str) -> Result<(), Reason> {
    let refused = |id, author: &str| {
        Err(Reason::OthersNote {
            id,
            author: author.to_string(),
        })
    };
    match (old, new) {
        (Record::TrustNote(o), Record::TrustNote(n)) if o.author != user && o != n => {
            refused(o.id, &o.author)
        }
        (Record::Contact(o), Record::Contact(n))
            if o.author != user && (o.note != n.note || o.confidentiality != n.confidentiality) =>
        {
            refused(o.id, &o.author)
        }
        (Record::CheckIn(o), Record::CheckIn(n)) if o.author != user && o != n => {
            refused(o.id, &o.author)
        }
        _ => Ok(()),
    }
}

/// What a supporter may not write, though they may see it: a new case,
/// anything that belongs to no case (bodies, people, partnerships), and
/// another supporter's contacts and check-ins (`me`: their own person).
fn outside_own_cases(record: &Record, new: bool, me: Option<Id>) -> bool {
    match record {
        Record::Contact(c) => Some(c.supporter) != me,
        Record::CheckIn(c) => Some(c.supporter) != me,
        Record::Case(_) => new,
        Record::Referral(_) | Record::Consent(_) => false,
        Record::TrustNote(n) => n.case.is_none() && n.relationship.is_none(),
        Record::Relationship(r) => r.case.is_none(),
        Record::Event(e) => e.case.is_none(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(user: &str, role: AccessRole) -> Reader {
        Reader {
            user: user.into(),
            role,
            person: None,
        }
    }

    #[test]
    fn every_row_names_a_kind_once_and_no_one_else_stops_the_server() {
        let mut kinds: Vec<_> = TABLE.iter().map(|r| r.kind).collect();
        kinds.sort_unstable();
        let n = kinds.len();
        kinds.dedup();
        assert_eq!(kinds.len(), n, "a kind in two rows");
        for role in [
            AccessRole::Coordinator,
            AccessRole::Supporter,
            AccessRole::Viewer,
        ] {
            assert!(ask(&reader("me", role), "me", &Ask::Stop).is_ok());
            let err = ask(&reader("them", role), "me", &Ask::Stop).unwrap_err();
            assert_eq!(err.error.code, ErrorCode::Forbidden);
        }
        let viewer = reader("v", AccessRole::Viewer);
        let err = ask(&viewer, "me", &Ask::Demo { scale: 0 }).unwrap_err();
        assert!(err.error.message.contains("only a coordinator"), "{err:?}");
        let save = Ask::Effect {
            effect: StoreEffect::Save {
                request: 1,
                ops: vec![],
            },
        };
        assert_eq!(
            ask(&viewer, "me", &save).unwrap_err().reason,
            Some(Reason::ReadOnlyRole)
        );
        let supporter = reader("s", AccessRole::Supporter);
        assert!(ask(&supporter, "me", &save).is_ok());
    }
}
