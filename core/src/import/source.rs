//! Reading what is imported: the JSON text (byte-order mark, CRLF, tabs), its shape (a deployment
//! template, or resources as Azure returns them), and every resource it declares as a
//! [`Resource`] with its type, names, id and evaluated properties: template expressions evaluated,
//! `copy` loops and conditions applied, nested child resources flattened.

use super::eval::{field, EvalError, Scope, Unknown, RESOURCE_GROUP, SUBSCRIPTION};
use super::facts::{Facts, KEY as FACTS_KEY};
use super::ImportError;
use crate::hashing::HashMap;
use serde_json::{Map, Value};

/// Most resources one import may hold after `copy` loops (far above Azure's 800 per template:
/// an export of a whole subscription is bigger).
pub const MAX_RESOURCES: usize = 100_000;

/// One declared resource, evaluated.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Where it is declared: `resources[3]`, `resources[3][copy 2]`, `[5]` in an export.
    pub path: String,
    /// The full type as written, e.g. `Microsoft.Network/virtualNetworks/subnets`.
    pub kind: String,
    /// The name of each level: `["hsm-vnet", "hsmsubnet"]` for a subnet.
    pub names: Vec<String>,
    /// The full resource id, lower-cased: how references find it.
    pub key: String,
    pub location: Option<Value>,
    pub sku: Value,
    pub properties: Value,
    /// The resource's tags as written (evaluated in a template), `Null` when it has none.
    pub tags: Value,
}

impl Resource {
    pub fn name(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or("")
    }

    /// The type lower-cased, for matching.
    pub fn kind_key(&self) -> String {
        self.kind.to_ascii_lowercase()
    }
}

/// What the input was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Template,
    ResourceExport,
}

/// The input read: its resources in declaration order, the studio's facts when the template
/// carries them, the design's name.
pub struct Source {
    pub shape: Shape,
    pub resources: Vec<Resource>,
    pub facts: Facts,
    pub name: Option<String>,
    pub description: String,
    /// Resources read but not evaluated (nested deployments), for the report: (path, type).
    pub skipped: Vec<(String, String)>,
}

/// Parses JSON text (after a byte-order mark), naming line and column on failure.
pub fn parse_json(text: &str, what: &'static str) -> Result<Value, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| ImportError::Json {
        what,
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// The full id of a resource of the deployment from its type and names.
pub fn id_of(kind: &str, names: &[String]) -> String {
    let mut segments = kind.split('/');
    let namespace = segments.next().unwrap_or("");
    let mut id = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/{namespace}"
    );
    for (t, n) in segments.zip(names) {
        id.push('/');
        id.push_str(t);
        id.push('/');
        id.push_str(n);
    }
    id
}

