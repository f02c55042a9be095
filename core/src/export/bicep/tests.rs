//! Tests of the Bicep export, with a small parser for the subset of Bicep the exporter writes.
//!
//! The parser follows the language specification for what it accepts (statements, decorators,
//! single-quoted strings with their escapes and `${…}` interpolation, identifiers, objects and
//! arrays across lines, member access and function calls) and refuses anything else, so an
//! output it accepts is in that subset. The tests then evaluate each resource to JSON, resolving
//! symbolic references to ARM's `resourceId` form, and compare it with the ARM template.

use super::{is_identifier, string};
use crate::export::{arm, HsmApiVersion, Options, Valid};
use crate::hashing::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::presets::{self, Size};
use crate::Design;
use serde_json::{json, Map, Value};

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    Interp(Expr),
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Str(Vec<Part>),
    Int(i64),
    Bool(bool),
    Ident(String),
    Member(Box<Expr>, String),
    Call(String, Vec<Expr>),
    Obj(Vec<(String, Expr)>),
    Arr(Vec<Expr>),
}

#[derive(Debug)]
enum Statement {
    Metadata(String, Expr),
    Param {
        name: String,
        secure: bool,
        default: Option<Expr>,
    },
    Resource {
        symbol: String,
        type_api: String,
        body: Expr,
    },
}

const KEYWORDS: &[&str] = &[
    "metadata",
    "param",
    "var",
    "resource",
    "output",
    "module",
    "existing",
    "true",
    "false",
    "null",
    "if",
    "for",
    "in",
    "import",
    "type",
    "func",
    "targetScope",
    "using",
    "extension",
];

struct Parser<'s> {
    chars: Vec<char>,
    pos: usize,
    _src: &'s str,
}

