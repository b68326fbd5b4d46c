//! Forms change only what the user changed. Every edit form, opened on
//! every record of its kind in the demo (from each screen that edits it)
//! and saved unchanged, leaves the store as it was but for that record's
//! revision; each field changed alone changes only its own part of the
//! record; and each intent form (end a role, set trust, a referral's
//! step, withdraw a consent, correct a note, add a party), saved with its
//! defaults, records only what the intent says.

mod tui;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Days;
use serde_json::Value;
use triad::app::Action;
use triad::app::form::FieldKind;
use triad::app::forms::{FormKind, Key};
use triad::app::headless::Headless;
use triad::app::input::TextInput;
use triad::app::state::{CasePanel, PartyPanel, Screen, SupporterPanel};
use triad::app::supporters_view;
use triad::app::view::{self, Link, TimelineRow, TriadItem};
use triad::i18n::Lang;
use triad::model::{Id, Kind, Record};
use triad::store::Store;

/// Every record in the store, by id.
fn snapshot(store: &dyn Store) -> BTreeMap<Id, Record> {
    let mut out = BTreeMap::new();
    for kind in Kind::ALL {
        store
            .scan(kind, &mut |r| {
                out.insert(r.id(), r);
                true
            })
            .expect("scan");
    }
    out
}

fn all(store: &dyn Store, kind: Kind) -> Vec<Record> {
    snapshot(store)
        .into_values()
        .filter(|r| r.kind() == kind)
        .collect()
}

fn rev(store: &dyn Store, id: Id) -> u64 {
    store.revisions(&[id]).expect("revisions")[0]
}

/// Nothing open but the dashboard.
fn home(app: &mut Headless) {
    app.state.form = None;
    app.state.confirm = None;
    app.state.flash = None;
    app.state.stack.truncate(1);
}

/// The ids of the rows of a case panel, in the order shown.
fn case_rows(app: &Headless, panel: CasePanel) -> Vec<Option<Id>> {
    let Screen::Case(s) = app.state.screen() else {
        panic!("not on a case:\n{}", app.screen());
    };
    let d = s.detail.as_deref().expect("case loaded");
    match panel {
        CasePanel::Triad => view::triad_items(d)
            .iter()
            .map(|i| match i {
                TriadItem::Party(p) => Some(p.party),
                TriadItem::Relationship(r) => Some(r.id),
            })
            .collect(),
        CasePanel::Referrals => view::referral_rows(s, d)
            .iter()
            .map(|r| Some(r.referral().id))
            .collect(),
        CasePanel::Notes => view::note_rows(s, d, &app.state.cfg)
            .iter()
            .map(|n| Some(n.id))
            .collect(),
        CasePanel::Consents => view::consent_rows(s, d)
            .iter()
            .map(|c| Some(c.id))
            .collect(),
        CasePanel::Timeline => timeline_ids(&d.timelines, app),
        CasePanel::Audit => vec![],
    }
}

fn timeline_ids(timelines: &[triad::query::data::Timeline], app: &Headless) -> Vec<Option<Id>> {
    view::timeline_rows(timelines, app.state.today(), "")
        .iter()
        .map(|r| match r {
            TimelineRow::Partnership(p) => Some(p.id),
            TimelineRow::Event(_, e) => Some(e.id),
            TimelineRow::Year { .. } => None,
        })
        .collect()
}

/// Select the row of `id` in a panel of the case on screen.
fn select_in_case(app: &mut Headless, panel: CasePanel, id: Id) {
    let i = case_rows_on(app, panel)
        .iter()
        .position(|r| *r == Some(id))
        .unwrap_or_else(|| panic!("{id} not in {panel:?}:\n{}", app.screen()));
    if let Some(Screen::Case(s)) = app.state.stack.last_mut() {
        s.panel = panel;
        s.scroll[view::panel_index(panel)].sel = i;
    }
}

fn case_rows_on(app: &mut Headless, panel: CasePanel) -> Vec<Option<Id>> {
    if let Some(Screen::Case(s)) = app.state.stack.last_mut() {
        s.panel = panel;
    }
    case_rows(app, panel)
}

/// Select the row of `id` in a panel of the body or person on screen.
fn select_in_party(app: &mut Headless, panel: PartyPanel, id: Id) {
    let Screen::Party(s) = app.state.screen() else {
        panic!("not on a party:\n{}", app.screen());
    };
    let d = s.detail.as_deref().expect("party loaded");
    let rows: Vec<Option<Id>> = match panel {
        PartyPanel::Affiliations => view::affiliation_rows(s, d)
            .iter()
            .map(|a| Some(a.id))
            .collect(),
        PartyPanel::Timeline => timeline_ids(&d.timelines, app),
        PartyPanel::Cases => vec![],
    };
    let i = rows
        .iter()
        .position(|r| *r == Some(id))
        .unwrap_or_else(|| panic!("{id} not in {panel:?}:\n{}", app.screen()));
    if let Some(Screen::Party(s)) = app.state.stack.last_mut() {
        s.panel = panel;
        s.scroll[view::party_panel_index(panel)].sel = i;
    }
}

