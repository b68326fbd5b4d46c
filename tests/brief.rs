//! The brief (issue 12, parts 1 and 2): each section holds what it should
//! on the demo store (dates relative to the demo's fixed today), meeting
//! mode names no client or family member in full, the "since" default
//! follows each user's last brief, and the brief screen copies with OSC 52
//! and saves a private file. One test goes through the real binary.

mod common;
mod server_common;
mod tui;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;

use base64::Engine;
use chrono::Days;
use triad::app::state::Screen;
use triad::i18n::Lang;
use triad::model::{
    Case, Confidentiality, Consent, Date, Event, Id, Kind, Person, Referral, ReferralStatus, Role,
    TrustNote,
};
use triad::query::brief::{Brief, BriefRequest, make};
use triad::query::cases::CaseCache;
use triad::query::worker::{IndexAt, Where};
use triad::store::{Scope, SledStore, Store, StoreExt};

fn ask(case: Option<Id>, since: Option<Date>, meeting: bool, lang: Lang) -> BriefRequest {
    BriefRequest {
        case,
        days: 7,
        since,
        meeting,
        unanswered_days: 14,
        thresholds: Default::default(),
        lang,
    }
}

fn brief_on(store: &dyn Store, request: &BriefRequest, today: Date) -> Brief {
    let cases = CaseCache::default();
    let at = Where {
        index: IndexAt::Here,
        cases: &cases,
        dashboard: None,
    };
    make(store, request, today, at, &Scope::owner(tui::USER)).expect("brief")
}

/// The ids of a section's lines (not their details), by its heading's start.
fn section(brief: &Brief, heading: &str) -> Vec<Id> {
    let s = brief
        .sections
        .iter()
        .find(|s| s.heading.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading:?} in {brief:#?}"));
    s.lines
        .iter()
        .filter(|l| !l.detail)
        .filter_map(|l| l.id)
        .collect()
}

fn set(ids: impl IntoIterator<Item = Id>) -> BTreeSet<Id> {
    ids.into_iter().collect()
}

fn day_after(d: Date, n: u64) -> Date {
    d.checked_add_days(Days::new(n)).unwrap()
}

fn day_before(d: Date, n: u64) -> Date {
    d.checked_sub_days(Days::new(n)).unwrap()
}

#[test]
fn the_agenda_lists_what_is_due_waiting_happening_expiring_and_changed() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let today = tui::today();
    let since = day_before(today, 30);
    let brief = brief_on(store, &ask(None, Some(since), false, Lang::En), today);
    let week = day_after(today, 7);

    let referrals: Vec<Referral> = store.all().unwrap();
    let due = set(referrals
        .iter()
        .filter(|r| r.status().is_open() && r.follow_up.is_some_and(|f| f <= week))
        .map(|r| r.id));
    assert!(!due.is_empty(), "the demo has follow-ups due");
    assert_eq!(set(section(&brief, "Follow-ups")), due);

    let waiting = set(referrals
        .iter()
        .filter(|r| {
            r.status() == ReferralStatus::Sent
                && r.history
                    .last()
                    .is_some_and(|s| s.on <= day_before(today, 14))
        })
        .map(|r| r.id));
    assert!(!waiting.is_empty(), "the demo has unanswered referrals");
    assert_eq!(set(section(&brief, "Referrals sent 14+")), waiting);

    let events: Vec<Event> = store.all().unwrap();
    let coming = set(events
        .iter()
        .filter(|e| today <= e.date && e.date <= week)
        .map(|e| e.id));
    assert!(!coming.is_empty(), "the demo has events this week");
    assert_eq!(set(section(&brief, "Events from")), coming);
    // With who takes part, by name.
    let text = brief.to_text();
    for e in events.iter().filter(|e| coming.contains(&e.id)) {
        for p in &e.parties {
            let name = store.get(*p).unwrap().unwrap().label();
            assert!(text.contains(&name), "{name} of {} in\n{text}", e.id);
        }
    }

    let consents: Vec<Consent> = store.all().unwrap();
    let attention = set(consents
        .iter()
        .filter(|k| match k.withdrawn_on {
            Some(w) => w >= day_before(today, 30),
            None => k
                .expires_on
                .is_some_and(|e| today <= e && e <= day_after(today, 30)),
        })
        .map(|k| k.id));
    assert!(!attention.is_empty(), "the demo has a consent to look at");
    assert_eq!(set(section(&brief, "Consents expiring")), attention);

    // Every case changed since then (itself, at least) is listed, and
    // nothing older.
    let cases: Vec<Case> = store.all().unwrap();
    let changed = set(section(&brief, &format!("Cases changed since {since}")));
    let itself = set(cases
        .iter()
        .filter(|c| c.changed.date_naive() >= since)
        .map(|c| c.id));
    assert!(!itself.is_empty());
    assert!(changed.is_superset(&itself), "{changed:?} ⊉ {itself:?}");
    let s = brief
        .sections
        .iter()
        .find(|s| s.heading.starts_with("Cases changed"))
        .unwrap();
    for line in &s.lines {
        let day: Date = line.text[..10].parse().expect("a date first");
        assert!(day >= since, "{}", line.text);
    }
    // A window of 0 days keeps only what is due today or before.
    let narrow = BriefRequest {
        days: 0,
        ..ask(None, Some(since), false, Lang::En)
    };
    let narrow = brief_on(store, &narrow, today);
    let overdue = set(referrals
        .iter()
        .filter(|r| r.status().is_open() && r.follow_up.is_some_and(|f| f <= today))
        .map(|r| r.id));
    assert_eq!(set(section(&narrow, "Follow-ups")), overdue);
    assert!(overdue.len() < due.len(), "the week adds follow-ups");
}

