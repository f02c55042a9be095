//! `hsmnet check`: load a design, run every rule, print the findings compiler-style.

use crate::input::load_design;
use crate::output::{self, visible};
use crate::Format;
use hsmnet_core::rules::{check, Finding, Severity};
use hsmnet_core::{Design, Id};
use serde::Serialize;
use std::fmt::Write;
use std::process::ExitCode;

#[derive(Serialize)]
pub(crate) struct ElementOut {
    pub id: u32,
    pub kind: &'static str,
    pub name: String,
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

/// An element as reports name it: id, kind and name (`unknown` for an id the design lacks).
pub(crate) fn element(design: &Design, id: Id) -> ElementOut {
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
    let design = match load_design(file) {
        Ok(design) => design,
        Err(code) => return code,
    };
    let report = check(&design);
    let (errors, warnings, infos) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    let mut text = String::new();
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
            text = serde_json::to_string_pretty(&out).expect("report serialises");
            text.push('\n');
        }
        Format::Text => {
            // Names, messages and the file name are the design's (or the user's) text: each is
            // made visible, so that none can act on the terminal or start a line of its own.
            let file = visible(file);
            for f in &report.findings {
                write_finding(&mut text, &design, &file, f);
                if let Some(fix) = &f.fix {
                    let _ = writeln!(text, "  = fix: {}", visible(&fix.label));
                }
            }
            let _ = writeln!(
                text,
                "{file}: {errors} error{}, {warnings} warning{}, {infos} info",
                plural(errors),
                plural(warnings)
            );
        }
    }
    let code = if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    output::print(&text, code)
}

/// A finding compiler-style, its names made visible: `severity[rule]: message`, then the
/// elements it names (`  --> FILE: kind name (id), …`). `file` is already made visible.
pub(crate) fn write_finding(text: &mut String, design: &Design, file: &str, f: &Finding) {
    let _ = writeln!(text, "{}[{}]: {}", f.severity, f.rule, visible(&f.message));
    if !f.elements.is_empty() {
        let names: Vec<String> = (f.elements.iter())
            .map(|id| {
                let e = element(design, *id);
                format!("{} {} ({})", e.kind, visible(&e.name), id)
            })
            .collect();
        let _ = writeln!(text, "  --> {file}: {}", names.join(", "));
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
