//! The Supporters screen and a supporter's view on the demo data: insta
//! snapshots at 80x24 and 160x48 in English and Japanese, and the keys
//! that reach them (`gp`, `<F5>`, a dashboard flag, the filter).

mod tui;

use triad::app::headless::Headless;
use triad::app::state::Screen;
use triad::i18n::Lang;

/// Each view, reached by keys from a fresh session; `/` filters are typed.
const VIEWS: &[(&str, &[&str])] = &[
    ("supporters", &["gp"]),
    ("supporters_by_load", &["gp", "s"]),
    ("supporters_naha", &["gp", "/", "@area:那覇 skill:同行"]),
    ("supporter_cases", &["gp", "/", "@平野", "<CR>"]),
    ("supporter_contacts", &["gp", "/", "@平野", "<CR>", "<Tab>"]),
    (
        "supporter_training",
        &["gp", "/", "@高橋", "<CR>", "<Tab><Tab>"],
    ),
    (
        "supporter_supervision",
        &["gp", "/", "@杉山", "<CR>", "<S-Tab>"],
    ),
    ("supporter_resting", &["gp", "/", "@清水", "<CR>"]),
    ("form_contact", &["gp", "/", "@平野", "<CR>", "L"]),
    ("form_profile", &["gp", "/", "@平野", "<CR>", "i"]),
    ("form_check_in", &["gp", "/", "@平野", "<CR>", "C"]),
    ("form_supervision", &["gp", "/", "@平野", "<CR>", "S"]),
    (
        "form_training",
        &["gp", "/", "@高橋", "<CR>", "<Tab><Tab>", "T"],
    ),
];

fn drive(app: &mut Headless, keys: &[&str]) {
    for k in keys {
        match k.strip_prefix('@') {
            Some(text) => app.type_text(text),
            None => app.press(k),
        }
    }
}

fn snapshots(lang: Lang, w: u16, h: u16) {
    let demo = tui::demo_store();
    let tag = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    for (name, keys) in VIEWS {
        let mut app = tui::app(&demo, lang, w, h);
        drive(&mut app, keys);
        insta::assert_snapshot!(format!("{name}_{tag}_{w}x{h}"), app.screen());
    }
}

#[test]
fn supporters_en_80x24() {
    snapshots(Lang::En, 80, 24);
}

#[test]
fn supporters_en_160x48() {
    snapshots(Lang::En, 160, 48);
}

#[test]
fn supporters_ja_80x24() {
    snapshots(Lang::Ja, 80, 24);
}

#[test]
fn supporters_ja_160x48() {
    snapshots(Lang::Ja, 160, 48);
}

fn names_listed(app: &Headless) -> Vec<String> {
    let Screen::Supporters(s) = app.state.screen() else {
        panic!("not on the Supporters screen: {}", app.screen());
    };
    triad::app::supporters_view::rows(&app.state, s)
        .iter()
        .map(|r| r.person.name.clone())
        .collect()
}

#[test]
fn gp_and_f5_open_the_list_and_the_filter_answers_who_can_go_to_hospital_in_naha() {
    let demo = tui::demo_store();
    for key in ["gp", "<F5>"] {
        let mut app = tui::app(&demo, Lang::En, 80, 24);
        app.press(key);
        let all = names_listed(&app);
        assert!(all.len() > 15, "{all:?}");
        assert!(app.screen().contains("平野 大樹"));
    }
    let mut app = tui::app(&demo, Lang::Ja, 80, 24);
    app.press("gp");
    app.press("/");
    app.type_text("area:那覇 skill:同行");
    assert_eq!(names_listed(&app), vec!["金城 翔太".to_string()]);
    // Each key narrows: a language, a kind, a disease area.
    for (filter, who) in [
        ("lang:english kind:pro", vec!["宮城 さやか"]),
        ("disease:摂食", vec!["丸山 恵"]),
        ("status:休止中", vec!["清水 洋平"]),
    ] {
        let mut app = tui::app(&demo, Lang::En, 80, 24);
        app.press("gp");
        app.press("/");
        app.type_text(filter);
        assert_eq!(names_listed(&app), who, "{filter}");
    }
}

#[test]
fn sorting_by_load_puts_the_supporter_over_capacity_first() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    app.press("gp");
    app.press("s");
    assert_eq!(
        names_listed(&app).first().map(String::as_str),
        Some("平野 大樹")
    );
    // Enter opens the first row's view.
    app.press("<CR>");
    let Screen::Supporter(v) = app.state.screen() else {
        panic!("{}", app.screen())
    };
    let d = v.detail.as_deref().expect("loaded");
    assert_eq!(d.row.person.name, "平野 大樹");
    assert_eq!(d.row.workload.active_cases(), 3);
}

#[test]
fn a_dashboard_flag_opens_the_supporters_view() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 160, 48);
    let links = triad::app::view::dashboard_links(&app.state);
    let at = links
        .iter()
        .position(|l| matches!(l, triad::app::view::Link::Supporter(_)))
        .expect("a flag on the dashboard");
    for _ in 0..at {
        app.press("j");
    }
    app.press("<CR>");
    assert!(
        matches!(app.state.screen(), Screen::Supporter(_)),
        "{}",
        app.screen()
    );
    assert!(app.screen().contains("平野 大樹"), "{}", app.screen());
}

