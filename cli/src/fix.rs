//! `hsmnet fix`: applies the one-click fixes of a design's findings in turn, as `ruff --fix` and
//! `eslint --fix` do, and writes the fixed design.
//!
//! Each round checks the design, takes the first finding (most severe first) whose rule offers a
//! fix, and applies it through `rules::apply_fix`, so the fix is computed against the design as
//! the earlier fixes left it (ids, names and addresses chosen then). The design is checked again
//! after each fix: a fix that leaves its finding reported, or that brings back a design an
//! earlier round had, is undone and its finding reported as not fixed, so the loop ends and a
//! second run on its output applies nothing. At most [`MAX_ROUNDS`] fixes are applied.
//!
//! Where things go: the design to `-o OUT`, or to standard output; the report to standard
//! output when the design went to a file, else to standard error (text or JSON alike).

use crate::check::{element, plural, write_finding, ElementOut};
use crate::input::load_design;
use crate::output::{self, visible};
use crate::Format;
use hsmnet_core::document::{to_document, to_json};
use hsmnet_core::hashing::{FixedState, HashSet};
use hsmnet_core::rules::{apply_fix, check, rule, Finding, Report, Severity};
use hsmnet_core::{Design, Id};
use serde::Serialize;
use std::fmt::Write as _;
use std::hash::BuildHasher;
use std::io::Write as _;
use std::process::ExitCode;

/// The most fixes one run applies: far more than any design needs (a broken preset takes a
/// handful), and a bound should a fix ever make work for another without end.
pub const MAX_ROUNDS: usize = 1000;

/// A finding as a round sees it: the same rule, elements and message is the same finding.
type Key = (&'static str, Vec<Id>, String);

fn key(f: &Finding) -> Key {
    (f.rule, f.elements.clone(), f.message.clone())
}

/// A fix that was applied: the finding as it was reported, its elements named as they were.
struct Applied {
    finding: Finding,
    elements: Vec<ElementOut>,
}

/// What fixing a design came to.
struct Outcome {
    design: Design,
    report: Report,
    applied: Vec<Applied>,
    /// Findings whose fix was tried and undone, with the reason.
    failed: Vec<(Key, String)>,
    /// True when the run stopped at `MAX_ROUNDS` with fixes left to try.
    stopped: bool,
}

fn fingerprint(design: &Design) -> u64 {
    FixedState::default().hash_one(to_json(design))
}

/// Applies the fixes of the selected rules (`None`: every rule) until none is left to try.
fn fix_all(mut design: Design, selected: Option<&[String]>) -> Outcome {
    let chosen = |name: &str| selected.is_none_or(|names| names.iter().any(|n| n == name));
    let mut report = check(&design);
    let mut seen = HashSet::from_iter([fingerprint(&design)]);
    let mut applied = Vec::new();
    let mut failed: Vec<(Key, String)> = Vec::new();
    let mut stopped = false;
    while let Some(finding) = report
        .findings
        .iter()
        .find(|f| f.fix.is_some() && chosen(f.rule) && !failed.iter().any(|(k, _)| *k == key(f)))
        .cloned()
    {
        if applied.len() == MAX_ROUNDS {
            stopped = true;
            break;
        }
        let fixed = match apply_fix(&design, &finding) {
            Ok(fixed) => fixed,
            Err(e) => {
                failed.push((key(&finding), e.to_string()));
                continue;
            }
        };
        let fixed_report = check(&fixed);
        if fixed_report
            .findings
            .iter()
            .any(|f| key(f) == key(&finding))
        {
            failed.push((
                key(&finding),
                "its fix does not remove it, so the fix was undone".into(),
            ));
            continue;
        }
        if !seen.insert(fingerprint(&fixed)) {
            failed.push((
                key(&finding),
                "its fix would undo an earlier fix, so it was undone".into(),
            ));
            continue;
        }
        let elements = finding
            .elements
            .iter()
            .map(|id| element(&design, *id))
            .collect();
        applied.push(Applied { finding, elements });
        design = fixed;
        report = fixed_report;
    }
    Outcome {
        design,
        report,
        applied,
        failed,
        stopped,
    }
}

/// Why a finding is still reported.
fn reason(outcome: &Outcome, f: &Finding, selected: Option<&[String]>) -> String {
    if f.fix.is_none() {
        return "no one-click fix: the message says what to change".into();
    }
    if selected.is_some_and(|names| !names.iter().any(|n| n == f.rule)) {
        return "its rule is not among those given by --rule".into();
    }
    if let Some((_, why)) = outcome.failed.iter().find(|(k, _)| *k == key(f)) {
        return why.clone();
    }
    if outcome.stopped {
        return format!("not tried: stopped after {MAX_ROUNDS} fixes");
    }
    // Not reached: the loop ends only when every selected fix was tried.
    "not tried".into()
}

#[derive(Serialize)]
struct AppliedOut<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    elements: &'a [ElementOut],
    fix: &'a str,
}

