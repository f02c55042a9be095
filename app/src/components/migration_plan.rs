//! "Plan migration to Cloud HSM": the plan the checker makes of the open design (core's
//! `migrate::plan`, run in the worker so that none of it weighs on the page's download), in a
//! dialog. The source and the target are drawn side by side (or one of them), with what the
//! target adds, changes and marks retirable highlighted as core's `Diff::highlights` says;
//! the same, by name, in lists; the trace of each former HSM client to its cluster; and the
//! steps the network cannot show, each with its source. "Open the target design" replaces
//! the design with the target as one undo step.

use super::gallery::modal_while;
use crate::scene::Scene;
use crate::state::Studio;
use crate::{checker, codec, files, image, reading};
use hsmnet_core::migrate::Change;
use hsmnet_core::service::{Answer, Planned, Request};
use hsmnet_core::{Design, Id};
use leptos::html::Dialog;
use leptos::prelude::*;

/// The plan shown, handed down by context: the toolbar asks for it, the dialog shows it while
/// it is `Some`.
#[derive(Clone, Copy)]
pub struct MigrationShown(pub RwSignal<Option<Shown>>);

/// A plan with the two designs it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub source: Design,
    pub target: Design,
    pub plan: Planned,
}

/// Which design the dialog draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sides {
    Source,
    Target,
    Both,
}

/// Asks the checker for the plan of the open design and shows it (or says why there is none).
pub fn ask_plan(studio: Studio, shown: RwSignal<Option<Shown>>) {
    studio.tell("Planning the migration to Cloud HSM…");
    checker::ask_current(studio.revision, Request::Migrate, move |answer| {
        let plan = match answer {
            Answer::Migrated { plan } => plan,
            Answer::Refused { message } => return studio.refuse(format!("{message}.")),
            other => {
                return studio.refuse(format!(
                    "No migration plan: {}.",
                    checker::unexpected(&other)
                ))
            }
        };
        leptos::task::spawn_local(async move {
            match codec::read_design(plan.target.clone()).await {
                Ok(target) => {
                    // The answer is about the design as it is now (`ask_current`).
                    let source = studio.with_design_untracked(Design::clone);
                    studio.tell(format!(
                        "Migration plan: {} added, {} changed, {} retirable.",
                        plan.diff.added.len(),
                        plan.diff.changed.len(),
                        plan.diff.retirable.len()
                    ));
                    shown.set(Some(Shown {
                        source,
                        target,
                        plan,
                    }));
                }
                Err(e) => reading::when_located(e, move |e| {
                    studio.refuse(format!("No migration plan: the target did not load ({e})."))
                }),
            }
        });
    });
}

/// The plan's dialog, lazily: its code, with the image writer it draws the two designs with,
/// is a chunk of its own (see scripts/split-wasm).
#[lazy]
pub(crate) fn migration_plan() -> AnyView {
    view! { <MigrationPlan/> }.into_any()
}

#[component]
pub fn MigrationPlan() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let MigrationShown(shown) = expect_context::<MigrationShown>();
    let dialog = NodeRef::<Dialog>::new();
    modal_while(dialog, move || shown.with(Option::is_some));
    let sides = RwSignal::new(Sides::Both);
    let open_target = move |_| {
        let Some(target) = shown.with_untracked(|s| s.as_ref().map(|s| s.target.clone())) else {
            return;
        };
        studio.open(target);
        shown.set(None);
        studio.tell("Opened the target design of the migration plan. Undo returns to the source.");
    };
    let body = move || {
        shown.with(|s| {
            s.as_ref()
                .map(|s| plan_view(s, sides, open_target).into_any())
        })
    };
    view! {
        <dialog class="migration" node_ref=dialog aria-labelledby="migration-title"
            on:close=move |_| shown.set(None)>
            <div class="gallery-head">
                <h2 id="migration-title">"Migration to Azure Cloud HSM"</h2>
                <button type="button" class="close" aria-label="Close the migration plan"
                    on:click=move |_| shown.set(None)>"×"</button>
            </div>
            {body}
        </dialog>
    }
}