/// A resource id as references compare it: lower-case, no trailing slash.
pub fn key(id: &str) -> String {
    id.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// The names in a full resource id after the provider: `…/virtualNetworks/v/subnets/s` gives
/// `("Microsoft.Network/virtualNetworks/subnets", ["v", "s"])`.
pub fn parse_id(id: &str) -> Option<(String, Vec<String>)> {
    let parts: Vec<&str> = id.trim().trim_matches('/').split('/').collect();
    let at = parts
        .iter()
        .rposition(|p| p.eq_ignore_ascii_case("providers"))?;
    let rest = &parts[at + 1..];
    if rest.len() < 3 || rest.len().is_multiple_of(2) {
        return None;
    }
    let mut kind = rest[0].to_string();
    let mut names = Vec::new();
    for pair in rest[1..].chunks(2) {
        kind.push('/');
        kind.push_str(pair[0]);
        names.push(pair[1].to_string());
    }
    Some((kind, names))
}

/// The resource group named in a full id, if any.
pub fn group_of(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.trim().trim_matches('/').split('/').collect();
    let at = parts
        .iter()
        .position(|p| p.eq_ignore_ascii_case("resourceGroups"))?;
    parts.get(at + 1).map(|s| s.to_string())
}

/// Reads the input: a deployment template (evaluated with `given` parameter values) or an
/// export of resources.
pub fn read(root: &Value, given: HashMap<String, Value>) -> Result<Source, ImportError> {
    match root {
        Value::Object(map) if field(root, "resources").is_some() => template(root, map, given),
        Value::Object(_) if field(root, "value").is_some_and(Value::is_array) => export(
            field(root, "value")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
            "value",
        ),
        Value::Object(_) if field(root, "type").is_some() && field(root, "name").is_some() => {
            export(std::iter::once(root), "")
        }
        Value::Array(items) => export(items.iter(), ""),
        _ => Err(ImportError::NotRecognised(
            "the file is neither a deployment template (an object with \"resources\") nor \
             resources as Azure returns them (an array of objects with \"type\" and \"name\", or \
             an object with \"value\" holding them)"
                .into(),
        )),
    }
}

/// The sections of a deployment template (languageVersion 2.0's included).
const SECTIONS: [&str; 13] = [
    "$schema",
    "contentVersion",
    "apiProfile",
    "languageVersion",
    "definitions",
    "functions",
    "imports",
    "extensions",
    "parameters",
    "variables",
    "resources",
    "outputs",
    "metadata",
];

/// A top-level key that is a section's name misspelled (`parameterss`) and the section itself
/// missing: Azure refuses such a template, and every reference into that section would fail
/// here with a less helpful message. Other unknown keys are left alone.
fn misspelled_section(root: &Value, map: &Map<String, Value>) -> Result<(), ImportError> {
    let missing: Vec<&str> = SECTIONS
        .into_iter()
        .filter(|section| field(root, section).is_none())
        .collect();
    for key in map.keys() {
        let lower = key.to_ascii_lowercase();
        let near = missing
            .iter()
            .find(|section| strsim::levenshtein(&section.to_ascii_lowercase(), &lower) <= 2);
        if let Some(section) = near {
            return Err(ImportError::Invalid {
                path: key.clone(),
                message: format!(
                    "is not a section of a deployment template: \"{section}\" misspelled?"
                ),
            });
        }
    }
    Ok(())
}

fn template(
    root: &Value,
    map: &Map<String, Value>,
    given: HashMap<String, Value>,
) -> Result<Source, ImportError> {
    misspelled_section(root, map)?;
    let mut scope = Scope::new(map, given);
    if let Some(name) = scope.undeclared_given().first() {
        return Err(ImportError::Invalid {
            path: "parameters".into(),
            message: format!("a value is given for '{name}', which the template does not declare"),
        });
    }
    let metadata = field(root, "metadata");
    let facts = metadata
        .and_then(|m| field(m, FACTS_KEY))
        .map(|f| {
            serde_json::from_value::<Facts>(f.clone()).map_err(|e| ImportError::Invalid {
                path: format!("metadata.{FACTS_KEY}"),
                message: e.to_string(),
            })
        })
        .transpose()?
        .unwrap_or_default();
    let text = |key: &str| {
        metadata
            .and_then(|m| field(m, key))
            .and_then(Value::as_str)
            .map(|s| {
                s.strip_prefix("[[")
                    .map(|r| format!("[{r}"))
                    .unwrap_or(s.to_string())
            })
    };
    let mut out = Source {
        shape: Shape::Template,
        resources: Vec::new(),
        facts,
        name: text("name"),
        description: text("description").unwrap_or_default(),
        skipped: Vec::new(),
    };
    match field(root, "resources").unwrap_or(&Value::Null) {
        Value::Array(items) => {
            for (i, r) in items.iter().enumerate() {
                declared(&mut scope, r, &format!("resources[{i}]"), None, &mut out)?;
            }
        }
        // languageVersion 2.0: resources by symbolic name.
        Value::Object(items) => {
            for (name, r) in items {
                declared(&mut scope, r, &format!("resources.{name}"), None, &mut out)?;
            }
        }
        _ => {
            return Err(ImportError::Invalid {
                path: "resources".into(),
                message: "is not an array of resources".into(),
            })
        }
    }
    Ok(out)
}

fn invalid(path: &str, e: EvalError, what: &str) -> ImportError {
    match e {
        EvalError::Invalid(message) => ImportError::Invalid {
            path: format!("{path}.{what}"),
            message,
        },
        EvalError::Unknown(name) => ImportError::MissingValue {
            name,
            path: format!("{path}.{what}"),
        },
    }
}

/// A string a resource must have (type, name), evaluated.
fn required_text(
    scope: &mut Scope,
    r: &Value,
    key: &str,
    path: &str,
) -> Result<String, ImportError> {
    let raw = field(r, key).ok_or_else(|| ImportError::Invalid {
        path: path.to_string(),
        message: format!("the resource has no \"{key}\""),
    })?;
    let v = match raw {
        Value::String(s) => scope.string(s).map_err(|e| invalid(path, e, key))?,
        other => other.clone(),
    };
    match v {
        Value::String(s) => Ok(s),
        other => Err(ImportError::Invalid {
            path: format!("{path}.{key}"),
            message: format!("is {other}, not a string"),
        }),
    }
}

/// One declared resource (with its `copy` loop), and its nested children.
fn declared(
    scope: &mut Scope,
    r: &Value,
    path: &str,
    parent: Option<(&str, &[String])>,
    out: &mut Source,
) -> Result<(), ImportError> {
    if !r.is_object() {
        return Err(ImportError::Invalid {
            path: path.to_string(),
            message: "is not a resource object".into(),
        });
    }
    match field(r, "copy") {
        Some(copy) => {
            let count = scope
                .count(copy)
                .map_err(|e| invalid(path, e, "copy.count"))?;
            let name = field(copy, "name")
                .and_then(Value::as_str)
                .unwrap_or("copy")
                .to_string();
            for i in 0..count {
                scope.loops.push((name.clone(), i));
                let done = one(scope, r, &format!("{path}[copy {i}]"), parent, out);
                scope.loops.pop();
                done?;
            }
            Ok(())
        }
        None => one(scope, r, path, parent, out),
    }
}

fn one(
    scope: &mut Scope,
    r: &Value,
    path: &str,
    parent: Option<(&str, &[String])>,
    out: &mut Source,
) -> Result<(), ImportError> {
    if let Some(condition) = field(r, "condition") {
        let v = match condition {
            Value::String(s) => scope.string(s).map_err(|e| invalid(path, e, "condition"))?,
            other => other.clone(),
        };
        match v {
            Value::Bool(false) => return Ok(()),
            Value::Bool(true) => {}
            other => {
                return Err(ImportError::Invalid {
                    path: format!("{path}.condition"),
                    message: format!("is {other}, not a boolean"),
                })
            }
        }
    }
    let written_kind = required_text(scope, r, "type", path)?;
    let written_name = required_text(scope, r, "name", path)?;
    // A nested child may write its type and name relative to its parent.
    let (kind, names) = match parent {
        Some((pk, pn)) if !written_kind.contains('/') => {
            let mut names = pn.to_vec();
            names.push(written_name.clone());
            (format!("{pk}/{written_kind}"), names)
        }
        _ => (
            written_kind.clone(),
            written_name.split('/').map(str::to_string).collect(),
        ),
    };
    if kind.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
        out.skipped.push((path.to_string(), kind));
        return Ok(());
    }
    if kind.split('/').count() != names.len() + 1 {
        return Err(ImportError::Invalid {
            path: format!("{path}.name"),
            message: format!(
                "the name '{written_name}' has {} segment{} but the type '{kind}' needs {}",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                kind.split('/').count().saturating_sub(1)
            ),
        });
    }
    let value = |scope: &mut Scope, key: &str| -> Result<Value, ImportError> {
        match field(r, key) {
            Some(v) => scope.value(v).map_err(|e| invalid(path, e, key)),
            None => Ok(Value::Null),
        }
    };
    let location = match field(r, "location") {
        None => None,
        Some(_) => Some(value(scope, "location")?),
    };
    let sku = value(scope, "sku")?;
    let properties = value(scope, "properties")?;
    let tags = value(scope, "tags")?;
    push(
        out,
        Resource {
            path: path.to_string(),
            key: key(&id_of(&kind, &names)),
            kind: kind.clone(),
            names: names.clone(),
            location,
            sku,
            properties,
            tags,
        },
    )?;
    if let Some(children) = field(r, "resources").and_then(Value::as_array) {
        for (i, c) in children.iter().enumerate() {
            declared(
                scope,
                c,
                &format!("{path}.resources[{i}]"),
                Some((&kind, &names)),
                out,
            )?;
        }
    }
    Ok(())
}

