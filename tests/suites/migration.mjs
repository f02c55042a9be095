// "Plan migration to Cloud HSM" on hub-nva-proxy: the dialog draws the source and the target
// with what is added, changed and retirable marked, lists them as `hsmnet migrate cloud-hsm`
// does, shows the checklist with its links and every former client's trace delivered; the views
// switch by keyboard; the target opens as one undo step, drawn with its retirable elements
// tagged and the Cloud HSM links, and Undo brings the source back. On a page of its own.

import path from "node:path";
import { ARTIFACTS, assert, assertEqual, choosePreset, cli, drawn, test } from "../harness.mjs";
import { download, freshPage, savedDesign, scratchFile, waitForSaved } from "./studio.mjs";

let page = null;

/** What `hsmnet migrate cloud-hsm` says of the preset: the summary the dialog must agree with. */
function cliPlan(name) {
  const file = scratchFile(`${name}.json`, cli("preset", name));
  const out = path.join(path.dirname(file), `${name}-target.json`);
  return JSON.parse(cli("migrate", "cloud-hsm", file, "--format", "json", "-o", out));
}

test("migration: the plan of hub-nva-proxy shows both designs, the changes, the checklist and every client delivered", async () => {
  page = await freshPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await choosePreset(page, "hub-nva-proxy");
  const expected = cliPlan("hub-nva-proxy");
  const command = page.getByRole("button", { name: "Plan migration to Cloud HSM…" });
  await command.click();
  const dialog = page.getByRole("dialog", { name: "Migration to Azure Cloud HSM" });
  await dialog.waitFor();

  // Both designs, side by side, drawn with the highlights core computed (their counts in
  // each image's text).
  const source = dialog.locator("figure.plan-view.source img.plan-picture");
  const target = dialog.locator("figure.plan-view.target img.plan-picture");
  assert(await source.isVisible(), "source drawn");
  assert(await target.isVisible(), "target drawn");
  const targetText = await target.getAttribute("alt");
  for (const [kind, items] of [["added", expected.added], ["retirable", expected.retirable]]) {
    assert(targetText.includes(`${items.length} ${kind}`), `target image: ${targetText}`);
  }
  const sourceText = await source.getAttribute("alt");
  assert(sourceText.includes(`${expected.retirable.length} retirable`), `source image: ${sourceText}`);
  // The images draw the outlines: one per highlighted element that has a shape.
  const outlines = async (img) => {
    const src = await img.getAttribute("src");
    const svg = decodeURIComponent(src.slice(src.indexOf(",") + 1));
    return {
      added: (svg.match(/class="highlight added"/g) ?? []).length,
      retirable: (svg.match(/class="highlight retirable"/g) ?? []).length,
    };
  };
  const inTarget = await outlines(target);
  assertEqual(inTarget.added, expected.added.length, "added outlines in the target");
  assertEqual(inTarget.retirable, expected.retirable.length, "retirable outlines in the target");
  const inSource = await outlines(source);
  assertEqual(inSource.added, 0, "nothing added in the source");
  assertEqual(inSource.retirable, expected.retirable.length, "retirable outlines in the source");

  // The same by name, as the CLI lists them.
  for (const [kind, items] of [["added", expected.added], ["changed", expected.changed], ["retirable", expected.retirable]]) {
    const section = dialog.locator(`.plan-changes.${kind}`);
    const text = await section.textContent();
    assert(text.includes(`(${items.length})`), `${kind}: ${text}`);
    for (const item of items) assert(text.includes(item.name), `${kind} lacks ${item.name}: ${text}`);
  }

  // Every former client reaches its cluster, with its trace.
  const clients = dialog.locator(".plan-clients li");
  assertEqual(await clients.count(), expected.clients.length, "former clients");
  assertEqual(await dialog.locator(".plan-clients li.reaches").count(), expected.clients.length, "clients delivered");
  const first = await clients.first().textContent();
  assert(first.includes("delivered on TCP 2225"), `client summary: ${first}`);

  // The checklist, each step with its source link.
  const steps = dialog.locator(".plan-checklist li");
  assertEqual(await steps.count(), expected.checklist.length, "checklist steps");
  for (let i = 0; i < expected.checklist.length; i++) {
    const href = await steps.nth(i).locator("a").first().getAttribute("href");
    assert(href.startsWith("https://learn.microsoft.com/azure/"), `step ${i + 1} link: ${href}`);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, "migration-plan.png") });
});

