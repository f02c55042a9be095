//! Every editable field of one element (from `hsmnet_core::form`), each committed on its own:
//! a valid change is one undoable `Edit::Replace`, a bad one is flagged at the field and never
//! applied.

use super::{AddressHelper, EffectiveRoutes, FieldRow};
use crate::state::Studio;
use hsmnet_core::edit::Element;
use hsmnet_core::form::{self, FieldError};
use hsmnet_core::{Edit, Id};
use leptos::prelude::*;

/// What a field row needs to commit its text: the element and where to report problems.
#[derive(Clone, Copy)]
pub struct Editor {
    studio: Studio,
    id: Id,
    /// The fields whose last text was refused, with why.
    problems: RwSignal<Vec<FieldError>>,
}

impl Editor {
    fn current(&self) -> Option<Element> {
        self.studio
            .with_design_untracked(|d| form::element(d, self.id))
    }

    /// Applies a changed element; a refusal by the design (a broken reference) is reported at
    /// the field like a parse error.
    fn apply(&self, path: &str, result: Result<Element, FieldError>) {
        self.problems.update(|p| p.retain(|e| e.path != path));
        match result {
            Ok(next) if Some(&next) == self.current().as_ref() => {}
            Ok(next) => {
                let mut refused = None;
                self.studio.history.update(|h| {
                    refused = h.apply(&Edit::Replace(next)).err();
                });
                if refused.is_none() {
                    // The status line names this change, replacing the last action's message.
                    let name = self.studio.with_design_untracked(|d| d.name_of(self.id));
                    self.studio.tell(format!("Changed {path} of {name}."));
                }
                if let Some(e) = refused {
                    self.problems.update(|p| {
                        p.push(FieldError {
                            path: path.to_string(),
                            message: e.to_string(),
                        })
                    });
                }
            }
            Err(e) => self.problems.update(|p| p.push(e)),
        }
    }

    pub fn commit(&self, path: &str, text: &str) {
        let Some(element) = self.current() else {
            return;
        };
        let result = self
            .studio
            .with_design_untracked(|d| form::set(d, &element, path, text));
        self.apply(path, result);
    }

    pub fn add_row(&self, list: &str) {
        if let Some(element) = self.current() {
            self.apply(list, form::add_row(&element, list));
        }
    }

    pub fn remove_row(&self, list: &str, index: usize) {
        if let Some(element) = self.current() {
            self.apply(list, form::remove_row(&element, list, index));
        }
    }

    /// Why the last text of this field was refused (tracked).
    pub fn problem(&self, path: &str) -> Option<String> {
        self.problems
            .with(|p| p.iter().find(|e| e.path == path).map(|e| e.to_string()))
    }
}

#[component]
pub fn ElementForm(id: Id) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let editor = Editor {
        studio,
        id,
        problems: RwSignal::new(Vec::new()),
    };
    let fields = Memo::new(move |_| {
        studio.with_design(|d| {
            form::element(d, id)
                .map(|e| form::fields(d, &e))
                .unwrap_or_default()
        })
    });
    let title = move || {
        studio.with_design(|d| {
            d.describe(id)
                .map(|(kind, name)| format!("{} {name}", kind.label()))
        })
    };
    // The VNet whose free addresses the helper searches, and the subnet it would resize.
    let addressing = move || {
        studio.with_design(|d| match d.describe(id) {
            Some((hsmnet_core::model::Kind::Vnet, _)) => Some((id, None)),
            Some((hsmnet_core::model::Kind::Subnet, _)) => {
                d.vnet_of_subnet(id).map(|v| (v.id, Some(id)))
            }
            _ => None,
        })
    };
    view! {
        <h3 class="element-title">{title}</h3>
        <div class="element-form">
            <For each=move || fields.get() key=|f| f.clone() let:field>
                <FieldRow field=field editor=editor/>
            </For>
        </div>
        {move || addressing().map(|(vnet, subnet)| view! { <AddressHelper vnet=vnet subnet=subnet/> })}
        {move || addressing().and_then(|(_, subnet)| subnet).map(|s| view! { <EffectiveRoutes subnet=s/> })}
    }
}
