//! Suggests the next free prefix of a chosen length in a VNet (`addressing::next_free_prefix`)
//! and uses it: as the selected subnet's prefix, or for a new subnet of the selected VNet.

use crate::state::Studio;
use hsmnet_core::addressing::next_free_prefix;
use hsmnet_core::{form, Edit, Id};
use leptos::prelude::*;

const LENGTHS: std::ops::RangeInclusive<u8> = 16..=29;

#[component]
pub fn AddressHelper(vnet: Id, subnet: Option<Id>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let current = studio.with_design_untracked(|d| {
        subnet
            .and_then(|s| d.subnet(s))
            .map_or(24, |(_, s)| s.prefix.prefix_len())
    });
    let length = RwSignal::new(current);
    let suggestion = Memo::new(move |_| {
        let len = length.get();
        studio.with_design(|d| {
            let v = d.vnet(vnet)?;
            let except = subnet.and_then(|s| d.subnet(s)).map(|(_, s)| s);
            next_free_prefix(v, len, except)
        })
    });
    let use_it = move |_| {
        let Some(prefix) = suggestion.get_untracked() else {
            return;
        };
        let edit = studio.with_design_untracked(|d| match subnet {
            Some(id) => form::element(d, id)
                .and_then(|e| form::set(d, &e, "prefix", &prefix.to_string()).ok())
                .map(Edit::Replace),
            None => form::new_subnet(d, vnet, prefix),
        });
        if let Some(edit) = edit {
            if studio.apply(edit) {
                studio.tell(format!("Used {prefix}."));
            }
        }
    };
    let options = LENGTHS
        .map(|n| view! { <option value=n.to_string() selected=n == current>{format!("/{n}")}</option> })
        .collect_view();
    let action = if subnet.is_some() {
        "Use as this subnet's prefix"
    } else {
        "Add a subnet with this prefix"
    };
    view! {
        <fieldset class="address-helper">
            <legend>"Address helper"</legend>
            <label for="helper-length">"Prefix length"</label>
            <select
                id="helper-length"
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() {
                        length.set(n);
                    }
                }
            >
                {options}
            </select>
            <output id="helper-prefix" for="helper-length">
                {move || match suggestion.get() {
                    Some(p) => format!("Next free: {p}"),
                    None => format!("No free /{} in this VNet", length.get()),
                }}
            </output>
            <button
                type="button"
                prop:disabled=move || suggestion.with(Option::is_none)
                on:click=use_it
            >
                {action}
            </button>
        </fieldset>
    }
}