/// Where an edit form on a record is opened from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Via {
    /// The record's own screen (its view, its page, its case).
    Own,
    /// An event or partnership on the timeline of a party's page.
    Timeline,
    /// A peer supporter's view (their profile, a course's progress).
    Supporter,
}

/// Open the form that edits `r`, as a coordinator would.
fn open_edit(app: &mut Headless, store: &dyn Store, r: &Record, via: Via) {
    home(app);
    let id = r.id();
    match (r, via) {
        (Record::Case(_), _) => app.open(Link::Case(id)),
        (Record::Referral(_) | Record::Event(_) | Record::Consent(_), Via::Own) => {
            app.open(Link::Record(id))
        }
        (Record::Body(_) | Record::Person(_), Via::Own) => app.open(Link::Party(id)),
        (Record::Person(_), Via::Supporter) => app.open(Link::Supporter(id)),
        (Record::Affiliation(a), _) => {
            app.open(Link::Party(a.person));
            select_in_party(app, PartyPanel::Affiliations, id);
        }
        (Record::Partnership(p), _) => {
            app.open(Link::Party(p.parties[0]));
            select_in_party(app, PartyPanel::Timeline, id);
        }
        (Record::Event(e), Via::Timeline) => {
            let p = e.partnership.expect("an event on a timeline");
            let Some(Record::Partnership(p)) = store.get(p).expect("get") else {
                panic!("{p} is not a partnership");
            };
            app.open(Link::Party(p.parties[0]));
            select_in_party(app, PartyPanel::Timeline, id);
        }
        (Record::Enrolment(e), _) => {
            app.open(Link::Supporter(e.person));
            let Screen::Supporter(s) = app.state.screen() else {
                panic!("not on a supporter:\n{}", app.screen());
            };
            let d = s.detail.as_deref().expect("supporter loaded");
            let i = d
                .row
                .trainings
                .iter()
                .position(|t| t.enrolment.id == id)
                .unwrap_or_else(|| panic!("{id} not in training:\n{}", app.screen()));
            if let Some(Screen::Supporter(s)) = app.state.stack.last_mut() {
                s.panel = SupporterPanel::Training;
                s.scroll[supporters_view::panel_index(SupporterPanel::Training)].sel = i;
            }
            app.act(Action::TrainingProgress);
            return;
        }
        other => panic!("no edit form for {other:?}"),
    }
    app.act(Action::Edit);
}

/// The form's complaints, for a failure message.
fn complaints(app: &Headless) -> String {
    let Some(f) = &app.state.form else {
        return format!("no form; {:?}", app.state.flash);
    };
    let mut out: Vec<String> = f
        .fields
        .iter()
        .filter_map(|x| x.error.as_ref().map(|e| format!("{}: {e}", x.label)))
        .collect();
    out.extend(f.error.clone());
    out.join("; ")
}

fn form_kind(app: &Headless, what: &str) -> FormKind {
    match &app.state.form {
        Some(f) => f.kind.clone(),
        None => panic!(
            "no form for {what}: {:?}\n{}",
            app.state.flash,
            app.screen()
        ),
    }
}

/// Save the open form; `Err` with what it said when it stays open.
fn try_save(app: &mut Headless) -> Result<(), String> {
    app.act(Action::Save);
    match &app.state.form {
        None => Ok(()),
        Some(_) => Err(complaints(app)),
    }
}

/// The records an edit form exists for, each with where it is opened.
fn edit_targets(store: &dyn Store) -> Vec<(Record, Via)> {
    let mut out = Vec::new();
    for r in snapshot(store).into_values() {
        match &r {
            Record::Case(_)
            | Record::Body(_)
            | Record::Affiliation(_)
            | Record::Referral(_)
            | Record::Consent(_)
            | Record::Partnership(_) => out.push((r, Via::Own)),
            Record::Person(p) => {
                if triad::query::supporters::is_supporter(p) {
                    out.push((r.clone(), Via::Supporter));
                }
                out.push((r, Via::Own));
            }
            Record::Event(e) => {
                if e.partnership.is_some() {
                    out.push((r.clone(), Via::Timeline));
                }
                out.push((r, Via::Own));
            }
            Record::Enrolment(_) => out.push((r, Via::Supporter)),
            _ => {}
        }
    }
    out
}

