// Familiar in unusual worlds: a bundle that cannot load, a system other than pf2e, and Foundry under a route
// prefix. Each must leave Foundry working and tell the user once, clearly.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "./paths.mjs";
import { ravenInteractive } from "./waits.mjs";

let browser;
const cleanups = [];

before(async () => {
  requireBuild();
  browser = await launchBrowser();
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await closeBrowser(browser);
});

async function harnessFor(options) {
  const harness = await startTestHarness(options);
  cleanups.push(() => harness.close());
  return harness;
}

const notices = (page) => page.evaluate(() => window.__harness.notifications.map(({ type, message }) => ({ type, message })));

test("a bundle that fails to load gives one clear error and leaves Foundry working", async () => {
  const broken = mkdtempSync(path.join(tmpdir(), "familiar-broken-"));
  cleanups.push(() => rmSync(broken, { recursive: true, force: true }));
  cpSync(STAGED_MODULE, broken, { recursive: true });
  writeFileSync(path.join(broken, "wasm", "familiar_wasm_bg.wasm"), "this is not WebAssembly");
  const harness = await harnessFor({ moduleDir: broken });
  for (const profile of ["v10", "v13", "v14"]) {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      await page.waitForFunction(() => window.__harness.notifications.some((n) => n.type === "error"));
      const errors = (await notices(page)).filter((notice) => notice.type === "error");
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(errors[0].message, /could not load its WebAssembly bundle/);
      assert.equal(await page.locator("#familiar-raven").count(), 0);
      assert.deepEqual(pageErrors, []);
      await assert.rejects(page.evaluate(() => game.modules.get("pf2e-familiar").api.buildInfo()), /inactive|WebAssembly|CompileError/i);
      // Foundry itself carries on: a chat message still posts.
      await page.evaluate(() => ChatMessage.create({ content: "still here" }));
      await page.locator("#chat-log").getByText("still here").last().waitFor();
    } finally {
      await context.close();
    }
  }
});

test("outside pf2e the module warns once and the panel says which features are off", async () => {
  const harness = await harnessFor({ moduleDir: STAGED_MODULE });
  const { page, context } = await openGame(browser, harness, { profile: "v12", query: { system: "dnd5e" } });
  try {
    await ravenInteractive(page);
    const warnings = (await notices(page)).filter((notice) => notice.type === "warning");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /Pathfinder Second Edition.*"dnd5e"/);
    await page.locator("#familiar-raven").click();
    await page.locator("#familiar-panel").getByText("system is not active").waitFor();
  } finally {
    await context.close();
  }
});

test("under a route prefix the module loads everything relative to itself", async () => {
  const harness = await harnessFor({ moduleDir: STAGED_MODULE, routePrefix: "/foundry" });
  assert.match(harness.url, /\/foundry$/);
  const { page, context, consoleErrors } = await openGame(browser, harness, { profile: "v13" });
  try {
    await ravenInteractive(page);
    await page.locator("#familiar-raven").click();
    await page.locator("#familiar-panel").waitFor({ state: "visible" });
    const wasmRequests = await page.evaluate(() =>
      performance.getEntriesByType("resource").map((entry) => entry.name).filter((name) => name.endsWith(".wasm")),
    );
    assert.ok(wasmRequests.length > 0 && wasmRequests.every((url) => new URL(url).pathname.startsWith("/foundry/")));
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test("a core version outside the manifest's range gets one warning, and the module still runs", async () => {
  const harness = await harnessFor({ moduleDir: STAGED_MODULE });
  for (const [profile, version, pattern] of [
    ["v10", "9.280", /supports Foundry versions 10 to 14; this is version 9/],
    ["v14", "15.350", /verified up to Foundry version 14; this is version 15/],
  ]) {
    const { page, context } = await openGame(browser, harness, { profile, query: { version } });
    try {
      await ravenInteractive(page);
      const warnings = (await notices(page)).filter((notice) => notice.type === "warning");
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(warnings[0].message, pattern);
      await page.locator("#familiar-raven").waitFor({ state: "visible" });
    } finally {
      await context.close();
    }
  }
});
