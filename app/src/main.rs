//! HSM Network Studio in the browser: hsmnet-core compiled to WebAssembly behind a Leptos page.
//! The page only reads the core's results (designs, reports) and draws them; the rules, the
//! presets and the model all live in `hsmnet-core`.

mod checker;
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
    leptos::mount::mount_to_body(components::App);
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
}
