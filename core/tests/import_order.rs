//! Architecture invariant: the modules of the core import one another in one order, bottom to
//! top (ARCHITECTURE.md, "Architecture invariants"). A module may import only the modules on
//! the levels below its own; test code (`#[cfg(test)]` items, `tests.rs`, `testing.rs`,
//! `*_tests.rs`) may import anything.
//!
//! The sources are read at test time and every path through `crate::` or `super::` that leaves
//! a top-level module is checked against [`LEVELS`]. Comments and string literals are not code,
//! and are ignored.

use std::collections::HashMap;
use std::path::Path;

/// The import order, bottom to top: a module may import the modules of the levels before its
/// own, never those of its own level or above.
const LEVELS: &[&[&str]] = &[
    &["azure", "hashing", "prose", "sort"],
    &["model"],
    &["addressing", "naming"],
    &["document"],
    &["edit"],
    &["graph"],
    &["trace"],
    &["draw"],
    &["form"],
    &["presets", "import"],
    &["rules"],
    &["export", "migrate"],
    &["link", "service"],
];

/// The level of a top-level module, if the order names it.
fn level(module: &str) -> Option<usize> {
    LEVELS.iter().position(|l| l.contains(&module))
}

/// The modules `module` may import, for messages.
fn allowed(module: &str) -> String {
    let below: Vec<&str> = match level(module) {
        Some(n) => LEVELS[..n].iter().flat_map(|l| l.iter().copied()).collect(),
        None => Vec::new(),
    };
    if below.is_empty() {
        "nothing else of the crate".to_string()
    } else {
        below.join(", ")
    }
}

/// A reference from one file to a top-level module of the crate.
#[derive(Debug, PartialEq)]
struct Reference {
    line: usize,
    /// The top-level module (or root item) the path names.
    target: String,
    /// The path as written, for messages.
    text: String,
}

