//! The app driven headlessly by keys typed as strings through the keymap
//! parser ("gg", "<C-p>"), on the demo data. No terminal, no sleeps.

mod tui;

use triad::app::Action;
use triad::app::forms::Key;
use triad::app::headless::Headless;
use triad::app::state::{CasePanel, Flash, Screen};
use triad::i18n::Lang;
use triad::keymap::{Key as Chord, KeyCode, Keymap};
use triad::model::{Case, Consent, Id, Kind, Record, ReferralStatus, Relationship, TrustNote};
use triad::query::data::CaseDetail;
use triad::store::{SledStore, StoreExt};

fn en(demo: &tui::Demo) -> Headless {
    tui::app(demo, Lang::En, 100, 30)
}

fn case_screen(app: &Headless) -> &triad::app::state::CaseScreen {
    match app.state.screen() {
        Screen::Case(c) => c,
        other => panic!("not on a case: {other:?}"),
    }
}

fn detail(app: &Headless) -> &CaseDetail {
    case_screen(app).detail.as_deref().expect("case loaded")
}

/// Open the first finder hit for `query`.
fn find(app: &mut Headless, query: &str) {
    app.press("<C-p>");
    app.type_text(query);
    let hits = &app.state.finder.as_ref().expect("finder open").hits;
    assert!(!hits.is_empty(), "no hit for {query}:\n{}", app.screen());
    app.press("<CR>");
    assert!(app.state.finder.is_none());
}

fn sendai_case(app: &mut Headless) {
    find(app, "仙台ポリオの会 会員");
    assert!(
        detail(app).case.title.contains("仙台ポリオ"),
        "{}",
        app.screen()
    );
}

/// The rows of the case list on screen (the demo's cases fit one page).
fn list_rows(app: &Headless) -> Vec<triad::query::data::CaseRow> {
    match app.state.screen() {
        Screen::Cases(list) => list.page.rows.clone(),
        other => panic!("not on the case list: {other:?}"),
    }
}

/// The store's case ids, in id order.
fn case_ids(demo: &tui::Demo) -> Vec<Id> {
    let cases: Vec<Case> = demo.store.all().unwrap();
    cases.into_iter().map(|c| c.id).collect()
}

/// Where a case is in the case list.
fn position_in_list(app: &Headless, case: Id) -> usize {
    list_rows(app).iter().position(|c| c.id == case).unwrap()
}

fn flash(app: &Headless) -> String {
    match &app.state.flash {
        Some(Flash::Ok(s) | Flash::Info(s) | Flash::Error(s)) => s.clone(),
        None => String::new(),
    }
}

fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.starts_with('\u{25B8}'))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn gg_and_g_move_through_the_case_list() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("gc");
    let Screen::Cases(list) = app.state.screen() else {
        panic!("not on the case list")
    };
    let n = list.page.total;
    assert!(n >= 7, "the demo has the seven scenarios: {n}");
    assert_eq!(list_rows(&app).len(), n, "one page holds the demo's cases");
    app.press("G");
    let last = list_rows(&app).last().unwrap().id.to_string();
    assert!(
        selected_line(&app.screen()).contains(&last),
        "{}",
        app.screen()
    );
    app.press("gg");
    let first = list_rows(&app)[0].id.to_string();
    assert!(selected_line(&app.screen()).contains(&first));
    app.press("jj<Down>k");
    let Screen::Cases(list) = app.state.screen() else {
        panic!()
    };
    assert_eq!(list.scroll.sel, 2);
}

#[test]
fn a_half_typed_chord_shows_what_can_follow_and_esc_abandons_it() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("gc<CR>");
    let depth = app.state.stack.len();
    app.press("g");
    assert_eq!(app.state.pending.len(), 1);
    let screen = app.screen();
    assert!(
        screen.contains("Go to the first line") && screen.contains("Dashboard"),
        "{screen}"
    );
    app.press("<Esc>");
    assert!(app.state.pending.is_empty());
    assert_eq!(app.state.stack.len(), depth, "Esc only cancelled the chord");
    // An unbound second key forgets the prefix and acts on its own.
    app.press("gj");
    assert!(app.state.pending.is_empty());
    app.press("gd");
    assert!(matches!(app.state.screen(), Screen::Dashboard(_)));
}

#[test]
fn the_finder_opens_with_ctrl_p_colon_or_a_full_width_colon() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    for open in ["<C-p>", ":"] {
        app.press(open);
        assert!(app.state.finder.is_some(), "{open}");
        app.press("<Esc>");
        assert!(app.state.finder.is_none());
    }
    // With the IME on, ： arrives as a full-width character.
    app.type_text("：");
    assert!(app.state.finder.is_some());
    app.press("<Esc>");
    app.type_text("？");
    assert!(app.state.help.is_some());
}

#[test]
fn the_finder_finds_cases_bodies_people_and_events() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("<C-p>");
    app.type_text("K医師");
    let hits = app.state.finder.as_ref().unwrap().hits.clone();
    assert!(hits.iter().any(|h| h.id.kind == Kind::Person), "{hits:?}");
    assert!(hits.iter().any(|h| h.id.kind == Kind::Event), "{hits:?}");
    app.press("<C-u>");
    // Romaji finds the Japanese name through its reading.
    app.type_text("sendai");
    let hits = app.state.finder.as_ref().unwrap().hits.clone();
    assert!(hits.iter().any(|h| h.label.contains("仙台")), "{hits:?}");
    // Enter on a person opens the person view.
    app.press("<C-u>");
    app.type_text("K医師");
    let pos = app
        .state
        .finder
        .as_ref()
        .unwrap()
        .hits
        .iter()
        .position(|h| h.id.kind == Kind::Person)
        .unwrap();
    for _ in 0..pos {
        app.press("<Down>");
    }
    app.press("<CR>");
    assert!(
        matches!(app.state.screen(), Screen::Party(p) if p.id.kind == Kind::Person),
        "{}",
        app.screen()
    );
    assert!(app.screen().contains("K医師"));
}

#[test]
fn sendai_case_shows_dr_k_and_the_timeline_back_to_the_start() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 160, 48);
    sendai_case(&mut app);
    let screen = app.screen();
    assert!(screen.contains("K医師"), "{screen}");
    // Dr. K's ended role is shown with its end date.
    assert!(screen.contains("ended 2015-03-31"), "{screen}");
    app.press("<Tab><Tab><Tab>");
    assert_eq!(case_screen(&app).panel, CasePanel::Timeline);
    let screen = app.screen();
    assert!(
        screen.contains("2009"),
        "the partnership started in 2009:\n{screen}"
    );
    assert!(screen.contains("K医師との懇談"), "{screen}");
    // Every year is a layer, thin or not, up to this year.
    app.press("G");
    assert!(app.screen().contains("2024"), "{}", app.screen());
}

