//! Saving the brief on screen: which directory and file name. Nothing
//! goes to the store; the file is written readable by its owner only.

use std::path::PathBuf;

use super::{AppForm, Key, Spec};
use crate::app::form::{Field, FieldKind};
use crate::app::state::{Screen, State};

/// Where a brief is saved unless you say otherwise: your home directory,
/// else the current one.
fn default_dir() -> String {
    dirs::home_dir()
        .or_else(|| std::env::current_dir().ok())
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| ".".into())
}

/// `triad-brief-2024-06-14.md`, or `triad-brief-C-0001-2024-06-14.md`.
fn default_name(state: &State) -> String {
    let case = state.stack.iter().rev().find_map(|s| match s {
        Screen::Brief(b) => Some(b.case),
        _ => None,
    });
    match case.flatten() {
        Some(c) => format!("triad-brief-{c}-{}.md", state.today()),
        None => format!("triad-brief-{}.md", state.today()),
    }
}

pub fn fields(state: &State) -> Spec {
    let l = state.lang();
    let title = l.t("Save the brief", "ブリーフィングを保存");
    let fields = vec![
        Field::new(Key::Directory, l.t("Directory", "保存先"), FieldKind::Text)
            .required()
            .text(&default_dir()),
        Field::new(
            Key::FileName,
            l.t("File name", "ファイル名"),
            FieldKind::Text,
        )
        .required()
        .text(&default_name(state)),
    ];
    (title, fields)
}

/// The file the form names, or the field to fix and why. `~/` is the
/// home directory; a file name is a name, not a path.
pub fn path(state: &State, form: &AppForm) -> Result<PathBuf, (Key, String)> {
    let l = state.lang();
    let dir = form.value(Key::Directory);
    let name = form.value(Key::FileName);
    if dir.is_empty() {
        return Err((Key::Directory, l.t("required", "入力してください").into()));
    }
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err((
            Key::FileName,
            l.t(
                "a file name, without a directory",
                "ディレクトリを含まないファイル名を入力してください",
            )
            .into(),
        ));
    }
    let dir = match dir.strip_prefix("~/").or((dir == "~").then_some("")) {
        Some(rest) => match dirs::home_dir() {
            Some(home) => home.join(rest),
            None => PathBuf::from(dir),
        },
        None => PathBuf::from(dir),
    };
    Ok(dir.join(name))
}
