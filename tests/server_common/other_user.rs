//! Another OS user (`nobody`, when the tests run as root), a copy of the
//! binary they may run, and a socket they may reach.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::run;

/// `nobody`'s uid and gid, when this test runs as root; else why not.
pub fn second_user() -> Result<(u32, u32), String> {
    if !nix::unistd::geteuid().is_root() {
        return Err("not running as root: no second OS user to connect as".into());
    }
    match nix::unistd::User::from_name("nobody") {
        Ok(Some(u)) => Ok((u.uid.as_raw(), u.gid.as_raw())),
        _ => Err("no `nobody` user on this system".into()),
    }
}

/// Whether anyone may run `path`: it is readable and executable by
/// others, and every directory above it searchable.
pub fn runnable_by_anyone(path: &Path) -> bool {
    let file_ok = std::fs::metadata(path).is_ok_and(|m| m.mode() & 0o005 == 0o005);
    file_ok
        && path
            .ancestors()
            .skip(1)
            .filter(|d| !d.as_os_str().is_empty())
            .all(|d| std::fs::metadata(d).is_ok_and(|m| m.mode() & 0o001 != 0))
}

/// `path`, or a copy of it in `spare` (made 0755) that anyone may run.
pub fn runnable_copy(path: &Path, spare: &Path) -> Result<PathBuf, String> {
    if runnable_by_anyone(path) {
        return Ok(path.to_path_buf());
    }
    let copy = spare.join(path.file_name().unwrap());
    std::fs::copy(path, &copy).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
    std::fs::set_permissions(spare, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    if runnable_by_anyone(&copy) {
        Ok(copy)
    } else {
        Err(format!(
            "{} cannot be reached by other users",
            copy.display()
        ))
    }
}

/// A directory anyone may enter (for a socket), owned by us.
pub fn open_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Lets other users connect to a socket. A server binds its socket `0600`
/// even when its config serves other users (see the ignored test below),
/// so these tests open it up by hand once it listens.
pub fn open_socket(socket: &Path) {
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o666)).unwrap();
}

/// `triad --connect SOCKET …` as another user.
pub fn triad_as(bin: &Path, (uid, gid): (u32, u32), socket: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(bin);
    cmd.arg("--connect")
        .arg(socket)
        .args(args)
        .env_remove("TRIAD_STORE")
        .env_remove("TRIAD_SOCKET")
        .env("HOME", "/")
        .current_dir("/")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null());
    run(cmd)
}

/// `nobody`, with a copy of triad they may run (kept in `spare`); or why
/// a test that needs them skips.
pub fn other_user_with_triad(spare: &Path) -> Result<((u32, u32), PathBuf), String> {
    let user = second_user()?;
    let bin = runnable_copy(Path::new(super::BIN), spare)?;
    Ok((user, bin))
}
