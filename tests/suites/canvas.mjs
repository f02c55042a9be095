// The canvas's conventions, those of draw.io, Figma and Excalidraw: the wheel pans and
// Ctrl+wheel zooms around the pointer, Space+drag pans, Ctrl+C / Ctrl+V paste under the pointer
// with new names and addresses, double-click and F2 rename in place, Delete leaves the keyboard
// on the next element, Ctrl+Y and Ctrl+Shift+Z redo, a palette drag shows where it would land
// (or why not) and cancels off the canvas, and the status line names the last action while a
// refused action on the canvas is said beside the canvas. On a page of its own at 1280×800,
// holding the first preset (a region West Europe with hsm-vnet and app-vnet-1).

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ARTIFACTS, assert, assertEqual, choosePreset, drawn, test } from "../harness.mjs";
import { freshPage } from "./studio.mjs";

let page = null;

const count = (selector) => page.$$eval(selector, (els) => els.length);
const near = (a, b, what, tolerance = 0.6) =>
  assert(Math.abs(a - b) <= tolerance, `${what}: expected ${b.toFixed(2)}, got ${a.toFixed(2)}`);

async function viewBox() {
  const [x, y, w, h] = (await page.getAttribute("svg.canvas", "viewBox")).split(" ").map(Number);
  return { x, y, w, h };
}

/** Waits until the view differs from `before`. */
async function viewChanged(before) {
  await page.waitForFunction(
    (b) => {
      const [x, y, w, h] = document.querySelector("svg.canvas").getAttribute("viewBox").split(" ").map(Number);
      return x !== b.x || y !== b.y || w !== b.w || h !== b.h;
    },
    before,
    { timeout: 5_000 },
  );
}

/** The page point of a canvas point, and the reverse, through the canvas's own matrix. Page
 * points are whole pixels: pointer events carry whole-pixel client coordinates. */
const toPage = (x, y) =>
  page.$eval("svg.canvas", (svg, [x, y]) => {
    const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
    return { x: Math.round(p.x), y: Math.round(p.y) };
  }, [x, y]);
const toCanvas = (x, y) =>
  page.$eval("svg.canvas", (svg, [x, y]) => {
    const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
    return { x: p.x, y: p.y };
  }, [x, y]);

async function areaRect(label) {
  return page.$eval(`${drawn(label)} > rect`, (r) => ({
    x: Number(r.getAttribute("x")),
    y: Number(r.getAttribute("y")),
    w: Number(r.getAttribute("width")),
    h: Number(r.getAttribute("height")),
  }));
}

async function unitsPerPixel() {
  return page.$eval("svg.canvas", (svg) => 1 / svg.getScreenCTM().a);
}

/** What has the keyboard: the accessible name of the focused canvas element, or its tag. */
const focused = () =>
  page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return "body";
    if (a.closest("svg.canvas [data-id]")) return a.closest("[data-id]").getAttribute("aria-label");
    return a.tagName.toLowerCase() + (a.id ? `#${a.id}` : "");
  });

const status = () => page.textContent("#status");
const canvasMessage = () => page.textContent("#canvas-message");

async function waitForStatus(part) {
  await page.waitForFunction((p) => document.querySelector("#status")?.textContent.includes(p), part, { timeout: 5_000 });
  return status();
}

/** Scrolls the palette to the top of the window: the palette and the canvas are on screen. */
async function showEditor() {
  await page.evaluate(() => document.querySelector(".palette").scrollIntoView({ block: "start" }));
}

test("canvas: a page of its own at 1280×800", async () => {
  page = await freshPage();
  await showEditor();
  await page.waitForSelector(drawn("VNet app-vnet-1"));
});

test("canvas: the wheel pans the view and Ctrl+wheel zooms around the pointer", async () => {
  const box = await page.locator("svg.canvas").boundingBox();
  const at = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + Math.min(box.height, 800 - box.y) / 2) };
  await page.mouse.move(at.x, at.y);
  const before = await viewBox();
  const perPixel = await unitsPerPixel();
  await page.mouse.wheel(0, 120);
  await viewChanged(before);
  const panned = await viewBox();
  assertEqual(panned.w, before.w, "view width after a plain wheel (no zoom)");
  // (The viewBox attribute has one decimal; the scale is read from the page.)
  near(panned.y - before.y, 120 * perPixel, "the view moved down by the scroll", 0.01 * 120 * perPixel);
  near(panned.x, before.x, "no sideways move", 0.11);
  // Sideways (a touchpad's two-finger scroll).
  await page.mouse.wheel(-60, 0);
  await viewChanged(panned);
  near((await viewBox()).x - panned.x, -60 * perPixel, "the view moved left", 0.01 * 60 * perPixel);

  const target = { x: at.x + 90, y: at.y - 40 };
  await page.mouse.move(target.x, target.y);
  const under = await toCanvas(target.x, target.y);
  const wide = await viewBox();
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -100);
  await page.keyboard.up("Control");
  await viewChanged(wide);
  const zoomed = await viewBox();
  assert(zoomed.w < wide.w * 0.9, `Ctrl+wheel zooms in: width ${wide.w} → ${zoomed.w}`);
  const still = await toCanvas(target.x, target.y);
  near(still.x, under.x, "the point under the pointer stays (x)", 0.3);
  near(still.y, under.y, "the point under the pointer stays (y)", 0.3);
  await page.click('button[aria-label="Fit the diagram"]');
  await showEditor();
});

