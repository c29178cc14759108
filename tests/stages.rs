//! The crate's modules import one way: each only from the modules below it
//! in [`STAGES`], so that a reader can follow a claim from its file to its
//! page without jumping back, and no two stages form a loop.

use std::collections::BTreeMap;
use std::path::Path;

/// The import order, lowest first: a module may use the modules of earlier
/// rows, never those of its own row or later ones. This is the one place
/// the order is written; `src/lib.rs` describes it.
///
/// `write` sits below `render`: it knows only files and folders, and
/// `render` hands each file it makes to it as a `write::OutputFile`.
const STAGES: &[&[&str]] = &[
    &["diagnostics", "sync"],
    &["text"],
    &["config"],
    &["load"],
    &["parse"],
    &["validate"],
    &["graph"],
    &["write"],
    &["render"],
    &["build"],
    &["serve", "scaffold"],
    &["deploy"],
];

fn rank(module: &str) -> Option<usize> {
    STAGES.iter().position(|row| row.contains(&module))
}

/// The modules a file's code names through `crate::`, with the line each
/// is first named on. Comment lines are skipped; `crate::{a, b::c}` names
/// `a` and `b`, over as many lines as the group takes.
fn crate_imports(code: &str) -> BTreeMap<String, usize> {
    let code: String = code
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeMap::new();
    for (at, _) in code.match_indices("crate::") {
        let line = code[..at].matches('\n').count() + 1;
        let rest = &code[at + "crate::".len()..];
        let names = match rest.strip_prefix('{') {
            Some(group) => group_names(group),
            None => vec![leading_ident(rest)],
        };
        for name in names.into_iter().filter(|n| !n.is_empty()) {
            found.entry(name.to_string()).or_insert(line);
        }
    }
    found
}

/// The first path segment of each item in `a, b::c, d::{e, f}}`, up to
/// the brace that closes the group.
fn group_names(group: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && !c.is_whitespace() => {
                names.push(leading_ident(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    names
}

fn leading_ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level module a file under `src/` belongs to (`render` for
/// `src/render/search/index.rs`); `None` for the crate root and `main.rs`.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        f => Some(f.trim_end_matches(".rs").to_string()),
    }
}

/// Every import that breaks the order, as `file:line: message`.
fn upward_imports(files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, code) in files {
        let Some(module) = module_of(Path::new(path)) else {
            continue;
        };
        let Some(own) = rank(&module) else {
            problems.push(format!(
                "src/{path}: module `{module}` is not in STAGES; add it to its row in tests/stages.rs"
            ));
            continue;
        };
        for (name, line) in crate_imports(code) {
            if name == module {
                continue;
            }
            match rank(&name) {
                Some(r) if r < own => {}
                Some(_) => problems.push(format!(
                    "src/{path}:{line}: `{module}` uses `crate::{name}`, which is not below it in the stage order"
                )),
                None => problems.push(format!(
                    "src/{path}:{line}: `{module}` uses `crate::{name}`, not a module of the order (import it from the module that defines it)"
                )),
            }
        }
    }
    problems
}

fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(&src).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn every_module_imports_only_modules_below_it() {
    let files = sources();
    assert!(files.len() > 20, "the sources were not found");
    let problems = upward_imports(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_upward_import_is_reported_at_its_line() {
    let files = vec![
        (
            "graph.rs".to_string(),
            "use crate::parse::Claim;\n\nfn f() { crate::render::views::claim_path(\"a\"); }\n"
                .to_string(),
        ),
        (
            "load/theme.rs".to_string(),
            "use crate::{\n    diagnostics::Pos,\n    parse::Claim,\n};\n".to_string(),
        ),
        (
            "render/mod.rs".to_string(),
            "// crate::serve is only named in a comment\nuse crate::BuildOptions;\n".to_string(),
        ),
    ];
    assert_eq!(
        upward_imports(&files),
        [
            "src/graph.rs:3: `graph` uses `crate::render`, which is not below it in the stage order",
            "src/load/theme.rs:1: `load` uses `crate::parse`, which is not below it in the stage order",
            "src/render/mod.rs:2: `render` uses `crate::BuildOptions`, not a module of the order (import it from the module that defines it)",
        ]
    );
}

#[test]
fn every_stage_module_exists() {
    let files = sources();
    for module in STAGES.iter().flat_map(|row| row.iter()) {
        assert!(
            files
                .iter()
                .any(|(p, _)| module_of(Path::new(p)).as_deref() == Some(*module)),
            "STAGES names `{module}`, which has no file under src/"
        );
    }
}