type Res<T> = Result<T, String>;

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Self {
        Parser {
            chars: src.chars().collect(),
            pos: 0,
            _src: src,
        }
    }

    fn err<T>(&self, what: &str) -> Res<T> {
        let line = self.chars[..self.pos.min(self.chars.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count()
            + 1;
        Err(format!("line {line}: {what}"))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Skips spaces (not newlines) and `//` comments.
    fn spaces(&mut self) {
        loop {
            match self.peek() {
                Some(' ') => self.pos += 1,
                Some('/') if self.chars.get(self.pos + 1) == Some(&'/') => {
                    while !matches!(self.peek(), Some('\n') | None) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
    }

    /// Skips spaces, comments and newlines.
    fn blank(&mut self) {
        loop {
            self.spaces();
            if self.peek() == Some('\n') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn newline(&mut self) -> Res<()> {
        self.spaces();
        match self.peek() {
            Some('\n') => {
                self.pos += 1;
                Ok(())
            }
            None => Ok(()),
            Some(c) => self.err(&format!("expected a new line, found {c:?}")),
        }
    }

    fn expect(&mut self, c: char) -> Res<()> {
        self.spaces();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(&format!("expected {c:?}, found {:?}", self.peek()))
        }
    }

    fn ident(&mut self) -> Res<String> {
        self.spaces();
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        if !is_identifier(&word) {
            return self.err(&format!("expected an identifier, found {word:?}"));
        }
        Ok(word)
    }

    fn program(&mut self) -> Res<Vec<Statement>> {
        let mut out = Vec::new();
        loop {
            self.blank();
            if self.peek().is_none() {
                return Ok(out);
            }
            let mut secure = false;
            while self.peek() == Some('@') {
                self.pos += 1;
                let name = self.ident()?;
                self.expect('(')?;
                let args = self.args()?;
                match (name.as_str(), args.len()) {
                    ("secure", 0) => secure = true,
                    ("description", 1) if matches!(args[0], Expr::Str(_)) => {}
                    _ => return self.err(&format!("unexpected decorator @{name}")),
                }
                self.newline()?;
                self.spaces();
            }
            let keyword = self.ident()?;
            match keyword.as_str() {
                "metadata" => {
                    let name = self.ident()?;
                    self.expect('=')?;
                    let value = self.expr()?;
                    out.push(Statement::Metadata(name, value));
                }
                "param" => {
                    let name = self.ident()?;
                    if self.ident()? != "string" {
                        return self.err("expected the type string");
                    }
                    self.spaces();
                    let default = if self.peek() == Some('=') {
                        self.pos += 1;
                        Some(self.expr()?)
                    } else {
                        None
                    };
                    out.push(Statement::Param {
                        name,
                        secure,
                        default,
                    });
                }
                "resource" => {
                    let symbol = self.ident()?;
                    self.spaces();
                    let Expr::Str(parts) = self.expr()? else {
                        return self.err("expected the resource type string");
                    };
                    let type_api = plain(&parts).ok_or("interpolated resource type")?;
                    self.expect('=')?;
                    let body = self.expr()?;
                    if !matches!(body, Expr::Obj(_)) {
                        return self.err("a resource body is an object");
                    }
                    out.push(Statement::Resource {
                        symbol,
                        type_api,
                        body,
                    });
                }
                other => return self.err(&format!("unexpected statement {other:?}")),
            }
            self.newline()?;
        }
    }

    /// Arguments after `(`, up to and including `)`.
    fn args(&mut self) -> Res<Vec<Expr>> {
        let mut args = Vec::new();
        self.spaces();
        if self.peek() == Some(')') {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            self.spaces();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    return Ok(args);
                }
                c => return self.err(&format!("expected ',' or ')', found {c:?}")),
            }
        }
    }

    fn expr(&mut self) -> Res<Expr> {
        let mut e = self.primary()?;
        loop {
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    let member = self.ident()?;
                    e = Expr::Member(Box::new(e), member);
                }
                Some('(') => {
                    let Expr::Ident(name) = e else {
                        return self.err("only a function name can be called");
                    };
                    self.pos += 1;
                    e = Expr::Call(name, self.args()?);
                }
                _ => return Ok(e),
            }
        }
    }

    fn primary(&mut self) -> Res<Expr> {
        self.spaces();
        match self.peek() {
            Some('\'') => {
                self.pos += 1;
                self.string()
            }
            Some('{') => {
                self.pos += 1;
                self.spaces();
                if self.peek() == Some('}') {
                    self.pos += 1;
                    return Ok(Expr::Obj(vec![]));
                }
                self.newline()?;
                let mut pairs = Vec::new();
                let mut keys = HashSet::new();
                loop {
                    self.blank();
                    if self.peek() == Some('}') {
                        self.pos += 1;
                        return Ok(Expr::Obj(pairs));
                    }
                    let key = if self.peek() == Some('\'') {
                        self.pos += 1;
                        let Expr::Str(parts) = self.string()? else {
                            unreachable!()
                        };
                        plain(&parts).ok_or("interpolated key")?
                    } else {
                        self.ident()?
                    };
                    if !keys.insert(key.clone()) {
                        return self.err(&format!("duplicate key {key}"));
                    }
                    self.expect(':')?;
                    let value = self.expr()?;
                    self.newline()?;
                    pairs.push((key, value));
                }
            }
            Some('[') => {
                self.pos += 1;
                self.spaces();
                if self.peek() == Some(']') {
                    self.pos += 1;
                    return Ok(Expr::Arr(vec![]));
                }
                self.newline()?;
                let mut items = Vec::new();
                loop {
                    self.blank();
                    if self.peek() == Some(']') {
                        self.pos += 1;
                        return Ok(Expr::Arr(items));
                    }
                    items.push(self.expr()?);
                    self.newline()?;
                }
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                let start = self.pos;
                self.pos += 1;
                while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                text.parse()
                    .map(Expr::Int)
                    .or_else(|_| self.err(&format!("bad number {text}")))
            }
            _ => {
                let word = self.ident()?;
                Ok(match word.as_str() {
                    "true" => Expr::Bool(true),
                    "false" => Expr::Bool(false),
                    "null" => return self.err("null is not written"),
                    _ => Expr::Ident(word),
                })
            }
        }
    }

    /// A string after its opening quote.
    fn string(&mut self) -> Res<Expr> {
        let mut parts = Vec::new();
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err("unterminated string");
            };
            self.pos += 1;
            match c {
                '\'' => break,
                '\n' | '\r' => return self.err("a raw line break in a string"),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return self.err("unterminated escape");
                    };
                    self.pos += 1;
                    match e {
                        '\\' => text.push('\\'),
                        '\'' => text.push('\''),
                        'n' => text.push('\n'),
                        'r' => text.push('\r'),
                        't' => text.push('\t'),
                        '$' => text.push('$'),
                        'u' => {
                            self.expect('{')?;
                            let start = self.pos;
                            while matches!(self.peek(), Some(c) if c.is_ascii_hexdigit()) {
                                self.pos += 1;
                            }
                            let hex: String = self.chars[start..self.pos].iter().collect();
                            self.expect('}')?;
                            let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                            match code {
                                Some(c) => text.push(c),
                                None => return self.err("bad \\u escape"),
                            }
                        }
                        other => return self.err(&format!("unknown escape \\{other}")),
                    }
                }
                '$' if self.peek() == Some('{') => {
                    self.pos += 1;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    let e = self.expr()?;
                    self.expect('}')?;
                    parts.push(Part::Interp(e));
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Expr::Str(parts))
    }
}