/// The case list's `/` folds as the finder does: kana of any width, romaji
/// and several words; a person's name lists the cases they are on.
#[test]
fn slash_filter_folds_like_the_finder_and_finds_cases_by_their_people() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    let filtered = |app: &mut Headless, text: &str| -> Vec<Id> {
        app.press("/");
        app.type_text(text);
        let ids = list_rows(app).iter().map(|r| r.id).collect();
        app.press("<Esc>");
        ids
    };
    app.press("gc");
    let polio = filtered(&mut app, "ポリオ");
    assert!(!polio.is_empty());
    for text in ["ぽりお", "porio", "ﾎﾟﾘｵ", "PORIO"] {
        assert_eq!(filtered(&mut app, text), polio, "{text}");
    }
    let none = filtered(&mut app, "porio 沖縄");
    assert!(none.is_empty(), "{none:?} {}", app.screen());
    // A supporter on a case, by name and by the romaji of the reading.
    let cases: Vec<Case> = demo.store.all().unwrap();
    let people: Vec<triad::model::Person> = demo.store.all().unwrap();
    let (case, person) = cases
        .iter()
        .find_map(|c| {
            let p = c.parties.iter().find_map(|cp| {
                people
                    .iter()
                    .find(|p| p.id == cp.party && p.reading.is_some())
            })?;
            Some((c, p))
        })
        .expect("a case with a person on it");
    let reading = person.reading.as_deref().unwrap();
    let family = triad::search::normalize::romaji(reading.split(' ').next().unwrap());
    for text in [person.name.as_str(), family.as_str()] {
        assert!(
            filtered(&mut app, text).contains(&case.id),
            "{text} does not list {}",
            case.id
        );
    }
}

#[test]
fn slash_filters_the_list_you_are_in() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("gc/");
    assert_eq!(app.state.mode(), triad::keymap::Mode::Input);
    app.type_text("仙台");
    let Screen::Cases(list) = app.state.screen() else {
        panic!()
    };
    assert_eq!(list.page.total, 1, "{}", app.screen());
    // Enter opens the selected row, as in the finder; back on the list
    // the filter is kept. Esc in the line would clear it.
    app.press("<CR>");
    assert!(
        matches!(app.state.screen(), Screen::Case(_)),
        "{}",
        app.screen()
    );
    app.press("<Esc>");
    assert_eq!(app.state.mode(), triad::keymap::Mode::Normal);
    let Screen::Cases(list) = app.state.screen() else {
        panic!()
    };
    assert_eq!(list.page.total, 1, "the filter is kept");
    app.press("/<Esc>");
    let Screen::Cases(list) = app.state.screen() else {
        panic!()
    };
    assert!(list.page.total >= 7);
    // Status filter cycles: intake, active, ...
    app.press("fsfs");
    let Screen::Cases(list) = app.state.screen() else {
        panic!()
    };
    assert!(!list.page.rows.is_empty());
    assert!(
        list.page
            .rows
            .iter()
            .all(|c| c.status == triad::model::CaseStatus::Active)
    );
    app.press("fx");
    // In the case view, / filters the current panel.
    app.press("gc");
    app.press("<C-p>");
    app.type_text("仙台ポリオの会 会員");
    app.press("<CR><Tab><Tab><Tab>/");
    app.type_text("懇談");
    let c = case_screen(&app);
    let rows =
        triad::app::view::timeline_rows(&detail(&app).timelines, tui::today(), &c.filter.text);
    let events = rows
        .iter()
        .filter(|r| matches!(r, triad::app::view::TimelineRow::Event(..)))
        .count();
    assert!(events >= 2, "{}", app.screen());
    assert!(app.screen().contains("/ 懇談"));
}

#[test]
fn an_unbound_key_says_where_help_is() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("Z");
    assert!(
        flash(&app).contains("Z is not bound here") && flash(&app).contains("?"),
        "{}",
        flash(&app)
    );
    app.press("j");
    assert!(flash(&app).is_empty(), "the message goes with the next key");
}

#[test]
fn a_new_case_is_validated_next_to_the_field_and_nothing_typed_is_lost() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("nc");
    assert!(app.state.form.is_some());
    // Reading but no title: the error appears under the title field.
    app.press("<Tab>");
    app.type_text("センダイ");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("form stays open");
    assert_eq!(form.fields[0].error.as_deref(), Some("required"));
    assert_eq!(form.focus, 0, "focus moves to the field to fix");
    assert_eq!(form.value(Key::Reading), "センダイ", "typed text kept");
    let screen = app.screen();
    assert!(screen.contains("! required"), "{screen}");
    // A coordinator that matches nothing is refused with a way forward.
    app.type_text("仙台市 新規相談：テスト");
    app.press("<Tab><Tab><Tab>");
    app.type_text("zzzz");
    app.press("<C-s>");
    let form = app.state.form.as_ref().unwrap();
    assert!(
        form.field(Key::Coordinator)
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("<C-t> adds one")
    );
    app.press("<C-u>");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    assert!(flash(&app).starts_with("Saved C-"), "{}", flash(&app));
    // The new case is open, and the full-width colon was kept as typed.
    let c = &detail(&app).case;
    assert_eq!(c.title, "仙台市 新規相談：テスト");
    let stored: Case = demo.store.get_as(c.id).unwrap().unwrap();
    assert_eq!(stored.reading.as_deref(), Some("センダイ"));
    // The finder's index took the write: the new case is found at once.
    let id = c.id;
    app.press("<Esc>");
    app.press("<C-p>");
    app.type_text("新規相談");
    let hits = &app.state.finder.as_ref().expect("finder open").hits;
    assert!(hits.iter().any(|h| h.id == id), "{}", app.screen());
}

#[test]
fn leaving_a_form_with_unsaved_text_asks_first() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("nb");
    app.press("<Esc>");
    assert!(app.state.form.is_none(), "an untouched form just closes");
    app.press("nb");
    app.type_text("新しい患者会");
    app.press("<Esc>");
    assert!(app.state.confirm.is_some());
    assert!(app.screen().contains("lose what you typed"));
    app.press("n");
    assert_eq!(
        app.state.form.as_ref().unwrap().value(Key::Name),
        "新しい患者会"
    );
    // Ctrl-C asks too, and q is just a letter in a form.
    app.press("<C-c>");
    assert!(app.state.confirm.is_some() && !app.state.quit);
    app.press("<Esc>");
    app.type_text("q");
    assert!(!app.state.quit);
    assert_eq!(
        app.state.form.as_ref().unwrap().value(Key::Name),
        "新しい患者会q"
    );
    app.press("<Esc>y");
    assert!(app.state.form.is_none());
    app.press("<C-c>");
    assert!(app.state.quit, "Ctrl-C quits at once with no form open");
}

fn store_path_reopen(demo: tui::Demo, app: Headless) -> (tempfile::TempDir, SledStore) {
    drop(app);
    let tui::Demo { dir, store } = demo;
    drop(store);
    let reopened = SledStore::open(dir.path()).expect("reopen store");
    (dir, reopened)
}

#[test]
fn a_trust_note_is_on_disk_when_the_screen_says_saved() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    let case = detail(&app).case.id;
    app.press("m");
    // Who may read it, about whom, then the note (no relationship is
    // selected, so no trust change is offered).
    app.press("<Tab><Tab>");
    app.type_text("Dr. K called.\nHe will come to the next meeting.");
    app.press("<C-s>");
    assert!(flash(&app).starts_with("Saved T-"), "{}", flash(&app));
    assert_eq!(
        case_screen(&app).detail.as_ref().unwrap().notes[0].text,
        "Dr. K called.\nHe will come to the next meeting."
    );
    let (_dir, store) = store_path_reopen(demo, app);
    let notes: Vec<TrustNote> = store.referring(case).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.text.starts_with("Dr. K called.") && n.author == tui::USER)
    );
}

