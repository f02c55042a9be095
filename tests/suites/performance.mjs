// Large designs stay fluid (issue 14, point 6): the frame intervals of dragging a spoke VNet,
// of zooming and of hovering over the hub-nva-proxy preset at 100 and 400 spokes, and the time
// to open 1,000 spokes. Frame intervals are requestAnimationFrame timestamps taken in the page
// while the pointer is scripted; at 60 Hz a frame is 16.7 ms, so a p95 of at most 17 ms (the
// target) means that at most one frame in twenty was late. The times are printed against their
// targets, not asserted (they follow the machine's load); what is asserted is what keeps them
// low: a zoom and a hover re-create nothing on the canvas, and a larger design is drawn with no
// more canvas elements per VNet than a smaller one. Runs on a page of its own (fresh storage).

import path from "node:path";
import {
  checkedMs, ARTIFACTS, assert, assertEqual, choosePreset, ctx, design, test, watch, openGallery } from "../harness.mjs";

/** The targets of issue 14 (printed against, not asserted). */
const FRAME_P95_MS = 17;
const OPEN_1000_MS = 1_500;

let page = null;
const problems = [];
/** Canvas elements per VNet of the hub-nva-proxy preset, by its number of spokes. */
const elementsPerVnet = new Map();

/** How many elements the canvas holds for each VNet it draws. */
const canvasElementsPerVnet = () =>
  page.evaluate(() => {
    const svg = document.querySelector("svg.canvas");
    return svg.querySelectorAll("*").length / svg.querySelectorAll("g.vnet").length;
  });

/** The value at quantile `q` of `values`. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const summary = (frames) =>
  `${frames.length} frames, p50 ${quantile(frames, 0.5).toFixed(1)} ms, ` +
  `p95 ${quantile(frames, 0.95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms; ` +
  `${frames.long.length} long tasks${frames.long.length ? ` up to ${Math.max(...frames.long).toFixed(0)} ms` : ""}; ` +
  `${frames.recreated.length} canvas elements added or removed`;

/** The intervals between animation frames while `act` runs. */
async function frameIntervals(act) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__long = [];
    window.__stop = false;
    // Work of the page's own (script, style, layout) over 50 ms; raster is not counted.
    window.__observer?.disconnect();
    window.__observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push(e.duration);
    });
    window.__observer.observe({ type: "longtask" });
    // The canvas's elements added or removed meanwhile (as "layer > element" classes).
    window.__recreated = [];
    window.__recreating?.disconnect();
    window.__recreating = new MutationObserver((records) => {
      for (const r of records) {
        for (const n of [...r.addedNodes, ...r.removedNodes]) {
          if (n.nodeType === 1) window.__recreated.push(`${r.target.getAttribute("class")} > ${n.getAttribute("class")}`);
        }
      }
    });
    window.__recreating.observe(document.querySelector("svg.canvas"), { childList: true, subtree: true });
    let last = null;
    const tick = (t) => {
      if (last !== null) window.__frames.push(t - last);
      last = t;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await act();
  // The first interval may include work started before `act` (the previous step's paint).
  return page.evaluate(() => {
    window.__stop = true;
    window.__recreating.disconnect();
    return { frames: window.__frames.slice(1), long: window.__long, recreated: window.__recreated };
  }).then(({ frames, long, recreated }) => Object.assign(frames, { long, recreated }));
}

/** Two animation frames: what the last event changed has been painted. */
const settle = () =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** A spoke VNet near the middle of the drawing, its centre on the page (on screen). */
async function middleSpoke() {
  const found = await page.$$eval("svg.canvas g.vnet", (gs) => {
    const svg = document.querySelector("svg.canvas").getBoundingClientRect();
    const centre = { x: svg.left + svg.width / 2, y: svg.top + svg.height / 2 };
    let best = null;
    for (const g of gs) {
      const label = g.getAttribute("aria-label");
      if (!/^VNet spoke-/.test(label)) continue;
      const r = g.querySelector("rect").getBoundingClientRect();
      const d = Math.hypot(r.left + r.width / 2 - centre.x, r.top + r.height / 2 - centre.y);
      if (best === null || d < best.d) best = { label, d, x: r.left + r.width / 2, y: r.top + 3 };
    }
    return best;
  });
  assert(found, "no spoke VNet drawn");
  return found;
}

