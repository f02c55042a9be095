//! `hsmnet rules`: the catalogue, for people (text) and tools (json).

use crate::output;
use crate::Format;
use hsmnet_core::rules::{Severity, ALL};
use serde::Serialize;
use std::fmt::Write;
use std::process::ExitCode;

#[derive(Serialize)]
struct RuleOut {
    name: &'static str,
    severity: Severity,
    severities: &'static [Severity],
    summary: &'static str,
    checks: &'static str,
    why: &'static str,
    fix: &'static str,
    source: &'static str,
}

pub fn run(format: Format) -> ExitCode {
    let mut text = String::new();
    match format {
        Format::Json => {
            let rules: Vec<RuleOut> = ALL
                .iter()
                .map(|r| RuleOut {
                    name: r.name,
                    severity: r.severities[0],
                    severities: r.severities,
                    summary: r.summary,
                    checks: r.explanation.checks,
                    why: r.explanation.why,
                    fix: r.explanation.fix,
                    source: r.explanation.source,
                })
                .collect();
            text = serde_json::to_string_pretty(&rules).expect("rules serialise");
            text.push('\n');
        }
        Format::Text => {
            let width = ALL.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in ALL {
                let severity = r
                    .severities
                    .iter()
                    .map(Severity::to_string)
                    .collect::<Vec<_>>()
                    .join("/");
                let _ = writeln!(text, "{:width$}  {:<13}  {}", r.name, severity, r.summary);
            }
        }
    }
    output::print(&text, ExitCode::SUCCESS)
}