fn push(out: &mut Source, r: Resource) -> Result<(), ImportError> {
    if out.resources.len() >= MAX_RESOURCES {
        return Err(ImportError::Invalid {
            path: r.path,
            message: format!("the input holds more than {MAX_RESOURCES} resources"),
        });
    }
    out.resources.push(r);
    Ok(())
}

/// Resources as Azure returns them: literal values, full ids.
fn export<'v>(items: impl Iterator<Item = &'v Value>, prefix: &str) -> Result<Source, ImportError> {
    let mut out = Source {
        shape: Shape::ResourceExport,
        resources: Vec::new(),
        facts: Facts::default(),
        name: None,
        description: String::new(),
        skipped: Vec::new(),
    };
    for (i, r) in items.enumerate() {
        let path = format!("{prefix}[{i}]");
        let text = |key: &str| field(r, key).and_then(Value::as_str).map(str::to_string);
        let (Some(kind), Some(name)) = (text("type"), text("name")) else {
            return Err(ImportError::Invalid {
                path,
                message: "is not a resource (an object with \"type\" and \"name\")".into(),
            });
        };
        let (kind, names, key) = match text("id").as_deref().and_then(|id| {
            let (k, n) = parse_id(id)?;
            Some((k, n, super::source::key(id)))
        }) {
            Some(found) => found,
            None => {
                let names: Vec<String> = name.split('/').map(str::to_string).collect();
                let key = key(&id_of(&kind, &names));
                (kind, names, key)
            }
        };
        let location = field(r, "location").cloned();
        let sku = field(r, "sku").cloned().unwrap_or(Value::Null);
        let properties = field(r, "properties").cloned().unwrap_or(Value::Null);
        if Unknown::of(&properties).is_some() {
            continue;
        }
        let tags = field(r, "tags").cloned().unwrap_or(Value::Null);
        push(
            &mut out,
            Resource {
                path,
                kind,
                names,
                key,
                location,
                sku,
                properties,
                tags,
            },
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_parse_into_type_and_names() {
        let (kind, names) = parse_id(
            "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
        )
        .unwrap();
        assert_eq!(kind, "Microsoft.Network/virtualNetworks/subnets");
        assert_eq!(names, ["v", "s"]);
        assert_eq!(
            group_of("/subscriptions/x/resourceGroups/RG2/providers/a/b/c").as_deref(),
            Some("RG2")
        );
        assert!(parse_id("/subscriptions/x").is_none());
    }

    #[test]
    fn copy_loops_conditions_and_nested_children_expand() {
        let t = json!({
            "parameters": {"n": {"type": "int", "defaultValue": 3}},
            "resources": [
                {"type": "Microsoft.Network/virtualNetworks", "name": "[concat('v', copyIndex(1))]",
                 "copy": {"name": "vnets", "count": "[parameters('n')]"},
                 "resources": [{"type": "subnets", "name": "s", "properties": {}}]},
                {"condition": false, "type": "Microsoft.Network/routeTables", "name": "rt"},
            ]
        });
        let s = read(&t, HashMap::default()).unwrap();
        let names: Vec<String> = s.resources.iter().map(|r| r.names.join("/")).collect();
        assert_eq!(names, ["v1", "v1/s", "v2", "v2/s", "v3", "v3/s"]);
        assert_eq!(
            s.resources[1].kind,
            "Microsoft.Network/virtualNetworks/subnets"
        );
        assert_eq!(s.resources[2].path, "resources[0][copy 1]");
    }

    #[test]
    fn a_name_that_does_not_fit_its_type_names_the_place() {
        let t = json!({"resources": [{"type": "Microsoft.Network/virtualNetworks/subnets", "name": "only-one"}]});
        let Err(ImportError::Invalid { path, message }) = read(&t, HashMap::default()) else {
            panic!()
        };
        assert_eq!(path, "resources[0].name");
        assert!(message.contains("needs 2"), "{message}");
    }
}
