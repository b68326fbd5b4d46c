//! `Action`: everything that can change the app's state. Keymaps name the
//! bindable ones by their snake_case name; internal ones (typed text, worker
//! replies, resizes) are `#[serde(skip)]`, so no keymap can name them.

use serde::{Deserialize, Serialize};

use crate::keymap::Key;
use crate::query::request::Reply;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // Moving around a list or panel.
    Up,
    Down,
    Left,
    Right,
    Top,
    Bottom,
    PageUp,
    PageDown,
    /// Follow the selected line (a link, a case, a search hit).
    Open,
    /// Go back to the previous screen.
    Back,
    NextPanel,
    PrevPanel,
    /// Expand or collapse the selected item (a referral's history).
    Toggle,

    // Screens and popups.
    Dashboard,
    Cases,
    /// The reports screen: attendance, referrals, partnerships' activity.
    Reports,
    /// The peer supporters: workload, training, supervision.
    Supporters,
    Finder,
    /// Filter the list you are in (`/`).
    Filter,
    Help,
    Quit,
    Redraw,

    /// Today's brief, or the case's on a case's screen.
    Brief,
    /// On the brief: save it to a file.
    SaveBrief,
    /// On the brief: copy all of it to the clipboard (OSC 52).
    CopyBrief,
    /// Copy the selected line's id to the clipboard (OSC 52).
    CopyId,

    // Case list.
    SortNext,
    FilterStatus,
    FilterSector,
    FilterCoordinator,
    ClearFilters,

    // Editing.
    /// Edit the record on screen (a case's title, people, condition, status).
    Edit,
    NewCase,
    NewBody,
    NewPerson,
    NewAffiliation,
    AddParty,
    EndRole,
    SetTrust,
    AddNote,
    AddNoteInEditor,
    ProposeReferral,
    AdvanceReferral,
    RecordConsent,
    WithdrawConsent,
    LogEvent,
    /// A supporter's contact with one of their cases.
    LogContact,
    LogSupervision,
    /// A supporter's own wellbeing check-in.
    CheckIn,
    /// A certificate or completion on the selected course.
    TrainingProgress,

    // Text fields and forms.
    Submit,
    Cancel,
    NextField,
    PrevField,
    Save,
    OpenEditor,
    LineStart,
    LineEnd,
    DeleteBack,
    DeleteForward,
    ClearField,
    /// In a party field: the next body or person that matches what is typed.
    NextMatch,
    /// In a party field: make the person (or body) typed there, in a form
    /// of its own, and come back with it filled in.
    NewParty,

    // Meeting mode.
    ToggleMeeting,
    /// Show the selected hidden item for a few seconds (logged).
    Reveal,

    // Yes/no questions.
    Yes,
    No,
    /// In a conflict: drop your edit and take the version saved meanwhile.
    TakeTheirs,

    // Internal: never read from a keymap.
    /// A key press, before the keymap has read it.
    #[serde(skip)]
    Key(Key),
    /// A printable character typed into a text field.
    #[serde(skip)]
    Insert(char),
    /// Bracketed paste into a text field.
    #[serde(skip)]
    Paste(String),
    #[serde(skip)]
    Resize(u16, u16),
    /// A store or search worker answered.
    #[serde(skip)]
    Reply(Box<Reply>),
    /// SIGTERM/SIGHUP: leave at once, keeping every acknowledged write.
    #[serde(skip)]
    Terminate,
    /// The store could not be opened: leave, and say why.
    #[serde(skip)]
    Fatal(String),
    /// Someone saved these records (the server's change feed).
    #[serde(skip)]
    Changed(
        Vec<crate::server::protocol::Changed>,
        Option<crate::store::RequestId>,
    ),
    /// The connection to the server was lost, or came back. On coming
    /// back (or when told it fell behind) the app reloads what it shows.
    #[serde(skip)]
    Link(super::state::Link),
    #[serde(skip)]
    Resync,
    /// Who the server says we are, and our role there.
    #[serde(skip)]
    Identity(String, crate::model::AccessRole),
    /// What opening the store said (an upgrade and its backup).
    #[serde(skip)]
    Notice(String),
    /// A second passed (reveals end, an idle meeting screen blanks).
    #[serde(skip)]
    Tick(std::time::Instant),
}

