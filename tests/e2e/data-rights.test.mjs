// A player's data rights and the world's retention, through the module: the GM's retention setting purges older
// Ask history in the player's browser as soon as it changes; "Export my data" downloads everything Familiar keeps
// about the player as JSON; "Forget me" deletes their history and waiting questions here and, through the GM's
// client, their usage record in the world.
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";
import { waitForAsync } from "./waits.mjs";

const DAY_MS = 24 * 60 * 60 * 1000;

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

function storedHistory(page) {
  return page.evaluate(async () => {
    const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
    return (await storage.loadBlob(`ask-history:${game.world.id}:${game.user.id}`)) ?? [];
  });
}

async function openPrivacy(page) {
  await page.evaluate(() => new (game.settings.menus.get("pf2e-familiar.privacy").type)().render(true));
  const form = page.locator("#familiar-privacy form");
  await form.waitFor();
  return form;
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: retention purges old history, Export my data has it all, Forget me leaves nothing of the player`, async () => {
    const gm = await openGame(browser, harness, { profile });
    const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const prefix = `rights-${profile}`;
    try {
      // A relayed question (a loopback provider: no third party, no consent needed) gives the player a usage record.
      const form = await openProviderForm(gm.page);
      await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model: "ok", key: "sk-rights" });
      await saveForm(gm.page, form);
      const panel = await openAsk(player.page);
      await ask(panel, "how do I catch my breath after a fight?");
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      await gm.page.waitForFunction(
        (id) => JSON.parse(game.settings.get("pf2e-familiar", "relayUsage") || "[]").some((entry) => entry.userId === id),
        USERS.brannoc,
        { timeout: 10_000 },
      );
      await waitForAsync(player.page, async () => {
        const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
        return ((await storage.loadBlob(`ask-history:${game.world.id}:${game.user.id}`)) ?? []).length === 1;
      });

      // Two exchanges saved 100 days ago; the GM keeps 30 days.
      await player.page.evaluate(async (days) => {
        const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
        const key = `ask-history:${game.world.id}:${game.user.id}`;
        const record = (question, age) => ({ v: 1, question, answer: "an answer", citations: [], provider: "x", at: Date.now() - age });
        const planted = [record("old question 1", 100 * days), record("old question 2", 100 * days), record("recent planted question", days)];
        await storage.saveBlob(key, [...planted, ...((await storage.loadBlob(key)) ?? [])]);
      }, DAY_MS);
      assert.equal((await storedHistory(player.page)).length, 4);
      // Each profile's own value, so the setting changes (and its onChange runs) in both.
      await gm.page.evaluate((days) => game.settings.set("pf2e-familiar", "historyRetentionDays", days), profile === "v10" ? 30 : 31);
      await waitForAsync(player.page, async () => {
        const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
        return ((await storage.loadBlob(`ask-history:${game.world.id}:${game.user.id}`)) ?? []).length === 2;
      });
      const kept = ["recent planted question", "how do I catch my breath after a fight?"];
      assert.deepEqual((await storedHistory(player.page)).map((entry) => entry.question), kept);

      const privacy = await openPrivacy(player.page);
      const download = player.page.waitForEvent("download");
      await privacy.getByRole("button", { name: "Export my data" }).click();
      const file = await download;
      assert.match(file.suggestedFilename(), /^familiar-my-data-.*\.json$/);
      const data = JSON.parse(await fs.readFile(await file.path(), "utf8"));
      assert.equal(data.format, "familiar-user-data");
      assert.equal(data.user.id, USERS.brannoc);
      assert.deepEqual(data.askHistory.map((entry) => entry.question), kept);
      assert.ok(data.usage.length === 1 && data.usage[0].userId === USERS.brannoc, "today's usage record");

      await privacy.getByRole("button", { name: "Forget me" }).click();
      await privacy.getByRole("group", { name: "Forget me" }).getByRole("button", { name: "Forget me" }).click();
      await privacy.getByText(/Familiar forgot you: 2 saved questions deleted/).waitFor();
      assert.deepEqual(await storedHistory(player.page), []);
      assert.equal(await player.page.evaluate(() => sessionStorage.getItem("pf2e-familiar.relay.pending")), null);
      // The GM's client removes the usage record and clears the request.
      await gm.page.waitForFunction(
        (id) => !JSON.parse(game.settings.get("pf2e-familiar", "relayUsage") || "[]").some((entry) => entry.userId === id),
        USERS.brannoc,
        { timeout: 10_000 },
      );
      await player.page.waitForFunction(() => game.user.getFlag("pf2e-familiar", "forgetRequested") === undefined);
      assert.deepEqual(player.pageErrors, []);
      assert.deepEqual(gm.pageErrors, []);
    } finally {
      await player.context.close();
      await gm.context.close();
    }
  });
}

/** Everything of Familiar's a page can see: world settings stored, flags on users and actors, its localStorage,
 * sessionStorage and IndexedDB records of this world. */
function familiarFootprint(page) {
  return page.evaluate(async () => {
    const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
    const ours = (flags) => Object.keys(flags?.["pf2e-familiar"] ?? {}).length > 0;
    return {
      worldSettings: [...game.settings.storage.get("world").keys()].filter((key) => key.startsWith("pf2e-familiar.")),
      userFlags: game.users.filter((user) => ours(user.flags)).map((user) => user.id),
      actorFlags: game.actors.filter((actor) => ours(actor.flags)).map((actor) => actor.id),
      localStorage: Object.keys(localStorage).filter((key) => key.startsWith("pf2e-familiar.")),
      sessionStorage: Object.keys(sessionStorage).filter((key) => key.startsWith("pf2e-familiar.")),
      stored: (await storage.listBlobKeys()).filter((key) => key.includes(`:${game.world.id}:`)),
    };
  });
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: the GM removes all of Familiar's data from the world and is told exactly what went`, async () => {
    const gm = await openGame(browser, harness, { profile });
    const player = await openGame(browser, harness, { profile, user: USERS.ysolde });
    const prefix = `remove-${profile}`;
    try {
      const form = await openProviderForm(gm.page);
      await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model: "ok", key: "sk-remove" });
      await saveForm(gm.page, form);
      // Data of every kind: the GM's and a player's Ask history, usage, consent, a retention choice, budgets.
      const gmPanel = await openAsk(gm.page);
      await ask(gmPanel);
      await gmPanel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const panel = await openAsk(player.page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      await gm.page.waitForFunction(() => JSON.parse(game.settings.get("pf2e-familiar", "relayUsage") || "[]").length > 0, null, { timeout: 10_000 });
      await player.page.evaluate(() => game.user.setFlag("pf2e-familiar", "consent", { providers: { "https://api.example.test": false }, at: Date.now() }));
      await gm.page.evaluate(async () => {
        await game.settings.set("pf2e-familiar", "historyRetentionDays", 45);
        await game.settings.set("pf2e-familiar", "providerConsent", { "https://api.example.test": { allowed: true, name: "x", at: Date.now() } });
        await game.settings.set("pf2e-familiar", "relayBudgets", { daily: 1000, users: {} });
      });
      const before = await familiarFootprint(gm.page);
      assert.ok(before.worldSettings.length >= 4, JSON.stringify(before));
      assert.ok(before.userFlags.length >= 1 && before.localStorage.length >= 1 && before.stored.length >= 1, JSON.stringify(before));

      await gm.page.evaluate(() => new (game.settings.menus.get("pf2e-familiar.privacy").type)().render(true));
      const privacy = gm.page.locator("#familiar-privacy form");
      await privacy.getByRole("button", { name: "Remove all Familiar data from this world" }).click();
      await privacy.getByRole("group", { name: "Remove all Familiar data from this world" }).getByRole("button", { name: "Remove all Familiar data from this world" }).click();
      const said = privacy.locator("[data-familiar-privacy-status]");
      await said.getByText(/^Removed:/).waitFor();
      const text = await said.textContent();
      assert.match(text, new RegExp(`Removed: ${before.worldSettings.length} world settings, ${before.localStorage.length} settings of this browser, ${before.userFlags.length} users' flags, 0 actors' flags, ${before.stored.length} stored records`));

      assert.match(text, /Ysolde's browser removed \d+ settings, \d+ stored records and 0 waiting requests\./);
      assert.match(text, /Kept: the time of this removal/);
      // What stays: the removal's marker, and the public relay key each connected page publishes again.
      const left = { worldSettings: ["pf2e-familiar.dataRemovedAt"], userFlags: [], actorFlags: [], localStorage: [], sessionStorage: [], stored: [] };
      assert.deepEqual({ ...(await familiarFootprint(gm.page)), userFlags: [] }, left);
      assert.deepEqual(await gm.page.evaluate(() => game.users.filter((user) => user.flags?.["pf2e-familiar"]).flatMap((user) => Object.keys(user.flags["pf2e-familiar"])).filter((key) => key !== "relayKey")), []);
      // Another client sees the world's part gone too, and its own browser's records went with them.
      await player.page.waitForFunction(() => ![...game.settings.storage.get("world").keys()].some((key) => key.startsWith("pf2e-familiar.") && key !== "pf2e-familiar.dataRemovedAt"));
      const seen = await familiarFootprint(player.page);
      assert.deepEqual([seen.worldSettings, seen.actorFlags, seen.localStorage, seen.stored], [["pf2e-familiar.dataRemovedAt"], [], [], []]);
      assert.deepEqual(gm.pageErrors, []);
    } finally {
      await player.context.close();
      await gm.context.close();
    }
  });
}
