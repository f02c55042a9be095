//! Several files given at once, as the studio's "Import…" takes them (chosen together or dropped
//! on the canvas): which one is a design document, a template or resource export, or a parameter
//! file, and, when a template needs values nobody gave, the parameters to ask the user for
//! ([`Wanted`]), as the template declares them.

use super::eval::{field, RG_LOCATION};
use super::{import_value, source, ImportError, Imported, Inputs};
use crate::document::{self, FORMAT};
use crate::model::Design;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A file by its name and text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
    pub text: String,
}

/// A parameter the import needs a value for, as the template declares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wanted {
    /// As the template spells it (or `resourceGroup().location`, which only a deployment knows).
    pub name: String,
    /// The declared type, as written (`string`, `int`, `securestring`…).
    #[serde(rename = "type")]
    pub kind: String,
    /// The declared default, as written (an expression the import cannot evaluate, such as
    /// `[resourceGroup().location]`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The template's `metadata.description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the import stopped for want of it; the others have no value either, and the
    /// design may or may not need them.
    pub needed: bool,
}

/// What came of importing some files.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// A design document, loaded as it is.
    Opened(Design),
    /// A template or a resource export, imported.
    Imported(Imported),
    /// The template needs values: these parameters are to be asked for, and the import retried
    /// with them.
    Wants(Vec<Wanted>),
}

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Design,
    Parameters,
    /// A template or resources as Azure returns them (or something the import will refuse,
    /// saying why).
    Deployment,
}

fn role(root: &Value) -> Role {
    if root.get("format").and_then(Value::as_str) == Some(FORMAT) {
        return Role::Design;
    }
    let schema = field(root, "$schema").and_then(Value::as_str).unwrap_or("");
    if schema.to_ascii_lowercase().contains("deploymentparameters") {
        return Role::Parameters;
    }
    // No schema: an object with only `parameters` (and `contentVersion`), each with a value.
    let Some(object) = root.as_object() else {
        return Role::Deployment;
    };
    let only_parameters = object.keys().all(|k| {
        ["parameters", "contentversion", "$schema"].contains(&k.to_ascii_lowercase().as_str())
    });
    let values = field(root, "parameters")
        .and_then(Value::as_object)
        .is_some_and(|p| {
            p.values()
                .all(|e| field(e, "value").is_some() || field(e, "reference").is_some())
        });
    if only_parameters && values {
        Role::Parameters
    } else {
        Role::Deployment
    }
}

