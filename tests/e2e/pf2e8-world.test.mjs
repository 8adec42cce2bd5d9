// The two pf2e worlds side by side in one harness: v14 pages get pf2e 8 (the remaster: Monster Core, NPC Core, the
// remaster's conditions and actions from ../shared/pf2e/v8), v13 pages the 2021 compendia. On v14 every view meets
// the remaster's documents: Ask cites them (a legacy name finds the renamed rule), the rules index skips none of
// them, Encounter generates from Monster Core and NPC Core, and Monster's "Create actor" writes an NPC in pf2e 8's
// shape. Skipped when ../shared/pf2e (with v8/) is not beside the checkout.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, SHARED_PF2E, startTestHarness, USERS } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "./paths.mjs";
import { openPanel, showView } from "./panel-states.mjs";

const V8 = path.join(SHARED_PF2E, "v8");
const available = existsSync(path.join(V8, "rules-sample.jsonl")) && existsSync(path.join(SHARED_PF2E, "bestiary.jsonl"));
const skip = !available && "skipped: ../shared/pf2e with its v8/ sample is not present";

const search = (page, query) => page.evaluate((q) => game.modules.get("pf2e-familiar").api.search(q, { top: 5 }), query);
const indexStatus = (page) => page.evaluate(() => game.modules.get("pf2e-familiar").api.rulesIndexStatus());


describe("the pf2e 8 world on v14 beside the 2021 world on v13", { skip }, () => {
  let browser;
  let harness;
  before(async () => {
    requireBuild();
    browser = await launchBrowser();
    harness = await startTestHarness({
      moduleDir: STAGED_MODULE,
      packFiles: [path.join(SHARED_PF2E, "bestiary.jsonl")],
      packsMeta: path.join(SHARED_PF2E, "packs.json"),
      pf2e8PackFiles: [path.join(V8, "rules-sample.jsonl"), path.join(V8, "bestiary.jsonl")],
      pf2e8PacksMeta: path.join(V8, "packs.json"),
    });
  });
  after(async () => {
    await closeBrowser(browser);
    await harness?.close();
  });

  test("each profile sees its own system line: pf2e 8.0.0 and Monster Core on v14, the 2021 bestiaries on v13", async () => {
    const v14 = await openGame(browser, harness, { profile: "v14", user: USERS.gm });
    const v13 = await openGame(browser, harness, { profile: "v13", user: USERS.gm });
    try {
      const world = (page) => page.evaluate(() => ({
        system: game.system.version,
        packs: game.packs.filter((pack) => pack.index.size || pack.metadata.packageName === "pf2e").map((pack) => pack.collection),
      }));
      const [modern, legacy] = [await world(v14.page), await world(v13.page)];
      assert.match(modern.system, /^8\./);
      assert.ok(modern.packs.includes("pf2e.pathfinder-monster-core"), modern.packs.join());
      // pf2e 8 merged the separate Lost Omens bestiaries into one pack: the 2021 one exists only on v13.
      assert.ok(!modern.packs.includes("pf2e.lost-omens-mwangi-expanse-bestiary"), "no 2021 Lost Omens bestiary on v14");
      assert.ok(legacy.packs.includes("pf2e.lost-omens-mwangi-expanse-bestiary"), legacy.packs.join());
      assert.ok(!legacy.packs.includes("pf2e.pathfinder-monster-core"), "no Monster Core on v13");
    } finally {
      await v14.context.close();
      await v13.context.close();
    }
  });

  test("v14: the rules index takes every remaster document, and legacy names find the renamed rules", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v14", user: USERS.gm });
    try {
      await page.waitForFunction(() => game.modules.get("pf2e-familiar").api.rulesIndexStatus().state === "ready", null, { timeout: 60_000, polling: 250 });
      const status = await indexStatus(page);
      assert.equal(status.skipped.length ?? status.skipped, 0, JSON.stringify(status.skipped));
      assert.ok(status.documents >= 104, `${status.documents} documents`);
      const offGuard = await search(page, "what happens when I am flat-footed?");
      assert.ok(offGuard.some((hit) => hit.name === "Off-Guard"), JSON.stringify(offGuard.map((hit) => hit.name)));
      assert.match(offGuard.find((hit) => hit.name === "Off-Guard").link, /^@UUID\[Compendium\.pf2e\.conditionitems\.Item\.\w+\]\{Off-Guard\}$/);
      const barrage = await search(page, "magic missile");
      assert.ok(barrage.some((hit) => hit.name === "Force Barrage"), JSON.stringify(barrage.map((hit) => hit.name)));
    } finally {
      await context.close();
    }
  });

  test("v14: Encounter generates from Monster Core and NPC Core; Monster creates an NPC in pf2e 8's shape", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v14", user: USERS.gm });
    try {
      await openPanel(page);
      const panel = await showView(page, "encounter");
      await panel.getByLabel("Party level").fill("3");
      await panel.getByLabel("Party size").fill("4");
      await panel.getByLabel("Threat").selectOption("moderate");
      await panel.getByRole("button", { name: "Generate" }).click();
      const proposals = panel.locator(".familiar-proposal");
      await proposals.first().waitFor({ timeout: 20_000 });
      const uuids = await proposals.locator("a.content-link").evaluateAll((links) => links.map((link) => link.dataset.uuid));
      assert.ok(uuids.length > 0);
      for (const uuid of uuids) assert.match(uuid, /^Compendium\.pf2e\.(pathfinder-monster-core|pathfinder-npc-core|hazards)\.Actor\./);

      await showView(page, "monster");
      await panel.getByLabel("Name").fill("Remaster Warden");
      await panel.getByLabel("Level", { exact: true }).fill("4");
      await panel.getByLabel("Road map").selectOption("brute");
      await panel.getByRole("button", { name: "Preview" }).click();
      await panel.locator(".familiar-statblock").waitFor();
      await panel.getByRole("button", { name: "Create actor" }).click();
      const handle = await page.waitForFunction(() => {
        const actor = game.actors.find((candidate) => candidate.name === "Remaster Warden");
        return actor && { level: actor.system.details.level.value, perception: actor.system.perception, traits: actor.system.traits, initiative: actor.system.initiative };
      });
      const actor = await handle.jsonValue();
      assert.equal(actor.level, 4);
      assert.equal(typeof actor.perception?.mod, "number", JSON.stringify(actor.perception));
      assert.ok(Array.isArray(actor.perception.senses), "pf2e 8 keeps senses under perception, as a list");
      assert.equal(actor.traits.senses, undefined, "no legacy traits.senses");
      assert.equal(actor.initiative?.statistic, "perception");
    } finally {
      await context.close();
    }
  });
});
