//! One finding: its rule and message (a click selects its elements on the canvas), expanding
//! to the rule's reasons, and a button for the rule's fix when it has one.

use crate::explanations::{Explanations, Texts};
use crate::state::Studio;
use hsmnet_core::rules::Finding;
use leptos::prelude::*;

#[component]
pub fn FindingItem(finding: Finding) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let explanations = expect_context::<Explanations>();
    let rule = finding.rule;
    let details = move || match explanations.texts.get() {
        Texts::Ready(all) => all.get(rule).cloned().map(|e| {
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
            .into_any()
        }),
        Texts::Failed(error) => Some(
            view! { <p class="hint">"The explanation could not be loaded: " {error}</p> }
                .into_any(),
        ),
        Texts::NotLoaded | Texts::Loading => {
            Some(view! { <p class="hint">"Loading the explanation…"</p> }.into_any())
        }
    };
    let elements = finding.elements.clone();
    let select = move |_| {
        explanations.load();
        studio.selection.set(elements.clone());
    };
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
