//! TOML front matter into [`Node`]s, keeping toml's spans as file positions.

use toml::de::{DeTable, DeValue};

use toml::Spanned;

use super::node::{Key, Node, Value};
use super::yaml::{MAX_DEPTH, MAX_NODES, YamlError as FrontMatterError};
use crate::diagnostics::Pos;
use crate::text::LineIndex;

/// Parses TOML front matter; `line_offset` shifts lines into the file.
///
/// The same bounds as YAML apply: at most [`MAX_NODES`] values and
/// [`MAX_DEPTH`] levels, so a million-key table is one error, not a million.
pub fn parse_toml(text: &str, line_offset: usize) -> Result<Node, FrontMatterError> {
    let index = LineIndex::new(text);
    let shift = |p: Pos| Pos::new(p.line + line_offset, p.col);
    let table = DeTable::parse(text).map_err(|e| FrontMatterError {
        pos: shift(index.pos(e.span().map(|s| s.start).unwrap_or(0))),
        message: format!("invalid TOML: {}", e.message()),
    })?;
    let mut reader = Reader {
        index: &index,
        line_offset,
        nodes: 0,
    };
    let pos = reader.pos(table.span().start);
    Ok(Node {
        pos,
        value: reader.table_value(table.get_ref(), 0)?,
    })
}

struct Reader<'a> {
    index: &'a LineIndex<'a>,
    line_offset: usize,
    nodes: usize,
}

impl Reader<'_> {
    fn pos(&self, offset: usize) -> Pos {
        let p = self.index.pos(offset);
        Pos::new(p.line + self.line_offset, p.col)
    }

    /// Counts one value at `offset`, failing past the bounds.
    fn count(&mut self, offset: usize, depth: usize) -> Result<(), FrontMatterError> {
        self.nodes += 1;
        let message = if self.nodes > MAX_NODES {
            format!("front matter holds more than {MAX_NODES} values; shorten it")
        } else if depth > MAX_DEPTH {
            format!("front matter is nested more than {MAX_DEPTH} levels deep")
        } else {
            return Ok(());
        };
        Err(FrontMatterError {
            pos: self.pos(offset),
            message,
        })
    }

    fn table_value(
        &mut self,
        table: &DeTable<'_>,
        depth: usize,
    ) -> Result<Value, FrontMatterError> {
        // In file order, so that an error past the bounds is the first one.
        let mut pairs: Vec<_> = table.iter().collect();
        pairs.sort_by_key(|(k, _)| k.span().start);
        let mut entries = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            self.count(k.span().start, depth + 1)?;
            let key = Key {
                name: k.get_ref().to_string(),
                pos: self.pos(k.span().start),
            };
            let node = self.node(v, depth + 1)?;
            entries.push((key, node));
        }
        Ok(Value::Map(entries))
    }

    fn node(&mut self, v: &Spanned<DeValue<'_>>, depth: usize) -> Result<Node, FrontMatterError> {
        self.count(v.span().start, depth)?;
        Ok(Node {
            pos: self.pos(v.span().start),
            value: self.value(v.get_ref(), depth)?,
        })
    }

    fn value(&mut self, v: &DeValue<'_>, depth: usize) -> Result<Value, FrontMatterError> {
        Ok(match v {
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
            DeValue::Array(items) => {
                let mut nodes = Vec::with_capacity(items.len());
                for item in items.iter() {
                    nodes.push(self.node(item, depth + 1)?);
                }
                Value::Seq(nodes)
            }
            DeValue::Table(t) => self.table_value(t, depth)?,
        })
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
}