#[test]
fn the_editor_key_fills_the_note_from_editor_text() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.editor_reply = Ok("書いたメモ\n二行目\n".into());
    app.press("M");
    assert!(
        app.log
            .iter()
            .any(|e| matches!(e, triad::app::effect::Effect::Editor(_)))
    );
    let form = app.state.form.as_ref().expect("note form open");
    assert_eq!(form.value(Key::Text), "書いたメモ\n二行目");
    app.press("<C-s>");
    assert!(flash(&app).starts_with("Saved T-"));
    // An editor that fails leaves the text alone and says why.
    app.press("m<Tab><Tab>");
    app.type_text("kept");
    app.editor_reply = Err("vi exited with 1".into());
    app.press("<C-o>");
    assert_eq!(app.state.form.as_ref().unwrap().value(Key::Text), "kept");
    assert!(flash(&app).contains("exited"));
}

/// Move the selection in the current panel to row `i`.
fn select(app: &mut Headless, i: usize) {
    app.press("gg");
    for _ in 0..i {
        app.press("j");
    }
}

#[test]
fn a_decline_needs_its_reason() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    // Find a case with a referral that has been sent.
    let mut found = None;
    for id in case_ids(&demo) {
        app.press("gd");
        let detail = triad::query::worker::load_case(
            demo.store.as_ref(),
            id,
            &triad::store::Scope::owner(tui::USER),
        )
        .unwrap();
        if let Some(i) = detail
            .referrals
            .iter()
            .position(|r| r.status() == ReferralStatus::Sent)
        {
            found = Some((id, i, detail.referrals[i].id));
            break;
        }
    }
    let (case, i, rid) = found.expect("the demo has a sent referral");
    app.act(Action::Cases);
    let pos = position_in_list(&app, case);
    select(&mut app, pos);
    app.press("<CR><Tab>");
    assert_eq!(case_screen(&app).panel, CasePanel::Referrals);
    select(&mut app, i);
    app.press("u");
    let form = app.state.form.as_ref().expect("status form");
    let opts = match &form.fields[0].kind {
        triad::app::form::FieldKind::Choice(o) => o.clone(),
        _ => panic!(),
    };
    // Only legal next steps are offered.
    let codes: Vec<&str> = opts.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["accepted", "declined", "cancelled"]);
    app.press("<Right>");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    assert!(
        form.field(Key::DeclineReason).unwrap().error.is_some(),
        "{}",
        app.screen()
    );
    assert!(
        app.screen().contains("! a decline needs its reason"),
        "{}",
        app.screen()
    );
    // The cursor is already in the field to fix: type the reason, save.
    let at = form
        .fields
        .iter()
        .position(|f| f.key == Key::DeclineReason)
        .unwrap();
    assert_eq!(form.focus, at);
    app.type_text("No capacity this month");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let r: triad::model::Referral = demo.store.get_as(rid).unwrap().unwrap();
    assert_eq!(r.status(), ReferralStatus::Declined);
    assert_eq!(r.decline_reason, "No capacity this month");
    // The message says what changed, and for whom.
    let to = app.state.name(r.to);
    assert_eq!(flash(&app), format!("{rid} declined ({to})"));
    // Space expands the referral's dated history.
    let row = triad::app::view::referral_rows(case_screen(&app), detail(&app))
        .iter()
        .position(|x| x.referral().id == rid)
        .unwrap();
    select(&mut app, row);
    app.press("<Space>");
    assert!(case_screen(&app).expanded.contains(&rid));
    assert!(app.screen().contains("declined"), "{}", app.screen());
}

#[test]
fn ending_a_role_and_withdrawing_consent_take_their_date() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    let d = detail(&app).clone();
    let items = triad::app::view::triad_items(&d);
    let i = items
        .iter()
        .position(|it| matches!(it, triad::app::view::TriadItem::Party(p) if p.until.is_none()))
        .unwrap();
    let party = match items[i] {
        triad::app::view::TriadItem::Party(p) => p.party,
        _ => unreachable!(),
    };
    select(&mut app, i);
    app.press("E");
    assert!(app.state.form.is_some(), "{}", app.screen());
    app.press("<Esc>");
    let c: Case = demo.store.get_as(d.case.id).unwrap().unwrap();
    assert!(
        c.parties
            .iter()
            .any(|p| p.party == party && p.until.is_none()),
        "leaving the form ends nothing"
    );
    // A date in the future is refused with its reason; a past one is kept.
    let tomorrow = tui::today().succ_opt().unwrap();
    app.press("E<Tab><C-u>");
    app.type_text(&tomorrow.to_string());
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    let error = form.field(Key::Until).unwrap().error.clone().unwrap();
    assert!(error.contains("future"), "{error}");
    let ended = tui::today().pred_opt().unwrap();
    app.press("<C-u>");
    app.type_text(&ended.to_string());
    app.press("<C-s>");
    let c: Case = demo.store.get_as(d.case.id).unwrap().unwrap();
    assert!(
        c.parties
            .iter()
            .any(|p| p.party == party && p.until == Some(ended))
    );
    // Consents panel: W withdraws, dated today unless changed.
    app.press("<S-Tab>");
    assert_eq!(case_screen(&app).panel, CasePanel::Consents);
    let consent = detail(&app).consents[0].id;
    app.press("ggW<C-s>");
    let k: Consent = demo.store.get_as(consent).unwrap().unwrap();
    assert_eq!(k.withdrawn_on, Some(tui::today()));
    assert!(app.screen().contains("withdrawn"), "{}", app.screen());
}

#[test]
fn setting_trust_moves_the_relationship() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    let d = detail(&app).clone();
    let items = triad::app::view::triad_items(&d);
    let i = items
        .iter()
        .position(|it| matches!(it, triad::app::view::TriadItem::Relationship(_)))
        .expect("the Sendai triad has a relationship");
    let rel = match items[i] {
        triad::app::view::TriadItem::Relationship(r) => r.id,
        _ => unreachable!(),
    };
    select(&mut app, i);
    app.press("t");
    // The relationship is shown, not edited: the trust level comes first.
    app.type_text("2");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let r: Relationship = demo.store.get_as(rel).unwrap().unwrap();
    assert_eq!(r.level().map(|l| l.get()), Some(2));
    assert!(app.screen().contains("2 "), "{}", app.screen());
}

#[test]
fn a_referral_can_be_proposed_from_the_case() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    let before = detail(&app).referrals.len();
    app.press("r");
    // From: the coordinator is filled in. To: by name.
    app.press("<Tab>");
    app.type_text("K医師");
    app.press("<Tab><Tab>");
    app.type_text("Post-polio check-up");
    // Proposed on (today), then the follow-up.
    app.press("<Tab><Tab>");
    app.type_text("2024/7/1");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    assert_eq!(detail(&app).referrals.len(), before + 1);
    let r = &detail(&app).referrals[0];
    assert_eq!(r.status(), ReferralStatus::Proposed);
    assert_eq!(r.follow_up, chrono::NaiveDate::from_ymd_opt(2024, 7, 1));
}

