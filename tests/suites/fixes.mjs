// One-click fixes in the studio: on a blank design drawn by drag and drop (a region, a VNet, an
// HSM subnet, one HSM), a Fix button says what the fix would do now (after other edits), every
// fix offered applies in turn without an error, each computed against the design as the fixes
// before it left it, and each element a fix adds is drawn inside its container; after a Fix the keyboard focus is on the next finding, or on the list
// when none is left, never on <body>. Runs on pages of its own (fresh storage).

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ARTIFACTS, assert, assertEqual, centre, ctx, drawn, dropFromPalette, errorCount, test, watch, openGallery } from "../harness.mjs";
import { freshPage, importFile, savedDesign, scratchFile } from "./studio.mjs";

let page = null;
/** Problems (console errors, failed requests) seen before this suite's pages opened. */
let problemsBefore = 0;




/** A page point on an area: `fx`, `fy` fractions of its width and height. */
async function onArea(label, fx, fy) {
  const box = await page.locator(`${drawn(label)} > rect`).boundingBox();
  assert(box, `${label} is not drawn`);
  return { x: box.x + box.width * fx, y: box.y + box.height * fy };
}

/** Where the canvas draws an element, in canvas units: an area's rect, a symbol's centre. */
async function geometry(id) {
  await page.waitForSelector(`svg.canvas [data-id="${id}"]`, { timeout: 5_000 });
  return page.$eval(`svg.canvas [data-id="${id}"]`, (g) => {
    const rect = g.querySelector(":scope > rect");
    if (g.classList.contains("area") && rect) {
      const n = (a) => Number(rect.getAttribute(a));
      return { x: n("x"), y: n("y"), w: n("width"), h: n("height") };
    }
    const [x, y] = (g.getAttribute("transform") ?? "").match(/-?[\d.]+/g).map(Number);
    return { x, y, w: 0, h: 0 };
  });
}

const inside = (o, i) => i.x >= o.x - 0.01 && i.y >= o.y - 0.01 && i.x + i.w <= o.x + o.w + 0.01 && i.y + i.h <= o.y + o.h + 0.01;

/** Every element of a design with the container it is drawn in (none for links and policies). */
function placed(d) {
  const out = new Map();
  for (const v of d.vnets ?? []) {
    out.set(v.id, { kind: "VNet", name: v.name, container: v.region });
    for (const s of v.subnets ?? []) out.set(s.id, { kind: "subnet", name: s.name, container: v.id });
  }
  for (const [list, kind] of [["hsms", "HSM"], ["gateways", "gateway"], ["nvas", "NVA"], ["load_balancers", "load balancer"], ["firewalls", "firewall"]]) {
    for (const e of d[list] ?? []) out.set(e.id, { kind, name: e.name, container: e.subnet });
  }
  return out;
}

/** Every id in a design, of any kind. */
function ids(d) {
  const all = new Set();
  for (const [key, list] of Object.entries(d)) {
    if (!Array.isArray(list)) continue;
    for (const e of list) {
      all.add(e.id);
      if (key === "vnets") for (const s of e.subnets ?? []) all.add(s.id);
    }
  }
  return all;
}

/** After a click on a Fix: the design changed (returned), or a reason shows beside the finding. */
async function afterFix(before, label) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const why = await page.$$eval(".findings .fix-error", (ps) => ps.map((p) => p.textContent.trim()).filter(Boolean));
    assertEqual(why, [], `reason shown after "${label}"`);
    const now = await savedDesign(page);
    if (now !== null && JSON.stringify(now) !== before) return now;
    await page.waitForTimeout(50);
  }
  throw new Error(`"${label}" changed nothing within 10 s`);
}

test("fixes: a blank design is drawn by drag and drop (region, VNet, HSM subnet, one HSM)", async () => {
  problemsBefore = ctx.problems.length;
  page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
  watch(page, ctx.problems);
  await page.goto(ctx.baseUrl, { waitUntil: "load" });
  await page.waitForSelector("svg.canvas g.symbols", { timeout: 20_000 });
  await openGallery(page);
  await page.getByRole("button", { name: "Blank design", exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll("svg.canvas g.area").length === 0);
  await page.evaluate(() => document.querySelector(".palette").scrollIntoView({ block: "start" }));
  const canvas = await centre(page, "svg.canvas");
  await dropFromPalette(page, "region", canvas.box.x + 80, canvas.box.y + 60);
  await page.waitForSelector(drawn("Region East US"));
  let at = await onArea("Region East US", 0.4, 0.5);
  await dropFromPalette(page, "vnet", at.x, at.y);
  await page.waitForSelector(drawn("VNet vnet-1"));
  at = await onArea("VNet vnet-1", 0.5, 0.5);
  await dropFromPalette(page, "hsm-subnet", at.x, at.y);
  await page.waitForSelector(drawn("Subnet hsm-subnet-1"));
  at = await onArea("Subnet hsm-subnet-1", 0.5, 0.6);
  await dropFromPalette(page, "hsm", at.x, at.y);
  await page.waitForSelector(drawn("HSM hsm-1"));
  assert((await errorCount(page)) > 0, "the drawing has errors to fix");
  assert((await page.$$(".findings button.fix")).length >= 2, "at least two fixes offered");
});

test("fixes: a Fix button shows the fix as it would be made now, after other edits", async () => {
  const hsmFix = () => page.locator(".findings button.fix", { hasText: "Add HSM" }).textContent();
  assert((await hsmFix()).includes("Add HSM 'hsm-2'"), `before: ${await hsmFix()}`);
  // The VNet takes the name the new HSM would have had.
  const title = await onArea("VNet vnet-1", 0.5, 0.03);
  await page.mouse.click(title.x, title.y);
  await page.waitForFunction(() => document.querySelector(".element-title")?.textContent === "VNet vnet-1");
  await page.fill("#prop-name", "hsm-2");
  await page.press("#prop-name", "Enter");
  await page.waitForSelector(drawn("VNet hsm-2"));
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".findings button.fix")].some((b) => b.textContent.includes("Add HSM 'hsm-3'")),
  );
  assertEqual(await page.locator(".findings button.fix", { hasText: "'hsm-2'" }).count(), 0, "stale buttons");
});