/** The x of a VNet's rectangle in canvas units. */
const vnetX = (label) =>
  page.$eval(`svg.canvas [aria-label="${label}"] > rect`, (r) => Number(r.getAttribute("x")));

/** Drags a spoke VNet by its title in small steps; returns the frame intervals. The drag must
 * land (the VNet moved), or the figures would measure nothing. */
async function dragSpoke() {
  const spoke = await middleSpoke();
  const before = await vnetX(spoke.label);
  await page.mouse.move(spoke.x, spoke.y);
  await settle();
  const frames = await frameIntervals(async () => {
    await page.mouse.down();
    for (let i = 1; i <= 80; i += 1) await page.mouse.move(spoke.x + i, spoke.y + i / 2);
  });
  await page.mouse.up();
  await page.waitForFunction(
    ([l, x]) => Number(document.querySelector(`svg.canvas [aria-label="${l}"] > rect`)?.getAttribute("x")) !== x,
    [spoke.label, before],
  );
  // The zoom that follows is measured on its own: the check of the moved design has answered
  // and its findings are on the page.
  await checkedMs(page);
  await settle();
  return { frames, label: spoke.label };
}

/** Zooms in and out around the canvas's centre with Ctrl+wheel; returns the frame intervals. */
async function zoom() {
  const box = await page.locator("svg.canvas").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await settle();
  const before = await page.getAttribute("svg.canvas", "viewBox");
  let zoomedIn = null;
  const frames = await frameIntervals(async () => {
    await page.keyboard.down("Control");
    for (let i = 0; i < 30; i += 1) await page.mouse.wheel(0, -40);
    zoomedIn = await page.getAttribute("svg.canvas", "viewBox");
    for (let i = 0; i < 30; i += 1) await page.mouse.wheel(0, 40);
    await page.keyboard.up("Control");
  });
  const width = (v) => Number(v.split(" ")[2]);
  assert(width(zoomedIn) < width(before) * 0.9, `Ctrl+wheel did not zoom in: ${before} then ${zoomedIn}`);
  return frames;
}

/** Moves the pointer over the drawing without a button; returns the frame intervals. */
async function hover() {
  const box = await page.locator("svg.canvas").boundingBox();
  await page.mouse.move(box.x + 10, box.y + box.height / 2);
  await settle();
  return frameIntervals(async () => {
    for (let i = 0; i <= 80; i += 1) {
      await page.mouse.move(box.x + 10 + ((box.width - 20) * i) / 80, box.y + box.height * (0.3 + (0.4 * i) / 80));
    }
  });
}

test("performance: a page of its own", async () => {
  page = await ctx.browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch(page, problems);
  await page.goto(ctx.baseUrl, { waitUntil: "load" });
  await page.waitForSelector("svg.canvas g.symbols", { timeout: 20_000 });
});

for (const spokes of [100, 400]) {
  test(`performance: dragging a spoke, zooming and hovering at ${spokes} spokes (frame p95 target ${FRAME_P95_MS} ms); zoom and hover re-create nothing`, async () => {
    await choosePreset(page, "hub-nva-proxy", spokes);
    await page.evaluate(() => document.querySelector("svg.canvas").scrollIntoView({ block: "center" }));
    await settle();
    elementsPerVnet.set(spokes, await canvasElementsPerVnet());
    // The hub's peerings are drawn as one bundle (a trunk), each peering by its own stretch.
    const trunks = await page.$$eval("svg.canvas .link.trunk", (t) => t.length);
    const bundled = await page.$$eval("svg.canvas .link.peering.bundled", (l) => l.length);
    assert(trunks === 1 && bundled >= spokes, `${trunks} trunks, ${bundled} bundled peerings at ${spokes} spokes`);
    const dragged = await dragSpoke();
    const zoomed = await zoom();
    const hovered = await hover();
    console.log(`    (${spokes} spokes: drag of ${dragged.label}: ${summary(dragged.frames)})`);
    console.log(`    (${spokes} spokes: Ctrl+wheel zoom: ${summary(zoomed)})`);
    console.log(`    (${spokes} spokes: hover: ${summary(hovered)})`);
    await page.screenshot({ path: path.join(ARTIFACTS, `performance-${spokes}.png`) });
    for (const [what, frames] of [["drag", dragged.frames], ["zoom", zoomed], ["hover", hovered]]) {
      assert(frames.length >= 10, `${what}: only ${frames.length} frames measured`);
    }
    // The frame times are figures against the target, printed above, not asserted: they vary
    // with the machine's load. What keeps them low is asserted: zooming in and back out (the
    // view stays in what is drawn) and hovering re-create nothing on the canvas.
    for (const [what, frames] of [["zoom", zoomed], ["hover", hovered]]) {
      const kinds = [...new Set(frames.recreated)].join(", ");
      assertEqual(frames.recreated.length, 0, `${what} at ${spokes} spokes re-created canvas elements (${kinds})`);
    }
  });
}

