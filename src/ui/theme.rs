//! Colours and symbols. Colours are the terminal's own 16, so they follow
//! the user's palette; every meaning carried by colour is also carried by a
//! symbol, a number or a modifier, so NO_COLOR loses nothing.
//!
//! Symbols avoid East Asian ambiguous-width characters (box-drawing corners,
//! arrows, ○ × ※ …): many Japanese terminals draw those double width and
//! break every line they sit on. `--ascii` swaps to plain ASCII.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::app::state::Config;
use crate::model::{CaseStatus, Confidentiality, ReferralStatus, Sector};

/// The glyphs a screen is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbols {
    /// Rule under a panel title.
    pub rule: &'static str,
    /// Rule under the focused panel's title.
    pub rule_focus: &'static str,
    /// Popup frame.
    pub border: border::Set,
    /// In front of the selected line (reverse video is the other half).
    pub selected: &'static str,
    /// Between two parties of a referral or relationship.
    pub arrow: &'static str,
    pub expanded: &'static str,
    pub collapsed: &'static str,
    /// One cell of an activity or trust bar, filled and empty.
    pub bar: &'static str,
    pub bar_empty: &'static str,
    /// Where text was cut to fit.
    pub cut: &'static str,
    /// Separates fields on a header line.
    pub sep: &'static str,
    /// Joins two parties of a relationship in the triad.
    pub link: &'static str,
}

/// Default set: single-width in every East Asian width setting.
pub const UNICODE: Symbols = Symbols {
    rule: "\u{254C}",       // ╌
    rule_focus: "\u{254D}", // ╍
    border: border::Set {
        top_left: "\u{2576}",      // ╶
        top_right: "\u{2574}",     // ╴
        bottom_left: "\u{2576}",   // ╶
        bottom_right: "\u{2574}",  // ╴
        vertical_left: "\u{254E}", // ╎
        vertical_right: "\u{254E}",
        horizontal_top: "\u{254C}",
        horizontal_bottom: "\u{254C}",
    },
    selected: "\u{25B8}",  // ▸
    arrow: "\u{00BB}",     // »
    expanded: "\u{25BE}",  // ▾
    collapsed: "\u{25B8}", // ▸
    bar: "\u{25AE}",       // ▮
    bar_empty: "\u{25AF}", // ▯
    cut: "~",
    sep: " | ",
    link: "\u{254C}\u{254C}", // ╌╌
};

/// `--ascii`: nothing outside printable ASCII.
pub const ASCII: Symbols = Symbols {
    rule: "-",
    rule_focus: "=",
    border: border::Set {
        top_left: "+",
        top_right: "+",
        bottom_left: "+",
        bottom_right: "+",
        vertical_left: "|",
        vertical_right: "|",
        horizontal_top: "-",
        horizontal_bottom: "-",
    },
    selected: ">",
    arrow: ">",
    expanded: "-",
    collapsed: "+",
    bar: "#",
    bar_empty: ".",
    cut: "~",
    sep: " | ",
    link: "--",
};

impl Symbols {
    /// Every glyph, for the width test.
    pub fn all(&self) -> Vec<&'static str> {
        let b = self.border;
        vec![
            self.rule,
            self.rule_focus,
            b.top_left,
            b.top_right,
            b.bottom_left,
            b.bottom_right,
            b.vertical_left,
            b.vertical_right,
            b.horizontal_top,
            b.horizontal_bottom,
            self.selected,
            self.arrow,
            self.expanded,
            self.collapsed,
            self.bar,
            self.bar_empty,
            self.cut,
            self.sep,
            self.link,
        ]
    }
}

/// Colours (or none) plus symbols.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub sym: Symbols,
    /// False under NO_COLOR: styles keep only modifiers.
    pub color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::new(false, true)
    }
}

impl Theme {
    pub fn new(ascii: bool, color: bool) -> Theme {
        Theme {
            sym: if ascii { ASCII } else { UNICODE },
            color,
        }
    }

    /// The session's theme, from its plain settings.
    pub fn of(cfg: &Config) -> Theme {
        Theme::new(cfg.ascii, cfg.color)
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn plain(&self) -> Style {
        Style::new()
    }

    /// Selection: reverse video works in every palette and without colour.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn sector(&self, s: Sector) -> Style {
        self.fg(match s {
            Sector::Government => Color::Blue,
            Sector::Medical => Color::Green,
            Sector::PatientFamily => Color::Magenta,
        })
        .add_modifier(Modifier::BOLD)
    }

    /// 1 (new) is red, 5 (established) green; the number is always shown too.
    pub fn trust(&self, level: u8) -> Style {
        self.fg(match level {
            0 | 1 => Color::Red,
            2 => Color::Yellow,
            3 => Color::Cyan,
            _ => Color::Green,
        })
    }

    pub fn case_status(&self, s: CaseStatus) -> Style {
        match s {
            CaseStatus::Intake => self.fg(Color::Yellow),
            CaseStatus::Active => self.fg(Color::Green),
            CaseStatus::Monitoring => self.fg(Color::Cyan),
            CaseStatus::Closed => self.dim(),
        }
    }

    pub fn referral_status(&self, s: ReferralStatus) -> Style {
        match s {
            ReferralStatus::Proposed => self.fg(Color::Yellow),
            ReferralStatus::Sent => self.fg(Color::Cyan),
            ReferralStatus::Accepted => self.fg(Color::Green),
            ReferralStatus::Completed => self.fg(Color::Green).add_modifier(Modifier::DIM),
            ReferralStatus::Declined => self.fg(Color::Red),
            ReferralStatus::Cancelled => self.dim(),
        }
    }

    /// Private notes stand out even without colour.
    pub fn confidentiality(&self, c: Confidentiality) -> Style {
        match c {
            Confidentiality::Shared => self.fg(Color::Green),
            Confidentiality::Team => self.fg(Color::Yellow),
            Confidentiality::Private => self
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    /// Ambiguous-width glyphs would be double width in CJK terminals.
    fn cjk_safe(s: &str) -> bool {
        s.width() == s.width_cjk()
    }

    #[test]
    fn symbols_are_single_width_everywhere() {
        for set in [UNICODE, ASCII] {
            for g in set.all() {
                assert!(cjk_safe(g), "{g:?} is ambiguous width");
                assert!(g.width() >= 1, "{g:?} is empty");
            }
        }
        for g in ASCII.all() {
            assert!(g.is_ascii(), "{g:?} is not ASCII");
        }
        // Single-cell glyphs really are single cells.
        for g in [UNICODE.selected, UNICODE.bar, UNICODE.rule, UNICODE.arrow] {
            assert_eq!(g.width(), 1, "{g:?}");
        }
    }

    #[test]
    fn no_color_keeps_selection_visible() {
        let t = Theme::new(false, false);
        assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
        assert_eq!(t.sector(Sector::Medical).fg, None);
        assert_eq!(t.error().fg, None);
    }
}