/// Every record but `except` as it was.
fn assert_rest_unchanged(
    before: &BTreeMap<Id, Record>,
    after: &BTreeMap<Id, Record>,
    except: &[Id],
    what: &str,
) {
    let keys = |m: &BTreeMap<Id, Record>| m.keys().copied().collect::<BTreeSet<_>>();
    assert_eq!(keys(before), keys(after), "{what}: records came or went");
    for (id, r) in before {
        if !except.contains(id) {
            assert_eq!(Some(r), after.get(id), "{what} changed {id}");
        }
    }
}

fn unchanged_round_trip(lang: Lang) {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, lang, 100, 30);
    let mut seen: BTreeMap<(Kind, String), usize> = BTreeMap::new();
    for (r, via) in edit_targets(store) {
        let id = r.id();
        let what = format!("{id} via {via:?} ({lang:?})");
        let before = snapshot(store);
        let rev_before = rev(store, id);
        open_edit(&mut app, store, &r, via);
        let kind = form_kind(&app, &what);
        let form = app.state.form.as_ref().expect("form");
        assert!(!form.dirty(), "{what}: a form just opened is not dirty");
        // Every choice field offers what the record holds: more than one
        // option where there is a choice to make.
        for f in &form.fields {
            if let FieldKind::Choice(opts) = &f.kind {
                assert!(opts.len() > 1, "{what}: {} offers only {opts:?}", f.label);
            }
        }
        if let Err(e) = try_save(&mut app) {
            panic!(
                "{what}: saving it unchanged was refused: {e}\n{}",
                app.screen()
            );
        }
        let after = snapshot(store);
        assert_eq!(
            after.get(&id),
            before.get(&id),
            "{what}: saved unchanged, the record changed"
        );
        assert!(
            rev(store, id) > rev_before,
            "{what}: the save did not reach the store"
        );
        assert_rest_unchanged(&before, &after, &[], &what);
        // An edit says it saved, not a step that did not happen.
        if matches!(kind, FormKind::Edit { .. }) {
            let said = match &app.state.flash {
                Some(triad::app::state::Flash::Ok(m)) => m.clone(),
                other => panic!("{what}: no saved message: {other:?}"),
            };
            let saved = lang.t("Saved", "保存しました");
            assert_eq!(said, format!("{saved} {id}"), "{what}");
        }
        let form = match kind {
            FormKind::Edit { .. } => "edit",
            FormKind::SupporterProfile { .. } => "profile",
            FormKind::TrainingProgress { .. } => "training",
            other => panic!("{what}: opened {other:?}"),
        };
        *seen.entry((id.kind, form.to_string())).or_default() += 1;
    }
    // Every record of each kind was opened and saved, from each place.
    let count = |k| all(store, k).len();
    let events_on_timelines = all(store, Kind::Event)
        .iter()
        .filter(|r| matches!(r, Record::Event(e) if e.partnership.is_some()))
        .count();
    let supporters = all(store, Kind::Person)
        .iter()
        .filter(|r| matches!(r, Record::Person(p) if triad::query::supporters::is_supporter(p)))
        .count();
    let want: BTreeMap<(Kind, String), usize> = [
        ((Kind::Case, "edit"), count(Kind::Case)),
        ((Kind::Body, "edit"), count(Kind::Body)),
        ((Kind::Person, "edit"), count(Kind::Person)),
        ((Kind::Person, "profile"), supporters),
        ((Kind::Affiliation, "edit"), count(Kind::Affiliation)),
        ((Kind::Referral, "edit"), count(Kind::Referral)),
        ((Kind::Consent, "edit"), count(Kind::Consent)),
        ((Kind::Partnership, "edit"), count(Kind::Partnership)),
        (
            (Kind::Event, "edit"),
            count(Kind::Event) + events_on_timelines,
        ),
        ((Kind::Enrolment, "training"), count(Kind::Enrolment)),
    ]
    .into_iter()
    .map(|((k, f), n)| ((k, f.to_string()), n))
    .collect();
    assert_eq!(seen, want);
    assert!(
        want.values().all(|n| *n > 0),
        "the demo has each kind: {want:?}"
    );
}

#[test]
fn every_edit_form_saved_unchanged_keeps_its_record() {
    unchanged_round_trip(Lang::En);
}

#[test]
fn every_edit_form_saved_unchanged_keeps_its_record_in_japanese() {
    unchanged_round_trip(Lang::Ja);
}

