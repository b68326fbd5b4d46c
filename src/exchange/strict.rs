//! The import's strict rules: what serde and a record's own validation let
//! through but a real export never holds. Each refusal names the record.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::ImportError;
use crate::model::{Id, Kind, Record, escape};

/// The earliest year a date may have: no record of this programme is older.
pub const FIRST_YEAR: i32 = 1900;

/// One record of the file: its type, every field known (unknown ones are
/// named with their path), no implausible year, valid on its own.
pub(super) fn record(index: usize, v: Value) -> Result<Record, ImportError> {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .map(|i| escape(i).into_owned());
    let bad = |reason: String| ImportError::BadRecord {
        index,
        id: id.clone(),
        reason,
    };
    let Value::Object(mut map) = v else {
        return Err(bad("is not an object".into()));
    };
    let kind = match map.remove("type") {
        Some(Value::String(t)) => Kind::ALL
            .into_iter()
            .find(|k| k.name() == t)
            .ok_or_else(|| bad(format!("unknown type \"{}\"", escape(&t))))?,
        _ => return Err(bad("has no \"type\" (body, person, case, ...)".into())),
    };
    let v = Value::Object(map);
    let last_year = chrono::Local::now().year() + 1;
    if let Some((path, year)) = implausible_year(&v, last_year, &mut String::new()) {
        return Err(bad(format!(
            "{path} is in {year}: dates must fall between {FIRST_YEAR} and {last_year}; correct the date"
        )));
    }
    let mut unknown: Vec<String> = Vec::new();
    let parsed = match kind {
        Kind::Body => typed(v, &mut unknown).map(Record::Body),
        Kind::Person => typed(v, &mut unknown).map(Record::Person),
        Kind::Affiliation => typed(v, &mut unknown).map(Record::Affiliation),
        Kind::Case => typed(v, &mut unknown).map(Record::Case),
        Kind::Relationship => typed(v, &mut unknown).map(Record::Relationship),
        Kind::TrustNote => typed(v, &mut unknown).map(Record::TrustNote),
        Kind::Consent => typed(v, &mut unknown).map(Record::Consent),
        Kind::Referral => typed(v, &mut unknown).map(Record::Referral),
        Kind::Partnership => typed(v, &mut unknown).map(Record::Partnership),
        Kind::Event => typed(v, &mut unknown).map(Record::Event),
        Kind::Course => typed(v, &mut unknown).map(Record::Course),
        Kind::Enrolment => typed(v, &mut unknown).map(Record::Enrolment),
        Kind::Contact => typed(v, &mut unknown).map(Record::Contact),
        Kind::Supervision => typed(v, &mut unknown).map(Record::Supervision),
        Kind::CheckIn => typed(v, &mut unknown).map(Record::CheckIn),
    };
    let rec = parsed.map_err(|e| bad(escape(&e.to_string()).into_owned()))?;
    if let Some(field) = unknown.first() {
        return Err(bad(format!(
            "unknown field \"{}\" in a {}: a misspelt field would be lost; correct or remove it",
            escape(field),
            kind.name()
        )));
    }
    rec.validate()
        .map_err(|e| bad(escape(&e.to_string()).into_owned()))?;
    in_date_order(&rec).map_err(bad)?;
    Ok(rec)
}

/// Deserialises `v` as `T`, noting the path of every field `T` ignored.
fn typed<T: DeserializeOwned>(v: Value, unknown: &mut Vec<String>) -> serde_json::Result<T> {
    serde_ignored::deserialize(v, |path| unknown.push(path.to_string()))
}

/// The first date or timestamp in `v` whose year is before [`FIRST_YEAR`]
/// or after `last_year`, with its path.
fn implausible_year(v: &Value, last_year: i32, path: &mut String) -> Option<(String, i32)> {
    match v {
        Value::String(s) => {
            let year = date_year(s)?;
            (!(FIRST_YEAR..=last_year).contains(&year)).then(|| (path.clone(), year))
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = implausible_year(item, last_year, path);
            path.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&escape(k));
            let found = implausible_year(item, last_year, path);
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

/// The year of a string that serde would read as a date or a timestamp
/// (the same parsers: chrono's `FromStr`, which also takes `201-05-01` or
/// `+10000-01-01`), as it would be stored (timestamps in UTC); else `None`.
fn date_year(s: &str) -> Option<i32> {
    if let Ok(d) = s.parse::<chrono::NaiveDate>() {
        return Some(d.year());
    }
    s.parse::<chrono::DateTime<chrono::FixedOffset>>()
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc).year())
}

/// Histories are written as they happen: each step on or after the one
/// before. (A referral's own validation checks its steps.)
fn in_date_order(rec: &Record) -> Result<(), String> {
    let (field, days): (&str, Vec<crate::model::Date>) = match rec {
        Record::Case(c) => (
            "status_history",
            c.status_history.iter().map(|s| s.on).collect(),
        ),
        Record::Relationship(r) => ("trust", r.trust.iter().map(|t| t.on).collect()),
        _ => return Ok(()),
    };
    match days.windows(2).position(|w| w[1] < w[0]) {
        None => Ok(()),
        Some(i) => Err(format!(
            "{field} is out of date order: step {} ({}) comes before step {} ({}); put the steps in the order they happened",
            i + 2,
            days[i + 1],
            i + 1,
            days[i]
        )),
    }
}

/// Rules across records: no body is its own ancestor.
pub(super) fn check_all(records: &[Record]) -> Result<(), ImportError> {
    let parents: BTreeMap<Id, (usize, Id)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Record::Body(b) => b.parent.map(|p| (b.id, (i, p))),
            _ => None,
        })
        .collect();
    // A body's parents followed upwards end at a body without one, unless
    // they come back round: a cycle, reported at its smallest id.
    let mut clear: BTreeSet<Id> = BTreeSet::new();
    for &start in parents.keys() {
        let mut chain = vec![start];
        let mut at = start;
        while let Some(&(_, up)) = parents.get(&at) {
            if clear.contains(&up) {
                break;
            }
            if let Some(pos) = chain.iter().position(|c| *c == up) {
                let cycle = &chain[pos..];
                let first = *cycle.iter().min().unwrap_or(&up);
                let index = parents.get(&first).map_or(0, |p| p.0);
                let names: Vec<String> = cycle.iter().map(Id::to_string).collect();
                return Err(ImportError::BadRecord {
                    index,
                    id: Some(first.to_string()),
                    reason: format!(
                        "parent bodies form a cycle ({} → {up}); a body cannot be inside itself: correct a parent",
                        names.join(" → ")
                    ),
                });
            }
            chain.push(up);
            at = up;
        }
        clear.extend(chain);
    }
    Ok(())
}