/// Imports `files`: one design document, or one template or export with at most one parameter
/// file, in any order, with `values` given by the user (`NAME`, `VALUE` as `--param` takes them).
/// The error is a sentence naming the file and the place.
pub fn import_files(files: &[Named], values: &[(String, String)]) -> Result<Outcome, String> {
    let mut read = Vec::with_capacity(files.len());
    for file in files {
        if file.text.len() > document::MAX_BYTES {
            return Err(in_file(
                file,
                ImportError::TooLarge {
                    bytes: file.text.len(),
                },
            ));
        }
        // A file that is not JSON is refused here with its line and column, whatever it was
        // meant to be.
        let root = source::parse_json(&file.text, "the file").map_err(|e| in_file(file, e))?;
        read.push((file, role(&root), root));
    }
    let of = |wanted: Role| read.iter().filter(move |(_, r, _)| *r == wanted);
    let names = |roles: &[Role]| {
        joined(
            read.iter()
                .filter(|(_, r, _)| roles.contains(r))
                .map(|(f, _, _)| f.name.as_str())
                .collect(),
        )
    };
    let count = |role: Role| of(role).count();
    match (
        count(Role::Design),
        count(Role::Deployment),
        count(Role::Parameters),
    ) {
        (1, 0, 0) => {
            let (file, _, _) = of(Role::Design).next().expect("counted");
            document::load(&file.text)
                .map(Outcome::Opened)
                .map_err(|e| format!("{}: {e}", file.name))
        }
        (0, 1, 0 | 1) => {
            let (file, _, root) = of(Role::Deployment).next().expect("counted");
            let parameters = of(Role::Parameters).next();
            let inputs = Inputs {
                parameter_file: parameters.map(|(f, _, _)| f.text.as_str()),
                values,
            };
            match import_value(root, &inputs) {
                Ok(imported) => Ok(Outcome::Imported(imported)),
                Err((ImportError::MissingValue { name, path }, _)) => {
                    let in_parameter_file = parameters
                        .and_then(|(_, _, p)| field(p, "parameters"))
                        .and_then(Value::as_object);
                    let given = |parameter: &str| {
                        values
                            .iter()
                            .any(|(n, _)| n.eq_ignore_ascii_case(parameter))
                            || in_parameter_file.is_some_and(|p| {
                                p.keys().any(|n| n.eq_ignore_ascii_case(parameter))
                            })
                    };
                    match wanted(root, given, &name) {
                        Some(wanted) => Ok(Outcome::Wants(wanted)),
                        None => Err(in_file(file, ImportError::MissingValue { name, path })),
                    }
                }
                Err((e, _)) => Err(in_file(file, e)),
            }
        }
        (0, 0, 0) => Err("no file was given".into()),
        (0, 0, _) => Err(format!(
            "{} is a parameter file: choose it together with its template",
            names(&[Role::Parameters])
        )),
        (designs, deployments, _) if designs + deployments > 1 => Err(format!(
            "{} cannot be imported together: import one design, or one template with its \
             parameter file",
            names(&[Role::Design, Role::Deployment])
        )),
        (1, _, _) => Err(format!(
            "{} is a design document, which takes no parameter file ({})",
            names(&[Role::Design]),
            names(&[Role::Parameters])
        )),
        _ => Err(format!(
            "one parameter file at a time: {} were given",
            names(&[Role::Parameters])
        )),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn joined(names: Vec<&str>) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

fn in_file(file: &Named, e: ImportError) -> String {
    format!("{}: {e}", file.name)
}

/// The parameters to ask for when the import stopped for want of `missing` (a parameter's name,
/// or [`RG_LOCATION`]): those it implicates first, then every other parameter without a value,
/// secrets aside (an import never needs a password). `None` when `missing` is nothing the user
/// can give (a value only a deployment computes).
fn wanted(root: &Value, given: impl Fn(&str) -> bool, missing: &str) -> Option<Vec<Wanted>> {
    let declared = field(root, "parameters").and_then(Value::as_object);
    // The location is asked for as the template's own parameter when only parameters' defaults
    // use it (its value then names the region everywhere); else as the resource group's.
    let location_used_directly = missing == RG_LOCATION
        && root.as_object().is_some_and(|o| {
            o.iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("parameters"))
                .any(|(_, v)| mentions_rg_location(v))
        });
    let mut out: Vec<Wanted> = Vec::new();
    for (name, declaration) in declared.into_iter().flatten() {
        if given(name) {
            continue;
        }
        let text = |key: &str| field(declaration, key).and_then(Value::as_str);
        let kind = text("type").unwrap_or("string").to_string();
        let declared_default = field(declaration, "defaultValue");
        let default = declared_default.map(|d| match d.as_str() {
            Some(s) => s.to_string(),
            None => d.to_string(),
        });
        let needed = if missing == RG_LOCATION {
            !location_used_directly && declared_default.is_some_and(mentions_rg_location)
        } else {
            name.eq_ignore_ascii_case(missing)
        };
        // A parameter with a default has a value, unless the import stopped at it.
        let unvalued = default.is_none();
        let secret = kind.to_ascii_lowercase().starts_with("secure");
        if needed || (unvalued && !secret) {
            out.push(Wanted {
                name: name.clone(),
                kind,
                default,
                description: field(declaration, "metadata")
                    .and_then(|m| field(m, "description"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                needed,
            });
        }
    }
    if !out.iter().any(|w| w.needed) {
        if missing != RG_LOCATION || given(RG_LOCATION) {
            return None;
        }
        out.push(Wanted {
            name: RG_LOCATION.to_string(),
            kind: "string".into(),
            default: None,
            description: Some(
                "The resource group's location (a region, such as westeurope): only a \
                 deployment knows it."
                    .into(),
            ),
            needed: true,
        });
    }
    // The ones the import stopped at first.
    out.sort_by_key(|w| !w.needed);
    Some(out)
}

/// Whether a template value uses `resourceGroup().location` (in any letter case).
fn mentions_rg_location(value: &Value) -> bool {
    match value {
        Value::String(s) => s.to_ascii_lowercase().contains("resourcegroup().location"),
        Value::Array(items) => items.iter().any(mentions_rg_location),
        Value::Object(map) => map.values().any(mentions_rg_location),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, text: &str) -> Named {
        Named {
            name: name.into(),
            text: text.into(),
        }
    }

    const TEMPLATE: &str = r#"{
      "parameters": {
        "location": {"type": "string", "defaultValue": "[resourceGroup().location]",
                     "metadata": {"description": "Where it all goes."}},
        "vnetName": {"type": "String", "metadata": {"description": "The VNet's name."}},
        "adminPassword": {"type": "secureString"},
        "unused": {"type": "int"}
      },
      "resources": [{
        "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01",
        "name": "[parameters('vnetName')]", "location": "[parameters('location')]",
        "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}
      }]
    }"#;

    fn values(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_template_without_values_asks_for_the_parameters_it_stopped_at_first() {
        let Ok(Outcome::Wants(wanted)) = import_files(&[named("t.json", TEMPLATE)], &[]) else {
            panic!("no question")
        };
        let names: Vec<(&str, bool)> = wanted.iter().map(|w| (w.name.as_str(), w.needed)).collect();
        // The VNet's name is read before its location; the secret is never asked for.
        assert_eq!(names, [("vnetName", true), ("unused", false)]);
        assert_eq!(wanted[0].kind, "String");
        assert_eq!(wanted[0].description.as_deref(), Some("The VNet's name."));
        let Ok(Outcome::Wants(wanted)) = import_files(
            &[named("t.json", TEMPLATE)],
            &values(&[("vnetName", "hub")]),
        ) else {
            panic!("no question")
        };
        let first = &wanted[0];
        assert_eq!(
            (first.name.as_str(), first.default.as_deref(), first.needed),
            ("location", Some("[resourceGroup().location]"), true)
        );
        let given = values(&[("vnetName", "hub"), ("location", "uksouth")]);
        let Ok(Outcome::Imported(imported)) = import_files(&[named("t.json", TEMPLATE)], &given)
        else {
            panic!("not imported")
        };
        assert_eq!(imported.design.vnets[0].name, "hub");
    }

    #[test]
    fn the_resource_groups_location_used_directly_is_asked_for_by_that_name() {
        let template = TEMPLATE.replace("[parameters('location')]", "[resourceGroup().location]");
        let Ok(Outcome::Wants(wanted)) =
            import_files(&[named("t.json", &template)], &values(&[("vnetName", "v")]))
        else {
            panic!("no question")
        };
        assert_eq!(wanted[0].name, RG_LOCATION);
        assert!(wanted[0].needed);
        let given = values(&[("vnetName", "v"), (RG_LOCATION, "westeurope")]);
        assert!(matches!(
            import_files(&[named("t.json", &template)], &given),
            Ok(Outcome::Imported(_))
        ));
    }

    #[test]
    fn a_template_and_its_parameter_file_are_told_apart_in_any_order() {
        let parameters = r#"{
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
          "contentVersion": "1.0.0.0",
          "parameters": {"vnetName": {"value": "from-file"}, "location": {"value": "uksouth"}}
        }"#;
        for files in [
            [named("p.json", parameters), named("t.json", TEMPLATE)],
            [named("t.json", TEMPLATE), named("p.json", parameters)],
        ] {
            let Ok(Outcome::Imported(imported)) = import_files(&files, &[]) else {
                panic!("not imported")
            };
            assert_eq!(imported.design.vnets[0].name, "from-file");
        }
        // Without its schema, a parameter file is still one.
        let bare = r#"{"parameters": {"vnetName": {"value": "bare"}, "location": {"value": "x"}}}"#;
        let files = [named("t.json", TEMPLATE), named("p.json", bare)];
        assert!(matches!(
            import_files(&files, &[]),
            Ok(Outcome::Imported(_))
        ));
        let e = import_files(&[named("p.json", parameters)], &[]).unwrap_err();
        assert_eq!(
            e,
            "p.json is a parameter file: choose it together with its template"
        );
    }

    #[test]
    fn a_design_document_opens_as_it_is_and_its_errors_name_the_field() {
        let design = crate::presets::build("single-vnet", &Default::default()).unwrap();
        let text = document::to_json(&design);
        let Ok(Outcome::Opened(opened)) = import_files(&[named("d.json", &text)], &[]) else {
            panic!("not opened")
        };
        assert_eq!(opened, design);
        let broken = text.replacen("\"prefix\": \"", "\"prefix\": \"x", 1);
        let e = import_files(&[named("d.json", &broken)], &[]).unwrap_err();
        assert!(e.starts_with("d.json: design.vnets[0]"), "{e}");
    }

    #[test]
    fn files_that_do_not_go_together_are_refused_naming_them() {
        let design = document::to_json(&Design::new("x"));
        let e =
            import_files(&[named("a.json", &design), named("b.json", TEMPLATE)], &[]).unwrap_err();
        assert_eq!(
            e,
            "a.json and b.json cannot be imported together: import one design, or one template \
             with its parameter file"
        );
        let e =
            import_files(&[named("a.json", TEMPLATE), named("b.json", TEMPLATE)], &[]).unwrap_err();
        assert!(
            e.starts_with("a.json and b.json cannot be imported together"),
            "{e}"
        );
        assert_eq!(import_files(&[], &[]).unwrap_err(), "no file was given");
    }

    #[test]
    fn broken_files_are_refused_with_their_name_and_position() {
        let e = import_files(&[named("t.json", "{\n  \"resources\": [,]\n}")], &[]).unwrap_err();
        assert!(
            e.starts_with("t.json: the file is not valid JSON: line 2, column "),
            "{e}"
        );
        let broken = TEMPLATE.replace("[parameters('vnetName')]", "[concat('a', ]");
        let e =
            import_files(&[named("t.json", &broken)], &values(&[("vnetName", "v")])).unwrap_err();
        assert!(e.starts_with("t.json: resources[0].name: "), "{e}");
    }

    #[test]
    fn a_value_only_a_deployment_computes_is_refused_not_asked_for() {
        let template = TEMPLATE.replace("[parameters('vnetName')]", "[reference('x').name]");
        let e =
            import_files(&[named("t.json", &template)], &values(&[("location", "x")])).unwrap_err();
        assert!(e.starts_with("t.json: resources[0]"), "{e}");
    }
}
