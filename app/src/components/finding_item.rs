//! One finding: its rule and message (a click selects its elements on the canvas), expanding
//! to the rule's reasons, and a button for the rule's fix when it has one.

use crate::explanations;
use crate::state::Studio;
use hsmnet_core::rules::Finding;
use leptos::prelude::*;

#[component]
pub fn FindingItem(finding: Finding) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let details = explanations::of(finding.rule).map(|e| {
        view! {
            <dl>
                <dt>"Why"</dt>
                <dd>{e.why}</dd>
                <dt>"Fix"</dt>
                <dd>{e.fix}</dd>
                <dt>"Source"</dt>
                <dd>{e.source}</dd>
            </dl>
        }
    });
    let elements = finding.elements.clone();
    let select = move |_| studio.selection.set(elements.clone());
    let fix = finding.fix.map(|fix| {
        let label = fix.label.clone();
        let edit = fix.edit;
        view! {
            <button
                type="button"
                class="fix"
                on:click=move |_| {
                    if studio.apply(edit.clone()) {
                        studio.tell(format!("Fixed: {label}."));
                    }
                }
            >
                {format!("Fix: {}", fix.label)}
            </button>
        }
    });
    view! {
        <li class=format!("finding {}", finding.severity) data-rule=finding.rule>
            <details>
                <summary on:click=select>
                    <code class="rule">{finding.rule}</code>
                    " "
                    <span class="message">{finding.message}</span>
                </summary>
                {details}
            </details>
            {fix}
        </li>
    }
}
