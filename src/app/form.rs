//! A generic editing form: labelled fields, one focused, each with its own
//! error line. The typed text lives here until it is saved, so an error
//! never loses anything.

use super::forms::Key;
use super::input::TextInput;
use crate::keymap::key::halfwidth;
use crate::model::Date;

#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines (a trust note); Enter inserts a line break.
    Multi,
    /// `YYYY-MM-DD`.
    Date,
    /// A whole number, such as attendance.
    Number,
    /// One of a fixed list: (code, label). Left/Right choose.
    Choice(Vec<(String, String)>),
    /// A body or person, by id or by (part of) its name.
    Party,
    /// Several parties, comma separated.
    Parties,
    /// Shown for context (what the form is about), not edited.
    Fixed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// What it fills; its model name puts a validation error next to it.
    pub key: Key,
    pub label: String,
    pub kind: FieldKind,
    pub input: TextInput,
    pub choice: usize,
    pub required: bool,
    pub error: Option<String>,
}

impl Field {
    pub fn new(key: Key, label: &str, kind: FieldKind) -> Field {
        Field {
            key,
            label: label.to_string(),
            kind,
            input: TextInput::default(),
            choice: 0,
            required: false,
            error: None,
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn text(mut self, value: &str) -> Field {
        self.input = TextInput::new(value);
        self
    }

    /// Preselect the option with this code.
    pub fn pick(mut self, code: &str) -> Field {
        if let FieldKind::Choice(opts) = &self.kind
            && let Some(i) = opts.iter().position(|(c, _)| c == code)
        {
            self.choice = i;
        }
        self
    }

    pub fn is_text(&self) -> bool {
        !matches!(self.kind, FieldKind::Choice(_) | FieldKind::Fixed)
    }

    /// The chosen option's code, for choice fields.
    pub fn code(&self) -> &str {
        match &self.kind {
            FieldKind::Choice(opts) => opts.get(self.choice).map_or("", |(c, _)| c.as_str()),
            _ => "",
        }
    }

    pub fn value(&self) -> &str {
        self.input.text.trim()
    }

    fn snapshot(&self) -> (String, usize) {
        (self.input.text.clone(), self.choice)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Form<K> {
    pub kind: K,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// An error that belongs to no one field (a store failure).
    pub error: Option<String>,
    /// Sent to the store; waiting for it to say the write is on disk.
    pub saving: bool,
    /// What was typed in the focused party field before `NextMatch`
    /// replaced it with a candidate's id, to go on to the next.
    pub matching: Option<String>,
    initial: Vec<(String, usize)>,
}

impl<K> Form<K> {
    pub fn new(kind: K, title: &str, fields: Vec<Field>) -> Form<K> {
        let initial = fields.iter().map(Field::snapshot).collect();
        // Start on the first field that can be typed in.
        let focus = fields
            .iter()
            .position(|f| f.kind != FieldKind::Fixed)
            .unwrap_or(0);
        Form {
            kind,
            title: title.to_string(),
            fields,
            focus,
            error: None,
            saving: false,
            matching: None,
            initial,
        }
    }

    /// Something was typed or chosen that is not saved yet.
    pub fn dirty(&self) -> bool {
        self.fields
            .iter()
            .map(Field::snapshot)
            .ne(self.initial.iter().cloned())
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    pub fn field(&self, key: Key) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn value(&self, key: Key) -> &str {
        self.field(key).map_or("", Field::value)
    }

    pub fn code(&self, key: Key) -> &str {
        self.field(key).map_or("", Field::code)
    }

    /// Put an error next to the field of that model name, or on the form
    /// if none has it. Focus moves to it so the cursor is where the fix is.
    pub fn set_error(&mut self, name: &str, msg: String) {
        if let Some(i) = self.fields.iter().position(|f| f.key.name() == name) {
            if self.fields[i].error.is_none() {
                self.fields[i].error = Some(msg);
            }
        } else if self.error.is_none() {
            self.error = Some(msg);
        }
    }

    pub fn clear_errors(&mut self) {
        self.error = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    /// Focus the first field with an error.
    pub fn focus_error(&mut self) {
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }

    pub fn next(&mut self) {
        self.step(1);
    }

    pub fn prev(&mut self) {
        self.step(self.fields.len().saturating_sub(1));
    }

    /// Move focus by `by` (mod the field count), past fields shown only
    /// for context.
    fn step(&mut self, by: usize) {
        let n = self.fields.len();
        for _ in 0..n {
            self.focus = (self.focus + by) % n.max(1);
            if self
                .fields
                .get(self.focus)
                .is_none_or(|f| f.kind != FieldKind::Fixed)
            {
                break;
            }
        }
    }

    /// Left/Right: move the cursor, or change a choice.
    pub fn left(&mut self) {
        if let Some(f) = self.focused_mut() {
            match &f.kind {
                FieldKind::Choice(opts) if !opts.is_empty() => {
                    f.choice = (f.choice + opts.len() - 1) % opts.len();
                }
                _ => f.input.left(),
            }
        }
    }

    pub fn right(&mut self) {
        if let Some(f) = self.focused_mut() {
            match &f.kind {
                FieldKind::Choice(opts) if !opts.is_empty() => {
                    f.choice = (f.choice + 1) % opts.len();
                }
                _ => f.input.right(),
            }
        }
    }

    /// Typed text goes to a text field; in a choice field, the first option
    /// whose label starts with the letter is chosen.
    pub fn insert(&mut self, c: char) {
        if let Some(f) = self.focused_mut() {
            f.error = None;
            match &f.kind {
                FieldKind::Choice(opts) => {
                    let want = halfwidth(c).to_lowercase().to_string();
                    let n = opts.len();
                    if let Some(i) = (1..=n)
                        .map(|d| (f.choice + d) % n)
                        .find(|&i| opts[i].1.to_lowercase().starts_with(&want))
                    {
                        f.choice = i;
                    }
                }
                FieldKind::Fixed => {}
                FieldKind::Number | FieldKind::Date => f.input.insert(halfwidth(c)),
                _ => f.input.insert(c),
            }
        }
    }

    pub fn paste(&mut self, s: &str) {
        if let Some(f) = self.focused_mut() {
            let multi = f.kind == FieldKind::Multi;
            if f.is_text() {
                f.input.insert_str(s, multi);
            }
        }
    }
}

/// Read a date as typed: `2024-05-01`, `2024/5/1`, full-width digits too.
pub fn parse_date(s: &str) -> Option<Date> {
    let s: String = s.trim().chars().map(halfwidth).collect();
    let s = s.replace('/', "-");
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Date::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

pub fn parse_number(s: &str) -> Option<u32> {
    let s: String = s.trim().chars().map(halfwidth).collect();
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form<()> {
        Form::new(
            (),
            "t",
            vec![
                Field::new(Key::Title, "Title", FieldKind::Text),
                Field::new(
                    Key::Status,
                    "Status",
                    FieldKind::Choice(vec![
                        ("a".into(), "Active".into()),
                        ("c".into(), "Closed".into()),
                    ]),
                ),
            ],
        )
    }

    #[test]
    fn dirty_tracks_typing_and_choices() {
        let mut f = form();
        assert!(!f.dirty());
        f.insert('x');
        assert!(f.dirty());
        f.fields[0].input.backspace();
        assert!(!f.dirty());
        f.next();
        f.right();
        assert_eq!(f.code(Key::Status), "c");
        assert!(f.dirty());
        f.insert('a');
        assert_eq!(f.code(Key::Status), "a");
    }

    #[test]
    fn errors_land_on_fields() {
        let mut f = form();
        f.set_error("status", "bad".into());
        f.set_error("nowhere", "store failed".into());
        f.focus_error();
        assert_eq!(f.focus, 1);
        assert_eq!(f.error.as_deref(), Some("store failed"));
    }

    #[test]
    fn dates_and_numbers_as_typed() {
        assert_eq!(parse_date("2024/5/1"), Date::from_ymd_opt(2024, 5, 1));
        assert_eq!(
            parse_date("２０２４－０５－０１"),
            Date::from_ymd_opt(2024, 5, 1)
        );
        assert_eq!(
            parse_date("２０２４/０５/０１"),
            Date::from_ymd_opt(2024, 5, 1)
        );
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_number("１２"), Some(12));
        assert_eq!(parse_number("-1"), None);
    }
}
