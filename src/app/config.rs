//! The user's settings file, `$XDG_CONFIG_HOME/triad/config.toml`:
//!
//! ```toml
//! lang = "ja"      # or "en"; --lang wins, LANG decides when neither is set
//! ascii = true     # plain-ASCII borders and symbols, like --ascii
//! unanswered_days = 14  # the dashboard lists referrals sent this long ago and not answered
//! meeting_idle_minutes = 10  # a meeting-mode screen blanks after this long without a key
//! # Peer supporters' flags (see `model::workload`):
//! supervision_days = 60  # no supervision in this many days
//! quiet_case_days = 30   # an active case with no contact in this many days
//! surge_factor = 2       # contacts in the last 30 days at least this times the monthly mean of the 3 months before
//! surge_min = 6          # ... and at least this many
//! ```
//!
//! A file that cannot be read stops start-up with its line, like a keymap.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Lang;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub ascii: Option<bool>,
    #[serde(default)]
    pub unanswered_days: Option<u32>,
    #[serde(default)]
    pub meeting_idle_minutes: Option<u32>,
    #[serde(default)]
    pub supervision_days: Option<u32>,
    #[serde(default)]
    pub quiet_case_days: Option<u32>,
    #[serde(default)]
    pub surge_factor: Option<u32>,
    #[serde(default)]
    pub surge_min: Option<u32>,
}

impl UserConfig {
    /// The supporters' flag thresholds: the file's, else the defaults.
    pub fn thresholds(&self) -> crate::model::workload::Thresholds {
        let d = crate::model::workload::Thresholds::default();
        crate::model::workload::Thresholds {
            supervision_days: self.supervision_days.unwrap_or(d.supervision_days),
            quiet_case_days: self.quiet_case_days.unwrap_or(d.quiet_case_days),
            surge_factor: self.surge_factor.unwrap_or(d.surge_factor),
            surge_min: self.surge_min.unwrap_or(d.surge_min),
        }
    }
}

pub fn config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("triad").join("config.toml"))
}

/// Read the file if it exists; a missing file is an empty config.
pub fn load(path: &Path) -> Result<UserConfig, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(UserConfig::default()),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let cfg: UserConfig = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        format!("{}:{line}: {}", path.display(), e.message().trim())
    })?;
    if let Some(l) = &cfg.lang
        && Lang::parse(l).is_none()
    {
        return Err(format!(
            "{}: lang = \"{l}\": use \"en\" or \"ja\"",
            path.display()
        ));
    }
    Ok(cfg)
}

/// `--lang`, else the config, else the locale.
pub fn resolve_lang(flag: Option<Lang>, cfg: &UserConfig) -> Lang {
    let env = |k: &str| std::env::var(k).ok();
    flag.or_else(|| cfg.lang.as_deref().and_then(Lang::parse))
        .unwrap_or_else(|| {
            Lang::from_locale(
                env("LC_ALL").as_deref(),
                env("LC_MESSAGES").as_deref(),
                env("LANG").as_deref(),
            )
        })
}

/// The UI's language as a session picks it (for what the CLI writes in it,
/// such as the Markdown report): `--lang`, the config file, the locale.
pub fn ui_lang(flag: Option<Lang>) -> Result<Lang, String> {
    let cfg = match config_path() {
        Some(p) => load(&p)?,
        None => UserConfig::default(),
    };
    Ok(resolve_lang(flag, &cfg))
}

/// NO_COLOR (any non-empty value) turns colour off; meaning stays in
/// symbols and reverse video.
pub fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_config_names_line() {
        let dir = std::env::temp_dir().join(format!("triad-cfg-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let p = dir.join("config.toml");
        std::fs::write(&p, "lang = \"ja\"\ncolour = 1\n").unwrap();
        let e = load(&p).unwrap_err();
        assert!(e.contains(":2:"), "{e}");
        std::fs::write(
            &p,
            "lang = \"ja\"\nascii = true\nunanswered_days = 10\nmeeting_idle_minutes = 3\n",
        )
        .unwrap();
        let c = load(&p).unwrap();
        assert_eq!(c.unanswered_days, Some(10));
        assert_eq!(c.meeting_idle_minutes, Some(3));
        assert_eq!(
            c.thresholds(),
            crate::model::workload::Thresholds::default()
        );
        std::fs::write(&p, "supervision_days = 45\nsurge_min = 3\n").unwrap();
        let t = load(&p).unwrap().thresholds();
        assert_eq!(
            (t.supervision_days, t.surge_min, t.quiet_case_days),
            (45, 3, 30)
        );
        assert_eq!(resolve_lang(None, &c), Lang::Ja);
        assert_eq!(resolve_lang(Some(Lang::En), &c), Lang::En);
        assert_eq!(load(&dir.join("missing.toml")), Ok(UserConfig::default()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
