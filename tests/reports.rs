//! `triad report`: every figure equals a count made here, independently,
//! from `triad export --format json` (walking the JSON, not calling
//! triad's report module), on the demo data and on `demo --scale 1000`;
//! Nagasaki's attendance table; "not counted" is never 0; a supporter's
//! figures leave out the cases not theirs; each format parses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;

mod common;
mod server_common;
use server_common::{StopServers, text, triad};

/// Runs triad and returns its stdout, failing with its stderr.
fn ok(store: &Path, args: &[&str]) -> String {
    let out = triad(store, args);
    assert!(
        out.status.success(),
        "triad {args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn json(store: &Path, args: &[&str]) -> Value {
    let out = ok(store, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}

/// A demo store (with `scale` synthetic cases) and its export's records.
struct Demo {
    _stop: StopServers,
    tmp: tempfile::TempDir,
    records: Vec<Value>,
}

impl Demo {
    fn new(scale: usize) -> Demo {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store");
        let stop = StopServers(store.clone());
        ok(&store, &["demo", "--scale", &scale.to_string()]);
        let export = json(&store, &["export", "--format", "json"]);
        let records = export["records"].as_array().unwrap().clone();
        Demo {
            _stop: stop,
            tmp,
            records,
        }
    }

    fn store(&self) -> std::path::PathBuf {
        self.tmp.path().join("store")
    }

    fn of(&self, kind: &str) -> impl Iterator<Item = &Value> {
        self.records.iter().filter(move |r| r["type"] == kind)
    }

    fn report(&self, args: &[&str]) -> Value {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        json(&self.store(), &all)
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

// -------------------------------------------------------------- referrals

/// A step's day as it stands: its latest correction, else as recorded.
fn step_day(r: &Value, i: usize) -> String {
    r["corrections"]
        .as_array()
        .into_iter()
        .flatten()
        .rfind(|c| c["step"].as_u64() == Some(i as u64))
        .map_or_else(
            || s(&r["history"][i]["on"]).to_string(),
            |c| s(&c["on"]).to_string(),
        )
}

fn day_of(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

/// Counts by state, funnel, median days and share completed, counted
/// from the JSON, as the report's fields name them.
#[derive(Debug, Default, PartialEq)]
struct Expect {
    states: BTreeMap<String, u64>,
    reached: [u64; 4],
    days: Vec<i64>,
}

impl Expect {
    fn add(&mut self, r: &Value) {
        let hist = r["history"].as_array().unwrap();
        let status = s(&hist.last().unwrap()["status"]);
        let key = match status {
            "declined" => format!("declined_by_{}", s(&r["declined_by"])),
            other => other.to_string(),
        };
        *self.states.entry(key).or_default() += 1;
        let has = |st: &str| hist.iter().any(|t| t["status"] == st);
        self.reached[0] += 1;
        for (i, st) in ["sent", "accepted", "completed"].iter().enumerate() {
            self.reached[i + 1] += u64::from(has(st));
        }
        let at = |st: &str| hist.iter().position(|t| t["status"] == st);
        if let (Some(sent), Some(acc)) = (at("sent"), at("accepted")) {
            self.days
                .push((day_of(&step_day(r, acc)) - day_of(&step_day(r, sent))).num_days());
        }
    }

    fn check(&self, got: &Value, what: &str) {
        let counts = &got["counts"];
        let mut total = 0;
        for field in [
            "proposed",
            "sent",
            "accepted",
            "declined_by_client",
            "declined_by_receiver",
            "completed",
            "cancelled",
        ] {
            let want = self.states.get(field).copied().unwrap_or(0);
            assert_eq!(counts[field].as_u64(), Some(want), "{what}: {field}");
            total += want;
        }
        let funnel = &got["funnel"];
        for (i, f) in ["proposed", "sent", "accepted", "completed"]
            .iter()
            .enumerate()
        {
            assert_eq!(
                funnel[*f].as_u64(),
                Some(self.reached[i]),
                "{what}: reached {f}"
            );
        }
        let mut d = self.days.clone();
        d.sort_unstable();
        let median = match d.len() {
            0 => None,
            n if n % 2 == 1 => Some(d[n / 2] as f64),
            n => Some((d[n / 2 - 1] + d[n / 2]) as f64 / 2.0),
        };
        assert_eq!(
            got["median_days_to_accept"].as_f64(),
            median,
            "{what}: median"
        );
        let done = self.states.get("completed").copied().unwrap_or(0);
        let share = (total > 0).then(|| done as f64 / total as f64);
        // serde_json reads floats to within one unit in the last place.
        match (got["share_completed"].as_f64(), share) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: share {a} {b}"),
            (a, b) => assert_eq!(a, b, "{what}: share"),
        }
    }
}

/// Checks `report referrals --by each` over the window against the JSON.
fn check_referrals(demo: &Demo, window: &[&str]) {
    let cases: HashMap<&str, &Value> = demo.of("case").map(|c| (s(&c["id"]), c)).collect();
    let bodies: HashMap<&str, &str> = demo
        .of("body")
        .map(|b| (s(&b["id"]), s(&b["sector"])))
        .collect();
    let from = window
        .iter()
        .position(|a| *a == "--from")
        .map(|i| day_of(window[i + 1]));
    let to = window
        .iter()
        .position(|a| *a == "--to")
        .map(|i| day_of(window[i + 1]));
    let refs: Vec<&Value> = demo
        .of("referral")
        .filter(|r| {
            let d = day_of(&step_day(r, 0));
            from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)
        })
        .collect();
    assert!(refs.len() > 3, "the window {window:?} holds referrals");
    for by in ["category", "sector", "body", "year"] {
        let key = |r: &Value| -> String {
            match by {
                "category" => s(&r["category"]).to_string(),
                "sector" => {
                    let to = s(&r["to"]);
                    let role = cases[s(&r["case"])]["parties"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|p| p["party"] == to)
                        .map(|p| s(&p["sector"]));
                    role.or(bodies.get(to).copied())
                        .unwrap_or("unknown")
                        .to_string()
                }
                "body" => s(&r["to"]).to_string(),
                _ => step_day(r, 0)[..4].to_string(),
            }
        };
        let mut want: BTreeMap<String, Expect> = BTreeMap::new();
        let mut all = Expect::default();
        for r in &refs {
            want.entry(key(r)).or_default().add(r);
            all.add(r);
        }
        let mut args = vec!["referrals", "--by", by];
        args.extend_from_slice(window);
        let got = demo.report(&args);
        assert_eq!(got["report"], "referrals");
        all.check(&got["all"], &format!("all, by {by}"));
        let groups = got["groups"].as_array().unwrap();
        let keys: BTreeSet<&str> = groups.iter().map(|g| s(&g["key"])).collect();
        assert_eq!(
            keys,
            want.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            "groups by {by}"
        );
        for g in groups {
            want[s(&g["key"])].check(g, &format!("by {by}: {}", g["key"]));
        }
    }
}

// ------------------------------------------------------------- attendance

/// Per year: events, and for each sector the sum and how many counted it.
fn check_attendance(demo: &Demo, args: &[&str], keep: impl Fn(&Value) -> bool) -> Value {
    // (sum over the events that counted it, how many did) per sector.
    type Sectors = [(Option<u64>, u64); 3];
    let mut want: BTreeMap<i64, (u64, Sectors)> = BTreeMap::new();
    let mut n = 0;
    for e in demo.of("event").filter(|e| keep(e)) {
        n += 1;
        let year: i64 = s(&e["date"])[..4].parse().unwrap();
        let y = want.entry(year).or_default();
        y.0 += 1;
        for (i, sector) in ["peer", "medical", "government"].iter().enumerate() {
            if let Some(c) = e["attendance"][sector].as_u64() {
                y.1[i].0 = Some(y.1[i].0.unwrap_or(0) + c);
                y.1[i].1 += 1;
            }
        }
    }
    let mut all = vec!["attendance"];
    all.extend_from_slice(args);
    let got = demo.report(&all);
    assert_eq!(
        got["events"].as_array().unwrap().len(),
        n,
        "{args:?}: events"
    );
    let years = got["years"].as_array().unwrap();
    assert_eq!(years.len(), want.len(), "{args:?}: years");
    for y in years {
        let (events, sectors) = want[&y["year"].as_i64().unwrap()];
        assert_eq!(y["events"].as_u64(), Some(events), "{args:?} {}", y["year"]);
        for (i, sector) in ["peer", "medical", "government"].iter().enumerate() {
            assert_eq!(
                y[sector]["sum"].as_u64(),
                sectors[i].0,
                "{args:?} {} {sector}",
                y["year"]
            );
            assert_eq!(y[sector]["counted"].as_u64(), Some(sectors[i].1));
        }
    }
    got
}

// --------------------------------------------------------------- caseload

fn check_caseload(demo: &Demo, as_of: &str) {
    let month = &as_of[..7];
    let people: Vec<&Value> = demo.of("person").collect();
    let open: Vec<&Value> = demo
        .of("case")
        .filter(|c| c["status"] != "closed")
        .collect();
    let mut want = BTreeMap::new();
    for p in &people {
        let id = s(&p["id"]);
        for (role, field) in [
            ("coordinator", "coordinator"),
            ("peer_supporter", "peer_supporter"),
        ] {
            if !p["roles"].as_array().unwrap().iter().any(|r| r == field) {
                continue;
            }
            let mine: BTreeSet<&str> = open
                .iter()
                .filter(|c| {
                    c["parties"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|q| q["party"] == id && q["until"].is_null())
                        || (role == "coordinator" && c["coordinator"] == id)
                })
                .map(|c| s(&c["id"]))
                .collect();
            let referrals = demo
                .of("referral")
                .filter(|r| mine.contains(s(&r["case"])))
                .filter(|r| {
                    let last = s(&r["history"].as_array().unwrap().last().unwrap()["status"]);
                    matches!(last, "proposed" | "sent" | "accepted")
                })
                .count();
            let events = demo
                .of("event")
                .filter(|e| s(&e["date"]).starts_with(month))
                .filter(|e| {
                    mine.contains(s(&e["case"]))
                        || e["parties"].as_array().unwrap().iter().any(|q| q == id)
                })
                .count();
            if mine.len() + referrals + events > 0 {
                want.insert((role, id.to_string()), (mine.len(), referrals, events));
            }
        }
    }
    assert!(!want.is_empty());
    let got = demo.report(&["caseload", "--to", as_of]);
    let rows = got["rows"].as_array().unwrap();
    let mut seen = BTreeMap::new();
    for r in rows {
        let key = (
            if r["role"] == "coordinator" {
                "coordinator"
            } else {
                "peer_supporter"
            },
            s(&r["person"]).to_string(),
        );
        let figures = (
            r["active_cases"].as_u64().unwrap() as usize,
            r["open_referrals"].as_u64().unwrap() as usize,
            r["events_this_month"].as_u64().unwrap() as usize,
        );
        seen.insert(key, figures);
    }
    assert_eq!(seen, want, "caseload as of {as_of}");
}

/// The demo's events and cases are dated around today; take a day in a
/// month with events.
fn busy_day(demo: &Demo) -> String {
    let mut months: BTreeMap<String, usize> = BTreeMap::new();
    for e in demo.of("event") {
        *months.entry(s(&e["date"])[..7].to_string()).or_default() += 1;
    }
    let (month, _) = months
        .iter()
        .max_by_key(|(m, n)| (**n, (*m).clone()))
        .unwrap();
    format!("{month}-15")
}

#[test]
fn every_figure_on_the_demo_equals_a_count_over_the_export() {
    let demo = Demo::new(0);
    check_referrals(&demo, &[]);
    check_referrals(&demo, &["--from", "2023-01-01", "--to", "2025-12-31"]);
    check_attendance(&demo, &[], |_| true);
    check_attendance(&demo, &["--kind", "training"], |e| e["kind"] == "training");
    check_attendance(
        &demo,
        &["--kind", "board-meeting", "--from", "2024-01-01"],
        |e| e["kind"] == "board_meeting" && s(&e["date"]) >= "2024-01-01",
    );
    let gunma = demo
        .of("partnership")
        .find(|p| s(&p["title"]).contains("技術研修") || s(&p["description"]).contains("61"))
        .expect("Gunma's technical trainings");
    let id = s(&gunma["id"]).to_string();
    let got = check_attendance(&demo, &["--partnership", &id], |e| {
        e["partnership"] == id.as_str()
    });
    // 61 technical trainings, 2006–2014, a yearly series.
    let trainings: Vec<&Value> = got["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| s(&e["title"]).contains("技術研修"))
        .collect();
    assert_eq!(trainings.len(), 61);
    let years: BTreeSet<&str> = trainings.iter().map(|e| &s(&e["date"])[..4]).collect();
    assert_eq!(years.len(), 9, "{years:?}");
    let body = s(&demo
        .of("body")
        .find(|b| s(&b["name"]).contains("長崎県がん相談支援センター"))
        .unwrap()["id"])
    .to_string();
    check_attendance(&demo, &["--body", &body], |e| {
        e["parties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == body.as_str())
    });
    check_caseload(&demo, &busy_day(&demo));
    check_caseload(&demo, &chrono::Local::now().date_naive().to_string());
}

#[test]
fn every_figure_at_scale_1000_equals_a_count_over_the_export() {
    let demo = Demo::new(1000);
    check_referrals(&demo, &[]);
    check_referrals(&demo, &["--from", "2015-01-01", "--to", "2019-06-30"]);
    check_attendance(&demo, &[], |_| true);
    check_attendance(&demo, &["--kind", "salon"], |e| e["kind"] == "salon");
    check_caseload(&demo, &busy_day(&demo));
    check_caseload(&demo, &chrono::Local::now().date_naive().to_string());
}

/// Nagasaki's programme: the four trainings with their counts, the
/// organiser trainings counted for medical staff only.
#[test]
fn nagasaki_table_holds_the_trainings_and_keeps_not_counted_apart() {
    let demo = Demo::new(0);
    let id = s(&demo
        .of("partnership")
        .find(|p| s(&p["title"]).contains("長崎県 ピアサポーター"))
        .expect("Nagasaki's programme")["id"])
    .to_string();
    let md = ok(
        &demo.store(),
        &[
            "report",
            "attendance",
            "--partnership",
            &id,
            "--format",
            "md",
            "--lang",
            "en",
        ],
    );
    for (day, counts) in [
        ("2020-11-14", "| 15 | 18 | 4 |"),
        ("2022-01-29", "| 12 | 16 | 4 |"),
        ("2023-01-07", "| 8 | 16 | 5 |"),
        ("2023-12-09", "| 12 | 9 | 4 |"),
    ] {
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {day} ")))
            .unwrap_or_else(|| panic!("no row for {day}:\n{md}"));
        assert!(line.contains(counts), "{line}");
    }
    let organiser: Vec<&str> = md
        .lines()
        .filter(|l| l.contains("サポートグループ運営者研修"))
        .collect();
    assert_eq!(organiser.len(), 5, "{md}");
    for l in &organiser {
        assert!(l.contains("| not counted |"), "{l}");
        assert!(l.ends_with("| medical only, others not counted |"), "{l}");
        assert!(!l.contains("| 0 |"), "not counted shown as 0: {l}");
    }
    // 2021 had only organiser trainings: peers were not counted at all.
    let y2021 = md.lines().find(|l| l.starts_with("| 2021 |")).unwrap();
    assert_eq!(y2021, "| 2021 | 2 | not counted | 6 | not counted |");
    // 2022: one of three events counted peers; the sum is that one's.
    let y2022 = md.lines().find(|l| l.starts_with("| 2022 |")).unwrap();
    assert_eq!(
        y2022,
        "| 2022 | 3 | 12 (1 of 3 events) | 23 | 4 (1 of 3 events) |"
    );
    let ja = ok(
        &demo.store(),
        &["report", "attendance", "--partnership", &id, "--lang", "ja"],
    );
    assert!(ja.contains("医療のみ（他は未集計）"), "{ja}");
    // JSON: not counted is null, never 0, and the year's sum leaves it out.
    let got = demo.report(&["attendance", "--partnership", &id]);
    let year = |y: i64| {
        got["years"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["year"] == y)
            .unwrap()
            .clone()
    };
    assert!(year(2021)["peer"]["sum"].is_null());
    assert_eq!(year(2021)["peer"]["counted"], 0);
    assert_eq!(year(2021)["medical"]["sum"], 6);
    assert_eq!(year(2022)["peer"]["sum"], 12);
    // CSV: the same cells.
    let csv_text = ok(
        &demo.store(),
        &[
            "report",
            "attendance",
            "--partnership",
            &id,
            "--format",
            "csv",
        ],
    );
    let mut rows = csv::Reader::from_reader(csv_text.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let first = rows
        .iter()
        .find(|r| &r[col("date")] == "2020-11-14")
        .unwrap();
    assert_eq!(
        (
            &first[col("peer")],
            &first[col("medical")],
            &first[col("government")]
        ),
        ("15", "18", "4")
    );
    let org: Vec<_> = rows
        .iter()
        .filter(|r| r[col("title")].contains("運営者"))
        .collect();
    assert_eq!(org.len(), 5);
    assert!(org.iter().all(|r| &r[col("peer")] == "not counted"
        && &r[col("note")] == "medical only, others not counted"));
}

/// One run per report through the real binary, each format parsing.
#[test]
fn each_report_in_each_format_through_the_binary() {
    let demo = Demo::new(0);
    for what in ["referrals", "attendance", "caseload"] {
        let j = demo.report(&[what]);
        assert_eq!(j["report"], what);
        let md = ok(&demo.store(), &["report", what, "--format", "md"]);
        assert!(md.starts_with("# "), "{md}");
        assert!(
            md.lines().filter(|l| l.starts_with('|')).count() > 2,
            "{md}"
        );
        let c = ok(&demo.store(), &["report", what, "--format", "csv"]);
        let mut r = csv::Reader::from_reader(c.as_bytes());
        let width = r.headers().unwrap().len();
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("csv row")).collect();
        assert!(!rows.is_empty(), "{what}: csv has rows");
        assert!(rows.iter().all(|x| x.len() == width));
        // A cell never starts a formula.
        assert!(
            rows.iter()
                .flatten()
                .all(|cell| !cell.starts_with(['=', '+', '@']))
        );
    }
    // A file is written owner-only.
    let out = demo.tmp.path().join("r.csv");
    ok(
        &demo.store(),
        &[
            "report",
            "referrals",
            "--by",
            "year",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&out).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    // Bad input says what to do.
    let bad = triad(&demo.store(), &["report", "attendance", "--kind", "picnic"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("board_meeting"),
        "{}",
        text(&bad.stderr)
    );
    let bad = triad(
        &demo.store(),
        &[
            "report",
            "referrals",
            "--from",
            "2024-01-01",
            "--to",
            "2023-01-01",
        ],
    );
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("--to is before --from"));
}

/// A supporter's report counts only their cases: the figures equal a
/// count over the export that same supporter gets, and are fewer than a
/// coordinator's.
#[test]
fn a_supporter_does_not_get_cases_not_theirs_counted() {
    use std::os::unix::fs::PermissionsExt;
    let demo = Demo::new(0);
    let store = demo.store();
    // A peer supporter who is a party of some case, not of all.
    let cases: Vec<&Value> = demo.of("case").collect();
    let person = demo
        .of("person")
        .filter(|p| {
            p["roles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "peer_supporter")
        })
        .map(|p| s(&p["id"]).to_string())
        .find(|id| {
            let n = cases
                .iter()
                .filter(|c| {
                    c["parties"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|q| q["party"] == id.as_str())
                })
                .count();
            n > 0 && n < cases.len()
        })
        .expect("a peer supporter in some cases");
    drop(StopServers(store.clone()));
    let me = triad::server::socket::user_name(triad::server::socket::my_uid());
    let config = demo.tmp.path().join("roles.toml");
    std::fs::write(
        &config,
        format!("[users.\"{me}\"]\nrole = \"supporter\"\nperson = \"{person}\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let roles =
        triad::server::roles::Roles::load(&config, triad::server::socket::my_uid()).unwrap();
    let mut opts = triad::server::ServeOptions::new(&store);
    opts.roles = Some(roles);
    opts.socket = Some(demo.tmp.path().join("s.sock"));
    let running = triad::server::start(opts).expect("the server starts");
    let socket = running.socket().to_str().unwrap().to_string();
    let via = |args: &[&str]| -> Value {
        let mut all = vec!["--connect", &socket];
        all.extend_from_slice(args);
        let mut c = std::process::Command::new(server_common::BIN);
        c.args(&all)
            .env_remove("TRIAD_STORE")
            .stdin(std::process::Stdio::null());
        let out = server_common::run(c);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let theirs = via(&["export", "--format", "json"]);
    let their_refs: Vec<&Value> = theirs["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "referral")
        .collect();
    let got = via(&["report", "referrals", "--format", "json"]);
    let total: u64 = got["all"]["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, their_refs.len());
    let every = demo.of("referral").count();
    assert!(
        total < every as u64,
        "a supporter counted {total} of {every} referrals"
    );
    let their_events = theirs["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "event")
        .count();
    let got = via(&["report", "attendance", "--format", "json"]);
    assert_eq!(got["events"].as_array().unwrap().len(), their_events);
    assert!(their_events < demo.of("event").count());
    drop(running);
}

/// A title that would break a Markdown table or run as a spreadsheet
/// formula stays text in both.
#[test]
fn typed_text_cannot_format_the_table_or_run_as_a_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let _stop = StopServers(store.clone());
    let title = "=HYPERLINK(\"x\") | **bold** | 2";
    let file = tmp.path().join("one.json");
    let export = serde_json::json!({
        "format": "triad-export",
        "schema": triad::store::SCHEMA_VERSION,
        "records": [{
            "type": "event", "id": "E-0001", "date": "2024-05-01", "kind": "salon",
            "title": title, "attendance": {"peer": 7}
        }]
    });
    std::fs::write(&file, export.to_string()).unwrap();
    ok(&store, &["import", file.to_str().unwrap()]);
    let md = ok(&store, &["report", "attendance"]);
    let row = md.lines().find(|l| l.starts_with("| 2024-05-01")).unwrap();
    // Seven cells (eight bars), as every event row has: the title's bars
    // are escaped.
    let bars = row
        .char_indices()
        .filter(|(i, c)| *c == '|' && !row[..*i].ends_with('\\'));
    assert_eq!(bars.count(), 8, "{row}");
    assert!(row.contains("\\*\\*bold\\*\\*"), "{row}");
    let csv_text = ok(&store, &["report", "attendance", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let head = r.headers().unwrap().clone();
    let t = head.iter().position(|h| h == "title").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let cell = &rows.iter().find(|x| &x[0] == "event").unwrap()[t];
    assert_eq!(cell, format!("'{title}"));
}