test("fixes: every fix offered applies in turn, each added element inside its container", async () => {
  const applied = [];
  let checked = 0;
  for (let round = 0; round < 20; round++) {
    const button = page.locator(".findings button.fix").first();
    if ((await button.count()) === 0) break;
    const label = (await button.textContent()).trim();
    const before = await savedDesign(page);
    const known = ids(before);
    await button.click();
    const after = await afterFix(JSON.stringify(before), label);
    applied.push(label);
    const where = placed(after);
    for (const id of ids(after)) {
      if (known.has(id) || !where.has(id)) continue;
      const { kind, name, container } = where.get(id);
      const outer = await geometry(container);
      const inner = await geometry(id);
      assert(
        inside(outer, inner),
        `"${label}" drew ${kind} ${name} at ${JSON.stringify(inner)}, outside its container at ${JSON.stringify(outer)}`,
      );
      checked += 1;
    }
  }
  assertEqual(await page.locator(".findings button.fix").count(), 0, `fixes still offered after ${applied.join("; ")}`);
  assert(applied.length >= 2, `fixes applied: ${applied}`);
  // The GatewaySubnet and its gateway, and the second HSM, at least.
  assert(checked >= 3, `only ${checked} added elements checked`);
  assert(applied.some((l) => l.includes("ExpressRoute gateway")), `no gateway added: ${applied}`);
  assert(applied.some((l) => /Add HSM/.test(l)), `no second HSM added: ${applied}`);
  assertEqual(await errorCount(page), 0, `errors after ${applied.join("; ")}`);
  console.log(`    fixes applied in turn: ${applied.join("; ")}`);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "fixes-drawn.png"), fullPage: true });
  await page.close();
});

test("fixes: after a Fix the focus is on the next finding, then on the list when none is left", async () => {
  // Two subnets whose prefixes have host bits set: two findings, each with a fix, and nothing else.
  const doc = {
    format: "hsm-network-studio",
    version: 1,
    design: {
      name: "two fixes",
      regions: [{ id: 1, name: "West Europe", location: "westeurope", layout: { x: 16, y: 16, w: 400, h: 300 } }],
      vnets: [
        {
          id: 2,
          name: "app-vnet",
          region: 1,
          address_space: ["10.0.0.0/16"],
          subnets: [
            { id: 3, name: "app", prefix: "10.0.1.5/24", layout: { x: 48, y: 80, w: 240, h: 64 } },
            { id: 4, name: "web", prefix: "10.0.2.9/24", layout: { x: 48, y: 160, w: 240, h: 64 } },
          ],
          layout: { x: 32, y: 48, w: 300, h: 200 },
        },
      ],
    },
  };
  const p = await freshPage();
  page = p;
  await importFile(p, scratchFile("two-fixes.json", JSON.stringify(doc)));
  await p.waitForFunction(() => document.querySelectorAll(".findings li.finding").length === 2);
  const focused = () =>
    p.evaluate(() => {
      const a = document.activeElement;
      const li = a?.closest("li.finding");
      return {
        tag: a?.tagName.toLowerCase(),
        inFindings: Boolean(a?.closest(".findings")),
        text: li ? li.querySelector(".message").textContent : a?.className,
      };
    });
  // With the keyboard: focus the first Fix and press Enter.
  await p.focus(".findings li.finding:first-of-type button.fix");
  await p.keyboard.press("Enter");
  await p.waitForFunction(() => document.querySelectorAll(".findings li.finding").length === 1);
  await p.waitForFunction(() => document.activeElement?.tagName === "SUMMARY");
  let now = await focused();
  assert(now.inFindings && now.text.includes("'web'"), `focus after the first fix: ${JSON.stringify(now)}`);
  // The focused finding's own Fix is one Tab away, and Enter applies it.
  await p.keyboard.press("Tab");
  assertEqual(await p.evaluate(() => document.activeElement?.className), "fix", "Tab from the finding");
  await p.keyboard.press("Enter");
  await p.waitForSelector(".findings .clean");
  await p.waitForTimeout(100);
  now = await focused();
  assertEqual([now.tag, now.inFindings], ["aside", true], `focus when no finding is left: ${JSON.stringify(now)}`);
  assertEqual(await p.evaluate(() => document.activeElement === document.body), false, "focus on <body>");
  await p.close();
  assertEqual(ctx.problems.slice(problemsBefore), [], "console errors, warnings and failed requests");
});
