//! Splits a file into front matter and Markdown body, remembering which file
//! line each starts on, and hands the front matter to the YAML or TOML reader.

use super::node::Node;
use super::toml_fm::parse_toml;
use super::yaml::parse_yaml;
use crate::diagnostics::{Diagnostic, Pos};
use crate::text::normalise;

/// A file split in two, with the front matter already read into a tree.
#[derive(Debug)]
pub struct Document {
    pub front_matter: Node,
    pub body: String,
    /// The file line the body starts on.
    pub body_line: usize,
}

pub fn split_document(path: &str, text: &str) -> Result<Document, Diagnostic> {
    let text = normalise(text);
    let first = text.lines().next().unwrap_or("");
    let fence = match first.trim_end() {
        "---" => "---",
        "+++" => "+++",
        _ => {
            let message = if text.trim().is_empty() {
                "file is empty; a claim, speaker, source or topic starts with front matter"
            } else {
                "file has no front matter"
            };
            return Err(Diagnostic::error(path, Pos::START, message).with_help(
                "start the file with a `---` line, the YAML fields, and another `---` line",
            ));
        }
    };
    let mut offset = first.len() + 1;
    let mut line = 2;
    let front_start = offset.min(text.len());
    loop {
        if offset > text.len() {
            return Err(Diagnostic::error(
                path,
                Pos::START,
                "front matter opened here is never closed".to_string(),
            )
            .with_help(format!("add a `{fence}` line after the last field")));
        }
        let rest = &text[offset..];
        let end = rest.find('\n').unwrap_or(rest.len());
        let this = &rest[..end];
        if this.trim_end() == fence {
            let yaml = &text[front_start..offset];
            let body_start = (offset + end + 1).min(text.len());
            let front_matter = if fence == "---" {
                parse_yaml(yaml, 1)
            } else {
                parse_toml(yaml, 1)
            }
            .map_err(|e| Diagnostic::error(path, e.pos, e.message))?;
            return Ok(Document {
                front_matter,
                body: text[body_start..].to_string(),
                body_line: line + 1,
            });
        }
        offset += end + 1;
        line += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_counts_lines() {
        let doc = split_document("a.md", "---\nclaim: x\n---\nBody\n").unwrap();
        assert_eq!(doc.body, "Body\n");
        assert_eq!(doc.body_line, 4);
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let doc = split_document("a.md", "\u{feff}---\r\nclaim: x\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(doc.body, "Body\n");
    }

    /// Found by fuzzing: YAML counted lone `\r`s as line breaks and the
    /// file's lines did not, so errors pointed past the end of the file.
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let doc = split_document("a.md", "---\rclaim: x\r---\rBody\r").unwrap();
        assert_eq!((doc.body.as_str(), doc.body_line), ("Body\n", 4));
        let err = split_document("a.md", "---\ra: 1\r\r\ra: 2\n---\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(5, 1));
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let err = split_document("a.md", "---\nclaim: x\n").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert_eq!(err.pos, Pos::START);
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert!(split_document("a.md", "just text").is_err());
        assert!(split_document("a.md", "").is_err());
    }
}
