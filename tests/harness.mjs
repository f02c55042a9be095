// The browser tests' harness: a static server for dist/, headless Chromium through
// playwright-core, a tiny test registry, and what the native CLI says a design should be.
// The suites (tests/suites/*.mjs) register tests with `test()`; tests/browser.test.mjs runs them.

import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.resolve(root, process.env.DIST ?? "dist");
export const HSMNET = path.resolve(root, process.env.HSMNET_BIN ?? "target/debug/hsmnet");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = path.resolve(root, process.env.ARTIFACTS ?? "tests/artifacts");
export const TEST_TIMEOUT_MS = 60_000;

// The flags these machines need (see docs/toolchain.md); Playwright adds
// --headless and its own temporary profile.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// ---------------------------------------------------------------------------------------------
// A minimal test harness: tests run in order, each with a timeout.

export const tests = [];
export const test = (name, fn) => tests.push({ name, fn });

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export async function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// The static server: dist/ only, with the MIME types WebAssembly streaming needs.

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

export function serve(dir) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://localhost");
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith("/")) rel += "index.html";
      const file = path.resolve(dir, "." + rel);
      if (!file.startsWith(dir + path.sep)) throw new Error("outside dist");
      const body = await readFile(file);
      res.writeHead(200, {
        "Content-Type": MIME[path.extname(file)] ?? "application/octet-stream",
        "Cache-Control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

// ---------------------------------------------------------------------------------------------
// What the native core says.

export function cli(...args) {
  // Large presets (1,000 spokes) print megabytes: above the default 1 MiB buffer.
  return execFileSync(HSMNET, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 });
}

/** Preset names from `hsmnet preset list`: the first word of each line that is not indented. */
export function presetNames() {
  return cli("preset", "list")
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\s/.test(line))
    .map((line) => line.split(/\s+/)[0]);
}

const designs = new Map();
export function design(name, ...options) {
  const key = [name, ...options].join(" ");
  if (!designs.has(key)) {
    // A design document: {"format", "version", "design": {...}}.
    const doc = JSON.parse(cli("preset", name, ...options));
    designs.set(key, doc.design ?? doc);
  }
  return designs.get(key);
}

// ---------------------------------------------------------------------------------------------
// Size of what a browser downloads.

export async function bundleSizes() {
  const sizes = { wasm: [0, 0], js: [0, 0], css: [0, 0] };
  for (const name of await readdir(DIST)) {
    const kind = path.extname(name).slice(1);
    if (!(kind in sizes)) continue;
    const body = await readFile(path.join(DIST, name));
    sizes[kind][0] += body.length;
    sizes[kind][1] += gzipSync(body, { level: 9 }).length;
  }
  return sizes;
}

export const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// ---------------------------------------------------------------------------------------------
// The page.

/** Shared by the suites: the server's address, the browser, the main page (opened by the first
 * test and kept for the session), and every problem seen on it (console errors and warnings,
 * page errors, failed requests: none is allowed). */
export const ctx = { baseUrl: "", browser: null, page: null, problems: [] };