// ------------------------------------------------------------------ forms

use triad::model::{CheckIn, Contact, Enrolment, Person, Supervision};
use triad::store::StoreExt;

/// A session on 平野's view.
fn on_hirano(demo: &tui::Demo) -> Headless {
    let mut app = tui::app(demo, Lang::En, 100, 30);
    drive(&mut app, &["gp", "/", "@平野", "<CR>"]);
    assert!(matches!(app.state.screen(), Screen::Supporter(_)));
    app
}

fn hirano(demo: &tui::Demo) -> Person {
    demo.store
        .all::<Person>()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "平野 大樹")
        .unwrap()
}

#[test]
fn a_contact_logged_on_the_supporter_view_is_on_disk_and_counted() {
    let demo = tui::demo_store();
    let me = hirano(&demo).id;
    let before = demo.store.all::<Contact>().unwrap().len();
    let mut app = on_hirano(&demo);
    app.press("L");
    assert!(app.state.form.is_some(), "{}", app.screen());
    // Focus starts on the case; then kind, date, minutes, who reads it,
    // the note.
    app.press("<Tab><Tab><Tab>");
    app.type_text("45");
    app.press("<Tab><Tab>");
    app.type_text("通院に同行");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let contacts = demo.store.all::<Contact>().unwrap();
    assert_eq!(contacts.len(), before + 1);
    let new = contacts.iter().find(|c| c.note == "通院に同行").unwrap();
    assert_eq!((new.supporter, new.minutes), (me, 45));
    assert_eq!(new.author, tui::USER);
    let Screen::Supporter(v) = app.state.screen() else {
        panic!()
    };
    assert_eq!(v.detail.as_ref().unwrap().row.workload.contacts_30, 11);
}

#[test]
fn capacity_set_on_the_profile_clears_the_over_capacity_flag() {
    let demo = tui::demo_store();
    let mut app = on_hirano(&demo);
    let over = |app: &Headless| {
        triad::app::view::supporter_flags(&app.state)
            .iter()
            .any(|l| {
                matches!(
                    l,
                    triad::app::view::DashLine::SupporterFlag(
                        _,
                        triad::model::workload::Flag::OverCapacity { .. }
                    )
                )
            })
    };
    assert!(over(&app));
    app.press("i");
    assert!(app.state.form.is_some(), "{}", app.screen());
    // Focus starts on the status; then since, capacity.
    app.press("<Tab><Tab>");
    app.press("<C-u>");
    app.type_text("4");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let p = hirano(&demo).supporter.unwrap();
    assert_eq!(p.capacity, Some(4));
    assert!(!over(&app), "the flag clears at the new capacity");
}

#[test]
fn a_check_in_and_supervision_are_logged_from_the_view() {
    let demo = tui::demo_store();
    let me = hirano(&demo).id;
    let mut app = on_hirano(&demo);
    app.press("C");
    // Focus starts on the date; then how they are, the note.
    app.press("<Tab><Tab>");
    app.type_text("少し休めた");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let mine: Vec<CheckIn> = demo
        .store
        .all::<CheckIn>()
        .unwrap()
        .into_iter()
        .filter(|c| c.note == "少し休めた")
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].supporter, mine[0].author.as_str()),
        (me, tui::USER)
    );
    // Its author reads it back on the view; the demo's own (by hirano) is not.
    app.press("<S-Tab>");
    let screen = app.screen();
    assert!(screen.contains("少し休めた"), "{screen}");
    assert!(!screen.contains("眠りが浅い"), "{screen}");

    let before = demo.store.all::<Supervision>().unwrap().len();
    app.press("S");
    // The supervisor is filled in from the profile; themes last.
    app.press("<Tab><Tab><Tab><Tab>");
    app.type_text("休みの取り方");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let all = demo.store.all::<Supervision>().unwrap();
    assert_eq!(all.len(), before + 1);
    let new = all.iter().find(|s| s.themes == "休みの取り方").unwrap();
    assert_eq!(new.supporters, vec![me]);
    assert_eq!(
        Some(new.supervisor),
        hirano(&demo).supporter.and_then(|s| s.supervisor)
    );
}

#[test]
fn a_years_certificate_is_recorded_on_the_selected_course() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::Ja, 100, 30);
    drive(&mut app, &["gp", "/", "@高橋", "<CR>", "<Tab><Tab>", "G"]);
    app.press("T");
    assert!(app.state.form.is_some(), "{}", app.screen());
    app.type_text("2025");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let years: Vec<i32> = demo
        .store
        .all::<Enrolment>()
        .unwrap()
        .into_iter()
        .filter(|e| e.certificates.iter().any(|c| c.year == 2025))
        .flat_map(|e| e.certificates.into_iter().map(|c| c.year))
        .collect();
    assert_eq!(
        years,
        vec![2024, 2025],
        "on the applied course, after 2024's"
    );
    // The same year twice is refused next to the field.
    app.press("T");
    app.type_text("2025");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("refused, kept open");
    assert!(
        form.fields.iter().any(|f| f.error.is_some()),
        "{}",
        app.screen()
    );
}

