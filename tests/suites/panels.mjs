// The panels: findings that follow every edit (with their fixes, undo and redo), the properties
// of the selection, the gallery's blank design, and how long a check takes in WebAssembly.

import { execFileSync } from "node:child_process";
import {
  checkedMs, HSMNET, assert, assertEqual, choosePreset, cli, design, errorCount, test, openGallery } from "../harness.mjs";
import { freshPage, importFile, scratchFile, shownRules, status, waitForSaved } from "./studio.mjs";

let page;
let broken;

/** `hsmnet check --format json`, which exits 1 when the design has errors. */
function checkJson(file) {
  try {
    return execFileSync(HSMNET, ["check", "--format", "json", file], { encoding: "utf8" });
  } catch (err) {
    if (err.status === 1) return err.stdout;
    throw err;
  }
}

/** single-vnet with its HSM subnet's delegation removed: one error, with a fix. */
function brokenDesign() {
  const doc = JSON.parse(cli("preset", "single-vnet"));
  const subnet = doc.design.vnets.flatMap((v) => v.subnets).find((s) => s.delegation);
  delete subnet.delegation;
  return { doc, subnet, file: scratchFile("broken.json", JSON.stringify(doc, null, 2)) };
}

test("panels: a small broken design shows the findings the CLI finds", async () => {
  page = await freshPage();
  broken = brokenDesign();
  await importFile(page, broken.file);
  await status(page, "Opened broken.json");
  const expected = JSON.parse(checkJson(broken.file)).findings;
  const rules = await shownRules(page);
  assertEqual([...rules].sort(), expected.map((f) => f.rule).sort(), "rules shown");
  assert(rules.includes("hsm-subnet-delegated"), `no hsm-subnet-delegated: ${rules}`);
  assertEqual(await errorCount(page), expected.filter((f) => f.severity === "error").length, "errors");
  // Grouped by severity, most severe first.
  const groups = await page.$$eval(".findings section.group", (s) => s.map((g) => g.className));
  assertEqual(groups, ["group error", "group warning", "group info"], "groups");
  // The explanation expands.
  await page.click('.finding[data-rule="hsm-subnet-delegated"] summary');
  const why = await page.textContent('.finding[data-rule="hsm-subnet-delegated"] dl');
  assert(why.includes("Why") && why.includes("Source"), `explanation: ${why}`);
});

test("panels: the check time in WebAssembly is shown", async () => {
  const ms = await checkedMs(page);
  assert(Number.isFinite(ms) && ms >= 0, `timing: ${ms}`);
  assert((await page.textContent(".timing")).startsWith("Checked in"), "timing text");
});

test("panels: clicking a finding selects its elements, shown in the properties panel", async () => {
  await page.click('.finding[data-rule="hsm-subnet-delegated"] summary');
  await page.waitForFunction(() => document.querySelector(".element-title")?.textContent === "subnet hsm-subnet");
  assertEqual(await page.inputValue("#prop-prefix"), broken.subnet.prefix, "prefix shown");
});

test("panels: a Fix clears its finding as one step; undo and redo (buttons and keys)", async () => {
  const before = await errorCount(page);
  await page.click('.finding[data-rule="hsm-subnet-delegated"] button.fix');
  await page.waitForSelector('.finding[data-rule="hsm-subnet-delegated"]', { state: "detached" });
  assertEqual(await errorCount(page), before - 1, "errors after the fix");
  await waitForSaved(page, (d) => d.vnets[0].subnets.some((s) => s.delegation), "fixed design saved");
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await page.waitForSelector('.finding[data-rule="hsm-subnet-delegated"]');
  await page.getByRole("button", { name: "Redo", exact: true }).click();
  await page.waitForSelector('.finding[data-rule="hsm-subnet-delegated"]', { state: "detached" });
  // The same with the keyboard, from outside any text field.
  await page.click("h1.brand");
  await page.keyboard.press("Control+z");
  await page.waitForSelector('.finding[data-rule="hsm-subnet-delegated"]');
  await page.keyboard.press("Control+Shift+z");
  await page.waitForSelector('.finding[data-rule="hsm-subnet-delegated"]', { state: "detached" });
  await page.keyboard.press("Control+z");
  await page.waitForSelector('.finding[data-rule="hsm-subnet-delegated"]');
  await page.keyboard.press("Control+y");
  await page.waitForSelector('.finding[data-rule="hsm-subnet-delegated"]', { state: "detached" });
});

