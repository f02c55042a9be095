// Prints the studio's check time at 1,000 spokes (hub-nva-proxy), as its findings panel reports
// it (the rules alone, timed in the worker): the first check after opening, then the checks
// after each of 20 nudges of a spoke. Also the round trip of each check by the page's clock, from
// posting the request (with its design document) to the worker's reply arriving: what the
// findings wait for, the transfer and reading of the document included.
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, serve, checkedMs, choosePreset, DIST } from "./harness.mjs";

const server = await serve(DIST);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.addInitScript(() => {
  window.__roundTrips = [];
  const sent = new Map();
  const idOf = (text) => Number((/^\{"id":(\d+)/.exec(text) || [])[1]);
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (data, ...rest) {
    // A check is its text and its document (two strings), or one text holding both.
    const text = Array.isArray(data) ? data[0] : data;
    if (typeof text === "string" && text.includes('"ask":"check"')) sent.set(idOf(text), performance.now());
    return post.call(this, data, ...rest);
  };
  const Original = window.Worker;
  window.Worker = function (...args) {
    const worker = new Original(...args);
    worker.addEventListener("message", (e) => {
      if (typeof e.data !== "string" || !e.data.includes('"answer":"checked"')) return;
      const at = sent.get(idOf(e.data));
      if (at !== undefined) window.__roundTrips.push(performance.now() - at);
    });
    return worker;
  };
  window.Worker.prototype = Original.prototype;
});
await page.goto(base, { waitUntil: "load" });
await page.waitForSelector("svg.canvas g.symbols", { timeout: 30_000 });
const timing = () => checkedMs(page);
await choosePreset(page, "hub-nva-proxy", 1000);
console.log(`first check after opening 1,000 spokes: ${await timing()} ms`);
const roundTrips = () => page.evaluate(() => window.__roundTrips.slice());
const opened = (await roundTrips()).length;
const times = [];
await page.focus('svg.canvas [aria-label="VNet spoke-7"]');
await page.keyboard.press("Enter");
for (let i = 0; i < 20; i++) {
  await page.keyboard.press("Shift+ArrowRight");
  await page.waitForTimeout(150);
  times.push(await timing());
}
times.sort((a, b) => a - b);
console.log(`after a nudge: median ${times[10]} ms, min ${times[0]} ms, max ${times[19]} ms`);
// The checks of the 1,000-spoke design: the one after opening, then those after the nudges.
const trips = (await roundTrips()).slice(opened - 1).map((t) => Math.round(t * 10) / 10);
const [first, ...nudged] = trips;
nudged.sort((a, b) => a - b);
console.log(
  `round trip (post to reply): after opening ${first} ms; after a nudge median ` +
    `${nudged[Math.floor(nudged.length / 2)]} ms, min ${nudged[0]} ms, max ${nudged.at(-1)} ms (${nudged.length} checks)`,
);
await browser.close();
server.close();
