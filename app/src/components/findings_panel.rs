//! The report of `hsmnet_core::check` on the current design, from the checker worker after
//! every edit: counts, how long the check took (or that it is under way), then the findings
//! grouped by severity, most severe first.

use super::{Collapsible, FindingItem};
use crate::decimal::decimal;
use crate::state::Studio;
use hsmnet_core::service::{count, Listed};
use hsmnet_core::Severity;
use leptos::prelude::*;

const GROUPS: [(Severity, &str, &str); 3] = [
    (Severity::Error, "Errors", "errors"),
    (Severity::Warning, "Warnings", "warnings"),
    (Severity::Info, "Information", "info"),
];

#[component]
pub fn FindingsPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let counts = GROUPS
        .iter()
        .map(|(severity, _, noun)| {
            let n = move || studio.report.with(|r| count(r, *severity));
            view! {
                <li class=format!("count {severity}")>
                    <span class="n" data-severity=severity.to_string()>{n}</span>
                    " "
                    {*noun}
                </li>
            }
        })
        .collect_view();
    // Re-read on every report, which sets the time first.
    let timing = move || {
        if !studio.checked.get() {
            return view! { <p class="timing">"Checking…"</p> }.into_any();
        }
        studio.report.track();
        let ms = studio.check_ms.get_value();
        view! {
            <p class="timing" data-ms=decimal(ms, 3)>
                {format!("Checked in {} ms", rounded(ms))}
            </p>
        }
        .into_any()
    };
    view! {
        // Focusable by script only: it keeps the keyboard focus after a fix leaves no finding.
        <aside
            class="findings"
            aria-labelledby="findings-title"
            tabindex="-1"
            aria-busy=move || (!studio.checked.get()).to_string()
        >
            <Collapsible id="findings-title" title="Findings">
                <ul class="counts" aria-label="Finding counts">{counts}</ul>
                {timing}
                <Show when=move || studio.checked.get() && studio.report.with(Vec::is_empty)>
                    <p class="clean">"No findings."</p>
                </Show>
                // The list is a lazy chunk, put on the page once the diagram is drawn: there is
                // nothing in it before the checker, which starts then, has answered.
                {move || studio.drawn.get().then(|| Suspend::new(findings_list()))}
            </Collapsible>
        </aside>
    }
}

/// The findings, grouped by severity, most severe first. Lazy: a chunk of its own (see
/// scripts/split-wasm).
#[lazy]
pub(crate) fn findings_list() -> AnyView {
    let studio = expect_context::<Studio>();
    GROUPS
        .iter()
        .map(|(severity, title, _)| {
            let findings = Memo::new(move |_| {
                studio.report.with(|r| {
                    r.iter()
                        .filter(|f| f.severity == *severity)
                        .cloned()
                        .collect::<Vec<_>>()
                })
            });
            view! {
                <Show when=move || findings.with(|f| !f.is_empty())>
                    <section class=format!("group {severity}")>
                        <h3>{move || format!("{title} ({})", findings.with(Vec::len))}</h3>
                        <ul>
                            <For each=move || findings.get() key=key let:finding>
                                <FindingItem finding=finding/>
                            </For>
                        </ul>
                    </section>
                </Show>
            }
        })
        .collect_view()
        .into_any()
}

/// A finding is the same finding while its rule, message, elements and fix label are: an edit
/// elsewhere keeps it (and whether it is expanded) in place, and a fix that changed (a name
/// now taken, or no fix any more) shows as it is now, never as a stale button.
fn key(finding: &Listed) -> Listed {
    finding.clone()
}

/// Milliseconds with a precision that means something: 0.42, 3.1, 27.
fn rounded(ms: f64) -> String {
    let places = if ms < 1.0 {
        2
    } else if ms < 10.0 {
        1
    } else {
        0
    };
    decimal(ms, places)
}
