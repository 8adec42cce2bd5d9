// What players may open, live: the GM's world setting of players' views redraws an open panel's tabs without a
// reload (a view taken away is closed, not hidden), a player's Encounter and Monster views work without the GM's
// data (no private bestiary, no actor created without Foundry's permission), a role change of the user redraws the
// tabs, and the raven stays usable across a scene change (a drag in progress ends where it began).
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { axeViolations, GM_VIEWS, openPanel, ravenButton, showView } from "./panel-states.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

const tabNames = (panel) => panel.getByRole("tab").evaluateAll((tabs) => tabs.map((tab) => tab.dataset.familiarView));
const setWorld = (page, key, value) => page.evaluate(({ key, value }) => game.settings.set("pf2e-familiar", key, value), { key, value });

/** Waits until the player's panel shows exactly these tabs. */
async function waitForTabs(page, views) {
  await page.waitForFunction(
    (wanted) => JSON.stringify([...document.querySelectorAll("#familiar-panel [role=tab]")].map((tab) => tab.dataset.familiarView)) === wanted,
    JSON.stringify(views),
    { timeout: 10_000 },
  );
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: the GM's players' views setting reaches an open panel live; a player's views use no GM data`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
    try {
      let panel = await openPanel(player.page);
      assert.deepEqual(await tabNames(panel), ["ask", "about"]);

      await setWorld(gm.page, "playerViews", "encounterMonster");
      await waitForTabs(player.page, ["ask", "encounter", "monster", "about"]);
      assert.equal(await panel.locator("#familiar-view-ask").count(), 1, "the view on show stayed");
      assert.equal(await player.page.locator("#familiar-view-status, [data-familiar-view=status]").count(), 0, "never Status");

      await showView(player.page, "encounter");
      await panel.getByLabel("Party level").fill("2");
      await panel.getByRole("button", { name: "Generate" }).click();
      // The only bestiary here is private to the GM: the player's pool is empty, and says so.
      await panel.locator(".familiar-results__error").waitFor();
      assert.equal(await panel.locator(".familiar-proposal").count(), 0);
      assert.equal(await panel.getByText("Bog Lurker").count(), 0, "no creature of the GM's bestiary");

      await showView(player.page, "monster");
      assert.ok(await panel.locator("#familiar-monster-no-create").isVisible(), "the player is told before trying");
      await panel.getByLabel("Name").fill("Player Made");
      const actorsBefore = await player.page.evaluate(() => game.actors.size);
      await panel.getByRole("button", { name: "Create actor" }).click();
      await panel.locator(".familiar-statblock").waitFor();
      await panel.locator('[data-familiar-results="monster"] [role=status]').getByText(/may not create actors/).waitFor();
      assert.equal(await player.page.evaluate(() => game.actors.size), actorsBefore, "no actor");
      assert.ok((await player.page.evaluate(() => window.__harness.notifications.map((n) => n.message))).some((m) => /may not create actors/.test(m)));
      assert.deepEqual(await axeViolations(player.page), []);

      // Narrowed while the player is on Monster: the view goes (the panel closes, focus back on the raven).
      await setWorld(gm.page, "playerViews", "encounter");
      await panel.waitFor({ state: "detached" });
      assert.equal(await player.page.evaluate(() => document.activeElement?.id), "familiar-raven");
      panel = await openPanel(player.page);
      assert.deepEqual(await tabNames(panel), ["ask", "encounter", "about"], "reopened on the first allowed view");
      assert.equal(await panel.locator("#familiar-view-ask").count(), 1);

      // No questions, but Encounter: the Ask view on show goes, the raven stays with the Encounter tab alone.
      await setWorld(gm.page, "playersMayUse", false);
      await panel.waitFor({ state: "detached" });
      panel = await openPanel(player.page);
      assert.deepEqual(await tabNames(panel), ["encounter", "about"]);
      assert.equal(await panel.locator("#familiar-view-encounter").count(), 1);
      // Nothing left to open: no raven at all.
      await setWorld(gm.page, "playerViews", "none");
      await player.page.locator("#familiar-raven").waitFor({ state: "detached" });
      assert.deepEqual(player.pageErrors, []);
    } finally {
      await setWorld(gm.page, "playerViews", "none").catch(() => {});
      await setWorld(gm.page, "playersMayUse", true).catch(() => {});
      await player.context.close();
      await gm.context.close();
    }
  });

  test(`${profile}: a role change redraws the tabs of the user's open panel and keeps the view they may still open`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openGame(browser, harness, { profile, user: USERS.tamsin });
    const setRole = (role) => gm.page.evaluate(({ id, role }) => game.users.get(id).update({ role }), { id: USERS.tamsin, role });
    try {
      const panel = await openPanel(player.page);
      assert.deepEqual(await tabNames(panel), ["ask", "about"]);
      await setRole(3); // assistant GM
      await waitForTabs(player.page, GM_VIEWS);
      await showView(player.page, "status");
      await setRole(1); // player again: Status goes, and with it the view on show
      await panel.waitFor({ state: "detached" });
      const reopened = await openPanel(player.page);
      assert.deepEqual(await tabNames(reopened), ["ask", "about"]);
      assert.deepEqual(player.pageErrors, []);
    } finally {
      await setRole(1).catch(() => {});
      await player.context.close();
      await gm.context.close();
    }
  });

  test(`${profile}: a scene change keeps the raven usable and ends a drag where it began`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile, user: USERS.brannoc });
    try {
      const raven = await ravenButton(page);
      const start = await raven.boundingBox();
      const transform = await raven.evaluate((element) => element.style.transform);
      await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
      await page.mouse.down();
      await page.mouse.move(start.x - 150, start.y - 120, { steps: 5 });
      await page.waitForFunction(() => document.querySelector("#familiar-raven").classList.contains("familiar-raven--dragging"));
      // The GM pulls everyone to another scene mid-drag: canvasTearDown, then canvasReady.
      await page.evaluate(() => window.__harness.changeScene({ id: "OtherScene000001", name: "The Mill" }));
      assert.equal(await raven.evaluate((element) => element.style.transform), transform, "back where the drag began");
      assert.equal(await raven.evaluate((element) => element.classList.contains("familiar-raven--dragging")), false);
      await page.mouse.up();

      // No scene at all (canvasTearDown with no canvasReady after it): the raven still opens its panel.
      await page.evaluate(() => window.__harness.changeScene(null));
      assert.equal(await page.evaluate(() => canvas.ready), false);
      await raven.click();
      const panel = page.locator("#familiar-panel");
      await panel.waitFor({ state: "visible" });
      await panel.getByRole("searchbox").waitFor();
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
