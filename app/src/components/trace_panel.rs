//! Traces a flow: pick a source and a destination (by name or address) and a port; the panel lists
//! every hop out and back with what decided it, and the verdict. It answers as you type (once
//! typing rests for a moment), on Enter or leaving a box, and on the Trace button. The canvas
//! draws the same path (diagram/trace_path.rs) and says the verdict above it (`TraceSummary`).
//! Clicking a hop selects its elements; pointing at one highlights it on the canvas.

use super::Collapsible;
use crate::state::Studio;
use crate::tracing::Tracing;
use hsmnet_core::model::ConnectionKind;
use hsmnet_core::trace::{Hop, Leg, Trace, Verdict};
use leptos::html::Input;
use leptos::prelude::*;
use std::time::Duration;

/// How long typing rests before the trace follows it, so that each key does not start one.
const SETTLE: Duration = Duration::from_millis(250);

/// The panel, lazily: its code is a chunk of its own (see scripts/split-wasm), fetched after the
/// diagram is drawn.
#[lazy]
pub(crate) fn trace_panel() -> AnyView {
    view! { <TracePanel/> }.into_any()
}

#[component]
pub fn TracePanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let tracing = expect_context::<Tracing>();
    // What can be typed, offered as suggestions: sources and destinations by name.
    // Memos: an edit that renames nothing leaves the suggestion lists (and their DOM) alone.
    let sources = Memo::new(move |_| {
        studio.with_design(|d| {
            let mut names: Vec<String> = d.sites.iter().map(|s| s.name.clone()).collect();
            names.extend(
                d.connections
                    .iter()
                    .filter(|c| matches!(c.kind, ConnectionKind::PointToSite { .. }))
                    .map(|c| c.name.clone()),
            );
            // Client subnets first: they are what a trace is usually about.
            let mut subnets: Vec<(bool, String)> = d
                .vnets
                .iter()
                .flat_map(|v| {
                    v.subnets
                        .iter()
                        .map(move |s| (!s.hsm_client, format!("{}/{}", v.name, s.name)))
                })
                .collect();
            subnets.sort_by_key(|(not_client, _)| *not_client);
            names.extend(subnets.into_iter().map(|(_, n)| n));
            names
        })
    });
    let targets = Memo::new(move |_| {
        studio.with_design(|d| {
            d.hsms
                .iter()
                .map(|h| h.name.clone())
                .chain(d.cloud_hsm_clusters.iter().map(|c| c.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let options = |names: Vec<String>| {
        names
            .into_iter()
            .map(|n| view! { <option value=n></option> })
            .collect_view()
    };
    let (from_box, to_box, port_box) = (
        NodeRef::<Input>::new(),
        NodeRef::<Input>::new(),
        NodeRef::<Input>::new(),
    );
    // Traces what the three boxes hold (a signal set only when its text changed, so that an
    // unchanged flow is not traced again).
    let take = move || {
        // Whether the signal changed.
        let set = |signal: RwSignal<String>, input: NodeRef<Input>| {
            let text = input.get_untracked().map(|i| i.value())?;
            signal
                .with_untracked(|s| *s != text)
                .then(|| signal.set(text))
        };
        set(tracing.from, from_box);
        let to_changed = set(tracing.to, to_box).is_some();
        let typed = port_box
            .get_untracked()
            .and_then(|i| i.value().trim().parse::<u16>().ok())
            .filter(|p| *p > 0);
        // A new destination brings its own port; otherwise the box holds either the port the
        // user typed or the destination's, shown: only a different number is a choice.
        if to_changed {
            tracing.port.set(None);
        } else if typed != untrack(|| tracing.port_shown()) {
            tracing.port.set(typed);
        }
    };
    // Each key starts a short wait; only the last one's wait, when it ends, traces.
    let typed = StoredValue::new(0_u64);
    let on_typing = move |_| {
        let this = typed.get_value() + 1;
        typed.set_value(this);
        set_timeout(
            move || {
                if typed.get_value() == this {
                    take();
                }
            },
            SETTLE,
        );
    };
    let trace_now = move || {
        // A wait still running would only trace the same again.
        typed.update_value(|n| *n += 1);
        take();
    };
    let result = move || match tracing.result.get() {
        None => view! {
            <p class="hint">"Choose a source and a destination to trace a flow."</p>
        }
        .into_any(),
        Some(Err(error)) => view! { <p class="trace-error" role="alert">{error}</p> }.into_any(),
        Some(Ok(trace)) => trace_view(studio, tracing, trace).into_any(),
    };
    view! {
        <section class="trace-panel" aria-labelledby="trace-title">
            <Collapsible id="trace-title" title="Trace a flow">
                <div class="trace-form">
                    <div class="field">
                        <label for="trace-from">"From"</label>
                        <input id="trace-from" list="trace-sources" autocomplete="off"
                            placeholder="site, subnet or address" node_ref=from_box
                            prop:value=move || tracing.from.get()
                            on:input=on_typing on:change=move |_| trace_now()/>
                        <datalist id="trace-sources">{move || options(sources.get())}</datalist>
                    </div>
                    <div class="field">
                        <label for="trace-to">"To"</label>
                        <input id="trace-to" list="trace-targets" autocomplete="off"
                            placeholder="HSM, cluster or address" node_ref=to_box
                            prop:value=move || tracing.to.get()
                            on:input=on_typing on:change=move |_| trace_now()/>
                        <datalist id="trace-targets">{move || options(targets.get())}</datalist>
                    </div>
                    <div class="field port">
                        <label for="trace-port">"TCP port"</label>
                        <input id="trace-port" type="number" min="1" max="65535" node_ref=port_box
                            placeholder="the destination's"
                            title="Empty: the port the destination listens on (1792 for a Luna HSM, 2225 for a Cloud HSM cluster, 1500 for a payShield host, 443 for its management address)"
                            prop:value=move || tracing.port_shown().map(|p| p.to_string()).unwrap_or_default()
                            on:input=on_typing on:change=move |_| trace_now()/>
                    </div>
                    <button type="button" class="trace-now" on:click=move |_| trace_now()>"Trace"</button>
                    <button type="button" on:click=move |_| tracing.clear()>"Clear trace"</button>
                </div>
                <div class="trace-result" aria-live="polite">{result}</div>
            </Collapsible>
        </section>
    }
}

fn trace_view(studio: Studio, tracing: Tracing, trace: Trace) -> impl IntoView {
    let failing = match &trace.verdict {
        Verdict::Dropped { hop, .. } => Some(*hop),
        Verdict::Delivered => None,
    };
    let verdict = match &trace.verdict {
        Verdict::Delivered => view! {
            <p class="verdict delivered">
                {format!("Delivered: {} reaches {} on TCP {}, out and back.", trace.from, trace.to, trace.port)}
            </p>
        }
        .into_any(),
        Verdict::Dropped { hop, reason } => view! {
            <p class="verdict dropped">{format!("Dropped at hop {}: {reason}", hop + 1)}</p>
        }
        .into_any(),
    };
    // The device that broke the flow before the hop that dropped it, and the load balancer's
    // other sessions: said under the verdict, where the reader looks for why.
    let cause = trace.cause.map(|c| {
        view! { <p class="cause">{format!("Cause, at hop {}: {}", c.hop + 1, c.reason)}</p> }
    });
    let other_sessions = trace
        .other_sessions
        .map(|o| view! { <p class="other-sessions">{format!("Other sessions: {}", o.note)}</p> });
    let hops = trace
        .hops
        .into_iter()
        .enumerate()
        .map(|(i, hop)| hop_view(studio, tracing, i, hop, failing == Some(i)))
        .collect_view();
    view! {
        {verdict}
        {cause}
        {other_sessions}
        <ol class="hops" aria-label="Hops">{hops}</ol>
    }
}

fn hop_view(
    studio: Studio,
    tracing: Tracing,
    index: usize,
    hop: Hop,
    failed: bool,
) -> impl IntoView {
    let leg = match hop.leg {
        Leg::Out => "out",
        Leg::Back => "back",
    };
    let packet = format!(
        "{} → {}:{}",
        hop.packet.src, hop.packet.dst, hop.packet.port
    );
    let elements = hop.elements.clone();
    let class = if failed { "hop failed" } else { "hop" };
    // Pointing at a hop (or focusing its button) highlights it on the canvas, and the reverse.
    let hovered = tracing.hovered;
    let hover = move |on: bool| hovered.set(on.then_some(index));
    view! {
        <li class=class data-leg=leg class:hot=move || hovered.get() == Some(index)
            on:mouseenter=move |_| hover(true) on:mouseleave=move |_| hover(false)>
            <button type="button" class="hop-select" on:focus=move |_| hover(true) on:blur=move |_| hover(false)
                aria-label=format!("Hop {} ({leg}): {}", index + 1, hop.decision)
                on:click=move |_| studio.selection.set(elements.clone())>
                <span class="leg">{leg}</span>
                " "
                <span class="packet">{packet}</span>
            </button>
            <span class="decision">{hop.decision}</span>
            {hop.by.map(|by| view! { <span class="by">{by}</span> })}
        </li>
    }
}