#[test]
fn an_event_is_logged_with_attendance_by_sector() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("<Tab><Tab><Tab>gg");
    app.press("e");
    let form = app.state.form.as_ref().unwrap();
    assert!(
        !form.code(Key::Partnership).is_empty(),
        "the selected partnership is preselected"
    );
    app.press("<Tab>");
    app.type_text("医療・健康相談会 2024年 第2回");
    // Date, until, partnership, then the first count.
    app.press("<Tab><Tab><Tab><Tab>");
    app.type_text("１２");
    app.press("<Tab>");
    app.type_text("3");
    app.press("<Tab>");
    app.type_text("x");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("a bad number is refused");
    assert!(form.field(Key::Government).unwrap().error.is_some());
    app.press("<BS>1<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let id: Id = flash(&app).trim_start_matches("Saved ").parse().unwrap();
    let Some(Record::Event(e)) = demo.store.get(id).unwrap() else {
        panic!("no event")
    };
    let a = e.attendance.unwrap();
    assert_eq!(
        (a.peer, a.medical, a.government),
        (Some(12), Some(3), Some(1))
    );
}

#[test]
fn help_is_built_from_the_keymap_in_use() {
    let demo = tui::demo_store();
    let user = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/example-user.toml");
    let keymap = Keymap::load(Some(&user)).unwrap();
    let mut app = Headless::new(
        demo.store.clone(),
        tui::config(Lang::En, false, true),
        keymap,
        100,
        60,
    );
    app.press("?");
    let screen = app.screen();
    let quit_line = screen
        .lines()
        .find(|l| l.contains(" Quit"))
        .unwrap_or_default()
        .to_string();
    assert!(quit_line.contains("<C-q>"), "{screen}");
    assert!(
        !quit_line.contains("q,") && !quit_line.contains(" q "),
        "{quit_line}"
    );
    app.press("<Esc>");
    app.press("q");
    assert!(!app.state.quit, "q was unbound by the user file");
    app.press("<C-q>");
    assert!(app.state.quit);
}

#[test]
fn resizing_to_tiny_and_back_keeps_the_form() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("np");
    app.type_text("山田 花子");
    for (w, h) in [(20, 5), (1, 1), (0, 0), (59, 15), (80, 24)] {
        app.resize(w, h);
        let _ = app.render();
    }
    assert!(app.screen().contains("山田 花子"));
    app.resize(30, 8);
    assert!(app.screen().contains("too small"), "{}", app.screen());
}

/// Open the notes panel of the first demo case holding a note of this
/// confidentiality, and return that note.
fn open_notes_with(
    app: &mut Headless,
    demo: &tui::Demo,
    level: triad::model::Confidentiality,
) -> TrustNote {
    let (case, note) = case_ids(demo)
        .into_iter()
        .find_map(|id| {
            let d = triad::query::worker::load_case(
                demo.store.as_ref(),
                id,
                &triad::store::Scope::owner(tui::USER),
            )
            .unwrap();
            let n = d.notes.into_iter().find(|n| n.confidentiality == level)?;
            Some((id, n))
        })
        .unwrap_or_else(|| panic!("the demo has a {level:?} note"));
    app.act(Action::Cases);
    let pos = position_in_list(app, case);
    select(app, pos);
    app.press("<CR><Tab><Tab>");
    note
}

/// Someone else's private note is left out where the case is loaded (in
/// a server, before it leaves): the app never holds it, so no screen can
/// show it.
#[test]
fn private_notes_of_others_never_reach_the_app() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    let notes: Vec<TrustNote> = demo.store.all().unwrap();
    let note = notes
        .into_iter()
        .find(|n| {
            n.confidentiality == triad::model::Confidentiality::Private
                && n.author != tui::USER
                && n.case.is_some()
        })
        .expect("the demo has someone else's private note in a case");
    let case = note.case.unwrap();
    app.act(Action::Cases);
    let pos = position_in_list(&app, case);
    select(&mut app, pos);
    app.press("<CR><Tab><Tab>");
    assert_eq!(detail(&app).case.id, case);
    assert!(detail(&app).notes.iter().all(|n| n.id != note.id));
    let first_line = note.text.lines().next().unwrap();
    assert!(!app.screen().contains(first_line), "{}", app.screen());
}

#[test]
fn typed_keys_reach_text_fields_raw() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("<C-p>");
    // Keys bound in browsing mode are typed in the finder.
    app.act(Action::Key(Chord::plain(KeyCode::Char('q'))));
    app.act(Action::Key(Chord::plain(KeyCode::Char('／'))));
    assert_eq!(app.state.finder.as_ref().unwrap().input.text, "q／");
    assert!(!app.state.quit);
}

#[test]
fn meeting_mode_shows_only_shared_notes_and_the_filter_cannot_peek() {
    let demo = tui::demo_store();
    let mut cfg = tui::config(Lang::En, false, true);
    cfg.meeting = true;
    let mut app = Headless::new(demo.store.clone(), cfg, Keymap::builtin().unwrap(), 120, 40);
    let note = open_notes_with(&mut app, &demo, triad::model::Confidentiality::Team);
    let screen = app.screen();
    let first_line = note.text.lines().next().unwrap();
    assert!(!screen.contains(first_line), "{screen}");
    assert!(screen.contains("(hidden in meeting mode)"), "{screen}");
    assert!(screen.contains("[MEETING]"));
    // Filtering by a word of the hidden text finds nothing.
    let word: String = first_line.chars().take(4).collect();
    let before = triad::app::view::note_rows(case_screen(&app), detail(&app), &app.state.cfg).len();
    app.press("/");
    app.type_text(&word);
    let after = triad::app::view::note_rows(case_screen(&app), detail(&app), &app.state.cfg);
    assert!(
        after.iter().all(|n| n.id != note.id),
        "the filter matched hidden text"
    );
    assert!(after.len() < before);
}

#[test]
fn a_query_typed_before_the_index_is_ready_is_asked_again() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("<C-p>");
    app.type_text("K医師");
    let searches = |app: &Headless| {
        app.log
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    triad::app::effect::Effect::Search(
                        triad::app::effect::SearchEffect::Search { .. }
                    )
                )
            })
            .count()
    };
    let before = searches(&app);
    // More documents arrive (as at start-up on a big store): the open
    // query runs again, and its newer answer is the one kept.
    app.act(Action::Reply(Box::new(triad::query::request::Reply::Docs(
        vec![],
    ))));
    assert_eq!(searches(&app), before + 1);
    assert!(!app.state.finder.as_ref().unwrap().hits.is_empty());
}

#[test]
fn parties_consents_people_and_affiliations_are_added_by_form() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    // A new person, then their affiliation from the person view.
    app.press("np");
    app.type_text("新井 恵");
    app.press("<C-s>");
    let person = match app.state.screen() {
        Screen::Party(p) => p.id,
        other => panic!("the new person is not open: {other:?}"),
    };
    assert_eq!(person.kind, Kind::Person);
    app.press("na");
    let form = app.state.form.as_ref().unwrap();
    assert_eq!(
        form.value(Key::Person),
        person.to_string(),
        "the open person is filled in"
    );
    app.press("<Tab>");
    app.type_text("仙台市障害者福祉協会");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    assert!(
        app.screen().contains("仙台市障害者福祉協会"),
        "{}",
        app.screen()
    );
    // Add them to the Sendai triad; a person needs a sector chosen.
    sendai_case(&mut app);
    let before = detail(&app).case.parties.len();
    app.press("a");
    app.type_text("新井 恵");
    app.press("<Tab><Tab>");
    app.type_text("peer visits");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("no sector chosen");
    assert!(form.field(Key::Sector).unwrap().error.is_some());
    app.press("<Right><Right><Right><C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let c = &detail(&app).case;
    assert_eq!(c.parties.len(), before + 1);
    let added = c.parties.last().unwrap();
    assert_eq!(
        (added.party, added.sector),
        (person, triad::model::Sector::PatientFamily)
    );
    // Record a consent granted to them.
    app.press("c");
    app.type_text(&format!("{person}, K医師"));
    app.press("<Tab><Tab><Tab><Tab><Tab><Tab>");
    app.type_text("in writing");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let k = &detail(&app).consents[0];
    assert_eq!(k.granted_to.len(), 2);
    assert!(k.granted_to.contains(&person));
    assert!(k.scope.intervention && k.scope.information_sharing);
    assert_eq!(k.obtained_how, "in writing");
}

