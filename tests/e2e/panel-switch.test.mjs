// Switching tabs draws only the tabpanel, in place: the window is not rendered again (no render hook). A view's
// first showing draws it into a tabpanel of its own, with its ARIA wiring, and `familiarPanelViewDrawn` names it;
// shown again, it is the same tabpanel with what it held (a half-typed question, a filled form), except Status,
// drawn anew. Opening the panel still renders it, on the view last shown, alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { axeViolations, openPanel } from "./panel-states.mjs";
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

/** What the panel shows: the selected tab, the tabpanel on show with its label and a mark of the view's own
 * content, and the tabpanels kept (hidden) beside it. */
function shownView(page) {
  return page.evaluate(() => {
    const root = document.getElementById("familiar-panel");
    const sections = [...root.querySelectorAll(".familiar-panel__view")];
    const shown = sections.filter((section) => !section.hidden);
    return {
      selected: [...root.querySelectorAll('[role="tab"][aria-selected="true"]')].map((tab) => tab.dataset.familiarView),
      focusable: [...root.querySelectorAll('[role="tab"][tabindex="0"]')].map((tab) => tab.dataset.familiarView),
      shown: shown.map((section) => section.id),
      labelledBy: shown[0]?.getAttribute("aria-labelledby") ?? null,
      form: shown[0]?.querySelector("[data-familiar-form]")?.dataset.familiarForm ?? null,
      sections: sections.map((section) => section.id).sort(),
    };
  });
}

const FORMS = { ask: "ask", encounter: "encounter", monster: "monster", status: null, about: null };
const LABELS = { ask: "Ask", encounter: "Encounter", monster: "Monster", status: "Status", about: "About" };

/** Clicks a tab and waits until its view is on show (drawn or kept). */
async function showTab(page, panel, view) {
  await panel.getByRole("tab", { name: LABELS[view] }).click();
  await page.waitForFunction((view) => document.querySelector(`#familiar-view-${view}:not([hidden])`) && document.activeElement?.dataset.familiarView === view, view);
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: tabs switch the view in place; a view drawn once is kept with what it holds, Status is drawn anew`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      // An earlier question in the history, so Ask's drawing shows something a render hook used to put in.
      await page.evaluate(async () => {
        const storage = await import(`${location.origin}/modules/pf2e-familiar/scripts/core/storage.mjs`);
        const record = { v: 1, question: "an earlier question", answer: "an earlier answer", citations: [], provider: "x", at: Date.now() };
        await storage.saveBlob(`ask-history:${game.world.id}:${game.user.id}`, [record]);
      });
      await countDraws(page);
      const panel = await openPanel(page);
      await panel.getByText("an earlier question").waitFor();
      assert.equal((await draws(page)).renders, 1, "opening renders the panel");
      const windowElement = await panel.elementHandle();
      await panel.getByLabel("Ask the raven a rules question").fill("a question half typed");

      // Each view's first showing draws it into a tabpanel of its own; the ones drawn before stay, hidden.
      const order = ["encounter", "monster", "status", "about"];
      for (const [i, view] of order.entries()) {
        await showTab(page, panel, view);
        assert.equal((await draws(page)).switched.at(-1), view, `${view} drawn`);
        assert.deepEqual(await shownView(page), {
          selected: [view],
          focusable: [view],
          shown: [`familiar-view-${view}`],
          labelledBy: `familiar-tab-${view}`,
          form: FORMS[view],
          sections: ["ask", ...order.slice(0, i + 1)].map((id) => `familiar-view-${id}`).sort(),
        });
        if (view === "encounter") await panel.getByLabel("Party level").fill("7");
      }
      assert.deepEqual(await axeViolations(page), [], "kept tabpanels, hidden, are no violation");

      // Shown again: Ask and Encounter as they were left, not drawn again; Status drawn anew (its figures are live).
      await showTab(page, panel, "ask");
      assert.equal(await panel.getByLabel("Ask the raven a rules question").inputValue(), "a question half typed");
      await panel.getByText("an earlier question").waitFor();
      await showTab(page, panel, "encounter");
      assert.equal(await panel.getByLabel("Party level").inputValue(), "7");
      await showTab(page, panel, "status");
      assert.deepEqual(await draws(page), { renders: 1, switched: [...order, "status"] }, "only Status drawn again, and no render");
      assert.equal((await shownView(page)).sections.length, 5, "one tabpanel per view");
      assert.ok(await windowElement.evaluate((element) => element.isConnected), "the same window element throughout");

      // Arrow keys switch in place too: Monster is kept, so nothing is drawn.
      await panel.getByRole("tab", { name: "Status" }).press("ArrowLeft");
      await page.waitForFunction(() => document.querySelector("#familiar-view-monster:not([hidden])") && document.activeElement?.dataset.familiarView === "monster");
      assert.deepEqual(await draws(page), { renders: 1, switched: [...order, "status"] });

      // Closing and opening again renders once more, on the view last shown, drawn fresh and alone.
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "hidden" });
      await openPanel(page);
      await page.waitForFunction(() => window.__draws.renders === 2);
      assert.deepEqual(await shownView(page).then(({ form, sections }) => ({ form, sections })), { form: "monster", sections: ["familiar-view-monster"] });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
