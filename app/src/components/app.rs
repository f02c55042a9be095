//! The page: the preset picker on top, the diagram and the findings side by side.

use super::{Diagram, FindingsPanel, PresetPicker, RetirementNotice};
use crate::state::Studio;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    provide_context(Studio::new());
    view! {
        <header class="topbar">
            <h1 class="brand">"HSM Network Studio"</h1>
            <PresetPicker/>
        </header>
        <RetirementNotice/>
        <main class="workspace">
            <Diagram/>
            <FindingsPanel/>
        </main>
    }
}