#[test]
fn a_case_brief_holds_its_triad_open_referrals_with_steps_consents_notes_and_dates() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let today = tui::today();
    let cases: Vec<Case> = store.all().unwrap();
    assert!(cases.len() >= 7);
    for c in &cases {
        let brief = brief_on(store, &ask(Some(c.id), None, false, Lang::En), today);
        assert!(brief.title.starts_with(&c.id.to_string()));
        let triad = set(section(&brief, "Triad"));
        for p in c.parties.iter().filter(|p| p.is_active()) {
            assert!(triad.contains(&p.party), "{} of {}", p.party, c.id);
        }
        let referrals: Vec<Referral> = store.referring(c.id).unwrap();
        let open: Vec<&Referral> = referrals.iter().filter(|r| r.status().is_open()).collect();
        assert_eq!(
            set(section(&brief, "Open referrals")),
            set(open.iter().map(|r| r.id))
        );
        let steps = &brief
            .sections
            .iter()
            .find(|s| s.heading == "Open referrals")
            .unwrap()
            .lines;
        for r in &open {
            let shown = steps
                .iter()
                .filter(|l| l.detail && l.id == Some(r.id))
                .count();
            assert_eq!(shown, r.history.len(), "every step of {}", r.id);
        }
        let consents: Vec<Consent> = store.referring(c.id).unwrap();
        assert_eq!(
            set(section(&brief, "Consents")),
            set(consents.iter().map(|k| k.id))
        );
        let mut notes: Vec<TrustNote> = store.referring(c.id).unwrap();
        notes.retain(|n| n.confidentiality == Confidentiality::Shared);
        notes.sort_by_key(|n| std::cmp::Reverse((n.at, n.id)));
        assert_eq!(
            section(&brief, "Latest shared notes"),
            notes.iter().take(5).map(|n| n.id).collect::<Vec<_>>()
        );
        let next = set(section(&brief, "Next dates"));
        for r in &open {
            if r.follow_up.is_some_and(|f| f >= today) {
                assert!(next.contains(&r.id), "{} in next dates", r.id);
            }
        }
    }
}

/// `森田 さとみ（仮名）` is also written without its pseudonym marker.
fn full_names(p: &Person) -> Vec<String> {
    let bare = p
        .name
        .split('（')
        .next()
        .unwrap_or(&p.name)
        .trim()
        .to_string();
    let mut v = vec![p.name.clone()];
    if bare.chars().count() > 2 {
        v.push(bare);
    }
    v
}

