//! CSV: one file per kind, for a spreadsheet. Nested values are JSON cells;
//! a cell keeps its line breaks (CSV quotes them) but shows other hostile
//! characters as escapes, and never starts a formula.

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
    refuse_foreign_dir(dir)?;
    if let Some(who) = filtered {
        let path = dir.join("FILTERED.txt");
        super::write_private(
            &path,
            format!("Filtered for {}.\n", crate::model::escape(who)).as_bytes(),
        )?;
        written.push(path);
    }
    for kind in Kind::ALL {
        let path = dir.join(format!("{}.csv", kind.plural()));
        let mut w = csv::Writer::from_writer(Vec::new());
        let rows: Vec<Vec<(String, String)>> = records
            .iter()
            .filter(|r| r.kind() == kind)
            .map(super::flatten)
            .collect();
        // Every column any record has (a field left out when empty, such
        // as a person's supporter profile, is a blank cell for the others).
        let mut columns: Vec<&str> = Vec::new();
        for (k, _) in rows.iter().flatten() {
            if !columns.contains(&k.as_str()) {
                columns.push(k);
            }
        }
        if !rows.is_empty() {
            w.write_record(&columns)?;
        }
        for row in &rows {
            w.write_record(
                columns
                    .iter()
                    .map(|c| cell(row.iter().find(|(k, _)| k == c).map_or("", |(_, v)| v))),
            )?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        super::write_private(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// The CSV directory must be a real directory of ours: never one reached
/// through a symlink, nor one another user made (and could read).
fn refuse_foreign_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(dir)?;
    let mine = meta.uid() == nix::unistd::geteuid().as_raw();
    if meta.file_type().is_symlink() || !meta.is_dir() || !mine {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{} is not a directory of yours (a link, a file, or another user's); give a new directory",
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// A text as a cell: line breaks kept, other hostile characters shown as
/// escapes, never a formula.
pub(crate) fn cell(text: &str) -> String {
    inert(&crate::model::escape_multiline(text)).into_owned()
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
