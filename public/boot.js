// Starts the WebAssembly app. Trunk's own loader is an inline script, which the page's
// Content-Security-Policy forbids; Trunk.toml's pattern_script loads this file instead and
// passes the hashed file names in data attributes.
const tag = document.querySelector("script[data-wasm]");
// A visit that opens an autosave (app/src/storage.rs's KEY) or a share link (`#d=`, core's
// link::PARAM) reads it with the lazy codec chunk before the diagram is drawn: its files
// (data-reading, from scripts/split-wasm) are fetched now, beside the page's own wasm.
const reads = () => {
  try {
    return localStorage.getItem("hsmnet.autosave") !== null || location.hash.startsWith("#d=");
  } catch {
    return false;
  }
};
if (reads()) {
  for (const file of (tag.dataset.reading ?? "").split(" ").filter(Boolean)) {
    const link = Object.assign(document.createElement("link"), {
      rel: "preload",
      as: "fetch",
      type: "application/wasm",
      crossOrigin: "anonymous",
      href: new URL(file, tag.src).href,
    });
    document.head.append(link);
  }
}
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
