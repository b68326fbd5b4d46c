//! Moving records in and out: the lossless JSON export (and its import),
//! CSV for spreadsheets, Markdown for a readable case report.

mod csv_out;
mod markdown;
mod strict;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::model::{Id, Kind, Record, escape};
use crate::store::{SCHEMA_VERSION, Scope, Store, StoreError, StoreExt};

/// A text as one inert CSV cell; as one line of escaped Markdown (reports).
pub(crate) use csv_out::cell as csv_cell;
pub use csv_out::write_csv;
pub use markdown::case_report;
pub(crate) use markdown::{relationships as case_relationships, user as md_text};

const FORMAT: &str = "triad-export";

/// The JSON export: every record, kinds in a fixed order, ids ascending.
/// The audit trail stays with the store it was written in.
#[derive(Debug, Serialize, Deserialize)]
pub struct Export {
    /// Whom the export was filtered for, when records were left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filtered_for: Option<String>,
    pub format: String,
    pub schema: u32,
    pub records: Vec<Record>,
}

/// Why an import file was refused; nothing was written. Every text taken
/// from the file (serde quotes the bad value, an id is the file's) is
/// escaped when the error is made, so printing it cannot drive a terminal.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not JSON at line {line}, column {column}: {reason}")]
    Malformed {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("not a triad export: {0}")]
    NotAnExport(String),
    #[error("record {index}{id}: {reason}", id = .id.as_deref().map(|i| format!(" ({i})")).unwrap_or_default())]
    BadRecord {
        index: usize,
        id: Option<String>,
        reason: String,
    },
    #[error("{0}")]
    Rejected(#[from] StoreError),
}

