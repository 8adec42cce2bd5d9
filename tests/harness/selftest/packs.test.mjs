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
// pf2e 8's sample, the v14 profile's world (absent: v14 sees only the demo pack).
const V8 = path.join(SHARED_PF2E, "v8");
const V8_FILES = [path.join(V8, "rules-sample.jsonl"), path.join(V8, "bestiary.jsonl")];
const v8 = fs.existsSync(path.join(V8, "packs.json")) && V8_FILES.every((file) => fs.existsSync(file));
if (!shared) console.log("skipped: ../shared/pf2e not present (demo pack tests still run)");

let harness;
let browser;
before(async () => {
  harness = await startTestHarness({
    moduleDir: PROBE_DIR,
    ...(shared ? { packFiles: [RULES, BESTIARY], packsMeta: META } : {}),
    ...(v8 ? { pf2e8PackFiles: V8_FILES, pf2e8PacksMeta: path.join(V8, "packs.json") } : {}),
  });
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
  for (const profile of ["v10", "v13", ...(v8 ? ["v14"] : [])]) {
    it(`${profile}: private bestiaries are GM-only; players see and read the public packs`, async () => {
      const gm = await openGame(browser, harness, { profile });
      const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
      const visible = (p) => p.evaluate(() => game.packs.filter((x) => x.visible).map((x) => x.collection).sort());
      const gmPacks = await visible(gm.page);
      const playerPacks = await visible(player.page);
      // The 2021 world's bestiaries on v10–v13, pf2e 8's Monster Core on v14.
      assert.ok(profile === "v14" ? gmPacks.includes("pf2e.pathfinder-monster-core") : gmPacks.some((id) => id.endsWith("-bestiary")), gmPacks.join());
      assert.ok(gmPacks.includes("pf2e.hazards"));
      assert.ok(!playerPacks.includes("pf2e.hazards"));
      assert.ok(playerPacks.includes("pf2e.spells-srd") && playerPacks.includes("familiar-demo.rules"));
      assert.ok(gmPacks.length > playerPacks.length);
      await assert.rejects(player.page.evaluate(() => game.packs.get("pf2e.hazards").getIndex()), /lacks permission/);
      const hazards = await gm.page.evaluate(async () => (await game.packs.get("pf2e.hazards").getIndex({ fields: ["system.details.level.value"] })).size);
      assert.ok(hazards >= (profile === "v14" ? 6 : 10), `${hazards} hazards`);
      const spells = await player.page.evaluate(async () => {
        const pack = game.packs.get("pf2e.spells-srd");
        const index = await pack.getIndex({ fields: ["system.level.value"] });
        const first = index.contents[0];
        const doc = await pack.getDocument(first._id);
        return { size: index.size, level: typeof first.system?.level?.value, name: doc.name === first.name, type: pack.documentName };
      });
      assert.ok(spells.size >= (profile === "v14" ? 15 : 1000), `${spells.size} spells`);
      assert.deepEqual([spells.level, spells.name, spells.type], ["number", true, "Item"]);
      await gm.context.close();
      await player.context.close();
    });
  }
});
