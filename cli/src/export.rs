//! `hsmnet export`: write a checked design as an ARM template, a Bicep file or a design
//! document. A design with errors is refused (exit 1) with its errors listed; warnings are shown
//! on standard error and do not block. A design too large for what it is written as (over Azure
//! Resource Manager's template limits, or a document over the size loading accepts) is refused
//! too, with exit 1 and the numbers, and nothing is written.

use crate::input::load_design;
use crate::output;
use hsmnet_core::document::to_document;
use hsmnet_core::export::{arm, bicep, HsmApiVersion, Options, Valid};
use hsmnet_core::rules::Severity;
use std::process::ExitCode;

/// What to write.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// An ARM deployment template (JSON).
    Arm,
    /// A Bicep file (main.bicep).
    Bicep,
    /// The design document itself, in its versioned format.
    Json,
}

pub fn run(target: Target, file: &str, out: Option<&str>, hsm_api_version: &str) -> ExitCode {
    let hsm_api_version: HsmApiVersion = match hsm_api_version.parse() {
        Ok(v) => v,
        Err(message) => return output::fail(&message),
    };
    let design = match load_design(file) {
        Ok(design) => design,
        Err(code) => return code,
    };
    let valid = match Valid::new(&design) {
        Ok(valid) => valid,
        Err(report) => {
            for f in report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
            {
                output::line(&format!("error[{}]: {}", f.rule, f.message));
            }
            let errors = report.count(Severity::Error);
            output::say(&format!(
                "{file}: not exported: {errors} error{} (run `hsmnet check {file}` for details)",
                if errors == 1 { "" } else { "s" }
            ));
            return ExitCode::from(1);
        }
    };
    for f in valid
        .report()
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
    {
        output::line(&format!("warning[{}]: {}", f.rule, f.message));
    }
    let options = Options { hsm_api_version };
    // A design that checks clean may still be too large for what it is written as: Azure's
    // template limits, or the size of document that loading accepts. Nothing is written then.
    let made = match target {
        Target::Arm => arm::to_string(&valid, &options).map_err(|e| e.to_string()),
        Target::Bicep => bicep::render(&valid, &options).map_err(|e| e.to_string()),
        Target::Json => to_document(&design).map_err(|e| e.to_string()),
    };
    let text = match made {
        Ok(text) => text,
        Err(why) => {
            output::say(&format!("{file}: not exported: {why}"));
            return ExitCode::from(1);
        }
    };
    match out {
        None | Some("-") => output::print(&text, ExitCode::SUCCESS),
        Some(path) => match output::write_file(path, &text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
    }
}