/// The event form on a record view offers every partnership and starts
/// on the event's own (it offered only "(none)" and saved it).
#[test]
fn an_events_form_offers_every_partnership_and_keeps_its_own() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    let partnerships: Vec<String> = all(store, Kind::Partnership)
        .iter()
        .map(|r| r.id().to_string())
        .collect();
    let id: Id = "E-0020".parse().expect("id");
    let Some(Record::Event(e)) = store.get(id).expect("get") else {
        panic!("no E-0020");
    };
    assert!(e.partnership.is_some());
    open_edit(&mut app, store, &Record::Event(e.clone()), Via::Own);
    let form = app.state.form.as_ref().expect("form");
    let field = form.field(Key::Partnership).expect("partnership field");
    let FieldKind::Choice(opts) = &field.kind else {
        panic!("not a choice");
    };
    let offered: Vec<String> = opts.iter().skip(1).map(|o| o.0.clone()).collect();
    assert_eq!(offered, partnerships);
    assert_eq!(
        form.code(Key::Partnership),
        e.partnership.map(|p| p.to_string()).unwrap_or_default()
    );
    try_save(&mut app).expect("saved");
    assert_eq!(store.get(id).expect("get"), Some(Record::Event(e)));
}

// ------------------------------------------------------ one field alone

/// What a record holds, field by field (a supporter's profile field by
/// field too, as `supporter.status`), for comparing two versions.
fn fields_of(r: &Record) -> BTreeMap<String, Value> {
    let Value::Object(m) = serde_json::to_value(r).expect("json") else {
        panic!("not an object");
    };
    let mut out = BTreeMap::new();
    for (k, v) in m {
        match (k.as_str(), &v) {
            ("supporter", Value::Object(p)) => {
                for (pk, pv) in p {
                    out.insert(format!("supporter.{pk}"), pv.clone());
                }
            }
            _ => {
                out.insert(k, v);
            }
        }
    }
    out
}

