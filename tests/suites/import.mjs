// Importing into the studio ("Import…" and files dropped on the canvas): the checker worker
// imports (core's `Request::Import`), a template that needs values asks for them in a dialog,
// the import report shows beside the findings, the imported design is one undo step, and a
// broken file leaves the open design as it was. Screenshots: import-dialog.png and
// import-report.png (1280×800).

import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { ARTIFACTS, assert, assertEqual, cli, root, test } from "../harness.mjs";
import { freshPage, importFile, savedDesign, scratchFile, status, waitForSaved } from "./studio.mjs";

const fixtures = path.join(root, "core/tests/fixtures/import");
// Microsoft's Payment HSM quickstart (its README has the source): every parameter has a default
// but the location, which defaults to the resource group's and so must be asked for.
const QUICKSTART = path.join(fixtures, "payment-hsm-create/azuredeploy.json");

let page;

/** Drops files ({ name, text }) on the canvas as a file manager would. */
async function dropFiles(p, files) {
  const dataTransfer = await p.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([f.text], f.name, { type: "application/json" }));
    return dt;
  }, files);
  await p.dispatchEvent("svg.canvas", "dragenter", { dataTransfer });
  await p.dispatchEvent("svg.canvas", "dragover", { dataTransfer });
  await p.dispatchEvent("svg.canvas", "drop", { dataTransfer });
}

async function screenshot(p, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await p.screenshot({ path: path.join(ARTIFACTS, name) });
}

test("import: a template that needs a parameter, dropped on the canvas, opens after the parameter dialog, with its report", async () => {
  page = await freshPage();
  const before = await savedDesign(page);
  const text = await readFile(QUICKSTART, "utf8");
  await dropFiles(page, [{ name: "azuredeploy.json", text }]);

  // A real modal dialog, labelled, with one labelled field per parameter asked for.
  const dialog = page.getByRole("dialog", { name: "Template parameters" });
  await dialog.waitFor({ timeout: 10_000 });
  assert(await page.$("dialog.parameters[open]"), "not a <dialog> element, or not open");
  assert(await page.evaluate(() => document.querySelector("dialog.parameters").matches(":modal")), "dialog not modal");
  const field = dialog.getByLabel("location · string");
  assertEqual(await field.count(), 1, "fields labelled location");
  const hint = await dialog.locator("#" + (await field.getAttribute("aria-describedby"))).textContent();
  assert(hint.includes("Location for all resources."), `description not shown: ${hint}`);
  assert(hint.includes("[resourceGroup().location]"), `template default not shown: ${hint}`);
  assertEqual(await field.getAttribute("required"), "", "the parameter asked for is required");
  assertEqual(await savedDesign(page), before, "design while the dialog is open");
  // The keyboard is in the field: type the value and press Enter.
  assert(await field.evaluate((el) => el === document.activeElement), "the field does not have the keyboard");
  await page.keyboard.type("uksouth");
  await screenshot(page, "import-dialog.png");
  await page.keyboard.press("Enter");

  // The design the CLI makes of the same template and value.
  const expected = JSON.parse(cli("import", QUICKSTART, "--param", "location=uksouth")).design;
  const saved = await waitForSaved(page, (d) => d.vnets[0]?.name === "myVNET", "imported design");
  assertEqual(saved, expected, "the imported design against hsmnet import");
  await status(page, "azuredeploy.json: imported a deployment template: 3 resources, 3 modelled.");
  assert(!(await page.$("dialog.parameters[open]")), "the dialog stayed open");

  // The report beside the findings.
  const report = page.locator("aside.import-report");
  await report.waitFor();
  assertEqual(await report.getAttribute("aria-labelledby"), "import-report-title", "report label");
  const shown = await report.textContent();
  assert(shown.includes("3 resources, 3 modelled"), `report: ${shown}`);
  assert(shown.includes("Microsoft.HardwareSecurityModules/dedicatedHSMs"), `report: ${shown}`);
  const next = await page.evaluate(() => document.querySelector("aside.import-report").nextElementSibling?.className);
  assertEqual(next, "findings", "the report is beside the findings");

  // Undo brings the design before back, in one step.
  await page.getByRole("button", { name: "Undo" }).click();
  await waitForSaved(page, (d) => d.name === before.name, "design after undo");
  assertEqual(await savedDesign(page), before, "design after one undo");
  await page.getByRole("button", { name: "Redo" }).click();
  await waitForSaved(page, (d) => d.vnets[0]?.name === "myVNET", "design after redo");
});