/// Keys typed ahead over SSH arrive together: Enter must go to the first hit
/// of the query it follows, not to a hit of the query before it.
#[test]
fn enter_typed_ahead_waits_for_the_answer_to_its_query() {
    use triad::app::effect::Effect;
    use triad::app::update;
    use triad::query::request::Reply;
    let demo = tui::demo_store();
    let mut app = en(&demo);
    // The finder answered "仙台" already.
    app.press("<C-p>");
    app.type_text("仙台");
    assert!(!app.state.finder.as_ref().unwrap().hits.is_empty());
    // "ポリオ" then Enter, before the search worker answers.
    let mut pending = Vec::new();
    for c in "ポリオ".chars() {
        pending.extend(update(
            &mut app.state,
            Action::Key(Chord::plain(KeyCode::Char(c))),
        ));
    }
    let stale_first = app.state.finder.as_ref().unwrap().hits[0].target;
    pending.extend(update(
        &mut app.state,
        Action::Key(Chord::plain(KeyCode::Enter)),
    ));
    assert!(
        app.state.finder.is_some(),
        "Enter waited instead of jumping to a stale hit"
    );
    // The answer to the last query arrives: Enter takes effect on it.
    use triad::app::effect::SearchEffect;
    let Some(Effect::Search(SearchEffect::Search { seq, query, .. })) = pending
        .into_iter()
        .rev()
        .find(|e| matches!(e, Effect::Search(SearchEffect::Search { .. })))
    else {
        panic!("no search was asked for");
    };
    assert!(query.ends_with("ポリオ"));
    let hit = triad::query::data::Hit {
        id: triad::model::Id::new(triad::model::Kind::Body, 60),
        label: "仙台ポリオの会".into(),
        detail: String::new(),
        matched: vec![],
        target: triad::model::Id::new(triad::model::Kind::Body, 60),
        score: 0,
    };
    assert_ne!(stale_first, hit.target);
    update(
        &mut app.state,
        Action::Reply(Box::new(Reply::Hits {
            seq,
            hits: vec![hit],
        })),
    );
    assert!(
        app.state.finder.is_none(),
        "the finder closed on the answer"
    );
}

#[test]
fn the_finder_says_it_is_still_indexing_rather_than_no_match() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    // As at start-up on a big store: the index has not been filled yet.
    app.state.data.loading.indexed = false;
    app.press("<C-p>");
    app.type_text("qxqxqx");
    assert!(app.screen().contains("Still indexing"), "{}", app.screen());
    app.act(Action::Reply(Box::new(triad::query::request::Reply::Docs(
        vec![],
    ))));
    assert!(app.screen().contains("No match."), "{}", app.screen());
}

/// Two roles ended one after the other, the second before the first save's
/// reload has come back (keys typed ahead over SSH): both ends are kept.
#[test]
fn edits_typed_ahead_build_on_the_saved_case_not_the_stale_copy() {
    use triad::app::effect::Effect;
    use triad::app::update;
    use triad::app::view::{TriadItem, triad_items};
    use triad::query::request::{Reply, SaveOp};
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    let open_roles = |app: &Headless| -> Vec<(usize, Id)> {
        triad_items(detail(app))
            .iter()
            .enumerate()
            .filter_map(|(i, it)| match it {
                TriadItem::Party(p) if p.until.is_none() => Some((i, p.party)),
                _ => None,
            })
            .collect()
    };
    let roles = open_roles(&app);
    assert!(roles.len() >= 2, "the Sendai case has two open roles");
    // End the first role by hand: its save runs, its reload does not.
    let end_role = |app: &mut Headless, i: usize| -> Vec<SaveOp> {
        select(app, i);
        let mut fx = update(
            &mut app.state,
            Action::Key(Chord::plain(KeyCode::Char('E'))),
        );
        // A form, dated today unless changed: save it as it is.
        fx.extend(update(&mut app.state, Action::Save));
        fx.into_iter()
            .find_map(|e| match e {
                Effect::Store(triad::query::request::StoreEffect::Save { ops, .. }) => Some(ops),
                _ => None,
            })
            .expect("a save")
    };
    let first = end_role(&mut app, roles[0].0);
    let saved = demo.store.apply(first).unwrap();
    update(&mut app.state, Action::Reply(Box::new(Reply::Saved(saved))));
    // The second end is built on the saved case, so the store accepts it
    // and the first end is still there.
    let second_index = open_roles(&app)
        .iter()
        .find(|(_, p)| *p == roles[1].1)
        .unwrap()
        .0;
    let second = end_role(&mut app, second_index);
    demo.store
        .apply(second)
        .expect("the second end builds on the first");
    let c: Case = demo.store.get_as(detail(&app).case.id).unwrap().unwrap();
    for (_, party) in &roles[..2] {
        assert!(
            c.parties
                .iter()
                .any(|p| p.party == *party && p.until.is_some()),
            "{party} ended"
        );
    }
}

/// A big store can hold thousands of overdue follow-ups; the dashboard,
/// drawn on every keystroke, lists the first few and counts the rest.
#[test]
fn a_long_dashboard_section_lists_the_first_and_counts_the_rest() {
    use triad::app::view::{DashLine, SECTION_MAX, dashboard};
    let demo = tui::demo_store();
    let mut app = en(&demo);
    let one = app
        .state
        .data
        .referral_alerts
        .first()
        .cloned()
        .expect("the demo has an overdue follow-up");
    app.state.data.referral_alerts = vec![one; 5000];
    let lines = dashboard(&app.state);
    let shown = lines
        .iter()
        .filter(|l| matches!(l, DashLine::FollowUp(_)))
        .count();
    assert_eq!(shown, SECTION_MAX);
    assert!(
        lines
            .iter()
            .any(|l| matches!(l, DashLine::More(n) if *n == 5000 - SECTION_MAX))
    );
    let screen = app.screen();
    assert!(
        screen.contains("(5000)"),
        "the heading keeps the total:\n{screen}"
    );
}

/// Someone else saves the case (a new coordinator's title) while it is
/// being edited here.
fn saved_meanwhile(demo: &tui::Demo, case: Id, title: &str) {
    use triad::store::Change;
    let mut c: Case = demo.store.get_as(case).unwrap().unwrap();
    let base = demo.store.revisions(&[case]).unwrap()[0];
    c.title = title.to_string();
    demo.store
        .apply(vec![Change::Edit {
            record: Record::Case(c),
            base,
        }])
        .expect("their save");
}

/// Open the Sendai case's edit form and retitle it (not yet saved).
fn edit_title(app: &mut Headless, title: &str) -> Id {
    sendai_case(app);
    let id = detail(app).case.id;
    app.press("i");
    assert!(app.state.form.is_some(), "{}", app.screen());
    app.press("<C-u>");
    app.type_text(title);
    id
}