/// Every record of the store, or, with `case`, that case and all it needs;
/// as `scope`'s reader may see them (`None`: everything, a lossless backup
/// for the library's own use). Returns how many records were left out.
pub fn collect(
    store: &dyn Store,
    case: Option<Id>,
    scope: Option<&Scope>,
) -> Result<(Vec<Record>, usize), StoreError> {
    let Some(scope) = scope else {
        return match case {
            None => Ok((store.everything()?, 0)),
            Some(id) => Ok((case_closure(store, id, None)?.0, 0)),
        };
    };
    match (case, scope.cases()) {
        (Some(id), _) if !scope.sees_case(id) => Err(StoreError::NotFound(id)),
        (Some(id), _) => case_closure(store, id, Some(scope)),
        // A supporter's export: their cases, each with all it needs.
        (None, Some(mine)) => {
            let mut out: Vec<Record> = Vec::new();
            let mut seen = BTreeSet::new();
            let mut parts = Vec::new();
            for id in mine {
                parts.push(case_closure(store, *id, Some(scope))?.0);
            }
            // Their own training, supervision and check-ins, outside any case.
            if let Some(me) = scope.reader.person {
                let own = store
                    .referrers(me)?
                    .into_iter()
                    .filter(|r| {
                        matches!(r.kind, Kind::Enrolment | Kind::Supervision | Kind::CheckIn)
                    })
                    .chain([me])
                    .collect();
                parts.push(closure(store, own, Some(scope))?.0);
            }
            for r in parts.into_iter().flatten() {
                if seen.insert(r.id()) {
                    out.push(r);
                }
            }
            out.sort_by_key(Record::id);
            let total: usize = Kind::ALL
                .iter()
                .map(|k| {
                    let mut n = 0;
                    let _ = store.scan(*k, &mut |_| {
                        n += 1;
                        true
                    });
                    n
                })
                .sum();
            let left_out = total.saturating_sub(out.len());
            Ok((out, left_out))
        }
        (None, None) => {
            let mut out = Vec::new();
            let mut left_out = 0;
            for kind in Kind::ALL {
                let mut failed = None;
                store.scan(kind, &mut |r| match scope.sees(store, &r) {
                    Ok(true) => {
                        out.push(r);
                        true
                    }
                    Ok(false) => {
                        left_out += 1;
                        true
                    }
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
            }
            Ok((out, left_out))
        }
    }
}

/// A case, what refers to it (and notes on its relationships), and
/// everything those point at, so that the subset imports on its own into an
/// empty store. Notes the reader may not read stay out: nothing refers to a
/// note, so leaving one out keeps the subset whole.
fn case_closure(
    store: &dyn Store,
    case: Id,
    scope: Option<&Scope>,
) -> Result<(Vec<Record>, usize), StoreError> {
    let mut todo: Vec<Id> = vec![case];
    for id in store.referrers(case)? {
        todo.push(id);
        if id.kind == Kind::Relationship {
            todo.extend(
                store
                    .referrers(id)?
                    .into_iter()
                    .filter(|n| n.kind == Kind::TrustNote),
            );
        }
    }
    closure(store, todo, scope)
}

/// The records `todo` names and everything they point at, so the subset
/// imports on its own; the leaves the reader may not see stay out.
fn closure(
    store: &dyn Store,
    mut todo: Vec<Id>,
    scope: Option<&Scope>,
) -> Result<(Vec<Record>, usize), StoreError> {
    let mut want: BTreeSet<Id> = BTreeSet::new();
    let mut out: Vec<Record> = Vec::new();
    let mut left_out = 0;
    while let Some(id) = todo.pop() {
        if !want.insert(id) {
            continue;
        }
        let rec = store.get(id)?.ok_or(StoreError::NotFound(id))?;
        // Nothing refers to these: one left out keeps the subset whole.
        let leaf = matches!(
            rec,
            Record::TrustNote(_)
                | Record::Contact(_)
                | Record::Supervision(_)
                | Record::CheckIn(_)
                | Record::Enrolment(_)
        );
        if let Some(scope) = scope
            && leaf
            && !scope.sees(store, &rec)?
        {
            left_out += 1;
            continue;
        }
        todo.extend(rec.references().into_iter().filter(|r| !want.contains(r)));
        out.push(rec);
    }
    // Ids order by kind (in `Kind::ALL` order), then number: the export order.
    out.sort_by_key(Record::id);
    Ok((out, left_out))
}

/// Writes `bytes` to `path` as a new file readable by its owner only
/// (exports hold health data): written to a fresh temporary file beside it
/// (created exclusively, `0600`) and renamed into place. So a symlink
/// planted at `path` is replaced, never followed, and a file someone else
/// created there is never written into (in a sticky directory like /tmp
/// the rename is refused instead).
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".triad-export-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself reaches the disk before we say it is written.
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// The JSON text of an export: stable, so export → import → export is
/// byte-identical.
pub fn to_json(records: Vec<Record>) -> String {
    to_json_for(records, None)
}

/// [`to_json`], saying at its top whom it was filtered for, if anyone.
pub fn to_json_for(records: Vec<Record>, filtered_for: Option<String>) -> String {
    let export = Export {
        filtered_for,
        format: FORMAT.to_string(),
        schema: SCHEMA_VERSION,
        records,
    };
    let mut text = json_safe(&serde_json::to_string_pretty(&export).unwrap_or_default());
    text.push('\n');
    text
}

/// JSON text with every hostile character (see [`crate::model::is_hostile`])
/// written as a `\uXXXX` escape: the same JSON value, but a file or a
/// terminal shows no bidi override or invisible character raw. serde_json
/// already escapes C0 controls; C1, bidi and format characters it keeps.
pub fn json_safe(json: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        // Raw line breaks and tabs are the pretty-printer's own whitespace
        // (inside strings serde_json has escaped them already).
        if crate::model::is_hostile(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{:04x}", u);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The fields an export's top level may have.
const TOP_FIELDS: [&str; 4] = ["filtered_for", "format", "schema", "records"];

/// Reads an export, naming the first bad record and why. Strict: a field
/// triad does not know (a misspelt `sKills` would otherwise be dropped in
/// silence), an invalid record, a history out of date order, an
/// implausible year or a cycle of parent bodies refuses the whole file.
pub fn parse(text: &str) -> Result<Vec<Record>, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ImportError::Malformed {
            line: e.line(),
            column: e.column(),
            reason: escape(&e.to_string()).into_owned(),
        })?;
    let serde_json::Value::Object(mut obj) = value else {
        return Err(ImportError::NotAnExport(
            "the top level is not an object".into(),
        ));
    };
    if obj.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(ImportError::NotAnExport(format!(
            "\"format\" is not \"{FORMAT}\"; make the file with `triad export --format json`"
        )));
    }
    match obj.get("schema").and_then(|s| s.as_u64()) {
        Some(s) if s == u64::from(SCHEMA_VERSION) => {}
        other => {
            return Err(ImportError::NotAnExport(format!(
                "schema {} is not the schema this triad reads ({SCHEMA_VERSION})",
                other.map_or("missing".into(), |s| s.to_string())
            )));
        }
    }
    if let Some(k) = obj.keys().find(|k| !TOP_FIELDS.contains(&k.as_str())) {
        return Err(ImportError::NotAnExport(format!(
            "unknown field \"{}\" at the top level; remove it (the fields are {})",
            escape(k),
            TOP_FIELDS.join(", ")
        )));
    }
    let Some(serde_json::Value::Array(records)) = obj.remove("records") else {
        return Err(ImportError::NotAnExport(
            "\"records\" is missing or not a list".into(),
        ));
    };
    // Each value is consumed as it is read: a big file is not held twice.
    let records = records
        .into_iter()
        .enumerate()
        .map(|(index, v)| strict::record(index, v))
        .collect::<Result<Vec<Record>, ImportError>>()?;
    strict::check_all(&records)?;
    Ok(records)
}

/// Parses and imports a file's text: all or nothing.
pub fn import(
    store: &dyn Store,
    text: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize, ImportError> {
    let records = parse(text)?;
    let n = records.len();
    store.import(records, progress)?;
    Ok(n)
}

/// The export's fields as (column, cell) pairs: strings as they are, other
/// values as JSON. Shared by CSV and any flat view.
pub(crate) fn flatten(record: &Record) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(record) else {
        return vec![];
    };
    map.into_iter()
        .filter(|(k, _)| k != "type")
        .map(|(k, v)| {
            let cell = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, cell)
        })
        .collect()
}
