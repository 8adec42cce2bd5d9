// The Encounter view and Foundry's combats: a proposal becomes a new combat in the current scene (its compendium
// creatures imported into the world once, a hidden token each on the scene, an active Combat with a Combatant per
// token, seen by the other clients), and the current combat is rated with each creature's XP and the threat.
// Players never get the combat button.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { axeViolations, openPanel, showView } from "./panel-states.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

async function generate(panel) {
  await panel.getByLabel("Party level").fill("2");
  await panel.getByLabel("Party size").fill("4");
  await panel.getByLabel("Threat").selectOption("moderate");
  await panel.getByRole("button", { name: "Generate" }).click();
  await panel.locator(".familiar-proposal").first().waitFor();
}

/** What the page knows of the viewed combat: its scene, whether active, and each combatant's token and actor. */
function viewedCombat(page) {
  return page.evaluate(() => {
    const combat = game.combat;
    if (!combat) return null;
    return {
      id: combat.id,
      scene: combat.scene?.id ?? null,
      viewedScene: canvas.scene.id,
      active: combat.active,
      combatants: combat.combatants.map((combatant) => ({
        name: combatant.name,
        hidden: combatant.hidden,
        tokenHidden: combatant.token?.hidden ?? null,
        tokenOnScene: canvas.scene.tokens.has(combatant.tokenId),
        actorId: combatant.actor?.id ?? null,
        actorInWorld: game.actors.has(combatant.actorId),
        source: game.release.generation >= 12 ? combatant.actor?._stats?.compendiumSource : combatant.actor?.flags?.core?.sourceId,
      })),
    };
  });
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: a proposal becomes a new combat in the scene, imported once, and the current combat is rated`, async () => {
    const gm = await openGame(browser, harness, { profile });
    const player = await openGame(browser, harness, { profile, user: USERS.tamsin });
    try {
      const panel = await openPanel(gm.page);
      await showView(gm.page, "encounter");

      // No combat yet in this scene: the rating says so. The world is shared by the profiles' runs, and v13 and v14
      // record an import's source alike: the actors an earlier run imported from the test pack go first.
      await gm.page.evaluate(() => Promise.all(game.combats.contents.map((combat) => combat.delete())));
      await gm.page.evaluate(() => Promise.all(game.actors.contents
        .filter((actor) => /familiar-test\.creatures/.test(actor._stats?.compendiumSource ?? actor.flags?.core?.sourceId ?? ""))
        .map((actor) => actor.delete())));
      await panel.getByRole("button", { name: "Rate the current combat" }).click();
      await panel.locator(".familiar-results__error").getByText(/no combat/).waitFor();

      await generate(panel);
      const proposal = panel.locator(".familiar-proposal").first();
      const members = await proposal.locator(".familiar-proposal__members li").evaluateAll((items) =>
        items.map((item) => ({ uuid: item.querySelector("a").dataset.uuid, name: item.querySelector("a").textContent, count: Number(/× (\d+)/.exec(item.textContent)[1]) })),
      );
      const proposedXp = Number(/^(\d+) XP/.exec(await proposal.locator("header p").textContent())[1]);
      const creatures = members.reduce((sum, member) => sum + member.count, 0);
      const actorsBefore = await gm.page.evaluate(() => game.actors.size);

      await proposal.getByRole("button", { name: "Start a combat" }).click();
      await gm.page.waitForFunction((count) => game.combat?.combatants.size === count, creatures);
      const combat = await viewedCombat(gm.page);
      assert.equal(combat.scene, combat.viewedScene, "the combat belongs to the current scene");
      assert.equal(combat.active, true);
      assert.equal(combat.combatants.length, creatures);
      for (const combatant of combat.combatants) {
        assert.ok(combatant.tokenOnScene && combatant.actorInWorld, `${combatant.name}: token on the scene, actor in the world`);
        assert.equal(combatant.hidden, true);
        assert.equal(combatant.tokenHidden, true);
        assert.ok(members.some((member) => member.uuid === combatant.source && member.name === combatant.name), `${combatant.name} comes from its compendium entry`);
      }
      const imported = await gm.page.evaluate(() => game.actors.size);
      assert.equal(imported - actorsBefore, members.length, "one world actor per distinct creature");
      await gm.page.waitForFunction(() => window.__harness.notifications.some((n) => /Combat ready in The Vale Road/.test(n.message)));

      // The other clients get the combat, its combatants and the tokens (Foundry broadcasts every write).
      await player.page.waitForFunction((count) => game.combat?.combatants.size === count && canvas.scene.tokens.size >= count, creatures);

      // Rating the current combat: each creature with its XP, the total the proposal promised, the threat.
      await panel.getByRole("button", { name: "Rate the current combat" }).click();
      const rated = panel.getByRole("article", { name: "The current combat" });
      await rated.waitFor();
      const ratedText = await rated.locator("header p").textContent();
      assert.equal(Number(/^(\d+) XP/.exec(ratedText)[1]), proposedXp);
      assert.match(ratedText, /Moderate/);
      assert.equal(await rated.locator(".familiar-proposal__members li").count(), creatures);
      for (const line of await rated.locator(".familiar-proposal__members li").allTextContents()) assert.match(line, /level -?\d+, \d+ XP each/);
      assert.equal(await rated.getByRole("button").count(), 0, "a rating offers no proposal actions");
      assert.deepEqual(await axeViolations(gm.page), []);

      // The same proposal again: a second combat, now the active one, and no second import of the same creatures.
      await generate(panel);
      await panel.locator(".familiar-proposal").first().getByRole("button", { name: "Start a combat" }).click();
      await gm.page.waitForFunction((first) => game.combat && game.combat.id !== first, combat.id);
      const state = await gm.page.evaluate((first) => ({ firstActive: game.combats.get(first).active, combats: game.combats.size }), combat.id);
      assert.deepEqual(state, { firstActive: false, combats: 2 });
      const sources = await gm.page.evaluate(() =>
        game.actors.map((actor) => (game.release.generation >= 12 ? actor._stats?.compendiumSource : actor.flags?.core?.sourceId)).filter(Boolean),
      );
      assert.equal(new Set(sources).size, sources.length, "each compendium creature imported once across combats");

      // The scene's tokens are rated too (both combats' creatures are on the scene now).
      await panel.getByRole("button", { name: "Rate the scene's tokens" }).click();
      await panel.getByRole("article", { name: "Tokens in The Vale Road" }).waitFor();
      assert.deepEqual(gm.pageErrors, []);
      assert.deepEqual(player.pageErrors, []);
    } finally {
      await gm.page.evaluate(() => Promise.all(game.combats.contents.map((combat) => combat.delete()))).catch(() => {});
      await gm.context.close();
      await player.context.close();
    }
  });

  test(`${profile}: players never see the combat button, with the Encounter view hidden or allowed`, async () => {
    const gm = await openGame(browser, harness, { profile });
    const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const setWorld = (key, value) => gm.page.evaluate(({ key, value }) => game.settings.set("pf2e-familiar", key, value), { key, value });
    try {
      let panel = await openPanel(player.page);
      assert.equal(await panel.locator("#familiar-view-encounter").count(), 0, "the Encounter view is not rendered");
      assert.equal(await player.page.locator('[data-familiar-action="start-combat"], [data-familiar-action="rate-combat"]').count(), 0);

      // Allowed Encounter: ratings, but never a combat button (only a GM makes combats and places tokens).
      await setWorld("playerViews", "encounter");
      await player.page.locator('#familiar-panel [data-familiar-view="encounter"]').waitFor();
      panel = await showView(player.page, "encounter");
      await panel.getByRole("button", { name: "Rate the current combat" }).click();
      await panel.locator(".familiar-results__error, .familiar-proposal").first().waitFor();
      assert.equal(await player.page.locator('[data-familiar-action="start-combat"]').count(), 0);
      assert.deepEqual(player.pageErrors, []);
    } finally {
      await setWorld("playerViews", "none").catch(() => {});
      await gm.context.close();
      await player.context.close();
    }
  });
}
