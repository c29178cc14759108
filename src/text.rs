//! Text as every stage reads it: the normalisation that makes positions the
//! same whichever line endings an editor used, and the map from byte
//! offsets to the line and column a diagnostic shows. `config`, `load` and
//! `parse` share these, so they live below all three.

use std::borrow::Cow;

use crate::diagnostics::Pos;

/// Normalises what editors vary on (a byte-order mark, Windows or old Mac
/// line endings) so that positions and content are the same whichever was
/// used. A lone `\r` ends a line for YAML and Markdown alike, so it ends
/// one for the line numbers in diagnostics too.
pub fn normalise(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Maps byte offsets of a text to 1-based line and character column.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self.text[start..]
            .char_indices()
            .take_while(|(i, _)| start + i < offset)
            .count();
        Pos::new(line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters() {
        let index = LineIndex::new("a\n预训练x");
        assert_eq!(index.pos("a\n预训练".len()), Pos::new(2, 4));
    }

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(normalise("\u{feff}a\r\nb\rc"), "a\nb\nc");
        assert!(matches!(normalise("a\nb"), Cow::Borrowed(_)));
    }
}
