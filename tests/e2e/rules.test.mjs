// The rules index inside Foundry: built from the packs a user may open, searched through the public API,
// saved to IndexedDB and loaded back, rebuilt when the saved bytes are corrupted, and updated in place when a
// compendium document changes.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { openGame, SHARED_PF2E, startTestHarness, USERS, waitReady } from "../support/harness.mjs";
import { STAGED_MODULE } from "./paths.mjs";
import { GM_SECRETS, useModuleHarness } from "./setup.mjs";
import { waitForAsync } from "./waits.mjs";

let browser;
let harness;
useModuleHarness({ packs: [GM_SECRETS] }, (started) => ({ browser, harness } = started));

const search = (page, query, options) =>
  page.evaluate(([q, o]) => game.modules.get("pf2e-familiar").api.search(q, o), [query, options]);
const indexStatus = (page) => page.evaluate(() => game.modules.get("pf2e-familiar").api.rulesIndexStatus());

test("a GM's search finds rules by everyday words and cites them as content links", async () => {
  const { page, context, consoleErrors } = await openGame(browser, harness, { profile: "v13" });
  try {
    const hits = await search(page, "how do I catch my breath after a fight?", { top: 5 });
    assert.equal(hits[0].name, "Catch Your Breath");
    assert.equal(hits[0].link, "@UUID[Compendium.familiar-demo.rules.Item.DemoRuleBreath01]{Catch Your Breath}");
    assert.ok(hits[0].snippet.length > 0);
    for (const hostile of ['"unclosed', "name:(", "[[/r 1d6]] OR AND NOT", "", "   ", "\u0000\ud800"]) {
      assert.ok(Array.isArray(await search(page, hostile)), JSON.stringify(hostile));
    }
    const secret = await search(page, "ferryman phylactery twist");
    assert.equal(secret[0]?.name, "The Ferryman's Secret");
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test("players never see documents of packs they may not open", async () => {
  for (const profile of ["v10", "v13", "v14"]) {
    const { page, context } = await openGame(browser, harness, { profile, user: USERS.brannoc });
    try {
      const hits = await search(page, "ferryman phylactery twist ambush weir bandits", { top: 20 });
      assert.equal(hits.some((hit) => hit.pack === GM_SECRETS.meta.id), false, JSON.stringify(hits.map((hit) => hit.name)));
      const status = await indexStatus(page);
      assert.equal(status.packs.includes(GM_SECRETS.meta.id), false);
      assert.ok(status.packs.includes("familiar-demo.rules"));
    } finally {
      await context.close();
    }
  }
});

test("the index is saved, loaded back on reload, and rebuilt when the saved bytes are corrupted", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v12" });
  try {
    await search(page, "make camp");
    assert.equal((await indexStatus(page)).source, "built");
    // Saving happens right after the build; wait for it to land.
    await waitForAsync(page, async () => {
      const keys = await new Promise((resolve) => {
        const open = indexedDB.open("pf2e-familiar");
        open.onsuccess = () => {
          const request = open.result.transaction("blobs").objectStore("blobs").getAllKeys();
          request.onsuccess = () => resolve(request.result);
        };
      });
      return keys.length > 0;
    });
    await page.reload();
    await waitReady(page);
    await search(page, "make camp");
    assert.equal((await indexStatus(page)).source, "cache");

    await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("pf2e-familiar");
          open.onsuccess = () => {
            const transaction = open.result.transaction("blobs", "readwrite");
            const cursor = transaction.objectStore("blobs").openCursor();
            cursor.onsuccess = () => {
              const entry = cursor.result;
              const bytes = new Uint8Array(entry.value.bytes);
              for (let i = 64; i < bytes.length; i += 97) bytes[i] ^= 0x5a;
              entry.update({ ...entry.value, bytes });
            };
            // Reload only once the corrupted bytes are committed, not when the write is merely queued.
            transaction.oncomplete = () => resolve();
            transaction.onerror = () => reject(transaction.error);
          };
        }),
    );
    await page.reload();
    await waitReady(page);
    const hits = await search(page, "make camp");
    assert.equal(hits[0].name, "Make Camp");
    assert.equal((await indexStatus(page)).source, "rebuilt-after-corruption");
  } finally {
    await context.close();
  }
});

test("edits to compendium documents update the index without a rebuild", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v11" });
  try {
    await search(page, "anything");
    const before = await indexStatus(page);
    const found = await page.evaluate(async () => {
      const source = {
        _id: "HomebrewGlide01",
        name: "Feather Glide",
        type: "action",
        system: { description: { value: "<p>You spread your cloak and drift down gently.</p>" }, traits: { value: [] } },
      };
      const document = {
        pack: "familiar-demo.rules",
        uuid: "Compendium.familiar-demo.rules.Item.HomebrewGlide01",
        toObject: () => structuredClone(source),
      };
      Hooks.callAll("createItem", document, {}, game.user.id);
      const api = game.modules.get("pf2e-familiar").api;
      const added = (await api.search("feather glide drift"))[0]?.name;
      source.name = "Feather Fall Glide";
      Hooks.callAll("updateItem", document, { name: source.name }, {}, game.user.id);
      const renamed = (await api.search("feather glide drift"))[0]?.name;
      Hooks.callAll("deleteItem", document, {}, game.user.id);
      const deleted = (await api.search("feather glide drift")).some((hit) => hit.uuid === document.uuid);
      return { added, renamed, deleted };
    });
    assert.deepEqual(found, { added: "Feather Glide", renamed: "Feather Fall Glide", deleted: false });
    const after = await indexStatus(page);
    assert.equal(after.documents, before.documents);
    assert.equal(after.buildMs, before.buildMs, "no rebuild happened");
  } finally {
    await context.close();
  }
});

describe("with the pf2e compendia of ../shared/pf2e", () => {
  const available = existsSync(path.join(SHARED_PF2E, "rules-sample.jsonl"));
  test("remaster names find the pre-remaster entries, and a player's index holds no GM-only pack", { skip: !available && "skipped: ../shared/pf2e not present" }, async () => {
    const shared = await startTestHarness({
      moduleDir: STAGED_MODULE,
      packFiles: [path.join(SHARED_PF2E, "rules-sample.jsonl")],
      packsMeta: path.join(SHARED_PF2E, "packs.json"),
    });
    const { page, context } = await openGame(browser, shared, { profile: "v13", user: USERS.brannoc });
    try {
      const hits = await search(page, "what does off-guard do?", { top: 5 });
      assert.ok(hits.some((hit) => hit.name === "Flat-Footed"), JSON.stringify(hits.map((hit) => hit.name)));
      const status = await indexStatus(page);
      assert.ok(status.documents > 5000, `${status.documents} documents`);
      const privatePacks = (await import(path.join(SHARED_PF2E, "packs.json"), { with: { type: "json" } })).default
        .filter((pack) => pack.private)
        .map((pack) => pack.id);
      assert.equal(status.packs.some((pack) => privatePacks.includes(pack)), false);
      console.log(`# pf2e rules index in the browser: ${status.documents} documents in ${status.buildMs} ms`);
    } finally {
      await context.close();
      await shared.close();
    }
  });
});
