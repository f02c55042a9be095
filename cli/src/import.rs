//! `hsmnet import`: an ARM template or an Azure resource export becomes a design document on
//! standard output (or in OUT); the import report goes to standard error. Exit 2 when the input
//! cannot be imported, with the message naming the place.

use crate::input::read_input;
use crate::output;
use crate::Format;
use hsmnet_core::document::to_document;
use hsmnet_core::import::{import_with_report, Inputs};
use std::process::ExitCode;

pub fn run(
    file: &str,
    parameters: Option<&str>,
    params: &[String],
    out: Option<&str>,
    report: Format,
) -> ExitCode {
    let mut values = Vec::with_capacity(params.len());
    for p in params {
        match p.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                values.push((name.trim().to_string(), value.to_string()))
            }
            _ => return output::fail(&format!("--param {p:?}: expected NAME=VALUE")),
        }
    }
    let text = match read_input(file) {
        Ok(text) => text,
        Err(message) => return output::fail(&message),
    };
    let parameter_text = match parameters.map(read_input).transpose() {
        Ok(t) => t,
        Err(message) => return output::fail(&message),
    };
    let inputs = Inputs {
        parameter_file: parameter_text.as_deref(),
        values: &values,
    };
    let imported = match import_with_report(&text, &inputs) {
        Ok(imported) => imported,
        Err((e, _)) => return output::fail(&format!("{file}: not imported: {e}")),
    };
    match report {
        Format::Text => {
            for line in imported.report.to_text().lines() {
                output::line(line);
            }
        }
        Format::Json => {
            let json = serde_json::to_string(&imported.report).unwrap_or_default();
            output::line(&json);
        }
    }
    let document = match to_document(&imported.design) {
        Ok(text) => text,
        Err(e) => return output::fail(&format!("{file}: not imported: {e}")),
    };
    match out {
        None | Some("-") => output::print(&document, ExitCode::SUCCESS),
        Some(path) => match output::write_file(path, &document) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
    }
}
