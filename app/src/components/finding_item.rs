//! One finding: its rule and message (a click selects its elements on the canvas), expanding
//! to the rule's reasons, and a button for the rule's fix when it has one.
//!
//! The fix is applied by the rule against the design as it is then ([`Studio::fix`]); when it
//! cannot be, the reason shows under the button, where the eye is. After a fix the keyboard
//! focus goes to the finding that takes this one's place (the next), or to the list when none
//! is left, never to the page's body.

use crate::explanations::{Explanations, Texts};
use crate::state::Studio;
use hsmnet_core::service::Listed;
use leptos::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};
use wasm_bindgen::JsCast;

/// Numbers the lines that say why a fix was not applied, for their buttons' `aria-describedby`.
static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// Where the fixed finding was among the findings shown (counting from 0), and the list.
fn place_in_list(item: &web_sys::HtmlElement) -> Option<(usize, web_sys::Element)> {
    let list = item.closest(".findings").ok()??;
    let all = list.query_selector_all("li.finding").ok()?;
    let at = (0..all.length()).find(|i| {
        all.item(*i)
            .is_some_and(|n| n.is_same_node(Some(item.unchecked_ref())))
    })?;
    Some((at as usize, list))
}

fn focus(element: &web_sys::Element) {
    if let Some(el) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// Holds the focus on the findings list while the fixed finding's node goes away (the page
/// would drop it to `<body>`), then, once the list is drawn again, gives it to the finding now
/// at `at` (the one after the fixed one), the last when the list got shorter, or leaves it on
/// the list when it is empty. Called once the list shows the report of the fixed design.
fn focus_after_fix(at: usize, list: web_sys::Element) {
    request_animation_frame(move || {
        let Ok(summaries) = list.query_selector_all("li.finding > details > summary") else {
            return;
        };
        let n = summaries.length() as usize;
        if n == 0 {
            return;
        }
        if let Some(node) = summaries.item(at.min(n - 1) as u32) {
            if let Some(el) = node.dyn_ref::<web_sys::Element>() {
                focus(el);
            }
        }
    });
}

#[component]
pub fn FindingItem(finding: Listed) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let explanations = expect_context::<Explanations>();
    let rule = finding.rule.clone();
    let details = move || match explanations.texts.get() {
        Texts::Ready(all) => all.get(&rule).cloned().map(|e| {
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
    let item = NodeRef::<leptos::html::Li>::new();
    // Why the fix was not applied; cleared by the next change of the design.
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        studio.history.track();
        problem.set(None);
    });
    let target = finding.clone();
    let fix = finding.fix.clone().map(|label| {
        let button = format!("Fix: {label}");
        let error_id = format!("fix-error-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
        let described = error_id.clone();
        view! {
            <button
                type="button"
                class="fix"
                aria-describedby=described
                on:click=move |_| {
                    let place = item.get_untracked().and_then(|li| place_in_list(&li));
                    let label = label.clone();
                    studio.fix(&target, move |result| match result {
                        Ok(()) => {
                            studio.tell(format!("Fixed: {label}."));
                            if let Some((at, list)) = place {
                                // Held by the list while the fixed finding's item goes away.
                                focus(&list);
                                studio.when_checked(move || focus_after_fix(at, list));
                            }
                        }
                        // This item may be gone by the time the checker answers.
                        Err(why) => {
                            problem.try_set(Some(why));
                        }
                    });
                }
            >
                {button}
            </button>
            <p class="field-error fix-error" id=error_id role="alert">
                {move || problem.get()}
            </p>
        }
    });
    let rule_attr = finding.rule.clone();
    view! {
        <li class=format!("finding {}", finding.severity) data-rule=rule_attr node_ref=item>
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
