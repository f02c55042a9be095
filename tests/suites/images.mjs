// Images that match the screen (issue 14, point 8): the SVG and PNG downloads of every preset,
// each opened in a fresh page (the SVG in a browser that prefers dark colours, to show that the
// image keeps its light theme) and saved as screenshots beside a screenshot of the canvas, in
// tests/artifacts/images-<preset>-{canvas,svg,png}.png, to be looked at side by side.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, HSMNET, assert, assertEqual, choosePreset, ctx, presetNames, test } from "../harness.mjs";
import { download, freshPage, openDownloads, savedDesign, status } from "./studio.mjs";

/** Width and height of a PNG file, from its IHDR chunk. */
function pngSize(file) {
  const bytes = readFileSync(file);
  assertEqual([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(""), "PNG", "PNG signature");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A page that is not the studio's (no origin check): a viewer for a downloaded file. */
async function viewer(colorScheme = "light") {
  return ctx.browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
}

/** How many pixels of the PNG have each of `colours` (hex), drawn in a page from its bytes. */
async function pixelsOf(file, colours) {
  const p = await viewer();
  const data = `data:image/png;base64,${readFileSync(file).toString("base64")}`;
  const counts = await p.evaluate(
    async ([data, colours]) => {
      const img = new Image();
      img.src = data;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const c = canvas.getContext("2d");
      c.drawImage(img, 0, 0);
      const pixels = c.getImageData(0, 0, canvas.width, canvas.height).data;
      const wanted = colours.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
      const counts = wanted.map(() => 0);
      for (let i = 0; i < pixels.length; i += 4) {
        wanted.forEach(([r, g, b], k) => {
          if (Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 12) counts[k] += 1;
        });
      }
      return counts;
    },
    [data, colours],
  );
  await p.close();
  return Object.fromEntries(colours.map((c, k) => [c, counts[k]]));
}

// The light theme's colours (public/styles.css): backdrop, VNet border, HSM, peering.
const BACKDROP = "#f6f7f9";
const VNET_STROKE = "#6b85ad";
const HSM = "#b45309";

// One test per preset the CLI lists (each within the harness's time limit on a busy machine).
for (const name of existsSync(HSMNET) ? presetNames() : []) {
  test(`images: the SVG and PNG downloads of ${name}, opened in fresh pages, look like the canvas`, async () => {
    const page = await freshPage();
    await choosePreset(page, name);
    await status(page, "Opened");
    await page.locator("svg.canvas").screenshot({ path: path.join(ARTIFACTS, `images-${name}-canvas.png`) });
    const design = await savedDesign(page);
    const font = await page.$eval("svg.canvas", (svg) => getComputedStyle(svg).fontFamily);

    const svg = await download(page, "SVG image");
    assertEqual(svg.name, "diagram.svg", "SVG file name");
    assert(!svg.text.includes("prefers-color-scheme"), `${name}: the SVG has a dark theme`);
    assert(!svg.text.includes('class="mark'), `${name}: findings marks without asking`);
    assert(svg.text.includes(`.canvas { font-family: ${font.replace(/"/g, "&quot;")}; }`), `${name}: not the page's fonts (${font})`);
    // Every container's name in full (the canvas cuts long ones short).
    for (const element of [...design.vnets, ...design.vnets.flatMap((v) => v.subnets)]) {
      assert(svg.text.includes(`>${element.name}<`), `${name}: ${element.name} is not in the SVG in full`);
    }

    // The SVG on its own, in a browser that prefers dark colours: well-formed, light, drawn.
    const seen = await viewer("dark");
    await seen.goto(`file://${svg.file}`);
    const parsed = await seen.evaluate(() => ({
      root: document.documentElement.tagName,
      error: document.querySelector("parsererror")?.textContent ?? null,
      backdrop: getComputedStyle(document.querySelector(".backdrop")).fill,
      hsms: document.querySelectorAll(".symbol.hsm").length,
      labelFont: getComputedStyle(document.querySelector(".area-name")).fontFamily,
      // A symbol's name may be on two lines.
      symbolNames: [...document.querySelectorAll(".symbol")].map((g) =>
        [...g.querySelectorAll(".symbol-name")].map((t) => t.textContent).join(""),
      ),
    }));
    const devices = ["hsms", "gateways", "nvas", "load_balancers", "firewalls", "sites", "circuits"];
    const expected = devices.flatMap((kind) => (design[kind] ?? []).map((d) => d.name));
    for (const device of expected) {
      assert(parsed.symbolNames.includes(device), `${name}: ${device} is not in the SVG in full: ${parsed.symbolNames}`);
    }
    assertEqual(parsed.error, null, `${name}: the SVG is not well-formed`);
    assertEqual(parsed.root, "svg", `${name}: SVG root`);
    assertEqual(parsed.backdrop, "rgb(246, 247, 249)", `${name}: backdrop in a dark browser`);
    assertEqual(parsed.hsms, design.hsms.length, `${name}: HSMs drawn`);
    assertEqual(parsed.labelFont, font, `${name}: label font`);
    await seen.screenshot({ path: path.join(ARTIFACTS, `images-${name}-svg.png`) });
    await seen.close();

    const png = await download(page, "PNG image");
    assertEqual(png.name, "diagram.png", "PNG file name");
    await status(page, "Saved diagram.png");
    const size = pngSize(png.file);
    const [, , w, h] = svg.text.match(/viewBox="([^"]+)"/)[1].split(" ").map(Number);
    assertEqual([size.width, size.height], [Math.round(2 * w), Math.round(2 * h)], `${name}: PNG size (twice the SVG's)`);
    const pixels = await pixelsOf(png.file, [BACKDROP, VNET_STROKE, HSM]);
    assert(pixels[BACKDROP] > (size.width * size.height) / 10, `${name}: PNG backdrop ${JSON.stringify(pixels)}`);
    assert(pixels[VNET_STROKE] > 100 && pixels[HSM] > 100, `${name}: PNG lacks VNets or HSMs ${JSON.stringify(pixels)}`);
    const shown = await viewer();
    await shown.goto(`file://${png.file}`);
    await shown.screenshot({ path: path.join(ARTIFACTS, `images-${name}-png.png`) });
    await shown.close();
    await page.close();
  });
}

test("images: the findings marks are drawn only when asked for", async () => {
  const page = await freshPage();
  await choosePreset(page, "hub-nva-proxy");
  const marks = await page.$$eval("svg.canvas .overlay .mark", (m) => m.length);
  assert(marks > 0, "the preset shows no findings marks on the canvas");
  let svg = await download(page, "SVG image");
  assert(!svg.text.includes('class="mark'), "marks without asking");
  await openDownloads(page);
  await page.check("#image-findings");
  svg = await download(page, "SVG image");
  assertEqual(svg.text.match(/<g class="mark /g)?.length ?? 0, marks, "marks in the SVG asked for");
  const png = await download(page, "PNG image");
  const withMarks = await pixelsOf(png.file, ["#a16207"]);
  assert(withMarks["#a16207"] > 50, `no warning marks in the PNG: ${JSON.stringify(withMarks)}`);
  await page.close();
});

test("images: a 1,000-spoke design gives a PNG, drawn smaller", async () => {
  const page = await freshPage();
  await choosePreset(page, "hub-nva-proxy", 1000);
  const png = await download(page, "PNG image");
  const size = pngSize(png.file);
  assert(Math.max(size.width, size.height) <= 16_000, `PNG of ${size.width}×${size.height}`);
  assert(size.width * size.height <= 32e6 && size.width > 4_000, `PNG of ${size.width}×${size.height}`);
  await page.close();
});
