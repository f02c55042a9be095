//! The studio's commands: undo and redo (with Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y anywhere but in
//! a text field), the downloads (ARM template, Bicep file, design file, SVG and PNG images, with
//! the findings marks or without; in one menu), the share link and "Import…" (design
//! documents, ARM templates with their parameter files, resource exports: `importing`).

use super::diagram::worst_by_element;
use super::{ask_plan, GalleryOpen, Menu, MigrationShown};
use crate::importing::Importing;
use crate::scene::Scene;
use crate::shortcuts::{self, Command};
use crate::state::Studio;
use crate::{checker, codec, files, image};
use hsmnet_core::service::{Answer, ExportFormat, Request};
use hsmnet_core::{link, Design};
use leptos::ev::{Event, KeyboardEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy)]
enum Export {
    Arm,
    Bicep,
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let importing = expect_context::<Importing>();
    let GalleryOpen(gallery) = expect_context::<GalleryOpen>();
    let MigrationShown(plan) = expect_context::<MigrationShown>();
    // The plan needs a Dedicated HSM to migrate (payment HSMs are another service).
    let dedicated = Memo::new(move |_| studio.with_design(|d| d.dedicated_hsms().next().is_some()));
    let share_url = RwSignal::new(None::<String>);
    // A link shows the design it was made of: an edit makes it stale, so it goes.
    Effect::watch(
        move || studio.history.track(),
        move |_, _, _| share_url.set(None),
        false,
    );

    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let Some(command) = shortcuts::command(&ev.key(), ctrl, ev.shift_key(), ev.alt_key())
        else {
            return;
        };
        if typing_in_a_field(&ev) {
            return;
        }
        match command {
            Command::Undo => studio.undo(),
            Command::Redo => studio.redo(),
        }
        ev.prevent_default();
    });
    on_cleanup(move || handle.remove());

    let export = move |what: Export| {
        let (format, name, mime) = match what {
            Export::Arm => (ExportFormat::Arm, "azuredeploy.json", "application/json"),
            Export::Bicep => (ExportFormat::Bicep, "main.bicep", "text/plain"),
        };
        checker::ask_current(
            studio.revision,
            Request::Export { format },
            move |answer| match answer {
                Answer::Exported { text, note } => match (files::download(name, mime, &text), note)
                {
                    (Ok(()), Some(note)) => studio.tell(format!("Saved {name}. {note}")),
                    (Ok(()), None) => studio.tell(format!("Saved {name}.")),
                    (Err(e), _) => studio.refuse(format!("{name} was not saved: {e}.")),
                },
                Answer::Refused { message } => studio.refuse(format!("Not exported: {message}.")),
                other => studio.refuse(format!("Not exported: {}.", checker::unexpected(&other))),
            },
        );
    };
    let save_design = move |_| {
        let design = studio.with_design_untracked(Design::clone);
        leptos::task::spawn_local(async move {
            match codec::design_file(design).await {
                Ok(text) => save(studio, "design.json", "application/json", &text),
                Err(e) => studio.refuse(format!("The design file was not saved: {e}.")),
            }
        });
    };
    // Images of the whole diagram, as the canvas shows it; the findings marks only when asked.
    let with_findings = RwSignal::new(false);
    let save_svg = move |_| {
        leptos::task::spawn_local(async move {
            let (svg, _) = diagram_image(studio, with_findings.get_untracked()).await;
            save(studio, "diagram.svg", "image/svg+xml", &svg);
        });
    };
    let save_png = move |_| {
        leptos::task::spawn_local(async move {
            let (svg, (width, height)) = diagram_image(studio, with_findings.get_untracked()).await;
            let saved = files::png(&svg, width, height)
                .await
                .and_then(|png| files::download_blob("diagram.png", &png));
            match saved {
                Ok(()) => studio.tell("Saved diagram.png."),
                Err(e) => studio.refuse(format!("diagram.png was not saved: {e}.")),
            }
        });
    };
    let share = move |_| {
        leptos::task::spawn_local(async move {
            match share_link(studio, page_address()).await {
                Ok(url) => {
                    share_url.set(Some(url.clone()));
                    match files::copy_text(&url).await {
                        Ok(()) => studio.tell("Share link copied to the clipboard."),
                        Err(e) => studio.tell(format!(
                            "The link is in the field below ({e}): copy it from there."
                        )),
                    }
                }
                Err(e) => studio.refuse(format!("No share link: {e}.")),
            }
        });
    };
    let import = move |ev: Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else {
            return;
        };
        importing.files(studio, list);
        // Cleared so that choosing the same file again imports it again (`files` has taken
        // the files out of the list, which clearing empties).
        input.set_value("");
    };

    view! {
        <nav class="toolbar" aria-label="Design commands">
            <div class="tool-group">
                <button type="button" class="open-gallery" aria-haspopup="dialog"
                    title="Start from a reference architecture or a blank design"
                    on:click=move |_| gallery.set(true)>"Gallery…"</button>
                <Show when=move || dedicated.get()>
                    <button type="button" class="plan-migration" aria-haspopup="dialog"
                        title="The design on Azure Cloud HSM, the successor of Dedicated HSM: what is added, changed and retirable, each former client's trace, and the steps outside the network"
                        on:click=move |_| ask_plan(studio, plan)>"Plan migration to Cloud HSM…"</button>
                </Show>
            </div>
            <div class="tool-group">
                <button
                    type="button"
                    aria-label="Undo"
                    title="Undo (Ctrl+Z)"
                    prop:disabled=move || studio.history.with(|h| !h.can_undo())
                    on:click=move |_| studio.undo()
                >
                    "↶ Undo"
                </button>
                <button
                    type="button"
                    aria-label="Redo"
                    title="Redo (Ctrl+Shift+Z)"
                    prop:disabled=move || studio.history.with(|h| !h.can_redo())
                    on:click=move |_| studio.redo()
                >
                    "↷ Redo"
                </button>
            </div>
            // The downloads behind one button: the toolbar keeps one row at 1280 pixels.
            <Menu label="Download" class="downloads">
                <button type="button" on:click=move |_| export(Export::Arm)>
                    "ARM template"
                </button>
                <button type="button" on:click=move |_| export(Export::Bicep)>
                    "Bicep file"
                </button>
                <button type="button" on:click=save_design>"Design file"</button>
                <button type="button" on:click=save_svg>"SVG image"</button>
                <button type="button" on:click=save_png>"PNG image"</button>
                <span class="check">
                    <input type="checkbox" id="image-findings"
                        prop:checked=move || with_findings.get()
                        on:change=move |ev| with_findings.set(event_target_checked(&ev))/>
                    <label for="image-findings"
                        title="Draw the findings marks in the SVG and PNG images">
                        "Findings in images"
                    </label>
                </span>
            </Menu>
            <div class="tool-group">
                <button type="button" on:click=share>"Copy share link"</button>
                // The input before its label, so that the label shows the input's focus.
                <input
                    type="file"
                    id="import-file"
                    class="visually-hidden"
                    accept=".json,application/json"
                    multiple
                    on:change=import
                />
                <label class="button" for="import-file"
                    title="A design file, an ARM template (with its parameter file: choose both) \
                        or a resource export; or drop them on the canvas">"Import…"</label>
            </div>
            <Show when=move || share_url.with(Option::is_some)>
                <div class="share">
                    <label for="share-link">"Share link"</label>
                    <input
                        id="share-link"
                        type="text"
                        readonly
                        prop:value=move || share_url.get().unwrap_or_default()
                    />
                </div>
            </Show>
        </nav>
    }
}