#[test]
fn a_supporters_name_lists_their_cases_in_the_case_list_and_the_finder() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::Ja, 80, 24);
    let mine: Vec<triad::model::Id> = {
        let rows = &app.state.data.looked_after;
        let r = rows.iter().find(|r| r.person.name == "平野 大樹").unwrap();
        r.workload.cases.iter().map(|c| c.case).collect()
    };
    assert_eq!(mine.len(), 3);
    app.press("gc");
    app.press("/");
    app.type_text("平野 大樹");
    let Screen::Cases(list) = app.state.screen() else {
        panic!("{}", app.screen())
    };
    let listed: Vec<triad::model::Id> = list.page.rows.iter().map(|c| c.id).collect();
    assert_eq!(listed, mine, "{}", app.screen());
    // The finder finds the supporter; Enter shows the cases they are on.
    let mut app = tui::app(&demo, Lang::Ja, 80, 24);
    app.press("<C-p>");
    app.type_text("ヒラノ");
    let hits = &app.state.finder.as_ref().unwrap().hits;
    let at = hits
        .iter()
        .position(|h| h.label == "平野 大樹")
        .expect("the supporter is found");
    for _ in 0..at {
        app.press("<Down>");
    }
    app.press("<CR>");
    let screen = app.screen();
    for c in &mine {
        assert!(screen.contains(&c.to_string()), "{c} in {screen}");
    }
}

#[test]
fn enrolling_and_a_training_event_naming_the_course_count_as_attendance() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 100, 30);
    drive(&mut app, &["gp", "/", "@石田", "<CR>"]);
    // No course yet: `T` enrols them, by the course's id.
    app.press("T");
    app.type_text("C-0001");
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("a case's id is refused");
    assert!(
        form.fields
            .iter()
            .any(|f| f.error.as_deref() == Some("an id like G-0001")),
        "{}",
        app.screen()
    );
    app.press("<C-u>");
    app.type_text("g1");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let ishida = demo
        .store
        .all::<Person>()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "石田 亮")
        .unwrap()
        .id;
    let course = triad::model::Id::new(triad::model::Kind::Course, 1);
    assert!(
        demo.store
            .all::<Enrolment>()
            .unwrap()
            .iter()
            .any(|e| e.person == ishida && e.course == course)
    );
    // A training session logged on their page names the course.
    app.press("<C-p>");
    app.type_text("石田 亮");
    app.press("<CR>");
    assert!(
        matches!(app.state.screen(), Screen::Party(_)),
        "{}",
        app.screen()
    );
    app.press("e");
    app.press("<Right><Right>");
    app.press("<Tab>");
    app.type_text("養成研修 補講");
    // Date, until, partnership, three counts, then the course.
    app.press("<Tab><Tab><Tab><Tab><Tab><Tab><Tab>");
    app.type_text("G-0001");
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let event = demo
        .store
        .all::<triad::model::Event>()
        .unwrap()
        .into_iter()
        .find(|e| e.title == "養成研修 補講")
        .expect("saved");
    assert_eq!(event.course, Some(course));
    assert_eq!(event.kind, triad::model::EventKind::Training);
    assert_eq!(event.parties, vec![ishida]);
    let scope = triad::store::Scope::owner(tui::USER);
    let rows =
        triad::query::supporters::supporter_rows(&*demo.store, &scope, tui::today()).unwrap();
    let row = rows.iter().find(|r| r.person.id == ishida).unwrap();
    assert_eq!(row.trainings.len(), 1);
    assert_eq!(row.trainings[0].attended, 1, "the session counts for them");
    // The event's own view names its course.
    let shown = triad::query::worker::load_record(&*demo.store, event.id, &scope).unwrap();
    assert!(
        shown
            .names
            .get(&course)
            .is_some_and(|n| n.contains("養成研修")),
        "{:?}",
        shown.names
    );
}

#[test]
fn meeting_mode_hides_contact_notes_and_masks_clients_on_a_supporters_view() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::Ja, 100, 30);
    drive(&mut app, &["gp", "/", "@杉山", "<CR>"]);
    let cases = app.screen();
    assert!(cases.contains("渡部さん"), "{cases}");
    app.press("<Tab>");
    let contacts = app.screen();
    assert!(contacts.contains("病棟訪問"), "{contacts}");
    app.press("gm");
    let meeting = app.screen();
    assert!(
        !meeting.contains("病棟訪問"),
        "a team note on a shared screen: {meeting}"
    );
    assert!(
        meeting.contains("杉山 悟"),
        "a supporter is not a client: {meeting}"
    );
    app.press("<S-Tab>");
    let meeting = app.screen();
    assert!(
        !meeting.contains("渡部"),
        "a client's name on a shared screen: {meeting}"
    );
    assert!(meeting.contains("W.さん"), "{meeting}");
}
