//! What the Supporters screens show, from `State` alone: the list filtered
//! and sorted, and a supporter's panels. Update and draw both use these.
//!
//! The list's filter takes words; each must match. A word matches any of
//! a supporter's name, reading, kind, status, skills, area of activity,
//! availability, disease areas and languages; `key:word` matches one
//! field only: `kind:` (種類:), `skill:` (技能:), `area:` (地域:, the
//! activity range and availability), `disease:` (疾患:), `lang:` (言語:),
//! `status:` (状態:). So `area:那覇 skill:同行` lists who could go with a
//! client to hospital in Naha.

use super::state::{State, SupporterPanel, SupporterScreen, SupporterSort, SupportersScreen};
use crate::i18n::Lang;
use crate::model::workload::{Flag, flags};
use crate::model::{Contact, SupporterStatus};
use crate::query::supporters::{SupporterDetail, SupporterRow};

/// A field the filter can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Kind,
    Skill,
    Area,
    Disease,
    Lang,
    Status,
}

fn field_of(key: &str) -> Option<Field> {
    Some(match key {
        "kind" | "種類" => Field::Kind,
        "skill" | "skills" | "技能" | "スキル" => Field::Skill,
        "area" | "地域" | "活動範囲" => Field::Area,
        "disease" | "疾患" | "病名" => Field::Disease,
        "lang" | "language" | "言語" => Field::Lang,
        "status" | "状態" => Field::Status,
        _ => return None,
    })
}

/// The text of one field, in both languages where it is a label.
fn field_text(r: &SupporterRow, f: Field) -> String {
    let p = &r.person;
    let profile = p.supporter.as_ref();
    match f {
        Field::Kind => p
            .peer_kind
            .map(|k| format!("{} {} {k:?}", Lang::En.peer_kind(k), Lang::Ja.peer_kind(k)))
            .unwrap_or_default(),
        Field::Skill => p.skills.clone(),
        Field::Area => format!(
            "{} {}",
            p.activity_range,
            profile.map(|s| s.availability.as_str()).unwrap_or_default()
        ),
        Field::Disease => profile.map(|s| s.disease_areas.clone()).unwrap_or_default(),
        Field::Lang => profile.map(|s| s.languages.clone()).unwrap_or_default(),
        Field::Status => r
            .workload
            .status
            .map(|s| {
                format!(
                    "{} {}",
                    Lang::En.supporter_status(s),
                    Lang::Ja.supporter_status(s)
                )
            })
            .unwrap_or_default(),
    }
}

/// Whether the row matches every word of `filter`.
pub fn matches(r: &SupporterRow, filter: &str) -> bool {
    let all = [
        Field::Kind,
        Field::Skill,
        Field::Area,
        Field::Disease,
        Field::Lang,
        Field::Status,
    ];
    filter.split_whitespace().all(|word| {
        let (fields, want): (Vec<Field>, &str) = match word
            .split_once([':', '：'])
            .and_then(|(k, v)| field_of(&k.to_lowercase()).map(|f| (f, v)))
        {
            Some((f, v)) => (vec![f], v),
            None => (all.to_vec(), word),
        };
        let want = want.to_lowercase();
        if want.is_empty() {
            return true;
        }
        // A kind named is matched whole: `kind:volunteer` is not a
        // pro-volunteer (`kind:pro` still finds them).
        if fields == [Field::Kind] {
            return kind_is(r, &want);
        }
        (fields.len() > 1 && named(r, word))
            || fields
                .iter()
                .any(|f| field_text(r, *f).to_lowercase().contains(&want))
    })
}