#[test]
fn an_edit_saves_from_the_revision_it_was_made_from() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    let id = edit_title(&mut app, "仙台ポリオの会 会員 阿部さん（改題）");
    let before = demo.store.revisions(&[id]).unwrap()[0];
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let c: Case = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(c.title, "仙台ポリオの会 会員 阿部さん（改題）");
    assert_eq!(demo.store.revisions(&[id]).unwrap()[0], before + 1);
    // The view shows the new revision, so a second edit is not a conflict.
    assert_eq!(detail(&app).rev, before + 1);
    app.press("i");
    app.type_text("!");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    assert!(app.state.confirm.is_none());
}

#[test]
fn an_edit_that_crossed_another_shows_both_and_can_keep_yours() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    let id = edit_title(&mut app, "Mine: after the home visit");
    saved_meanwhile(&demo, id, "Theirs: after the phone call");
    app.press("<C-s>");
    let c = app.state.confirm.as_ref().expect("a conflict to resolve");
    let title_row = c
        .compare
        .iter()
        .find(|(f, _, _)| f == "Title")
        .expect("the title compared");
    assert_eq!(
        (title_row.1.as_str(), title_row.2.as_str()),
        ("Theirs: after the phone call", "Mine: after the home visit")
    );
    assert_eq!(c.compare[0].0, "Title", "what differs comes first");
    let screen = app.screen();
    assert!(screen.contains("Theirs: after the phone call"), "{screen}");
    assert!(screen.contains("Mine: after the home visit"), "{screen}");
    // Nothing of ours was written yet.
    let stored: Case = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(stored.title, "Theirs: after the phone call");
    app.press("y");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: Case = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(stored.title, "Mine: after the home visit");
}

#[test]
fn a_conflict_can_take_theirs_or_go_back_to_editing() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    let id = edit_title(&mut app, "Mine");
    saved_meanwhile(&demo, id, "Theirs");
    app.press("<C-s>");
    assert!(app.state.confirm.is_some());
    app.press("t");
    assert!(app.state.form.is_none() && app.state.confirm.is_none());
    assert_eq!(detail(&app).case.title, "Theirs", "the view reloaded");
    let stored: Case = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(stored.title, "Theirs");

    // Again, and back to the form: what was typed is kept, and a save
    // from there builds on their version.
    app.press("i");
    app.press("<C-u>");
    app.type_text("Mine again");
    saved_meanwhile(&demo, id, "Theirs again");
    app.press("<C-s>");
    assert!(app.state.confirm.is_some());
    app.press("<Esc>");
    let form = app.state.form.as_ref().expect("back in the form");
    assert_eq!(form.value(Key::Title), "Mine again");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: Case = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(stored.title, "Mine again");
}

#[test]
fn an_edit_can_move_the_case_to_closed_with_its_date() {
    use triad::model::CaseStatus;
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    let id = detail(&app).case.id;
    app.press("i");
    // Title, reading, client, coordinator, condition, then status.
    app.press("<Tab><Tab><Tab><Tab><Tab>");
    while app.state.form.as_ref().unwrap().code(Key::Status) != "closed" {
        app.press("<Right>");
    }
    app.press("<Tab><C-u>");
    app.type_text("2024-06-14");
    // Closing asks how the case ended.
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("an outcome is asked for");
    assert!(form.field(Key::StatusNote).unwrap().error.is_some());
    app.type_text("Settled with the clinic; no further support needed");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let c: Case = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(c.status, CaseStatus::Closed);
    let last = c.status_history.last().unwrap();
    assert_eq!(
        (last.status, last.on.to_string(), last.note.as_str()),
        (
            CaseStatus::Closed,
            "2024-06-14".into(),
            "Settled with the clinic; no further support needed"
        )
    );
    assert_eq!(last.by, tui::USER);
}

/// Enter on an overdue referral or a consent on the dashboard opens its
/// case on that panel, with that very record selected.
#[test]
fn a_dashboard_line_about_a_referral_or_consent_opens_it_over_its_case() {
    use triad::app::view::{DashLine, dashboard, dashboard_links};
    let demo = tui::demo_store();
    for want in ["referral", "consent"] {
        let mut app = en(&demo);
        let lines = dashboard(&app.state);
        let target = lines.iter().find_map(|l| match (l, want) {
            (DashLine::FollowUp(r), "referral") => Some((r.id, CasePanel::Referrals)),
            (DashLine::Consent(c), "consent") => Some((c.id, CasePanel::Consents)),
            _ => None,
        });
        let Some((record, panel)) = target else {
            panic!("the demo's dashboard has a {want} line:\n{}", app.screen());
        };
        let links = dashboard_links(&app.state);
        let at = links
            .iter()
            .position(|l| {
                matches!(l, triad::app::view::Link::CaseRecord { record: r, .. } if *r == record)
            })
            .expect("its line links to it");
        select(&mut app, at);
        app.press("<CR>");
        // The record's own view opens over its case; Back shows it there.
        assert!(
            matches!(app.state.screen(), Screen::Record(r) if r.id == record),
            "{}",
            app.screen()
        );
        app.press("<Esc>");
        let screen = case_screen(&app);
        assert_eq!(screen.panel, panel, "{}", app.screen());
        let d = detail(&app);
        let i = triad::app::view::panel_index(panel);
        let selected = triad::app::view::row_of(screen, d, record);
        assert_eq!(selected, Some(screen.scroll[i].sel), "{}", app.screen());
    }
}

/// Open the first body the finder gives for `name` (a case may come first).
fn open_body(app: &mut Headless, name: &str) {
    app.press("<C-p>");
    app.type_text(name);
    let hits = &app.state.finder.as_ref().unwrap().hits;
    let at = hits.iter().position(|h| h.id.kind == Kind::Body).unwrap();
    app.press(&format!("{}<CR>", "<Down>".repeat(at)));
}

/// Tab to field `key` of the open form and replace what it holds.
fn retype(app: &mut Headless, key: Key, text: &str) {
    let form = app.state.form.as_ref().expect("a form");
    let at = form.fields.iter().position(|f| f.key == key).unwrap();
    let tabs = (at + form.fields.len() - form.focus) % form.fields.len();
    app.press(&format!("{}<C-u>", "<Tab>".repeat(tabs)));
    app.type_text(text);
}

#[test]
fn a_referral_is_edited_where_it_is_not_history() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("<Tab>");
    assert_eq!(case_screen(&app).panel, CasePanel::Referrals);
    let r = triad::app::view::referral_rows(case_screen(&app), detail(&app))[0]
        .referral()
        .clone();
    app.press("ggi");
    let form = app.state.form.as_ref().expect("the referral's form");
    assert_eq!(form.value(Key::Reason), r.reason, "filled with its values");
    retype(
        &mut app,
        Key::Outcome,
        "Seen at the clinic; follow-up in a year",
    );
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: triad::model::Referral = demo.store.get_as(r.id).unwrap().unwrap();
    assert_eq!(stored.outcome, "Seen at the clinic; follow-up in a year");
    assert_eq!(stored.history, r.history, "its steps are history, kept");
}

