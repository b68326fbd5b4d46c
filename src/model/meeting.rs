//! Meeting mode's rule for names: a projector shows clients and their
//! family by initials only. Kept in the model so every output (the TUI,
//! the brief, reports) masks the same people the same way.

use super::{Person, Role};
use crate::search::normalize::{fold, spoken};

impl Person {
    /// Clients and family members: shown by initials in meeting mode.
    pub fn is_private_party(&self) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::Client | Role::FamilyMember))
    }

    /// The name as meeting mode shows it: initials for a client or family
    /// member, the name itself for everyone else.
    pub fn meeting_name(&self) -> String {
        if self.is_private_party() {
            initials(&self.name, self.reading.as_deref())
        } else {
            self.name.clone()
        }
    }
}

/// `森田 さとみ（仮名）` read `モリタ サトミ` → `M.S.`; `Ito Kenji` → `I.K.`.
/// The reading is used when there is one, so a kanji name does not give
/// away its first character; without one, the first letter of each word
/// (romanised when it is kana). Nothing of the name beyond that is kept.
pub fn initials(name: &str, reading: Option<&str>) -> String {
    let source = reading.filter(|r| !r.trim().is_empty()).unwrap_or(name);
    let mut out = String::new();
    for word in source
        .split(|c: char| c.is_whitespace() || matches!(c, '・' | '･' | '（' | '('))
        .filter(|w| !w.is_empty())
        .take(3)
    {
        // A pseudonym marker such as （仮名） is not part of the name.
        if word.ends_with('）') || word.ends_with(')') {
            continue;
        }
        let first = spoken(&fold(word))
            .chars()
            .next()
            .or_else(|| word.chars().next())
            .map(|c| c.to_uppercase().collect::<String>());
        if let Some(c) = first {
            out.push_str(&c);
            out.push('.');
        }
    }
    if out.is_empty() { "…".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

    fn person(name: &str, reading: Option<&str>, roles: &[Role]) -> Person {
        Person {
            id: Id::new(crate::model::Kind::Person, 1),
            name: name.into(),
            reading: reading.map(Into::into),
            roles: roles.to_vec(),
            peer_kind: None,
            activity_range: String::new(),
            skills: String::new(),
            contact: String::new(),
            supporter: None,
        }
    }

    #[test]
    fn initials_come_from_the_reading_and_drop_the_pseudonym_marker() {
        assert_eq!(
            initials("森田 さとみ（仮名）", Some("モリタ サトミ")),
            "M.S."
        );
        assert_eq!(initials("Ito Kenji", None), "I.K.");
        assert_eq!(initials("もりた さとみ", None), "M.S.");
        assert_eq!(initials("森田 さとみ（仮名）", None), "森.S.");
    }

    #[test]
    fn only_clients_and_family_are_masked() {
        let client = person(
            "森田 さとみ（仮名）",
            Some("モリタ サトミ"),
            &[Role::Client],
        );
        let family = person(
            "福田 幸恵（仮名）",
            Some("フクダ ユキエ"),
            &[Role::FamilyMember],
        );
        let doctor = person("山田 太郎", Some("ヤマダ タロウ"), &[Role::Physician]);
        assert_eq!(client.meeting_name(), "M.S.");
        assert_eq!(family.meeting_name(), "F.Y.");
        assert_eq!(doctor.meeting_name(), "山田 太郎");
    }
}