/// The fields that differ between two versions of a record.
fn changed_fields(a: &Record, b: &Record) -> BTreeSet<String> {
    let (a, b) = (fields_of(a), fields_of(b));
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// The record fields a form field may change, given the form. Empty: the
/// field alone changes nothing (a status's date without a new status).
fn may_change(kind: &FormKind, record: &Record, key: Key) -> Vec<String> {
    let profile = matches!(kind, FormKind::SupporterProfile { .. });
    let names: Vec<&str> = match (record, key) {
        _ if profile => return vec![format!("supporter.{}", key.name())],
        (Record::Case(_), Key::Status) => vec!["status", "status_history", "changed"],
        (Record::Case(_), Key::On | Key::StatusNote) => vec![],
        (Record::Case(_), k) => vec![k.name(), "changed"],
        (Record::Event(_), Key::Peer | Key::Medical | Key::Government) => vec!["attendance"],
        (Record::Consent(_), Key::Intervention | Key::InformationSharing | Key::Information) => {
            vec!["scope"]
        }
        // Choosing a peer supporter's kind makes them one.
        (Record::Person(_), Key::PeerKind) => vec!["peer_kind", "roles"],
        (Record::Referral(_), Key::On | Key::Note) => vec![],
        (Record::Referral(_), Key::Step) => vec!["corrections"],
        (Record::Enrolment(_), Key::Year) => vec!["certificates"],
        (Record::Enrolment(_), Key::On) => vec![],
        (_, k) => vec![k.name()],
    };
    names.into_iter().map(str::to_string).collect()
}

/// Parties of a kind (`None`: any), by id, for party fields.
fn parties(app: &Headless, kind: Option<Kind>) -> Vec<Id> {
    let mut ids: Vec<Id> = app
        .state
        .data
        .names
        .keys()
        .copied()
        .filter(|i| kind.is_none_or(|k| i.kind == k))
        .collect();
    ids.sort();
    ids
}

fn party_kind(key: Key) -> Option<Kind> {
    match key {
        Key::Client | Key::Coordinator | Key::Person | Key::Supervisor => Some(Kind::Person),
        Key::Parent | Key::Body => Some(Kind::Body),
        _ => None,
    }
}

/// A field's value changed: what to try, in order, until one is taken.
enum Try {
    Text(String),
    Choice(usize),
}

fn tries(app: &Headless, field_index: usize) -> Vec<Try> {
    let form = app.state.form.as_ref().expect("form");
    let f = &form.fields[field_index];
    let v = f.input.text.clone();
    let today = app.state.today();
    let day = |d: chrono::NaiveDate, n: i64| {
        if n < 0 {
            d.checked_sub_days(Days::new(n.unsigned_abs()))
        } else {
            d.checked_add_days(Days::new(n.unsigned_abs()))
        }
        .expect("date")
        .to_string()
    };
    let texts: Vec<String> = match &f.kind {
        FieldKind::Choice(opts) => {
            return (1..opts.len())
                .map(|d| Try::Choice((f.choice + d) % opts.len()))
                .collect();
        }
        FieldKind::Fixed => vec![],
        FieldKind::Date => match triad::app::form::parse_date(&v) {
            Some(d) => vec![day(d, -1), day(d, 1), String::new()],
            None => {
                let start = triad::app::form::parse_date(form.value(Key::Date));
                let mut v = vec![day(today, -1), day(today, 0), day(today, 30)];
                v.extend(start.map(|d| day(d, 1)));
                v
            }
        },
        FieldKind::Number => match triad::app::form::parse_number(&v) {
            Some(n) => vec![(n + 1).to_string(), String::new()],
            None => vec!["3".into(), "2024".into()],
        },
        FieldKind::Party => {
            let mut v: Vec<String> = if f.required || v.is_empty() {
                vec![]
            } else {
                vec![String::new()]
            };
            v.extend(
                parties(app, party_kind(f.key))
                    .into_iter()
                    .map(|i| i.to_string())
                    .filter(|i| *i != f.input.text)
                    .take(6),
            );
            v
        }
        FieldKind::Parties => parties(app, None)
            .into_iter()
            .map(|i| i.to_string())
            .filter(|i| !v.contains(i.as_str()))
            .take(4)
            .map(|i| if v.is_empty() { i } else { format!("{v}, {i}") })
            .collect(),
        FieldKind::Text | FieldKind::Multi => match f.key {
            Key::Roles => ["Nurse", "Official", "Other"]
                .into_iter()
                .map(|r| {
                    if v.is_empty() {
                        r.to_string()
                    } else {
                        format!("{v}, {r}")
                    }
                })
                .collect(),
            Key::Course => ["", "G-0001", "G-0002"]
                .into_iter()
                .filter(|c| *c != v)
                .map(str::to_string)
                .collect(),
            _ if v.is_empty() => vec!["x".into()],
            _ => vec![format!("{v} x")],
        },
    };
    texts.into_iter().map(Try::Text).collect()
}

fn apply(app: &mut Headless, field_index: usize, t: &Try) {
    let f = &mut app.state.form.as_mut().expect("form").fields[field_index];
    match t {
        Try::Text(s) => f.input = TextInput::new(s),
        Try::Choice(i) => f.choice = *i,
    }
}

/// For each field of the form on `r`: change it alone, save, and check
/// the record changed in that field only (and nothing else in the store).
fn each_field_alone(app: &mut Headless, store: &dyn Store, r: &Record, via: Via) {
    open_edit(app, store, r, via);
    let n = app.state.form.as_ref().expect("form").fields.len();
    for i in 0..n {
        let record = store.get(r.id()).expect("get").expect("record");
        open_edit(app, store, &record, via);
        let kind = form_kind(app, "field");
        let field = app.state.form.as_ref().expect("form").fields[i].clone();
        if field.kind == FieldKind::Fixed {
            continue;
        }
        let what = format!("{} via {via:?}: {} ({:?})", r.id(), field.label, field.key);
        let may = may_change(&kind, &record, field.key);
        let mut taken = false;
        let mut said = Vec::new();
        for t in tries(app, i) {
            let before = snapshot(store);
            open_edit(app, store, &record, via);
            if field.key == Key::Step && matches!(t, Try::Choice(_)) {
                // A step's correction needs its date and note too.
                let form = app.state.form.as_mut().expect("form");
                for f in &mut form.fields {
                    match f.key {
                        Key::On => f.input = TextInput::new("2024-01-02"),
                        Key::Note => f.input = TextInput::new("corrected"),
                        _ => {}
                    }
                }
            }
            apply(app, i, &t);
            if let Err(e) = try_save(app) {
                // The consent rule keeps what a sending relied on (a case's
                // client, a consent's receivers, a sent referral's
                // receiver): refused, nothing written.
                if e.contains("was sent under") || e.contains("was already sent to") {
                    assert_eq!(before, snapshot(store), "{what}: refused yet written");
                    taken = true;
                    break;
                }
                said.push(e);
                continue;
            }
            let after = snapshot(store);
            let now = after.get(&r.id()).expect("still there");
            let changed = changed_fields(&record, now);
            assert_rest_unchanged(&before, &after, &[r.id()], &what);
            if may.is_empty() {
                assert!(changed.is_empty(), "{what} alone changed {changed:?}");
                taken = true;
                break;
            }
            if changed.is_empty() {
                said.push("nothing changed".into());
                continue;
            }
            let allowed: BTreeSet<String> = may.iter().cloned().collect();
            assert!(
                changed.is_subset(&allowed),
                "{what}: changed {changed:?}, may change only {allowed:?}\nwas {record:?}\nnow {now:?}"
            );
            taken = true;
            break;
        }
        assert!(taken, "{what}: no change was taken: {said:?}");
    }
}

/// One record of each kind, each field of its form changed alone.
#[test]
fn each_field_changed_alone_changes_only_itself() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    let mut done = BTreeSet::new();
    for (r, via) in edit_targets(store) {
        // The fullest record of each kind and place: most fields set.
        let key = (r.kind(), format!("{via:?}"));
        if done.contains(&key) {
            continue;
        }
        let fullest = edit_targets(store)
            .into_iter()
            .filter(|(x, v)| x.kind() == r.kind() && *v == via)
            .max_by_key(|(x, _)| {
                fields_of(x)
                    .values()
                    .filter(|v| !v.is_null() && *v != "" && *v != &Value::Array(vec![]))
                    .count()
            })
            .map(|(x, _)| x)
            .expect("one");
        each_field_alone(&mut app, store, &fullest, via);
        done.insert(key);
    }
    assert_eq!(done.len(), 11, "{done:?}");
}

