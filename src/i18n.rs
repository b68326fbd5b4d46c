//! English and Japanese labels. Every label is written as `lang.t(en, ja)`
//! where it is used, so a missing translation cannot compile; names of
//! domain values live here because several screens share them.
//!
//! Keep East Asian ambiguous-width characters (… → ○ × ※ —) out of labels:
//! they would be double width in many Japanese terminals.

use crate::model::{
    BodyKind, CaseStatus, Confidentiality, ConsentStatus, DeclinedBy, EventKind, GoalKind,
    NeedArea, PeerKind, Reason, ReferralCategory, ReferralStatus, Role, Sector, ValidationError,
};

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
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
            Confidentiality::Private => self.t("PRIVATE", "作成者のみ"),
        }
    }

    pub fn consent_status(self, s: ConsentStatus) -> &'static str {
        match s {
            ConsentStatus::Active => self.t("active", "有効"),
            ConsentStatus::Expired => self.t("expired", "期限切れ"),
            ConsentStatus::Withdrawn => self.t("withdrawn", "撤回"),
        }
    }

    /// What a trust level (1 to 5) means.
    pub fn trust_level(self, level: u8) -> &'static str {
        match level {
            1 => self.t("new", "新規"),
            2 => self.t("cautious", "慎重"),
            3 => self.t("working", "協力中"),
            4 => self.t("trusted", "信頼"),
            _ => self.t("established", "確立"),
        }
    }

    pub fn declined_by(self, d: DeclinedBy) -> &'static str {
        match d {
            DeclinedBy::Client => self.t("the client", "本人"),
            DeclinedBy::Receiver => self.t("the receiver", "紹介先"),
        }
    }

    /// Resting is a normal pause, and is worded as one.
    pub fn supporter_status(self, s: crate::model::SupporterStatus) -> &'static str {
        use crate::model::SupporterStatus as S;
        match s {
            S::Active => self.t("active", "活動中"),
            S::Resting => self.t("resting", "休止中"),
            S::Left => self.t("left", "活動終了"),
        }
    }

    pub fn contact_kind(self, k: crate::model::ContactKind) -> &'static str {
        use crate::model::ContactKind as C;
        match k {
            C::Visit => self.t("visit", "訪問"),
            C::Phone => self.t("phone", "電話"),
            C::Salon => self.t("salon", "サロン"),
            C::GroupTalk => self.t("group talk", "グループトーク"),
            C::AccompaniedVisit => self.t("accompanied", "同行"),
        }
    }

    pub fn course_level(self, k: crate::model::CourseLevel) -> &'static str {
        use crate::model::CourseLevel as C;
        match k {
            C::Basic => self.t("basic", "基礎"),
            C::Applied => self.t("applied", "応用"),
            C::Other => self.t("other", "その他"),
        }
    }

    pub fn supervision_mode(self, m: crate::model::SupervisionMode) -> &'static str {
        use crate::model::SupervisionMode as M;
        match m {
            M::Individual => self.t("individual", "個別"),
            M::Group => self.t("group", "グループ"),
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

impl Lang {
    /// Why something was refused, in this language.
    /// A supporter's flag in words (the dashboard, the Supporters screen
    /// and the brief); `case` names a case.
    pub fn supporter_flag(
        self,
        f: &crate::model::workload::Flag,
        case: &dyn Fn(crate::model::Id) -> String,
    ) -> String {
        use crate::model::workload::Flag;
        match (f, self) {
            (Flag::OverCapacity { active, capacity }, Lang::En) => {
                format!("over capacity: {active} cases, takes {capacity}")
            }
            (Flag::OverCapacity { active, capacity }, Lang::Ja) => {
                format!("受け持ち超過：{active}件（上限{capacity}件）")
            }
            (Flag::NoSupervision { days: Some(d) }, Lang::En) => {
                format!("no supervision for {d} days")
            }
            (Flag::NoSupervision { days: Some(d) }, Lang::Ja) => {
                format!("スーパービジョンから{d}日")
            }
            (Flag::NoSupervision { days: None }, _) => self
                .t("no supervision on record", "スーパービジョンの記録なし")
                .into(),
            (Flag::Surge { recent, baseline }, Lang::En) => {
                format!("contacts rose: {recent} in 30 days ({baseline} in the 3 months before)")
            }
            (Flag::Surge { recent, baseline }, Lang::Ja) => {
                format!("関わりが急増：30日で{recent}件（前3か月で{baseline}件）")
            }
            (Flag::QuietCase { case: c, days }, Lang::En) => {
                format!("no contact for {days} days: {}", case(*c))
            }
            (Flag::QuietCase { case: c, days }, Lang::Ja) => {
                format!("{days}日連絡なし：{}", case(*c))
            }
        }
    }

    pub fn reason(self, r: &Reason) -> String {
        use Reason as R;
        let ja = self.is_ja();
        let pick = |en: String, j: String| if ja { j } else { en };
        match r {
            R::Empty => self.t("must not be empty", "入力してください").into(),
            R::ControlChar => self
                .t(
                    "contains a control character (such as an escape sequence or a line break); retype it as plain text",
                    "制御文字（エスケープシーケンスや改行など）が含まれています。普通の文字で入力し直してください",
                )
                .into(),
            R::InvisibleChar { code } => pick(
                format!("contains an invisible or direction-changing character (U+{code:04X}); retype it as plain text"),
                format!("見えない文字または文字の向きを変える文字（U+{code:04X}）が含まれています。普通の文字で入力し直してください"),
            ),
            R::TooLong { max } => pick(
                format!("is longer than {max} characters; shorten it"),
                format!("{max}文字以内にしてください"),
            ),
            R::WrongKind { id, expected } => pick(
                format!("{id} is a {}, expected a {}", id.kind.name(), expected.name()),
                format!("{id} は{}ではありません", self.kind(*expected)),
            ),
            R::WrongTarget { id } => pick(
                format!("{id} is not the kind of record this change is for"),
                format!("{id} はこの変更の対象になる種類の記録ではありません"),
            ),
            R::NotAParty { id } => pick(
                format!("{id} is a {}, expected a body or a person", id.kind.name()),
                format!("{id} は団体でも人でもありません"),
            ),
            R::EndsBeforeStart { start } => pick(
                format!("ends before it starts ({start})"),
                format!("開始日（{start}）より前に終わっています"),
            ),
            R::InFuture { today } => pick(
                format!("is in the future (today is {today}); record what has happened"),
                format!("未来の日付です（今日は {today}）。起きたことを記録してください"),
            ),
            R::BeforeStart { start } => pick(
                format!("is before the record starts ({start})"),
                format!("記録の開始日（{start}）より前です"),
            ),
            R::BeforeLast { last } => pick(
                format!("is before the last entry ({last}); entries go in date order"),
                format!("前回の記録（{last}）より前です。日付順に記録します"),
            ),
            R::OutOfOrder => self
                .t("entries are out of date order", "記録が日付順になっていません")
                .into(),
            R::OwnParent => self
                .t("a body cannot be its own parent", "団体を自身の上位団体にはできません")
                .into(),
            R::ParentCycle => self
                .t(
                    "its parent bodies would lead back to it; choose a body above it",
                    "上位団体をたどると自身に戻ってしまいます。上位にある団体を選んでください",
                )
                .into(),
            R::MinAboveMax => self
                .t("the minimum is above the maximum", "最小が最大を超えています")
                .into(),
            R::PeerKindOnlyForPeers => self
                .t(
                    "only peer supporters have a peer kind",
                    "ピアサポーターの種類はピアサポーターだけに設定できます",
                )
                .into(),
            R::SupporterOnlyForPeers => self
                .t(
                    "only peer supporters have a capacity and status; give the person the peer supporter role first",
                    "受け持ち上限や状態はピアサポーターだけに設定できます。先に役割にピアサポーターを加えてください",
                )
                .into(),
            R::OwnSupervisor => self
                .t(
                    "a supporter cannot be their own supervisor; name someone else",
                    "自分自身をスーパーバイザーにはできません。別の人を指定してください",
                )
                .into(),
            R::CertificateTwice { year } => pick(
                format!("{year} already has a certificate; keep one per year"),
                format!("{year}年度の修了証はすでにあります。1年度に1つです"),
            ),
            R::MinutesOutOfRange { max } => pick(
                format!("a contact lasts at most {max} minutes (a day); split a longer one"),
                format!("1回の関わりは最長{max}分（1日）です。長いものは分けて記録してください"),
            ),
            R::WellbeingOutOfRange { level } => pick(
                format!("wellbeing {level} is outside 1 (struggling) to 5 (well)"),
                format!("調子 {level} は 1（つらい）から 5（よい）の範囲外です"),
            ),
            R::TrustOutOfRange { level } => pick(
                format!("trust level {level} is outside 1 (new) to 5 (established)"),
                format!("信頼度 {level} は 1（新規）から 5（確立）の範囲外です"),
            ),
            R::NeedsTrust => self
                .t("needs a starting trust level", "最初の信頼度が必要です")
                .into(),
            R::SameParty => self
                .t(
                    "a relationship needs two different parties",
                    "関係には異なる二者が必要です",
                )
                .into(),
            R::NoteWithoutOwner => self
                .t(
                    "a note belongs to a case, a relationship or a party",
                    "メモはケース・関係・関係者のいずれかに属します",
                )
                .into(),
            R::StartsProposed => self
                .t("a referral starts proposed", "紹介は「提案」から始まります")
                .into(),
            R::IllegalStep { from, to } => pick(
                format!(
                    "a {} referral cannot become {}",
                    self.referral_status(*from).to_lowercase(),
                    self.referral_status(*to).to_lowercase()
                ),
                format!(
                    "「{}」の紹介を「{}」にはできません",
                    self.referral_status(*from),
                    self.referral_status(*to)
                ),
            ),
            R::DeclineNeedsWhoAndWhy => self
                .t(
                    "a decline needs its reason and who declined (the client or the receiver)",
                    "辞退には理由と、辞退したのが本人か紹介先かが必要です",
                )
                .into(),
            R::StatusHistoryEnd => self
                .t(
                    "the status history must end with the current status",
                    "状態の履歴は現在の状態で終わる必要があります",
                )
                .into(),
            R::HistoryKept => self
                .t(
                    "earlier entries are kept as they were; add a new entry (or a correction) instead",
                    "過去の記録は変更できません。新しい記録（または訂正）を追加してください",
                )
                .into(),
            R::RoleKept { party } => pick(
                format!("the role of {party} is kept: end it instead of changing or removing it"),
                format!("{party} の役割は残ります。変更・削除ではなく終了してください"),
            ),
            R::NoOpenRole { party } => pick(
                format!("{party} has no open role"),
                format!("{party} に継続中の役割はありません"),
            ),
            R::AlreadyInTriad => self
                .t("already in this triad", "すでに三者に含まれています")
                .into(),
            R::PartnershipNeedsTwo => self
                .t(
                    "a partnership has two or more parties",
                    "連携には二者以上が必要です",
                )
                .into(),
            R::ConsentNeedsParty => self
                .t("name at least one party", "同意先を一つ以上入力してください")
                .into(),
            R::ConsentNeedsScope => self
                .t(
                    "consent must cover an intervention, information sharing, or both",
                    "同意は介入・情報共有の少なくとも一方を含みます",
                )
                .into(),
            R::ConsentNeedsHow => self
                .t("say how consent was obtained", "同意の取得方法を入力してください")
                .into(),
            R::AlreadyWithdrawn => self
                .t("already withdrawn", "すでに撤回されています")
                .into(),
            R::NotFound { id } => pick(
                format!("{id} does not exist"),
                format!("{id} は存在しません"),
            ),
            R::ReadOnlyRole => self
                .t(
                    "viewers read only (the server's config gives the role)",
                    "閲覧者は読むだけです（役割はサーバーの設定で決まります）",
                )
                .into(),
            R::NotOwnCase { id } => pick(
                format!("supporters write only in their own cases ({id})"),
                format!("サポーターは担当ケースにだけ書き込めます（{id}）"),
            ),
            R::WouldBeHidden { id } => pick(
                format!(
                    "{id} would be saved where you may not read it; keep it in a case and at a level you can see"
                ),
                format!("{id} はあなたが読めない場所に保存されてしまいます。読めるケースと公開範囲にしてください"),
            ),
            R::NeedsBase { id } => pick(
                format!(
                    "{id} was sent without the revision it was edited from; open it again and save your edit"
                ),
                format!("{id} の変更に元の版がありません。開き直してから保存してください"),
            ),
            R::OthersNote { id, author } => pick(
                format!(
                    "{id} was written by {author}; only its author may change it: add a note that corrects it"
                ),
                format!("{id} は {author} さんが書いたものです。変えられるのは書いた人だけです。訂正のメモを加えてください"),
            ),
            R::ReceiverFixed { id, to } => pick(
                format!(
                    "{id} was already sent to {to}, so its receiver stays; make a new referral to the other body"
                ),
                format!("{id} はすでに {to} に送られています。受け手は変えられません。別の紹介を作ってください"),
            ),
            R::ConsentRelied { consent, referral } => pick(
                format!(
                    "{referral} was sent under {consent} as it is now, and the change would leave that sending uncovered; record a new consent instead"
                ),
                format!("{referral} は {consent} に基づいて送られました。この変更ではその根拠がなくなります。新しい同意を記録してください"),
            ),
            R::UncoveredProvision { step, to } => pick(
                format!(
                    "step {step}: the provision to {to} is covered by no consent and has no override; import with --historical \"why\" to record one"
                ),
                format!(
                    "段階 {step}：{to} への提供を含む同意も、同意なしの理由もありません。理由を添えて取り込むには「--historical \"理由\"」を付けてください"
                ),
            ),
            R::Unsaved { detail } => pick(
                format!("not saved: {detail}; what you typed is kept, save again"),
                format!("保存されていません（{detail}）。入力内容は残っています。もう一度保存してください"),
            ),
            R::Unreadable { detail } => pick(
                format!("could not be read: {detail}"),
                format!("読み込めませんでした（{detail}）"),
            ),
            R::NothingToCorrect => self
                .t(
                    "a correction names an earlier entry of the same record",
                    "訂正は同じ記録の過去の項目を指定します",
                )
                .into(),
            R::NoConsent => self
                .t(
                    "the client has no consent to share information; record one, or a coordinator may send it anyway with a reason",
                    "相談者の情報共有の同意がありません。同意を記録するか、コーディネーターが理由を書いて送ってください",
                )
                .into(),
            R::ConsentExpired { consent, to, on } => pick(
                format!(
                    "consent {consent} to share with {to} expired on {on}; record a new one, or a coordinator may send it anyway with a reason"
                ),
                format!(
                    "{to} への共有の同意 {consent} は {on} に期限が切れています。新しい同意を記録するか、コーディネーターが理由を書いて送ってください"
                ),
            ),
            R::ConsentWithdrawn { consent, to, on } => pick(
                format!(
                    "consent {consent} to share with {to} was withdrawn on {on}; a coordinator may send it anyway with a reason"
                ),
                format!(
                    "{to} への共有の同意 {consent} は {on} に撤回されています。送る場合はコーディネーターが理由を書いてください"
                ),
            ),
            R::ConsentNotCovering { to } => pick(
                format!(
                    "no consent of the client covers sharing information with {to}; record one, or a coordinator may send it anyway with a reason"
                ),
                format!(
                    "{to} への情報共有を含む相談者の同意がありません。同意を記録するか、コーディネーターが理由を書いて送ってください"
                ),
            ),
            R::NoClientToConsent => self
                .t(
                    "the case has no client whose consent could cover this referral",
                    "このケースには同意できる相談者がいません",
                )
                .into(),
            R::OverrideNeedsCoordinator => self
                .t(
                    "only a coordinator may send a referral without a covering consent",
                    "同意なしで紹介を送れるのはコーディネーターだけです",
                )
                .into(),
            R::OverrideNeedsReason => self
                .t("an override says why", "同意なしで送る理由を書いてください")
                .into(),
            R::ProvisionOnlyOnSent => self
                .t(
                    "only a sent step records a provision",
                    "提供記録は送付の段階にだけ付きます",
                )
                .into(),
            R::SentOnlyByStep => self
                .t(
                    "a referral is sent by moving it on (which checks the client's consent), not by writing its history",
                    "紹介は状態の更新で送ります（相談者の同意を確認します）。履歴を書き換えて送ることはできません",
                )
                .into(),
            R::DiskFull { free_mb, need_mb } => pick(
                format!(
                    "the store's disk has {free_mb} MB free, less than the {need_mb} MB a write needs; nothing was saved: free some space, then save again"
                ),
                format!(
                    "ストアのディスクの空きは {free_mb} MB で、書き込みに必要な {need_mb} MB に足りません。保存されていません。空きを作ってから、もう一度保存してください"
                ),
            ),
            R::StoreReadOnly { filesystem: true } => self
                .t(
                    "the store is open for reading only (its filesystem is mounted read-only); nothing was saved",
                    "ストアは読み取り専用で開かれています（ファイルシステムが読み取り専用です）。保存されていません",
                )
                .into(),
            R::StoreReadOnly { filesystem: false } => self
                .t(
                    "the store is open for reading only (its owner made it read-only); nothing was saved",
                    "ストアは読み取り専用で開かれています（所有者が書き込みを禁止しています）。保存されていません",
                )
                .into(),
        }
    }

    /// A refusal that is not shown next to its field: "field: reason".
    pub fn validation(self, e: &ValidationError) -> String {
        format!("{}: {}", e.field, self.reason(&e.reason))
    }

    pub fn need_area(self, a: NeedArea) -> &'static str {
        match a {
            NeedArea::Medical => self.t("medical", "医療"),
            NeedArea::WelfareLife => self.t("welfare and life", "福祉・生活"),
            NeedArea::Work => self.t("work", "就労"),
            NeedArea::Community => self.t("community", "地域"),
            NeedArea::Peer => self.t("peer", "ピア"),
        }
    }

    pub fn goal_kind(self, k: GoalKind) -> &'static str {
        match k {
            GoalKind::Clinical => self.t("clinical", "臨床的"),
            GoalKind::Personal => self.t("personal", "個人的"),
            GoalKind::Social => self.t("social", "社会的"),
        }
    }

    /// A count with its noun: `1 case`, `2 cases`; Japanese has no
    /// plural (`2件`, the counter follows the number).
    pub fn count(self, n: usize, one: &str, many: &str, ja: &str) -> String {
        match self {
            Lang::En if n == 1 => format!("{n} {one}"),
            Lang::En => format!("{n} {many}"),
            Lang::Ja => format!("{n}{ja}"),
        }
    }

    /// What a kind of record is called.
    pub fn kind(self, k: crate::model::Kind) -> &'static str {
        use crate::model::Kind as K;
        match k {
            K::Body => self.t("body", "団体"),
            K::Person => self.t("person", "人"),
            K::Affiliation => self.t("affiliation", "所属"),
            K::Case => self.t("case", "ケース"),
            K::Relationship => self.t("relationship", "関係"),
            K::TrustNote => self.t("note", "メモ"),
            K::Referral => self.t("referral", "紹介"),
            K::Consent => self.t("consent", "同意"),
            K::Partnership => self.t("partnership", "連携"),
            K::Event => self.t("event", "行事"),
            K::Course => self.t("course", "研修課程"),
            K::Enrolment => self.t("enrolment", "受講"),
            K::Contact => self.t("contact", "関わり"),
            K::Supervision => self.t("supervision", "スーパービジョン"),
            K::CheckIn => self.t("check-in", "セルフチェック"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one_in_english_only() {
        let case = |l: Lang, n| l.count(n, "case", "cases", "件");
        assert_eq!(case(Lang::En, 0), "0 cases");
        assert_eq!(case(Lang::En, 1), "1 case");
        assert_eq!(case(Lang::En, 2), "2 cases");
        assert_eq!(case(Lang::Ja, 1), "1件");
        assert_eq!(case(Lang::Ja, 2), "2件");
    }

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

    #[test]
    fn refusals_read_in_the_screen_language() {
        use crate::model::{Id, Kind};
        let step = Reason::IllegalStep {
            from: ReferralStatus::Proposed,
            to: ReferralStatus::Completed,
        };
        assert_eq!(
            Lang::En.reason(&step),
            "a proposed referral cannot become completed"
        );
        let ja = Lang::Ja.reason(&step);
        assert!(ja.contains("提案") && ja.contains("完了"), "{ja}");
        let id = Id::new(Kind::Case, 7);
        let wrong = Reason::WrongKind {
            id,
            expected: Kind::Person,
        };
        assert_eq!(Lang::Ja.reason(&wrong), "C-0007 は人ではありません");
        // No Japanese sentence falls back to English words.
        for r in [
            Reason::Empty,
            Reason::ControlChar,
            Reason::InvisibleChar { code: 0x202E },
            Reason::TooLong {
                max: crate::model::NAME_MAX_CHARS,
            },
            Reason::HistoryKept,
            step,
            wrong,
        ] {
            let ja = Lang::Ja.reason(&r);
            assert!(
                !ja.chars().any(|c| c.is_ascii_lowercase()),
                "English in {ja}"
            );
        }
    }
}
