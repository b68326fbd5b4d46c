//! Figures as Markdown (for minutes) or CSV (for a spreadsheet), in the
//! UI's language. Every text a person typed passes the exchange's
//! sanitisers: escaped Markdown on one line, inert CSV cells.

use std::fmt::Write;

use super::{
    AttendanceFigures, CaseloadFigures, CaseloadRole, Figures, Grouping, ReferralFigures,
    ReferralGroup, Tally, Window,
};
use crate::exchange::{csv_cell, md_text};
use crate::i18n::Lang;
use crate::model::{Attendance, ReferralCategory, Sector};

/// "not counted": never 0.
pub fn not_counted(l: Lang) -> &'static str {
    l.t("not counted", "未集計")
}

fn count(n: Option<u32>, l: Lang) -> String {
    n.map_or_else(|| not_counted(l).to_string(), |n| n.to_string())
}

/// What an event's attendance left out: "" when all three sectors were
/// counted, "medical only, others not counted" when some were.
pub fn coverage(a: &Attendance, l: Lang) -> String {
    let counted: Vec<&str> = [
        (a.peer, l.t("peer", "ピア")),
        (a.medical, l.t("medical", "医療")),
        (a.government, l.t("government", "行政")),
    ]
    .into_iter()
    .filter_map(|(n, name)| n.map(|_| name))
    .collect();
    match counted.len() {
        3 => String::new(),
        0 => not_counted(l).to_string(),
        _ => {
            let sep = l.t(" and ", "・");
            match l {
                Lang::En => format!("{} only, others not counted", counted.join(sep)),
                Lang::Ja => format!("{}のみ（他は未集計）", counted.join(sep)),
            }
        }
    }
}

/// A year's sum in one sector: "37", "12 (2 of 5 events)", "not counted".
pub fn tally(t: &Tally, events: usize, l: Lang) -> String {
    match t.sum {
        None => not_counted(l).to_string(),
        Some(n) if t.counted == events => n.to_string(),
        Some(n) => match l {
            Lang::En => format!("{n} ({} of {events} events)", t.counted),
            Lang::Ja => format!("{n}（{events}件中{}件）", t.counted),
        },
    }
}

/// A group's key as a person reads it.
pub fn group_label(by: Grouping, g: &ReferralGroup, l: Lang) -> String {
    match by {
        Grouping::None => l.t("all", "全体").to_string(),
        Grouping::Category => {
            serde_json::from_value::<ReferralCategory>(serde_json::Value::String(g.key.clone()))
                .map_or_else(|_| g.key.clone(), |c| l.category(c).to_string())
        }
        Grouping::Sector => {
            serde_json::from_value::<Sector>(serde_json::Value::String(g.key.clone())).map_or_else(
                |_| l.t("unknown", "不明").to_string(),
                |s| l.sector(s).to_string(),
            )
        }
        Grouping::Body => match &g.name {
            Some(n) => format!("{n} ({})", g.key),
            None => g.key.clone(),
        },
        Grouping::Year => g.key.clone(),
    }
}

fn days(d: Option<f64>) -> String {
    d.map_or_else(|| "-".to_string(), |d| format!("{d:.1}"))
}

fn share(s: Option<f64>) -> String {
    s.map_or_else(|| "-".to_string(), |s| format!("{:.0}%", s * 100.0))
}

fn window(w: &Window, l: Lang) -> String {
    let end = |d: Option<crate::model::Date>| d.map_or("…".to_string(), |d| d.to_string());
    match (w.from, w.to) {
        (None, None) => l.t("all dates", "全期間").to_string(),
        _ => format!("{} – {}", end(w.from), end(w.to)),
    }
}

/// The report as Markdown.
pub fn markdown(f: &Figures, l: Lang) -> String {
    match f {
        Figures::Referrals(r) => referrals_md(r, l),
        Figures::Attendance(a) => attendance_md(a, l),
        Figures::Caseload(c) => caseload_md(c, l),
    }
}