// ------------------------------------------------------------- intents

/// The records saved: `changed` ones changed, the rest as they were;
/// returns the records that are new.
fn only_these_changed(
    before: &BTreeMap<Id, Record>,
    after: &BTreeMap<Id, Record>,
    changed: &[Id],
    what: &str,
) -> Vec<Record> {
    for (id, r) in before {
        if !changed.contains(id) {
            assert_eq!(Some(r), after.get(id), "{what} changed {id}");
        }
    }
    after
        .iter()
        .filter(|(id, _)| !before.contains_key(id))
        .map(|(_, r)| r.clone())
        .collect()
}

/// Open a case on a panel with one of its rows selected, and act there.
fn on_case_row(app: &mut Headless, case: Id, panel: CasePanel, row: Id, action: Action) {
    home(app);
    app.open(Link::Case(case));
    select_in_case(app, panel, row);
    app.act(action);
}

fn get(store: &dyn Store, id: Id) -> Record {
    store.get(id).expect("get").expect("record")
}

fn case_of(r: &Record) -> &triad::model::Case {
    match r {
        Record::Case(c) => c,
        other => panic!("not a case: {other:?}"),
    }
}

#[test]
fn ending_a_role_with_its_defaults_ends_only_that_role() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    let today = app.state.today();
    let mut ended = 0;
    for case in all(store, Kind::Case) {
        let c = case_of(&case).clone();
        for p in c
            .parties
            .iter()
            .filter(|p| p.until.is_none() && p.from <= today)
        {
            let what = format!("end {} in {}", p.party, c.id);
            let before = snapshot(store);
            let was = case_of(&before[&c.id]).clone();
            on_case_row(&mut app, c.id, CasePanel::Triad, p.party, Action::EndRole);
            assert!(
                matches!(form_kind(&app, &what), FormKind::EndRole { .. }),
                "{what}"
            );
            try_save(&mut app).unwrap_or_else(|e| panic!("{what}: {e}"));
            let after = snapshot(store);
            assert!(only_these_changed(&before, &after, &[c.id], &what).is_empty());
            let now = case_of(&after[&c.id]);
            let mut want = was.parties.clone();
            let i = want
                .iter()
                .position(|x| x.party == p.party && x.until.is_none())
                .expect("active");
            want[i].until = Some(today);
            assert_eq!(now.parties, want, "{what}");
            let changed = changed_fields(&Record::Case(was), &after[&c.id]);
            assert!(
                changed.is_subset(&["parties".to_string(), "changed".into()].into()),
                "{what}: {changed:?}"
            );
            ended += 1;
        }
    }
    assert!(ended > 10, "{ended} roles ended");
}

/// Each relationship with a case that shows it in its triad.
fn relationships_in_cases(app: &mut Headless, store: &dyn Store) -> Vec<(Id, Record)> {
    let mut out: BTreeMap<Id, (Id, Record)> = BTreeMap::new();
    for case in all(store, Kind::Case) {
        home(app);
        app.open(Link::Case(case.id()));
        for id in case_rows_on(app, CasePanel::Triad).into_iter().flatten() {
            if id.kind == Kind::Relationship {
                out.entry(id).or_insert_with(|| (case.id(), get(store, id)));
            }
        }
    }
    let found: Vec<(Id, Record)> = out.into_values().collect();
    // The rest (between parties of no one case) have no trust form.
    assert!(found.len() >= 5, "{} relationships in cases", found.len());
    found
}

