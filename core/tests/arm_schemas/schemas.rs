//! Per-resource validation against the ARM schemas vendored in `tests/arm-schemas`, offline, with
//! each schema file indexed and each resource definition compiled once per test run.

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Registry, Retrieve, Uri, ValidationError, Validator};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// The URL prefix under which every ARM schema names the others.
const SCHEMA_URL: &str = "https://schema.management.azure.com/schemas/";

/// Marks the stand-in for a schema file that a present file refers to but that is not vendored
/// in `tests/arm-schemas` (Compute refers to `Microsoft.Compute.Extensions.json`).
const ABSENT: &str = "ABSENT from tests/arm-schemas: ";

/// `schemas/` of `tests/arm-schemas`, the copy of the upstream schemas kept in this package.
fn schemas_dir() -> PathBuf {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/arm-schemas/schemas");
    assert!(
        schemas.is_dir(),
        "the ARM schemas are missing: looked for {} (vendored in core/tests/arm-schemas, see its \
         README); without them the exported templates cannot be validated",
        schemas.display()
    );
    schemas
}

/// Serves `https://schema.management.azure.com/schemas/<path>` from `schemas/<path>`; refuses
/// everything else, so validation never touches the network.
struct SchemaFiles {
    dir: PathBuf,
}

impl SchemaFiles {
    /// The path under `schemas/` of a schema URL, or why it is not one of ours.
    fn relative(uri: &str) -> Result<&str, String> {
        let rel = uri
            .strip_prefix(SCHEMA_URL)
            .ok_or_else(|| format!("{uri} is not under {SCHEMA_URL}; refusing to fetch it"))?;
        let rel = rel.split('#').next().unwrap_or(rel);
        if rel
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Err(format!("{uri} is not a plain schema path"));
        }
        Ok(rel)
    }

    /// A stand-in for an absent file that present files refer to: each definition they name
    /// rejects every value (with a description saying why), so nothing validates by accident.
    fn absent_stand_in(&self, uri: &str, rel: &str) -> Result<Value, String> {
        let needle = format!("{uri}#/definitions/");
        let mut definitions = serde_json::Map::new();
        for version in read_dir_sorted(&self.dir)? {
            for file in read_dir_sorted(&version)? {
                if file.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                for (at, _) in text.match_indices(&needle) {
                    let rest = &text[at + needle.len()..];
                    let name = &rest[..rest.find('"').unwrap_or(rest.len())];
                    definitions.insert(
                        name.to_string(),
                        json!({ "not": {}, "description": format!("{ABSENT}{rel}") }),
                    );
                }
            }
        }
        if definitions.is_empty() {
            return Err(format!("{} does not exist", self.dir.join(rel).display()));
        }
        Ok(
            json!({ "$schema": "http://json-schema.org/draft-04/schema#", "definitions": definitions }),
        )
    }
}

impl Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let rel = Self::relative(uri.as_str())?;
        let path = self.dir.join(rel);
        match std::fs::read(&path) {
            Ok(bytes) => {
                Ok(serde_json::from_slice(&bytes)
                    .map_err(|e| format!("{}: {e}", path.display()))?)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(self.absent_stand_in(uri.as_str(), rel)?)
            }
            Err(e) => Err(format!("{}: {e}", path.display()).into()),
        }
    }
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

// ---------------------------------------------------------------------------------------------
// Compiled schemas, cached for the whole test run
// ---------------------------------------------------------------------------------------------

/// One schema file, indexed once: its registry (with everything it refers to) and the names it
/// defines.
struct SchemaFile {
    registry: Registry<'static>,
    resource_definitions: BTreeSet<String>,
    definitions: BTreeSet<String>,
}

type Cell<T> = Arc<OnceLock<Result<Arc<T>, String>>>;

/// Schema files by path under `schemas/`, and validators by schema URL with fragment. Each is
/// built once per test run (the Network file is 900 KB), even when tests run in parallel.
#[derive(Default)]
struct Cache {
    files: Mutex<HashMap<String, Cell<SchemaFile>>>,
    validators: Mutex<HashMap<String, Cell<Validator>>>,
}

static CACHE: LazyLock<Cache> = LazyLock::new(Cache::default);