test("canvas: Space+drag pans, even when it starts on an element", async () => {
  const vnet = await areaRect("VNet app-vnet-1");
  // The VNet's title bar: a plain drag there moves the VNet.
  const from = await toPage(vnet.x + vnet.w / 2, vnet.y + 6);
  const before = await viewBox();
  const perPixel = await unitsPerPixel();
  await page.mouse.move(from.x, from.y);
  await page.keyboard.down("Space");
  await page.mouse.down();
  await page.mouse.move(from.x - 80, from.y - 30, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up("Space");
  await viewChanged(before);
  const after = await viewBox();
  near(after.x - before.x, 80 * perPixel, "the view followed the drag (x)", 0.01 * 80 * perPixel);
  near(after.y - before.y, 30 * perPixel, "the view followed the drag (y)", 0.01 * 80 * perPixel);
  assertEqual(await areaRect("VNet app-vnet-1"), vnet, "the VNet did not move");
  assertEqual(await page.textContent(".selection-count"), "Nothing selected", "selection");
  await page.click('button[aria-label="Fit the diagram"]');
  await showEditor();
});

test("canvas: Ctrl+C and Ctrl+V paste a copy under the pointer, with new names and addresses", async () => {
  await page.click(drawn("VNet app-vnet-1") + " > text");
  const original = await page.inputValue("#prop-address_space");
  await page.keyboard.press("Control+c");
  assert((await waitForStatus("Copied VNet app-vnet-1")).includes("Ctrl+V"), "copied");
  // Into the region, below app-vnet-1: the copy's top left lands under the pointer.
  const region = await areaRect("Region West Europe");
  const spot = { x: region.x + region.w - 260, y: region.y + region.h - 70 };
  const at = await toPage(spot.x, spot.y);
  await page.mouse.move(at.x, at.y);
  const under = await toCanvas(at.x, at.y);
  await page.keyboard.press("Control+v");
  await page.waitForSelector(drawn("VNet app-vnet-2"), { timeout: 5_000 });
  const copy = await areaRect("VNet app-vnet-2");
  // (Whole pixels: client coordinates and sizes are rounded, at about one unit per pixel.)
  near(copy.x, under.x, "the copy's left at the pointer", 0.6);
  near(copy.y, under.y, "the copy's top at the pointer", 0.6);
  assertEqual(await count(`${drawn("VNet app-vnet-2")}`), 1, "one copy");
  assert((await status()).startsWith("Pasted VNet app-vnet-1 as VNet app-vnet-2"), `status: ${await status()}`);
  assertEqual(await page.textContent(".selection-count"), "1 selected", "the copy is selected");
  // Its address space is new: the properties panel shows the selected copy.
  const space = await page.inputValue("#prop-address_space");
  assert(space !== "" && space !== original, `copy's address space: ${space}, the original's ${original}`);
  // Pasted twice: another name again.
  await page.keyboard.press("Control+v");
  await page.waitForSelector(drawn("VNet app-vnet-3"), { timeout: 5_000 });
  // Over empty canvas a VNet has no region: refused beside the canvas, not in the status line.
  // (The view followed the copies: fit it again, and take its bottom left corner.)
  await page.click('button[aria-label="Fit the diagram"]');
  await showEditor();
  const fitted = await viewBox();
  const outside = await toPage(fitted.x + 6, fitted.y + fitted.h - 6);
  await page.mouse.move(outside.x, outside.y);
  const before = await status();
  await page.keyboard.press("Control+v");
  await page.waitForFunction(() => document.querySelector("#canvas-message")?.textContent.includes("A VNet goes into a region"));
  assertEqual(await canvasMessage(), "A VNet goes into a region: paste it over one.", "refusal");
  assert(!(await status()).includes("goes into"), "the refusal is not in the status line");
  assert(before !== "", "the status line said the paste before");
  // An HSM pasted over the HSM subnet: a new name and a free address there.
  await page.click(drawn("HSM hsm1"));
  await page.keyboard.press("Control+c");
  const subnet = await areaRect("Subnet hsm-subnet");
  const inSubnet = await toPage(subnet.x + subnet.w - 20, subnet.y + subnet.h - 10);
  await page.mouse.move(inSubnet.x, inSubnet.y);
  await page.keyboard.press("Control+v");
  await page.waitForSelector(drawn("HSM hsm3"), { timeout: 5_000 });
  assertEqual(await canvasMessage(), "", "the next action clears the canvas message");
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "canvas-pasted.png") });
});

