// Scenes, Tokens, Combats and Combatants per profile: an actor imported from a compendium records its source where
// that version does (flags.core.sourceId before v12, _stats.compendiumSource after), its prototype token becomes a
// token on the viewed scene and a placeable on the canvas, Combat.create + activate + createEmbeddedDocuments make
// the viewed combat (game.combat) with hooks fired, every other client sees it, and players may not create combats.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "../../support/browser.mjs";
import { startTestHarness, openGame, USERS, generationOf } from "../../support/harness.mjs";
import { CREATURES } from "../../e2e/setup.mjs";

let harness;
let browser;
before(async () => {
  harness = await startTestHarness({ packFiles: [CREATURES.file], packsMeta: [CREATURES.meta] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

describe("scenes, tokens and combats", () => {
  for (const profile of ["v10", "v13", "v14"]) {
    it(`${profile}: import, place a token, make the viewed combat; another client sees it; a player may not`, async () => {
      const gm = await openGame(browser, harness, { profile });
      const player = await openGame(browser, harness, { profile, user: USERS.tamsin });
      try {
        const seen = await gm.page.evaluate(async () => {
          const hooks = [];
          for (const hook of ["createToken", "createCombat", "updateCombat", "createCombatant"]) Hooks.on(hook, (doc) => hooks.push([hook, doc.documentName]));
          const world = game.actors.get("ActorMillCrow001");
          const pack = game.packs.get("familiar-test.creatures");
          let imported = null;
          {
            const [entry] = await pack.getIndex();
            const actor = await game.actors.importFromCompendium(pack, entry._id);
            const source = (await pack.getDocument(entry._id)).uuid;
            imported = {
              source,
              sourceId: actor.flags?.core?.sourceId ?? null,
              compendiumSource: actor._stats?.compendiumSource ?? null,
              inWorld: game.actors.has(actor.id),
              newId: actor.id !== entry._id,
            };
          }
          const tokenData = (await world.getTokenDocument({ x: 200, y: 300, hidden: true })).toObject();
          const [token] = await canvas.scene.createEmbeddedDocuments("Token", [tokenData]);
          const combat = await CONFIG.Combat.documentClass.create({ scene: canvas.scene.id, active: true });
          const [combatant] = await combat.createEmbeddedDocuments("Combatant", [{ tokenId: token.id, actorId: world.id, hidden: true }]);
          return {
            imported,
            token: { x: token.x, y: token.y, hidden: token.hidden, actor: token.actor?.id, placeable: canvas.tokens.get(token.id)?.actor?.id, active: world.getActiveTokens(false, true).length },
            combat: { viewed: game.combat?.id === combat.id, scene: combat.scene?.id === canvas.scene.id, active: combat.active, started: combat.started },
            combatant: { name: combatant.name, token: combatant.token?.id === token.id, actor: combatant.actor?.id, inCombat: token.inCombat },
            hooks,
            combatId: combat.id,
            tokenId: token.id,
          };
        });
        assert.deepEqual(seen.token, { x: 200, y: 300, hidden: true, actor: "ActorMillCrow001", placeable: "ActorMillCrow001", active: 1 });
        assert.deepEqual(seen.combat, { viewed: true, scene: true, active: true, started: false });
        assert.deepEqual(seen.combatant, { name: "Mill Crow", token: true, actor: "ActorMillCrow001", inCombat: true });
        assert.deepEqual(seen.hooks, [["createToken", "Token"], ["createCombat", "Combat"], ["updateCombat", "Combat"], ["createCombatant", "Combatant"]]);
        {
          const { source, sourceId, compendiumSource, inWorld, newId } = seen.imported;
          assert.ok(inWorld && newId);
          assert.deepEqual(generationOf(profile) >= 13 ? [compendiumSource, sourceId] : [sourceId, compendiumSource], [source, null]);
        }

        await player.page.waitForFunction((id) => game.combat?.id === id && game.combat.combatants.size === 1, seen.combatId);
        const refused = await player.page.evaluate(() => CONFIG.Combat.documentClass.create({ scene: canvas.scene.id }).then(() => "created", (error) => error.message));
        assert.match(refused, /lacks permission to create Combat/);

        await gm.page.evaluate(async ({ combatId, tokenId }) => {
          await game.combats.get(combatId).delete();
          await canvas.scene.deleteEmbeddedDocuments("Token", [tokenId]);
        }, seen);
        await player.page.waitForFunction((id) => game.combat === null && !canvas.scene.tokens.has(id) && !canvas.tokens.get(id), seen.tokenId);
      } finally {
        await gm.context.close();
        await player.context.close();
      }
    });
  }
});
