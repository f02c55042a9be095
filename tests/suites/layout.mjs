// Canvas first at 1280×800: every preset opens fitted and wholly in view, the page has a few
// dozen tab stops at 100 spokes (the canvas is one), and a keyboard alone draws, connects and
// fixes with the focus never lost.

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ARTIFACTS, assert, assertEqual, choosePreset, ctx, presetNames, test } from "../harness.mjs";
import { freshPage } from "./studio.mjs";

const VIEW = { width: 1280, height: 800 };

/** The canvas's box and the box of everything drawn on it, in page pixels. */
async function boxes(p) {
  return p.evaluate(() => {
    const svg = document.querySelector("svg.canvas");
    const c = svg.getBoundingClientRect();
    const drawn = [...svg.querySelectorAll("g.area > rect, g.symbol, g.badge")].map((e) => e.getBoundingClientRect());
    const box = {
      left: Math.min(...drawn.map((r) => r.left)),
      top: Math.min(...drawn.map((r) => r.top)),
      right: Math.max(...drawn.map((r) => r.right)),
      bottom: Math.max(...drawn.map((r) => r.bottom)),
    };
    return { canvas: { left: c.left, top: c.top, right: c.right, bottom: c.bottom }, drawn: box, page: document.documentElement.scrollHeight };
  });
}

test("layout: at 1280×800 every preset opens fitted, wholly inside a canvas that fills the window", async () => {
  const p = await freshPage();
  await p.setViewportSize(VIEW);
  await mkdir(ARTIFACTS, { recursive: true });
  for (const name of presetNames()) {
    await choosePreset(p, name);
    await p.waitForTimeout(100);
    const { canvas, drawn, page } = await boxes(p);
    assert(page <= VIEW.height, `${name}: the page scrolls (${page} px tall)`);
    assert(canvas.bottom <= VIEW.height && canvas.right <= VIEW.width, `${name}: canvas off the window ${JSON.stringify(canvas)}`);
    assert(canvas.bottom - canvas.top >= 0.6 * VIEW.height, `${name}: canvas only ${canvas.bottom - canvas.top} px tall`);
    for (const side of ["left", "top"]) assert(drawn[side] >= canvas[side] - 0.5, `${name}: drawing cut at the ${side} ${JSON.stringify({ canvas, drawn })}`);
    for (const side of ["right", "bottom"]) assert(drawn[side] <= canvas[side] + 0.5, `${name}: drawing cut at the ${side} ${JSON.stringify({ canvas, drawn })}`);
    // Fitted: the drawing fills the canvas in one direction (within the fit's margin).
    const fill = Math.max((drawn.right - drawn.left) / (canvas.right - canvas.left), (drawn.bottom - drawn.top) / (canvas.bottom - canvas.top));
    assert(fill > 0.75, `${name}: the drawing fills only ${(fill * 100).toFixed(0)} % of the canvas`);
    await p.screenshot({ path: path.join(ARTIFACTS, `fit-${name}.png`) });
  }
  // The panels collapse: the canvas takes their room.
  const before = (await boxes(p)).canvas;
  await p.click("button.panels-toggle");
  await p.waitForFunction((w) => document.querySelector("svg.canvas").getBoundingClientRect().width > w + 200, before.right - before.left);
  await p.click("button.panels-toggle");
  await p.close();
});

test("layout: a name cut on the canvas keeps its full text on hover and in the accessible name", async () => {
  const p = await freshPage();
  await choosePreset(p, "hub-nva-proxy");
  const cut = await p.$$eval("svg.canvas g.symbol", (gs) =>
    gs
      .map((g) => ({ shown: g.querySelector(".symbol-name").textContent, label: g.getAttribute("aria-label"), title: g.querySelector("title").textContent }))
      .filter((s) => s.shown.endsWith("…")),
  );
  for (const s of cut) {
    const full = s.label.split(" ").slice(1).join(" ");
    assert(s.title.includes(full) && full.startsWith(s.shown.slice(0, -1)), `cut name without its full text: ${JSON.stringify(s)}`);
  }
  // Labels of symbols in one row do not overlap.
  const overlaps = await p.$$eval("svg.canvas g.symbol .symbol-name", (ts) => {
    const rs = ts.map((t) => t.getBoundingClientRect());
    let n = 0;
    for (let i = 0; i < rs.length; i++)
      for (let j = i + 1; j < rs.length; j++) {
        const [a, b] = [rs[i], rs[j]];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) n++;
      }
    return n;
  });
  assertEqual(overlaps, 0, "overlapping symbol labels");
  await p.close();
});