test("canvas: double-click and F2 rename in place; a taken name is refused under the box", async () => {
  await page.dblclick(drawn("VNet app-vnet-2") + " > text");
  await page.waitForSelector(".rename-box input", { timeout: 5_000 });
  assertEqual(await page.inputValue(".rename-box input"), "app-vnet-2", "the box holds the name");
  assertEqual(await focused(), "input", "the box has the keyboard");
  await page.screenshot({ path: path.join(ARTIFACTS, "canvas-rename.png") });
  await page.keyboard.press("Control+a");
  await page.keyboard.type("clients");
  await page.keyboard.press("Enter");
  await page.waitForSelector(drawn("VNet clients"), { timeout: 5_000 });
  assertEqual(await count(".rename-box"), 0, "the box is gone");
  await waitForStatus("Renamed app-vnet-2 to clients.");
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "VNet clients");

  // F2 on the focused HSM; a name another element has is refused under the box.
  await page.focus(drawn("HSM hsm3"));
  await page.keyboard.press("F2");
  await page.waitForSelector(".rename-box input", { timeout: 5_000 });
  await page.keyboard.press("Control+a");
  await page.keyboard.type("hsm1");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector(".rename-problem")?.textContent.includes("taken"));
  await page.screenshot({ path: path.join(ARTIFACTS, "canvas-rename-taken.png") });
  // Escape leaves the name as it was, the keyboard back on the element.
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector(".rename-box"));
  await page.waitForSelector(drawn("HSM hsm3"));
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "HSM hsm3");
});

test("canvas: Delete leaves the keyboard on the next element; Ctrl+Y and Ctrl+Shift+Z redo", async () => {
  await page.focus(drawn("HSM hsm3"));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => !document.querySelector('svg.canvas [aria-label="HSM hsm3"]'));
  const next = await focused();
  assert(next !== "body" && next !== "HSM hsm3", `focus after Delete: ${next}`);
  assert(await page.evaluate(() => document.querySelector("svg.canvas").contains(document.activeElement)), "focus is on the canvas");
  assertEqual(await status(), "Deleted HSM hsm3.", "status");
  // With the Delete button (which is disabled once nothing is selected) the same.
  await page.click(drawn("VNet app-vnet-3") + " > text");
  await page.click('button[aria-label="Delete the selection"]');
  await page.waitForFunction(() => !document.querySelector('svg.canvas [aria-label="VNet app-vnet-3"]'));
  await page.waitForFunction(() => document.activeElement?.closest("svg.canvas [data-id]"));
  // Undo brings it back, Ctrl+Y and Ctrl+Shift+Z redo the delete.
  await page.keyboard.press("Control+z");
  await page.waitForSelector(drawn("VNet app-vnet-3"));
  assertEqual(await status(), "Undid the last change.", "status after undo");
  await page.keyboard.press("Control+y");
  await page.waitForFunction(() => !document.querySelector('svg.canvas [aria-label="VNet app-vnet-3"]'));
  assertEqual(await status(), "Redid the change.", "status after Ctrl+Y");
  await page.keyboard.press("Control+z");
  await page.waitForSelector(drawn("VNet app-vnet-3"));
  await page.keyboard.press("Control+Shift+z");
  await page.waitForFunction(() => !document.querySelector('svg.canvas [aria-label="VNet app-vnet-3"]'));
});