/// `src` with comments and the contents of string and character literals blanked to spaces
/// (newlines kept, so line numbers hold).
fn blank(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = c.clone();
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let wipe = |out: &mut Vec<char>, from: usize, to: usize| {
        for ch in &mut out[from..to.min(c.len())] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
    };
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            let end = c[i..]
                .iter()
                .position(|&ch| ch == '\n')
                .map_or(c.len(), |n| i + n);
            wipe(&mut out, i, end);
            i = end;
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < c.len() && depth > 0 {
                if c[j] == '/' && c.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            wipe(&mut out, i, j);
            i = j;
        } else if !prev_ident && (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) {
            // A raw string r"…", r#"…"#, br"…", or just an identifier.
            let start = if c[i] == 'b' { i + 2 } else { i + 1 };
            let hashes = c[start..].iter().take_while(|&&ch| ch == '#').count();
            if c.get(start + hashes) == Some(&'"') {
                let body = start + hashes + 1;
                let mut j = body;
                while j < c.len() {
                    if c[j] == '"'
                        && c[j + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&h| h == '#')
                            .count()
                            == hashes
                    {
                        break;
                    }
                    j += 1;
                }
                wipe(&mut out, body, j);
                i = j + 1 + hashes;
            } else {
                i += 1;
            }
        } else if c[i] == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            wipe(&mut out, i + 1, j);
            i = j + 1;
        } else if c[i] == '\'' {
            // A character literal ('a', '\n', '\u{7f}') or a lifetime or label ('a).
            if c.get(i + 1) == Some(&'\\') {
                let end = c[i + 2..]
                    .iter()
                    .position(|&ch| ch == '\'')
                    .map_or(c.len(), |n| i + 2 + n);
                wipe(&mut out, i + 1, end);
                i = end + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                wipe(&mut out, i + 1, i + 2);
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// `code` (already [`blank`]ed) with every `#[cfg(test)]` item blanked: the attribute, any
/// attributes after it, and the item up to its `;` or its closing brace.
fn strip_test_items(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    const ATTR: &str = "#[cfg(test)]";
    let attr: Vec<char> = ATTR.chars().collect();
    let mut i = 0;
    while i + attr.len() <= c.len() {
        if c[i..i + attr.len()] != attr[..] {
            i += 1;
            continue;
        }
        let mut j = i + attr.len();
        // Further attributes (`#[path = …]`).
        loop {
            while j < c.len() && c[j].is_whitespace() {
                j += 1;
            }
            if c.get(j) == Some(&'#') && c.get(j + 1) == Some(&'[') {
                let mut depth = 0;
                while j < c.len() {
                    match c[j] {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                j += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
            } else {
                break;
            }
        }
        // The item: up to a `;` outside any bracket, or the brace that closes its body.
        let mut depth = 0i32;
        while j < c.len() {
            match c[j] {
                '{' | '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        j += 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        for ch in &mut c[i..j.min(code.len())] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        i = j;
    }
    c.into_iter().collect()
}

/// A cursor over blanked code that reads paths.
struct Paths<'a> {
    c: &'a [char],
    i: usize,
}

impl Paths<'_> {
    fn skip_space(&mut self) {
        while self.i < self.c.len() && self.c[self.i].is_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_space();
        let s: Vec<char> = s.chars().collect();
        if self.c[self.i..].starts_with(&s) {
            self.i += s.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        self.skip_space();
        let start = self.i;
        while self.i < self.c.len() && (self.c[self.i].is_alphanumeric() || self.c[self.i] == '_') {
            self.i += 1;
        }
        (self.i > start).then(|| self.c[start..self.i].iter().collect())
    }

    /// Reads the rest of a path whose segments so far resolve to `at` (module names from the
    /// crate root), pushing the top-level module of every leaf it reaches.
    fn rest(&mut self, mut at: Vec<String>, out: &mut Vec<(String, usize)>) {
        loop {
            if !self.eat("::") {
                out.extend(at.first().map(|t| (t.clone(), self.i)));
                return;
            }
            if self.eat("{") {
                self.group(&at, out);
                return;
            }
            self.skip_space();
            let here = self.i;
            match self.ident() {
                Some(seg) if seg == "self" => {}
                Some(seg) if seg == "super" => {
                    at.pop();
                }
                Some(seg) => {
                    out.push((at.first().cloned().unwrap_or(seg), here));
                    return;
                }
                None => {
                    out.extend(at.first().map(|t| (t.clone(), here)));
                    return;
                }
            }
        }
    }

    /// The items of a `{…}` group (its `{` read), each relative to `at`, up to its `}`.
    fn group(&mut self, at: &[String], out: &mut Vec<(String, usize)>) {
        loop {
            if self.eat("}") {
                return;
            }
            self.item(at.to_vec(), out);
            if !self.eat(",") {
                self.eat("}");
                return;
            }
        }
    }

    /// One item of a group, relative to `at`; reads up to the `,` or `}` after it.
    fn item(&mut self, mut at: Vec<String>, out: &mut Vec<(String, usize)>) {
        if self.eat("{") {
            self.group(&at, out);
        } else {
            self.skip_space();
            let here = self.i;
            match self.ident() {
                Some(seg) if seg == "self" || seg == "super" => {
                    if seg == "super" {
                        at.pop();
                    }
                    self.rest(at, out);
                }
                Some(seg) => out.push((at.first().cloned().unwrap_or(seg), here)),
                None => out.extend(at.first().map(|t| (t.clone(), here))),
            }
        }
        // The rest of the item (`::…`, `as name`), braces included, up to its separator.
        let mut depth = 0;
        while self.i < self.c.len() {
            match self.c[self.i] {
                '{' => depth += 1,
                '}' if depth == 0 => return,
                '}' => depth -= 1,
                ',' if depth == 0 => return,
                _ => {}
            }
            self.i += 1;
        }
    }
}

/// Every path in `code` (blanked, test items stripped) that starts at `crate` or climbs with
/// `super` out of a file whose module path is `module`, with the top-level module it reaches.
fn references(code: &str, module: &[String]) -> Vec<Reference> {
    let c: Vec<char> = code.chars().collect();
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if !ident(c[i]) || (i > 0 && (ident(c[i - 1]) || c[i - 1] == '$')) {
            i += 1;
            continue;
        }
        let end = c[i..]
            .iter()
            .position(|&ch| !ident(ch))
            .map_or(c.len(), |n| i + n);
        let word: String = c[i..end].iter().collect();
        // A path's first segment: not preceded by `::` (then it is inside a longer path).
        let before: Vec<char> = c[..i]
            .iter()
            .rev()
            .filter(|ch| !ch.is_whitespace())
            .take(2)
            .copied()
            .collect();
        let inner = before == [':', ':'];
        let start = match word.as_str() {
            "crate" if !inner => Some(Vec::new()),
            "super" if !inner => {
                let mut at = module.to_vec();
                at.pop();
                Some(at)
            }
            _ => None,
        };
        let Some(at) = start else {
            i = end;
            continue;
        };
        let mut paths = Paths { c: &c, i: end };
        let mut targets = Vec::new();
        paths.rest(at, &mut targets);
        // The whole path as written, up to its last segment.
        let mut stop = paths.i.max(end);
        while stop < c.len() && (ident(c[stop]) || c[stop] == ':') {
            stop += 1;
        }
        let mut text = c[i..stop]
            .iter()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if text.ends_with("::") {
            text.push_str("{…}");
        }
        for (target, at) in targets {
            out.push(Reference {
                line: c[..at].iter().filter(|&&ch| ch == '\n').count() + 1,
                target,
                text: text.clone(),
            });
        }
        i = paths.i.max(end);
    }
    out
}

/// The module path of a file under `src/`: `model/network.rs` is `[model, network]`,
/// `rules/mod.rs` is `[rules]`, `lib.rs` is `[]`.
fn module_path(relative: &str) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Whether a file holds only test code.
fn is_test_file(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name == "tests.rs"
        || name == "testing.rs"
        || name.ends_with("_tests.rs")
        || relative.split('/').any(|d| d == "tests")
}

/// The forbidden imports of one file (`relative` to `src/`), one message each. `roots` maps the
/// crate root's re-exported names to the module they come from.
fn violations(relative: &str, src: &str, roots: &HashMap<String, String>) -> Vec<String> {
    let module = module_path(relative);
    let Some(own) = module.first() else {
        return Vec::new();
    };
    if is_test_file(relative) || src.contains("#![cfg(test)]") {
        return Vec::new();
    }
    let Some(own_level) = level(own) else {
        return vec![format!(
            "core/src/{relative}: module `{own}` is not in the import order (LEVELS in \
             core/tests/import_order.rs, and ARCHITECTURE.md)"
        )];
    };
    let code = strip_test_items(&blank(src));
    let mut out = Vec::new();
    for r in references(&code, &module) {
        let target = roots.get(&r.target).unwrap_or(&r.target);
        if target == own {
            continue;
        }
        match level(target) {
            Some(l) if l < own_level => {}
            Some(_) => out.push(format!(
                "core/src/{relative}:{}: `{}` makes {own} import {target}, which is not below it \
                 in the import order; {own} may import only: {}",
                r.line,
                r.text,
                allowed(own)
            )),
            None => out.push(format!(
                "core/src/{relative}:{}: `{}` names `{target}`, which is neither a module in the \
                 import order nor a re-export of lib.rs",
                r.line, r.text
            )),
        }
    }
    out
}

/// The names lib.rs re-exports (`pub use document::{load, …}`), each with its module.
fn root_exports(lib: &str) -> HashMap<String, String> {
    let code = blank(lib);
    let mut out = HashMap::new();
    for statement in code.split(';') {
        let s = statement.trim();
        let Some(path) = s.strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        for name in rest.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !name.is_empty() && name != "self" && name != "as" {
                out.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    out
}

/// The `.rs` files under `dir`, relative to `root`, sorted.
fn sources(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
    out.sort();
}

#[test]
fn core_modules_import_only_modules_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    assert!(files.len() > 50, "found only {} source files", files.len());
    let lib = &files.iter().find(|(p, _)| p == "lib.rs").unwrap().1;
    let roots = root_exports(lib);
    assert_eq!(roots.get("check").map(String::as_str), Some("rules"));

    // Every module lib.rs declares is in the order, and the order names no other.
    let declared: Vec<String> = blank(lib)
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(|m| m.trim().to_string())
        })
        .collect();
    for m in &declared {
        assert!(level(m).is_some(), "module {m} is missing from LEVELS");
    }
    for m in LEVELS.iter().flat_map(|l| l.iter()) {
        assert!(
            declared.iter().any(|d| d == m),
            "LEVELS names {m}, which lib.rs does not declare"
        );
    }

    let problems: Vec<String> = files
        .iter()
        .flat_map(|(relative, text)| violations(relative, text, &roots))
        .collect();
    assert!(
        problems.is_empty(),
        "{} import(s) against the order (ARCHITECTURE.md, 'Architecture invariants'):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The checker trips on what it guards against, so that it cannot pass by seeing nothing.
mod checker {
    use super::*;

    fn found(relative: &str, src: &str) -> Vec<String> {
        let roots = root_exports("pub use rules::{check, Finding};\npub use model::Design;");
        violations(relative, src, &roots)
    }

    #[test]
    fn a_back_edge_is_named_with_file_line_and_edge() {
        let problems = found(
            "model/network.rs",
            "//! Regions.\n\nuse crate::rules::regions::offered;\n",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert!(p.starts_with("core/src/model/network.rs:3:"), "{p}");
        assert!(p.contains("model import rules"), "{p}");
        assert!(p.contains("crate::rules::regions::offered"), "{p}");
    }

    #[test]
    fn an_edge_down_the_order_passes() {
        assert!(found("model/network.rs", "use crate::azure::regions;\n").is_empty());
        assert!(found(
            "rules/select.rs",
            "use crate::{model::Design, trace, draw};\n"
        )
        .is_empty());
        assert!(found(
            "rules/select.rs",
            "use super::Context;\nuse super::super::graph;\n"
        )
        .is_empty());
    }

    #[test]
    fn groups_nested_groups_and_super_are_followed() {
        let src = "use crate::{\n    azure::names,\n    model::{Design, Id},\n    export::names::planned,\n};\n";
        let problems = found("rules/azure_name_valid.rs", src);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("rules import export"),
            "{}",
            problems[0]
        );
        let problems = found("trace/walk.rs", "use super::super::rules::select;\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problems = found("draw/mod.rs", "pub use super::{rules, azure};\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("draw import rules"));
        // An expression path, not only `use`.
        let problems = found(
            "trace/mod.rs",
            "fn f() { crate::rules::regions::location_key(\"x\"); }",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn root_re_exports_count_as_their_module() {
        let problems = found("graph.rs", "fn f(d: &crate::Design) { crate::check(d); }\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("graph import rules"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn test_code_comments_and_strings_are_not_imports() {
        let src = "\
//! See crate::rules::check.
/// Also [`x`](crate::rules::x).
const S: &str = \"crate::rules::y\";
const R: &str = r#\"crate::rules::\"z\"\"#;
fn f<'a>(x: &'a str) -> char { '{' }
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
#[path = \"x_tests.rs\"]
mod tests {
    use crate::rules::testing;
    fn g() { let _ = \"}\"; }
}
use crate::rules::select;
";
        let problems = found("trace/walk.rs", src);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("core/src/trace/walk.rs:14:"),
            "{}",
            problems[0]
        );
        assert!(found("trace/tests.rs", "use crate::rules::x;").is_empty());
        assert!(found("rules/testing.rs", "use crate::export::x;").is_empty());
        assert!(found("draw/place_tests.rs", "use crate::rules::x;").is_empty());
    }

    #[test]
    fn a_module_outside_the_order_fails() {
        let problems = found("newthing/mod.rs", "use crate::model::Design;");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("not in the import order"));
        let problems = found("model/mod.rs", "use crate::nowhere::x;");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
