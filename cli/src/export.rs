//! `hsmnet export`: write a checked design as an ARM template, a Bicep file or a design
//! document. A design with errors is refused (exit 1) with its errors listed; warnings are shown
//! on standard error and do not block.

use crate::check::read_input;
use hsmnet_core::export::{arm, bicep, HsmApiVersion, Options, Valid};
use hsmnet_core::rules::Severity;
use hsmnet_core::{load, to_json};
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
        Err(message) => {
            eprintln!("hsmnet: {message}");
            return ExitCode::from(2);
        }
    };
    let design =
        match read_input(file).and_then(|text| load(&text).map_err(|e| format!("{file}: {e}"))) {
            Ok(design) => design,
            Err(message) => {
                eprintln!("hsmnet: {message}");
                return ExitCode::from(2);
            }
        };
    let valid = match Valid::new(&design) {
        Ok(valid) => valid,
        Err(report) => {
            for f in report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
            {
                eprintln!("error[{}]: {}", f.rule, f.message);
            }
            let errors = report.count(Severity::Error);
            eprintln!(
                "hsmnet: {file}: not exported: {errors} error{} (run `hsmnet check {file}` for details)",
                if errors == 1 { "" } else { "s" }
            );
            return ExitCode::from(1);
        }
    };
    for f in valid
        .report()
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
    {
        eprintln!("warning[{}]: {}", f.rule, f.message);
    }
    let options = Options { hsm_api_version };
    let text = match target {
        Target::Arm => arm::to_string(&valid, &options),
        Target::Bicep => bicep::render(&valid, &options),
        Target::Json => to_json(&design),
    };
    match out {
        None | Some("-") => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hsmnet: cannot write {path}: {e}");
                ExitCode::from(2)
            }
        },
    }
}