/// Gets `key` from `map`, building it with `build` the first time; builders of different keys
/// run in parallel, and a key is never built twice.
fn once<T>(
    map: &Mutex<HashMap<String, Cell<T>>>,
    key: &str,
    build: impl FnOnce() -> Result<T, String>,
) -> Result<Arc<T>, String> {
    let cell = {
        let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(map.entry(key.to_string()).or_default())
    };
    cell.get_or_init(|| build().map(Arc::new)).clone()
}

fn schema_file(rel: &str) -> Result<Arc<SchemaFile>, String> {
    once(&CACHE.files, rel, || {
        let dir = schemas_dir();
        let path = dir.join(rel);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("no schema {}: {e}", path.display()))?;
        let document: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let names = |key: &str| -> BTreeSet<String> {
            document
                .get(key)
                .and_then(Value::as_object)
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        let resource_definitions = names("resourceDefinitions");
        let definitions = names("definitions");
        let registry = Registry::new()
            .retriever(SchemaFiles { dir })
            .draft(Draft::Draft4)
            .add(format!("{SCHEMA_URL}{rel}"), document)
            .and_then(|b| b.prepare())
            .map_err(|e| format!("cannot index {}: {e}", path.display()))?;
        Ok(SchemaFile {
            registry,
            resource_definitions,
            definitions,
        })
    })
}

/// Where a resource's schema is: `(file under schemas/, pointer in it)`. A nested child whose
/// type is a single segment uses the `<path>_childResource` definition, which expects that
/// short type.
fn schema_location(full_type: &str, api_version: &str, nested_short: bool) -> (String, String) {
    let mut segments = full_type.split('/');
    let provider = segments.next().unwrap_or_default();
    let path: Vec<&str> = segments.collect();
    let path = path.join("_");
    let file = match provider {
        // Private DNS has a schema file of its own.
        "Microsoft.Network" if path.starts_with("privateDnsZones") => {
            "Microsoft.Network.privateDns.json".to_string()
        }
        "Microsoft.Network" => "Microsoft.Network.NRP.json".to_string(),
        other => format!("{other}.json"),
    };
    let pointer = if nested_short {
        format!("/definitions/{path}_childResource")
    } else {
        format!("/resourceDefinitions/{path}")
    };
    (format!("{api_version}/{file}"), pointer)
}

/// The compiled validator for a resource type at an API version, or why there is none.
fn validator_for(
    full_type: &str,
    api_version: &str,
    nested_short: bool,
) -> Result<Arc<Validator>, String> {
    let (rel, pointer) = schema_location(full_type, api_version, nested_short);
    let url = format!("{SCHEMA_URL}{rel}#{pointer}");
    once(&CACHE.validators, &url, || {
        let file = schema_file(&rel)
            .map_err(|e| format!("no schema for {full_type} at apiVersion {api_version}: {e}"))?;
        let (section, name) = pointer[1..].split_once('/').unwrap_or_default();
        let known = if section == "resourceDefinitions" {
            &file.resource_definitions
        } else {
            &file.definitions
        };
        if !known.contains(name) {
            return Err(format!(
                "no schema for {full_type} at apiVersion {api_version}: {rel} has no {section}/{name}"
            ));
        }
        jsonschema::options()
            .with_draft(Draft::Draft4)
            .with_registry(&file.registry)
            .with_retriever(SchemaFiles { dir: schemas_dir() })
            .build(&json!({ "$ref": url }))
            .map_err(|e| format!("cannot compile {url}: {e}"))
    })
}

// ---------------------------------------------------------------------------------------------
// Schema validation, resource by resource
// ---------------------------------------------------------------------------------------------

/// Validates every resource of `template` (nested child resources too, each on its own) against
/// its schema. Each failure names the resource and the JSON pointer of the bad value in the
/// template. A resource whose type or API version has no schema is a failure, never a pass.
pub fn validate_template(template: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    match template.get("resources").and_then(Value::as_array) {
        Some(resources) => {
            for (i, resource) in resources.iter().enumerate() {
                validate_resource(resource, &format!("/resources/{i}"), None, &mut failures);
            }
        }
        None => failures.push("/resources: missing or not an array".to_string()),
    }
    failures
}

