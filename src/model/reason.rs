//! Why a record or a change is refused, as data: the screen renders it in
//! the user's language (`Lang::reason`), and it crosses the server's socket
//! as it is, so a Japanese screen never shows an English sentence.

use serde::{Deserialize, Serialize};

use super::{Date, Id, Kind, ReferralStatus};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// A required value is blank.
    Empty,
    /// A control character (an escape sequence, a line break in a name).
    ControlChar,
    /// A bidi control, zero-width or other invisible character, or a
    /// line/paragraph separator (its code point, to find it).
    InvisibleChar {
        code: u32,
    },
    /// Longer than the field's limit, in characters.
    TooLong {
        max: usize,
    },
    /// An id of the wrong kind of record.
    WrongKind {
        id: Id,
        expected: Kind,
    },
    /// A change sent to a record of another kind.
    WrongTarget {
        id: Id,
    },
    /// An id that is neither a body nor a person.
    NotAParty {
        id: Id,
    },
    /// An end before its start.
    EndsBeforeStart {
        start: Date,
    },
    /// A date in the future for something that has already happened.
    InFuture {
        today: Date,
    },
    /// A date before the record's own start.
    BeforeStart {
        start: Date,
    },
    /// A date before the last entry of a history.
    BeforeLast {
        last: Date,
    },
    /// A history whose dates go backwards.
    OutOfOrder,
    OwnParent,
    /// A body's parents would lead back to it.
    ParentCycle,
    MinAboveMax,
    PeerKindOnlyForPeers,
    /// A supporter's profile (capacity, status…) on someone not a peer supporter.
    SupporterOnlyForPeers,
    /// A supporter supervising themselves.
    OwnSupervisor,
    /// Two certificates for one year of a course.
    CertificateTwice {
        year: i32,
    },
    /// A contact longer than a day.
    MinutesOutOfRange {
        max: u32,
    },
    /// A wellbeing level outside 1 to 5.
    WellbeingOutOfRange {
        level: u8,
    },
    TrustOutOfRange {
        level: u8,
    },
    NeedsTrust,
    SameParty,
    NoteWithoutOwner,
    StartsProposed,
    IllegalStep {
        from: ReferralStatus,
        to: ReferralStatus,
    },
    DeclineNeedsWhoAndWhy,
    StatusHistoryEnd,
    /// Earlier history entries were changed or removed.
    HistoryKept,
    /// A party's role in a case was changed or removed instead of ended.
    RoleKept {
        party: Id,
    },
    NoOpenRole {
        party: Id,
    },
    AlreadyInTriad,
    PartnershipNeedsTwo,
    ConsentNeedsParty,
    ConsentNeedsScope,
    ConsentNeedsHow,
    AlreadyWithdrawn,
    /// The record is not there (or not for this reader).
    NotFound {
        id: Id,
    },
    /// A viewer tried to write.
    ReadOnlyRole,
    /// A supporter tried to write outside their own cases.
    NotOwnCase {
        id: Id,
    },
    /// The writer could not read what they would save.
    WouldBeHidden {
        id: Id,
    },
    /// A change sent to a server without the revision it was made from.
    NeedsBase {
        id: Id,
    },
    /// Someone else's note (or contact note, or check-in): only its author
    /// changes it.
    OthersNote {
        id: Id,
        author: String,
    },
    /// A sent referral's receiver: information went to `to` already.
    ReceiverFixed {
        id: Id,
        to: Id,
    },
    /// A consent that a provision was made under would no longer cover it.
    ConsentRelied {
        consent: Id,
        referral: Id,
    },
    /// An import: a sent step's provision is covered by no consent and
    /// carries no override.
    UncoveredProvision {
        step: usize,
        to: Id,
    },
    /// The server could not be reached; nothing was written.
    Unsaved {
        detail: String,
    },
    /// The store could not be read (or the server asked); `detail` is the
    /// system's own words.
    Unreadable {
        detail: String,
    },
    /// A correction must name an earlier entry of the same record.
    NothingToCorrect,
    /// Sending a referral: the client has no consent to share information.
    NoConsent,
    /// Sending a referral: the covering consent has expired.
    ConsentExpired {
        consent: Id,
        to: Id,
        on: Date,
    },
    /// Sending a referral: the covering consent was withdrawn.
    ConsentWithdrawn {
        consent: Id,
        to: Id,
        on: Date,
    },
    /// Sending a referral: no consent names the receiver.
    ConsentNotCovering {
        to: Id,
    },
    /// Sending a referral: the case has no client to consent.
    NoClientToConsent,
    /// A consent override by someone who is not a coordinator.
    OverrideNeedsCoordinator,
    /// An override without a reason.
    OverrideNeedsReason,
    /// A provision recorded on a step other than `sent`.
    ProvisionOnlyOnSent,
    /// A sent step written into a referral instead of moved to.
    SentOnlyByStep,
    /// The store's disk is too full to write safely; nothing was written.
    DiskFull {
        free_mb: u64,
        need_mb: u64,
    },
    /// The store can only be read: its filesystem is mounted read-only
    /// (`filesystem`), or its owner took away the write bits.
    StoreReadOnly {
        filesystem: bool,
    },
}

impl std::fmt::Display for Reason {
    /// English, for logs, the CLI and tests; screens use `Lang::reason`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::Lang::En.reason(self))
    }
}
