//! CSV: one file per kind, for a spreadsheet. Nested values are JSON cells.

use std::path::{Path, PathBuf};

use crate::model::{Kind, Record};

/// Writes `<kind>.csv` files into `dir`; returns the files written.
pub fn write_csv(records: &[Record], dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for kind in Kind::ALL {
        let path = dir.join(format!("{}.csv", kind.plural()));
        let mut w = csv::Writer::from_path(&path)?;
        let mut header_done = false;
        for rec in records.iter().filter(|r| r.kind() == kind) {
            let row = super::flatten(rec);
            if !header_done {
                w.write_record(row.iter().map(|(k, _)| k.as_str()))?;
                header_done = true;
            }
            w.write_record(row.iter().map(|(_, v)| v.as_str()))?;
        }
        w.flush()?;
        written.push(path);
    }
    Ok(written)
}
