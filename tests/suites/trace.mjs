// Flow tracing in the studio: the panel and the canvas show the trace the CLI computes
// (`hsmnet trace --format json`) for the same design, delivered and dropped.

import { execFileSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ARTIFACTS, HSMNET, assert, assertEqual, choosePreset, cli, ctx, design, test } from "../harness.mjs";
import { freshPage, scratchFile } from "./studio.mjs";

/** The CLI's trace of a design file; exit 1 (dropped) still prints the trace. */
function cliTrace(file, from, to, port = "1792") {
  try {
    return JSON.parse(execFileSync(HSMNET, ["trace", file, "--from", from, "--to", to, "--port", port, "--format", "json"], { encoding: "utf8" }));
  } catch (err) {
    if (err.status === 1) return JSON.parse(err.stdout);
    throw err;
  }
}

/** Opens a design in a fresh page through a share link made by the CLI. */
async function openDesign(doc) {
  const file = scratchFile(`trace-${Date.now()}.json`, JSON.stringify(doc));
  const page = await freshPage(cli("link", "encode", file, "--base", ctx.baseUrl).trim());
  return { page, file };
}

async function traceIn(page, from, to) {
  await page.fill("#trace-from", from);
  await page.press("#trace-from", "Enter");
  await page.fill("#trace-to", to);
  await page.press("#trace-to", "Enter");
  await page.waitForSelector(".trace-result .verdict", { timeout: 10_000 });
}

async function shownTrace(page) {
  return page.evaluate(() => ({
    verdict: document.querySelector(".trace-result .verdict")?.textContent ?? "",
    hops: [...document.querySelectorAll(".trace-result .hop .decision")].map((e) => e.textContent),
    failed: [...document.querySelectorAll(".trace-result .hop")].findIndex((e) => e.classList.contains("failed")),
    path: document.querySelector("svg.canvas g.trace-path")?.getAttribute("class") ?? null,
    failure: document.querySelector("svg.canvas g.trace-failure title")?.textContent ?? null,
    cause: document.querySelector(".trace-result .cause")?.textContent ?? null,
  }));
}

const hubDocument = () => JSON.parse(cli("preset", "hub-nva-proxy"));

const LABELS = "svg.canvas :is(.area-name, .area-detail, .symbol-name)";
const SHAPES = "svg.canvas :is(g.symbol .shape, g.badge > rect)";

/** The labels on the canvas (element names and details, as the browser lays them out; or the
 * shapes of symbols and badges, with `SHAPES`) that a piece of the traced line crosses: [hop,
 * label text] pairs. A piece may cross the symbols at its own two ends. */
async function labelsCrossed(page, selector = LABELS) {
  return page.evaluate(([selector, ownEnds]) => {
    const labels = [...document.querySelectorAll(selector)]
      .filter((t) => t.getClientRects().length > 0)
      .map((t) => ({ text: t.textContent.trim() || t.closest("[aria-label]").getAttribute("aria-label"), r: t.getBoundingClientRect() }))
      .filter((l) => l.text !== "");
    // Liang–Barsky: whether the segment from p to q meets the rectangle.
    const meets = (p, q, r) => {
      const [dx, dy] = [q.x - p.x, q.y - p.y];
      let [t0, t1] = [0, 1];
      for (const [ep, eq] of [[-dx, p.x - r.left], [dx, r.right - p.x], [-dy, p.y - r.top], [dy, r.bottom - p.y]]) {
        if (ep === 0) {
          if (eq < 0) return false;
          continue;
        }
        const t = eq / ep;
        if (ep < 0) t0 = Math.max(t0, t);
        else t1 = Math.min(t1, t);
        if (t0 > t1) return false;
      }
      return true;
    };
    const crossed = [];
    for (const line of document.querySelectorAll("svg.canvas .trace-path .piece")) {
      const m = line.getScreenCTM();
      const points = [...line.points].map((pt) => new DOMPoint(pt.x, pt.y).matrixTransform(m));
      const inside = (p, r) => p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom;
      // The symbols a piece leaves and reaches hold its ends (its arrowhead stops at the edge).
      const [first, last] = [points[0], points[points.length - 1]];
      for (const l of labels) {
        if (ownEnds && (inside(first, l.r) || inside(last, l.r))) continue;
        for (let i = 1; i < points.length; i++)
          if (meets(points[i - 1], points[i], l.r)) {
            crossed.push([Number(line.dataset.hop) + 1, l.text]);
            break;
          }
      }
    }
    return crossed;
  }, [selector, selector === SHAPES]);
}

