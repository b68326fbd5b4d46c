//! Who may use a shared server, and as what: the server's config file.
//!
//! ```toml
//! [users.sato]            # an OS user name
//! role = "coordinator"    # coordinator | supporter | viewer
//! [users.tanaka]
//! role = "supporter"
//! person = "P-0031"       # the Person record of this peer supporter
//! [groups.triad-viewers]  # an OS group: every member gets this role
//! role = "viewer"
//! ```
//!
//! The server's own user is a coordinator unless the config says otherwise.
//! Without a config file a server serves its own user only (the on-demand
//! server).

use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::socket::user_name;
use crate::model::{AccessRole, Id, Kind, Reader};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    users: BTreeMap<String, Spanned<Entry>>,
    #[serde(default)]
    groups: BTreeMap<String, Spanned<Entry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    role: AccessRole,
    #[serde(default)]
    person: Option<Id>,
}

/// The roles a server gives its users.
#[derive(Clone, Debug)]
pub struct Roles {
    /// The config file they came from (`None`: the owner only).
    path: Option<PathBuf>,
    owner_uid: u32,
    users: BTreeMap<String, (AccessRole, Option<Id>)>,
    groups: BTreeMap<String, AccessRole>,
}

impl Roles {
    /// No config: the server's own user, as a coordinator, and no one else.
    pub fn owner_only(owner_uid: u32) -> Roles {
        Roles {
            path: None,
            owner_uid,
            users: BTreeMap::new(),
            groups: BTreeMap::new(),
        }
    }