fn validate_resource(
    resource: &Value,
    pointer: &str,
    parent_type: Option<&str>,
    failures: &mut Vec<String>,
) {
    let (Some(ty), Some(api_version)) = (
        resource.get("type").and_then(Value::as_str),
        resource.get("apiVersion").and_then(Value::as_str),
    ) else {
        failures.push(format!(
            "{pointer}: a resource needs string `type` and `apiVersion`"
        ));
        return;
    };
    let nested_short = parent_type.is_some() && !ty.contains('/');
    let full_type = match parent_type {
        Some(parent) if nested_short => format!("{parent}/{ty}"),
        _ => ty.to_string(),
    };
    let label = format!("{full_type} {} @{api_version}", name_of(resource));
    // Nested children are validated on their own below, for precise messages.
    let mut own = resource.clone();
    if let Some(object) = own.as_object_mut() {
        object.remove("resources");
    }
    match validator_for(&full_type, api_version, nested_short) {
        Err(why) => failures.push(format!("{pointer} {label}: {why}")),
        Ok(validator) => {
            for error in validator.iter_errors(&own) {
                let mut leaves = Vec::new();
                leaf_errors(&error, &mut leaves);
                for (at, message) in leaves {
                    failures.push(format!("{pointer}{at} {label}: {message}"));
                }
            }
        }
    }
    if let Some(children) = resource.get("resources").and_then(Value::as_array) {
        for (j, child) in children.iter().enumerate() {
            validate_resource(
                child,
                &format!("{pointer}/resources/{j}"),
                Some(&full_type),
                failures,
            );
        }
    }
}

/// The resource's name quoted, for messages.
fn name_of(resource: &Value) -> String {
    match resource.get("name") {
        Some(Value::String(s)) => format!("'{s}'"),
        Some(other) => other.to_string(),
        None => "(no name)".to_string(),
    }
}

/// True when every error of a `oneOf`/`anyOf` branch comes from the ARM "expression"
/// alternative (`common/definitions.json#/definitions/expression`), which every property offers
/// beside its real schema: that branch says nothing useful about a non-expression value.
fn is_expression_branch(branch: &[ValidationError<'_>]) -> bool {
    !branch.is_empty()
        && branch.iter().all(|e| {
            e.absolute_keyword_location().is_some_and(|uri| {
                uri.path().as_str().ends_with("/common/definitions.json")
                    && uri
                        .fragment()
                        .is_some_and(|f| f.as_str().starts_with("/definitions/expression"))
            })
        })
}

/// Reduces an error to the errors a reader can act on: a failed `oneOf`/`anyOf` is replaced by
/// the errors of its real alternative (dropping the expression one); when several real
/// alternatives remain, by those of the one that got deepest into the value.
fn leaf_errors(error: &ValidationError<'_>, out: &mut Vec<(String, String)>) {
    let context = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
        }
        _ => {
            out.push((error.instance_path().to_string(), describe(error)));
            return;
        }
    };
    let real: Vec<&Vec<ValidationError<'static>>> = context
        .iter()
        .filter(|b| !is_expression_branch(b))
        .collect();
    let mut best: Option<(usize, Vec<(String, String)>)> = None;
    for branch in &real {
        let mut leaves = Vec::new();
        for e in branch.iter() {
            leaf_errors(e, &mut leaves);
        }
        let depth = leaves
            .iter()
            .map(|(at, _)| at.matches('/').count())
            .max()
            .unwrap_or(0);
        if best
            .as_ref()
            .is_none_or(|(d, l)| depth > *d || (depth == *d && leaves.len() < l.len()))
        {
            best = Some((depth, leaves));
        }
    }
    match best {
        Some((_, leaves)) if !leaves.is_empty() => {
            if real.len() > 1 {
                for (at, message) in leaves {
                    out.push((
                        at,
                        format!("{message} (closest of {} alternatives)", real.len()),
                    ));
                }
            } else {
                out.extend(leaves);
            }
        }
        _ => out.push((error.instance_path().to_string(), describe(error))),
    }
}

/// One error in a line of bounded length (an enum of VM sizes runs to kilobytes).
fn describe(error: &ValidationError<'_>) -> String {
    if let ValidationErrorKind::Not { .. } = error.kind() {
        let absent = error
            .absolute_keyword_location()
            .and_then(|uri| SchemaFiles::relative(uri.as_str()).ok())
            .filter(|rel| !schemas_dir().join(rel).exists());
        if let Some(rel) = absent {
            return format!("its schema is in {rel}, which is absent from tests/arm-schemas");
        }
    }
    let text = error.to_string();
    const LIMIT: usize = 300;
    if text.chars().count() <= LIMIT {
        text
    } else {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}…")
    }
}