#[test]
fn a_consent_is_corrected_and_a_future_date_is_refused_in_japanese() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::Ja, 100, 30);
    sendai_case(&mut app);
    app.press("<S-Tab>");
    assert_eq!(case_screen(&app).panel, CasePanel::Consents);
    let consent = detail(&app).consents[0].clone();
    app.press("ggi");
    assert!(app.state.form.is_some(), "{}", app.screen());
    let tomorrow = tui::today().succ_opt().unwrap();
    retype(&mut app, Key::GivenOn, &tomorrow.to_string());
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    let error = form.field(Key::GivenOn).unwrap().error.clone().unwrap();
    assert!(error.contains("未来"), "said in Japanese: {error}");
    retype(&mut app, Key::GivenOn, &consent.given_on.to_string());
    retype(&mut app, Key::ExpiresOn, "2031-03-31");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: Consent = demo.store.get_as(consent.id).unwrap().unwrap();
    assert_eq!(
        stored.expires_on,
        chrono::NaiveDate::from_ymd_opt(2031, 3, 31)
    );
    assert_eq!(stored.granted_to, consent.granted_to);
}

#[test]
fn an_events_attendance_is_edited_and_blank_stays_not_counted() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("<Tab><Tab><Tab>");
    assert_eq!(case_screen(&app).panel, CasePanel::Timeline);
    // Down to the first event row.
    let rows = triad::app::view::timeline_rows(&detail(&app).timelines, tui::today(), "");
    let at = rows
        .iter()
        .position(|r| matches!(r, triad::app::view::TimelineRow::Event(..)))
        .expect("the Sendai timeline has events");
    let event = match rows[at] {
        triad::app::view::TimelineRow::Event(_, e) => e.clone(),
        _ => unreachable!(),
    };
    select(&mut app, at);
    app.press("i");
    let form = app.state.form.as_ref().expect("the event's form");
    assert_eq!(form.value(Key::Title), event.title);
    retype(&mut app, Key::Peer, "14");
    retype(&mut app, Key::Medical, "");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: triad::model::Event = demo.store.get_as(event.id).unwrap().unwrap();
    let att = stored.attendance.expect("counted");
    assert_eq!((att.peer, att.medical), (Some(14), None));
}

#[test]
fn a_person_is_edited_from_their_page() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    find(&mut app, "K医師");
    let Screen::Party(p) = app.state.screen() else {
        panic!("not on a party: {}", app.screen());
    };
    let id = p.id;
    // On the cases panel, `i` edits the person the page is about.
    app.press("i");
    let form = app.state.form.as_ref().expect("the person's form");
    assert_eq!(form.title, "Edit person", "{}", app.screen());
    retype(&mut app, Key::Contact, "022-000-0000 (clinic)");
    retype(&mut app, Key::Roles, "physician, counsellor");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: triad::model::Person = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(stored.contact, "022-000-0000 (clinic)");
    assert_eq!(
        stored.roles,
        vec![
            triad::model::Role::Physician,
            triad::model::Role::Counsellor
        ]
    );
    // A role that is not one is refused, naming the ones there are.
    app.press("i");
    retype(&mut app, Key::Roles, "wizard");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    let error = form.field(Key::Roles).unwrap().error.clone().unwrap();
    assert!(
        error.contains("wizard") && error.contains("nurse"),
        "{error}"
    );
}

/// Sent without a covering consent: refused on the override field, with
/// what is missing; a coordinator types why, and it goes.
#[test]
fn a_referral_without_consent_is_refused_until_a_coordinator_says_why() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("r");
    app.press("<Tab>");
    app.type_text("宮城県");
    app.press("<Tab><Tab>");
    app.type_text("Rehabilitation assessment");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let rid = detail(&app).referrals[0].id;
    select(&mut app, 0);
    app.press("u");
    let form = app.state.form.as_ref().expect("status form");
    assert_eq!(form.code(Key::Status), "sent");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    let field = form.field(Key::OverrideReason).expect("the override field");
    let error = field.error.clone().expect("the refusal is on it");
    assert!(error.contains("no consent of the client covers"), "{error}");
    assert_eq!(
        form.focus,
        form.fields
            .iter()
            .position(|f| f.key == Key::OverrideReason)
            .unwrap()
    );
    app.type_text("Client asked for it at the meeting; form to follow");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let r: triad::model::Referral = demo.store.get_as(rid).unwrap().unwrap();
    assert_eq!(r.status(), ReferralStatus::Sent);
    assert_eq!(
        r.provision().map(|p| &p.basis),
        Some(&triad::model::ProvisionBasis::Override {
            reason: "Client asked for it at the meeting; form to follow".into()
        })
    );
    // The expanded referral says so.
    let row = triad::app::view::referral_rows(case_screen(&app), detail(&app))
        .iter()
        .position(|x| x.referral().id == rid)
        .unwrap();
    select(&mut app, row);
    app.press("<Space>");
    assert!(
        app.screen().contains("sent without consent"),
        "{}",
        app.screen()
    );
}

#[test]
fn a_note_is_corrected_by_a_new_note_and_the_original_is_kept() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("<Tab><Tab>");
    assert_eq!(case_screen(&app).panel, CasePanel::Notes);
    let original =
        triad::app::view::note_rows(case_screen(&app), detail(&app), &app.state.cfg)[0].clone();
    app.press("ggi");
    let form = app.state.form.as_ref().expect("the correction form");
    assert_eq!(form.value(Key::Text), original.text, "starts from its text");
    retype(&mut app, Key::Text, "Corrected: the meeting is on Friday");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let id: Id = flash(&app).trim_start_matches("Saved ").parse().unwrap();
    let fixed: TrustNote = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(fixed.corrects, Some(original.id));
    assert_eq!(fixed.confidentiality, original.confidentiality);
    let kept: TrustNote = demo.store.get_as(original.id).unwrap().unwrap();
    assert_eq!(kept, original, "the original is kept as it was");
    let screen = app.screen();
    assert!(screen.contains(&format!("corrected by {id}")), "{screen}");
    assert!(
        screen.contains(&format!("corrects {}", original.id)),
        "{screen}"
    );
}

#[test]
fn a_referral_step_is_corrected_beside_it() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("<Tab>");
    let r = triad::app::view::referral_rows(case_screen(&app), detail(&app))[0]
        .referral()
        .clone();
    let last = r.history.len() - 1;
    let (was, _) = r.step_on(last).unwrap();
    app.press("ggi");
    // Choose the last step, then its right date and note.
    let steps = Key::Step;
    retype(&mut app, steps, "");
    for _ in 0..=last {
        app.press("<Right>");
    }
    retype(&mut app, Key::On, &was.to_string());
    retype(&mut app, Key::Note, "date taken from the letter");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: triad::model::Referral = demo.store.get_as(r.id).unwrap().unwrap();
    assert_eq!(stored.history, r.history, "the step as recorded is kept");
    assert_eq!(
        stored.step_on(last),
        Some((was, "date taken from the letter"))
    );
}

