//! The file a trust note is typed into with `$EDITOR`. It holds a note
//! (health data), so it lives in a 0700 directory of the user's own
//! (`$XDG_RUNTIME_DIR/triad-edit`, else `triad-edit-UID` in the temporary
//! directory), is 0600, and is removed on every way out: when the editor
//! returns, when a signal (SIGHUP, SIGTERM) ends the session while the
//! editor runs (the editor is stopped too), and — for a session killed
//! outright — by the next triad that starts.

use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The file being edited now and the editor's pid, for the signal thread.
static EDITING: Mutex<Option<(PathBuf, Option<u32>)>> = Mutex::new(None);

const PREFIX: &str = "note-";

/// The user's private directory for editor files, made if needed; refused
/// if it is a symlink, another user's, or open to others.
pub fn private_dir() -> io::Result<PathBuf> {
    let uid = nix::unistd::geteuid().as_raw();
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        Some(run) if run.is_dir() => run.join("triad-edit"),
        _ => std::env::temp_dir().join(format!("triad-edit-{uid}")),
    };
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
        _ => {}
    }
    let meta = std::fs::symlink_metadata(&dir)?;
    if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is not a private directory of yours (a link, another user's, or open to others); remove it",
                dir.display()
            ),
        ));
    }
    Ok(dir)
}

/// A note's file; removed (and forgotten by the signal thread) on drop.
pub struct EditFile {
    path: tempfile::TempPath,
}

impl EditFile {
    /// A fresh 0600 file holding `text`, named after this process so a
    /// later triad knows whether its session is still alive.
    pub fn create(text: &str) -> io::Result<EditFile> {
        Self::create_in(&private_dir()?, text)
    }

    fn create_in(dir: &Path, text: &str) -> io::Result<EditFile> {
        let mut file = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .suffix(".txt")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)?;
        file.write_all(text.as_bytes())?;
        file.as_file().sync_all()?;
        let path = file.into_temp_path();
        *editing() = Some((path.to_path_buf(), None));
        Ok(EditFile { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The editor running on it: stopped if a signal ends the session.
    pub fn editor_started(&self, pid: u32) {
        if let Some((_, child)) = editing().as_mut() {
            *child = Some(pid);
        }
    }
}

impl Drop for EditFile {
    fn drop(&mut self) {
        *editing() = None;
        // The TempPath removes the file itself; the editor's swap and
        // backup files of it go too.
        if let Some(dir) = self.path.parent() {
            remove_mine_in(dir);
        }
    }
}

/// Whether `name` is a note's file of session `pid`, or a file an editor
/// made beside it (vim's `.note-….txt.swp`, `.swo`, `.un~`; `note-….txt~`).
fn of_session(name: &str) -> Option<i32> {
    let at = name.find(PREFIX)?;
    // Only a leading dot (vim's hidden swap files) may come before it.
    if !name[..at].chars().all(|c| c == '.') {
        return None;
    }
    name[at + PREFIX.len()..].split('-').next()?.parse().ok()
}

/// Removes every file of this session in `dir` (at exit, on a signal).
fn remove_mine_in(dir: &Path) {
    let me = std::process::id() as i32;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if of_session(&entry.file_name().to_string_lossy()) == Some(me) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// At the session's end: nothing of its notes stays behind.
pub fn remove_mine() {
    if let Ok(dir) = private_dir() {
        remove_mine_in(&dir);
    }
}

fn editing() -> std::sync::MutexGuard<'static, Option<(PathBuf, Option<u32>)>> {
    EDITING.lock().unwrap_or_else(|p| p.into_inner())
}

/// A signal ends the session: the note's file goes at once and the editor
/// is told to stop, so the session's normal end follows.
pub fn on_signal() {
    if let Some((path, child)) = editing().as_ref() {
        let _ = std::fs::remove_file(path);
        if let Some(dir) = path.parent() {
            remove_mine_in(dir);
        }
        if let Some(pid) = child {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(*pid as i32),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
    }
}

/// Removes the files of sessions that are gone (killed while the editor
/// was open). Returns how many.
pub fn remove_leftovers() -> usize {
    private_dir().map_or(0, |d| remove_leftovers_in(&d))
}

fn remove_leftovers_in(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = of_session(&name) else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if !alive && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file being edited is one per process: these tests take turns.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_file_is_private_in_a_private_directory_and_goes_on_drop() {
        let _turn = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let tmp = tempfile::tempdir().unwrap();
        let f = EditFile::create_in(tmp.path(), "secret").unwrap();
        let path = f.path().to_path_buf();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "secret");
        drop(f);
        assert!(!path.exists());
        let dir = private_dir().unwrap();
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn a_signal_removes_the_file_and_stops_the_editor() {
        let _turn = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let tmp = tempfile::tempdir().unwrap();
        let f = EditFile::create_in(tmp.path(), "a note").unwrap();
        let mut editor = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        f.editor_started(editor.id());
        on_signal();
        assert!(!f.path().exists(), "the note outlived the signal");
        let status = editor.wait().unwrap();
        assert!(!status.success(), "the editor was not stopped");
    }

    #[test]
    fn files_of_dead_sessions_are_removed_and_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        // A pid that is surely gone: a child we started and reaped.
        let mut gone = std::process::Command::new("true").spawn().unwrap();
        let dead = gone.id();
        gone.wait().unwrap();
        let left = tmp.path().join(format!("{PREFIX}{dead}-x1.txt"));
        std::fs::write(&left, "left by a killed session").unwrap();
        let live = tmp
            .path()
            .join(format!("{PREFIX}{}-x2.txt", std::process::id()));
        std::fs::write(&live, "being edited").unwrap();
        let swap = tmp.path().join(format!(".{PREFIX}{dead}-x1.txt.swp"));
        let backup = tmp.path().join(format!("{PREFIX}{dead}-x1.txt~"));
        std::fs::write(&swap, "vim's copy of the note").unwrap();
        std::fs::write(&backup, "the note before").unwrap();
        let other = tmp.path().join("unrelated.txt");
        std::fs::write(&other, "x").unwrap();
        assert_eq!(remove_leftovers_in(tmp.path()), 3);
        assert!(!left.exists() && !swap.exists() && !backup.exists());
        assert!(live.exists() && other.exists());
    }
}
