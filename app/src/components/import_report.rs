//! The report of the last import beside the findings: what was read and modelled, by type, then
//! what refers to things the file does not declare (external) and what could not be modelled,
//! each message with its count and JSON paths. Shown while the imported design is the one
//! opened (another design opened hides it), until dismissed.

use crate::importing::{Importing, Shown};
use crate::state::Studio;
use hsmnet_core::import::report::{Group, NoteKind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Paths listed under one message; `hsmnet import --report json` lists them all.
const PATHS_SHOWN: usize = 50;

/// The report panel, lazily: a chunk of its own (see scripts/split-wasm).
#[lazy]
pub(crate) fn import_report() -> AnyView {
    view! { <ImportReport/> }.into_any()
}

#[component]
pub fn ImportReport() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let importing = expect_context::<Importing>();
    let shown = move || {
        let opened = studio.opened.get();
        importing
            .report
            .with(|r| r.as_ref().filter(|r| r.opened == opened).cloned())
    };
    move || {
        shown().map(|report| {
            let Shown { files, summary, .. } = report;
            // One text each: the counts by type, a group's paths (one a line).
            let mapped = summary
                .mapped
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect::<Vec<_>>()
                .join(" · ");
            let sections = [NoteKind::External, NoteKind::NotModelled]
                .into_iter()
                .filter_map(|kind| notes(kind, &summary.groups))
                .collect_view();
            view! {
                <aside class="import-report" aria-labelledby="import-report-title">
                    <h2 id="import-report-title">"Import report"</h2>
                    <button type="button" class="close" aria-label="Dismiss the import report"
                        title="Dismiss the import report"
                        on:click=move |_| {
                            importing.report.set(None);
                            keyboard_to_findings();
                        }>"×"</button>
                    <p class="files">{files}</p>
                    <p class="headline">{summary.headline}</p>
                    <p class="mapped">{mapped}</p>
                    {sections}
                </aside>
            }
        })
    }
}

/// The groups of one kind of note, each message with its count and its paths.
fn notes(kind: NoteKind, groups: &[Group]) -> Option<impl IntoView> {
    let groups: Vec<&Group> = groups.iter().filter(|g| g.kind == kind).collect();
    if groups.is_empty() {
        return None;
    }
    let total: usize = groups.iter().map(|g| g.paths.len()).sum();
    let class = match kind {
        NoteKind::External => "notes external",
        NoteKind::NotModelled => "notes not-modelled",
    };
    let items = groups
        .into_iter()
        .map(|g| {
            let more = g.paths.len().saturating_sub(PATHS_SHOWN);
            let mut paths = g.paths[..g.paths.len().min(PATHS_SHOWN)].join("\n");
            if more > 0 {
                paths.push_str(&format!("\n… and {more} more"));
            }
            let summary = format!("{} × {}", g.message, g.paths.len());
            view! {
                <li class="group">
                    <details>
                        <summary>{summary}</summary>
                        <p class="paths">{paths}</p>
                    </details>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <section class=class>
            <h3>{format!("{} ({total})", kind.title())}</h3>
            <ul>{items}</ul>
        </section>
    })
}

/// The dismiss button goes with the panel: the keyboard goes to the findings beside it.
fn keyboard_to_findings() {
    let findings = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".findings").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(findings) = findings {
        let _ = findings.focus();
    }
}
