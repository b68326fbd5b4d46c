//! Where the socket lives and who may use it. The server refuses a store
//! directory or socket path that it does not own or that is reached through
//! a symlink; the socket is the owner's alone (0600 in a 0700 directory),
//! and every connection's user comes from the kernel (SO_PEERCRED), never
//! from what the client says.

use std::fs;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// The socket of the on-demand server, inside its store directory.
pub const SOCKET_NAME: &str = "triad.sock";

/// The longest path a Unix socket address holds (`sun_path`, less its NUL).
const MAX_SOCKET_PATH: usize = 107;

pub fn socket_in(store: &Path) -> PathBuf {
    if store.join("db").is_dir() && crate::store::why_read_only(store).is_some() {
        return read_only_socket(store);
    }
    store.join(SOCKET_NAME)
}

/// A store that can only be read cannot hold a socket: its server listens
/// in the user's runtime directory (`$XDG_RUNTIME_DIR`, else a 0700
/// `triad-UID` in the temporary directory), under a name made from the
/// store's path, so every triad of this user finds it.
fn read_only_socket(store: &Path) -> PathBuf {
    use sha2::Digest;
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| {
            let d = std::env::temp_dir().join(format!("triad-{}", my_uid()));
            let _ = fs::DirBuilder::new().mode(0o700).create(&d);
            d
        });
    let path = store.canonicalize().unwrap_or_else(|_| store.to_path_buf());
    let hash = sha2::Sha256::digest(path.as_os_str().as_encoded_bytes());
    let name: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    base.join(format!("triad-ro-{name}.sock"))
}

/// This process's effective uid.
pub fn my_uid() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// A user's name from the system's user database (so LDAP users resolve
/// too), else `uid N`.
pub fn user_name(uid: u32) -> String {
    match nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)) {
        Ok(Some(u)) => u.name,
        _ => format!("uid {uid}"),
    }
}

/// The uid of the process at the other end of `stream`, from the kernel.
pub fn peer_uid(stream: &UnixStream) -> io::Result<u32> {
    nix::sys::socket::getsockopt(stream, nix::sys::socket::sockopt::PeerCredentials)
        .map(|c| c.uid())
        .map_err(io::Error::from)
}

/// The pid of the process at the other end of `stream` (for a client, the
/// server's), from the kernel.
pub fn peer_pid(stream: &UnixStream) -> io::Result<i32> {
    nix::sys::socket::getsockopt(stream, nix::sys::socket::sockopt::PeerCredentials)
        .map(|c| c.pid())
        .map_err(io::Error::from)
}

/// Checks that `path` is a real directory (not a symlink) owned by us.
pub fn check_owned_dir(path: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(refuse(format!(
            "{} is a symbolic link; give the real directory",
            path.display()
        )));
    }
    if !meta.is_dir() {
        return Err(refuse(format!("{} is not a directory", path.display())));
    }
    if meta.uid() != my_uid() {
        return Err(refuse(format!(
            "{} belongs to {}, not to you; a server only serves a directory its user owns",
            path.display(),
            user_name(meta.uid())
        )));
    }
    Ok(())
}

/// Binds a listening socket at `path`, replacing a stale socket of ours
/// (the caller holds the store's lock, so no live server owns it) and
/// refusing anything else found there. `shared`: the server has a config
/// naming other users, so anyone who can reach the socket may connect
/// (`0666`: the directory it is in decides who reaches it, the config who
/// is served); else it is its owner's alone.
pub fn bind(path: &Path, shared: bool) -> io::Result<UnixListener> {
    if path.as_os_str().len() > MAX_SOCKET_PATH {
        return Err(refuse(format!(
            "the socket path {} is longer than a socket address holds ({MAX_SOCKET_PATH} bytes); use a shorter --store or --socket",
            path.display()
        )));
    }
    let parent = path.parent().unwrap_or(Path::new("."));
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    check_owned_dir(parent)?;
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() && meta.uid() == my_uid() => {
            fs::remove_file(path)?;
        }
        Ok(_) => {
            return Err(refuse(format!(
                "{} exists and is not a socket of yours; move it away",
                path.display()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(path)?;
    let mode = if shared { 0o666 } else { 0o600 };
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(listener)
}

fn refuse(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlinked_directory_and_a_foreign_file_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let err = bind(&link.join("s.sock"), false).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");

        let plain = real.join("s.sock");
        fs::write(&plain, "not a socket").unwrap();
        let err = bind(&plain, false).unwrap_err();
        assert!(err.to_string().contains("not a socket"), "{err}");
        assert_eq!(fs::read_to_string(&plain).unwrap(), "not a socket");
    }

    #[test]
    fn a_stale_socket_is_replaced_and_the_new_one_is_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.sock");
        drop(UnixListener::bind(&path).unwrap());
        let _listener = bind(&path, false).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let client = UnixStream::connect(&path).unwrap();
        assert_eq!(peer_uid(&client).unwrap(), my_uid());
    }
}
