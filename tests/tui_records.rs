//! Detail views of a referral, an event, a trust note and a consent:
//! opened with Enter from every list, dashboard line and finder hit that
//! names one, each field shown in full (wrapped, scrolled) at 80x24, in
//! English and Japanese; and the facts tables used to cut at 80 columns.

mod tui;

use triad::app::headless::Headless;
use triad::app::state::{CasePanel, CaseScreen, Screen};
use triad::app::view;
use triad::i18n::Lang;
use triad::model::{
    AccessRole, Case, Confidentiality, Consent, Event, Id, Kind, Reader, Record, Referral,
    TrustNote,
};
use triad::query::data::CaseDetail;
use triad::store::{Scope, StoreError, StoreExt};

const LANGS: [Lang; 2] = [Lang::En, Lang::Ja];

/// The first case hit of the finder for `query`, opened.
fn open_case(app: &mut Headless, query: &str) {
    app.press("<C-p>");
    app.type_text(query);
    let hits = &app.state.finder.as_ref().expect("finder open").hits;
    let n = hits
        .iter()
        .position(|h| h.id.kind == Kind::Case)
        .unwrap_or_else(|| panic!("no case hit for {query}"));
    for _ in 0..n {
        app.press("<Down>");
    }
    app.press("<CR>");
    assert!(detail_of(app).is_some(), "{}", app.screen());
}

fn case_screen(app: &Headless) -> &CaseScreen {
    match app.state.screen() {
        Screen::Case(c) => c,
        other => panic!("not on a case: {other:?}"),
    }
}

fn detail_of(app: &Headless) -> Option<CaseDetail> {
    match app.state.screen() {
        Screen::Case(c) => c.detail.as_deref().cloned(),
        _ => None,
    }
}

fn detail(app: &Headless) -> CaseDetail {
    detail_of(app).expect("case loaded")
}

/// Tab to a panel of the case view.
fn to_panel(app: &mut Headless, panel: CasePanel) {
    for _ in 0..CasePanel::ALL.len() {
        if case_screen(app).panel == panel {
            return;
        }
        app.press("<Tab>");
    }
    panic!("panel {panel:?} not reached");
}

/// Move the selection in the current list to row `i`.
fn select(app: &mut Headless, i: usize) {
    app.press("gg");
    for _ in 0..i {
        app.press("j");
    }
}

/// The record view's id on top of the stack.
fn record_on_top(app: &Headless) -> Id {
    match app.state.screen() {
        Screen::Record(r) => {
            assert!(r.detail.is_some(), "not loaded: {}", app.screen());
            r.id
        }
        other => panic!("not on a record view: {other:?}\n{}", app.screen()),
    }
}