export function watch(p, into) {
  p.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") {
      into.push(`console ${msg.type()}: ${msg.text()}`);
    }
  });
  p.on("pageerror", (err) => into.push(`page error: ${err.message}`));
  // A request the browser aborted (the page navigated or closed while the icon loaded) is not
  // a failure of the studio; any other failure is.
  p.on("requestfailed", (req) => {
    const why = req.failure()?.errorText;
    if (why !== "net::ERR_ABORTED") into.push(`request failed: ${req.url()} ${why}`);
  });
  // Privacy: the studio loads its own files and nothing else (data: and blob: stay in the page).
  p.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(ctx.baseUrl) && !/^(data|blob):/.test(url)) into.push(`request left the origin: ${url}`);
  });
  p.on("response", (res) => {
    if (res.status() >= 400) into.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}

export async function ready(p) {
  await p.waitForSelector("svg.canvas g.symbols", { timeout: 20_000 });
  await galleryArrived(p);
  // A first visit opens the gallery over the canvas: closed, as a returning user finds the page.
  if (await p.$("dialog.gallery[open]")) {
    await p.click("dialog.gallery button.close");
    await p.waitForSelector("dialog.gallery[open]", { state: "detached" });
  }
}

/** The gallery is a lazy chunk: on the page once it has arrived, and then open on a first visit
 * (unless the visitor acted before). */
export async function galleryArrived(p) {
  await p.waitForSelector("dialog.gallery", { state: "attached", timeout: 20_000 });
}

/** Opens the gallery dialog from the toolbar, unless it is open. */
export async function openGallery(p) {
  await galleryArrived(p);
  if (!(await p.$("dialog.gallery[open]"))) {
    await p.click("button.open-gallery");
    await p.waitForSelector("dialog.gallery[open]");
  }
}

/** The checker's time for the design as it is now, in ms: waits for its report (the findings
 * panel says "Checking…" until the worker has answered for the current design). */
export async function checkedMs(p) {
  await p.waitForSelector(".findings .timing[data-ms]", { timeout: 20_000 });
  return Number(await p.getAttribute(".findings .timing", "data-ms"));
}

/** The accessible names of the symbols drawn for one kind ("HSM", "VNet", ...). */
export async function drawnNames(p, prefix) {
  return p.$$eval(
    "svg.canvas [aria-label]",
    (els, prefix) =>
      els
        .map((e) => e.getAttribute("aria-label"))
        .filter((l) => l.startsWith(prefix + " "))
        .map((l) => l.slice(prefix.length + 1)),
    prefix,
  );
}

export async function errorCount(p) {
  // The count of the design as it is now: once the checker has answered for it.
  await p.waitForSelector('.findings[aria-busy="false"]', { timeout: 20_000 });
  return Number(await p.textContent('.counts [data-severity="error"]'));
}

/** Opens a preset from the gallery at its default size (optionally with spokes). */
export async function choosePreset(p, name, spokes) {
  const card = `.card[data-preset="${name}"]`;
  await openGallery(p);
  if (spokes !== undefined) {
    await p.fill(`${card} #spokes-${name}`, String(spokes));
    await p.press(`${card} #spokes-${name}`, "Enter");
  }
  await p.click(`${card} button.open`);
  const expected = design(name, ...(spokes === undefined ? [] : ["--spokes", String(spokes)])).name;
  await p.waitForFunction((n) => document.querySelector("#diagram-title")?.textContent === n, expected);
  await ready(p);
}

// ---------------------------------------------------------------------------------------------
// Drawing on the canvas with the mouse.

/** The centre of the first element matching `selector`, in page pixels. */
export async function centre(p, selector) {
  const box = await p.locator(selector).first().boundingBox();
  assert(box, `${selector} is not on the page`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, box };
}

/** Drags a palette item with the mouse and releases it at page point (x, y). */
export async function dropFromPalette(p, slug, x, y) {
  const from = await centre(p, `.palette [data-item="${slug}"]`);
  await p.mouse.move(from.x, from.y);
  await p.mouse.down();
  await p.mouse.move(x, y, { steps: 8 });
  await p.mouse.up();
}

/** The group drawn for an element, by its accessible name ("VNet vnet-1"). */
export const drawn = (label) => `svg.canvas [aria-label="${label}"]`;

// ---------------------------------------------------------------------------------------------
// The runner.

export async function run() {
  for (const [what, p] of [["dist/index.html", path.join(DIST, "index.html")], ["hsmnet CLI", HSMNET], ["Chromium", CHROMIUM]]) {
    if (!existsSync(p)) {
      console.error(`browser tests: ${what} not found at ${p} (run scripts/test)`);
      console.log("0 passed, 1 failed");
      process.exit(1);
    }
  }

  const sizes = await bundleSizes();
  const total = sizes.wasm[1] + sizes.js[1] + sizes.css[1];
  console.log(
    `every file built (page and checker worker; the first load is in the load suite): wasm ${kb(sizes.wasm[0])} (gzip ${kb(sizes.wasm[1])}), ` +
      `js ${kb(sizes.js[0])} (gzip ${kb(sizes.js[1])}), ` +
      `css ${kb(sizes.css[0])} (gzip ${kb(sizes.css[1])}); ` +
      `gzipped total ${kb(total)} (${total} bytes)`,
  );

  const server = await serve(DIST);
  ctx.baseUrl = `http://127.0.0.1:${server.address().port}/`;
  console.log(`serving ${path.relative(root, DIST) || "."} at ${ctx.baseUrl}`);
  ctx.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

  let passed = 0;
  let failed = 0;
  const started = Date.now();
  // ONLY=text runs the tests whose name contains it (while working on one suite).
  const only = process.env.ONLY;
  for (const t of only ? tests.filter((t) => t.name.includes(only)) : tests) {
    const t0 = Date.now();
    try {
      await withTimeout(t.fn(), TEST_TIMEOUT_MS, t.name);
      passed += 1;
      console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${t.name} (${Date.now() - t0} ms)\n     ${String(err.message).replace(/\n/g, "\n     ")}`);
    }
  }
  await ctx.browser.close();
  server.close();
  console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${path.relative(root, ARTIFACTS)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