/// The value of a string without interpolation.
fn plain(parts: &[Part]) -> Option<String> {
    match parts {
        [Part::Text(t)] => Some(t.clone()),
        _ => None,
    }
}

fn parse(src: &str) -> Vec<Statement> {
    Parser::new(src)
        .program()
        .unwrap_or_else(|e| panic!("invalid Bicep: {e}\n{}", excerpt(src, &e)))
}

fn excerpt(src: &str, error: &str) -> String {
    let line: usize = error
        .strip_prefix("line ")
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    src.lines()
        .skip(line.saturating_sub(3))
        .take(5)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A parsed file: declarations checked, resources evaluated to ARM's JSON form.
struct Checked {
    metadata: HashMap<String, String>,
    params: HashMap<String, (bool, Option<String>)>,
    /// ARM resources without `dependsOn`, in order.
    resources: Vec<Value>,
    /// Per resource (ARM name), the ARM ids of the resources it depends on.
    dependencies: Vec<HashSet<String>>,
}

struct Decl {
    kind: String,
    path: Vec<String>,
}

fn check_file(src: &str) -> Checked {
    let statements = parse(src);
    let mut declared: HashSet<String> = HashSet::new();
    let mut params = HashMap::new();
    let mut metadata = HashMap::new();
    let mut decls: HashMap<String, Decl> = HashMap::new();
    for s in &statements {
        let name = match s {
            Statement::Metadata(name, value) => {
                let Expr::Str(parts) = value else {
                    panic!("metadata {name} is not a string")
                };
                metadata.insert(name.clone(), plain(parts).expect("plain metadata"));
                continue;
            }
            Statement::Param {
                name,
                secure,
                default,
            } => {
                let default = default.as_ref().map(|d| match d {
                    Expr::Str(parts) => plain(parts).expect("plain default"),
                    other => panic!("default {other:?}"),
                });
                assert!(
                    !(*secure && default.is_some()),
                    "secure {name} has a default"
                );
                params.insert(name.clone(), (*secure, default));
                name
            }
            Statement::Resource { symbol, .. } => symbol,
        };
        assert!(!KEYWORDS.contains(&name.as_str()), "{name} is a keyword");
        assert!(
            declared.insert(name.to_ascii_lowercase()),
            "{name} is declared twice"
        );
    }
    // Resources in order: a parent is declared before its children.
    let mut resources = Vec::new();
    let mut dependencies = Vec::new();
    for s in &statements {
        let Statement::Resource {
            symbol,
            type_api,
            body,
        } = s
        else {
            continue;
        };
        let (kind, api) = type_api.split_once('@').expect("type@apiVersion");
        let Expr::Obj(pairs) = body else {
            unreachable!()
        };
        let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v);
        let name = match get("name") {
            Some(Expr::Str(parts)) => plain(parts).expect("a literal name"),
            other => panic!("{symbol}: name {other:?}"),
        };
        let mut path = vec![name];
        let mut deps = HashSet::new();
        if let Some(parent) = get("parent") {
            let Expr::Ident(p) = parent else {
                panic!("{symbol}: parent {parent:?}")
            };
            let parent = decls
                .get(p)
                .unwrap_or_else(|| panic!("{symbol}: parent {p} undeclared"));
            assert!(kind.starts_with(&format!("{}/", parent.kind)));
            let mut full = parent.path.clone();
            full.extend(path);
            path = full;
            deps.insert(arm_id(parent, None));
        }
        decls.insert(
            symbol.clone(),
            Decl {
                kind: kind.to_string(),
                path: path.clone(),
            },
        );
        let cx = Eval {
            decls: &decls,
            params: &params,
            own: symbol,
        };
        let mut out = Map::new();
        out.insert("type".into(), json!(kind));
        out.insert("apiVersion".into(), json!(api));
        out.insert("name".into(), json!(arm::literal(&path.join("/"))));
        for (key, value) in pairs {
            match key.as_str() {
                "name" | "parent" => {}
                "dependsOn" => {
                    let Expr::Arr(items) = value else {
                        panic!("dependsOn {value:?}")
                    };
                    for item in items {
                        let Expr::Ident(d) = item else {
                            panic!("dependsOn item {item:?}")
                        };
                        let decl = decls.get(d).unwrap_or_else(|| panic!("{d} undeclared"));
                        assert!(
                            deps.insert(arm_id(decl, None)),
                            "{symbol}: dependsOn {d} is already implied"
                        );
                    }
                }
                "location" | "sku" | "properties" | "tags" => {
                    out.insert(key.clone(), cx.eval(value, &mut deps));
                }
                other => panic!("{symbol}: unexpected key {other}"),
            }
        }
        resources.push(Value::Object(out));
        dependencies.push(deps);
    }
    Checked {
        metadata,
        params,
        resources,
        dependencies,
    }
}