/// Whether the row's kind is `want` exactly, in either language or as
/// stored (`pro_volunteer`, `pro-volunteer`), or the start of one (`pro`).
fn kind_is(r: &SupporterRow, want: &str) -> bool {
    let Some(k) = r.person.peer_kind else {
        return false;
    };
    let norm = |s: &str| s.to_lowercase().replace(['-', '_', ' '], "");
    let want = norm(want);
    let stored = serde_json::to_string(&k).unwrap_or_default();
    [
        Lang::En.peer_kind(k).to_string(),
        Lang::Ja.peer_kind(k).to_string(),
        stored.trim_matches('"').to_string(),
    ]
    .iter()
    .any(|name| {
        let name = norm(name);
        name.starts_with(&want)
    })
}

/// Whether a word finds the supporter by name as the finder would: by
/// name, reading, its romaji, in any width or kana (`ishida`, `イシダ`).
fn named(r: &SupporterRow, word: &str) -> bool {
    let doc = crate::search::Doc {
        kind: crate::search::DocKind::Person,
        id: r.person.id.to_string(),
        name: r.person.name.clone(),
        reading: r.person.reading.clone(),
        extra: Vec::new(),
        changed: 0,
        restricted: false,
    };
    crate::search::Filter::new(word).matches(&crate::search::FilterDoc::new(doc))
}

/// The list's rows: filtered, then sorted (name order within ties).
pub fn rows<'a>(state: &'a State, s: &SupportersScreen) -> Vec<&'a SupporterRow> {
    let mut out: Vec<&SupporterRow> = state
        .data
        .supporters
        .iter()
        .filter(|r| matches(r, &s.filter.text))
        .collect();
    let today = state.today();
    match s.sort {
        SupporterSort::Name => {}
        SupporterSort::Load => out.sort_by_key(|r| {
            let w = &r.workload;
            // Over capacity by most first; no capacity last.
            let cap = w
                .capacity
                .map_or(i64::MIN, |c| i64::from(w.active_cases()) - i64::from(c));
            (std::cmp::Reverse(cap), std::cmp::Reverse(w.active_cases()))
        }),
        SupporterSort::Contacts => out.sort_by_key(|r| std::cmp::Reverse(r.workload.contacts_30)),
        SupporterSort::Supervision => out.sort_by_key(|r| {
            std::cmp::Reverse(
                r.workload
                    .last_supervision
                    .map_or(i64::MAX, |d| (today - d).num_days()),
            )
        }),
        SupporterSort::Status => out.sort_by_key(|r| {
            r.workload
                .status
                .and_then(|s| SupporterStatus::ALL.iter().position(|x| *x == s))
                .unwrap_or(SupporterStatus::ALL.len())
        }),
    }
    out
}

/// The flags raised on one row, by the session's thresholds.
pub fn row_flags(state: &State, r: &SupporterRow) -> Vec<Flag> {
    flags(&r.workload, &state.cfg.thresholds, state.today())
}

/// A row of the Supervision panel: a session, or a check-in.
pub enum CareRow<'a> {
    Supervision(&'a crate::model::Supervision),
    CheckIn(&'a crate::model::CheckIn),
}

pub fn care_rows(d: &SupporterDetail) -> Vec<CareRow<'_>> {
    let mut out: Vec<CareRow> = d.supervisions.iter().map(CareRow::Supervision).collect();
    out.extend(d.check_ins.iter().map(CareRow::CheckIn));
    out
}

pub fn contact_rows(d: &SupporterDetail) -> &[Contact] {
    &d.contacts
}

pub fn panel_len(s: &SupporterScreen) -> usize {
    let Some(d) = s.detail.as_deref() else {
        return 0;
    };
    match s.panel {
        SupporterPanel::Cases => d.row.workload.cases.len(),
        SupporterPanel::Contacts => d.contacts.len(),
        SupporterPanel::Training => d.row.trainings.len(),
        SupporterPanel::Supervision => care_rows(d).len(),
    }
}

pub fn panel_index(p: SupporterPanel) -> usize {
    SupporterPanel::ALL
        .iter()
        .position(|x| *x == p)
        .unwrap_or(0)
}

/// Whether the person is resting: said as a normal state.
pub fn resting(r: &SupporterRow) -> bool {
    r.workload.status == Some(SupporterStatus::Resting)
}