#[test]
fn a_meeting_brief_names_no_client_or_family_member_in_full() {
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let today = tui::today();
    let people: Vec<Person> = store.all().unwrap();
    let private: Vec<&Person> = people.iter().filter(|p| p.is_private_party()).collect();
    assert!(private.len() >= 8, "the demo's clients and family");
    let cases: Vec<Case> = store.all().unwrap();
    let mut open_text = String::new();
    for lang in [Lang::En, Lang::Ja] {
        let mut briefs = vec![brief_on(store, &ask(None, None, true, lang), today)];
        for c in &cases {
            briefs.push(brief_on(store, &ask(Some(c.id), None, true, lang), today));
            let open = brief_on(store, &ask(Some(c.id), None, false, lang), today);
            open_text.push_str(&open.to_text());
        }
        for b in &briefs {
            let text = format!("{}{}", b.to_text(), b.to_markdown());
            for p in &private {
                for name in full_names(p) {
                    assert!(!text.contains(&name), "{name} in\n{text}");
                }
                // Shown by initials instead, where it is shown at all.
            }
        }
        let all: String = briefs.iter().map(Brief::to_text).collect();
        assert!(
            private.iter().any(|p| all.contains(&p.meeting_name())),
            "initials are there"
        );
    }
    // Case titles name clients by surname (`（福田さん）`): masked too.
    let cases_text: String = cases
        .iter()
        .map(|c| brief_on(store, &ask(Some(c.id), None, true, Lang::Ja), today).to_text())
        .collect();
    for p in private.iter().filter(|p| p.roles.contains(&Role::Client)) {
        let surname = p.name.split(' ').next().unwrap();
        assert!(
            !cases_text.contains(&format!("（{surname}さん）")),
            "{surname} in\n{cases_text}"
        );
    }
    // Bodies' names are never masked, even where they hold a client's
    // given name (`健` of `健康福祉部`).
    let open = brief_on(store, &ask(None, None, false, Lang::Ja), today).to_text();
    let meeting = brief_on(store, &ask(None, None, true, Lang::Ja), today).to_text();
    let bodies: Vec<triad::model::Body> = store.all().unwrap();
    let mut named = 0;
    for b in bodies.iter().filter(|b| open.contains(&b.name)) {
        named += 1;
        assert!(meeting.contains(&b.name), "{} in\n{meeting}", b.name);
    }
    assert!(named > 0);
    // Without meeting mode the same briefs do name them: the check above
    // could fail.
    assert!(
        private.iter().any(|p| open_text.contains(&p.name)),
        "{open_text}"
    );
}

#[test]
fn since_defaults_to_the_last_brief_before_today_per_user_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let d0 = tui::today();
    let heading = |b: &Brief| {
        b.sections
            .iter()
            .find(|s| s.heading.starts_with("Cases changed since"))
            .map(|s| s.heading.clone())
            .unwrap()
    };
    let since = |d: Date| format!("Cases changed since {d}");
    {
        let store = SledStore::open_as(dir.path(), tui::USER).unwrap();
        triad::demo::seed(&store, d0).unwrap();
        let agenda = ask(None, None, false, Lang::En);
        // No brief yet: a week back.
        assert_eq!(
            heading(&brief_on(&store, &agenda, d0)),
            since(day_before(d0, 7))
        );
        // Again the same day: still looking back as far.
        assert_eq!(
            heading(&brief_on(&store, &agenda, d0)),
            since(day_before(d0, 7))
        );
        let d3 = day_after(d0, 3);
        assert_eq!(heading(&brief_on(&store, &agenda, d3)), since(d0));
        assert_eq!(heading(&brief_on(&store, &agenda, d3)), since(d0));
        // A day given wins (and the brief still counts as made).
        let given = ask(None, Some(day_before(d0, 100)), false, Lang::En);
        let d4 = day_after(d0, 4);
        assert_eq!(
            heading(&brief_on(&store, &given, d4)),
            since(day_before(d0, 100))
        );
        // A case's brief is not an agenda: it moves nothing.
        let case = ask(Some(Id::new(Kind::Case, 1)), None, false, Lang::En);
        brief_on(&store, &case, day_after(d0, 5));
    }
    // Kept on disk, per user.
    let store = SledStore::open_as(dir.path(), tui::USER).unwrap();
    let agenda = ask(None, None, false, Lang::En);
    assert_eq!(
        heading(&brief_on(&store, &agenda, day_after(d0, 6))),
        since(day_after(d0, 4))
    );
    drop(store);
    let other = SledStore::open_as(dir.path(), "someone-else").unwrap();
    assert_eq!(
        heading(&brief_on(&other, &agenda, day_after(d0, 6))),
        since(day_before(day_after(d0, 6), 7))
    );
    assert!(other.check().unwrap().problems.is_empty());
}

/// The text an OSC 52 sequence carries, checking the sequence's frame.
fn osc52_payload(seq: &str) -> String {
    let body = seq
        .strip_prefix("\x1b]52;c;")
        .and_then(|s| s.strip_suffix('\x07'))
        .unwrap_or_else(|| panic!("not an OSC 52 sequence: {seq:?}"));
    assert!(
        body.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
        "plain base64: {body:?}"
    );
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("base64");
    String::from_utf8(bytes).expect("utf-8")
}

