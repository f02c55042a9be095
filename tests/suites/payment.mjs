// Azure Payment HSM in the studio: the retirement notice of Dedicated HSM only for designs that
// hold one; a payment HSM dragged from the palette into a delegated subnet, its management
// subnet set in the properties panel, and the fastpathenabled fix applied. On a page of its own.

import { assert, assertEqual, choosePreset, drawn, dropFromPalette, errorCount, openGallery, test } from "../harness.mjs";
import { freshPage, waitForSaved } from "./studio.mjs";

let page = null;

/** A page point on an area: `fx`, `fy` fractions of its width and height. */
async function onArea(label, fx, fy) {
  const box = await page.locator(`${drawn(label)} > rect`).boundingBox();
  assert(box, `${label} is not drawn`);
  return { x: box.x + box.width * fx, y: box.y + box.height * fy };
}

async function waitForLabel(label) {
  await page.waitForSelector(drawn(label), { timeout: 5_000 });
}

test("payment: a payment-only design shows no Dedicated HSM retirement notice", async () => {
  page = await freshPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await choosePreset(page, "payment-hsm");
  assertEqual(await errorCount(page), 0, "errors in payment-hsm");
  await page.waitForSelector(".notice", { state: "detached" });
  // A design with Dedicated HSMs brings it back.
  await choosePreset(page, "single-vnet");
  const text = await page.textContent(".notice");
  assert(text.includes("2028-07-31"), `notice: ${text}`);
});

test("payment: a payment HSM dragged into a delegated subnet, its management subnet set, the fastpath fix applied", async () => {
  await openGallery(page);
  await page.getByRole("button", { name: "Blank design", exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll("svg.canvas g.area").length === 0);
  await page.evaluate(() => document.querySelector(".palette").scrollIntoView({ block: "start" }));
  const canvas = await page.locator("svg.canvas").boundingBox();
  await dropFromPalette(page, "region", canvas.x + 80, canvas.y + 60);
  await waitForLabel("Region East US");
  let at = await onArea("Region East US", 0.4, 0.5);
  await dropFromPalette(page, "vnet", at.x, at.y);
  await waitForLabel("VNet vnet-1");
  at = await onArea("VNet vnet-1", 0.5, 0.5);
  await dropFromPalette(page, "hsm-subnet", at.x, at.y);
  await waitForLabel("Subnet hsm-subnet-1");
  at = await onArea("Subnet hsm-subnet-1", 0.5, 0.6);
  await dropFromPalette(page, "payment-hsm", at.x, at.y);
  await waitForLabel("Payment HSM phsm-1");
  const placed = await waitForSaved(page, (d) => (d.hsms ?? []).length === 1, "payment HSM saved");
  const hsm = placed.hsms[0];
  assert(hsm.sku.startsWith("payShield10K"), `sku ${hsm.sku}`);
  assert(hsm.management_nic && hsm.management_ip, `management NIC ${JSON.stringify(hsm)}`);
  // No Dedicated HSM in the design: no retirement notice.
  assertEqual(await page.locator(".notice").count(), 0, "retirement notice");

  // Its management subnet, chosen in the properties panel (one delegated subnet per VNet: the
  // host subnet here).
  await page.click(drawn("Payment HSM phsm-1"));
  await page.waitForSelector("#prop-management_subnet");
  await page.selectOption("#prop-management_subnet", { label: "vnet-1 / hsm-subnet-1" });
  const subnet = placed.vnets[0].subnets.find((s) => s.name === "hsm-subnet-1").id;
  await waitForSaved(page, (d) => d.hsms[0].management_subnet === subnet, "management subnet saved");

  // The VNet lacks fastpathenabled: an error with a fix that tags it.
  const finding = '.finding[data-rule="payshield-fastpath-tag"]';
  await page.waitForSelector(finding);
  await page.click(`${finding} button.fix`);
  await page.waitForSelector(finding, { state: "detached" });
  await waitForSaved(page, (d) => d.vnets[0].tags?.fastpathenabled === "true", "tagged VNet saved");
});
