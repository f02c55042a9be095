// Canvas first at 1280×800: every preset opens fitted and wholly in view, the page has a few
// dozen tab stops at 100 spokes (the canvas is one), and a keyboard alone draws, connects and
// fixes with the focus never lost.

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ARTIFACTS, assert, assertEqual, choosePreset, ctx, presetNames, test } from "../harness.mjs";
import { freshPage, savedDesign, waitForSaved } from "./studio.mjs";

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
    assertEqual(await overlappingLabels(p), [], `${name}: symbol labels that overlap`);
    // Readable when fitted: every label's box at least about 10 pixels high on screen.
    const heights = await labelHeights(p);
    assert(heights.length > 0, `${name}: no labels`);
    const low = heights.filter(([, h]) => h < 9.5);
    assertEqual(low, [], `${name}: labels under 10 px high ([text, px])`);
    console.log(`     ${name}: labels ${Math.min(...heights.map(([, h]) => h)).toFixed(1)} px high at least`);
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
  assertEqual(await overlappingLabels(p), [], "symbol labels that overlap");
  await p.close();
});

/** The height on screen of every label drawn on the canvas (area titles and addresses, symbol
 * names), as [text, pixels]. */
async function labelHeights(p) {
  return p.$$eval("svg.canvas :is(.area-name, .area-detail, .symbol-name)", (ts) =>
    ts.filter((t) => t.textContent.trim() !== "" && t.getClientRects().length > 0).map((t) => [t.textContent, t.getBoundingClientRect().height]),
  );
}

/** The pairs of symbol labels on the canvas whose boxes overlap, by their text. */
async function overlappingLabels(p) {
  return p.$$eval("svg.canvas g.symbol .symbol-name", (ts) => {
    const rs = ts.map((t) => t.getBoundingClientRect());
    const pairs = [];
    for (let i = 0; i < rs.length; i++)
      for (let j = i + 1; j < rs.length; j++) {
        const [a, b] = [rs[i], rs[j]];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) pairs.push([ts[i].textContent, ts[j].textContent]);
      }
    return pairs;
  });
}

/** The tops of the visible children of `selector`, rounded; one value when they keep one row. */
async function rows(p, selector) {
  return p.$$eval(selector, (els) => {
    const tops = els
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => ({ top: r.top, bottom: r.bottom }));
    // A child below another's bottom starts a second row.
    const first = Math.min(...tops.map((t) => t.bottom));
    return { children: tops.length, below: tops.filter((t) => t.top >= first - 1).length };
  });
}

test("layout: at 1280×800 the toolbar and the diagram's bar keep one row, a long name cut with its whole text on hover", async () => {
  const p = await freshPage();
  // The retirement notice (a Dedicated HSM design) takes one line.
  await choosePreset(p, "hub-nva-proxy");
  const notice = await p.$eval(".notice", (n) => ({ height: n.getBoundingClientRect().height, line: parseFloat(getComputedStyle(n.querySelector("p")).lineHeight) || 20 }));
  assert(notice.height < 2 * notice.line, `the notice is ${notice.height} px tall (a line: ${notice.line} px)`);
  await choosePreset(p, "payment-hsm-multi-vnet");
  await mkdir(ARTIFACTS, { recursive: true });
  await p.screenshot({ path: path.join(ARTIFACTS, "toolbar-long-name.png") });
  for (const selector of [".topbar > *", ".toolbar > *", ".diagram-bar > *"]) {
    const { children, below } = await rows(p, selector);
    assert(children > 1, `${selector}: ${children} shown`);
    assertEqual(below, 0, `${selector}: children on a second row`);
  }
  // The share link, once made, takes the room left in the toolbar's row, not a row of its own.
  await p.getByRole("button", { name: "Copy share link" }).click();
  await p.waitForFunction(() => document.querySelector("#share-link")?.value.includes("#d=v1."), null, { timeout: 5_000 });
  for (const selector of [".topbar > *", ".toolbar > *"]) {
    const { below } = await rows(p, selector);
    assertEqual(below, 0, `${selector}: children on a second row with the share link shown`);
  }
  const field = await p.locator("#share-link").boundingBox();
  assert(field.width >= 100, `the share link field is ${field.width} px wide`);
  await p.screenshot({ path: path.join(ARTIFACTS, "toolbar-share-link.png") });
  const title = await p.$eval("#diagram-title", (h) => ({ text: h.textContent, title: h.title, right: h.getBoundingClientRect().right }));
  assertEqual(title.title, title.text, "the whole name on hover");
  const zoom = await p.locator(".diagram-bar .zoom").boundingBox();
  const diagram = await p.locator("section.diagram").boundingBox();
  assert(zoom.x + zoom.width <= diagram.x + diagram.width && title.right <= zoom.x, `zoom buttons in the bar: ${JSON.stringify({ zoom, diagram, title })}`);
  // Every download is in the keyboard's reach, behind one button: Enter opens, Tab walks,
  // Escape closes and gives the keyboard back to the button.
  await p.focus("details.downloads > summary");
  await press(p, "Enter", "open the downloads");
  await p.waitForSelector("details.downloads[open]");
  await press(p, "Tab", "the first download");
  assertEqual(await p.evaluate(() => document.activeElement?.textContent.trim()), "ARM template", "the first download");
  await press(p, "Escape", "close the downloads");
  assertEqual(await p.$("details.downloads[open]"), null, "closed by Escape");
  assert(await p.evaluate(() => document.activeElement?.matches("details.downloads > summary")), "the keyboard back on the menu's button");
  await p.close();
});

