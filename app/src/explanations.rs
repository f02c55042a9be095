//! The one place the app gets a rule's explanation (why it matters, how to fix it, where the fact
//! comes from). The texts are not in the wasm — the browser build leaves out core's
//! `explanations` feature — but in `rules.json` beside the page (the output of
//! `hsmnet rules --format json`, kept equal to it by cli/tests/rules_json.rs). It is fetched once,
//! the first time someone opens a finding, so it never weighs on the first download.

use hsmnet_core::hashing::HashMap;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Same origin, relative to the page (Trunk copies it into dist; the CSP allows `connect-src 'self'`).
const RULES_URL: &str = "rules.json";

#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub why: String,
    pub fix: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Texts {
    NotLoaded,
    Loading,
    Ready(Arc<HashMap<String, Explanation>>),
    Failed(String),
}

/// Handed down by context; `Copy`.
#[derive(Clone, Copy)]
pub struct Explanations {
    pub texts: RwSignal<Texts>,
}

impl Explanations {
    pub fn new() -> Self {
        Explanations {
            texts: RwSignal::new(Texts::NotLoaded),
        }
    }

    /// Starts fetching the texts, once.
    pub fn load(&self) {
        if self.texts.get_untracked() != Texts::NotLoaded {
            return;
        }
        self.texts.set(Texts::Loading);
        let texts = self.texts;
        leptos::task::spawn_local(async move {
            texts.set(match fetch_all().await {
                Ok(map) => Texts::Ready(Arc::new(map)),
                Err(e) => Texts::Failed(e),
            });
        });
    }
}

async fn fetch_all() -> Result<HashMap<String, Explanation>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(RULES_URL))
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|e| js_error(RULES_URL, e))?;
    if !response.ok() {
        return Err(format!("{RULES_URL}: HTTP {}", response.status()));
    }
    let json = JsFuture::from(response.json().map_err(|e| js_error(RULES_URL, e))?)
        .await
        .map_err(|e| js_error(RULES_URL, e))?;
    if !js_sys::Array::is_array(&json) {
        return Err(format!("{RULES_URL} is not a list of rules"));
    }
    // Read field by field through JS: no serde code for this in the wasm.
    let text = |rule: &JsValue, key: &str| {
        js_sys::Reflect::get(rule, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    Ok(js_sys::Array::from(&json)
        .iter()
        .map(|rule| {
            (
                text(&rule, "name"),
                Explanation {
                    why: text(&rule, "why"),
                    fix: text(&rule, "fix"),
                    source: text(&rule, "source"),
                },
            )
        })
        .collect())
}

fn js_error(what: &str, e: JsValue) -> String {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "failed".into());
    format!("{what}: {detail}")
}