#[test]
fn setting_trust_with_its_defaults_adds_one_dated_level_and_nothing_else() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    let today = app.state.today();
    let mut set = 0;
    for (case, r) in relationships_in_cases(&mut app, store) {
        let Record::Relationship(rel) = &r else {
            continue;
        };
        if rel.trust.last().is_some_and(|t| t.on > today) {
            continue;
        }
        let what = format!("trust on {}", rel.id);
        let before = snapshot(store);
        on_case_row(&mut app, case, CasePanel::Triad, rel.id, Action::SetTrust);
        assert!(
            matches!(
                form_kind(&app, &what),
                FormKind::SetTrust {
                    relationship: Some(_),
                    ..
                }
            ),
            "{what}"
        );
        let level: u8 = app
            .state
            .form
            .as_ref()
            .expect("form")
            .code(Key::Trust)
            .parse()
            .expect("a level is chosen");
        // The level shown first is the one it has.
        if let Some(last) = rel.trust.last() {
            assert_eq!(level, last.level.get(), "{what}");
        }
        try_save(&mut app).unwrap_or_else(|e| panic!("{what}: {e}"));
        let after = snapshot(store);
        assert!(only_these_changed(&before, &after, &[rel.id], &what).is_empty());
        let Record::Relationship(now) = &after[&rel.id] else {
            panic!("{what}: not a relationship");
        };
        assert_eq!(
            changed_fields(&r, &after[&rel.id]),
            ["trust".to_string()].into()
        );
        assert_eq!(now.trust[..rel.trust.len()], rel.trust[..], "{what}");
        assert_eq!(now.trust.len(), rel.trust.len() + 1, "{what}");
        let added = now.trust.last().expect("added");
        assert_eq!((added.on, added.level.get()), (today, level), "{what}");
        set += 1;
    }
    assert!(set >= 5, "{set} trust levels set");
}

#[test]
fn a_referral_step_with_its_defaults_adds_one_step_and_nothing_else() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    let today = app.state.today();
    let mut moved = 0;
    for r in all(store, Kind::Referral) {
        let Record::Referral(was) = &r else { continue };
        let last = was.history.last().expect("history").on;
        if !was.status().is_open() || last > today {
            continue;
        }
        let what = format!("step on {}", was.id);
        let before = snapshot(store);
        on_case_row(
            &mut app,
            was.case,
            CasePanel::Referrals,
            was.id,
            Action::AdvanceReferral,
        );
        assert!(
            matches!(form_kind(&app, &what), FormKind::AdvanceReferral { .. }),
            "{what}"
        );
        let status = app
            .state
            .form
            .as_ref()
            .expect("form")
            .code(Key::Status)
            .to_string();
        if let Err(e) = try_save(&mut app) {
            // Sending needs a consent or a coordinator's reason: given,
            // it is the step's own (its provision), nothing else.
            assert!(status == "sent", "{what}: {status}: {e}");
            let form = app.state.form.as_mut().expect("form");
            let f = form
                .fields
                .iter_mut()
                .find(|f| f.key == Key::OverrideReason)
                .unwrap_or_else(|| panic!("{what}: {e}"));
            f.input = TextInput::new("asked by phone");
            try_save(&mut app).unwrap_or_else(|e| panic!("{what}: {e}"));
        }
        let after = snapshot(store);
        assert!(only_these_changed(&before, &after, &[was.id], &what).is_empty());
        let Record::Referral(now) = &after[&was.id] else {
            panic!("{what}: not a referral");
        };
        assert_eq!(
            changed_fields(&r, &after[&was.id]),
            ["history".to_string()].into(),
            "{what}"
        );
        assert_eq!(now.history[..was.history.len()], was.history[..], "{what}");
        assert_eq!(now.history.len(), was.history.len() + 1, "{what}");
        let step = now.history.last().expect("step");
        assert_eq!(
            (serde_json::to_value(step.status).expect("json"), step.on),
            (Value::String(status), today),
            "{what}"
        );
        moved += 1;
    }
    assert!(moved > 3, "{moved} referrals moved");
}

#[test]
fn withdrawing_a_consent_with_its_defaults_sets_only_its_date() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    let today = app.state.today();
    let mut withdrawn = 0;
    for r in all(store, Kind::Consent) {
        let Record::Consent(c) = &r else { continue };
        if c.withdrawn_on.is_some() || c.given_on > today {
            continue;
        }
        let what = format!("withdraw {}", c.id);
        let before = snapshot(store);
        on_case_row(
            &mut app,
            c.case,
            CasePanel::Consents,
            c.id,
            Action::WithdrawConsent,
        );
        assert!(
            matches!(form_kind(&app, &what), FormKind::WithdrawConsent { .. }),
            "{what}"
        );
        try_save(&mut app).unwrap_or_else(|e| panic!("{what}: {e}"));
        let after = snapshot(store);
        assert!(only_these_changed(&before, &after, &[c.id], &what).is_empty());
        let mut want = c.clone();
        want.withdrawn_on = Some(today);
        assert_eq!(after[&c.id], Record::Consent(want), "{what}");
        withdrawn += 1;
    }
    assert!(withdrawn > 2, "{withdrawn} consents withdrawn");
}