test("panels: Ctrl+Z in a text field does not undo the design", async () => {
  const saved = await waitForSaved(page, () => true, "saved");
  await page.focus("#prop-name");
  await page.keyboard.press("Control+z");
  await page.waitForTimeout(200);
  assertEqual(await waitForSaved(page, () => true, "saved"), saved, "design after Ctrl+Z in a field");
});

test("panels: properties refuse a bad prefix and a taken name, and apply a rename as one step", async () => {
  // The HSM subnet is still selected (the fix kept it).
  await page.waitForFunction(() => document.querySelector(".element-title")?.textContent === "subnet hsm-subnet");
  const before = await waitForSaved(page, () => true, "saved");

  await page.fill("#prop-prefix", "10.0.0.0/33");
  await page.press("#prop-prefix", "Enter");
  await page.waitForSelector('#prop-prefix[aria-invalid="true"]');
  const message = await page.textContent("#prop-prefix-error");
  assert(message.includes('prefix: "10.0.0.0/33" is not an IPv4 prefix'), `message: ${message}`);
  assertEqual(await waitForSaved(page, () => true, "saved"), before, "design after a bad prefix");

  await page.fill("#prop-name", "GatewaySubnet");
  await page.press("#prop-name", "Enter");
  await page.waitForSelector('#prop-name[aria-invalid="true"]');
  const taken = await page.textContent("#prop-name-error");
  assert(taken.includes("is taken by another subnet"), `message: ${taken}`);
  assertEqual(await waitForSaved(page, () => true, "saved"), before, "design after a taken name");

  await page.fill("#prop-name", "hsm-subnet-renamed");
  await page.press("#prop-name", "Enter");
  const renamed = await waitForSaved(
    page,
    (d) => d.vnets[0].subnets.some((s) => s.name === "hsm-subnet-renamed"),
    "renamed",
  );
  assertEqual(renamed.vnets[0].subnets.length, before.vnets[0].subnets.length, "subnets");
  await page.waitForFunction(() => document.querySelector(".element-title")?.textContent === "subnet hsm-subnet-renamed");
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  assertEqual(await waitForSaved(page, (d) => JSON.stringify(d) === JSON.stringify(before), "undone"), before, "after undo");
});

test("panels: the address helper suggests the next free prefix and uses it", async () => {
  await page.waitForSelector("#helper-prefix");
  await page.selectOption("#helper-length", "27");
  const text = await page.textContent("#helper-prefix");
  const prefix = text.replace("Next free: ", "");
  assert(/^\d+\.\d+\.\d+\.\d+\/27$/.test(prefix), `suggestion: ${text}`);
  await page.getByRole("button", { name: "Use as this subnet's prefix" }).click();
  await waitForSaved(page, (d) => d.vnets[0].subnets.some((s) => s.prefix === prefix), "prefix used");
});

test("panels: Blank design opens an empty design in one undoable step", async () => {
  await openGallery(page);
  await page.getByRole("button", { name: "Blank design", exact: true }).click();
  const blank = await waitForSaved(page, (d) => (d.vnets ?? []).length === 0, "blank");
  assertEqual([blank.regions ?? [], blank.hsms ?? []], [[], []], "blank design");
  assertEqual(await errorCount(page), 0, "errors in a blank design");
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await waitForSaved(page, (d) => (d.vnets ?? []).length > 0, "back after undo");
});

test("panels: validation of the 100-spoke hub-nva-proxy after an edit, timed in WebAssembly", async () => {
  await choosePreset(page, "hub-nva-proxy", 100);
  assertEqual(
    await page.$$eval("svg.canvas g.vnet", (g) => g.length),
    design("hub-nva-proxy", "--spokes", "100").vnets.length,
    "VNets",
  );
  // An edit: rename the design (opening a design clears the selection, which shows the
  // design's own form).
  const times = [];
  for (let i = 0; i < 5; i++) {
    await page.fill("#design-name", `Hub ${i}`);
    await page.press("#design-name", "Enter");
    await page.waitForFunction((n) => document.querySelector("#diagram-title")?.textContent === n, `Hub ${i}`);
    times.push(await checkedMs(page));
  }
  times.sort((a, b) => a - b);
  console.log(`    (check of hub-nva-proxy --spokes 100 in wasm: median ${times[times.length >> 1].toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms over ${times.length} edits)`);
  assert(times.every((t) => t > 0), `times: ${times}`);
  await page.close();
});
