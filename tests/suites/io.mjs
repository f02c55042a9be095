// Out of the studio and back: downloads that match the CLI byte for byte, a refused export, the
// SVG image, share links (good and broken), imports (good and broken), reload, and privacy.

import { existsSync } from "node:fs";
import path from "node:path";
import { deflateRawSync } from "node:zlib";
import { ARTIFACTS, HSMNET, assert, assertEqual, choosePreset, cli, ctx, presetNames, test } from "../harness.mjs";
import {
  download, freshPage, importFile, openDownloads, savedDesign, scratchFile, settled, status, waitForSaved,
} from "./studio.mjs";

let page;

// One test per preset the CLI lists, each on a page of its own: in these runs headless Chromium
// dropped the tenth download of one page (the app had made it: the status said so), so no page
// makes more than three.
for (const name of existsSync(HSMNET) ? presetNames() : []) {
  test(`io: ARM and Bicep downloads of ${name} equal \`hsmnet export\` of the downloaded design file`, async () => {
    await page?.close();
    page = await freshPage();
    await choosePreset(page, name);
    await status(page, "Opened");
    const doc = await download(page, "Design file");
    assertEqual(doc.name, "design.json", "design file name");
    assertEqual(JSON.parse(doc.text).design, await savedDesign(page), `${name}: design file`);
    const arm = await download(page, "ARM template");
    assertEqual(arm.name, "azuredeploy.json", "ARM file name");
    const bicep = await download(page, "Bicep file");
    assertEqual(bicep.name, "main.bicep", "Bicep file name");
    assert(arm.text === cli("export", "arm", doc.file), `${name}: ARM differs from hsmnet export arm`);
    assert(bicep.text === cli("export", "bicep", doc.file), `${name}: Bicep differs from hsmnet export bicep`);
    // The design file is the CLI's own document of that design.
    assert(doc.text === cli("export", "json", doc.file), `${name}: design file differs from hsmnet export json`);
  });
}

test("io: the SVG image is a standalone drawing with its styles", async () => {
  const svg = await download(page, "SVG image");
  assertEqual(svg.name, "diagram.svg", "SVG file name");
  assert(svg.text.startsWith("<?xml"), "no XML declaration");
  assert(svg.text.includes('xmlns="http://www.w3.org/2000/svg"'), "no SVG namespace");
  assert(/<style[^>]*>[^<]*\.hsm \.shape/.test(svg.text), "styles not embedded");
  // The design open is the last preset opened: a Dedicated HSM's or a Cloud HSM cluster's.
  const saved = await savedDesign(page);
  const hsm = (saved.hsms[0] ?? saved.cloud_hsm_clusters[0]).name;
  assert(svg.text.includes(hsm), `HSM ${hsm} not in the image`);
});

test("io: an export of a design with errors is refused with the errors listed", async () => {
  const doc = JSON.parse(cli("preset", "single-vnet"));
  delete doc.design.vnets.flatMap((v) => v.subnets).find((s) => s.delegation).delegation;
  await importFile(page, scratchFile("with-errors.json", JSON.stringify(doc)));
  await status(page, "Opened with-errors.json");
  let downloaded = false;
  page.once("download", () => (downloaded = true));
  await openDownloads(page);
  await page.getByRole("button", { name: "ARM template", exact: true }).click();
  const text = await status(page, "Not exported");
  assert(text.includes("hsm-subnet-delegated"), `refusal: ${text}`);
  await openDownloads(page);
  await page.getByRole("button", { name: "Bicep file", exact: true }).click();
  await page.waitForTimeout(300);
  assert(!downloaded, "a design with errors was downloaded");
});

test("io: a share link opens the same design in a fresh page", async () => {
  await choosePreset(page, "hub-nva-proxy");
  await page.getByRole("button", { name: "Copy share link", exact: true }).click();
  await page.waitForSelector("#share-link");
  const url = await page.inputValue("#share-link");
  assert(url.startsWith(`${ctx.baseUrl}#d=v1.`), `link: ${url.slice(0, 80)}`);
  await status(page, "link");
  const original = await savedDesign(page);
  // The CLI reads the same link back to the same design.
  assertEqual(JSON.parse(cli("link", "decode", url)).design, original, "hsmnet link decode");
  const other = await freshPage(url);
  const opened = await waitForSaved(other, () => true, "opened from the link");
  assertEqual(opened, original, "design opened from the link");
  await status(other, "Opened the design from the link");
  // The fragment is gone, so a reload restores the autosave rather than the link.
  assertEqual(new URL(other.url()).hash, "", "fragment after opening");
  await other.close();
});

test("io: a reload restores the design exactly", async () => {
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  const before = await waitForSaved(page, () => true, "saved");
  await page.reload({ waitUntil: "load" });
  await settled(page);
  assertEqual(await savedDesign(page), before, "design after reload");
  assertEqual(await page.textContent("#diagram-title"), before.name, "title after reload");
});

test("io: a broken or oversized link leaves the design as it was, with a message", async () => {
  const before = await savedDesign(page);
  const cases = [
    ["#d=v1.@@@@", "not base64url"],
    ["#d=v1.AAAA", "link"],
    ["#d=v9.AAAA", "unknown link version"],
    // 5 MiB of spaces deflate to a few KiB: a link that inflates past what a link may carry.
    [`#d=v1.${Buffer.concat([deflateRawSync(Buffer.alloc(5 << 20, 32)), Buffer.alloc(4)]).toString("base64url")}`, "inflates past"],
  ];
  for (const [fragment, expected] of cases) {
    // Pasted into a running studio (hashchange), then loaded afresh (startup).
    await page.evaluate((f) => (location.hash = f), fragment);
    const live = await status(page, "cannot be opened");
    assert(live.includes(expected), `${fragment.slice(0, 12)}: ${live}`);
    assertEqual(await savedDesign(page), before, `design after ${fragment.slice(0, 12)}`);
    await page.evaluate(() => document.querySelector('button[aria-label="Dismiss the message"]')?.click());
  }
  // The studio loaded afresh (same storage) on a broken link.
  await page.goto("about:blank");
  await page.goto(`${ctx.baseUrl}#d=v1.AAAA`, { waitUntil: "load" });
  await settled(page);
  await status(page, "This link cannot be opened");
  assertEqual(await savedDesign(page), before, "design after loading a broken link");
});