test("migration: the views switch by keyboard", async () => {
  const dialog = page.getByRole("dialog", { name: "Migration to Azure Cloud HSM" });
  const source = dialog.locator("figure.plan-view.source");
  const target = dialog.locator("figure.plan-view.target");
  await dialog.getByRole("radio", { name: "Side by side" }).focus();
  // Radios move with the arrow keys: Source is the first of the group.
  await page.keyboard.press("ArrowRight");
  assert(await dialog.getByRole("radio", { name: "Source" }).isChecked(), "Source chosen");
  assert(await source.isVisible(), "source shown");
  assert(!(await target.isVisible()), "target hidden");
  await page.screenshot({ path: path.join(ARTIFACTS, "migration-source.png") });
  await page.keyboard.press("ArrowRight");
  assert(await dialog.getByRole("radio", { name: "Target" }).isChecked(), "Target chosen");
  assert(await target.isVisible(), "target shown");
  assert(!(await source.isVisible()), "source hidden");
  await page.screenshot({ path: path.join(ARTIFACTS, "migration-target.png") });
  await page.keyboard.press("ArrowRight");
  assert(await source.isVisible() && await target.isVisible(), "both shown again");
});

test("migration: the target opens as one undo step, drawn with its retirable tags and Cloud HSM links", async () => {
  const before = await savedDesign(page);
  const expected = cliPlan("hub-nva-proxy");
  await page.getByRole("button", { name: "Open the target design" }).click();
  await page.getByRole("dialog", { name: "Migration to Azure Cloud HSM" }).waitFor({ state: "hidden" });
  const opened = await waitForSaved(page, (d) => (d.cloud_hsm_clusters ?? []).length === 1, "target saved");
  assertEqual(opened.retirable.length, expected.retirable.length, "retirable elements");
  // Retirable elements are tagged on the canvas and say so in their names.
  const hsm = opened.hsms[0].name;
  await page.waitForSelector(drawn(`HSM ${hsm}, retirable`));
  assertEqual(
    await page.locator('svg.canvas [aria-label$=", retirable"]').count(),
    expected.retirable.length,
    "retirable elements named so on the canvas",
  );
  assert((await page.locator("svg.canvas .retire-tag").count()) > 0, "retire tags drawn");
  // A tag covers no name, address line, badge, other symbol or other tag (its own symbol it
  // may: it sits on the top of it).
  const covered = await page.evaluate(() => {
    const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const name = (e) => e.getAttribute("aria-label") ?? e.textContent;
    const tags = [...document.querySelectorAll("svg.canvas .retire-tag")];
    const others = [...document.querySelectorAll("svg.canvas :is(.area-name, .area-detail, .symbol-name, g.badge, g.symbol > .shape, .retire-tag)")];
    const out = [];
    for (const tag of tags) {
      const r = tag.getBoundingClientRect();
      const own = tag.closest("g.symbol");
      for (const o of others)
        if (o !== tag && (own === null || o.closest("g.symbol") !== own) && meets(r, o.getBoundingClientRect()))
          out.push(`${name(tag.closest("[aria-label]"))} over ${name(o.closest("[aria-label]") ?? o)}: ${o.textContent}`);
    }
    return out;
  });
  assertEqual(covered, [], "what the retire tags cover");
  const legend = await page.textContent(".legend");
  assert(legend.includes("Retirable"), `legend: ${legend}`);
  // The endpoint's line to its cluster and the zone's lines to the VNets it is linked to.
  assertEqual(await page.locator("svg.canvas g.link.private-link").count(), 1, "private links");
  assertEqual(
    await page.locator("svg.canvas g.link.dns-link").count(),
    opened.private_dns_zones[0].vnet_links.length,
    "DNS zone links",
  );
  await page.screenshot({ path: path.join(ARTIFACTS, "migration-opened.png") });

  // The trace panel takes the cluster's port.
  await page.fill("#trace-from", "spoke-1/workload");
  await page.fill("#trace-to", opened.cloud_hsm_clusters[0].name);
  await page.click("button.trace-now");
  await page.waitForSelector(".trace-panel .verdict.delivered");
  assertEqual(await page.inputValue("#trace-port"), "2225", "the cluster's port");
  const verdict = await page.textContent(".trace-panel .verdict");
  assert(verdict.includes("on TCP 2225"), verdict);
  await page.click("text=Clear trace");

  // The target exports and shares like any design.
  const arm = await download(page, "ARM template");
  assert(arm.text.includes("Microsoft.HardwareSecurityModules/cloudHsmClusters"), "the ARM template holds the cluster");
  await page.getByRole("button", { name: "Copy share link" }).click();
  const link = await page.inputValue("#share-link");
  assert(link.includes("#d=v1."), `share link: ${link}`);

  await page.getByRole("button", { name: "Undo" }).click();
  const back = await waitForSaved(page, (d) => (d.cloud_hsm_clusters ?? []).length === 0, "source back");
  assertEqual(JSON.stringify(back), JSON.stringify(before), "the source, unchanged");
  assertEqual(await page.locator("svg.canvas .retire-tag").count(), 0, "no retire tags in the source");
});
