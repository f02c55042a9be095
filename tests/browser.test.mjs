// End-to-end tests of the browser studio: the release build in dist/ served from 127.0.0.1 by a
// tiny static server, driven in headless Chromium through playwright-core.
//
// What a design should contain comes from the native CLI (`hsmnet preset ...`), so these tests
// also check that the WebAssembly build shows what the core computes natively.
//
//   node tests/browser.test.mjs            (scripts/test builds everything first)
//
// Environment: DIST (default dist), HSMNET_BIN (default target/debug/hsmnet),
// CHROMIUM (default /usr/bin/chromium), ARTIFACTS (default tests/artifacts).
// Prints one line per test, then exactly `N passed, M failed`; exits 1 on any failure.
//
// The suites run in this order, on one main page (ctx.page) plus pages of their own.

import { assertEqual, ctx, run, test } from "./harness.mjs";
import "./suites/page.mjs";
import "./suites/load.mjs";
import "./suites/panels.mjs";
import "./suites/io.mjs";
import "./suites/import.mjs";
import "./suites/editor.mjs";
import "./suites/canvas.mjs";
import "./suites/layout.mjs";
import "./suites/trace.mjs";
import "./suites/fixes.mjs";
import "./suites/payment.mjs";
import "./suites/migration.mjs";
import "./suites/performance.mjs";
import "./suites/images.mjs";

test("no console error or warning during the whole session", async () => {
  assertEqual(ctx.problems, [], "problems");
});

run().catch((err) => {
  console.error(err);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