test("layout: each panel beside the canvas collapses on its own", async () => {
  const p = await freshPage();
  const panels = ["properties-title", "findings-title", "trace-title"];
  const shown = () => p.evaluate((ids) => ids.map((id) => !document.getElementById(`${id}-body`).hidden && document.getElementById(`${id}-body`).getClientRects().length > 0), panels);
  assertEqual(await shown(), [true, true, true], "all shown");
  const traceTop = async () => (await p.locator("#trace-title").boundingBox()).y;
  const before = await traceTop();
  await p.click("#properties-title button.collapse");
  assertEqual(await shown(), [false, true, true], "properties collapsed");
  assertEqual(await p.getAttribute("#properties-title button.collapse", "aria-expanded"), "false", "aria-expanded");
  await p.click("#findings-title button.collapse");
  assertEqual(await shown(), [false, false, true], "findings collapsed too");
  assert((await traceTop()) < before - 100, "the trace panel takes the room left");
  await p.focus("#properties-title button.collapse");
  await press(p, "Enter", "expand the properties");
  assertEqual(await shown(), [true, false, true], "properties shown again, findings still collapsed");
  await p.click("#findings-title button.collapse");
  assertEqual(await shown(), [true, true, true], "all shown again");
  await p.close();
});

test("layout: the palette is one tab stop, its items walked by the arrow keys", async () => {
  const p = await freshPage();
  const stops = () => p.$$eval(".palette [data-item]", (bs) => bs.filter((b) => b.tabIndex >= 0).map((b) => b.dataset.item));
  const items = await p.$$eval(".palette [data-item]", (bs) => bs.map((b) => b.dataset.item));
  assertEqual(await stops(), [items[0]], "one tab stop, the first item");
  const focused = () => p.evaluate(() => document.activeElement?.dataset.item);
  await p.focus(`.palette [data-item="${items[0]}"]`);
  await press(p, "ArrowRight", "the next item");
  assertEqual(await focused(), items[1], "ArrowRight");
  assertEqual(await stops(), [items[1]], "the tab stop follows");
  await press(p, "End", "the last item");
  assertEqual(await focused(), items.at(-1), "End");
  await press(p, "ArrowRight", "past the last");
  assertEqual(await focused(), items.at(-1), "no wrap");
  await press(p, "ArrowUp", "back one");
  assertEqual(await focused(), items.at(-2), "ArrowUp");
  // Tab leaves the palette; Shift+Tab comes back to the item left.
  await press(p, "Tab", "out of the palette");
  assert(await p.evaluate(() => !document.activeElement?.closest(".palette")), "Tab leaves the palette");
  await press(p, "Shift+Tab", "back to the palette");
  assertEqual(await focused(), items.at(-2), "back on the item left");
  await press(p, "Home", "the first item");
  assertEqual(await focused(), items[0], "Home");
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
  // 33 when measured (the palette and the downloads one stop each; the panels' collapse
  // buttons three more): a few over it is a new control, far over it a list in the Tab order.
  assert(stops <= 36, `${stops} tab stops`);
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
  // Back to the palette (one tab stop), the arrows to its subnet; Enter adds one into the
  // selected VNet.
  await tabTo(p, () => document.activeElement?.closest(".palette") !== null, "the palette", true);
  await press(p, "Home", "the palette's first item");
  for (let i = 0; i < 20 && (await p.evaluate(() => document.activeElement?.dataset.item)) !== "subnet"; i++) await press(p, "ArrowRight", "along the palette");
  assertEqual(await p.evaluate(() => document.activeElement?.dataset.item), "subnet", "the keyboard on the palette's subnet");
  const subnets = await p.$$eval("svg.canvas g.subnet", (g) => g.length);
  const hubSubnets = (await savedDesign(p)).vnets.find((v) => v.name === "hub-vnet").subnets.length;
  await press(p, "Enter", "add a subnet");
  await p.waitForFunction((n) => document.querySelectorAll("svg.canvas g.subnet").length === n + 1, subnets);
  const added = await p.textContent(".selection-count");
  assertEqual(added, "1 selected", "the new subnet is selected");
  await waitForSaved(p, (d) => d.vnets.find((v) => v.name === "hub-vnet").subnets.length === hubSubnets + 1, "a subnet added into hub-vnet");
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