/** Whether every mark of the traced path lies inside the canvas's box. */
async function pathInView(page) {
  return page.evaluate(() => {
    const c = document.querySelector("svg.canvas").getBoundingClientRect();
    const marks = [...document.querySelectorAll("svg.canvas .trace-path :is(.piece, .trace-number)")].map((e) => e.getBoundingClientRect());
    return marks.length > 0 && marks.every((r) => r.left >= c.left - 0.5 && r.right <= c.right + 0.5 && r.top >= c.top - 0.5 && r.bottom <= c.bottom + 0.5);
  });
}

test("trace: an on-premises client reaches the HSM through the hub, as the CLI says", async () => {
  const doc = hubDocument();
  const { page, file } = await openDesign(doc);
  const site = doc.design.sites[0].name;
  const hsm = doc.design.hsms[0].name;
  await traceIn(page, site, hsm);
  const shown = await shownTrace(page);
  const expected = cliTrace(file, site, hsm);
  assertEqual(expected.verdict.result, "delivered", "CLI verdict");
  assert(shown.verdict.startsWith("Delivered"), `verdict shown: ${shown.verdict}`);
  assertEqual(shown.hops, expected.hops.map((h) => h.decision), "hops shown");
  assertEqual(shown.path, "trace-path delivered", "path drawn on the canvas");
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "trace-delivered.png"), fullPage: true });
  await page.close();
});

test("trace: on hub-nva-proxy at 1280×800 the path reads hop by hop: numbers as the list has them, hover linked both ways", async () => {
  const doc = hubDocument();
  const { page } = await openDesign(doc);
  const site = doc.design.sites[0].name;
  const hsm = doc.design.hsms[0].name;
  await traceIn(page, site, hsm);
  const hops = await page.$$eval(".trace-result .hop", (l) => l.length);
  // Every hop's number is on the canvas once, in marks such as "6" or "6–9".
  const marks = await page.$$eval("svg.canvas .trace-number text", (ts) => ts.map((t) => t.textContent));
  const numbered = marks.flatMap((m) => {
    const [a, b] = m.split("–").map(Number);
    return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
  });
  assertEqual(numbered, Array.from({ length: hops }, (_, i) => i + 1), "hop numbers on the canvas");
  // Out and back in two styles, each piece with its arrowhead.
  const pieces = await page.$$eval("svg.canvas .trace-path .piece", (ps) => ps.map((p) => [p.classList.contains("back"), p.getAttribute("marker-end")]));
  assert(pieces.some(([back]) => back) && pieces.some(([back]) => !back), "out and back pieces");
  assert(pieces.every(([back, m]) => m === `url(#trace-arrow-${back ? "back" : "out"})`), "arrowheads");
  // Hovering a hop in the list lights its mark; hovering a mark lights its hop in the list.
  await page.hover(".trace-result .hop:nth-child(3)");
  await page.waitForSelector("svg.canvas .trace-number.hot", { timeout: 2_000 });
  const lit = await page.textContent("svg.canvas .trace-number.hot text");
  assert(lit === "3" || lit.split("–").map(Number)[0] <= 3, `mark lit for hop 3: ${lit}`);
  // The hop's pieces of line are lit too.
  const hopOfPiece = Number(await page.getAttribute("svg.canvas .trace-path .piece.back", "data-hop"));
  await page.hover(`.trace-result .hop:nth-child(${hopOfPiece + 1})`);
  await page.waitForSelector(`svg.canvas .trace-path .piece.hot[data-hop="${hopOfPiece}"]`, { timeout: 2_000 });
  await page.mouse.move(0, 0);
  await page.waitForFunction(() => !document.querySelector("svg.canvas .trace-number.hot"));
  const mark = page.locator("svg.canvas .trace-number.back").first();
  await mark.hover({ force: true });
  await page.waitForSelector(".trace-result .hop.hot", { timeout: 2_000 });
  const hot = await page.$eval(".trace-result .hop.hot", (li) => li.dataset.leg);
  assertEqual(hot, "back", "the hop lit in the list");
  await page.mouse.move(0, 0);
  // The line never crosses a label, nor a symbol or badge on its way, and the view shows all
  // of it.
  assertEqual(await labelsCrossed(page), [], "labels crossed by the traced line ([hop, label])");
  assertEqual(await labelsCrossed(page, SHAPES), [], "symbols and badges crossed by the traced line ([hop, element])");
  assert(await pathInView(page), "the whole path in view");
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "trace-hub-nva-proxy.png") });
  await page.close();
});

