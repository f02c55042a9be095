// A first visit: what the page downloads before its diagram is drawn, and how soon that is.
// The checker worker (rules, tracer, exporters) is fetched after, by the running page.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { DIST, assert, ctx, kb, test } from "../harness.mjs";

const VISITS = 7;

test("first load: the page needs only its own wasm, JS and CSS to draw; time to the drawn diagram", async () => {
  const times = [];
  let firstLoad = null;
  let later = null;
  for (let visit = 0; visit < VISITS; visit++) {
    // A fresh context each time: nothing cached, no autosave.
    const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // The moment the diagram's symbols are in the page, by the page's own clock (from
    // navigation start).
    await page.addInitScript(() => {
      const seen = new MutationObserver(() => {
        if (document.querySelector("svg.canvas g.symbols")) {
          window.__drawnAt = performance.now();
          window.__drawnWall = Date.now();
          seen.disconnect();
        }
      });
      seen.observe(document, { childList: true, subtree: true });
    });
    // Every request, the worker's included, with when it was made.
    const requests = [];
    page.on("request", (r) => requests.push({ file: new URL(r.url()).pathname.slice(1), at: Date.now() }));
    await page.goto(ctx.baseUrl, { waitUntil: "load" });
    await page.waitForFunction(() => window.__drawnAt !== undefined, null, { timeout: 20_000 });
    // Let the checker load too, so that "later" holds it.
    await page.waitForSelector(".findings .timing[data-ms]", { timeout: 20_000 });
    const { drawnAt, drawnWall } = await page.evaluate(() => ({
      drawnAt: window.__drawnAt,
      drawnWall: window.__drawnWall,
    }));
    times.push(drawnAt);
    if (visit === 0) {
      firstLoad = requests.filter((r) => r.at <= drawnWall).map((r) => r.file);
      later = requests.filter((r) => r.at > drawnWall).map((r) => r.file);
    }
    await context.close();
  }
  const counted = (files) => files.filter((f) => /\.(wasm|js|css)$/.test(f));
  const gzipped = async (files) => {
    let total = 0;
    for (const f of counted(files)) total += gzipSync(await readFile(path.join(DIST, f)), { level: 9 }).length;
    return total;
  };
  const before = await gzipped(firstLoad);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `    (first load: ${kb(before)} gzipped: ${counted(firstLoad).join(", ")}; ` +
      `fetched by the running page: ${counted(later).join(", ") || "nothing"})`,
  );
  console.log(
    `    (diagram drawn after navigation: median ${median.toFixed(0)} ms, ` +
      `min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}, over ${VISITS} fresh visits)`,
  );
  // The checker is not part of what the first paint waits for.
  const checker = (f) => f === "checker.js" || f.startsWith("hsmnet-worker");
  assert(!firstLoad.some(checker), `first load holds the checker: ${firstLoad}`);
  assert(later.some(checker), `the checker was not fetched after the first paint: ${later}`);
  assert(counted(firstLoad).some((f) => f.endsWith(".wasm")), `no wasm in the first load: ${firstLoad}`);
});
