//! One finding: its rule and message, expanding to the rule's reasons and fix.

use hsmnet_core::rules::{self, Finding};
use leptos::prelude::*;

#[component]
pub fn FindingItem(finding: Finding) -> impl IntoView {
    let rule = rules::rule(finding.rule);
    let details = rule.map(|r| {
        view! {
            <dl>
                <dt>"Why"</dt>
                <dd>{r.explanation.why}</dd>
                <dt>"Fix"</dt>
                <dd>{r.explanation.fix}</dd>
                <dt>"Source"</dt>
                <dd>{r.explanation.source}</dd>
            </dl>
        }
    });
    view! {
        <li class=format!("finding {}", finding.severity) data-rule=finding.rule>
            <details>
                <summary>
                    <code class="rule">{finding.rule}</code>
                    " "
                    <span class="message">{finding.message}</span>
                </summary>
                {details}
            </details>
        </li>
    }
}
