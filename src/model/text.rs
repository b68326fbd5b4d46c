//! Field validation shared by every record: names must be printable.

use super::Reason;

/// A field that failed validation, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    pub field: &'static str,
    pub reason: Reason,
}

impl ValidationError {
    pub fn new(field: &'static str, reason: Reason) -> Self {
        ValidationError { field, reason }
    }
}

/// A one-line name: not blank, no control characters (an escape sequence in a
/// name would repaint a coordinator's terminal).
pub fn check_name(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, Reason::Empty));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(field, Reason::ControlChar));
    }
    Ok(())
}

/// Free text: line breaks and tabs are fine, other control characters are not.
pub fn check_text(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationError::new(field, Reason::ControlChar));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_reject_escapes_and_blanks() {
        assert!(check_name("name", "仙台ポリオの会").is_ok());
        assert!(check_name("name", "  ").is_err());
        assert!(check_name("name", "evil\u{1b}[2J").is_err());
        assert!(check_name("name", "two\nlines").is_err());
        assert!(check_text("text", "two\nlines\tok").is_ok());
        assert!(check_text("text", "bell\u{7}").is_err());
    }
}
