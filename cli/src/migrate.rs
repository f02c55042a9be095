//! `hsmnet migrate cloud-hsm`: the plan that turns a Dedicated HSM design into its Azure Cloud
//! HSM successor (core's `migrate::plan`): the target design, what it adds, changes and marks
//! retirable, a trace per former client, and the steps the network cannot show.
//!
//! Where things go, as `hsmnet fix`: the target design to `-o OUT`, or to standard output; the
//! summary to standard output when the design went to a file, else to standard error.

use crate::input::load_design;
use crate::output::{self, visible};
use crate::Format;
use clap::ValueEnum;
use hsmnet_core::document::to_document;
use hsmnet_core::migrate::{plan, target_is_clean, Migration};
use hsmnet_core::{Design, Id};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

/// What to migrate to.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum To {
    /// Azure Cloud HSM, the successor Microsoft names for Dedicated HSM.
    CloudHsm,
}

/// An element as the summary names it.
#[derive(Serialize)]
struct Named {
    id: Id,
    kind: &'static str,
    name: String,
}

fn named(design: &Design, ids: &[Id]) -> Vec<Named> {
    ids.iter()
        .map(|&id| {
            let (kind, name) = design
                .describe(id)
                .map(|(k, n)| (k.label(), n.to_string()))
                .unwrap_or(("element", id.to_string()));
            Named { id, kind, name }
        })
        .collect()
}

#[derive(Serialize)]
struct Summary<'m> {
    clean: bool,
    added: Vec<Named>,
    changed: Vec<Named>,
    retirable: Vec<Named>,
    clients: &'m [hsmnet_core::migrate::ClientCheck],
    checklist: &'static [hsmnet_core::migrate::Step],
}

fn render(file: &str, m: &Migration, clean: bool, format: Format) -> String {
    let summary = Summary {
        clean,
        added: named(&m.target, &m.diff.added),
        changed: named(&m.target, &m.diff.changed),
        retirable: named(&m.target, &m.diff.retirable),
        clients: &m.clients,
        checklist: m.checklist,
    };
    if format == Format::Json {
        let mut text = serde_json::to_string_pretty(&summary).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let mut text = String::new();
    let list = |text: &mut String, title: &str, items: &[Named]| {
        let _ = writeln!(text, "{title} ({}):", items.len());
        for n in items {
            let _ = writeln!(text, "  {} '{}'", n.kind, visible(&n.name));
        }
    };
    list(&mut text, "added", &summary.added);
    list(&mut text, "changed", &summary.changed);
    list(&mut text, "retirable (kept, marked)", &summary.retirable);
    let reached = m.clients.iter().filter(|c| c.reaches).count();
    let _ = writeln!(
        text,
        "former HSM clients reaching Cloud HSM ({reached} of {}):",
        m.clients.len()
    );
    for c in &m.clients {
        let verdict = if c.reaches {
            "reaches"
        } else {
            "DOES NOT reach"
        };
        let _ = writeln!(
            text,
            "  '{}' {verdict} '{}'",
            visible(&c.name),
            visible(&m.target.name_of(c.cluster))
        );
        for line in c.trace.lines() {
            let _ = writeln!(text, "    {}", visible(line));
        }
    }
    let _ = writeln!(text, "not shown by the network (checklist):");
    for (k, step) in m.checklist.iter().enumerate() {
        let _ = writeln!(
            text,
            "  {}. {}\n     source: {}",
            k + 1,
            step.step,
            step.source
        );
    }
    let _ = writeln!(
        text,
        "{file}: target {}",
        if clean {
            "checks with no errors"
        } else {
            "has errors (hsmnet check lists them)"
        }
    );
    text
}

pub fn run(to: To, file: &str, out: Option<&str>, format: Format) -> ExitCode {
    let To::CloudHsm = to;
    let design = match load_design(file) {
        Ok(design) => design,
        Err(code) => return code,
    };
    let m = match plan(&design) {
        Ok(m) => m,
        Err(e) => return output::fail(&format!("{file}: {e}")),
    };
    let clean = target_is_clean(&m) && m.clients.iter().all(|c| c.reaches);
    let document = match to_document(&m.target) {
        Ok(text) => text,
        Err(e) => return output::fail(&format!("{file}: the target design is not written: {e}")),
    };
    let summary = render(file, &m, clean, format);
    let code = if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    match out {
        None | Some("-") => {
            let written = output::print(&document, code);
            if written != code {
                return written;
            }
            let _ = std::io::stderr().lock().write_all(summary.as_bytes());
            code
        }
        Some(path) => match output::write_file(path, &document) {
            Ok(()) => output::print(&summary, code),
            Err(code) => code,
        },
    }
}
