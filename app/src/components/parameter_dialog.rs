//! The values a template needs and nobody gave, asked for in a modal dialog: a labelled field
//! per parameter with its type, description and default as the template gives them. Enter or
//! Import imports again with them; Escape or Cancel leaves the open design as it is.

use super::gallery::keyboard_to_canvas;
use crate::importing::Importing;
use crate::state::Studio;
use leptos::ev::SubmitEvent;
use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The dialog, lazily: a chunk of its own (see scripts/split-wasm).
#[lazy]
pub(crate) fn parameter_dialog() -> AnyView {
    view! { <ParameterDialog/> }.into_any()
}

#[component]
pub fn ParameterDialog() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let importing = expect_context::<Importing>();
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let asking = importing.asking.with(Option::is_some);
        let Some(d) = dialog.get() else { return };
        match (asking, d.open()) {
            (true, false) => {
                let _ = d.show_modal();
            }
            (false, true) => d.close(),
            _ => {}
        }
    });
    let submit = move |ev: SubmitEvent| {
        // The values stay in the page: no form is ever sent anywhere.
        ev.prevent_default();
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Ok(typed) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        let values = importing.asking.with_untracked(|a| {
            a.iter()
                .flat_map(|a| &a.wanted)
                .map(|w| {
                    (
                        w.name.clone(),
                        typed.get(&w.name).as_string().unwrap_or_default(),
                    )
                })
                .collect()
        });
        importing.answer(studio, values);
    };
    let files = move || {
        importing.asking.with(|a| {
            a.as_ref().map(|a| {
                a.files
                    .iter()
                    .map(|f| f.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        })
    };
    let fields = move || {
        let wanted = importing
            .asking
            .with(|a| a.as_ref().map(|a| a.wanted.clone()).unwrap_or_default());
        wanted
            .into_iter()
            .enumerate()
            .map(|(i, w)| {
                let id = format!("parameter-{i}");
                let hint = format!("parameter-{i}-hint");
                let label = format!(
                    "{} · {}{}",
                    w.name,
                    w.kind,
                    if w.needed { "" } else { " (optional)" }
                );
                let about = [
                    w.description,
                    w.default.map(|d| format!("Template default: {d}")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                view! {
                    <div class="field">
                        <label for=id.clone()>{label}</label>
                        <input type="text" id=id name=w.name required=w.needed
                            autocomplete="off" spellcheck="false" aria-describedby=hint.clone()/>
                        <p class="hint" id=hint>{about}</p>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <dialog class="parameters" node_ref=dialog aria-labelledby="parameters-title"
            aria-describedby="parameters-intro"
            on:close=move |_| {
                // Escape, Cancel, or the answer sent; unless a new question reopened it since.
                if dialog.get_untracked().is_some_and(|d| !d.open()) {
                    importing.asking.set(None);
                    keyboard_to_canvas();
                }
            }>
            <form on:submit=submit>
                <h2 id="parameters-title">"Template parameters"</h2>
                <p id="parameters-intro">
                    {move || files().unwrap_or_default()}
                    " needs values that neither the template nor a parameter file gives. "
                    "The open design is kept until the import succeeds."
                </p>
                {fields}
                <div class="actions">
                    <button type="button" on:click=move |_| importing.asking.set(None)>
                        "Cancel"
                    </button>
                    <button type="submit" class="primary">"Import"</button>
                </div>
            </form>
        </dialog>
    }
}
