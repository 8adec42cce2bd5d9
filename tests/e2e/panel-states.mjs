// The raven and panel states the accessibility, keyboard and tablet tests visit, reached the way a user reaches
// them (clicks on the raven and the tabs, forms filled and submitted), and axe-core run inside the page.
import { ACTION_SELECTOR, AXE_SOURCE, axeInPage, FAMILIAR_ROOTS, GM_VIEWS, PLAYER_VIEWS, VIEWS as UI_VIEWS, WCAG_TAGS } from "../support/raven-ui.mjs";
import { ravenInteractive } from "./waits.mjs";

export { ACTION_SELECTOR, GM_VIEWS, PLAYER_VIEWS };

/** Each view's tab label and how its "with results" state is produced (inputs from tests/support/raven-ui.mjs). */
export const VIEWS = {
  ask: { ...UI_VIEWS.ask, fill: askSomething },
  encounter: { ...UI_VIEWS.encounter, fill: generateEncounters, gmStates: { "a started combat, rated": startAndRateCombat } },
  monster: { ...UI_VIEWS.monster, fill: previewMonster },
  status: UI_VIEWS.status,
  art: UI_VIEWS.art,
  about: UI_VIEWS.about,
};

/**
 * Runs axe-core on Familiar's elements and resolves with its violations as short lines ("rule: target — summary").
 * The page's strict CSP refuses inline scripts, so axe goes in through DevTools evaluation (exempt from the CSP),
 * not a <script> tag.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(axeInPage, { roots: FAMILIAR_ROOTS, tags: WCAG_TAGS });
}

export async function ravenButton(page) {
  await ravenInteractive(page);
  const raven = page.locator("#familiar-raven");
  await raven.waitFor({ state: "visible" });
  return raven;
}

/** Clicks the raven and resolves with the open panel. */
export async function openPanel(page) {
  await (await ravenButton(page)).click();
  const panel = page.locator("#familiar-panel");
  await panel.waitFor({ state: "visible" });
  return panel;
}

/** Selects a view's tab and waits until the panel shows it. */
export async function showView(page, view) {
  const panel = page.locator("#familiar-panel");
  await panel.getByRole("tab", { name: VIEWS[view].tab }).click();
  await panel.locator(`#familiar-view-${view}`).waitFor();
  return panel;
}

/** Produces the view's results (when it has a results state) and waits for them. */
export async function fillView(page, view) {
  await VIEWS[view].fill?.(page.locator("#familiar-panel"));
}

async function askSomething(panel) {
  await panel.getByRole("searchbox").fill(UI_VIEWS.ask.inputs.question);
  await panel.getByRole("button", { name: "Ask", exact: true }).click();
  await panel.locator(UI_VIEWS.ask.results).first().waitFor();
  await panel.locator(UI_VIEWS.ask.busy).waitFor({ state: "detached" });
}

async function generateEncounters(panel) {
  await panel.getByLabel("Party level").fill(UI_VIEWS.encounter.inputs.partyLevel);
  await panel.getByLabel("Party size").fill(UI_VIEWS.encounter.inputs.partySize);
  await panel.getByRole("button", { name: "Generate" }).click();
  await panel.locator(UI_VIEWS.encounter.results).first().waitFor();
}

/** From generated proposals (GM): the first becomes a combat in the scene, which is then rated. */
export async function startAndRateCombat(panel) {
  const page = panel.page();
  const before = await page.evaluate(() => game.combats.size);
  await panel.locator(".familiar-proposal").first().getByRole("button", { name: "Start a combat" }).click();
  await page.waitForFunction((count) => game.combats.size > count && game.combat?.combatants.size > 0, before);
  await panel.getByRole("button", { name: "Rate the current combat" }).click();
  await panel.getByRole("article", { name: "The current combat" }).waitFor();
}

async function previewMonster(panel) {
  await panel.getByLabel("Name").fill(UI_VIEWS.monster.inputs.name);
  await panel.getByRole("button", { name: "Preview" }).click();
  await panel.locator(UI_VIEWS.monster.results).waitFor();
}
