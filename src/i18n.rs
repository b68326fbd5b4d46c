//! English and Japanese labels. Every label is written as `lang.t(en, ja)`
//! where it is used, so a missing translation cannot compile; names of
//! domain values live here because several screens share them.
//!
//! Keep East Asian ambiguous-width characters (… → ○ × ※ —) out of labels:
//! they would be double width in many Japanese terminals.

use crate::model::{
    BodyKind, CaseStatus, Confidentiality, ConsentStatus, DeclinedBy, EventKind, PeerKind,
    ReferralCategory, ReferralStatus, Role, Sector,
};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// `--lang` / config values: "en", "ja", also "ja_JP.UTF-8"-style.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("ja") {
            Some(Lang::Ja)
        } else if s.starts_with("en") || s == "c" || s == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From the locale variables, first set wins, as the C library does.
    pub fn from_locale(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .and_then(Lang::parse)
            .unwrap_or_default()
    }

    pub fn t(self, en: &'static str, ja: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }

    pub fn is_ja(self) -> bool {
        self == Lang::Ja
    }

    pub fn sector(self, s: Sector) -> &'static str {
        match s {
            Sector::Government => self.t("Government", "行政"),
            Sector::Medical => self.t("Medical", "医療"),
            Sector::PatientFamily => self.t("Patient & family", "患者・家族"),
        }
    }

    /// One letter tag, so a sector reads without colour.
    pub fn sector_tag(self, s: Sector) -> &'static str {
        match s {
            Sector::Government => self.t("G", "行"),
            Sector::Medical => self.t("M", "医"),
            Sector::PatientFamily => self.t("P", "患"),
        }
    }

    pub fn case_status(self, s: CaseStatus) -> &'static str {
        match s {
            CaseStatus::Intake => self.t("intake", "受付"),
            CaseStatus::Active => self.t("active", "支援中"),
            CaseStatus::Monitoring => self.t("monitoring", "見守り"),
            CaseStatus::Closed => self.t("closed", "終結"),
        }
    }

    pub fn referral_status(self, s: ReferralStatus) -> &'static str {
        match s {
            ReferralStatus::Proposed => self.t("proposed", "提案"),
            ReferralStatus::Sent => self.t("sent", "送付済"),
            ReferralStatus::Accepted => self.t("accepted", "受理"),
            ReferralStatus::Declined => self.t("declined", "辞退"),
            ReferralStatus::Completed => self.t("completed", "完了"),
            ReferralStatus::Cancelled => self.t("cancelled", "取消"),
        }
    }

    pub fn category(self, c: ReferralCategory) -> &'static str {
        match c {
            ReferralCategory::Medical => self.t("medical", "医療"),
            ReferralCategory::WelfareLife => self.t("welfare/life", "福祉・生活"),
            ReferralCategory::Work => self.t("work", "就労"),
            ReferralCategory::Community => self.t("community", "地域生活"),
            ReferralCategory::Peer => self.t("peer", "ピア"),
            ReferralCategory::Other => self.t("other", "その他"),
        }
    }

    pub fn event_kind(self, k: EventKind) -> &'static str {
        match k {
            EventKind::Meeting => self.t("meeting", "会議"),
            EventKind::CheckUp => self.t("check-up", "検診"),
            EventKind::Training => self.t("training", "研修"),
            EventKind::Lecture => self.t("lecture", "講演"),
            EventKind::Salon => self.t("salon", "サロン"),
            EventKind::BoardMeeting => self.t("board", "世話人会"),
            EventKind::Consultation => self.t("consultation", "相談会"),
            EventKind::Milestone => self.t("milestone", "節目"),
            EventKind::Other => self.t("other", "その他"),
        }
    }

    /// The badge shown on a note; private is loud on purpose.
    pub fn access_role(self, r: crate::model::AccessRole) -> &'static str {
        use crate::model::AccessRole as R;
        match r {
            R::Coordinator => self.t("coordinator", "コーディネーター"),
            R::Supporter => self.t("supporter", "サポーター"),
            R::Viewer => self.t("viewer", "閲覧者"),
        }
    }

    pub fn confidentiality(self, c: Confidentiality) -> &'static str {
        match c {
            Confidentiality::Shared => self.t("shared", "共有可"),
            Confidentiality::Team => self.t("team", "チーム内"),
            Confidentiality::Private => self.t("PRIVATE", "本人のみ"),
        }
    }

    pub fn consent_status(self, s: ConsentStatus) -> &'static str {
        match s {
            ConsentStatus::Active => self.t("active", "有効"),
            ConsentStatus::Expired => self.t("expired", "期限切れ"),
            ConsentStatus::Withdrawn => self.t("withdrawn", "撤回"),
        }
    }

    pub fn declined_by(self, d: DeclinedBy) -> &'static str {
        match d {
            DeclinedBy::Client => self.t("the client", "本人"),
            DeclinedBy::Receiver => self.t("the receiver", "紹介先"),
        }
    }

    pub fn peer_kind(self, k: PeerKind) -> &'static str {
        match k {
            PeerKind::Volunteer => self.t("volunteer", "ボランティア"),
            PeerKind::ProVolunteer => self.t("pro-volunteer", "プロボランティア"),
            PeerKind::PeerStaff => self.t("peer staff", "雇用ピアスタッフ"),
        }
    }

    pub fn role(self, r: Role) -> &'static str {
        match r {
            Role::PeerSupporter => self.t("peer supporter", "ピアサポーター"),
            Role::Physician => self.t("physician", "医師"),
            Role::Nurse => self.t("nurse", "看護師"),
            Role::Therapist => self.t("therapist (PT/OT)", "療法士"),
            Role::MedicalSocialWorker => self.t("medical social worker", "医療ソーシャルワーカー"),
            Role::PublicHealthNurse => self.t("public health nurse", "保健師"),
            Role::CareManager => self.t("care manager", "ケアマネジャー"),
            Role::EmploymentSupporter => self.t("employment supporter", "就労支援員"),
            Role::ConsultationSpecialist => self.t("consultation specialist", "相談支援専門員"),
            Role::Counsellor => self.t("counsellor", "相談員"),
            Role::Coordinator => self.t("coordinator", "コーディネーター"),
            Role::Client => self.t("client", "相談者"),
            Role::FamilyMember => self.t("family member", "家族"),
            Role::Official => self.t("official", "行政職員"),
            Role::Other => self.t("other", "その他"),
        }
    }

    pub fn body_kind(self, k: BodyKind) -> &'static str {
        match k {
            BodyKind::PrefecturalDivision => self.t("prefectural division", "県の課"),
            BodyKind::MunicipalSection => self.t("municipal section", "市町村の課"),
            BodyKind::PublicHealthCentre => self.t("public health centre", "保健所"),
            BodyKind::LiaisonSupportCentre => self.t("liaison support centre", "連携支援センター"),
            BodyKind::IntractableDiseaseSupportCentre => {
                self.t("intractable-disease support centre", "難病相談支援センター")
            }
            BodyKind::Council => self.t("council", "協議会"),
            BodyKind::WorkingGroup => self.t("working group", "作業部会"),
            BodyKind::Hospital => self.t("hospital", "病院"),
            BodyKind::ConsultationSupportCentre => {
                self.t("consultation support centre", "相談支援センター")
            }
            BodyKind::RehabilitationCentre => self.t("rehabilitation centre", "リハビリセンター"),
            BodyKind::PatientAssociation => self.t("patient association", "患者会"),
            BodyKind::CancerSalon => self.t("cancer salon", "がんサロン"),
            BodyKind::SalonNetwork => self.t("salon network", "サロンネットワーク"),
            BodyKind::FamilyAssociation => self.t("family association", "家族会"),
            BodyKind::PeerSupporterGroup => self.t("peer supporter group", "ピアサポーターの会"),
            BodyKind::EmploymentSupport => self.t("employment support", "就労支援"),
            BodyKind::WelfareAssociation => self.t("welfare association", "福祉協会"),
            BodyKind::Other => self.t("other", "その他"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_decides_when_nothing_else_does() {
        assert_eq!(Lang::from_locale(None, None, Some("ja_JP.UTF-8")), Lang::Ja);
        assert_eq!(
            Lang::from_locale(Some("C"), None, Some("ja_JP.UTF-8")),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale(Some(""), None, Some("ja_JP.UTF-8")),
            Lang::Ja
        );
        assert_eq!(Lang::from_locale(None, None, None), Lang::En);
        assert_eq!(Lang::parse("JA"), Some(Lang::Ja));
        assert_eq!(Lang::parse("fr"), None);
    }
}
