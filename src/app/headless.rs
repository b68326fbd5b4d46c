//! Drive the app without a terminal: keys typed as strings through the
//! keymap parser, effects run in-line until nothing is left to do, and
//! frames rendered into a ratatui `TestBackend`. No threads, no sleeps.

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::effect::Effect;
use super::link::SearchState;
use super::state::{Config, State};
use super::{Action, update};
use crate::keymap::{Key, KeyCode, Keymap, parse_keys};
use crate::query::cases::CaseCache;
use crate::query::request::{Reply, StoreEffect};
use crate::query::worker::{IndexAt, Where, run_store};
use crate::store::{Scope, Store};

pub struct Headless {
    pub state: State,
    store: Arc<dyn Store>,
    search: SearchState,
    /// What `$EDITOR` "returns" when the app asks for it.
    pub editor_reply: Result<String, String>,
    /// Every effect run, oldest first, for tests to inspect.
    pub log: Vec<Effect>,
    /// The case list's summaries, as a server would hold them.
    cases: CaseCache,
    /// What the app wrote to the terminal for its clipboard (OSC 52).
    pub clipboard: Vec<String>,
}

impl Headless {
    /// A session of `width`x`height` whose startup load has completed.
    pub fn new(
        store: Arc<dyn Store>,
        cfg: Config,
        keymap: Keymap,
        width: u16,
        height: u16,
    ) -> Headless {
        let state = State::new(cfg, Arc::new(keymap), (width, height));
        let mut h = Headless {
            state,
            store,
            search: SearchState::default(),
            editor_reply: Ok(String::new()),
            log: Vec::new(),
            cases: CaseCache::default(),
            clipboard: Vec::new(),
        };
        h.run(vec![StoreEffect::LoadAll.into()]);
        h
    }

    /// Apply an action and everything it leads to.
    pub fn act(&mut self, action: Action) {
        let effects = update(&mut self.state, action);
        self.run(effects);
    }

    fn run(&mut self, mut queue: Vec<Effect>) {
        while !queue.is_empty() {
            let mut replies = Vec::new();
            for e in queue {
                self.log.push(e.clone());
                match e {
                    Effect::Editor(_) => replies.push(Reply::Edited(self.editor_reply.clone())),
                    Effect::Search(e) => self.search.run(e, &mut |r| replies.push(r)),
                    Effect::Clipboard(text) => self.clipboard.push(super::output::osc52(&text)),
                    Effect::SaveFile { path, text } => {
                        replies.push(Reply::FileSaved(super::output::save_text(&path, &text)));
                    }
                    Effect::Store(e) => {
                        let today = self.state.cfg.today;
                        let scope = Scope::owner(&self.state.cfg.user);
                        let at = Where {
                            index: IndexAt::Here,
                            cases: &self.cases,
                            dashboard: None,
                        };
                        run_store(self.store.as_ref(), e, today, at, &scope, &mut |r| {
                            replies.push(r)
                        })
                    }
                }
            }
            queue = Vec::new();
            for r in replies {
                queue.extend(update(&mut self.state, Action::Reply(Box::new(r))));
            }
        }
    }

    /// Go where a link points, as Enter on a line naming it does.
    pub fn open(&mut self, link: super::view::Link) {
        let effects = super::update::push_link(&mut self.state, link);
        self.run(effects);
    }

    /// Press keys written in keymap notation: `"gg"`, `"<C-p>"`, `"<Esc>"`.
    pub fn press(&mut self, keys: &str) {
        let keys = parse_keys(keys).unwrap_or_else(|e| panic!("bad key string {keys:?}: {e}"));
        for k in keys {
            self.act(Action::Key(k));
        }
    }

    /// Type text character by character, exactly as typed (Japanese and
    /// full-width punctuation stay as they are).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.act(Action::Key(Key::plain(KeyCode::Char(c))));
        }
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.act(Action::Resize(width, height));
    }

    /// The current frame.
    pub fn render(&self) -> Buffer {
        let (w, h) = self.state.size;
        let mut term = match Terminal::new(TestBackend::new(w, h)) {
            Ok(t) => t,
            Err(e) => panic!("test backend: {e}"),
        };
        if let Err(e) = term.draw(|f| crate::ui::draw(&self.state, f)) {
            panic!("draw: {e}");
        }
        term.backend().buffer().clone()
    }

    /// The current frame as text, one line per row (wide characters once).
    pub fn screen(&self) -> String {
        buffer_text(&self.render())
    }
}

/// A buffer's characters, row by row, skipping the cells hidden behind
/// wide characters.
pub fn buffer_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}
