// Prints the studio's check time at 1,000 spokes (hub-nva-proxy), as its findings panel reports
// it: the first check after opening, then the checks after each of 20 nudges of a spoke.
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, serve, checkedMs, choosePreset, DIST } from "./harness.mjs";

const server = await serve(DIST);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(base, { waitUntil: "load" });
await page.waitForSelector("svg.canvas g.symbols", { timeout: 30_000 });
const timing = () => checkedMs(page);
await choosePreset(page, "hub-nva-proxy", 1000);
console.log(`first check after opening 1,000 spokes: ${await timing()} ms`);
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
await browser.close();
server.close();