fn shown_brief(app: &triad::app::headless::Headless) -> Brief {
    match app.state.screen() {
        Screen::Brief(b) => *b.brief.clone().expect("the brief has come"),
        _ => panic!("not on the brief:\n{}", app.screen()),
    }
}

#[test]
fn the_brief_screen_copies_with_osc52_and_saves_a_private_file() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    // `y` on the dashboard copies the selected line's id; a line that
    // counts cases has none, and says so.
    use triad::app::view::Link;
    let links = triad::app::view::dashboard_links(&app.state);
    assert!(matches!(links[0], Link::CasesWithStatus(_)));
    app.press("y");
    assert!(app.clipboard.is_empty());
    assert!(app.screen().contains("no id"), "{}", app.screen());
    let (at, want) = links
        .iter()
        .enumerate()
        .find_map(|(i, link)| match *link {
            Link::CaseRecord { record, .. } => Some((i, record)),
            Link::Case(id) | Link::Record(id) => Some((i, id)),
            _ => None,
        })
        .unwrap();
    for _ in 0..at {
        app.press("j");
    }
    app.press("y");
    assert_eq!(
        osc52_payload(app.clipboard.last().unwrap()),
        want.to_string()
    );
    app.press("gd");

    app.press("b");
    let brief = shown_brief(&app);
    assert!(brief.title.starts_with("Brief for 2024-06-14"));
    app.press("Y");
    assert_eq!(app.clipboard.len(), 2);
    assert_eq!(osc52_payload(&app.clipboard[1]), brief.to_markdown());
    assert!(brief.to_markdown().contains("\n## Follow-ups"));
    assert!(
        app.screen().contains("Copied the brief"),
        "{}",
        app.screen()
    );

    // `y` on a line about a record: its id.
    let lines = brief.text_lines();
    let at = lines.iter().position(|l| l.1.is_some()).unwrap();
    for _ in 0..at {
        app.press("j");
    }
    app.press("y");
    assert_eq!(
        osc52_payload(app.clipboard.last().unwrap()),
        lines[at].1.unwrap().to_string()
    );

    // Enter opens what the line is about, and Back comes back to it.
    app.press("<CR>");
    let opened = lines[at].1.unwrap();
    match app.state.screen() {
        Screen::Record(r) => assert_eq!(r.id, opened),
        Screen::Case(c) => assert_eq!(c.id, opened),
        _ => panic!("{opened} not opened:\n{}", app.screen()),
    }
    app.press("<Esc>");
    assert!(matches!(app.state.screen(), Screen::Brief(_)));

    // `w`: a directory that is not there is refused, nothing lost.
    let dir = tempfile::tempdir().unwrap();
    app.press("w");
    assert!(app.state.form.is_some());
    app.press("<C-u>");
    let missing = dir.path().join("not-there");
    app.type_text(missing.to_str().unwrap());
    app.press("<C-s>");
    let form = app.state.form.as_ref().expect("the form stays");
    assert!(form.error.as_deref().unwrap_or("").contains("Cannot save"));
    assert!(!missing.exists());
    app.press("<C-u>");
    app.type_text(dir.path().to_str().unwrap());
    app.press("<C-s>");
    assert!(app.state.form.is_none(), "{}", app.screen());
    let file = dir.path().join("triad-brief-2024-06-14.md");
    let meta = std::fs::metadata(&file).expect("saved");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), brief.to_markdown());
    assert!(
        app.screen().contains("Saved the brief to"),
        "{}",
        app.screen()
    );
}

#[test]
fn b_on_a_case_opens_its_brief_and_meeting_mode_uses_initials() {
    let demo = tui::demo_store();
    let cases: Vec<Case> = demo.store.all().unwrap();
    let sendai = cases
        .iter()
        .find(|c| c.title.contains("仙台ポリオ"))
        .unwrap();
    let client: Person = demo.store.get_as(sendai.client.unwrap()).unwrap().unwrap();
    let keymap = triad::keymap::Keymap::builtin().unwrap();
    let mut cfg = tui::config(Lang::Ja, false, true);
    cfg.meeting = true;
    let mut app = triad::app::headless::Headless::new(demo.store.clone(), cfg, keymap, 160, 48);
    app.press("<C-p>");
    app.type_text(&sendai.id.to_string());
    app.press("<CR>");
    assert!(matches!(app.state.screen(), Screen::Case(c) if c.id == sendai.id));
    app.press("b");
    let brief = shown_brief(&app);
    assert!(brief.title.starts_with(&sendai.id.to_string()));
    let text = brief.to_text();
    assert!(!text.contains(&client.name), "{text}");
    assert!(text.contains(&client.meeting_name()), "{text}");
    assert!(!app.screen().contains(&client.name));
    // Back, and `b` elsewhere is today's.
    app.press("<Esc><Esc>");
    app.press("b");
    assert!(shown_brief(&app).title.ends_with("のブリーフィング"));
}

