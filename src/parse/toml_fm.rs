//! TOML front matter into [`Node`]s, keeping toml's spans as file positions.

use toml::de::{DeTable, DeValue};

use super::node::{Key, Node, Value};
use super::yaml::YamlError as FrontMatterError;
use crate::diagnostics::Pos;

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

/// Parses TOML front matter; `line_offset` shifts lines into the file.
pub fn parse_toml(text: &str, line_offset: usize) -> Result<Node, FrontMatterError> {
    let index = LineIndex::new(text);
    let shift = |p: Pos| Pos::new(p.line + line_offset, p.col);
    let table = DeTable::parse(text).map_err(|e| FrontMatterError {
        pos: shift(index.pos(e.span().map(|s| s.start).unwrap_or(0))),
        message: format!("invalid TOML: {}", e.message()),
    })?;
    let pos = shift(index.pos(table.span().start));
    Ok(Node {
        pos,
        value: table_value(table.get_ref(), &index, line_offset),
    })
}

fn table_value(table: &DeTable<'_>, index: &LineIndex<'_>, line_offset: usize) -> Value {
    let shift = |p: Pos| Pos::new(p.line + line_offset, p.col);
    let mut entries: Vec<(Key, Node)> = table
        .iter()
        .map(|(k, v)| {
            let key = Key {
                name: k.get_ref().to_string(),
                pos: shift(index.pos(k.span().start)),
            };
            let node = Node {
                pos: shift(index.pos(v.span().start)),
                value: value(v.get_ref(), index, line_offset),
            };
            (key, node)
        })
        .collect();
    entries.sort_by_key(|(k, _)| k.pos);
    Value::Map(entries)
}

fn value(v: &DeValue<'_>, index: &LineIndex<'_>, line_offset: usize) -> Value {
    match v {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Str(i.as_str().to_string())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Str(f.as_str().to_string())),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Date(d.to_string()),
        DeValue::Array(items) => Value::Seq(
            items
                .iter()
                .map(|item| Node {
                    pos: Pos::new(
                        index.pos(item.span().start).line + line_offset,
                        index.pos(item.span().start).col,
                    ),
                    value: value(item.get_ref(), index, line_offset),
                })
                .collect(),
        ),
        DeValue::Table(t) => table_value(t, index, line_offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_have_file_positions() {
        let node = parse_toml("claim = \"x\"\ndate = 2024-12-13\n", 1).unwrap();
        let Value::Map(m) = node.value else { panic!() };
        assert_eq!(m[1].0.name, "date");
        assert_eq!(m[1].0.pos, Pos::new(3, 1));
        assert_eq!(m[1].1.value, Value::Date("2024-12-13".into()));
        assert_eq!(m[1].1.pos, Pos::new(3, 8));
    }

    #[test]
    fn line_index_counts_characters() {
        let index = LineIndex::new("a\n预训练x");
        assert_eq!(index.pos("a\n预训练".len()), Pos::new(2, 4));
    }
}
