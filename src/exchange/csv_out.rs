//! CSV: one file per kind, for a spreadsheet. Nested values are JSON cells.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use crate::model::{Kind, Record};

/// Writes `<kind>.csv` files into `dir` (made owner-only); returns the files.
/// `filtered`: whom the server filtered the records for, said in a
/// `FILTERED.txt` beside the files (CSV has no place for a header note).
pub fn write_csv(
    records: &[Record],
    filtered: Option<&str>,
    dir: &Path,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let mut written = Vec::new();
    if let Some(who) = filtered {
        use std::io::Write;
        let path = dir.join("FILTERED.txt");
        writeln!(super::private_file(&path)?, "Filtered for {who}.")?;
        written.push(path);
    }
    for kind in Kind::ALL {
        let path = dir.join(format!("{}.csv", kind.plural()));
        let mut w = csv::Writer::from_writer(super::private_file(&path)?);
        let mut header_done = false;
        for rec in records.iter().filter(|r| r.kind() == kind) {
            let row = super::flatten(rec);
            if !header_done {
                w.write_record(row.iter().map(|(k, _)| k.as_str()))?;
                header_done = true;
            }
            w.write_record(row.iter().map(|(_, v)| inert(v).into_owned()))?;
        }
        w.flush()?;
        written.push(path);
    }
    Ok(written)
}

/// A spreadsheet runs a cell that starts with = + - @ as a formula; a
/// leading quote keeps a name like "=cmd|..." as text.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_cells_are_made_inert() {
        assert_eq!(super::inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::inert("熊本県"), "熊本県");
        assert_eq!(super::inert("2024-01-01"), "2024-01-01");
    }
}