/// Everything the record view shows, read off the screen from its first
/// line to its last by scrolling with `j`, whitespace removed (wrapping
/// breaks lines, and continuation lines are indented under the labels).
fn record_text(app: &mut Headless) -> String {
    let (_, h) = app.state.size;
    // Header and title rule above, footer below.
    let body = |s: &str| -> Vec<String> {
        s.lines()
            .skip(2)
            .take(usize::from(h) - 3)
            .map(str::to_string)
            .collect()
    };
    app.press("gg");
    let mut screen = app.screen();
    let mut out = body(&screen);
    for _ in 0..500 {
        app.press("j");
        let next = app.screen();
        if next == screen {
            break;
        }
        out.push(body(&next).last().cloned().unwrap_or_default());
        screen = next;
    }
    app.press("gg");
    squash(&out.concat())
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_shows(app: &mut Headless, want: &[&str]) {
    let all = record_text(app);
    for w in want {
        assert!(
            all.contains(&squash(w)),
            "{w:?} is not shown in full:\n{}\n(all: {all})",
            app.screen()
        );
    }
}

fn name(d: &CaseDetail, id: Id) -> String {
    d.names.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

/// Open a case, go to `panel`, select the row where `pick` finds it, press
/// Enter: the view of record `id` is on top. Returns the detail.
fn open_row(
    app: &mut Headless,
    query: &str,
    panel: CasePanel,
    row: impl Fn(&CaseScreen, &CaseDetail) -> (usize, Id),
) -> (CaseDetail, Id) {
    open_case(app, query);
    to_panel(app, panel);
    let d = detail(app);
    let (at, id) = row(case_screen(app), &d);
    select(app, at);
    app.press("<CR>");
    assert_eq!(record_on_top(app), id, "{}", app.screen());
    (d, id)
}

#[test]
fn enter_on_a_referral_shows_every_field_and_step_in_full() {
    let demo = tui::demo_store();
    for lang in LANGS {
        let mut app = tui::app(&demo, lang, 80, 24);
        // Gunma's declined referral: a reason, who declined, why, steps.
        let (d, id) = open_row(
            &mut app,
            "群馬 パーキンソン病",
            CasePanel::Referrals,
            |s, d| {
                let rows = view::referral_rows(s, d);
                let at = rows
                    .iter()
                    .position(|r| r.referral().declined_by.is_some())
                    .expect("the demo has a declined referral");
                (at, rows[at].referral().id)
            },
        );
        let r = d.referrals.iter().find(|r| r.id == id).unwrap().clone();
        let (from, to) = (name(&d, r.from), name(&d, r.to));
        let mut want = vec![
            r.reason.as_str(),
            r.decline_reason.as_str(),
            from.as_str(),
            to.as_str(),
            lang.t("Why declined", "辞退の理由"),
            lang.declined_by(r.declined_by.unwrap()),
        ];
        for step in &r.history {
            want.push(step.by.as_str());
            want.push(step.note.as_str());
            want.push(lang.referral_status(step.status));
        }
        let dates: Vec<String> = r.history.iter().map(|s| s.on.to_string()).collect();
        want.extend(dates.iter().map(String::as_str));
        assert!(!r.decline_reason.is_empty());
        assert_shows(&mut app, &want);
        // Back lands on the referral in its panel.
        app.press("<Esc>");
        assert_eq!(case_screen(&app).panel, CasePanel::Referrals);
    }
}

#[test]
fn enter_on_a_consent_shows_its_scope_dates_and_status_today() {
    let demo = tui::demo_store();
    for lang in LANGS {
        let mut app = tui::app(&demo, lang, 80, 24);
        let (d, id) = open_row(
            &mut app,
            "群馬 パーキンソン病",
            CasePanel::Consents,
            |s, d| (0, view::consent_rows(s, d)[0].id),
        );
        let c: Consent = demo.store.get_as(id).unwrap().unwrap();
        let granted: Vec<String> = c.granted_to.iter().map(|p| name(&d, *p)).collect();
        let (given, expires) = (
            c.given_on.to_string(),
            c.expires_on.map(|e| e.to_string()).unwrap_or_default(),
        );
        let mut want = vec![
            c.obtained_how.as_str(),
            given.as_str(),
            expires.as_str(),
            lang.consent_status(c.status(tui::today())),
            lang.t("Information sharing", "情報共有"),
        ];
        want.extend(granted.iter().map(String::as_str));
        want.extend(c.scope.information.iter().map(String::as_str));
        assert!(!c.scope.information.is_empty() && c.granted_to.len() > 2);
        assert_shows(&mut app, &want);
    }
}

#[test]
fn enter_on_a_note_shows_its_whole_text_and_who_may_read_it() {
    let demo = tui::demo_store();
    for lang in LANGS {
        let mut app = tui::app(&demo, lang, 80, 24);
        let (_, id) = open_row(&mut app, "長崎 肺がん", CasePanel::Notes, |s, d| {
            let rows = view::note_rows(s, d, &tui::config(Lang::En, false, true));
            (0, rows[0].id)
        });
        let n: TrustNote = demo.store.get_as(id).unwrap().unwrap();
        // The note's one line in the list is cut at 80 columns.
        assert!(n.text.chars().count() > 60, "{}", n.text);
        assert_shows(
            &mut app,
            &[
                n.text.as_str(),
                n.author.as_str(),
                lang.confidentiality(n.confidentiality),
                lang.t("Author", "記録者"),
            ],
        );
    }
}

/// The Nagasaki case's timeline row of an event picked by `pick`.
fn nagasaki_event(app: &mut Headless, pick: impl Fn(&Event) -> bool) -> Event {
    open_case(app, "長崎 肺がん");
    to_panel(app, CasePanel::Timeline);
    let d = detail(app);
    let rows = view::timeline_rows(&d.timelines, tui::today(), "");
    let at = rows
        .iter()
        .position(|r| matches!(r, view::TimelineRow::Event(_, e) if pick(e)))
        .expect("the event is on the timeline");
    let view::TimelineRow::Event(_, e) = rows[at] else {
        unreachable!()
    };
    let e = e.clone();
    select(app, at);
    e
}

#[test]
fn enter_on_a_timeline_event_shows_attendance_with_not_counted_apart_from_zero() {
    let demo = tui::demo_store();
    for lang in LANGS {
        // 2023-01-07: all three sectors counted.
        let mut app = tui::app(&demo, lang, 80, 24);
        let e = nagasaki_event(&mut app, |e| e.date.to_string() == "2023-01-07");
        app.press("<CR>");
        assert_eq!(record_on_top(&app), e.id);
        let a = e.attendance.unwrap();
        let counts = [
            format!("{}{}", lang.sector(triad::model::Sector::PatientFamily), 8),
            format!("{}{}", lang.sector(triad::model::Sector::Medical), 16),
            format!("{}{}", lang.sector(triad::model::Sector::Government), 5),
        ];
        assert_eq!(
            (a.peer, a.medical, a.government),
            (Some(8), Some(16), Some(5))
        );
        let mut want: Vec<&str> = counts.iter().map(String::as_str).collect();
        want.extend([e.title.as_str(), lang.event_kind(e.kind), "2023-01-07"]);
        assert_shows(&mut app, &want);
        assert!(!record_text(&mut app).contains(&squash(lang.t("not counted", "集計なし"))));

        // An organiser training: medical staff only, the rest not counted.
        let mut app = tui::app(&demo, lang, 80, 24);
        let e = nagasaki_event(&mut app, |e| {
            e.attendance
                .is_some_and(|a| a.peer.is_none() && a.medical.is_some())
        });
        app.press("<CR>");
        assert_eq!(record_on_top(&app), e.id);
        let peer = format!(
            "{}{}",
            lang.sector(triad::model::Sector::PatientFamily),
            lang.t("not counted", "集計なし")
        );
        assert_shows(&mut app, &[peer.as_str(), e.title.as_str()]);
        // Back lands on the timeline.
        app.press("<Esc>");
        assert_eq!(case_screen(&app).panel, CasePanel::Timeline);
    }
}

#[test]
fn an_event_hit_in_the_finder_opens_the_event_over_where_it_belongs() {
    let demo = tui::demo_store();
    for lang in LANGS {
        let mut app = tui::app(&demo, lang, 80, 24);
        app.press("<C-p>");
        app.type_text("フォローアップ研修");
        let hits = app.state.finder.as_ref().unwrap().hits.clone();
        let at = hits
            .iter()
            .position(|h| h.id.kind == Kind::Event)
            .expect("an event hit");
        for _ in 0..at {
            app.press("<Down>");
        }
        app.press("<CR>");
        let e: Event = demo.store.get_as(hits[at].id).unwrap().unwrap();
        assert_eq!(record_on_top(&app), e.id);
        assert_shows(&mut app, &[e.title.as_str(), e.note.as_str()]);
        // Under it, loaded: the case or party the event belongs to.
        app.press("<Esc>");
        let under = match app.state.screen() {
            Screen::Case(c) => c.detail.as_ref().map(|d| d.case.id),
            Screen::Party(p) => p.detail.as_ref().map(|d| d.record.id()),
            other => panic!("{other:?}"),
        };
        assert_eq!(under, Some(hits[at].target), "{}", app.screen());
    }
}

#[test]
fn a_note_hit_in_the_finder_opens_the_note_over_its_case() {
    let demo = tui::demo_store();
    let notes: Vec<TrustNote> = demo.store.all().unwrap();
    let n = notes
        .iter()
        .find(|n| n.text.contains("public health nurse"))
        .expect("the Nagasaki note");
    for lang in LANGS {
        let mut app = tui::app(&demo, lang, 80, 24);
        app.press("<C-p>");
        app.type_text("public health nurse for now");
        let hits = app.state.finder.as_ref().unwrap().hits.clone();
        let at = hits
            .iter()
            .position(|h| h.id == n.id)
            .expect("the note's hit");
        for _ in 0..at {
            app.press("<Down>");
        }
        app.press("<CR>");
        assert_eq!(record_on_top(&app), n.id);
        assert_shows(&mut app, &[n.text.as_str()]);
        app.press("<Esc>");
        assert_eq!(Some(case_screen(&app).id), n.case, "{}", app.screen());
    }
}

#[test]
fn meeting_mode_hides_a_notes_text_in_its_view_too() {
    let demo = tui::demo_store();
    let notes: Vec<TrustNote> = demo.store.all().unwrap();
    let n = notes
        .iter()
        .find(|n| n.text.contains("public health nurse"))
        .unwrap();
    assert_ne!(n.confidentiality, Confidentiality::Shared);
    let mut cfg = tui::config(Lang::En, false, true);
    cfg.meeting = true;
    let keymap = triad::keymap::Keymap::builtin().unwrap();
    let mut app = Headless::new(demo.store.clone(), cfg, keymap, 80, 24);
    let (_, id) = open_row(&mut app, "長崎 肺がん", CasePanel::Notes, |s, d| {
        let mut cfg = tui::config(Lang::En, false, true);
        cfg.meeting = true;
        (0, view::note_rows(s, d, &cfg)[0].id)
    });
    assert_eq!(id, n.id);
    let all = record_text(&mut app);
    assert!(!all.contains(&squash("public health nurse")), "{all}");
    assert!(all.contains(&squash("Hidden in meeting mode")), "{all}");
}

#[test]
fn dashboard_lines_open_their_referral_consent_or_event() {
    use view::{DashLine, Link};
    let demo = tui::demo_store();
    for lang in LANGS {
        for want in ["referral", "consent", "event"] {
            let mut app = tui::app(&demo, lang, 80, 24);
            let lines = view::dashboard(&app.state);
            let record = lines
                .iter()
                .find_map(|l| match (l, want) {
                    (DashLine::FollowUp(r) | DashLine::Unanswered(r), "referral") => Some(r.id),
                    (DashLine::Consent(c), "consent") => Some(c.id),
                    (DashLine::Event(e), "event") => Some(e.id),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("a {want} line:\n{}", app.screen()));
            let at = view::dashboard_links(&app.state)
                .iter()
                .position(|l| match l {
                    Link::CaseRecord { record: r, .. } | Link::Record(r) => *r == record,
                    _ => false,
                })
                .expect("its line links to it");
            select(&mut app, at);
            app.press("<CR>");
            assert_eq!(record_on_top(&app), record);
            let shown = match demo.store.get(record).unwrap().unwrap() {
                Record::Referral(r) => r.reason,
                Record::Consent(c) => c.obtained_how,
                Record::Event(e) => e.title,
                other => panic!("{other:?}"),
            };
            assert_shows(&mut app, &[shown.as_str()]);
            // A referral or consent opens over its case, selected there.
            app.press("<Esc>");
            if want != "event" {
                let s = case_screen(&app);
                let d = s.detail.as_deref().unwrap();
                let i = view::panel_index(s.panel);
                assert_eq!(view::row_of(s, d, record), Some(s.scroll[i].sel));
            } else {
                assert!(matches!(app.state.screen(), Screen::Dashboard(_)));
            }
        }
    }
}

#[test]
fn i_in_a_record_view_edits_the_record_and_the_view_shows_what_was_saved() {
    use triad::app::forms::Key;
    let demo = tui::demo_store();
    // The overdue referral, opened from the dashboard.
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    let at = view::dashboard_links(&app.state)
        .iter()
        .position(
            |l| matches!(l, view::Link::CaseRecord { record, .. } if record.kind == Kind::Referral),
        )
        .expect("an overdue referral line");
    select(&mut app, at);
    app.press("<CR>");
    let id = record_on_top(&app);
    app.press("i");
    let form = app.state.form.as_ref().expect("the referral's form");
    let at = form
        .fields
        .iter()
        .position(|f| f.key == Key::Outcome)
        .unwrap();
    let tabs = (at + form.fields.len() - form.focus) % form.fields.len();
    app.press(&format!("{}<C-u>", "<Tab>".repeat(tabs)));
    app.type_text("Called back; an interview is booked");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: Referral = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(stored.outcome, "Called back; an interview is booked");
    assert_eq!(record_on_top(&app), id);
    assert_shows(&mut app, &["Called back; an interview is booked"]);

    // An event from the dashboard has nothing under it: the view's own
    // copy (and revision) is what the form is made from.
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    let at = view::dashboard_links(&app.state)
        .iter()
        .position(|l| matches!(l, view::Link::Record(id) if id.kind == Kind::Event))
        .expect("an event line");
    select(&mut app, at);
    app.press("<CR>");
    let e: Event = demo.store.get_as(record_on_top(&app)).unwrap().unwrap();
    assert_eq!(app.state.stack.len(), 2, "dashboard, event");
    app.press("i");
    let form = app.state.form.as_ref().expect("the event's form");
    assert_eq!(form.value(Key::Title), e.title);
}

#[test]
fn a_corrected_step_shows_beside_the_step_as_first_recorded() {
    use triad::model::Intent;
    use triad::store::Change;
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    let (_, id) = open_row(
        &mut app,
        "群馬 パーキンソン病",
        CasePanel::Referrals,
        |s, d| {
            let rows = view::referral_rows(s, d);
            let at = rows
                .iter()
                .position(|r| r.referral().declined_by.is_some())
                .unwrap();
            (at, rows[at].referral().id)
        },
    );
    let r: Referral = demo.store.get_as(id).unwrap().unwrap();
    let first = r.history[0].on;
    demo.store
        .apply(vec![Change::Append(Intent::CorrectStep {
            referral: id,
            step: 0,
            on: first - chrono::Days::new(1),
            note: "Proposed by phone the evening before".into(),
        })])
        .expect("a correction");
    app.press("<Esc><CR>");
    assert_eq!(record_on_top(&app), id);
    let corrected = format!("corrected to {}", first - chrono::Days::new(1));
    assert_shows(
        &mut app,
        &[
            // The step as first recorded, then its correction.
            &format!("{first}proposed"),
            &corrected,
            "Proposed by phone the evening before",
        ],
    );
}

#[test]
fn a_record_someone_else_changes_is_shown_again_without_a_key() {
    use triad::server::protocol::Changed;
    use triad::store::Change;
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    let (_, id) = open_row(
        &mut app,
        "群馬 パーキンソン病",
        CasePanel::Consents,
        |s, d| (0, view::consent_rows(s, d)[0].id),
    );
    // Someone else corrects how the consent was obtained.
    let mut c: Consent = demo.store.get_as(id).unwrap().unwrap();
    let base = demo.store.revisions(&[id]).unwrap()[0];
    c.obtained_how = "Signed again at home with the family present".into();
    let record = Record::Consent(c);
    demo.store
        .apply(vec![Change::Edit {
            record: record.clone(),
            base,
        }])
        .unwrap();
    app.act(triad::app::Action::Changed(
        vec![Changed::of(&record, base + 1)],
        None,
    ));
    assert_eq!(record_on_top(&app), id);
    assert!(
        app.screen().contains("updated just now"),
        "{}",
        app.screen()
    );
    assert_shows(&mut app, &["Signed again at home with the family present"]);
}

#[test]
fn a_long_note_is_marked_in_its_list_and_scrolls_in_its_view() {
    let demo = tui::demo_store();
    let case: Case = demo
        .store
        .all::<Case>()
        .unwrap()
        .into_iter()
        .find(|c| c.title.contains("長崎 肺がん"))
        .unwrap();
    let text: Vec<String> = (1..=40).map(|i| format!("line {i} of the note")).collect();
    let note = demo
        .store
        .create(Record::TrustNote(TrustNote {
            id: Id::new(Kind::TrustNote, 1),
            case: Some(case.id),
            relationship: None,
            about: None,
            author: tui::USER.into(),
            at: tui::config(Lang::En, false, true).now(),
            text: text.join("\n"),
            confidentiality: Confidentiality::Shared,
            trust_change: None,
            corrects: None,
            entered: None,
        }))
        .unwrap();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    open_case(&mut app, "長崎 肺がん");
    to_panel(&mut app, CasePanel::Notes);
    let d = detail(&app);
    let rows = view::note_rows(case_screen(&app), &d, &app.state.cfg);
    let at = rows.iter().position(|n| n.id == note.id()).unwrap();
    select(&mut app, at);
    assert!(app.screen().contains("(+39 lines)"), "{}", app.screen());
    app.press("<CR>");
    assert_eq!(record_on_top(&app), note.id());
    let screen = app.screen();
    assert!(screen.contains("line 1 of") && !screen.contains("line 40 of"));
    app.press("G");
    let screen = app.screen();
    assert!(screen.contains("line 40 of") && !screen.contains("line 1 of"));
    app.press("<PageUp>");
    assert!(!app.screen().contains("line 40 of"), "{}", app.screen());
    app.press("gg<C-d>");
    assert!(!app.screen().contains("line 1 of"), "{}", app.screen());
    app.press("k");
    assert_shows(&mut app, &[text.join("").as_str()]);
}

#[test]
fn records_the_reader_may_not_see_are_never_loaded() {
    use triad::query::worker::load_record;
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let referrals: Vec<Referral> = store.all().unwrap();
    let cases: Vec<Case> = store.all().unwrap();
    // A supporter sees only the cases their person is in.
    let mine = &cases[0];
    let me = mine.client.expect("the demo's cases have clients");
    let supporter = Reader {
        user: "tanaka".into(),
        role: AccessRole::Supporter,
        person: Some(me),
    };
    let scope = Scope::new(store, &supporter).unwrap();
    let inside = referrals.iter().find(|r| r.case == mine.id).unwrap();
    let outside = referrals.iter().find(|r| !scope.sees_case(r.case)).unwrap();
    assert!(load_record(store, inside.id, &scope).is_ok());
    assert!(matches!(
        load_record(store, outside.id, &scope),
        Err(StoreError::NotFound(id)) if id == outside.id
    ));
    // A private note reaches its author only.
    let notes: Vec<TrustNote> = store.all().unwrap();
    let private = notes
        .iter()
        .find(|n| n.confidentiality == Confidentiality::Private)
        .expect("the demo has a private note");
    assert!(load_record(store, private.id, &Scope::owner(&private.author)).is_ok());
    assert!(load_record(store, private.id, &Scope::owner("someone-else")).is_err());
    // Only the four kinds with a detail view load this way.
    assert!(load_record(store, mine.id, &Scope::owner(tui::USER)).is_err());
}

#[test]
fn formerly_cut_facts_are_readable_at_80_columns() {
    let demo = tui::demo_store();
    for lang in LANGS {
        let tag = if lang.is_ja() { "ja" } else { "en" };
        // Nagasaki's attendance of 2023-01-07, all three sectors.
        let mut app = tui::app(&demo, lang, 80, 24);
        nagasaki_event(&mut app, |e| e.date.to_string() == "2023-01-07");
        let want = lang.t("peer 8 med 16 gov 5", "ピア 8 医療 16 行政 5");
        let screen = app.screen();
        let row = screen.lines().find(|l| l.contains("2023-01-07")).unwrap();
        assert!(row.contains(want), "{screen}");
        insta::assert_snapshot!(format!("cut_attendance_{tag}_80x24"), screen);

        // Gunma's referral receivers, whole.
        let mut app = tui::app(&demo, lang, 80, 24);
        open_case(&mut app, "群馬 パーキンソン病");
        to_panel(&mut app, CasePanel::Referrals);
        let screen = app.screen();
        assert!(screen.contains("加藤 和夫 » 岡田 智子"), "{screen}");
        insta::assert_snapshot!(format!("cut_receivers_{tag}_80x24"), screen);

        // Dr. K left the centre in 2015: said on his row and in full below.
        let mut app = tui::app(&demo, lang, 80, 24);
        open_case(&mut app, "仙台ポリオの会 会員");
        let d = detail(&app);
        let left = format!("({} 2015-03-31)", lang.t("left", "所属終了"));
        let at = view::triad_items(&d)
            .iter()
            .position(|i| matches!(i, view::TriadItem::Party(p) if p.until.is_none() && name(&d, p.party) == "K医師"))
            .expect("Dr. K's ongoing role");
        select(&mut app, at);
        let screen = app.screen();
        let row = screen.lines().find(|l| l.starts_with("\u{25B8} ")).unwrap();
        assert!(row.contains("K医師") && row.contains(&left), "{screen}");
        insta::assert_snapshot!(format!("cut_left_{tag}_80x24"), screen);

        // Every role in the triad, whole, in the selected party's preview.
        for (i, item) in view::triad_items(&d).iter().enumerate() {
            if let view::TriadItem::Party(p) = item {
                select(&mut app, i);
                assert!(
                    squash(&app.screen()).contains(&squash(&p.role)),
                    "{}:\n{}",
                    p.role,
                    app.screen()
                );
            }
        }
    }
}

#[test]
fn a_partnership_on_a_party_timeline_is_shown_whole_under_it() {
    let demo = tui::demo_store();
    for lang in LANGS {
        let mut app = tui::app(&demo, lang, 80, 24);
        app.press("<C-p>");
        app.type_text("長崎県 福祉保健部");
        let hits = app.state.finder.as_ref().unwrap().hits.clone();
        let at = hits.iter().position(|h| h.id.kind == Kind::Body).unwrap();
        for _ in 0..at {
            app.press("<Down>");
        }
        app.press("<CR><Tab><Tab>");
        let Screen::Party(p) = app.state.screen() else {
            panic!("{}", app.screen())
        };
        let d = p.detail.as_deref().expect("loaded");
        let t = &d.timelines[0];
        let names: Vec<String> = t
            .partnership
            .parties
            .iter()
            .map(|id| d.names.get(id).cloned().unwrap())
            .collect();
        // The row cuts the parties at 80 columns; the preview has them all.
        let screen = squash(&app.screen());
        for n in &names {
            assert!(screen.contains(&squash(n)), "{n}:\n{}", app.screen());
        }
        assert!(names.len() > 3);
    }
}

#[test]
fn a_persons_roles_have_a_line_of_their_own() {
    let demo = tui::demo_store();
    let people: Vec<triad::model::Person> = demo.store.all().unwrap();
    let many = people.iter().max_by_key(|p| p.roles.len()).expect("people");
    assert!(many.roles.len() > 1, "the demo has someone with roles");
    for lang in LANGS {
        let mut app = tui::app(&demo, lang, 80, 24);
        app.press("<C-p>");
        app.type_text(&many.id.to_string());
        app.press("<CR>");
        let screen = app.screen();
        for r in &many.roles {
            assert!(screen.contains(lang.role(*r)), "{screen}");
        }
    }
}

/// Each detail view, as snapshots at both sizes and in both languages.
#[test]
fn record_view_snapshots() {
    let demo = tui::demo_store();
    let referral = |s: &CaseScreen, d: &CaseDetail| {
        let rows = view::referral_rows(s, d);
        let at = rows
            .iter()
            .position(|r| r.referral().declined_by.is_some())
            .unwrap();
        (at, rows[at].referral().id)
    };
    for lang in LANGS {
        let tag = if lang.is_ja() { "ja" } else { "en" };
        for (w, h) in [(80, 24), (160, 48)] {
            let mut app = tui::app(&demo, lang, w, h);
            open_row(
                &mut app,
                "群馬 パーキンソン病",
                CasePanel::Referrals,
                referral,
            );
            insta::assert_snapshot!(format!("referral_{tag}_{w}x{h}"), app.screen());

            let mut app = tui::app(&demo, lang, w, h);
            open_row(
                &mut app,
                "群馬 パーキンソン病",
                CasePanel::Consents,
                |s, d| (0, view::consent_rows(s, d)[0].id),
            );
            insta::assert_snapshot!(format!("consent_{tag}_{w}x{h}"), app.screen());

            let mut app = tui::app(&demo, lang, w, h);
            open_row(&mut app, "長崎 肺がん", CasePanel::Notes, |s, d| {
                let cfg = tui::config(lang, false, true);
                (0, view::note_rows(s, d, &cfg)[0].id)
            });
            insta::assert_snapshot!(format!("note_{tag}_{w}x{h}"), app.screen());

            let mut app = tui::app(&demo, lang, w, h);
            nagasaki_event(&mut app, |e| e.date.to_string() == "2023-01-07");
            app.press("<CR>");
            insta::assert_snapshot!(format!("event_{tag}_{w}x{h}"), app.screen());
        }
    }
}