#[test]
fn a_note_corrected_unchanged_adds_a_copy_and_keeps_the_original() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    let mut corrected = 0;
    for case in all(store, Kind::Case) {
        home(&mut app);
        app.open(Link::Case(case.id()));
        let notes: Vec<Id> = case_rows_on(&mut app, CasePanel::Notes)
            .into_iter()
            .flatten()
            .collect();
        for id in notes {
            let what = format!("correct {id}");
            let Record::TrustNote(old) = get(store, id) else {
                panic!("{what}: not a note");
            };
            let before = snapshot(store);
            on_case_row(&mut app, case.id(), CasePanel::Notes, id, Action::Edit);
            assert!(
                matches!(form_kind(&app, &what), FormKind::CorrectNote { .. }),
                "{what}"
            );
            try_save(&mut app).unwrap_or_else(|e| panic!("{what}: {e}"));
            let after = snapshot(store);
            let new = only_these_changed(&before, &after, &[], &what);
            let [Record::TrustNote(n)] = new.as_slice() else {
                panic!("{what}: added {new:?}");
            };
            let mut want = old.clone();
            want.id = n.id;
            want.corrects = Some(old.id);
            want.trust_change = None;
            want.author.clone_from(&n.author);
            want.at = n.at;
            assert_eq!(*n, want, "{what}");
            corrected += 1;
        }
    }
    assert!(corrected > 3, "{corrected} notes corrected");
}

#[test]
fn adding_a_party_or_a_note_records_only_that() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    let today = app.state.today();
    let mut added = 0;
    for case in all(store, Kind::Case) {
        let c = case_of(&case).clone();
        // A body not in the triad joins it with a role.
        let body = parties(&app, Some(Kind::Body))
            .into_iter()
            .find(|b| !c.parties.iter().any(|p| p.party == *b))
            .expect("a body outside the triad");
        let what = format!("add {body} to {}", c.id);
        let before = snapshot(store);
        home(&mut app);
        app.open(Link::Case(c.id));
        app.act(Action::AddParty);
        assert!(matches!(form_kind(&app, &what), FormKind::AddParty { .. }));
        app.type_text(&body.to_string());
        app.press("<Tab><Tab>");
        app.type_text("advice");
        try_save(&mut app).unwrap_or_else(|e| panic!("{what}: {e}"));
        let after = snapshot(store);
        assert!(only_these_changed(&before, &after, &[c.id], &what).is_empty());
        let now = case_of(&after[&c.id]);
        assert_eq!(now.parties[..c.parties.len()], c.parties[..], "{what}");
        let p = &now.parties[c.parties.len()..];
        assert!(
            matches!(p, [p] if p.party == body && p.role == "advice" && p.from == today && p.until.is_none()),
            "{what}: {p:?}"
        );
        let changed = changed_fields(&case, &after[&c.id]);
        assert!(
            changed.is_subset(&["parties".to_string(), "changed".into()].into()),
            "{what}: {changed:?}"
        );
        added += 1;
    }
    // A note on a relationship, its trust left as it is: the note alone.
    for (case, r) in relationships_in_cases(&mut app, store) {
        let Record::Relationship(rel) = &r else {
            continue;
        };
        let what = format!("note on {}", rel.id);
        let before = snapshot(store);
        on_case_row(&mut app, case, CasePanel::Triad, rel.id, Action::AddNote);
        let form = app.state.form.as_mut().expect("form");
        let text = form
            .fields
            .iter_mut()
            .find(|f| f.key == Key::Text)
            .expect("text");
        text.input = TextInput::new("spoke today");
        try_save(&mut app).unwrap_or_else(|e| panic!("{what}: {e}"));
        let after = snapshot(store);
        let new = only_these_changed(&before, &after, &[], &what);
        assert!(
            matches!(new.as_slice(), [Record::TrustNote(n)] if n.relationship == Some(rel.id) && n.trust_change.is_none()),
            "{what}: {new:?}"
        );
        added += 1;
    }
    let shown = relationships_in_cases(&mut app, store).len();
    assert_eq!(added, all(store, Kind::Case).len() + shown);
}

/// The event form as the coordinator who found the bug reached it
/// (`:` E-0020 Enter, `i`): its partnership shown, one of all of them.
#[test]
fn event_form_snapshots() {
    let demo = tui::demo_store();
    for lang in [Lang::En, Lang::Ja] {
        let tag = if lang.is_ja() { "ja" } else { "en" };
        for (w, h) in [(80, 24), (160, 48)] {
            let mut app = tui::app(&demo, lang, w, h);
            app.press(":");
            app.type_text("E-0020");
            app.press("<CR>");
            app.press("i");
            assert!(
                matches!(form_kind(&app, "E-0020"), FormKind::Edit { record, .. } if record.to_string() == "E-0020")
            );
            insta::assert_snapshot!(format!("event_form_{tag}_{w}x{h}"), app.screen());
        }
    }
}