/** A v1 share link around any text (a design document or not), as `link::wrap_v1` makes it:
 * raw deflate (no back-references, so no need of the dictionary), then the text's Adler-32. */
function linkAround(text) {
  const bytes = Buffer.from(text);
  let a = 1, b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0);
  return `#d=v1.${Buffer.concat([deflateRawSync(bytes), adler]).toString("base64url")}`;
}

test("io: a link whose design has a bad field says which field and value, the design kept", async () => {
  const before = await savedDesign(page);
  const doc = JSON.parse(cli("preset", "single-vnet"));
  doc.design.vnets[0].subnets[0].prefix = "10.0.0.0/33";
  const link = linkAround(JSON.stringify(doc));
  // The page's own reader refuses the field; the one that names it comes from a lazy chunk, so
  // the message follows the start (loaded afresh) or the paste (hashchange).
  const named = (text) =>
    text.includes("the link's design is not valid: design.vnets[0].subnets[0].prefix: ") &&
    text.includes('"10.0.0.0/33" is not an IPv4 prefix') &&
    text.includes("The design you had is kept");
  await page.goto("about:blank");
  await page.goto(`${ctx.baseUrl}${link}`, { waitUntil: "load" });
  await settled(page);
  const atStart = await status(page, "This link cannot be opened");
  assert(named(atStart), `at start: ${atStart}`);
  assertEqual(await savedDesign(page), before, "design after loading the link");
  await page.evaluate(() => document.querySelector('button[aria-label="Dismiss the message"]')?.click());
  await page.evaluate((f) => (location.hash = f), link);
  const live = await status(page, "This link cannot be opened");
  assert(named(live), `pasted: ${live}`);
  assertEqual(await savedDesign(page), before, "design after pasting the link");
});

test("io: an invalid design file is refused with the field and value, the design kept", async () => {
  const before = await savedDesign(page);
  const doc = JSON.parse(cli("preset", "single-vnet"));
  doc.design.vnets[0].subnets[0].prefix = "10.0.0.0/33";
  await importFile(page, scratchFile("bad-prefix.json", JSON.stringify(doc)));
  const text = await status(page, "Not imported: bad-prefix.json: ");
  assert(text.includes("design.vnets[0].subnets[0].prefix"), `no field path: ${text}`);
  assert(text.includes('"10.0.0.0/33"'), `no value: ${text}`);
  assert(text.includes("The design you had is kept"), `design not said to be kept: ${text}`);
  await importFile(page, scratchFile("not-json.json", "{ this is not json"));
  await status(page, "Not imported: not-json.json: the file is not valid JSON: line 1, column 3");
  assertEqual(await savedDesign(page), before, "design after bad imports");
});

test("io: an autosave that cannot be read is ignored with a message", async () => {
  const seen = [];
  const p = await freshPage(ctx.baseUrl, seen);
  await p.evaluate(() => localStorage.setItem("hsmnet.autosave", '{"format":"hsm-network-studio","version":1,"design":{"name":7}}'));
  await p.reload({ waitUntil: "load" });
  await settled(p);
  const text = await status(p, "autosaved design could not be read");
  assert(text.includes("design.name"), `message: ${text}`);
  await p.close();
  assertEqual(seen, [], "problems");
});

test("io: a part of the studio that cannot be fetched stops it with a message; a reload opens the design as autosaved", async () => {
  // As when the studio is redeployed under an open page: one of its lazy chunks (the share
  // link's) is gone. The page fetches its chunks once the diagram is drawn.
  const seen = [];
  const p = await freshPage(ctx.baseUrl, seen);
  const name = "Kept across a stop";
  await p.fill("#design-name", name);
  await p.press("#design-name", "Enter");
  await waitForSaved(p, (d) => d.name === name, "renamed");
  const chunk = "**/split_share_link_*.wasm";
  await p.route(chunk, (route) => route.fulfill({ status: 404, body: "" }));
  await p.reload({ waitUntil: "load" });
  await p.waitForSelector("dialog#stopped[open]", { timeout: 20_000 });
  const text = await p.textContent("#stopped");
  assert(text.includes("Reload the page") && text.includes("last autosaved"), `message: ${text}`);
  assertEqual(await p.textContent("#diagram-title"), name, "title under the message");
  await p.screenshot({ path: path.join(ARTIFACTS, "stopped.png") });
  assert(seen.some((s) => s.includes("load callback should succeed")), `no panic reported: ${seen}`);
  await p.unroute(chunk);
  await Promise.all([p.waitForNavigation({ waitUntil: "load" }), p.click("#stopped a")]);
  await settled(p);
  assertEqual(await p.textContent("#diagram-title"), name, "title after the reload");
  assert(!(await p.$("#stopped")), "the message is still there after the reload");
  await p.close();
});

test("io: no request left the studio's origin during the session so far", async () => {
  const left = ctx.problems.filter((p) => p.startsWith("request left the origin"));
  assertEqual(left, [], "requests to other origins");
  await page.close();
});
