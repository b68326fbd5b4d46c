//! The command-line contract, through the real binary.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use triad::server::socket::{my_uid, user_name};
use triad::store::SledStore;

fn triad(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triad"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("TRIAD_STORE")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn demo_search_export_import_check() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let out = triad(&a, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = triad(&a, &["search", "ポリオ", "--json"]);
    assert!(out.status.success());
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        hits.iter()
            .any(|h| h["kind"] == "body" && h["name"] == "仙台ポリオの会"),
        "{hits:?}"
    );

    let out = triad(&a, &["search", "no such thing anywhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    let file = tmp.path().join("export.json");
    let out = triad(
        &a,
        &[
            "export",
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let b = tmp.path().join("b");
    let out = triad(&b, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The first export left out someone else's private notes and says so
    // at its top; the store made from it has nothing to leave out, so its
    // export is the same records without that line.
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(
        first.starts_with("{\n  \"filtered_for\": "),
        "{}",
        &first[..80]
    );
    let again = triad(&b, &["export"]);
    let unfiltered: String = first
        .lines()
        .filter(|l| !l.starts_with("  \"filtered_for\""))
        .map(|l| format!("{l}\n"))
        .collect();
    // The import marks what it entered (who, when): that and nothing else
    // is new.
    let mut again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    // Every record whose own history names someone (a note's or a
    // contact's author, the steps of a referral, a case's status changes,
    // a relationship's trust) says who entered it here.
    let authored = [
        "trust_note",
        "referral",
        "contact",
        "check_in",
        "case",
        "relationship",
    ];
    let mut entered = 0;
    for r in again["records"].as_array_mut().unwrap() {
        let kind = r["type"].as_str().unwrap_or_default().to_string();
        match r.as_object_mut().unwrap().remove("entered") {
            Some(e) => {
                assert_eq!(e["by"], serde_json::json!(user_name(my_uid())), "{e}");
                entered += 1;
            }
            None => assert!(!authored.contains(&kind.as_str()), "{kind}: {r}"),
        }
    }
    assert!(entered > 0, "nothing says who entered it");
    let unfiltered: serde_json::Value = serde_json::from_str(&unfiltered).unwrap();
    assert_eq!(again, unfiltered);

    let out = triad(&b, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("no problems"));

    // Importing the same file twice is refused whole.
    let out = triad(&b, &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("nothing changed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn csv_and_markdown_exports() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    assert!(triad(&s, &["demo"]).status.success());
    let dir = tmp.path().join("csv");
    let out = triad(
        &s,
        &["export", "--format", "csv", "--out", dir.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bodies = std::fs::read_to_string(dir.join("bodies.csv")).unwrap();
    assert!(
        bodies.starts_with("id,name,reading,sector,kind"),
        "{}",
        &bodies[..80]
    );
    assert!(bodies.contains("仙台ポリオの会"));
    let out = triad(&s, &["export", "--format", "md", "--case", "C-0004"]);
    let md = text(&out.stdout);
    assert!(md.starts_with("# 仙台ポリオの会"), "{md}");
    assert!(md.contains("K医師"));
    let out = triad(&s, &["export", "--format", "md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--case"));
}

#[test]
fn a_store_held_by_another_process_is_refused_quickly_and_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("held");
    let _held = SledStore::open(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_triad"))
        .args(["check", "--store", dir.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A guard against hanging, not a timing assertion.
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("triad hung on a held store");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("another triad is using") && err.contains("triad serve"),
        "{err}"
    );
}

#[test]
fn store_falls_back_to_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("env-store");
    let out = Command::new(env!("CARGO_BIN_EXE_triad"))
        .args(["demo"])
        .env("TRIAD_STORE", &dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("db").exists());
}

#[test]
fn keymap_check_names_file_line_and_reason() {
    let bin = env!("CARGO_BIN_EXE_triad");
    let good = Command::new(bin)
        .args(["keymap", "check", "keymaps/default.toml"])
        .output()
        .unwrap();
    assert!(good.status.success(), "{}", text(&good.stderr));
    let bad = Command::new(bin)
        .args([
            "keymap",
            "check",
            "tests/keymap_fixtures/unknown_action.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(
        err.contains("unknown_action.toml:") && err.contains("unknown action"),
        "{err}"
    );
}

/// An export never writes through a symlink planted at its path, nor into
/// a file someone else created there: it is written beside it and renamed
/// into place, readable by its owner only.
#[test]
fn an_export_replaces_a_planted_link_or_file_instead_of_writing_through_it() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("s");
    assert!(triad(&store, &["demo"]).status.success());
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = tmp.path().join("export.json");
    symlink(&victim, &link).unwrap();
    let out = triad(&store, &["export", "--out", link.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.is_file(), "the link was replaced by the export");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);

    let planted = tmp.path().join("planted.md");
    std::fs::write(&planted, "someone's").unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = triad(
        &store,
        &[
            "export",
            "--format",
            "md",
            "--case",
            "C-0001",
            "--out",
            planted.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let meta = std::fs::metadata(&planted).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&planted).unwrap().starts_with("# "));
    // And the store's own files are its owner's alone.
    let lock = std::fs::metadata(store.join("triad.lock")).unwrap();
    assert_eq!(lock.permissions().mode() & 0o777, 0o600);
}

/// The Markdown case report holds each referral's steps, who declined and
/// why, its outcome, the consents' scope and dates and the trust levels, in
/// the language `--lang` asks for (no English left in the Japanese one).
#[test]
fn the_markdown_report_in_english_and_japanese() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    assert!(triad(&s, &["demo"]).status.success());
    let report_of = |case: &str, lang: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_triad"))
            .args(["--store", s.to_str().unwrap(), "--lang", lang])
            .args(["export", "--format", "md", "--case", case])
            .env_remove("TRIAD_STORE")
            .env("XDG_CONFIG_HOME", tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let report = |lang: &str| report_of("C-0003", lang);
    let en = report("en");
    for want in [
        "## Triad",
        "### Patient & family",
        "## Trust",
        "## Referrals",
        "- Steps:",
        "Declined by:",
        "- Outcome: Medication schedule adjusted.",
        "- Scope: intervention",
        "## Consents",
        "Granted to:",
    ] {
        assert!(en.contains(want), "{want}:\n{en}");
    }
    let ja = report("ja");
    for want in [
        "## 三者",
        "### 患者・家族",
        "## 信頼関係",
        "## 紹介",
        "- 経過:",
        "辞退:",
        "- 結果: Medication schedule adjusted.",
        "- 範囲: 介入",
        "## 同意",
    ] {
        assert!(ja.contains(want), "{want}:\n{ja}");
    }
    for english in ["PatientFamily", "Referrals", "Steps", "Status", "Scope"] {
        assert!(!ja.contains(english), "{english} in:\n{ja}");
    }
    // The Sendai case's trust between the association and Dr. K, now and
    // step by step.
    let en = report_of("C-0004", "en");
    assert!(en.contains("/ K医師 (P-0034): 5 established"), "{en}");
    assert!(en.contains("2 cautious"), "{en}");
    let ja = report_of("C-0004", "ja");
    assert!(ja.contains("/ K医師 (P-0034): 5 確立"), "{ja}");
}

/// `export --format md --meeting`: the report for a projector names no
/// client or family member and leaves out notes that are not shared.
#[test]
fn a_meeting_report_names_no_client_or_family_member() {
    use triad::model::{Confidentiality, Record};
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    assert!(triad(&s, &["demo"]).status.success());
    let out = triad(&s, &["export", "--format", "json"]);
    let records = triad::exchange::parse(&text(&out.stdout)).expect("the export parses");
    let mut secrets = Vec::new();
    let mut cases = Vec::new();
    // Everyone else's full names show, though some share a surname with a
    // client or family member elsewhere.
    let mut kept = Vec::new();
    for r in &records {
        match r {
            Record::Person(p) if !p.is_private_party() => kept.push(p.name.clone()),
            Record::Person(p) if p.is_private_party() => {
                let core = p.name.split('（').next().unwrap().trim().to_string();
                let parts = core.split_whitespace().filter(|w| w.chars().count() >= 2);
                secrets.extend(parts.map(str::to_string));
                secrets.push(core);
            }
            Record::TrustNote(n) if n.confidentiality != Confidentiality::Shared => {
                secrets.push(n.text.chars().take(16).collect());
            }
            Record::Case(c) => cases.push(c.id.to_string()),
            _ => {}
        }
    }
    assert!(secrets.len() > 10 && cases.len() > 5);
    let mut masked = 0;
    for case in &cases {
        let plain = triad(&s, &["export", "--format", "md", "--case", case]);
        let out = triad(
            &s,
            &["export", "--format", "md", "--case", case, "--meeting"],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let md = text(&out.stdout);
        let md = kept
            .iter()
            .fold(md, |md, name| md.replace(name.as_str(), ""));
        for secret in &secrets {
            assert!(!md.contains(secret.as_str()), "{case}: {secret:?} in\n{md}");
        }
        masked += usize::from(plain.stdout != out.stdout);
    }
    assert_eq!(
        masked,
        cases.len(),
        "every case's report had something to hide"
    );
    let out = triad(
        &s,
        &[
            "export",
            "--format",
            "json",
            "--meeting",
            "--case",
            &cases[0],
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--format md"),
        "{}",
        text(&out.stderr)
    );
}
