//! What the app sends out other than to the store: text to the
//! terminal's clipboard and text to a file of the user's.

use base64::Engine;

/// The OSC 52 sequence that puts `text` on the clipboard of the terminal
/// the user sits at, `ESC ] 52 ; c ; <base64> BEL`. It travels with the
/// screen's output, so it works over SSH; terminals that do not honour it
/// ignore it.
pub fn osc52(text: &str) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{payload}\x07")
}

/// Writes `text` to a new file at `path`, readable by its owner only
/// (`0600`, replacing what was there by a rename, never following a
/// link), on disk before it returns. Returns the path written, or why not.
pub fn save_text(path: &std::path::Path, text: &str) -> Result<String, String> {
    crate::exchange::write_private(path, text.as_bytes())
        .map(|()| path.display().to_string())
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_the_sequence_with_base64_of_the_text() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
        assert_eq!(
            osc52("ブリーフ"),
            format!(
                "\x1b]52;c;{}\x07",
                base64::engine::general_purpose::STANDARD.encode("ブリーフ")
            )
        );
    }
}