impl Action {
    /// Every action a keymap may name, in help order.
    pub const BINDABLE: &'static [Action] = &[
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Open,
        Action::Back,
        Action::NextPanel,
        Action::PrevPanel,
        Action::Toggle,
        Action::Dashboard,
        Action::Cases,
        Action::Reports,
        Action::Supporters,
        Action::Finder,
        Action::Filter,
        Action::Help,
        Action::Quit,
        Action::Redraw,
        Action::Brief,
        Action::SaveBrief,
        Action::CopyBrief,
        Action::CopyId,
        Action::SortNext,
        Action::FilterStatus,
        Action::FilterSector,
        Action::FilterCoordinator,
        Action::ClearFilters,
        Action::Edit,
        Action::NewCase,
        Action::NewBody,
        Action::NewPerson,
        Action::NewAffiliation,
        Action::AddParty,
        Action::EndRole,
        Action::SetTrust,
        Action::AddNote,
        Action::AddNoteInEditor,
        Action::ProposeReferral,
        Action::AdvanceReferral,
        Action::RecordConsent,
        Action::WithdrawConsent,
        Action::LogEvent,
        Action::LogContact,
        Action::LogSupervision,
        Action::CheckIn,
        Action::TrainingProgress,
        Action::Submit,
        Action::Cancel,
        Action::NextField,
        Action::PrevField,
        Action::Save,
        Action::OpenEditor,
        Action::LineStart,
        Action::LineEnd,
        Action::DeleteBack,
        Action::DeleteForward,
        Action::ClearField,
        Action::NextMatch,
        Action::NewParty,
        Action::ToggleMeeting,
        Action::Reveal,
        Action::Yes,
        Action::No,
        Action::TakeTheirs,
    ];

    /// Whether it changes the store (a viewer's role may not).
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Action::Edit
                | Action::NewCase
                | Action::NewBody
                | Action::NewPerson
                | Action::NewAffiliation
                | Action::AddParty
                | Action::EndRole
                | Action::SetTrust
                | Action::AddNote
                | Action::AddNoteInEditor
                | Action::ProposeReferral
                | Action::AdvanceReferral
                | Action::RecordConsent
                | Action::WithdrawConsent
                | Action::LogEvent
                | Action::LogContact
                | Action::LogSupervision
                | Action::CheckIn
                | Action::TrainingProgress
        )
    }

    /// Whether it makes a record that belongs to no case (a supporter, who
    /// writes only in their own cases, may not).
    pub fn outside_cases(&self) -> bool {
        matches!(
            self,
            Action::NewCase | Action::NewBody | Action::NewPerson | Action::NewAffiliation
        )
    }

    /// Read an action by the name a keymap uses (`"page_down"`); internal
    /// actions have no name.
    pub fn from_name(name: &str) -> Option<Action> {
        let value = serde_json::Value::String(name.to_string());
        serde_json::from_value(value).ok()
    }

    /// The name a keymap uses for this action, if it is bindable.
    pub fn name(&self) -> Option<String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindable_names_round_trip() {
        for a in Action::BINDABLE {
            let name = a.name().expect("bindable actions have names");
            assert_eq!(Action::from_name(&name).as_ref(), Some(a), "{name}");
        }
        assert_eq!(Action::from_name("page_down"), Some(Action::PageDown));
    }

    #[test]
    fn internal_actions_cannot_be_named() {
        assert_eq!(Action::from_name("insert"), None);
        assert_eq!(Action::from_name("terminate"), None);
        assert_eq!(Action::from_name("reply"), None);
        assert_eq!(Action::Terminate.name(), None);
        assert_eq!(Action::Insert('x').name(), None);
    }
}