    /// Reads and checks a config file; every problem is reported as
    /// `file:line: what`, and a file others could change is refused.
    pub fn load(path: &Path, owner_uid: u32) -> Result<Roles, String> {
        let shown = path.display();
        let meta = std::fs::symlink_metadata(path)
            .map_err(|e| format!("{shown}: cannot read the config: {e}"))?;
        if meta.file_type().is_symlink() {
            return Err(format!(
                "{shown}: the config is a symbolic link; give the real file"
            ));
        }
        if meta.uid() != owner_uid && meta.uid() != 0 {
            return Err(format!(
                "{shown}: the config belongs to {}; it must belong to {} (who runs the server) or root",
                user_name(meta.uid()),
                user_name(owner_uid)
            ));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(format!(
                "{shown}: others can change the config (mode {:o}); run `chmod go-w {shown}`",
                meta.mode() & 0o777
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{shown}: cannot read the config: {e}"))?;
        Roles::parse(&text, path, owner_uid)
    }

    /// Parses a config's text (the checks of [`Roles::load`] on content).
    pub fn parse(text: &str, path: &Path, owner_uid: u32) -> Result<Roles, String> {
        let shown = path.display();
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            format!("{shown}:{line}: {}", e.message())
        })?;
        let mut problems = Vec::new();
        let mut users = BTreeMap::new();
        for (name, entry) in file.users {
            let line = line_of(text, entry.span().start);
            let Entry { role, person } = entry.into_inner();
            match (role, person) {
                (AccessRole::Supporter, None) => problems.push(format!(
                    "{shown}:{line}: {name} is a supporter: give `person = \"P-…\"`, their Person record"
                )),
                (_, Some(p)) if p.kind != Kind::Person => problems.push(format!(
                    "{shown}:{line}: {name}: person {p} is not a person's id (P-…)"
                )),
                _ => {}
            }
            users.insert(name, (role, person));
        }
        let mut groups = BTreeMap::new();
        for (name, entry) in file.groups {
            let line = line_of(text, entry.span().start);
            let Entry { role, person } = entry.into_inner();
            if role == AccessRole::Supporter || person.is_some() {
                problems.push(format!(
                    "{shown}:{line}: group {name}: a supporter is one person; list them under [users.NAME]"
                ));
            }
            groups.insert(name, role);
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Roles {
            path: Some(path.to_path_buf()),
            owner_uid,
            users,
            groups,
        })
    }

    /// The reader a connecting user gets, or why they are refused. The
    /// server's own user gets the role the config gives them, else a
    /// coordinator's.
    pub fn reader_for(&self, uid: u32, user: &str) -> Result<Reader, String> {
        let Some(path) = &self.path else {
            if uid == self.owner_uid {
                return Ok(Reader::owner(user));
            }
            return Err(format!(
                "this server serves only {}, who owns the store, and not {user}",
                user_name(self.owner_uid)
            ));
        };
        if let Some((role, person)) = self.users.get(user) {
            return Ok(Reader {
                user: user.to_string(),
                role: *role,
                person: *person,
            });
        }
        // The most a group gives: a coordinator's role over a viewer's.
        let role = groups_of(user, uid)
            .iter()
            .filter_map(|g| self.groups.get(g).copied())
            .min();
        match role {
            Some(role) => Ok(Reader {
                user: user.to_string(),
                role,
                person: None,
            }),
            None if uid == self.owner_uid => Ok(Reader::owner(user)),
            None => Err(format!(
                "{user} is not in the server's config {}; ask its owner to add [users.{user}]",
                path.display()
            )),
        }
    }

    /// How many users and groups it names, for `--check-config`.
    pub fn summary(&self) -> String {
        format!("{} users, {} groups", self.users.len(), self.groups.len())
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |t| t.matches('\n').count()) + 1
}

/// The names of the groups a user belongs to, from the system's database.
fn groups_of(user: &str, uid: u32) -> Vec<String> {
    use nix::unistd::{Group, Uid, User, getgrouplist};
    let Ok(Some(u)) = User::from_uid(Uid::from_raw(uid)) else {
        return vec![];
    };
    let Ok(name) = CString::new(user) else {
        return vec![];
    };
    getgrouplist(&name, u.gid)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|g| Group::from_gid(g).ok().flatten().map(|g| g.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
[users.sato]
role = "coordinator"

[users.tanaka]
role = "supporter"
person = "P-0031"

[groups.triad-viewers]
role = "viewer"
"#;

    #[test]
    fn users_get_their_roles_and_strangers_are_refused_naming_the_file() {
        let roles = Roles::parse(CONFIG, Path::new("/etc/triad.toml"), 1000).unwrap();
        let tanaka = roles.reader_for(1001, "tanaka").unwrap();
        assert_eq!(tanaka.role, AccessRole::Supporter);
        assert_eq!(tanaka.person, Some(Id::new(Kind::Person, 31)));
        assert_eq!(
            roles.reader_for(1002, "sato").unwrap().role,
            AccessRole::Coordinator
        );
        let err = roles.reader_for(1003, "suzuki").unwrap_err();
        assert!(
            err.contains("/etc/triad.toml") && err.contains("suzuki"),
            "{err}"
        );
        // The owner needs no entry.
        assert_eq!(
            roles.reader_for(1000, "triad").unwrap().role,
            AccessRole::Coordinator
        );
    }

    #[test]
    fn a_bad_role_and_a_supporter_without_a_person_are_reported_with_their_lines() {
        let bad = "[users.sato]\nrole = \"admin\"\n";
        let err = Roles::parse(bad, Path::new("c.toml"), 0).unwrap_err();
        assert!(err.starts_with("c.toml:2:"), "{err}");
        assert!(err.contains("admin"), "{err}");
        let no_person = "\n\n[users.tanaka]\nrole = \"supporter\"\n";
        let err = Roles::parse(no_person, Path::new("c.toml"), 0).unwrap_err();
        assert!(
            err.starts_with("c.toml:3:") || err.starts_with("c.toml:4:"),
            "{err}"
        );
        assert!(err.contains("person"), "{err}");
        let group = "[groups.peers]\nrole = \"supporter\"\n";
        assert!(Roles::parse(group, Path::new("c.toml"), 0).is_err());
        let typo = "[users.sato]\nrole = \"viewer\"\nrol = \"x\"\n";
        let err = Roles::parse(typo, Path::new("c.toml"), 0).unwrap_err();
        assert!(err.contains("rol"), "{err}");
    }

    #[test]
    fn without_a_config_only_the_owner_is_served() {
        let roles = Roles::owner_only(1000);
        assert!(roles.reader_for(1000, "me").is_ok());
        assert!(roles.reader_for(1001, "them").is_err());
    }

    #[test]
    fn a_config_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("triad.toml");
        std::fs::write(&path, CONFIG).unwrap();
        let me = super::super::socket::my_uid();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        let err = Roles::load(&path, me).unwrap_err();
        assert!(err.contains("chmod go-w"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        Roles::load(&path, me).expect("owner-writable only is fine");
    }
}
