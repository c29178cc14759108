//! Typed reading of a front-matter table, with one diagnostic per problem:
//! unknown fields (with the closest known name), missing required fields,
//! wrong types, values outside an enum.

use super::date::PartialDate;
use super::node::{Key, Node, Value};
use crate::diagnostics::{Diagnostic, Pos, did_you_mean};

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        Spanned { value, pos }
    }
}

pub struct Fields<'a> {
    path: &'a str,
    entries: &'a [(Key, Node)],
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Set once a required field is missing or malformed: the record can't be built.
    pub broken: bool,
    /// Known fields that an unknown field looks like a misspelling of: a
    /// missing one is not reported twice.
    misspelled: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// Opens the front matter of `path` as a table of the given known fields,
    /// reporting every field that is not one of them.
    pub fn open(
        path: &'a str,
        root: &'a Node,
        known: &[&'static str],
        what: &str,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Option<Self> {
        let entries: &[(Key, Node)] = match &root.value {
            Value::Map(entries) => entries,
            Value::Null => &[],
            other => {
                diagnostics.push(
                    Diagnostic::error(
                        path,
                        root.pos,
                        format!(
                            "front matter must be a table of fields, not {}",
                            other.type_name()
                        ),
                    )
                    .with_help("write one `field: value` per line"),
                );
                return None;
            }
        };
        let mut misspelled = Vec::new();
        for (key, _) in entries {
            if !known.contains(&key.name.as_str()) {
                if let Some(c) = crate::diagnostics::closest(&key.name, known.iter().copied()) {
                    misspelled.push(c);
                }
                diagnostics.push(
                    Diagnostic::error(
                        path,
                        key.pos,
                        format!(
                            "unknown field `{}` for a {what}{}",
                            key.name,
                            did_you_mean(&key.name, known.iter().copied())
                        ),
                    )
                    .with_help(format!("the fields of a {what} are: {}", known.join(", "))),
                );
            }
        }
        Some(Fields {
            path,
            entries,
            diagnostics,
            broken: false,
            misspelled,
        })
    }

    fn get(&self, name: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, v)| k.name == name && v.value != Value::Null)
            .map(|(_, v)| v)
    }

    fn error(&mut self, pos: Pos, message: String) {
        self.diagnostics
            .push(Diagnostic::error(self.path, pos, message));
    }

    fn missing(&mut self, name: &str, example: &str) {
        self.broken = true;
        if self.misspelled.contains(&name) {
            return;
        }
        self.diagnostics.push(
            Diagnostic::error(
                self.path,
                Pos::START,
                format!("missing required field `{name}`"),
            )
            .with_help(format!(
                "add a line such as `{name}: {example}` to the front matter"
            )),
        );
    }

    fn wrong_type(&mut self, name: &str, node: &Node, expected: &str) {
        self.error(
            node.pos,
            format!(
                "`{name}` must be {expected}, not {}",
                node.value.type_name()
            ),
        );
    }

    fn text_of(node: &Node) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    pub fn string(&mut self, name: &str) -> Option<Spanned<String>> {
        let node = self.get(name)?;
        match Self::text_of(node) {
            Some(s) => Some(Spanned::new(s, node.pos)),
            None => {
                self.wrong_type(name, node, "a string");
                None
            }
        }
    }

    pub fn required_string(&mut self, name: &str, example: &str) -> Option<Spanned<String>> {
        if self.get(name).is_none() {
            self.missing(name, example);
            return None;
        }
        let value = self.string(name);
        if value.is_none() {
            self.broken = true;
        }
        value
    }

    /// A string or a list of strings (`speaker: a` or `speaker: [a, b]`).
    pub fn strings(&mut self, name: &str) -> Vec<Spanned<String>> {
        let Some(node) = self.get(name) else {
            return Vec::new();
        };
        if let Some(s) = Self::text_of(node) {
            return vec![Spanned::new(s, node.pos)];
        }
        let Value::Seq(items) = &node.value else {
            self.wrong_type(name, node, "a list of strings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match Self::text_of(item) {
                Some(s) => out.push(Spanned::new(s, item.pos)),
                None => self.wrong_type(name, item, "a list of strings"),
            }
        }
        out
    }

    pub fn required_strings(&mut self, name: &str, example: &str) -> Vec<Spanned<String>> {
        if self.get(name).is_none() {
            self.missing(name, example);
            return Vec::new();
        }
        let values = self.strings(name);
        if values.is_empty() {
            self.broken = true;
            if let Some(node) = self.get(name)
                && matches!(&node.value, Value::Seq(items) if items.is_empty())
            {
                self.error(node.pos, format!("`{name}` needs at least one entry"));
            }
        }
        values
    }

    pub fn date(&mut self, name: &str) -> Option<Spanned<PartialDate>> {
        let node = self.get(name)?;
        let text = match &node.value {
            Value::Str(s) | Value::Date(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            _ => {
                self.wrong_type(name, node, "a date (YYYY, YYYY-MM or YYYY-MM-DD)");
                return None;
            }
        };
        match PartialDate::parse(&text) {
            Ok(d) => Some(Spanned::new(d, node.pos)),
            Err(message) => {
                self.error(node.pos, format!("invalid `{name}`: {message}"));
                None
            }
        }
    }

    /// A date that may be left out (`Some(None)`), but that must be valid
    /// where it is written (`None`, with a diagnostic, where it is not).
    pub fn optional_date(&mut self, name: &str) -> Option<Option<Spanned<PartialDate>>> {
        if self.get(name).is_none() {
            return Some(None);
        }
        let value = self.date(name);
        if value.is_none() {
            self.broken = true;
        }
        value.map(Some)
    }

    pub fn required_date(&mut self, name: &str) -> Option<Spanned<PartialDate>> {
        if self.get(name).is_none() {
            self.missing(name, "2025-01-15");
            return None;
        }
        let value = self.date(name);
        if value.is_none() {
            self.broken = true;
        }
        value
    }

    /// One of `allowed`, or `default` when absent.
    pub fn choice(
        &mut self,
        name: &str,
        allowed: &[&'static str],
        default: &'static str,
    ) -> &'static str {
        let Some(value) = self.string(name) else {
            return default;
        };
        if let Some(found) = allowed.iter().find(|a| **a == value.value) {
            return found;
        }
        self.diagnostics.push(
            Diagnostic::error(
                self.path,
                value.pos,
                format!(
                    "`{}` is not a valid `{name}`{}",
                    value.value,
                    did_you_mean(&value.value, allowed.iter().copied())
                ),
            )
            .with_help(format!("use one of: {}", allowed.join(", "))),
        );
        default
    }

    /// A whole number, if given.
    pub fn integer(&mut self, name: &str) -> Option<Spanned<i64>> {
        let node = self.get(name)?;
        match node.value {
            Value::Int(i) => Some(Spanned::new(i, node.pos)),
            _ => {
                self.wrong_type(name, node, "a whole number");
                None
            }
        }
    }

    pub fn boolean(&mut self, name: &str) -> bool {
        self.optional_boolean(name).unwrap_or(false)
    }

    /// A boolean field that may be left out, where leaving it out means
    /// something other than `false`.
    pub fn optional_boolean(&mut self, name: &str) -> Option<bool> {
        let node = self.get(name)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(name, node, "true or false");
                None
            }
        }
    }

    /// A URL field: absolute http(s) only.
    pub fn url(&mut self, name: &str) -> Option<String> {
        let value = self.string(name)?;
        match url::Url::parse(&value.value) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Some(value.value),
            _ => {
                self.error(
                    value.pos,
                    format!(
                        "`{}` is not a valid `{name}`; write a full address starting with https://",
                        value.value
                    ),
                );
                None
            }
        }
    }

    /// A BCP 47 language tag such as `zh`, `en` or `zh-Hans`.
    pub fn language(&mut self, name: &str) -> Option<String> {
        let value = self.string(name)?;
        let valid = value.value.split('-').enumerate().all(|(i, part)| {
            let len_ok = if i == 0 {
                (2..=8).contains(&part.len())
            } else {
                (1..=8).contains(&part.len())
            };
            len_ok
                && part.bytes().all(|b| b.is_ascii_alphanumeric())
                && (i > 0 || part.bytes().all(|b| b.is_ascii_alphabetic()))
        });
        if valid {
            Some(value.value)
        } else {
            self.error(
                value.pos,
                format!(
                    "`{}` is not a language tag; use a BCP 47 tag such as `zh`, `en` or `zh-Hans`",
                    value.value
                ),
            );
            None
        }
    }

    /// The raw node of a field, for shapes this reader does not know.
    pub fn node(&self, name: &str) -> Option<&'a Node> {
        self.get(name)
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn path(&self) -> &'a str {
        self.path
    }
}
