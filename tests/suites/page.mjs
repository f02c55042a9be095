// The page as a reader meets it: loading under the CSP, the presets, the notice, zoom,
// accessible names and the dark theme.

import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  ARTIFACTS, HSMNET, assert, assertEqual, choosePreset, ctx, design, drawnNames, errorCount,
  galleryArrived, openGallery, presetNames, ready, test, watch,
} from "../harness.mjs";

test("the page loads with no console error or warning and no CSP violation", async () => {
  ctx.page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
  watch(ctx.page, ctx.problems);
  const started = Date.now();
  await ctx.page.goto(ctx.baseUrl, { waitUntil: "load" });
  await ready(ctx.page);
  const ms = Date.now() - started;
  console.log(`    (diagram drawn ${ms} ms after navigation)`);
  // Let late messages (preload warnings come after a few seconds) arrive.
  await ctx.page.waitForTimeout(3_500);
  assertEqual(ctx.problems, [], "problems");
});

test("the Content-Security-Policy is in force: inline script is refused", async () => {
  const csp = await ctx.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  assert(csp.includes("script-src 'self' 'wasm-unsafe-eval'"), `unexpected CSP: ${csp}`);
  assert(!csp.includes("unsafe-inline"), `CSP allows inline code: ${csp}`);
  // A separate ctx.page, so that the violation it provokes does not count as a problem above.
  const probe = await ctx.browser.newPage();
  const seen = [];
  watch(probe, seen);
  await probe.goto(ctx.baseUrl, { waitUntil: "load" });
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

test("the gallery is a dialog: open on a first visit, closed by Escape, opened from the toolbar", async () => {
  const first = await ctx.browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch(first, ctx.problems);
  await first.goto(ctx.baseUrl, { waitUntil: "load" });
  await first.waitForSelector("dialog.gallery[open]", { timeout: 20_000 });
  await first.keyboard.press("Escape");
  await first.waitForSelector("dialog.gallery[open]", { state: "detached" });
  await first.click("button.open-gallery");
  await first.waitForSelector("dialog.gallery[open]");
  // A returning visit (the design autosaved) opens on the canvas.
  await first.click('dialog.gallery button.close');
  await first.reload({ waitUntil: "load" });
  await first.waitForSelector("svg.canvas g.symbols", { timeout: 20_000 });
  await galleryArrived(first);
  assertEqual(await first.$("dialog.gallery[open]"), null, "the gallery on a return visit");
  await first.close();
});

test("the gallery offers every preset of the core, in order, and a blank design", async () => {
  await openGallery(ctx.page);
  const cards = await ctx.page.$$eval(".card[data-preset]", (cs) => cs.map((c) => c.dataset.preset));
  const names = presetNames();
  assert(names.length > 0, "`hsmnet preset list` listed no preset");
  assertEqual(cards, names, "gallery cards");
  const blank = await ctx.page.getByRole("button", { name: "Blank design", exact: true }).count();
  assertEqual(blank, 1, "Blank design buttons");
  await ctx.page.click("dialog.gallery button.close");
});

test("the service notice says when support ends and can be dismissed", async () => {
  const text = await ctx.page.textContent(".notice");
  assert(text.includes("2028-07-31"), `notice: ${text}`);
  assert(text.includes("no new customers"), `notice: ${text}`);
  await ctx.page.click('button[aria-label="Dismiss the service notice"]');
  await ctx.page.waitForSelector(".notice", { state: "detached" });
});

// One test per preset the CLI lists.
{
  for (const name of existsSync(HSMNET) ? presetNames() : []) {
    test(`preset ${name}: the diagram shows its HSMs and the findings show 0 errors`, async () => {
      await choosePreset(ctx.page, name);
      const d = design(name);
      // Luna HSMs are labelled "HSM …", payShields "Payment HSM …" (no preset mixes them).
      const hsms = [...(await drawnNames(ctx.page, "HSM")), ...(await drawnNames(ctx.page, "Payment HSM"))];
      const clusters = d.cloud_hsm_clusters ?? [];
      assert(d.hsms.length + clusters.length > 0, `the core's ${name} has no HSM`);
      assertEqual(hsms, d.hsms.map((h) => h.name), "HSMs drawn");
      const drawnClusters = await drawnNames(ctx.page, "Cloud HSM cluster");
      assertEqual(drawnClusters, clusters.map((c) => c.name), "Cloud HSM clusters drawn");
      const vnets = await drawnNames(ctx.page, "VNet");
      assertEqual(vnets, d.vnets.map((v) => v.name), "VNets drawn");
      const errors = await errorCount(ctx.page);
      if (errors !== 0) {
        const list = await ctx.page.$$eval(".group.error .finding", (els) => els.map((e) => e.textContent));
        throw new Error(`${errors} errors: ${list.join(" | ")}`);
      }
      await mkdir(ARTIFACTS, { recursive: true });
      await ctx.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    });
  }
}

test("a preset opens at the size chosen on its card; a size out of range is flagged", async () => {
  await openGallery(ctx.page);
  for (const name of presetNames()) {
    const input = `#spokes-${name}`;
    if ((await ctx.page.$(input)) === null) continue;
    const max = Number(await ctx.page.getAttribute(input, "max"));
    const now = Number(await ctx.page.inputValue(input));
    const want = now < max ? now + 1 : now - 1;
    const expected = design(name, "--spokes", String(want)).vnets.length;
    await choosePreset(ctx.page, name, want);
    await ctx.page.waitForFunction(
      (n) => document.querySelectorAll("svg.canvas g.vnet").length === n,
      expected,
      { timeout: 10_000 },
    );
    assertEqual(await errorCount(ctx.page), 0, `errors with ${want} spokes`);
    // Out of range: flagged, and opening keeps the last valid size.
    await openGallery(ctx.page);
    await ctx.page.fill(input, String(max + 1));
    await ctx.page.press(input, "Enter");
    assertEqual(await ctx.page.getAttribute(input, "aria-invalid"), "true", "aria-invalid");
    await ctx.page.click(`.card[data-preset="${name}"] button.open`);
    assertEqual(await ctx.page.$$eval("svg.canvas g.vnet", (g) => g.length), expected, "VNets after a bad value");
    await openGallery(ctx.page);
    await ctx.page.fill(input, String(now));
    await ctx.page.press(input, "Enter");
    await ctx.page.click("dialog.gallery button.close");
    return;
  }
  console.log("    (no preset takes spokes: nothing to check)");
});

test("zoom buttons change the view and Fit restores it", async () => {
  const viewBox = () => ctx.page.getAttribute("svg.canvas", "viewBox");
  const fitted = await viewBox();
  await ctx.page.click('button[aria-label="Zoom in"]');
  const zoomed = await viewBox();
  assert(zoomed !== fitted, "zoom in did not change the viewBox");
  const width = (v) => Number(v.split(" ")[2]);
  assert(width(zoomed) < width(fitted), `zoom in widened the view: ${fitted} -> ${zoomed}`);
  await ctx.page.focus("svg.canvas");
  await ctx.page.keyboard.press("Control+ArrowRight");
  assert((await viewBox()) !== zoomed, "Ctrl+arrow key did not pan");
  await ctx.page.click('button[aria-label="Fit the diagram"]');
  assertEqual(await viewBox(), fitted, "viewBox after Fit");
});

test("every control and diagram element has an accessible name", async () => {
  const unnamed = await ctx.page.evaluate(() => {
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
  const dark = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: "dark" });
  const seen = [];
  watch(dark, seen);
  await dark.goto(ctx.baseUrl, { waitUntil: "load" });
  await ready(dark);
  const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lightBg = await ctx.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg !== lightBg, `same background in both themes: ${bg}`);
  await dark.screenshot({ path: path.join(ARTIFACTS, "dark.png"), fullPage: true });
  await dark.close();
  assertEqual(seen, [], "problems in the dark theme");
});
