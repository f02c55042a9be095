//! The report of `hsmnet_core::check` on the current design: counts, then findings grouped by
//! severity, most severe first.

use super::FindingItem;
use crate::state::Studio;
use hsmnet_core::{Report, Severity};
use leptos::prelude::*;

const GROUPS: [(Severity, &str, &str); 3] = [
    (Severity::Error, "Errors", "errors"),
    (Severity::Warning, "Warnings", "warnings"),
    (Severity::Info, "Information", "info"),
];

#[component]
pub fn FindingsPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let body = move || match studio.design.with(|d| d.as_ref().err().cloned()) {
        Some(error) => view! {
            <p class="build-error" role="alert">"This preset cannot be built: " {error}</p>
        }
        .into_any(),
        None => studio
            .report
            .get()
            .map(|report| report_view(&report))
            .into_any(),
    };
    view! {
        <aside class="findings" aria-labelledby="findings-title">
            <h2 id="findings-title">"Findings"</h2>
            {body}
        </aside>
    }
}

fn report_view(report: &Report) -> impl IntoView {
    let counts = GROUPS
        .iter()
        .map(|(severity, _, noun)| {
            let n = report.count(*severity);
            view! {
                <li class=format!("count {severity}")>
                    <span class="n" data-severity=severity.to_string()>{n}</span>
                    " "
                    {*noun}
                </li>
            }
        })
        .collect_view();
    let groups = GROUPS
        .iter()
        .filter_map(|(severity, title, _)| {
            let findings: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == *severity)
                .cloned()
                .collect();
            if findings.is_empty() {
                return None;
            }
            let heading = format!("{title} ({})", findings.len());
            Some(view! {
                <section class=format!("group {severity}")>
                    <h3>{heading}</h3>
                    <ul>
                        {findings
                            .into_iter()
                            .map(|finding| view! { <FindingItem finding=finding/> })
                            .collect_view()}
                    </ul>
                </section>
            })
        })
        .collect_view();
    let empty = report
        .findings
        .is_empty()
        .then(|| view! { <p class="clean">"No findings."</p> });
    view! {
        <ul class="counts" aria-label="Finding counts">{counts}</ul>
        {empty}
        {groups}
    }
}
