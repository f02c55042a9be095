//! One field of the element form: its label and control, what the text should look like, and
//! why the last text was refused (aria-invalid plus a message).

use super::element_form::Editor;
use hsmnet_core::form::{Field, Input};
use leptos::ev::Event;
use leptos::prelude::*;

#[component]
pub fn FieldRow(field: Field, editor: Editor) -> impl IntoView {
    let Field {
        path,
        label,
        input,
        value,
        hint,
    } = field;
    let id = format!("prop-{}", path.replace(['.', '[', ']'], "-"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let problem = {
        let path = path.clone();
        Signal::derive(move || editor.problem(&path))
    };
    let invalid = move || {
        if problem.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    let commit = {
        let path = path.clone();
        move |ev: Event| editor.commit(&path, &event_target_value(&ev))
    };
    let described = format!("{hint_id} {error_id}");
    let control = match input {
        Input::Text => view! {
            <input
                id=id.clone()
                type="text"
                prop:value=value
                aria-invalid=invalid
                aria-describedby=described
                on:change=commit
            />
        }
        .into_any(),
        Input::Checkbox => {
            let path = path.clone();
            view! {
                <input
                    id=id.clone()
                    type="checkbox"
                    prop:checked=value == "true"
                    aria-invalid=invalid
                    aria-describedby=described
                    on:change=move |ev: Event| {
                        editor.commit(&path, &event_target_checked(&ev).to_string())
                    }
                />
            }
            .into_any()
        }
        Input::Select(options) => {
            let options = options
                .into_iter()
                .map(|(v, text)| {
                    let selected = v == value;
                    view! { <option value=v selected=selected>{text}</option> }
                })
                .collect_view();
            view! {
                <select
                    id=id.clone()
                    aria-invalid=invalid
                    aria-describedby=described
                    on:change=commit
                >
                    {options}
                </select>
            }
            .into_any()
        }
        Input::List { noun } => {
            let path = path.clone();
            return view! {
                <div class="list-head">
                    <h4>{format!("{label} ({value})")}</h4>
                    <button type="button" on:click=move |_| editor.add_row(&path)>
                        {format!("Add {noun}")}
                    </button>
                </div>
                <p class="field-error" id=error_id>{move || problem.get()}</p>
            }
            .into_any();
        }
        Input::Item { index, .. } => {
            let list = path
                .rsplit_once('[')
                .map_or(path.clone(), |(list, _)| list.to_string());
            return view! {
                <div class="item-head">
                    <h5>{label.clone()}</h5>
                    <button
                        type="button"
                        aria-label=format!("Remove {}", label.to_ascii_lowercase())
                        on:click=move |_| editor.remove_row(&list, index)
                    >
                        "Remove"
                    </button>
                </div>
            }
            .into_any();
        }
        Input::Heading => return view! { <h4 class="group-head">{label}</h4> }.into_any(),
    };
    view! {
        <div class="prop" data-path=path>
            <label for=id>{label}</label>
            {control}
            <span class="hint" id=hint_id>{hint}</span>
            <p class="field-error" id=error_id>{move || problem.get()}</p>
        </div>
    }
    .into_any()
}