fn arm_id(decl: &Decl, child: Option<(&str, &str)>) -> String {
    let mut kind = decl.kind.clone();
    let mut names: Vec<String> = decl.path.iter().map(|n| quote(n)).collect();
    if let Some((segment, name)) = child {
        kind = format!("{kind}/{segment}");
        names.push(quote(name));
    }
    format!("[resourceId({}, {})]", quote(&kind), names.join(", "))
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

struct Eval<'a> {
    decls: &'a HashMap<String, Decl>,
    params: &'a HashMap<String, (bool, Option<String>)>,
    own: &'a str,
}

impl Eval<'_> {
    /// Evaluates to ARM's JSON form; collects the resources referred to.
    fn eval(&self, e: &Expr, deps: &mut HashSet<String>) -> Value {
        match e {
            Expr::Int(n) => json!(n),
            Expr::Bool(b) => json!(b),
            Expr::Arr(items) => Value::Array(items.iter().map(|i| self.eval(i, deps)).collect()),
            Expr::Obj(pairs) => Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), self.eval(v, deps)))
                    .collect(),
            ),
            Expr::Ident(name) => {
                assert!(self.params.contains_key(name), "{name} is not a parameter");
                json!(format!("[parameters('{name}')]"))
            }
            Expr::Member(target, member) => {
                let Expr::Ident(symbol) = target.as_ref() else {
                    panic!("member of {target:?}")
                };
                assert_eq!(member, "id");
                assert_ne!(symbol, self.own, "a resource refers to its own symbol");
                let decl = self.decls.get(symbol).unwrap_or_else(|| {
                    panic!("{symbol} is used before it is declared or never declared")
                });
                let id = arm_id(decl, None);
                deps.insert(id.clone());
                json!(id)
            }
            Expr::Call(name, args) => {
                assert_eq!(name, "resourceId");
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        Expr::Str(parts) => quote(&plain(parts).expect("plain argument")),
                        other => panic!("resourceId argument {other:?}"),
                    })
                    .collect();
                json!(format!("[resourceId({})]", args.join(", ")))
            }
            Expr::Str(parts) => match parts.as_slice() {
                [Part::Text(t)] => json!(arm::literal(t)),
                [Part::Interp(Expr::Member(target, member)), Part::Text(rest)] => {
                    let Expr::Ident(symbol) = target.as_ref() else {
                        panic!("{target:?}")
                    };
                    assert_eq!(member, "id");
                    let decl = self.decls.get(symbol).expect("declared");
                    deps.insert(arm_id(decl, None));
                    let mut segments = rest.trim_start_matches('/').splitn(2, '/');
                    let segment = segments.next().unwrap();
                    let name = segments.next().expect("a sub-resource name");
                    json!(arm_id(decl, Some((segment, name))))
                }
                other => panic!("unexpected interpolation {other:?}"),
            },
        }
    }
}

