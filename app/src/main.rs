//! HSM Network Studio in the browser: hsmnet-core compiled to WebAssembly behind a Leptos page.
//! The page only reads the core's results (designs, reports) and draws them; the rules, the
//! presets and the model all live in `hsmnet-core`.

mod checker;
mod codec;
mod components;
mod decimal;
mod explanations;
mod files;
mod image;
mod importing;
mod reading;
mod scene;
mod shortcuts;
mod startup;
mod state;
mod storage;
mod tracing;
mod viewport;
mod xml;

fn main() {
    console_error_panic_hook::set_once();
    // The design is chosen first: an autosave or a link is read by the lazy codec.
    wasm_bindgen_futures::spawn_local(async {
        let opening = startup::initial().await;
        leptos::mount::mount_to_body(move || leptos::view! { <components::App opening/> });
    });
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// Architecture invariant: names and messages reach the page only as text nodes and
    /// attribute values, never as markup, so a design cannot inject HTML or SVG.
    #[test]
    fn no_component_writes_markup() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 5);
        // Spelt in pieces so that this test does not find itself.
        let needles = [
            concat!("inner", "_html"),
            concat!("outer", "_html"),
            concat!("set_inner", "HTML"),
        ];
        for (path, text) in &files {
            for needle in needles {
                assert!(!text.contains(needle), "{path} uses {needle}");
            }
        }
    }

    /// Architecture invariant: the page's JSON is read and written only in the lazy `codec`
    /// chunk (and the element form, itself a lazy chunk), so the model's serde code stays out
    /// of the first download (docs/size.md).
    #[test]
    fn json_only_in_lazy_chunks() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let allowed = [
            root.join("codec.rs"),
            root.join("components").join("properties"),
        ];
        // Spelt in pieces so that this test does not find itself.
        let needles = [
            concat!("serde_json", "::"),
            concat!("document::", "read"),
            concat!("document::", "to_json"),
            concat!("document::", "to_document"),
            concat!("link::", "read"),
            concat!("form::", "set"),
        ];
        let mut checked = 0;
        for (path, text) in &files {
            if allowed.iter().any(|a| Path::new(path).starts_with(a)) {
                continue;
            }
            checked += 1;
            for needle in needles {
                let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
                assert!(
                    !code.clone().any(|l| l.contains(needle)),
                    "{path} calls {needle} outside the lazy codec chunk"
                );
            }
        }
        assert!(checked > 20);
    }
}