test(`performance: a 1,000-spoke design opens (target ${OPEN_1000_MS} ms), drawn with no more elements per VNet than 100 spokes`, async () => {
  const name = "hub-nva-proxy";
  const card = `.card[data-preset="${name}"]`;
  await openGallery(page);
  await page.fill(`${card} #spokes-${name}`, "1000");
  await page.press(`${card} #spokes-${name}`, "Enter");
  const title = design(name, "--spokes", "1000").name;
  // From the click to the second animation frame after the title shows the new design: the
  // frame that drew it has been painted.
  const ms = await page.evaluate(
    ([card, title]) =>
      new Promise((resolve) => {
        const started = performance.now();
        document.querySelector(`${card} button.open`).click();
        const poll = () => {
          const vnets = document.querySelectorAll("svg.canvas g.vnet").length;
          if (document.querySelector("#diagram-title")?.textContent === title && vnets > 0) {
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
          } else {
            requestAnimationFrame(poll);
          }
        };
        poll();
      }),
    [card, title],
  );
  const perVnet = await canvasElementsPerVnet();
  console.log(
    `    (hub-nva-proxy with 1,000 spokes opened and painted in ${ms.toFixed(0)} ms, target ${OPEN_1000_MS} ms; ` +
      `canvas elements per VNet: ${perVnet.toFixed(1)}; ` +
      [...elementsPerVnet].map(([spokes, n]) => `at ${spokes} spokes ${n.toFixed(1)}`).join(", ") +
      ")",
  );
  await page.screenshot({ path: path.join(ARTIFACTS, "performance-1000.png") });
  // What the time to open grows with: the canvas's elements, so they grow no faster than VNets.
  assert(
    perVnet <= elementsPerVnet.get(100),
    `1,000 spokes: ${perVnet.toFixed(1)} canvas elements per VNet, more than the ${elementsPerVnet.get(100)?.toFixed(1)} of 100 spokes`,
  );
});

test("performance: the check of the 1,000-spoke design after an edit, timed in WebAssembly", async () => {
  // The design opened by the test above; an edit renames it (its form shows while nothing is
  // selected), and the findings panel says how long the check took. Printed, not asserted:
  // the target (5 ms) is a benchmark figure for the notes, not a timed test.
  const times = [];
  for (let i = 0; i < 9; i++) {
    await page.fill("#design-name", `Hub ${i}`);
    await page.press("#design-name", "Enter");
    await page.waitForFunction((n) => document.querySelector("#diagram-title")?.textContent === n, `Hub ${i}`);
    times.push(await checkedMs(page));
  }
  times.sort((a, b) => a - b);
  console.log(`    (check of hub-nva-proxy --spokes 1000 in wasm: median ${times[times.length >> 1].toFixed(2)} ms, min ${times[0].toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms over ${times.length} edits)`);
  assert(times.every((t) => t > 0), `times: ${times}`);
});

test("performance: no console error or warning on its page", async () => {
  await page.close();
  assert(problems.length === 0, `problems: ${JSON.stringify(problems)}`);
});