test("import: a broken template, or a cancelled dialog, leaves the open design and says why", async () => {
  const before = await savedDesign(page);
  const template = {
    resources: [
      {
        type: "Microsoft.Network/virtualNetworks",
        apiVersion: "2023-09-01",
        name: "[concat('hub', ]",
        location: "westeurope",
        properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] } },
      },
    ],
  };
  await dropFiles(page, [{ name: "broken.json", text: JSON.stringify(template, null, 2) }]);
  const text = await status(page, "Not imported: broken.json: ");
  assert(text.includes(`resources[0].name: "[concat('hub', ]": at character 16: the expression ends too early`), `message: ${text}`);
  assert(text.includes("The design you had is kept"), `message: ${text}`);
  assertEqual(await savedDesign(page), before, "design after a broken template");

  // Not JSON: the line and column.
  await dropFiles(page, [{ name: "cut.json", text: '{\n  "resources": [\n    {"type": \n' }]);
  const cut = await status(page, "Not imported: cut.json: ");
  assert(/line 4, column 0/.test(cut), `no line and column: ${cut}`);
  assertEqual(await savedDesign(page), before, "design after a file that is not JSON");

  // Escape closes the dialog and imports nothing.
  await dropFiles(page, [{ name: "azuredeploy.json", text: await readFile(QUICKSTART, "utf8") }]);
  await page.waitForSelector("dialog.parameters[open]");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog.parameters[open]", { state: "detached" });
  await page.waitForTimeout(300);
  assertEqual(await savedDesign(page), before, "design after a cancelled dialog");
});

test("import: a template chosen with its parameter file imports without a question, reporting what it could not model", async () => {
  const template = {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    contentVersion: "1.0.0.0",
    parameters: {
      location: { type: "string" },
      hubName: { type: "string" },
    },
    resources: [
      {
        type: "Microsoft.Network/virtualNetworks",
        apiVersion: "2023-09-01",
        name: "[parameters('hubName')]",
        location: "[parameters('location')]",
        properties: {
          addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
          dhcpOptions: { dnsServers: ["10.1.0.4"] },
          subnets: [
            { name: "apps", properties: { addressPrefix: "10.1.1.0/24", serviceEndpoints: [{ service: "Microsoft.Storage" }] } },
            { name: "data", properties: { addressPrefix: "10.1.2.0/24", serviceEndpoints: [{ service: "Microsoft.Sql" }] } },
          ],
          virtualNetworkPeerings: [
            {
              name: "to-shared",
              properties: {
                remoteVirtualNetwork: {
                  id: "/subscriptions/1111/resourceGroups/shared-rg/providers/Microsoft.Network/virtualNetworks/shared",
                },
                remoteAddressSpace: { addressPrefixes: ["10.9.0.0/16"] },
              },
            },
          ],
        },
      },
      { type: "Microsoft.Storage/storageAccounts", apiVersion: "2023-01-01", name: "hublogs", location: "[parameters('location')]", kind: "StorageV2" },
      { type: "Microsoft.KeyVault/vaults", apiVersion: "2023-07-01", name: "hubvault", location: "[parameters('location')]", properties: {} },
    ],
  };
  const parameters = {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    contentVersion: "1.0.0.0",
    parameters: { location: { value: "westeurope" }, hubName: { value: "hub-from-file" } },
  };
  const files = [
    scratchFile("hub.parameters.json", JSON.stringify(parameters, null, 2)),
    scratchFile("hub.json", JSON.stringify(template, null, 2)),
  ];
  await importFile(page, files);
  const saved = await waitForSaved(page, (d) => d.vnets[0]?.name === "hub-from-file", "design from the two files");
  const expected = JSON.parse(cli("import", files[1], "--parameters", files[0])).design;
  assertEqual(saved, expected, "the imported design against hsmnet import --parameters");
  assert(!(await page.$("dialog.parameters[open]")), "a question was asked");

  const report = page.locator("aside.import-report");
  await report.waitFor();
  const external = await report.locator("section.external").textContent();
  assert(external.includes("(1)"), `external: ${external}`);
  const notModelled = report.locator("section.not-modelled");
  // Each message once, with its count; its JSON paths open under it.
  const endpoints = notModelled.locator("li.group", { hasText: "property not modelled" });
  assert((await endpoints.textContent()).includes("× 3"), `count: ${await endpoints.textContent()}`);
  await endpoints.locator("summary").click();
  const paths = (await endpoints.locator(".paths").innerText()).split("\n");
  assert(paths.includes("resources[0].properties.subnets[0].properties.serviceEndpoints"), `paths: ${paths}`);
  assert(paths.includes("resources[0].properties.dhcpOptions"), `paths: ${paths}`);
  assert((await notModelled.textContent()).includes("Microsoft.KeyVault/vaults 'hubvault'"), "the key vault is not listed");
  await screenshot(page, "import-report.png");

  // Dismissed, it goes, and the keyboard goes to the findings beside it.
  await page.getByRole("button", { name: "Dismiss the import report" }).click();
  await report.waitFor({ state: "detached" });
  assert(await page.evaluate(() => document.activeElement?.classList.contains("findings")), "the keyboard was lost");
});

test("import: a design document still opens as it is, without a report", async () => {
  const doc = cli("preset", "single-vnet");
  await importFile(page, scratchFile("single.json", doc));
  await status(page, "Opened single.json.");
  assertEqual(await savedDesign(page), JSON.parse(doc).design, "the design opened");
  assert(!(await page.$("aside.import-report")), "a design document has no import report");
  // "Import…" takes several files, and says what it takes.
  assertEqual(await page.getAttribute("#import-file", "multiple"), "", "not several files");
  assertEqual((await page.textContent('label[for="import-file"]')).trim(), "Import…", "label");
  await page.close();
});