test("trace: an NVA without SNAT drops the reply at the hop the CLI names, marked on the canvas", async () => {
  const doc = hubDocument();
  for (const nva of doc.design.nvas) nva.snat = false;
  const { page, file } = await openDesign(doc);
  const site = doc.design.sites[0].name;
  const hsm = doc.design.hsms[0].name;
  await traceIn(page, site, hsm);
  const shown = await shownTrace(page);
  const expected = cliTrace(file, site, hsm);
  assertEqual(expected.verdict.result, "dropped", "CLI verdict");
  assertEqual(shown.verdict, `Dropped at hop ${expected.verdict.hop + 1}: ${expected.verdict.reason}`, "verdict shown");
  assertEqual(shown.hops, expected.hops.map((h) => h.decision), "hops shown");
  assertEqual(shown.failed, expected.verdict.hop, "failing hop marked in the list");
  assertEqual(shown.path, "trace-path dropped", "path drawn on the canvas");
  assert(shown.failure?.includes(expected.verdict.reason), `failure mark: ${shown.failure}`);
  // The root cause, before the hop that rejects its consequence: the NVA that does not SNAT.
  assert(expected.cause, "the CLI names a cause");
  assertEqual(shown.cause, `Cause, at hop ${expected.cause.hop + 1}: ${expected.cause.reason}`, "cause shown");
  assert(shown.cause.includes("does not SNAT"), `cause: ${shown.cause}`);
  // The failing hop's mark and its reason, on the canvas, in view, clear of the labels, the
  // symbols and the badges.
  const reason = await page.evaluate(() => {
    const text = document.querySelector("svg.canvas .trace-failure .trace-reason");
    const r = text.getBoundingClientRect();
    const c = document.querySelector("svg.canvas").getBoundingClientRect();
    const over = [...document.querySelectorAll("svg.canvas :is(.area-name, .area-detail, .symbol-name, .symbol .shape, .badge > rect)")]
      .filter((t) => t.getClientRects().length > 0)
      .filter((t) => {
        const l = t.getBoundingClientRect();
        return l.left < r.right && r.left < l.right && l.top < r.bottom && r.top < l.bottom;
      })
      .map((t) => t.textContent || t.closest("[aria-label]").getAttribute("aria-label"));
    return { text: text.textContent, over, box: [r.left, r.top, r.right, r.bottom, c.left, c.top, c.right, c.bottom], inside: r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom };
  });
  await page.screenshot({ path: path.join(ARTIFACTS, "trace-dropped.png"), fullPage: true });
  assert(reason.text.startsWith(`Dropped at hop ${expected.verdict.hop + 1}`), `reason shown: ${reason.text}`);
  assertEqual(reason.over, [], "labels, symbols and badges under the reason");
  assert(reason.inside, `the reason inside the canvas: ${JSON.stringify(reason.box)}`);
  assertEqual(await labelsCrossed(page), [], "labels crossed by the traced line ([hop, label])");
  await page.close();
});

test("trace: on the 100-spoke hub the view zooms to the traced path, shown whole", async () => {
  const page = await freshPage();
  await choosePreset(page, "hub-nva-proxy", 100);
  const width = () => page.evaluate(() => document.querySelector("svg.canvas").viewBox.baseVal.width);
  const fitted = await width();
  const doc = design("hub-nva-proxy", "--spokes", "100");
  await traceIn(page, doc.sites[0].name, doc.hsms[0].name);
  await page.waitForFunction((w) => document.querySelector("svg.canvas").viewBox.baseVal.width < w * 0.6, fitted, { timeout: 5_000 });
  await page.waitForFunction(() => !document.querySelector("svg.canvas").classList.contains("zooming"));
  assert(await pathInView(page), "the whole path in view");
  assertEqual(await labelsCrossed(page), [], "labels crossed by the traced line ([hop, label])");
  // An edit traces the same flow again: the view stays where it is.
  const zoomed = await width();
  await page.fill("#design-name", "hub renamed");
  await page.press("#design-name", "Enter");
  await page.waitForFunction(() => document.querySelector("#diagram-title")?.textContent === "hub renamed");
  await page.waitForTimeout(300);
  assertEqual(await width(), zoomed, "the view after the flow is traced again");
  await page.screenshot({ path: path.join(ARTIFACTS, "trace-hub-100-spokes.png") });
  await page.close();
});

