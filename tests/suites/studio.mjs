// What the panels and io suites share: a fresh studio page, the design it holds (read from its
// autosave, the same document a download gives), files in and out, and the status line.

import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ctx, ready, watch } from "../harness.mjs";

export const scratch = mkdtempSync(path.join(tmpdir(), "hsmnet-browser-"));

/** A new page (its own context: empty storage) on the studio, its problems (console errors and
 * warnings, failed or foreign requests) listed into `problems`: the session's by default. */
export async function freshPage(url = ctx.baseUrl, problems = ctx.problems) {
  const p = await ctx.browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch(p, problems);
  await p.goto(url, { waitUntil: "load" });
  await settled(p);
  return p;
}

/** Drawn, and done fetching (the icon comes late): leaving earlier would abort a request. */
export async function settled(p) {
  await ready(p);
  await p.waitForLoadState("networkidle");
}

/** The design the page holds, as its autosave has it (a design document's `design`). */
export async function savedDesign(p) {
  const text = await p.evaluate(() => localStorage.getItem("hsmnet.autosave"));
  return text === null ? null : JSON.parse(text).design;
}

/** Waits until the autosaved design satisfies `ok` (the autosave follows each change). */
export async function waitForSaved(p, ok, what) {
  const deadline = Date.now() + 10_000;
  let last;
  while (Date.now() < deadline) {
    last = await savedDesign(p);
    if (last !== null && ok(last)) return last;
    await p.waitForTimeout(50);
  }
  throw new Error(`${what}: the autosaved design never matched (last name ${last?.name})`);
}

/** Writes a file for the page or the CLI to read. */
export function scratchFile(name, text) {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

/** Imports files (a path or several) through the toolbar's file input. */
export async function importFile(p, file) {
  await p.setInputFiles("#import-file", file);
}

/** Opens the toolbar's Download menu, unless it is open: the downloads are behind it. */
export async function openDownloads(p) {
  if (!(await p.$("details.downloads[open]"))) await p.click("details.downloads > summary");
  await p.waitForSelector("details.downloads[open] .menu-items", { state: "visible" });
}

/** Clicks a download in the toolbar's menu and returns the file it downloads: its suggested
 * name and its text. */
export async function download(p, name) {
  await openDownloads(p);
  const [dl] = await Promise.all([
    p.waitForEvent("download", { timeout: 10_000 }).catch(async (err) => {
      throw new Error(`${name}: no download (status: ${await p.textContent("#status")}): ${err.message}`);
    }),
    p.getByRole("button", { name, exact: true }).click(),
  ]);
  const file = path.join(scratch, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), file, text: await readFile(file, "utf8") };
}

/** Waits for the status line to say something containing `part`, and returns it. */
export async function status(p, part) {
  await p.waitForFunction(
    (part) => document.querySelector("#status")?.textContent.includes(part),
    part,
    { timeout: 10_000 },
  );
  return p.textContent("#status");
}

/** Rule names of the findings shown, in order. */
export async function shownRules(p) {
  return p.$$eval(".findings .finding", (els) => els.map((e) => e.dataset.rule));
}
