//! The verdict of the flow being traced, said just above the canvas that draws its path, so
//! that the answer is seen where the eye is, whatever the side column shows.

use crate::tracing::Tracing;
use hsmnet_core::trace::Verdict;
use leptos::prelude::*;

#[component]
pub fn TraceSummary() -> impl IntoView {
    let tracing = expect_context::<Tracing>();
    move || {
        let result = tracing.result.get()?;
        let (class, text) = match result {
            Ok(trace) => {
                let flow = format!("{} to {} on TCP {}", trace.from, trace.to, trace.port);
                match trace.verdict {
                    Verdict::Delivered => (
                        "trace-summary delivered",
                        format!("Trace {flow}: delivered, out and back."),
                    ),
                    Verdict::Dropped { hop, reason } => {
                        let mut text =
                            format!("Trace {flow}: dropped at hop {}: {reason}", hop + 1);
                        if let Some(cause) = trace.cause {
                            text.push_str(&format!(
                                " Cause, at hop {}: {}",
                                cause.hop + 1,
                                cause.reason
                            ));
                        }
                        ("trace-summary dropped", text)
                    }
                }
            }
            Err(why) => ("trace-summary dropped", format!("Trace: {why}")),
        };
        Some(view! {
            <div class=class aria-live="polite">
                <span>{text}</span>
                <button type="button" aria-label="Stop tracing" on:click=move |_| tracing.clear()>
                    "×"
                </button>
            </div>
        })
    }
}