test("canvas: a palette drag highlights the receiving container, says why a target is refused, and cancels off the canvas", async () => {
  await page.click('button[aria-label="Fit the diagram"]');
  await showEditor();
  const hsms = await count("svg.canvas g.symbol.hsm");
  const before = await status();
  const item = await page.locator('.palette [data-item="hsm"]').boundingBox();
  const start = { x: item.x + item.width / 2, y: item.y + item.height / 2 };
  const subnet = await areaRect("Subnet hsm-subnet");
  const into = await toPage(subnet.x + subnet.w / 2, subnet.y + subnet.h / 2);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(into.x, into.y, { steps: 8 });
  await page.waitForSelector("svg.canvas .drop-target", { timeout: 5_000 });
  const target = await page.$eval("svg.canvas .drop-target", (r) => [r.getAttribute("x"), r.getAttribute("width")].map(Number));
  near(target[0], subnet.x - 2, "the highlight is the HSM subnet's (x)", 0.11);
  near(target[1], subnet.w + 4, "the highlight is the HSM subnet's (width)", 0.11);
  assertEqual(await count("svg.canvas .ghost.refused"), 0, "a valid target is not refused");
  await page.screenshot({ path: path.join(ARTIFACTS, "canvas-drop-target.png") });
  // Over the workload subnet an HSM cannot go: no highlight, and why, before the drop.
  const workload = await areaRect("Subnet workload");
  const wrong = await toPage(workload.x + workload.w / 2, workload.y + workload.h / 2);
  await page.mouse.move(wrong.x, wrong.y, { steps: 4 });
  await page.waitForSelector("svg.canvas .ghost.refused", { timeout: 5_000 });
  assertEqual(await count("svg.canvas .drop-target"), 0, "no highlight over a refused target");
  const why = await page.textContent("svg.canvas .ghost-why");
  assert(why.includes("An HSM goes into a subnet delegated to Dedicated HSM"), `why: ${why}`);
  await page.screenshot({ path: path.join(ARTIFACTS, "canvas-drop-refused.png") });
  // Back over the palette and released: cancelled quietly.
  await page.mouse.move(start.x + 30, start.y, { steps: 6 });
  assertEqual(await count("svg.canvas .ghost"), 0, "no ghost off the canvas");
  await page.mouse.up();
  await page.waitForTimeout(300);
  assertEqual(await count("svg.canvas g.symbol.hsm"), hsms, "HSMs after a cancelled drag");
  assertEqual(await canvasMessage(), "", "no refusal beside the canvas");
  assertEqual(await status(), before, "the status line is unchanged");
  // The palette still adds on the next activation (the drag's click was not left pending).
  await page.click(drawn("Subnet hsm-subnet") + " > text");
  await page.focus('.palette [data-item="hsm"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("svg.canvas g.symbol.hsm").length === n + 1, hsms);
});

test("canvas: the view follows an element added from the keyboard", async () => {
  await page.click('button[aria-label="Fit the diagram"]');
  await showEditor();
  await page.focus("svg.canvas");
  for (let i = 0; i < 5; i += 1) await page.keyboard.press("+");
  await page.focus(drawn("Region West Europe"));
  await page.keyboard.press("Enter");
  const vnets = await count("svg.canvas g.vnet");
  await page.focus('.palette [data-item="vnet"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("svg.canvas g.vnet").length === n + 1, vnets);
  const added = (await status()).replace(/^Added VNet /, "").replace(/\.$/, "");
  const rect = await areaRect(`VNet ${added}`);
  const view = await viewBox();
  assert(
    rect.x >= view.x && rect.y >= view.y && rect.x + rect.w <= view.x + view.w && rect.y + rect.h <= view.y + view.h,
    `VNet ${added} ${JSON.stringify(rect)} is in the view ${JSON.stringify(view)}`,
  );
  assertEqual(await focused(), 'button', "the keyboard stays on the palette");
});

test("canvas: the status line names the last action, and the next action replaces it", async () => {
  await choosePreset(page, "hub-nva-proxy");
  await showEditor();
  assertEqual(await status(), "Opened Hub with NVA proxy.", "after opening");
  const hsm = (await page.$$eval("svg.canvas g.symbol.hsm", (gs) => gs.map((g) => g.getAttribute("aria-label"))))[0];
  await page.focus(drawn(hsm));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+d");
  const duplicated = await waitForStatus("Duplicated");
  assert(duplicated.startsWith(`Duplicated ${hsm} as HSM `), `status: ${duplicated}`);
  await page.keyboard.press("Delete");
  assert((await waitForStatus("Deleted HSM")).startsWith("Deleted HSM"), "delete named");
  // A nudge names what moved.
  await page.focus(drawn(hsm));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+ArrowRight");
  assertEqual(await waitForStatus("Moved"), `Moved ${hsm}.`, "status after a nudge");
  // A property edit names itself too.
  await page.focus(drawn(hsm));
  await page.keyboard.press("Enter");
  await page.fill("#prop-name", "hsm-primary");
  await page.press("#prop-name", "Enter");
  assertEqual(await waitForStatus("Changed"), "Changed name of hsm-primary.", "status after a property edit");
  // Undo is named, and a dismissed message stays gone until the next action.
  await page.keyboard.press("Control+z");
  assertEqual(await waitForStatus("Undid"), "Undid the last change.", "status after undo");
  await page.screenshot({ path: path.join(ARTIFACTS, "canvas-status.png") });
  await page.close();
});