test("trace: the panel answers as you type, has a Trace button, and the verdict shows above the canvas", async () => {
  const doc = hubDocument();
  const { page, file } = await openDesign(doc);
  const site = doc.design.sites[0].name;
  const hsm = doc.design.hsms[0].name;
  // Typed key by key, with neither Enter nor leaving the box.
  await page.click("#trace-from");
  await page.keyboard.type(site);
  await page.click("#trace-to");
  await page.keyboard.type(hsm);
  await page.waitForSelector(".trace-result .verdict", { timeout: 5_000 });
  assert((await page.textContent(".trace-result .verdict")).startsWith("Delivered"), "delivered");
  assertEqual(await page.evaluate(() => document.activeElement?.id), "trace-to", "still typing in the box");
  // The port, typed: the trace follows it (the HSM's SSH port is not what the proxy forwards).
  const port22 = cliTrace(file, site, hsm, "22");
  await page.click("#trace-port", { clickCount: 3 });
  await page.keyboard.type("22");
  await page.waitForFunction(() => document.querySelector(".trace-summary")?.textContent.includes("on TCP 22"), null, { timeout: 5_000 });
  const verdict = await page.textContent(".trace-result .verdict");
  const expected = port22.verdict.result === "delivered" ? "Delivered" : `Dropped at hop ${port22.verdict.hop + 1}`;
  assert(verdict.startsWith(expected), `verdict on port 22: ${verdict} (CLI: ${JSON.stringify(port22.verdict)})`);
  // The Trace button traces what the boxes hold at once, before typing would rest.
  await page.$eval("#trace-port", (input) => { input.value = "1792"; });
  await page.click("button.trace-now");
  await page.waitForFunction(() => document.querySelector(".trace-summary")?.textContent.includes("on TCP 1792"), null, { timeout: 1_000 });
  // Beside the canvas: the verdict is on screen with the canvas, not only in the side column.
  await page.evaluate(() => document.querySelector(".palette").scrollIntoView({ block: "start" }));
  const summary = await page.locator(".trace-summary").boundingBox();
  const canvas = await page.locator("svg.canvas").boundingBox();
  assert(summary && summary.y >= 0 && summary.y + summary.height <= 800, `summary on screen: ${JSON.stringify(summary)}`);
  assert(summary.y < canvas.y && canvas.y < 800, "right above the canvas, which is on screen too");
  const summaryText = await page.textContent(".trace-summary");
  assert(
    summaryText.startsWith("Trace ") && summaryText.includes(site) && summaryText.includes(hsm) &&
      summaryText.includes("on TCP 1792: delivered, out and back."),
    `summary: ${summaryText}`,
  );
  await page.screenshot({ path: path.join(ARTIFACTS, "trace-live.png") });
  await page.close();
});

test("trace: a name that is nothing says so and draws no path", async () => {
  const page = await freshPage();
  await page.fill("#trace-from", "no-such-site");
  await page.press("#trace-from", "Enter");
  await page.fill("#trace-to", design("hub-nva-proxy").hsms[0].name);
  await page.press("#trace-to", "Enter");
  const error = await page.textContent(".trace-result .trace-error", { timeout: 10_000 });
  assert(error.includes("no-such-site"), `error: ${error}`);
  assertEqual(await page.$("svg.canvas g.trace-path"), null, "path drawn");
  await page.close();
});

test("effective routes: a selected subnet lists its routes like Azure's view", async () => {
  const doc = hubDocument();
  const { page, file } = await openDesign(doc);
  const routes = JSON.parse(cli("routes", file, "--subnet", "hub-vnet/GatewaySubnet", "--format", "json"));
  const list = routes.routes;
  const gatewaySubnet = doc.design.vnets.find((v) => v.name === "hub-vnet").subnets.find((s) => s.name === "GatewaySubnet");
  // Keyboard selection: the subnet's centre may be covered by the gateway drawn in it.
  await page.focus(`svg.canvas [data-id="${gatewaySubnet.id}"]`);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".effective-routes", { timeout: 10_000 });
  await page.click(".effective-routes summary");
  const prefixes = await page.$$eval(".effective-routes tbody tr td:nth-child(3)", (tds) => tds.map((t) => t.textContent));
  assertEqual(prefixes, list.map((r) => r.prefix), "route prefixes");
  await page.close();
});