fn save(studio: Studio, name: &str, mime: &str, text: &str) {
    match files::download(name, mime, text) {
        Ok(()) => studio.tell(format!("Saved {name}.")),
        Err(e) => studio.refuse(format!("{name} was not saved: {e}.")),
    }
}

/// The studio's own address (origin and path), which share links start with.
fn page_address() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Whether a key press goes to a text field, where Ctrl+Z undoes typing, not the design.
fn typing_in_a_field(ev: &KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}

/// The diagram's SVG document and size in pixels, the findings marks drawn when `with_findings`.
/// Lazy: the image writer is a chunk of its own, fetched at the first image download.
#[lazy]
pub(crate) fn diagram_image(studio: Studio, with_findings: bool) -> (String, (f64, f64)) {
    let style = files::light_style_rules();
    let font = files::canvas_font();
    let marks = if with_findings {
        studio.report.with_untracked(worst_by_element)
    } else {
        Default::default()
    };
    // The image has every label at 100 %, whatever the canvas's zoom.
    let scene = studio.history.with_untracked(|h| Scene::of(h.current()));
    let look = image::Look {
        highlights: &[],
        style: &style,
        font: &font,
        marks: &marks,
    };
    (image::svg(&scene, &look), image::size(&scene))
}

/// The share link of the open design at `base`. Lazy: the link encoder (deflate, base64) is a
/// chunk of its own, fetched at the first share.
#[lazy]
pub(crate) fn share_link(studio: Studio, base: String) -> Result<String, String> {
    studio
        .with_design_untracked(|d| link::to_url(&base, d))
        .map_err(|e| e.to_string())
}
