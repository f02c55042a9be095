//! Import: an ARM deployment template (with a parameter file or values given by the user) or
//! resources as Azure returns them (the portal's "Export template", `az … show`/`list`, REST
//! bodies) become a design, with a [`Report`] of what could not be modelled.
//!
//! - `expr.rs` parses template expressions, `eval.rs` evaluates them (parameters, variables,
//!   the functions real templates use, `copy` loops);
//! - `source.rs` reads the JSON and lists every declared resource, evaluated;
//! - `map.rs` turns resources into elements, one function per resource type;
//! - `node.rs` tracks which properties were read, so the rest is reported;
//! - `facts.rs` is what a design holds that no resource does, which the ARM export writes into
//!   the template's metadata so that a round trip keeps it;
//! - `files.rs` takes several files at once, as the studio does (which is the template, which
//!   its parameter file, or a design document), and lists the parameters to ask the user for.
//!
//! Bounded like loading: the input's size ([`MAX_BYTES`]), copy counts, expression depth and
//! evaluation steps, resources, and the design's own caps (`document::check_integrity`).

mod eval;
pub mod expr;
pub mod facts;
pub mod files;
mod map;
mod node;
pub mod report;
mod source;

pub use eval::RG_LOCATION;
pub use report::{Note, NoteKind, Report};
pub use source::Shape;

use crate::document::{check_integrity, MAX_BYTES};
use crate::hashing::HashMap;
use crate::model::{lay_out, Design};
use serde_json::Value;
use std::fmt;

/// What the user gives besides the file: a parameter file's text and `NAME=VALUE` values
/// (values win over the file's).
#[derive(Clone, Debug, Default)]
pub struct Inputs<'a> {
    pub parameter_file: Option<&'a str>,
    pub values: &'a [(String, String)],
}

/// A design made from a file, and what the import could not model.
#[derive(Clone, Debug)]
pub struct Imported {
    pub design: Design,
    pub report: Report,
}

/// Why a file cannot be imported.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    TooLarge {
        bytes: usize,
    },
    Json {
        what: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    NotRecognised(String),
    /// Something wrong at a place in the template.
    Invalid {
        path: String,
        message: String,
    },
    /// A value only the user can give: a parameter without default, or the resource group's
    /// location.
    MissingValue {
        name: String,
        path: String,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::TooLarge { bytes } => {
                write!(f, "the input is {bytes} bytes; the limit is {MAX_BYTES}")
            }
            ImportError::Json {
                what,
                line,
                column,
                message,
            } => {
                // serde_json's message ends with its own "at line L column C".
                let message = message.split(" at line ").next().unwrap_or(message);
                write!(
                    f,
                    "{what} is not valid JSON: line {line}, column {column}: {message}"
                )
            }
            ImportError::NotRecognised(why) => f.write_str(why),
            ImportError::Invalid { path, message } => write!(f, "{path}: {message}"),
            ImportError::MissingValue { name, path } if name == RG_LOCATION => write!(
                f,
                "{path}: the template uses resourceGroup().location, which only a deployment \
                 knows: give the location with --param 'resourceGroup().location=REGION' (or a \
                 value for the template's location parameter)"
            ),
            ImportError::MissingValue { name, path }
                if name.ends_with("a deployment can evaluate") =>
            {
                write!(f, "{path}: uses {name}")
            }
            ImportError::MissingValue { name, path } => write!(
                f,
                "{path}: the parameter '{name}' has no value: give it in a parameter file \
                 (--parameters FILE) or with --param {name}=VALUE"
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// Imports a template or a resource export.
pub fn import(text: &str, inputs: &Inputs) -> Result<Imported, ImportError> {
    import_with_report(text, inputs).map_err(|(e, _)| e)
}

/// As [`import`], keeping what the report held when the import failed.
pub fn import_with_report(
    text: &str,
    inputs: &Inputs,
) -> Result<Imported, (ImportError, Option<Report>)> {
    if text.len() > MAX_BYTES {
        return Err((ImportError::TooLarge { bytes: text.len() }, None));
    }
    let root = source::parse_json(text, "the file").map_err(|e| (e, None))?;
    import_value(&root, inputs)
}

/// As [`import_with_report`], from the file's JSON already read.
fn import_value(root: &Value, inputs: &Inputs) -> Result<Imported, (ImportError, Option<Report>)> {
    let fail = |e| (e, None);
    if let Some(t) = inputs.parameter_file.filter(|t| t.len() > MAX_BYTES) {
        return Err(fail(ImportError::TooLarge { bytes: t.len() }));
    }
    let given = given_values(root, inputs).map_err(fail)?;
    let src = source::read(root, given).map_err(fail)?;
    let mut report = Report::new(src.shape, src.resources.len());
    for (path, kind) in &src.skipped {
        report.note(
            NoteKind::NotModelled,
            path.clone(),
            format!(
                "{kind}: nested deployments are not evaluated; import their template on its own"
            ),
        );
    }
    let (mut design, report) =
        map::map(&src.resources, &src.facts, report).map_err(|(e, r)| (e, Some(r)))?;
    design.name = src
        .name
        .clone()
        .unwrap_or_else(|| "Imported design".to_string());
    design.description = src.description.clone();
    lay_out(&mut design);
    check_integrity(&design).map_err(|e| {
        (
            ImportError::Invalid {
                path: "design".into(),
                message: e.to_string(),
            },
            None,
        )
    })?;
    Ok(Imported { design, report })
}

/// The values of parameters: a parameter file's, then the user's `NAME=VALUE`s (as JSON when
/// the parameter is not a string, so `count=3` is the number 3).
fn given_values(root: &Value, inputs: &Inputs) -> Result<HashMap<String, Value>, ImportError> {
    let mut given = HashMap::default();
    if let Some(text) = inputs.parameter_file {
        let file = source::parse_json(text, "the parameter file")?;
        let params = eval::field(&file, "parameters")
            .and_then(Value::as_object)
            .ok_or_else(|| ImportError::Invalid {
                path: "parameter file".into(),
                message: "has no \"parameters\" object".into(),
            })?;
        for (name, entry) in params {
            match eval::field(entry, "value") {
                Some(v) => {
                    given.insert(name.clone(), v.clone());
                }
                None if eval::field(entry, "reference").is_some() => {
                    return Err(ImportError::Invalid {
                        path: format!("parameter file: parameters.{name}"),
                        message: format!(
                            "is a Key Vault reference, which only a deployment can read: give \
                             the value with --param {name}=VALUE"
                        ),
                    })
                }
                None => {
                    return Err(ImportError::Invalid {
                        path: format!("parameter file: parameters.{name}"),
                        message: "has no \"value\"".into(),
                    })
                }
            }
        }
    }
    let declared_type = |name: &str| {
        eval::field(root, "parameters")
            .and_then(|p| eval::field(p, name))
            .and_then(|d| eval::field(d, "type"))
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    for (name, text) in inputs.values {
        let value = match declared_type(name).as_deref() {
            Some("int" | "bool" | "array" | "object") => {
                serde_json::from_str(text).map_err(|e| ImportError::Invalid {
                    path: format!("--param {name}"),
                    message: format!("{text:?} is not a value of the parameter's type: {e}"),
                })?
            }
            _ => Value::String(text.clone()),
        };
        given.insert(name.clone(), value);
    }
    Ok(given)
}

#[cfg(test)]
mod tests;
