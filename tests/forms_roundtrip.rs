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

fn timeline_ids(timelines: &[triad::app::data::Timeline], app: &Headless) -> Vec<Option<Id>> {
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
                if triad::app::supporters::is_supporter(p) {
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
        .filter(|r| matches!(r, Record::Person(p) if triad::app::supporters::is_supporter(p)))
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
