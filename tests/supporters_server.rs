//! Wellbeing check-ins through a real server: the test's own user takes
//! each role in turn (by a roles config), and everything the server sends
//! for every read is searched for the check-in's words. The supporter and
//! their supervisor get it; a coordinator who is not the supervisor, a
//! viewer and another supporter do not.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use triad::i18n::Lang;
use triad::model::*;
use triad::query::request::StoreEffect;
use triad::server::ServeOptions;
use triad::server::client::Client;
use triad::server::protocol::Ask;
use triad::server::roles::Roles;
use triad::server::socket::{my_uid, user_name};
use triad::store::{SledStore, Store};

mod common;
use common::day;

const MARKER: &str = "WELLMARK4417";

fn id(kind: Kind, n: u64) -> Id {
    Id::new(kind, n)
}

fn person(n: u64, name: &str, roles: &[Role], supervisor: Option<Id>) -> Record {
    let Record::Person(mut p) = common::person(n, name) else {
        unreachable!()
    };
    p.roles = roles.to_vec();
    if roles.contains(&Role::PeerSupporter) {
        p.supporter = Some(SupporterProfile {
            supervisor,
            capacity: Some(2),
            ..SupporterProfile::default()
        });
    }
    Record::Person(p)
}

/// P-1 supervises P-2; P-3 is another supporter; both are on C-1.
fn seed(store: &Path) {
    let s = SledStore::open_as(store, "owner").unwrap();
    let case = common::case(
        1,
        "通院の支援",
        Some(id(Kind::Person, 4)),
        &[
            (id(Kind::Person, 2), Sector::PatientFamily),
            (id(Kind::Person, 3), Sector::PatientFamily),
        ],
    );
    s.import(
        vec![
            person(1, "指導 花子", &[Role::Coordinator], None),
            person(
                2,
                "支援 一郎",
                &[Role::PeerSupporter],
                Some(id(Kind::Person, 1)),
            ),
            person(3, "支援 二郎", &[Role::PeerSupporter], None),
            common::person(4, "相談 太郎"),
            case,
            Record::CheckIn(CheckIn {
                id: id(Kind::CheckIn, 1),
                supporter: id(Kind::Person, 2),
                on: day(2024, 2, 1),
                wellbeing: Some(2),
                note: format!("眠れない {MARKER}"),
                // Not the test's user: they read it only by role and person.
                author: "ichiro-not-an-os-user".into(),
                entered: None,
            }),
        ],
        &mut |_, _| {},
    )
    .unwrap();
}

/// Everything a server gives the test's user as `role` (and `person`).
fn read_all(dir: &Path, store: &Path, role: AccessRole, person: Option<u64>) -> String {
    let me = user_name(my_uid());
    let mut config = format!("[users.\"{me}\"]\nrole = \"{}\"\n", role.name());
    if let Some(p) = person {
        config += &format!("person = \"{}\"\n", id(Kind::Person, p));
    }
    let path = dir.join(format!(
        "roles-{}-{}.toml",
        role.name(),
        person.unwrap_or(0)
    ));
    std::fs::write(&path, config).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut opts = ServeOptions::new(store);
    opts.roles = Some(Roles::load(&path, my_uid()).expect("a good config"));
    // Stopped when dropped, at the end of this function or on a panic.
    let running = triad::server::start(opts).expect("the server starts");
    let mut client = Client::connect(running.socket(), false, std::sync::Arc::new(|_| {}))
        .expect("a client connects");
    let mut out = String::new();
    let asks = [
        Ask::Effect {
            effect: StoreEffect::LoadAll,
        },
        Ask::Effect {
            effect: StoreEffect::LoadSupporters,
        },
        Ask::Effect {
            effect: StoreEffect::LoadSupporter(id(Kind::Person, 2)),
        },
        Ask::Effect {
            effect: StoreEffect::LoadParty(id(Kind::Person, 2)),
        },
        Ask::Effect {
            effect: StoreEffect::LoadCase(id(Kind::Case, 1)),
        },
        Ask::Effect {
            effect: StoreEffect::LoadRecord(id(Kind::CheckIn, 1)),
        },
        Ask::Collect { case: None },
        Ask::Collect {
            case: Some(id(Kind::Case, 1)),
        },
        Ask::CaseReport {
            case: id(Kind::Case, 1),
            lang: Lang::Ja,
            meeting: false,
        },
        Ask::Search {
            query: MARKER.into(),
            limit: 50,
            restricted: true,
        },
        Ask::Audit {
            case: None,
            user: None,
            since: None,
        },
    ];
    for ask in asks {
        // A refusal is an answer too: what it says is searched as well.
        let r = client.ask(ask, &mut |part| out += &format!("{part:?}"));
        out += &format!("{r:?}");
    }
    drop(client);
    drop(running);
    out
}

#[test]
fn a_check_in_reaches_only_the_supporter_and_their_supervisor_through_a_server() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    seed(&store);
    let cases = [
        (AccessRole::Supporter, Some(2), true),
        (AccessRole::Coordinator, Some(1), true),
        (AccessRole::Coordinator, None, false),
        (AccessRole::Viewer, None, false),
        (AccessRole::Supporter, Some(3), false),
    ];
    for (role, person, reads) in cases {
        let text = read_all(tmp.path(), &store, role, person);
        assert!(
            text.contains("支援 一郎"),
            "{role:?} {person:?} was served at all: {text}"
        );
        assert_eq!(
            text.contains(MARKER),
            reads,
            "{role:?} as {person:?} reading the check-in"
        );
        if !reads {
            assert!(!text.contains("W-0001"), "{role:?} {person:?} saw its id");
        }
    }
}
