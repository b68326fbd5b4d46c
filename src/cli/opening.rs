//! What a server still opening its store is doing, said on stderr: one
//! line rewritten in place on a terminal, a line per step elsewhere.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use crate::i18n::Lang;
use crate::server::client::Heard;
use crate::store::OpenStep;

#[derive(Clone)]
pub struct OpeningNews {
    /// Read once: news comes every second.
    lang: Lang,
    last: Arc<Mutex<Option<OpenStep>>>,
}

impl OpeningNews {
    pub fn new() -> OpeningNews {
        OpeningNews {
            lang: crate::app::config::ui_lang(None).unwrap_or_default(),
            last: Arc::default(),
        }
    }

    pub fn hear(&self, heard: Heard) {
        let Heard::Opening(opening) = heard else {
            return;
        };
        let line = opening.describe(self.lang);
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if std::io::stderr().is_terminal() {
            eprint!("\rtriad: {line}\x1b[K");
        } else if *last != Some(opening.step) {
            eprintln!("triad: {line}");
        }
        *last = Some(opening.step);
    }

    /// The wait is over: a terminal's line is cleared.
    pub fn done(&self) {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_some() && std::io::stderr().is_terminal() {
            eprint!("\r\x1b[K");
        }
    }
}
