//! YAML front matter into [`Node`]s, from saphyr-parser's event stream.
//!
//! Working from events keeps every position and bounds the work: aliases
//! are expanded against a budget (so a "billion laughs" file is an error,
//! not an out-of-memory) and nesting depth is capped.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::node::{Key, Node, Value};
use crate::diagnostics::Pos;

/// The most values one front matter may hold, aliases expanded.
pub const MAX_NODES: usize = 100_000;
/// The deepest nesting of lists and tables.
pub const MAX_DEPTH: usize = 64;

/// An error inside the YAML, at a position in the YAML text (1-based).
#[derive(Debug)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document. `offset` is the file line of the YAML's first
/// line minus one, so positions come out in file coordinates.
pub fn parse_yaml(text: &str, line_offset: usize) -> Result<Node, YamlError> {
    let mut builder = Builder {
        parser: Parser::new_from_str(text),
        line_offset,
        anchors: HashMap::new(),
        nodes: 0,
    };
    builder.document()
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    line_offset: usize,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

impl<'a> Builder<'a> {
    fn pos(&self, span: &Span) -> Pos {
        Pos::new(span.start.line() + self.line_offset, span.start.col() + 1)
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(YamlError {
                pos: Pos::new(e.marker().line() + self.line_offset, e.marker().col() + 1),
                message: format!("invalid YAML: {}", e.info()),
            }),
            None => Err(YamlError {
                pos: Pos::new(self.line_offset + 1, 1),
                message: "invalid YAML: unexpected end".into(),
            }),
        }
    }

    fn document(&mut self) -> Result<Node, YamlError> {
        let empty = Node {
            pos: Pos::new(self.line_offset + 1, 1),
            value: Value::Null,
        };
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {}
                Event::StreamEnd => return Ok(root.unwrap_or(empty)),
                event => {
                    if root.is_some() {
                        return Err(YamlError {
                            pos: self.pos(&span),
                            message: "front matter holds more than one YAML document".into(),
                        });
                    }
                    root = Some(self.node(event, span, 0)?);
                }
            }
        }
    }

    fn count(&mut self, span: &Span, added: usize) -> Result<(), YamlError> {
        self.nodes += added;
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                pos: self.pos(span),
                message: format!(
                    "front matter holds more than {MAX_NODES} values; shorten it (or check for aliases that expand without end)"
                ),
            });
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node, YamlError> {
        if depth > MAX_DEPTH {
            return Err(YamlError {
                pos: self.pos(&span),
                message: format!("front matter is nested more than {MAX_DEPTH} levels deep"),
            });
        }
        let pos = self.pos(&span);
        self.count(&span, 1)?;
        let (anchor, node) = match event {
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id).cloned() else {
                    return Err(YamlError {
                        pos,
                        message: "alias to an unknown anchor".into(),
                    });
                };
                self.count(&span, size(&node))?;
                return Ok(Node { pos, ..node });
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let value = if style == ScalarStyle::Plain {
                    resolve_plain(&text)
                } else {
                    Value::Str(text.into_owned())
                };
                (anchor, Node { pos, value })
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, span, depth + 1)?);
                }
                (
                    anchor,
                    Node {
                        pos,
                        value: Value::Seq(items),
                    },
                )
            }
            Event::MappingStart(anchor, _) => {
                let mut entries: Vec<(Key, Node)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                loop {
                    let (event, key_span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key_node = self.node(event, key_span, depth + 1)?;
                    let name = match key_node.value {
                        Value::Str(s) => s,
                        Value::Int(i) => i.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Null => "null".into(),
                        _ => {
                            return Err(YamlError {
                                pos: key_node.pos,
                                message: "a key must be a plain name, not a list or table".into(),
                            });
                        }
                    };
                    if !seen.insert(name.clone()) {
                        return Err(YamlError {
                            pos: key_node.pos,
                            message: format!("duplicate key `{name}`"),
                        });
                    }
                    let (event, span) = self.next()?;
                    let value = self.node(event, span, depth + 1)?;
                    entries.push((
                        Key {
                            name,
                            pos: key_node.pos,
                        },
                        value,
                    ));
                }
                (
                    anchor,
                    Node {
                        pos,
                        value: Value::Map(entries),
                    },
                )
            }
            other => {
                return Err(YamlError {
                    pos,
                    message: format!("invalid YAML: unexpected {other:?}"),
                });
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

fn size(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(_, v)| 1 + size(v)).sum::<usize>(),
        _ => 1,
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Int(i);
    }
    let looks_numeric = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if looks_numeric && let Ok(f) = text.parse::<f64>() {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Vec<(Key, Node)> {
        match parse_yaml(text, 1).unwrap().value {
            Value::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn positions_are_in_file_coordinates() {
        let m = map("claim: x\nspeaker: xu-li\n");
        assert_eq!(m[1].0.pos, Pos::new(3, 1));
        assert_eq!(m[1].1.pos, Pos::new(3, 10));
    }

    #[test]
    fn dates_stay_strings_and_numbers_resolve() {
        let m = map("date: 2024-12-13\nyear: 2028\nx: 1.5\nq: '12'\n");
        assert_eq!(m[0].1.value, Value::Str("2024-12-13".into()));
        assert_eq!(m[1].1.value, Value::Int(2028));
        assert_eq!(m[2].1.value, Value::Float(1.5));
        assert_eq!(m[3].1.value, Value::Str("12".into()));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='j' {
            text.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        let err = parse_yaml(&text, 1).unwrap_err();
        assert!(err.message.contains("more than"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a: {}{}", "[".repeat(200), "]".repeat(200));
        let err = parse_yaml(&text, 1).unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_yaml("a: 1\na: 2\n", 1).unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 1));
    }
}
