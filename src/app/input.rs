//! A text field's content and cursor. The cursor counts characters, not
//! bytes, so Japanese text is edited one character at a time.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    /// Characters before the cursor.
    pub cursor: usize,
}

impl TextInput {
    pub fn new(text: &str) -> TextInput {
        TextInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Pasted or editor text; in a one-line field line breaks become spaces.
    pub fn insert_str(&mut self, s: &str, multiline: bool) {
        for c in s.chars() {
            match c {
                '\r' => {}
                '\n' if !multiline => self.insert(' '),
                '\n' | '\t' => self.insert(if c == '\t' { ' ' } else { '\n' }),
                c if c.is_control() => {}
                c => self.insert(c),
            }
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.len() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// The text before and after the cursor, for drawing it.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte_at(self.cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_by_character() {
        let mut t = TextInput::new("仙台");
        t.insert('市');
        assert_eq!(t.text, "仙台市");
        t.left();
        t.backspace();
        assert_eq!(t.text, "仙市");
        t.delete();
        assert_eq!(t.text, "仙");
        t.home();
        t.insert_str("a\nb", false);
        assert_eq!(t.text, "a b仙");
        assert_eq!(t.split(), ("a b", "仙"));
    }
}
