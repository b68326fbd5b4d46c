//! The audit trail: who viewed or changed what, when. What an entry says
//! is data ([`Summary`]: kinds, ids, counts, never personal details nor a
//! client's words), rendered in the reader's language when shown. Entries are hash-chained: each holds
//! the previous entry's hash, so an entry edited, removed or slipped in is
//! found by `triad check`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{AccessRole, Id, Kind, Timestamp};
use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    Export,
    Import,
    /// A case, person or body view was opened.
    View,
    /// Access or a change was refused (the rule, never the content).
    Refused,
    /// Meeting mode: one hidden item was shown for a moment.
    Reveal,
    /// Records found unsealed (written before the trail was chained) were
    /// sealed as they were.
    Seal,
}

impl AuditAction {
    pub const ALL: [AuditAction; 9] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Export,
        AuditAction::Import,
        AuditAction::View,
        AuditAction::Refused,
        AuditAction::Reveal,
        AuditAction::Seal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Export => "export",
            AuditAction::Import => "import",
            AuditAction::View => "view",
            AuditAction::Refused => "refused",
            AuditAction::Reveal => "reveal",
            AuditAction::Seal => "seal",
        }
    }
}

/// A record's seal that a later entry took over (an update or delete of a
/// record an import batch had sealed): what the earlier entry's seal
/// loses, so the earlier entry still adds up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Released {
    pub seq: u64,
    /// Hex of the XOR of the released records' seal contributions.
    pub part: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: Timestamp,
    /// The OS user who ran triad (or the peer identity under `triad serve`).
    pub user: String,
    pub action: AuditAction,
    #[serde(default)]
    pub entity: Option<Id>,
    /// The case the entity belongs to, for `triad audit --case`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Id>,
    /// What entries written before summaries were data said (empty since).
    #[serde(default)]
    pub summary: String,
    /// What the entry says, as data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Summary>,
    /// The previous entry's hash (empty for the first of the chain).
    #[serde(default)]
    pub prev: String,
    /// Hex of the XOR of the seals of the records this entry wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub released: Vec<Released>,
    /// This entry's own hash, over everything above.
    #[serde(default)]
    pub hash: String,
}

impl AuditEntry {
    /// What the entry says, in `lang` (an old entry's text as it was).
    pub fn text(&self, lang: Lang) -> String {
        match &self.detail {
            Some(d) => d.text(self.entity, lang),
            None => self.summary.clone(),
        }
    }

