//! HSM Network Studio in the browser: hsmnet-core compiled to WebAssembly behind a Leptos page.
//! The page only reads the core's results (designs, reports) and draws them; the rules, the
//! presets and the model all live in `hsmnet-core`.

mod checker;
mod codec;
mod components;
mod crash;
mod decimal;
mod editing;
mod explanations;
mod files;
mod image;
mod importing;
mod lazy;
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
    crash::install();
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

    /// Every line of code (not comments) of the page's sources outside `allowed` (files or
    /// folders under src/) that contains one of `needles`.
    fn uses_outside(allowed: &[&str], needles: &[&str]) -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 20);
        let mut found = Vec::new();
        for (path, text) in &files {
            if allowed
                .iter()
                .any(|a| Path::new(path).starts_with(root.join(a)))
            {
                continue;
            }
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
            for line in code {
                if needles.iter().any(|n| line.contains(n)) {
                    found.push(format!("{path}: {}", line.trim()));
                }
            }
        }
        found
    }

    /// Architecture invariant: the page's JSON is read and written only in the lazy `codec`
    /// chunk (and the element form, itself a lazy chunk), so the model's serde code stays out
    /// of the first download (docs/size.md).
    #[test]
    fn json_only_in_the_codec_chunk() {
        // Spelt in pieces so that this test does not find itself.
        let needles = [
            concat!("serde_json", "::"),
            concat!("document::", "read"),
            concat!("document::", "to_json"),
            concat!("document::", "to_document"),
            concat!("link::", "read"),
            concat!("form::", "set"),
        ];
        let found = uses_outside(&["codec.rs", "components/properties"], &needles);
        assert!(found.is_empty(), "outside the codec chunk: {found:#?}");
    }

    /// Architecture invariant: the canvas's edits are built only in the lazy `editing` chunk.
    #[test]
    fn canvas_edits_only_in_the_editing_chunk() {
        let needles = [
            concat!("draw::", "place"),
            concat!("draw::", "drop_target"),
            concat!("draw::", "connect"),
            concat!("draw::", "remove"),
            concat!("draw::", "duplicate"),
            concat!("draw::", "copy"),
            concat!("draw::", "paste"),
        ];
        let found = uses_outside(&["editing.rs"], &needles);
        assert!(found.is_empty(), "outside the editing chunk: {found:#?}");
    }

    /// public/boot.js fetches the codec's files early on a visit that opens an autosave or a
    /// link: it must know them as the page does.
    #[test]
    fn boot_script_knows_the_autosave_key_and_the_link() {
        let boot = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/boot.js"),
        )
        .unwrap();
        assert!(boot.contains(&format!("{:?}", crate::storage::KEY)));
        assert!(boot.contains(&format!("\"#{}=\"", hsmnet_core::link::PARAM)));
    }
}
