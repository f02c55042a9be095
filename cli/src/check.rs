//! `hsmnet check`: load a design, run every rule, print the findings compiler-style.

use crate::Format;
use hsmnet_core::rules::{check, Severity};
use hsmnet_core::{load, Design, Id};
use serde::Serialize;
use std::io::Read;
use std::process::ExitCode;

/// Reads a file, or standard input for `-`.
pub fn read_input(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))
    }
}

#[derive(Serialize)]
struct ElementOut {
    id: u32,
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    elements: Vec<ElementOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    file: &'a str,
    design: &'a str,
    errors: usize,
    warnings: usize,
    infos: usize,
    findings: Vec<FindingOut<'a>>,
}

fn element(design: &Design, id: Id) -> ElementOut {
    let (kind, name) = match design.describe(id) {
        Some((kind, name)) => (kind.label(), name.to_string()),
        None => ("unknown", id.to_string()),
    };
    ElementOut {
        id: id.0,
        kind,
        name,
    }
}

pub fn run(file: &str, format: Format) -> ExitCode {
    let design =
        match read_input(file).and_then(|text| load(&text).map_err(|e| format!("{file}: {e}"))) {
            Ok(design) => design,
            Err(message) => {
                eprintln!("hsmnet: {message}");
                return ExitCode::from(2);
            }
        };
    let report = check(&design);
    let (errors, warnings, infos) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    match format {
        Format::Json => {
            let out = ReportOut {
                file,
                design: &design.name,
                errors,
                warnings,
                infos,
                findings: report
                    .findings
                    .iter()
                    .map(|f| FindingOut {
                        rule: f.rule,
                        severity: f.severity,
                        message: &f.message,
                        elements: f.elements.iter().map(|id| element(&design, *id)).collect(),
                        fix: f.fix.as_ref().map(|fix| fix.label.as_str()),
                    })
                    .collect(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&out).expect("report serialises")
            );
        }
        Format::Text => {
            for f in &report.findings {
                println!("{}[{}]: {}", f.severity, f.rule, f.message);
                if !f.elements.is_empty() {
                    let names: Vec<String> = f
                        .elements
                        .iter()
                        .map(|id| {
                            let e = element(&design, *id);
                            format!("{} {} ({})", e.kind, e.name, id)
                        })
                        .collect();
                    println!("  --> {file}: {}", names.join(", "));
                }
                if let Some(fix) = &f.fix {
                    println!("  = fix: {}", fix.label);
                }
            }
            println!(
                "{file}: {errors} error{}, {warnings} warning{}, {infos} info",
                plural(errors),
                plural(warnings)
            );
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