fn referrals_md(r: &ReferralFigures, l: Lang) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# {} ({})\n",
        l.t("Referrals", "紹介"),
        window(&r.window, l)
    );
    let head = [
        l.t("Group", "区分"),
        l.t("proposed", "提案"),
        l.t("sent", "送付"),
        l.t("accepted", "受入"),
        l.t("declined by the client", "辞退（本人）"),
        l.t("declined by the receiver", "辞退（受け手）"),
        l.t("completed", "完了"),
        l.t("cancelled", "取消"),
        l.t("total", "計"),
        l.t(
            "median days sent to accepted",
            "送付から受入までの日数（中央値）",
        ),
        l.t("share completed", "完了の割合"),
    ];
    let _ = writeln!(md, "| {} |", head.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(head.len()));
    let mut row = |label: String, g: &ReferralGroup| {
        let c = &g.counts;
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            label,
            c.proposed,
            c.sent,
            c.accepted,
            c.declined_by_client,
            c.declined_by_receiver,
            c.completed,
            c.cancelled,
            c.total(),
            days(g.median_days_to_accept),
            share(g.share_completed)
        );
    };
    for g in &r.groups {
        row(md_text(&group_label(r.by, g, l)), g);
    }
    row(format!("**{}**", l.t("all", "全体")), &r.all);
    let f = &r.all.funnel;
    let _ = writeln!(
        md,
        "\n{}: {} {} → {} {} → {} {} → {} {}",
        l.t("Reached", "到達"),
        f.proposed,
        l.t("proposed", "提案"),
        f.sent,
        l.t("sent", "送付"),
        f.accepted,
        l.t("accepted", "受入"),
        f.completed,
        l.t("completed", "完了"),
    );
    md
}

fn attendance_md(a: &AttendanceFigures, l: Lang) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# {} ({})\n",
        l.t("Attendance", "参加者数"),
        window(&a.window, l)
    );
    let sectors = [
        l.t("peer / patient & family", "ピア・患者・家族"),
        l.t("medical", "医療"),
        l.t("government", "行政"),
    ];
    let _ = writeln!(md, "## {}\n", l.t("By year", "年別"));
    let _ = writeln!(
        md,
        "| {} | {} | {} |",
        l.t("Year", "年"),
        l.t("events", "行事数"),
        sectors.join(" | ")
    );
    let _ = writeln!(md, "|---|---|---|---|---|");
    for y in &a.years {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            y.year,
            y.events,
            tally(&y.peer, y.events, l),
            tally(&y.medical, y.events, l),
            tally(&y.government, y.events, l)
        );
    }
    let _ = writeln!(md, "\n## {}\n", l.t("By event", "行事別"));
    let _ = writeln!(
        md,
        "| {} | {} | {} | {} | {} |",
        l.t("Date", "日付"),
        l.t("Event", "行事"),
        l.t("Kind", "種類"),
        sectors.join(" | "),
        l.t("Note", "備考")
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for e in &a.events {
        let at = &e.attendance;
        let _ = writeln!(
            md,
            "| {} | {} ({}) | {} | {} | {} | {} | {} |",
            e.date,
            md_text(&e.title),
            e.id,
            l.event_kind(e.kind),
            count(at.peer, l),
            count(at.medical, l),
            count(at.government, l),
            coverage(at, l)
        );
    }
    md
}

fn role_label(r: CaseloadRole, l: Lang) -> &'static str {
    match r {
        CaseloadRole::Coordinator => l.t("coordinator", "コーディネーター"),
        CaseloadRole::PeerSupporter => l.t("peer supporter", "ピアサポーター"),
    }
}

