//! Files not yet whole: a backup being written, a restore being built.
//! They are named `.triad-partial-<pid>-…` so the next open of the store,
//! and the next backup or restore into the same directory, can tell a
//! leftover (its writer is dead) from one being written, and remove it:
//! a partial backup holds personal data.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const PREFIX: &str = ".triad-partial-";

/// The name prefix for this process's partial files.
pub fn prefix() -> String {
    format!("{PREFIX}{}-", std::process::id())
}

/// Whether `pid` may still be writing (alive, or not ours to ask about).
fn alive(pid: i32) -> bool {
    use nix::errno::Errno;
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) => true,
        Err(Errno::ESRCH) => false,
        Err(_) => true,
    }
}

/// Removes the partial files in `dir` whose writer is dead and that are
/// ours (never another user's, never through a symlink). Returns their names.
pub fn clear(dir: &Path) -> io::Result<Vec<String>> {
    let mut removed = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(e),
    };
    let me = nix::unistd::geteuid().as_raw();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if pid <= 0 || alive(pid) {
            continue;
        }
        let meta = fs::symlink_metadata(entry.path())?;
        if meta.uid() != me {
            continue;
        }
        if meta.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
        removed.push(name);
    }
    Ok(removed)
}

/// Inside a store whose lock we hold, backups written by builds before
/// partial names (`.triad-backup-…`) are leftovers too: no one else can
/// be writing there.
pub fn clear_old_names_in_store(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".triad-backup-")
            && fs::symlink_metadata(entry.path())?.is_file()
        {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