    /// The SHA-256 of the entry with its `hash` left empty, in hex.
    pub fn compute_hash(&self) -> String {
        let mut bare = self.clone();
        bare.hash.clear();
        hex(&Sha256::digest(
            serde_json::to_vec(&bare).unwrap_or_default(),
        ))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What an audit entry says. Only the server builds one: every field is
/// a kind, an id, a count or a rule, never text a client sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Summary {
    Created {
        kind: Kind,
    },
    Updated {
        kind: Kind,
    },
    Deleted {
        kind: Kind,
    },
    /// A referral sent: to whom, under which consent (`None`: an override).
    Sent {
        to: Id,
        #[serde(default)]
        consent: Option<Id>,
    },
    Imported {
        records: usize,
    },
    ImportBatch {
        records: usize,
    },
    /// Records of an interrupted import taken out again.
    RolledBack {
        records: usize,
    },
    /// Records written before the trail was chained, sealed as they were.
    Sealed {
        records: usize,
    },
    /// A screen of one record was opened (the entity).
    Viewed {
        view: View,
    },
    /// The app's lists were loaded (cases, names, dashboard).
    Lists,
    /// Records handed out for an export: one case (the entity) or the
    /// whole store, and how many the reader may not see were left out.
    Exported {
        records: usize,
        #[serde(default)]
        left_out: usize,
    },
    /// The readable report of a case (the entity).
    CaseReport {
        #[serde(default)]
        meeting: bool,
    },
    /// The brief of a case (the entity).
    CaseBrief,
    /// The agenda brief: many cases, named by none.
    Agenda {
        /// Its lines that name a record.
        #[serde(default)]
        lines: usize,
    },
    /// Finder queries of one connection, from its first query to its next
    /// other request: how many, and how many records their hits showed.
    Searched {
        queries: usize,
        shown: usize,
    },
    /// Meeting mode showed one hidden item of the entity for a moment.
    Revealed {
        item: RevealItem,
    },
    /// A request refused, by the rule (never the content), and the
    /// asker's role.
    Refused {
        rule: Rule,
        #[serde(default)]
        role: Option<AccessRole>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Case,
    /// A person's or a body's view.
    Party,
    Supporter,
    /// A referral, event, note or consent on its own.
    Record,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevealItem {
    Name,
    Contact,
    Note,
    Item,
}

impl RevealItem {
    /// The kind of item a client named; anything else is just an item.
    pub fn from_name(name: &str) -> RevealItem {
        match name {
            "name" => RevealItem::Name,
            "contact" => RevealItem::Contact,
            "note" => RevealItem::Note,
            _ => RevealItem::Item,
        }
    }
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Coordinators only: the audit trail, imports, the demo, `check`.
    CoordinatorAudit,
    CoordinatorImport,
    CoordinatorDemo,
    CoordinatorCheck,
    /// The store's owner only.
    OwnerStop,
    OwnerBackup,
    /// A write outside the reader's rights.
    Write,
    /// A read of something not theirs.
    NotTheirsView,
    NotTheirsBrief,
    NotTheirsExport,
    NotTheirsReport,
    NotTheirsReveal,
    /// A request no row of the server's table lets this role make.
    Request,
}

impl Rule {
    pub fn text(self, l: Lang) -> &'static str {
        match self {
            Rule::CoordinatorAudit => l.t(
                "only a coordinator may read the audit trail",
                "監査記録は調整役のみ",
            ),
            Rule::CoordinatorImport => l.t("only a coordinator may import", "取り込みは調整役のみ"),
            Rule::CoordinatorDemo => l.t(
                "only a coordinator may load the demo",
                "デモの読み込みは調整役のみ",
            ),
            Rule::CoordinatorCheck => l.t(
                "only a coordinator may check the store",
                "ストアの検査は調整役のみ",
            ),
            Rule::OwnerStop => l.t(
                "only the owner may stop the server",
                "サーバーの停止は所有者のみ",
            ),
            Rule::OwnerBackup => l.t(
                "only the owner may back up the store",
                "バックアップは所有者のみ",
            ),
            Rule::Write => l.t("a write outside the reader's rights", "権限外の書き込み"),
            Rule::NotTheirsView => l.t("a view of a record not theirs", "権限外の記録の閲覧"),
            Rule::NotTheirsBrief => l.t("a brief of a case not theirs", "権限外のケースの要約"),
            Rule::NotTheirsExport => {
                l.t("an export of a case not theirs", "権限外のケースの書き出し")
            }
            Rule::NotTheirsReport => l.t("a report of a case not theirs", "権限外のケースの報告書"),
            Rule::NotTheirsReveal => l.t("a reveal of a record not theirs", "権限外の記録の表示"),
            Rule::Request => l.t(
                "a request this role may not make",
                "この役割では使えない要求",
            ),
        }
    }
}

impl Summary {
    /// The entry in `l`; `entity` is the entry's own.
    pub fn text(&self, entity: Option<Id>, l: Lang) -> String {
        let id = entity.map_or_else(String::new, |i| i.to_string());
        let ja = l == Lang::Ja;
        match self {
            Summary::Created { kind } if ja => format!("{}{id}を作成", l.kind(*kind)),
            Summary::Created { kind } => format!("created {} {id}", kind.name()),
            Summary::Updated { kind } if ja => format!("{}{id}を変更", l.kind(*kind)),
            Summary::Updated { kind } => format!("updated {} {id}", kind.name()),
            Summary::Deleted { kind } if ja => format!("{}{id}を削除", l.kind(*kind)),
            Summary::Deleted { kind } => format!("deleted {} {id}", kind.name()),
            Summary::Sent { to, consent } => match (consent, ja) {
                (Some(k), true) => format!("紹介{id}を送付: {k}に基づき{to}へ提供"),
                (Some(k), false) => format!("sent referral {id}: provision to {to} under {k}"),
                (None, true) => format!("紹介{id}を送付: 例外として{to}へ提供"),
                (None, false) => format!("sent referral {id}: provision to {to} by override"),
            },
            Summary::Imported { records } if ja => format!("{records}件を取り込み"),
            Summary::Imported { records } => format!("imported {records} records"),
            Summary::ImportBatch { records } if ja => format!("取り込みの一括{records}件"),
            Summary::ImportBatch { records } => format!("import batch of {records} records"),
            Summary::RolledBack { records } if ja => {
                format!("中断した取り込みの{records}件を取り消し")
            }
            Summary::RolledBack { records } => {
                format!("rolled back {records} records of an interrupted import")
            }
            Summary::Sealed { records } if ja => format!("連鎖以前の{records}件を封印"),
            Summary::Sealed { records } => {
                format!("sealed {records} records written before the chain")
            }
            Summary::Viewed { view } => {
                let what = match (view, entity.map(|i| i.kind)) {
                    (View::Case, _) => l.t("case", "ケース"),
                    (View::Supporter, _) => l.t("supporter", "支援者"),
                    (View::Party, Some(Kind::Body)) => l.t("body", "機関"),
                    (View::Party, _) => l.t("person", "人"),
                    (View::Record, Some(k)) => l.kind(k),
                    (View::Record, None) => l.t("record", "記録"),
                };
                if ja {
                    format!("{what}{id}の画面を開いた")
                } else {
                    format!("opened the {what} view of {id}")
                }
            }
            Summary::Lists => l
                .t(
                    "loaded the lists (cases, names, dashboard)",
                    "一覧を読み込み (ケース・名前・ダッシュボード)",
                )
                .to_string(),
            Summary::Exported { records, left_out } => {
                let what = match (entity, ja) {
                    (Some(c), _) => c.to_string(),
                    (None, true) => "ストア全体".to_string(),
                    (None, false) => "the store".to_string(),
                };
                match ja {
                    true => format!("{what}を書き出し: {records}件 (権限外{left_out}件は除外)"),
                    false => format!(
                        "exported {what}: {records} records ({left_out} not theirs left out)"
                    ),
                }
            }
            Summary::CaseReport { meeting } => match (meeting, ja) {
                (true, true) => format!("{id}の報告書 (会議用)"),
                (false, true) => format!("{id}の報告書"),
                (true, false) => format!("made the report of {id} (for a meeting)"),
                (false, false) => format!("made the report of {id}"),
            },
            Summary::CaseBrief if ja => format!("{id}の要約"),
            Summary::CaseBrief => format!("made the brief of {id}"),
            Summary::Agenda { lines } if ja => format!("アジェンダ ({lines}行)"),
            Summary::Agenda { lines } => format!("made the agenda ({lines} lines)"),
            Summary::Searched { queries, shown } if ja => {
                format!("検索{queries}回、{shown}件を表示")
            }
            Summary::Searched { queries, shown } => {
                format!("searched {queries} times; hits showed {shown} records")
            }
            Summary::Revealed { item } => {
                let what = match item {
                    RevealItem::Name => l.t("name", "名前"),
                    RevealItem::Contact => l.t("contact", "連絡先"),
                    RevealItem::Note => l.t("note", "メモ"),
                    RevealItem::Item => l.t("item", "項目"),
                };
                match ja {
                    true => format!("会議モードで{id}の{what}を一時表示"),
                    false => format!("revealed the {what} of {id} in meeting mode"),
                }
            }
            Summary::Refused { rule, role } => {
                let role = role.map_or("", |r| r.name());
                match ja {
                    true => format!("拒否 ({role}): {}", rule.text(l)),
                    false => format!("refused ({role}): {}", rule.text(l)),
                }
            }
        }
    }
}
