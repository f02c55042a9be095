// The page's wasm is split into lazily loaded chunks after the build (scripts/split-wasm, which
// Trunk runs as a post_build hook): wasm-split needs the linker's relocations to move code.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg=--emit-relocs");
    }
}