#[test]
fn a_party_field_takes_romaji_and_offers_each_match() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("r<Tab>");
    // Two Hello Work offices match: the field lists them and <C-n> goes
    // through them by id.
    app.type_text("harowaku");
    let screen = app.screen();
    assert!(screen.contains("2 match"), "{screen}");
    app.press("<C-n>");
    let first = app.state.form.as_ref().unwrap().value(Key::To).to_string();
    app.press("<C-n>");
    let second = app.state.form.as_ref().unwrap().value(Key::To).to_string();
    app.press("<C-n>");
    let third = app.state.form.as_ref().unwrap().value(Key::To).to_string();
    assert_ne!(first, second);
    assert_eq!(first, third, "round again");
    let names: Vec<String> = [&first, &second]
        .iter()
        .map(|id| app.state.name(id.parse().unwrap()))
        .collect();
    assert!(
        names.iter().all(|n| n.starts_with("ハローワーク")),
        "{names:?}"
    );
    // A unique reading typed in romaji resolves on its own.
    app.press("<C-u>");
    app.type_text("harowaku maebashi");
    assert!(app.screen().contains("= B-"), "{}", app.screen());
}

#[test]
fn a_client_is_added_from_the_case_form_without_losing_it() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    app.press("nc");
    app.type_text("New case from a phone call");
    retype(&mut app, Key::Client, "山田 花子");
    app.press("<C-t>");
    let form = app.state.form.as_ref().expect("the person form");
    assert_eq!(
        form.value(Key::Name),
        "山田 花子",
        "the typed name comes along"
    );
    assert!(form.title.contains("New person"), "{}", form.title);
    app.press("<C-s>");
    // Back on the case form, with the new person in the field.
    let form = app.state.form.as_ref().expect("the case form is back");
    assert_eq!(form.value(Key::Title), "New case from a phone call");
    let client: Id = form.value(Key::Client).parse().expect("an id");
    assert_eq!(client.kind, Kind::Person);
    let person: triad::model::Person = demo.store.get_as(client).unwrap().unwrap();
    assert_eq!(person.name, "山田 花子");
    app.press("<C-s>");
    let case = detail(&app).case.clone();
    assert_eq!(case.client, Some(client));
    // <C-t> twice makes a body instead; leaving it goes back to the form
    // that asked for it, as it was.
    app.press("nc");
    retype(&mut app, Key::Coordinator, "佐藤");
    app.press("<C-t><C-t>");
    assert!(
        app.state.form.as_ref().unwrap().title.contains("New body"),
        "{}",
        app.screen()
    );
    app.press("<Esc>y");
    let form = app.state.form.as_ref().expect("the case form is back");
    assert_eq!(form.title, "New case");
    assert_eq!(form.value(Key::Coordinator), "佐藤");
}

#[test]
fn a_body_is_edited_with_its_parent_body() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    open_body(&mut app, "仙台ポリオの会");
    let Screen::Party(p) = app.state.screen() else {
        panic!("not on a body: {}", app.screen());
    };
    let id = p.id;
    app.press("i");
    assert_eq!(app.state.form.as_ref().unwrap().title, "Edit body");
    // A parent that is a person is refused next to the field.
    retype(&mut app, Key::Parent, "K医師");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    assert!(
        form.field(Key::Parent).unwrap().error.is_some(),
        "{}",
        app.screen()
    );
    retype(&mut app, Key::Parent, "仙台市障害者福祉協会");
    retype(&mut app, Key::Contact, "022-111-2222");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let b: triad::model::Body = demo.store.get_as(id).unwrap().unwrap();
    assert_eq!(b.contact, "022-111-2222");
    let parent = b.parent.expect("a parent");
    assert_eq!(app.state.name(parent), "仙台市障害者福祉協会");
}

#[test]
fn an_affiliation_is_ended_on_its_date_from_the_persons_page() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    find(&mut app, "千葉 美穂");
    app.press("<Tab>");
    let Screen::Party(p) = app.state.screen() else {
        panic!("not on a person: {}", app.screen());
    };
    let d = p.detail.as_deref().unwrap();
    let a = triad::app::view::affiliation_rows(p, d)[0].clone();
    assert!(a.until.is_none(), "the demo's affiliation is open");
    app.press("ggi");
    assert_eq!(app.state.form.as_ref().unwrap().title, "Edit affiliation");
    // An end before its start is refused with the start it must follow.
    let before = a.from.pred_opt().unwrap();
    retype(&mut app, Key::Until, &before.to_string());
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    let error = form.field(Key::Until).unwrap().error.clone().unwrap();
    assert!(error.contains(&a.from.to_string()), "{error}");
    let ended = tui::today().pred_opt().unwrap();
    retype(&mut app, Key::Until, &ended.to_string());
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: triad::model::Affiliation = demo.store.get_as(a.id).unwrap().unwrap();
    assert_eq!((stored.from, stored.until), (a.from, Some(ended)));
}

#[test]
fn a_partnership_is_edited_from_the_timeline() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    sendai_case(&mut app);
    app.press("<Tab><Tab><Tab>gg");
    let p = triad::app::view::case_selection(case_screen(&app), detail(&app), tui::today())
        .partnership
        .expect("the first timeline row is a partnership")
        .clone();
    app.press("i");
    assert_eq!(app.state.form.as_ref().unwrap().title, "Edit partnership");
    retype(&mut app, Key::Description, "Meets twice a year since 2009");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let stored: triad::model::Partnership = demo.store.get_as(p.id).unwrap().unwrap();
    assert_eq!(stored.description, "Meets twice a year since 2009");
    assert_eq!(stored.parties, p.parties);
}

#[test]
fn a_closed_case_leaves_the_list_and_is_reopened_in_japanese() {
    use triad::model::CaseStatus;
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::Ja, 100, 30);
    sendai_case(&mut app);
    let id = detail(&app).case.id;
    let set_status = |app: &mut Headless, status: &str, why: &str| {
        app.press("i");
        retype(app, Key::Status, "");
        while app.state.form.as_ref().unwrap().code(Key::Status) != status {
            app.press("<Right>");
        }
        retype(app, Key::StatusNote, why);
        app.press("<C-s>");
        assert!(app.state.form.is_none(), "{}", app.screen());
    };
    set_status(&mut app, "closed", "転居のため終結");
    app.press("gc");
    assert!(
        !list_rows(&app).iter().any(|r| r.id == id),
        "closed: off the list"
    );
    assert!(app.screen().contains("継続中"), "{}", app.screen());
    // The finder still finds it, and it reopens with its reason.
    sendai_case(&mut app);
    set_status(&mut app, "active", "戻ってきたため再開");
    let c: Case = demo.store.get_as(id).unwrap().unwrap();
    let last = c.status_history.last().unwrap();
    assert_eq!(
        (last.status, last.note.as_str()),
        (CaseStatus::Active, "戻ってきたため再開")
    );
    let closed = &c.status_history[c.status_history.len() - 2];
    assert_eq!(
        (closed.status, closed.note.as_str()),
        (CaseStatus::Closed, "転居のため終結")
    );
    app.press("gc");
    assert!(list_rows(&app).iter().any(|r| r.id == id), "open again");
}

#[test]
fn a_body_cannot_be_put_inside_a_body_inside_itself() {
    let demo = tui::demo_store();
    let mut app = en(&demo);
    // A under B is fine...
    open_body(&mut app, "仙台ポリオの会");
    app.press("i");
    retype(&mut app, Key::Parent, "仙台市障害者福祉協会");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    // ...then B under A is a cycle, refused next to the field.
    open_body(&mut app, "仙台市障害者福祉協会");
    app.press("i");
    retype(&mut app, Key::Parent, "仙台ポリオの会");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused");
    let error = form.field(Key::Parent).unwrap().error.clone().unwrap();
    assert!(error.contains("lead back"), "{error}");
}
