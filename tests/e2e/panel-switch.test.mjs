// Switching tabs draws only the tabpanel, in place: the window is not rendered again (no render hook), each view is
// drawn fresh with its own content and ARIA wiring, `familiarPanelViewDrawn` names it, and what a view shows after a
// render (the Ask history) is there after a switch too. Opening the panel still renders it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { openPanel } from "./panel-states.mjs";
import { useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** Counts the panel's renders and the views drawn in place, in the page. */
function countDraws(page) {
  return page.evaluate(() => {
    window.__draws = { renders: 0, switched: [] };
    Hooks.on("renderFamiliarRavenPanel", () => window.__draws.renders++);
    Hooks.on("familiarPanelViewDrawn", (view) => window.__draws.switched.push(view));
  });
}

const draws = (page) => page.evaluate(() => window.__draws);

/** What the panel shows: the selected tab, the tabpanel's id and label, and a mark of the view's own content. */
function shownView(page) {
  return page.evaluate(() => {
    const root = document.getElementById("familiar-panel");
    const section = root.querySelector(".familiar-panel__view");
    return {
      selected: [...root.querySelectorAll('[role="tab"][aria-selected="true"]')].map((tab) => tab.dataset.familiarView),
      focusable: [...root.querySelectorAll('[role="tab"][tabindex="0"]')].map((tab) => tab.dataset.familiarView),
      id: section.id,
      labelledBy: section.getAttribute("aria-labelledby"),
      form: section.querySelector("[data-familiar-form]")?.dataset.familiarForm ?? null,
      sections: root.querySelectorAll(".familiar-panel__view").length,
    };
  });
}

const FORMS = { ask: "ask", encounter: "encounter", monster: "monster", status: null, about: null };
const LABELS = { ask: "Ask", encounter: "Encounter", monster: "Monster", status: "Status", about: "About" };

for (const profile of ["v10", "v13"]) {
  test(`${profile}: tabs switch the view in place, each drawn fresh, and the Ask history comes back with Ask`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      // An earlier question in the history, so Ask's drawing shows something a render hook used to put in.
      await page.evaluate(async () => {
        const storage = await import(`${location.origin}/modules/familiar/scripts/storage.mjs`);
        const record = { v: 1, question: "an earlier question", answer: "an earlier answer", citations: [], provider: "x", at: Date.now() };
        await storage.saveBlob(`ask-history:${game.world.id}:${game.user.id}`, [record]);
      });
      await countDraws(page);
      const panel = await openPanel(page);
      await panel.getByText("an earlier question").waitFor();
      assert.equal((await draws(page)).renders, 1, "opening renders the panel");
      const windowElement = await panel.elementHandle();

      const order = ["encounter", "monster", "status", "about", "ask"];
      for (const view of order) {
        await panel.getByRole("tab", { name: LABELS[view] }).click();
        await page.waitForFunction((view) => window.__draws.switched.at(-1) === view, view);
        assert.deepEqual(await shownView(page), {
          selected: [view],
          focusable: [view],
          id: `familiar-view-${view}`,
          labelledBy: `familiar-tab-${view}`,
          form: FORMS[view],
          sections: 1,
        });
        assert.equal(await page.evaluate(() => document.activeElement?.dataset.familiarView), view, "focus stays on the tab");
      }
      assert.deepEqual(await draws(page), { renders: 1, switched: order }, "no render after the first");
      assert.ok(await windowElement.evaluate((element) => element.isConnected), "the same window element throughout");
      // Ask drawn in place shows its history again.
      await panel.getByText("an earlier question").waitFor();
      // Arrow keys switch in place too.
      await panel.getByRole("tab", { name: "Ask" }).press("ArrowRight");
      await page.waitForFunction(() => window.__draws.switched.at(-1) === "encounter");
      assert.equal((await draws(page)).renders, 1);

      // Closing and opening again renders once more, on the view last shown.
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "hidden" });
      await openPanel(page);
      await page.waitForFunction(() => window.__draws.renders === 2);
      assert.equal((await shownView(page)).form, "encounter");
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
