//! The page: the commands on top, one line of messages under them, then the diagram filling
//! the rest of the window beside the panels (properties, the last import's report, findings,
//! trace), which collapse. The start points are a dialog (`Gallery`), shown on a first visit;
//! the parameters an import needs are asked for in another (`ParameterDialog`).
//!
//! It opens what `startup` chooses (a share link, the autosave, a preset) and autosaves every
//! change of the design.

use super::{
    Diagram, FindingsPanel, GalleryOpen, MigrationShown, PropertiesPanel, RetirementNotice,
    StatusLine, Toolbar,
};
use crate::explanations::Explanations;
use crate::importing::Importing;
use crate::startup::{self, Opening};
use crate::state::Studio;
use crate::storage;
use crate::tracing::Tracing;
use leptos::prelude::*;

/// The studio, opened as `startup::initial` chose.
#[component]
pub fn App(opening: Opening) -> impl IntoView {
    let Opening {
        design,
        told,
        first_visit,
    } = opening;
    let studio = Studio::new(design);
    if let Some(told) = told {
        startup::tell(studio, told);
    }
    provide_context(studio);
    provide_context(Tracing::new(studio));
    provide_context(Explanations::new());
    let importing = Importing::new();
    provide_context(importing);
    provide_context(GalleryOpen(RwSignal::new(false)));
    let migration = RwSignal::new(None);
    provide_context(MigrationShown(migration));
    // The lazy dialogs are on the page only while they have something to show, so that their
    // chunks are fetched after the first paint (prefetch_lazy_chunks) or when first used, never
    // while the diagram is being drawn.
    let planning = Memo::new(move |_| migration.with(Option::is_some));
    let asking = Memo::new(move |_| importing.asking.with(Option::is_some));
    let reporting = Memo::new(move |_| importing.report.with(Option::is_some));
    let panels_shown = RwSignal::new(true);
    Effect::new(move |_| {
        if studio.drawn.get() {
            prefetch_lazy_chunks();
        }
    });

    // Autosave: every change of the design, including undo and redo. One failure is reported;
    // later ones would only repeat it.
    let reported = StoredValue::new(false);
    Effect::new(move |_| {
        let result = studio
            .document
            .with(|text| text.as_deref().map(storage::save));
        if let Some(Err(e)) = result {
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
        // Its chunk is fetched once the diagram is drawn; a first visit's gallery opens then.
        {move || studio.drawn.get().then(|| Suspend::new(super::gallery::gallery(first_visit)))}
        {move || planning.get().then(|| Suspend::new(super::migration_plan::migration_plan()))}
        {move || asking.get().then(|| Suspend::new(super::parameter_dialog::parameter_dialog()))}
        <StatusLine/>
        <main class="workspace" class:panels-hidden=move || !panels_shown.get()>
            <Diagram/>
            <button type="button" class="panels-toggle" aria-controls="side-panels"
                aria-expanded=move || panels_shown.get().to_string()
                title=move || if panels_shown.get() { "Hide the panels" } else { "Show the panels" }
                on:click=move |_| panels_shown.update(|s| *s = !*s)>
                {move || if panels_shown.get() { "›" } else { "‹" }}
                <span class="visually-hidden">"Panels"</span>
            </button>
            <div class="side" id="side-panels" hidden=move || !panels_shown.get()>
                <PropertiesPanel/>
                {move || reporting.get().then(|| Suspend::new(super::import_report::import_report()))}
                <FindingsPanel/>
                {move || studio.drawn.get().then(|| Suspend::new(super::trace_panel::trace_panel()))}
            </div>
        </main>
    }
}

/// Fetches the page's lazy chunks (the JSON codec, the canvas's edits, the traced flow's
/// layout, an element's form, the
/// migration plan, the import report and parameter dialog, the image writer, the share-link
/// encoder, the reader that names the field of a refused document:
/// see scripts/split-wasm) once the page has painted, so that their first use does not wait for
/// the network and the diagram does not wait for them. The trace panel, always shown, is put
/// on the page at that moment too.
fn prefetch_lazy_chunks() {
    leptos::task::spawn_local(async {
        crate::codec::preload().await;
        crate::editing::load().await;
        super::load_trace_drawing().await;
        super::properties_panel::__preload_element_form().await;
        super::migration_plan::__preload_migration_plan().await;
        super::import_report::__preload_import_report().await;
        super::parameter_dialog::__preload_parameter_dialog().await;
        super::toolbar::__preload_diagram_image().await;
        super::toolbar::__preload_share_link().await;
        crate::reading::__preload_locate().await;
    })
}
