// v14 lets a user detach an application window into a browser window of its own (ApplicationV2's `detached`
// render option). The raven's panel keeps working there: its element now belongs to the other window's document,
// and the Ask view's answer, the tab switches and the Encounter view's results land in that window, not in the
// main page. The detaching itself goes through the API (the harness draws no header control for it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { ravenInteractive } from "./waits.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

test("v14: the raven's panel detached into its own window answers, switches views and generates there", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v14", user: USERS.gm });
  try {
    await ravenInteractive(page);
    await page.locator("#familiar-raven").click();
    await page.locator("#familiar-panel").waitFor();
    const opened = context.waitForEvent("page");
    await page.evaluate(() => foundry.applications.instances.get("familiar-panel").detachWindow());
    const popup = await opened;
    const panel = popup.locator("#familiar-panel");
    await panel.waitFor();
    assert.equal(await page.locator("#familiar-panel").count(), 0, "the panel left the main page");

    await panel.getByRole("searchbox").fill("how do I catch my breath after a fight?");
    await panel.getByRole("button", { name: "Ask", exact: true }).click();
    await panel.locator(".familiar-hit a.content-link, [data-familiar-offline] a.content-link").first().waitFor({ timeout: 20_000 });

    await panel.getByRole("tab", { name: "Encounter" }).click();
    await panel.locator('[aria-selected="true"]', { hasText: "Encounter" }).waitFor();
    await panel.getByLabel("Party level").fill("2");
    await panel.getByLabel("Party size").fill("4");
    await panel.getByRole("button", { name: "Generate" }).click();
    await panel.locator(".familiar-proposal").first().waitFor();
    assert.equal(await page.locator(".familiar-proposal").count(), 0, "nothing was drawn into the main page");

    const errors = await page.evaluate(() => window.__harness.consoleErrors);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