#[derive(Serialize)]
struct RemainingOut<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    elements: Vec<ElementOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
    not_fixed: String,
}

#[derive(Serialize)]
struct FixReportOut<'a> {
    file: &'a str,
    design: &'a str,
    applied: Vec<AppliedOut<'a>>,
    remaining: Vec<RemainingOut<'a>>,
    errors: usize,
    warnings: usize,
    infos: usize,
}

fn render(file: &str, outcome: &Outcome, selected: Option<&[String]>, format: Format) -> String {
    let design = &outcome.design;
    let report = &outcome.report;
    let (errors, warnings, infos) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    match format {
        Format::Json => {
            let out = FixReportOut {
                file,
                design: &design.name,
                applied: outcome
                    .applied
                    .iter()
                    .map(|a| AppliedOut {
                        rule: a.finding.rule,
                        severity: a.finding.severity,
                        message: &a.finding.message,
                        elements: &a.elements,
                        fix: a.finding.fix.as_ref().map_or("", |f| f.label.as_str()),
                    })
                    .collect(),
                remaining: report
                    .findings
                    .iter()
                    .map(|f| RemainingOut {
                        rule: f.rule,
                        severity: f.severity,
                        message: &f.message,
                        elements: f.elements.iter().map(|id| element(design, *id)).collect(),
                        fix: f.fix.as_ref().map(|fix| fix.label.as_str()),
                        not_fixed: reason(outcome, f, selected),
                    })
                    .collect(),
                errors,
                warnings,
                infos,
            };
            let mut text = serde_json::to_string_pretty(&out).expect("report serialises");
            text.push('\n');
            text
        }
        Format::Text => {
            // Names, messages and the file name are the design's (or the user's) text: each is
            // made visible, so that none can act on the terminal or start a line of its own.
            let file = visible(file);
            let mut text = String::new();
            for a in &outcome.applied {
                let f = &a.finding;
                let _ = writeln!(
                    text,
                    "fixed {}[{}]: {}",
                    f.severity,
                    f.rule,
                    visible(&f.message)
                );
                if let Some(fix) = &f.fix {
                    let _ = writeln!(text, "  = applied: {}", visible(&fix.label));
                }
            }
            for f in &report.findings {
                write_finding(&mut text, design, &file, f);
                let why = reason(outcome, f, selected);
                match &f.fix {
                    Some(fix) => {
                        let _ = writeln!(
                            text,
                            "  = not fixed: {} ({})",
                            visible(&fix.label),
                            visible(&why)
                        );
                    }
                    None => {
                        let _ = writeln!(text, "  = not fixed: {why}");
                    }
                }
            }
            let count = outcome.applied.len();
            let _ = writeln!(
                text,
                "{file}: {count} fix{} applied; {errors} error{}, {warnings} warning{}, {infos} info remain{}",
                if count == 1 { "" } else { "es" },
                plural(errors),
                plural(warnings),
                if errors + warnings + infos == 1 { "s" } else { "" },
            );
            text
        }
    }
}

pub fn run(file: &str, rules: &[String], out: Option<&str>, format: Format) -> ExitCode {
    if let Some(unknown) = rules.iter().find(|name| rule(name).is_none()) {
        return output::fail(&format!(
            "--rule {unknown}: no rule has this name (`hsmnet rules` lists them)"
        ));
    }
    let selected = (!rules.is_empty()).then_some(rules);
    let design = match load_design(file) {
        Ok(design) => design,
        Err(code) => return code,
    };
    let outcome = fix_all(design, selected);
    let document = match to_document(&outcome.design) {
        Ok(text) => text,
        Err(e) => return output::fail(&format!("{file}: the fixed design is not written: {e}")),
    };
    let report = render(file, &outcome, selected, format);
    let code = if outcome.report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    match out {
        // The design on standard output: the report goes to standard error, after it.
        None | Some("-") => {
            let written = output::print(&document, code);
            if written != code {
                return written;
            }
            // A standard error that cannot be written is let go: there is nowhere to say so.
            let _ = std::io::stderr().lock().write_all(report.as_bytes());
            code
        }
        // The design in a file: the report on standard output.
        Some(path) => match output::write_file(path, &document) {
            Ok(()) => output::print(&report, code),
            Err(code) => code,
        },
    }
}
