//! HSM Network Studio in the browser: hsmnet-core compiled to WebAssembly behind a Leptos page.
//! The page only reads the core's results (designs, reports) and draws them; the rules, the
//! presets and the model all live in `hsmnet-core`.

mod components;
mod scene;
mod state;
mod viewport;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(components::App);
}
