//! The page: the commands on top, the start points and messages under them, then the diagram
//! beside the properties and the findings.
//!
//! It opens what `startup` chooses (a share link, the autosave, a preset) and autosaves every
//! change of the design.

use super::{
    Diagram, FindingsPanel, Gallery, PropertiesPanel, RetirementNotice, StatusLine, Toolbar,
    TracePanel,
};
use crate::explanations::Explanations;
use crate::state::Studio;
use crate::tracing::Tracing;
use crate::{startup, storage};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let (design, notice) = startup::initial();
    let studio = Studio::new(design);
    studio.notice.set(notice);
    provide_context(studio);
    provide_context(Tracing::new(studio));
    provide_context(Explanations::new());

    // Autosave: every change of the design, including undo and redo. One failure is reported;
    // later ones would only repeat it.
    let reported = StoredValue::new(false);
    Effect::new(move |_| {
        let result = studio.document.with(|text| storage::save(text));
        if let Err(e) = result {
            if !reported.get_value() {
                reported.set_value(true);
                studio.refuse(format!("The design is not autosaved: {e}."));
            }
        }
    });
    let hash = window_event_listener(leptos::ev::hashchange, move |_| {
        startup::on_fragment_change(studio)
    });
    on_cleanup(move || hash.remove());

    view! {
        <header class="topbar">
            <h1 class="brand">"HSM Network Studio"</h1>
            <Toolbar/>
        </header>
        <RetirementNotice/>
        <Gallery/>
        <StatusLine/>
        <main class="workspace">
            <Diagram/>
            <div class="side">
                <PropertiesPanel/>
                <FindingsPanel/>
                <TracePanel/>
            </div>
        </main>
    }
}
