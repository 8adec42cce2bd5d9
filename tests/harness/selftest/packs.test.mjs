// Compendium packs: visibility per user and version, index/documents on demand, fromUuid,
// and the shared pf2e data when it is present.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launchBrowser } from "../../support/browser.mjs";
import { startTestHarness, openGame, USERS, SHARED_PF2E } from "../../support/harness.mjs";
import { PROBE_DIR } from "./fixtures.mjs";

const RULES = path.join(SHARED_PF2E, "rules-sample.jsonl");
const BESTIARY = path.join(SHARED_PF2E, "bestiary.jsonl");
const META = path.join(SHARED_PF2E, "packs.json");
const shared = fs.existsSync(RULES) && fs.existsSync(BESTIARY) && fs.existsSync(META);
if (!shared) console.log("skipped: ../shared/pf2e not present (demo pack tests still run)");

let harness;
let browser;
before(async () => {
  harness = await startTestHarness({ moduleDir: PROBE_DIR, ...(shared ? { packFiles: [RULES, BESTIARY], packsMeta: META } : {}) });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

describe("demo pack familiar-demo.rules", () => {
  it("v13: index with fields, getDocuments query, getDocument, fromUuid, embedded journal page", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v13", user: USERS.brannoc });
    const r = await page.evaluate(async () => {
      const pack = game.packs.get("familiar-demo.rules");
      const index = await pack.getIndex({ fields: ["system.traits.value"] });
      const row = index.get("DemoRuleWinded01");
      const conditions = await pack.getDocuments({ type: "condition" });
      const doc = await pack.getDocument("DemoRuleScout001");
      const linked = await fromUuid("Compendium.familiar-demo.rules.Item.DemoRuleWinded01");
      const legacy = await fromUuid("Compendium.familiar-demo.rules.DemoRuleWinded01");
      const page_ = await fromUuid("JournalEntry.JournalWelcome01.JournalEntryPage.PageWelcome00002");
      return {
        collection: pack.collection, documentName: pack.documentName, visible: pack.visible, ownership: pack.metadata.ownership, private: pack.metadata.private,
        size: index.size, row, conditions: conditions.map((d) => d.name).sort(), docUuid: doc.uuid, html: doc.system.description.value,
        linked: linked?.name, legacy: legacy?.name, pageName: page_?.name, pageUuid: page_?.uuid, missing: await fromUuid("Actor.nope"),
        obj: Object.keys(doc.toObject()).includes("system"),
      };
    });
    assert.equal(r.collection, "familiar-demo.rules");
    assert.equal(r.documentName, "Item");
    assert.equal(r.visible, true);
    assert.deepEqual(r.ownership, { PLAYER: "OBSERVER", ASSISTANT: "OWNER" });
    assert.equal(r.private, undefined);
    assert.equal(r.size, 12);
    assert.deepEqual(r.row, { _id: "DemoRuleWinded01", name: "Winded", type: "condition", img: "icons/svg/book.svg", uuid: "Compendium.familiar-demo.rules.Item.DemoRuleWinded01", system: { traits: { value: ["condition"] } } });
    assert.deepEqual(r.conditions, ["Separated", "Soaked", "Winded"]);
    assert.equal(r.docUuid, "Compendium.familiar-demo.rules.Item.DemoRuleScout001");
    assert.match(r.html, /@UUID\[Compendium\.familiar-demo\.rules\.Item\.\w+\]\{[^}]+\}/);
    assert.match(r.html, /\[\[\/r 1d6\]\]/);
    assert.equal(r.linked, "Winded");
    assert.equal(r.legacy, "Winded");
    assert.equal(r.pageName, "House Rules");
    assert.equal(r.pageUuid, "JournalEntry.JournalWelcome01.JournalEntryPage.PageWelcome00002");
    assert.equal(r.missing, null);
    assert.equal(r.obj, true);
    await context.close();
  });

  it("v10: metadata.private, untyped compendium uuids, index without uuid", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v10" });
    const r = await page.evaluate(async () => {
      const pack = game.packs.get("familiar-demo.rules");
      const index = await pack.getIndex();
      const doc = await pack.getDocument("DemoRuleScout001");
      return { private: pack.metadata.private, ownership: pack.metadata.ownership, uuid: doc.uuid, indexUuid: index.get("DemoRuleScout001").uuid };
    });
    assert.deepEqual(r, { private: false, ownership: undefined, uuid: "Compendium.familiar-demo.rules.DemoRuleScout001", indexUuid: undefined });
    await context.close();
  });
});

describe("shared pf2e packs", { skip: !shared && "../shared/pf2e not present" }, () => {
  for (const profile of ["v10", "v13", "v14"]) {
    it(`${profile}: private bestiaries are GM-only; players see and read the public packs`, async () => {
      const gm = await openGame(browser, harness, { profile });
      const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
      const visible = (p) => p.evaluate(() => game.packs.filter((x) => x.visible).map((x) => x.collection).sort());
      const gmPacks = await visible(gm.page);
      const playerPacks = await visible(player.page);
      assert.ok(gmPacks.includes("pf2e.pathfinder-bestiary") || gmPacks.includes("pf2e.hazards"));
      assert.ok(!playerPacks.includes("pf2e.hazards"));
      assert.ok(playerPacks.includes("pf2e.spells-srd") && playerPacks.includes("familiar-demo.rules"));
      assert.ok(gmPacks.length > playerPacks.length);
      await assert.rejects(player.page.evaluate(() => game.packs.get("pf2e.hazards").getIndex()), /lacks permission/);
      const hazards = await gm.page.evaluate(async () => (await game.packs.get("pf2e.hazards").getIndex({ fields: ["system.details.level.value"] })).size);
      assert.ok(hazards > 10);
      const spells = await player.page.evaluate(async () => {
        const pack = game.packs.get("pf2e.spells-srd");
        const index = await pack.getIndex({ fields: ["system.level.value"] });
        const first = index.contents[0];
        const doc = await pack.getDocument(first._id);
        return { size: index.size, level: typeof first.system?.level?.value, name: doc.name === first.name, type: pack.documentName };
      });
      assert.ok(spells.size > 1000);
      assert.deepEqual([spells.level, spells.name, spells.type], ["number", true, "Item"]);
      await gm.context.close();
      await player.context.close();
    });
  }
});