#[test]
fn triad_brief_through_the_real_binary_beside_an_open_connection() {
    use server_common::{StopServers, client, text, triad};
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    let out = triad(&store, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A connection held open, as a TUI would.
    let _held = client(&triad::server::socket::socket_in(&store));
    let out = triad(&store, &["brief", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let agenda = text(&out.stdout);
    assert!(agenda.starts_with("Brief for "), "{agenda}");
    for heading in ["Follow-ups overdue", "Events from", "Cases changed since"] {
        assert!(agenda.contains(heading), "{heading} in\n{agenda}");
    }
    let out = triad(
        &store,
        &[
            "brief",
            "--case",
            "C-0001",
            "--meeting",
            "--format",
            "md",
            "--lang",
            "ja",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.starts_with("# C-0001 "), "{md}");
    assert!(md.contains("\n## 三者：役割と信頼\n"), "{md}");
    // A case's brief is in the audit trail as a view of the case.
    let out = triad(
        &store,
        &["audit", "--case", "C-0001", "--json", "--lang", "en"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("made the brief of C-0001"),
        "{}",
        text(&out.stdout)
    );
    let file = tmp.path().join("brief.md");
    let out = triad(
        &store,
        &["brief", "--format", "md", "--out", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&file).unwrap().starts_with("# "));
    let out = triad(&store, &["brief", "--case", "B-0001"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("C-0007"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn turning_meeting_mode_on_makes_the_brief_again_so_a_copy_holds_initials() {
    let demo = tui::demo_store();
    let cases: Vec<Case> = demo.store.all().unwrap();
    let sendai = cases
        .iter()
        .find(|c| c.title.contains("仙台ポリオ"))
        .unwrap();
    let client: Person = demo.store.get_as(sendai.client.unwrap()).unwrap().unwrap();
    let mut app = tui::app(&demo, Lang::En, 80, 24);
    app.press("<C-p>");
    app.type_text(&sendai.id.to_string());
    app.press("<CR>");
    app.press("b");
    assert!(shown_brief(&app).to_text().contains(&client.name));
    app.press("gm");
    let brief = shown_brief(&app);
    assert!(
        !brief.to_text().contains(&client.name),
        "{}",
        brief.to_text()
    );
    app.press("Y");
    let copied = osc52_payload(app.clipboard.last().unwrap());
    assert!(!copied.contains(&client.name), "{copied}");
    assert!(copied.contains(&client.meeting_name()), "{copied}");
    // And back: the names again.
    app.press("gm");
    assert!(shown_brief(&app).to_text().contains(&client.name));
}

/// The agenda's supporters section holds each flag the dashboard raises,
/// at the asker's thresholds.
#[test]
fn the_agenda_lists_supporters_to_look_after_at_the_askers_thresholds() {
    use triad::model::workload::{Thresholds, flags};
    let demo = tui::demo_store();
    let store = demo.store.as_ref();
    let today = tui::today();
    let scope = Scope::owner(tui::USER);
    let rows = triad::query::supporters::looked_after(store, &scope, today).unwrap();
    let flagged = |t: &Thresholds| {
        set(rows
            .iter()
            .filter(|r| !flags(&r.workload, t, today).is_empty())
            .map(|r| r.person.id))
    };
    let mut request = ask(None, None, false, Lang::En);
    let brief = brief_on(store, &request, today);
    let expected = flagged(&request.thresholds);
    assert!(
        !expected.is_empty(),
        "the demo has supporters to look after"
    );
    assert_eq!(set(section(&brief, "Supporters to look after")), expected);
    assert!(
        brief.to_text().contains("over capacity"),
        "{}",
        brief.to_text()
    );
    // Thresholds nobody reaches leave only who is over capacity.
    request.thresholds = Thresholds {
        supervision_days: 100_000,
        quiet_case_days: 100_000,
        surge_factor: 100,
        surge_min: 100_000,
    };
    let brief = brief_on(store, &request, today);
    let over = flagged(&request.thresholds);
    assert!(
        !over.is_empty() && over.len() < expected.len(),
        "{over:?} of {expected:?}"
    );
    assert_eq!(set(section(&brief, "Supporters to look after")), over);
}