/** The elements the Tab key stops at, in the whole page. */
async function tabStops(p) {
  return p.evaluate(() =>
    [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")].filter(
      (e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 && !e.closest("[inert], dialog:not([open])"),
    ).length,
  );
}

test("layout: at 100 spokes the page has a few dozen tab stops, the canvas one", async () => {
  const p = await freshPage();
  await choosePreset(p, "hub-nva-proxy", 100);
  const stops = await tabStops(p);
  console.log(`    (${stops} tab stops at 100 spokes)`);
  assert(stops <= 48, `${stops} tab stops`);
  const onCanvas = await p.$$eval("svg.canvas, svg.canvas [tabindex]", (es) => es.filter((e) => e.tabIndex >= 0).length);
  assertEqual(onCanvas, 1, "tab stops on the canvas");
  // The arrows reach an element the view does not draw: the view follows the focus.
  await p.focus("svg.canvas");
  await p.keyboard.press("ArrowRight"); // the first element: the region
  await p.keyboard.press("ArrowRight"); // into it: its first VNet
  for (let i = 0; i < 60; i++) await p.keyboard.press("ArrowDown");
  // The last move is drawn and focused within a frame or two.
  await p.waitForFunction(() => /^VNet spoke-/.test(document.activeElement?.getAttribute("aria-label") ?? ""), null, { timeout: 3_000 }).catch(() => {});
  const label = await p.evaluate(() => document.activeElement?.getAttribute("aria-label"));
  assert(label && /VNet spoke-/.test(label), `focus after the arrows: ${label}`);
  assertEqual(await p.$$eval("svg.canvas [tabindex]", (es) => es.filter((e) => e.tabIndex >= 0).length), 1, "tab stops after moving");
  await p.close();
});

/** Presses `key` and checks that the keyboard is still somewhere: never on <body>. */
async function press(p, key, what) {
  await p.keyboard.press(key);
  // Given back within a frame or two (an edit redraws the focused element).
  const kept = await p
    .waitForFunction(() => document.activeElement && document.activeElement !== document.body, null, { timeout: 2_000 })
    .then(() => true, () => false);
  assert(kept, `focus lost after ${key} (${what})`);
  if (process.env.DEBUG_KEYS) console.log(`    ${key} (${what}) -> ${await p.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.outerHTML.slice(0, 60))}`);
}

/** Presses Tab (or Shift+Tab) until `ok` holds for the focused element; at most 60 times. */
async function tabTo(p, ok, what, back = false) {
  if (await p.evaluate(ok)) return;
  for (let i = 0; i < 60; i++) {
    await press(p, back ? "Shift+Tab" : "Tab", what);
    if (await p.evaluate(ok)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

/** The accessible name of what has the keyboard, once a canvas element has it again (the
 * canvas holds the keyboard for a frame while the element is drawn). */
async function focusedLabel(p) {
  await p.waitForFunction(() => !document.activeElement?.matches("svg.canvas"), null, { timeout: 1_000 }).catch(() => {});
  return p.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName);
}

test("layout: the keyboard alone draws a subnet into a VNet, connects two elements and runs Fix", async () => {
  const p = await ctx.browser.newPage({ viewport: VIEW });
  await p.goto(ctx.baseUrl, { waitUntil: "load" });
  // A first visit: the gallery is open; the keyboard opens the hub preset from it.
  await p.waitForSelector("dialog.gallery[open]", { timeout: 20_000 });
  await tabTo(p, () => document.activeElement?.getAttribute("aria-label") === "Open Hub with NVA proxy", "the hub's Open button");
  await press(p, "Enter", "open the hub");
  await p.waitForSelector("dialog.gallery[open]", { state: "detached" });
  await p.waitForSelector('svg.canvas [aria-label="VNet hub-vnet"]');
  // To the canvas: one tab stop, then the arrows to the hub VNet.
  await tabTo(p, () => document.activeElement?.closest("svg.canvas") !== null, "the canvas");
  await press(p, "ArrowRight", "the first element, the region");
  assertEqual(await focusedLabel(p), "Region West Europe", "the first element");
  await press(p, "ArrowRight", "into the region");
  for (let i = 0; i < 10 && (await focusedLabel(p)) !== "VNet hub-vnet"; i++) await press(p, "ArrowDown", "to the hub");
  assertEqual(await focusedLabel(p), "VNet hub-vnet", "the keyboard on the hub");
  await press(p, "Enter", "select the hub");
  // Back to the palette, Enter adds a subnet into the selected VNet.
  await tabTo(p, () => document.activeElement?.dataset.item === "subnet", "the palette's subnet", true);
  const subnets = await p.$$eval("svg.canvas g.subnet", (g) => g.length);
  await press(p, "Enter", "add a subnet");
  await p.waitForFunction((n) => document.querySelectorAll("svg.canvas g.subnet").length === n + 1, subnets);
  const added = await p.textContent(".selection-count");
  assertEqual(added, "1 selected", "the new subnet is selected");
  // To the canvas again: two spokes, selected together, connected with C (a peering).
  await tabTo(p, () => document.activeElement?.closest("svg.canvas") !== null, "the canvas again");
  assertEqual(await focusedLabel(p), "VNet hub-vnet", "the canvas's tab stop is where the keyboard left it");
  for (let i = 0; i < 10 && (await focusedLabel(p)) !== "VNet spoke-1"; i++) await press(p, "ArrowDown", "to spoke-1");
  assertEqual(await focusedLabel(p), "VNet spoke-1", "the keyboard on spoke-1");
  await press(p, "Enter", "select spoke-1");
  for (let i = 0; i < 10 && (await focusedLabel(p)) !== "VNet spoke-2"; i++) await press(p, "ArrowDown", "to spoke-2");
  await press(p, "Shift+Enter", "add spoke-2");
  assertEqual(await p.textContent(".selection-count"), "2 selected", "two selected");
  await press(p, "c", "connect");
  await p.waitForSelector('svg.canvas [aria-label^="Peering spoke-1-to-spoke-2"]', { state: "attached", timeout: 5_000 });
  assertEqual(await p.textContent("#status"), "Connected.", "status after C");
  // Delete the hub's peering with the HSM VNet (an error with a fix): the keyboard along the
  // hub's children to the peering, Delete.
  for (let i = 0; i < 10 && (await focusedLabel(p)) !== "VNet hub-vnet"; i++) await press(p, "ArrowUp", "to hub-vnet");
  await press(p, "ArrowRight", "into hub-vnet");
  for (let i = 0; i < 12 && !(await focusedLabel(p)).startsWith("Peering hub-vnet-to-hsm-vnet"); i++) await press(p, "ArrowDown", "to the peering");
  assert((await focusedLabel(p)).startsWith("Peering hub-vnet-to-hsm-vnet"), "the keyboard on the hub's HSM peering");
  await press(p, "Enter", "select the peering");
  await press(p, "ArrowRight", "along the peering");
  assertEqual(await focusedLabel(p), "VNet hsm-vnet", "the peering leads to its other end");
  await press(p, "Delete", "delete the peering");
  await p.waitForFunction(() => document.querySelector(".findings button.fix"), null, { timeout: 5_000 });
  // Fix: Tab to the first Fix button of the findings.
  await tabTo(p, () => document.activeElement?.classList.contains("fix"), "a Fix button");
  const findings = await p.$$eval(".findings li.finding", (l) => l.length);
  await press(p, "Enter", "Fix");
  await p.waitForFunction((n) => document.querySelectorAll(".findings li.finding").length < n, findings, { timeout: 10_000 });
  await press(p, "Tab", "after the fix");
  await mkdir(ARTIFACTS, { recursive: true });
  await p.screenshot({ path: path.join(ARTIFACTS, "keyboard-only.png") });
  await p.close();
});
