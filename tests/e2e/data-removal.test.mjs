// The GM's "Remove all Familiar data" reaches the players' browsers: a connected one removes its data and reports its
// counts, a silent one (its answer lost) still removes its data when the world's marker changes and is reported as not
// answering, one closed during the removal removes its data at its next `ready`, and an order a player forges (naming
// no marker of the world) removes nothing. On v10 the order goes over the module socket, on v13 as a user query.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS, generationOf } from "../support/harness.mjs";
import { useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** Gives a page Familiar data of two kinds: a client setting and an Ask history record in IndexedDB. */
async function plantData(page) {
  // A page opened after an earlier test's removal applies it once, just after `ready`: planted data must come later.
  await page.waitForFunction(() => {
    const marker = game.settings.get("pf2e-familiar", "dataRemovedAt");
    return !marker || JSON.parse(localStorage.getItem(`pf2e-familiar-removal.${game.world.id}`) ?? "{}").stamp === marker;
  });
  return page.evaluate(async () => {
    const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
    await game.settings.set("pf2e-familiar", "animations", false);
    const record = { v: 1, question: `${game.user.name}'s question`, answer: "an answer", citations: [], provider: "x", at: Date.now() };
    await storage.saveBlob(`ask-history:${game.world.id}:${game.user.id}`, [record]);
  });
}

/** The planted data a page still holds: `{setting, history}`. */
function plantedData(page) {
  return page.evaluate(async () => {
    const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
    const history = (await storage.loadBlob(`ask-history:${game.world.id}:${game.user.id}`)) ?? [];
    return { setting: localStorage.getItem("pf2e-familiar.animations") !== null, history: history.length };
  });
}

/** How many client settings and stored records of the world a page holds (what its report should count). */
function localCounts(page) {
  return page.evaluate(async () => {
    const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
    const stored = (await storage.listBlobKeys()).filter((key) => key.includes(`:${game.world.id}:`));
    return { settings: Object.keys(localStorage).filter((key) => key.startsWith("pf2e-familiar.")).length, stored: stored.length };
  });
}

const untouched = { setting: true, history: 1 };
const removed = { setting: false, history: 0 };

/** Waits until a page has applied the world's removal (it notes the marker once its data is gone), then checks the
 * planted data went. */
async function waitForRemoval(page) {
  await page.waitForFunction(() => {
    const applied = JSON.parse(localStorage.getItem(`pf2e-familiar-removal.${game.world.id}`) ?? "{}").stamp;
    return applied === game.settings.get("pf2e-familiar", "dataRemovedAt");
  }, null, { timeout: 15_000 });
  assert.deepEqual(await plantedData(page), removed);
}

/** A player's forged order, sent as the GM's would be: it names a stamp that is not the world's marker. */
function forgeOrder(page, target) {
  return page.evaluate(async (target) => {
    const stamp = Date.now() + 60_000;
    if (game.release.generation >= 13) return game.users.get(target).query("pf2e-familiar.removeLocalData", { stamp }, { timeout: 10_000 });
    game.socket.emit("module.pf2e-familiar", { kind: "remove-local-data", stamp });
    return null;
  }, target);
}

/** Makes a page's answer to the GM's order go missing; its data still goes when the marker changes. */
function silence(page) {
  return page.evaluate(() => {
    if (game.release.generation >= 13) {
      CONFIG.queries["pf2e-familiar.removeLocalData"] = () => new Promise(() => {});
      return;
    }
    const emit = game.socket.emit.bind(game.socket);
    game.socket.emit = (channel, message, ...rest) => (message?.kind === "local-data-removed" ? undefined : emit(channel, message, ...rest));
  });
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: Remove all reaches connected, silent and closed browsers, and a forged order removes nothing`, async () => {
    const gm = await openGame(browser, harness, { profile });
    const ysolde = await openGame(browser, harness, { profile, user: USERS.ysolde });
    const brannoc = await openGame(browser, harness, { profile, user: USERS.brannoc });
    let tamsin = await openGame(browser, harness, { profile, user: USERS.tamsin });
    try {
      for (const page of [ysolde.page, brannoc.page, tamsin.page]) await plantData(page);

      // A forged order: the target keeps everything (on v13 it answers that it removed nothing).
      const forged = await forgeOrder(ysolde.page, USERS.brannoc);
      if (generationOf(profile) >= 13) assert.deepEqual(forged, { removed: null });
      else await brannoc.page.waitForTimeout(3_500); // past the wait for the marker an order names
      assert.deepEqual(await plantedData(brannoc.page), untouched);
      assert.deepEqual(await plantedData(ysolde.page), untouched);

      // Tamsin closes her browser tab; her browser's storage (the context) stays.
      const tamsinContext = tamsin.context;
      await tamsin.page.close();
      await gm.page.waitForFunction((id) => !game.users.get(id).active, USERS.tamsin);
      await silence(brannoc.page);

      const ysoldeHeld = await localCounts(ysolde.page);
      await gm.page.evaluate(() => new (game.settings.menus.get("pf2e-familiar.privacy").type)().render(true));
      const privacy = gm.page.locator("#familiar-privacy form");
      await privacy.getByRole("button", { name: "Remove all Familiar data from this world" }).click();
      await privacy.getByRole("group", { name: "Remove all Familiar data from this world" }).getByRole("button", { name: "Remove all Familiar data from this world" }).click();
      const said = privacy.locator("[data-familiar-privacy-status]");
      await said.getByText(/^Removed:/).waitFor({ timeout: 20_000 });
      const text = await said.textContent();
      assert.ok(text.includes(`Ysolde's browser removed ${ysoldeHeld.settings} settings, ${ysoldeHeld.stored} stored records and 0 waiting requests.`), text);
      assert.match(text, /Brannoc's browser did not answer; it removes its Familiar data the next time it opens this world\./);
      assert.match(text, /1 users not connected: their browsers remove their Familiar data the next time they open this world\./);

      // The connected browsers' data is gone, the silent one's too (the marker's change reached it).
      assert.deepEqual(await plantedData(ysolde.page), removed);
      await waitForRemoval(brannoc.page);
      // Tamsin's data waits in her closed browser until she opens the world again.
      tamsin = await openGame(browser, harness, { profile, user: USERS.tamsin, context: tamsinContext });
      await waitForRemoval(tamsin.page);
      // Applied once: a player who sets a preference again keeps it through a reload.
      await tamsin.page.evaluate(() => game.settings.set("pf2e-familiar", "animations", false));
      await tamsin.page.reload();
      await tamsin.page.waitForFunction(() => window.__harness?.lifecycle.includes("ready"));
      await tamsin.page.waitForTimeout(500);
      assert.equal(await tamsin.page.evaluate(() => localStorage.getItem("pf2e-familiar.animations")), "false");

      // The relay still works after its keys went with the users' flags: each page published its key again.
      await ysolde.page.waitForFunction(() => typeof game.user.getFlag("pf2e-familiar", "relayKey") === "string");
      await gm.page.waitForFunction(() => typeof game.user.getFlag("pf2e-familiar", "relayKey") === "string");
      for (const page of [gm, ysolde, brannoc, tamsin]) assert.deepEqual(page.pageErrors, []);
    } finally {
      for (const page of [ysolde, brannoc, tamsin, gm]) await page.context.close().catch(() => {});
    }
  });
}
