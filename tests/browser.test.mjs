// End-to-end tests of the browser studio: the release build in dist/ served from 127.0.0.1 by a
// tiny static server, driven in headless Chromium through playwright-core.
//
// What a preset should contain comes from the native CLI (`hsmnet preset ...`), so these tests
// also check that the WebAssembly build shows what the core computes natively.
//
//   node tests/browser.test.mjs            (scripts/test builds everything first)
//
// Environment: DIST (default dist), HSMNET_BIN (default target/debug/hsmnet),
// CHROMIUM (default /usr/bin/chromium), ARTIFACTS (default tests/artifacts).
// Prints one line per test, then exactly `N passed, M failed`; exits 1 on any failure.

import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { readFile, readdir, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.resolve(root, process.env.DIST ?? "dist");
const HSMNET = path.resolve(root, process.env.HSMNET_BIN ?? "target/debug/hsmnet");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(root, process.env.ARTIFACTS ?? "tests/artifacts");
const TEST_TIMEOUT_MS = 60_000;

// The flags these machines need (see ../shared/reference/toolchain.md); Playwright adds
// --headless and its own temporary profile.
const CHROMIUM_ARGS = [
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

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function withTimeout(promise, ms, name) {
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

function serve(dir) {
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

function cli(...args) {
  return execFileSync(HSMNET, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Preset names from `hsmnet preset list`: the first word of each line that is not indented. */
function presetNames() {
  return cli("preset", "list")
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\s/.test(line))
    .map((line) => line.split(/\s+/)[0]);
}

const designs = new Map();
function design(name, ...options) {
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

async function bundleSizes() {
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

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// ---------------------------------------------------------------------------------------------
// The page.

let baseUrl;
let browser;
let page;
/** Console errors and warnings, page errors, failed requests: none is allowed. */
const problems = [];

function watch(p, into) {
  p.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") {
      into.push(`console ${msg.type()}: ${msg.text()}`);
    }
  });
  p.on("pageerror", (err) => into.push(`page error: ${err.message}`));
  p.on("requestfailed", (req) => into.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  p.on("response", (res) => {
    if (res.status() >= 400) into.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}

async function ready(p) {
  await p.waitForSelector("svg.canvas g.symbols", { timeout: 20_000 });
}

/** The accessible names of the symbols drawn for one kind ("HSM", "VNet", ...). */
async function drawnNames(p, prefix) {
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

async function errorCount(p) {
  return Number(await p.textContent('.counts [data-severity="error"]'));
}

async function choosePreset(p, name) {
  await p.selectOption("#preset", name);
  const expected = design(name).name;
  await p.waitForFunction((n) => document.querySelector("#diagram-title")?.textContent === n, expected);
  await ready(p);
}

test("the page loads with no console error or warning and no CSP violation", async () => {
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  watch(page, problems);
  const started = Date.now();
  await page.goto(baseUrl, { waitUntil: "load" });
  await ready(page);
  const ms = Date.now() - started;
  console.log(`    (diagram drawn ${ms} ms after navigation)`);
  // Let late messages (preload warnings come after a few seconds) arrive.
  await page.waitForTimeout(3_500);
  assertEqual(problems, [], "problems");
});

test("the Content-Security-Policy is in force: inline script is refused", async () => {
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  assert(csp.includes("script-src 'self' 'wasm-unsafe-eval'"), `unexpected CSP: ${csp}`);
  assert(!csp.includes("unsafe-inline"), `CSP allows inline code: ${csp}`);
  // A separate page, so that the violation it provokes does not count as a problem above.
  const probe = await browser.newPage();
  const seen = [];
  watch(probe, seen);
  await probe.goto(baseUrl, { waitUntil: "load" });
  await ready(probe);
  const blocked = await probe.evaluate(
    () =>
      new Promise((resolve) => {
        document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective));
        const s = document.createElement("script");
        s.textContent = "window.__inlineRan = true";
        document.body.append(s);
        setTimeout(() => resolve(window.__inlineRan ? "ran" : "no event"), 2_000);
      }),
  );
  await probe.close();
  assert(blocked.startsWith("script-src"), `inline script was not refused: ${blocked}`);
});

test("the preset picker lists every preset of the core, in order", async () => {
  const options = await page.$$eval("#preset option", (os) => os.map((o) => o.value));
  const names = presetNames();
  assert(names.length > 0, "`hsmnet preset list` listed no preset");
  assertEqual(options, names, "picker options");
});

test("the service notice says when support ends and can be dismissed", async () => {
  const text = await page.textContent(".notice");
  assert(text.includes("2028-07-31"), `notice: ${text}`);
  assert(text.includes("no new customers"), `notice: ${text}`);
  await page.click('button[aria-label="Dismiss the service notice"]');
  await page.waitForSelector(".notice", { state: "detached" });
});

// One test per preset, registered once the CLI has listed them (see main()).
function presetTests(names) {
  for (const name of names) {
    test(`preset ${name}: the diagram shows its HSMs and the findings show 0 errors`, async () => {
      await choosePreset(page, name);
      const d = design(name);
      const hsms = await drawnNames(page, "HSM");
      assert(d.hsms.length > 0, `the core's ${name} has no HSM`);
      assertEqual(hsms, d.hsms.map((h) => h.name), "HSMs drawn");
      const vnets = await drawnNames(page, "VNet");
      assertEqual(vnets, d.vnets.map((v) => v.name), "VNets drawn");
      const errors = await errorCount(page);
      if (errors !== 0) {
        const list = await page.$$eval(".group.error .finding", (els) => els.map((e) => e.textContent));
        throw new Error(`${errors} errors: ${list.join(" | ")}`);
      }
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    });
  }
}

test("changing the spokes rebuilds the design at that size", async () => {
  const names = presetNames();
  for (const name of names) {
    await choosePreset(page, name);
    if ((await page.$("#spokes")) === null) continue;
    const max = Number(await page.getAttribute("#spokes", "max"));
    const now = Number(await page.inputValue("#spokes"));
    const want = now < max ? now + 1 : now - 1;
    const expected = design(name, "--spokes", String(want)).vnets.length;
    await page.fill("#spokes", String(want));
    await page.press("#spokes", "Enter");
    await page.waitForFunction(
      (n) => document.querySelectorAll("svg.canvas g.vnet").length === n,
      expected,
      { timeout: 10_000 },
    );
    assertEqual(await errorCount(page), 0, `errors with ${want} spokes`);
    // Out of range: flagged, and the design keeps its last valid size.
    await page.fill("#spokes", String(max + 1));
    await page.press("#spokes", "Enter");
    assertEqual(await page.getAttribute("#spokes", "aria-invalid"), "true", "aria-invalid");
    assertEqual(await page.$$eval("svg.canvas g.vnet", (g) => g.length), expected, "VNets after a bad value");
    return;
  }
  console.log("    (no preset takes spokes: nothing to check)");
});

test("zoom buttons change the view and Fit restores it", async () => {
  const viewBox = () => page.getAttribute("svg.canvas", "viewBox");
  const fitted = await viewBox();
  await page.click('button[aria-label="Zoom in"]');
  const zoomed = await viewBox();
  assert(zoomed !== fitted, "zoom in did not change the viewBox");
  const width = (v) => Number(v.split(" ")[2]);
  assert(width(zoomed) < width(fitted), `zoom in widened the view: ${fitted} -> ${zoomed}`);
  await page.focus("svg.canvas");
  await page.keyboard.press("ArrowRight");
  assert((await viewBox()) !== zoomed, "arrow key did not pan");
  await page.click('button[aria-label="Fit the diagram"]');
  assertEqual(await viewBox(), fitted, "viewBox after Fit");
});

test("every control and diagram element has an accessible name", async () => {
  const unnamed = await page.evaluate(() => {
    const missing = [];
    for (const el of document.querySelectorAll("button, select, input")) {
      const labelled =
        el.getAttribute("aria-label") ||
        (el.id && document.querySelector(`label[for="${el.id}"]`)) ||
        el.textContent.trim();
      if (!labelled) missing.push(el.outerHTML.slice(0, 80));
    }
    for (const el of document.querySelectorAll("svg.canvas [role]")) {
      if (!el.getAttribute("aria-label")) missing.push(el.outerHTML.slice(0, 80));
      if (el.getAttribute("role") !== "group" && !el.querySelector(":scope > title")) {
        missing.push("no <title>: " + el.outerHTML.slice(0, 80));
      }
    }
    return missing;
  });
  assertEqual(unnamed, [], "elements without a name");
});

test("the dark theme follows the system setting", async () => {
  const dark = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: "dark" });
  const seen = [];
  watch(dark, seen);
  await dark.goto(baseUrl, { waitUntil: "load" });
  await ready(dark);
  const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg !== lightBg, `same background in both themes: ${bg}`);
  await dark.screenshot({ path: path.join(ARTIFACTS, "dark.png"), fullPage: true });
  await dark.close();
  assertEqual(seen, [], "problems in the dark theme");
});

test("no console error or warning during the whole session", async () => {
  assertEqual(problems, [], "problems");
});

// ---------------------------------------------------------------------------------------------

async function main() {
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
    `bundle: wasm ${kb(sizes.wasm[0])} (gzip ${kb(sizes.wasm[1])}), ` +
      `js ${kb(sizes.js[0])} (gzip ${kb(sizes.js[1])}), ` +
      `css ${kb(sizes.css[0])} (gzip ${kb(sizes.css[1])}); ` +
      `gzipped total ${kb(total)} (${total} bytes)`,
  );

  // Register the per-preset tests after the picker test, before the spokes test.
  const names = presetNames();
  const before = tests.findIndex((t) => t.name.startsWith("changing the spokes"));
  const tail = tests.splice(before);
  presetTests(names);
  tests.push(...tail);

  const server = await serve(DIST);
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  console.log(`serving ${path.relative(root, DIST) || "."} at ${baseUrl}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

  let passed = 0;
  let failed = 0;
  const started = Date.now();
  for (const t of tests) {
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
  await browser.close();
  server.close();
  console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${path.relative(root, ARTIFACTS)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
