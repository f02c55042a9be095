//! A subnet's effective routes, laid out like Azure's "effective routes" view: source, state,
//! address prefix, next hop type and next hop address. Computed by core's trace module.

use crate::checker;
use crate::state::Studio;
use hsmnet_core::service::{Answer, Request};
use hsmnet_core::trace::EffectiveRoute;
use hsmnet_core::Id;
use leptos::prelude::*;

#[component]
pub fn EffectiveRoutes(subnet: Id) -> impl IntoView {
    let studio = expect_context::<Studio>();
    // Asked of the checker again on every edit; the last answer is shown.
    let shown = RwSignal::new(Vec::<EffectiveRoute>::new());
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        studio.history.track();
        // The panel may be gone (another selection) before this runs or the checker answers.
        let Some(question) = asked.try_get_value().map(|q| q + 1) else {
            return;
        };
        asked.set_value(question);
        let request = Request::EffectiveRoutes { subnet };
        checker::ask_current(studio.revision, request, move |answer| {
            if let (Some(true), Answer::EffectiveRoutes { routes }) =
                (asked.try_get_value().map(|q| q == question), answer)
            {
                shown.try_set(routes);
            }
        });
    });
    let routes = move || shown.get();
    view! {
        <details class="effective-routes">
            <summary>"Effective routes"</summary>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Source"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Address prefix"</th>
                        <th scope="col">"Next hop type"</th>
                        <th scope="col">"Next hop IP"</th>
                    </tr>
                </thead>
                <tbody>{move || routes().into_iter().map(row).collect_view()}</tbody>
            </table>
        </details>
    }
}

fn row(route: EffectiveRoute) -> impl IntoView {
    let source = match &route.name {
        Some(name) => format!("{} ({name})", route.source),
        None => route.source.to_string(),
    };
    view! {
        <tr class=route.state.to_string().to_ascii_lowercase()>
            <td>{source}</td>
            <td>{route.state.to_string()}</td>
            <td>{route.prefix.to_string()}</td>
            <td>{route.next_hop_type.to_string()}</td>
            <td>{route.next_hop_ip.map(|ip| ip.to_string()).unwrap_or_default()}</td>
        </tr>
    }
}