fn preset(name: &str, spokes: Option<usize>) -> Design {
    presets::build(
        name,
        &Size {
            spokes,
            regions: None,
        },
    )
    .unwrap()
}

/// Parses the Bicep of a design and asserts it declares what the ARM template declares, with
/// the same properties and dependencies.
fn assert_equivalent(design: &Design, options: &Options) -> Checked {
    let valid = Valid::new(design).expect("the design checks clean");
    let bicep = super::render(&valid, options).unwrap();
    let arm = arm::template(&valid, options);
    let checked = check_file(&bicep);
    let arm_resources = arm["resources"].as_array().unwrap();
    assert_eq!(checked.resources.len(), arm_resources.len());
    for ((from_bicep, deps), from_arm) in checked
        .resources
        .iter()
        .zip(&checked.dependencies)
        .zip(arm_resources)
    {
        let mut without = from_arm.clone();
        let arm_deps: HashSet<String> = without
            .as_object_mut()
            .unwrap()
            .remove("dependsOn")
            .and_then(|d| d.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.as_str().unwrap().to_string())
            .collect();
        assert_eq!(from_bicep, &without);
        // Bicep may reach a resource through a sub-resource (a subnet of its VNet): the
        // same dependency.
        assert_eq!(deps, &arm_deps, "dependencies of {}", from_arm["name"]);
    }
    for (name, p) in arm["parameters"].as_object().unwrap() {
        let (secure, default) = &checked.params[name];
        assert_eq!(*secure, p["type"] == "securestring", "{name}");
        assert_eq!(
            default.as_deref().map(arm::literal),
            p["defaultValue"].as_str().map(str::to_string)
        );
    }
    assert_eq!(
        checked.params.len(),
        arm["parameters"].as_object().unwrap().len()
    );
    checked
}

#[test]
fn every_preset_is_valid_bicep_equivalent_to_its_arm_template() {
    for p in presets::ALL {
        let mut sizes = vec![None];
        if p.takes_spokes {
            sizes.push(Some(50));
        }
        for spokes in sizes {
            for version in HsmApiVersion::ALL {
                let checked = assert_equivalent(
                    &preset(p.name, spokes),
                    &Options {
                        hsm_api_version: version,
                    },
                );
                assert!(!checked.resources.is_empty(), "{}", p.name);
            }
        }
    }
}