fn plan_view(
    s: &Shown,
    sides: RwSignal<Sides>,
    open_target: impl Fn(leptos::ev::MouseEvent) + Clone + 'static,
) -> impl IntoView {
    let diff = &s.plan.diff;
    let (source_marks, target_marks) = (diff.highlights(false), diff.highlights(true));
    let source_label = format!(
        "The design now: {} changed and {} retirable elements highlighted",
        count(&source_marks, Change::Changed),
        count(&source_marks, Change::Retirable)
    );
    let target_label = format!(
        "The target design: {} added, {} changed and {} retirable elements highlighted",
        count(&target_marks, Change::Added),
        count(&target_marks, Change::Changed),
        count(&target_marks, Change::Retirable)
    );
    let source_picture = picture(&s.source, &source_marks, source_label);
    let target_picture = picture(&s.target, &target_marks, target_label);
    let radio = move |value: Sides, id: &'static str, text: &'static str| {
        view! {
            <input type="radio" name="plan-sides" id=id
                prop:checked=move || sides.get() == value
                on:change=move |_| sides.set(value)/>
            <label for=id>{text}</label>
        }
    };
    let names = |ids: &[Id]| -> Vec<String> {
        ids.iter()
            .map(|id| match s.target.describe(*id) {
                Some((kind, name)) => format!("{} {name}", kind.label()),
                None => format!("element {}", id.0),
            })
            .collect()
    };
    let changes = [
        ("added", "Added", names(&diff.added)),
        ("changed", "Changed", names(&diff.changed)),
        (
            "retirable",
            "Retirable (kept, marked)",
            names(&diff.retirable),
        ),
    ]
    .into_iter()
    .map(|(class, title, names)| {
        let heading = format!("{title} ({})", names.len());
        view! {
            <section class=format!("plan-changes {class}")>
                <h3>{heading}</h3>
                <ul>{names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            </section>
        }
    })
    .collect_view();
    let clients = s
        .plan
        .clients
        .iter()
        .map(|c| {
            let (class, verdict) = if c.reaches {
                ("client reaches", "reaches its cluster")
            } else {
                ("client fails", "does not reach its cluster")
            };
            view! {
                <li class=class>
                    <strong>{c.name.clone()}</strong>" "{verdict}": "{c.summary.clone()}
                    <details>
                        <summary>"Hops"</summary>
                        <pre>{c.trace.clone()}</pre>
                    </details>
                </li>
            }
        })
        .collect_view();
    let reached = s.plan.clients.iter().filter(|c| c.reaches).count();
    let clients_heading = format!(
        "Former HSM clients on Cloud HSM ({reached} of {} reach it)",
        s.plan.clients.len()
    );
    let checklist = s
        .plan
        .checklist
        .iter()
        .map(|step| {
            let links = step
                .links
                .iter()
                .map(|l| {
                    let text = l.trim_start_matches("https://learn.microsoft.com/azure/").to_string();
                    view! { " " <a href=l.clone() target="_blank" rel="noopener noreferrer">{text}</a> }
                })
                .collect_view();
            view! {
                <li>
                    {step.step.clone()}
                    <p class="source">"Source: "{step.source.clone()}{links}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="plan-bar">
            <fieldset class="plan-sides">
                <legend>"Show"</legend>
                {radio(Sides::Source, "plan-source", "Source")}
                {radio(Sides::Target, "plan-target", "Target")}
                {radio(Sides::Both, "plan-both", "Side by side")}
            </fieldset>
            <ul class="plan-key" aria-label="Highlights">
                <li class="key added">"added"</li>
                <li class="key changed">"changed"</li>
                <li class="key retirable">"retirable"</li>
            </ul>
            <button type="button" class="open-target" on:click=open_target>
                "Open the target design"
            </button>
        </div>
        <div class="plan-views" class:both=move || sides.get() == Sides::Both>
            <figure class="plan-view source" hidden=move || sides.get() == Sides::Target>
                <figcaption>"Source: the design now"</figcaption>
                {source_picture}
            </figure>
            <figure class="plan-view target" hidden=move || sides.get() == Sides::Source>
                <figcaption>"Target: on Azure Cloud HSM"</figcaption>
                {target_picture}
            </figure>
        </div>
        <div class="plan-details">
            <section class="plan-diff" aria-label="What the target changes">{changes}</section>
            <section class="plan-clients">
                <h3>{clients_heading}</h3>
                <ul>{clients}</ul>
            </section>
            <section class="plan-checklist">
                <h3>"What the network cannot show"</h3>
                <ol>{checklist}</ol>
            </section>
        </div>
    }
}

fn count(marks: &[(Id, Change)], change: Change) -> usize {
    marks.iter().filter(|(_, c)| *c == change).count()
}

/// A still drawing of `design` with the highlights of `marks`: the SVG image the downloads
/// make (`image::svg`, already in the page), shown as an image, with `label` as its text.
fn picture(design: &Design, marks: &[(Id, Change)], label: String) -> impl IntoView {
    let scene = Scene::of(design);
    let style = files::light_style_rules();
    let font = files::canvas_font();
    let look = image::Look {
        style: &style,
        font: &font,
        marks: &Default::default(),
        highlights: marks,
    };
    let svg = image::svg(&scene, &look);
    let src = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&svg)
    );
    view! { <img class="plan-picture" src=src alt=label/> }
}
