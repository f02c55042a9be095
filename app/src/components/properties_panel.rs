//! The properties of the selection: the design's own name and description when nothing is
//! selected, every field of one selected element, or a count for several.

use super::properties::{DesignForm, ElementForm};
use super::Collapsible;
use crate::state::Studio;
use hsmnet_core::Id;
use leptos::prelude::*;

#[component]
pub fn PropertiesPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let body = move || {
        let selection = studio.selection.get();
        match selection.as_slice() {
            [] => view! { <DesignForm/> }.into_any(),
            [id] => {
                let id = *id;
                Suspend::new(async move { element_form(id).await }).into_any()
            }
            many => {
                let names = studio.with_design_untracked(|d| {
                    many.iter()
                        .map(|id| d.name_of(*id))
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                view! {
                    <p class="multi">
                        {format!("{} elements selected: {names}. ", many.len())}
                        "Select one to edit its properties."
                    </p>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="properties" aria-labelledby="properties-title">
            <Collapsible id="properties-title" title="Properties">{body}</Collapsible>
        </section>
    }
}

/// The form of one element. Lazy: the form engine's field list and the panel's editors are a
/// chunk of their own, fetched when an element is first selected (or before, once the page is
/// idle: `prefetch`).
#[lazy]
pub(crate) fn element_form(id: Id) -> AnyView {
    view! { <ElementForm id=id/> }.into_any()
}
