// Starts the checker worker's WebAssembly (app/src/checker.rs creates the worker from this
// file). Trunk's own worker loader passes the module path the way wasm-bindgen now warns about;
// this one passes it as wasm-bindgen asks.
importScripts("./hsmnet-worker.js");
wasm_bindgen({ module_or_path: "./hsmnet-worker_bg.wasm" });