/// What no preset has: active-active VPN gateways (a second IP configuration and public IP
/// each), Basic public IPs and ExpressRoute FastPath; the Bicep still parses and matches the
/// ARM template.
#[test]
fn active_active_basic_ips_and_fastpath_are_equivalent_bicep() {
    use crate::model::{ConnectionKind, GatewayKind, PublicIpSku};
    for name in ["cross-region-ha", "hub-nva-proxy"] {
        let mut design = preset(name, None);
        for g in &mut design.gateways {
            match g.kind {
                GatewayKind::Vpn => g.active_active = true,
                GatewayKind::ExpressRoute => g.public_ip_sku = PublicIpSku::Basic,
            }
        }
        for c in &mut design.connections {
            c.fastpath = matches!(c.kind, ConnectionKind::ExpressRoute { .. });
        }
        let checked = assert_equivalent(&design, &Options::default());
        let text = serde_json::to_string(&checked.resources).unwrap();
        for needle in [r#""activeActive":true"#, r#""name":"Basic""#] {
            assert!(
                name != "cross-region-ha" || text.contains(needle),
                "{name}: {needle}"
            );
        }
        if name == "hub-nva-proxy" {
            assert!(text.contains(r#""expressRouteGatewayBypass":true"#));
        }
    }
}

const NASTY: &str = "it's a \\ back\\slash ${evil} $x {y} '' \\' \\${x}\nnew line\r\ttab \"dq\" \
                     <script>alert('x')</script> ünïcødé 🔐 \u{7} end\\";

#[test]
fn strings_are_escaped_and_round_trip() {
    for s in [NASTY, "", "'", "\\", "${", "$", "}", "[x]", "[[x]", "a'b"] {
        let src = format!("metadata x = {}\n", string(s));
        let checked = check_file(&src);
        assert_eq!(checked.metadata["x"], s, "{src}");
    }
    assert_eq!(string("a'b\\c${d}"), r"'a\'b\\c\${d}'");
    assert_eq!(string("$x"), "'$x'");
}

#[test]
fn user_text_in_metadata_and_descriptions_round_trips_in_both_formats() {
    let (b, _) = crate::rules::testing::hsm_vnet();
    let mut design = b.finish();
    design.name = format!("[{NASTY}]");
    design.description = NASTY.to_string();
    design.regions[0].name = NASTY.to_string();
    let checked = assert_equivalent(&design, &Options::default());
    assert_eq!(checked.metadata["name"], design.name);
    assert_eq!(checked.metadata["description"], NASTY);
    let valid = Valid::new(&design).unwrap();
    let bicep = super::render(&valid, &Options::default()).unwrap();
    assert!(bicep.contains(&format!(
        "'The Azure location of region \\'{}",
        "it\\'s a \\\\"
    )));
    let arm: Value =
        serde_json::from_str(&arm::to_string(&valid, &Options::default()).unwrap()).unwrap();
    // ARM keeps the text, with a second '[' so that it is not read as an expression.
    assert_eq!(arm["metadata"]["name"], format!("[{}", design.name));
    assert_eq!(arm["metadata"]["description"], NASTY);
    assert_eq!(
        arm["parameters"]["location"]["metadata"]["description"],
        format!("The Azure location of region '{NASTY}'.")
    );
}

#[test]
fn the_checker_refuses_what_bicep_refuses() {
    for bad in [
        "metadata x = 'a\nb'\n",
        "metadata x = 'unterminated\n",
        "metadata x = 'bad \\q escape'\n",
        "metadata x = \"double\"\n",
        "resource r 'T@1' = {\n  name: 'a'\n  name: 'b'\n}\n",
        "resource r 'T@1' = { name: 'a' }\n",
        "param 1x string\n",
    ] {
        assert!(Parser::new(bad).program().is_err(), "{bad}");
    }
    let undeclared = "resource a 'T@1' = {\n  name: 'a'\n  properties: {\n    x: b.id\n  }\n}\n";
    assert!(std::panic::catch_unwind(|| check_file(undeclared)).is_err());
}

#[test]
fn references_are_symbolic_and_self_references_use_resource_id() {
    let design = preset("hub-nva-proxy", None);
    let valid = Valid::new(&design).unwrap();
    let bicep = super::render(&valid, &Options::default()).unwrap();
    assert!(bicep.contains("@secure()\nparam nvaAdminSshPublicKey string\n"));
    assert!(bicep.contains("'${vnet_hub_vnet.id}/subnets/nva-subnet'"));
    assert!(bicep.contains(
        "resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', 'nva-ilb', 'frontend')"
    ));
    assert!(bicep.contains("  parent: vnet_hub_vnet\n  name: 'to-hsm-vnet'\n"));
    // The HSMs wait for their VNet's ExpressRoute gateway, which no property names.
    assert!(bicep.contains("  dependsOn: [\n    gw_hsm_ergw\n  ]\n"));
}

#[test]
fn the_same_design_gives_the_same_bicep() {
    let design = preset("cross-region-ha", None);
    let valid = Valid::new(&design).unwrap();
    let a = super::render(&valid, &Options::default()).unwrap();
    let b = super::render(&valid, &Options::default()).unwrap();
    assert_eq!(a, b);
}