fn caseload_md(c: &CaseloadFigures, l: Lang) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {} ({})\n", l.t("Caseload", "担当状況"), c.as_of);
    let _ = writeln!(
        md,
        "| {} | {} | {} | {} | {} |",
        l.t("Person", "担当者"),
        l.t("Role", "役割"),
        l.t("active cases", "進行中のケース"),
        l.t("open referrals", "未完了の紹介"),
        l.t("events this month", "今月の行事"),
    );
    let _ = writeln!(md, "|---|---|---|---|---|");
    for r in &c.rows {
        let _ = writeln!(
            md,
            "| {} ({}) | {} | {} | {} | {} |",
            md_text(&r.name),
            r.person,
            role_label(r.role, l),
            r.active_cases,
            r.open_referrals,
            r.events_this_month
        );
    }
    md
}

/// The report as CSV: one table, a header of stable English column names.
pub fn csv(f: &Figures, l: Lang) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut put = |cells: Vec<String>| {
        let _ = w.write_record(cells.iter().map(|c| csv_cell(c)));
    };
    let s = |x: &str| x.to_string();
    match f {
        Figures::Referrals(r) => {
            put([
                "group",
                "label",
                "proposed",
                "sent",
                "accepted",
                "declined_by_client",
                "declined_by_receiver",
                "completed",
                "cancelled",
                "total",
                "reached_sent",
                "reached_accepted",
                "reached_completed",
                "median_days_sent_to_accepted",
                "share_completed",
            ]
            .map(s)
            .to_vec());
            let all = ReferralGroup {
                key: s("all"),
                ..r.all.clone()
            };
            for (g, label) in r
                .groups
                .iter()
                .map(|g| (g, group_label(r.by, g, l)))
                .chain([(&all, s(l.t("all", "全体")))])
            {
                let c = &g.counts;
                put(vec![
                    g.key.clone(),
                    label,
                    c.proposed.to_string(),
                    c.sent.to_string(),
                    c.accepted.to_string(),
                    c.declined_by_client.to_string(),
                    c.declined_by_receiver.to_string(),
                    c.completed.to_string(),
                    c.cancelled.to_string(),
                    c.total().to_string(),
                    g.funnel.sent.to_string(),
                    g.funnel.accepted.to_string(),
                    g.funnel.completed.to_string(),
                    g.median_days_to_accept
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    g.share_completed
                        .map(|x| format!("{x:.4}"))
                        .unwrap_or_default(),
                ]);
            }
        }
        Figures::Attendance(a) => {
            put([
                "level",
                "year",
                "date",
                "id",
                "kind",
                "title",
                "events",
                "peer",
                "medical",
                "government",
                "peer_events",
                "medical_events",
                "government_events",
                "note",
            ]
            .map(s)
            .to_vec());
            for y in &a.years {
                put(vec![
                    s("year"),
                    y.year.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    y.events.to_string(),
                    count(y.peer.sum, l),
                    count(y.medical.sum, l),
                    count(y.government.sum, l),
                    y.peer.counted.to_string(),
                    y.medical.counted.to_string(),
                    y.government.counted.to_string(),
                    String::new(),
                ]);
            }
            for e in &a.events {
                let at = &e.attendance;
                let one = |n: Option<u32>| usize::from(n.is_some()).to_string();
                put(vec![
                    s("event"),
                    chrono::Datelike::year(&e.date).to_string(),
                    e.date.to_string(),
                    e.id.to_string(),
                    s(l.event_kind(e.kind)),
                    e.title.clone(),
                    s("1"),
                    count(at.peer, l),
                    count(at.medical, l),
                    count(at.government, l),
                    one(at.peer),
                    one(at.medical),
                    one(at.government),
                    coverage(at, l),
                ]);
            }
        }
        Figures::Caseload(c) => {
            put([
                "role",
                "id",
                "name",
                "active_cases",
                "open_referrals",
                "events_this_month",
            ]
            .map(s)
            .to_vec());
            for r in &c.rows {
                put(vec![
                    serde_json::to_value(r.role)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    r.person.to_string(),
                    r.name.clone(),
                    r.active_cases.to_string(),
                    r.open_referrals.to_string(),
                    r.events_this_month.to_string(),
                ]);
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
