// The raven and panel states the accessibility, keyboard and tablet tests visit, reached the way a user reaches
// them (clicks on the raven and the tabs, forms filled and submitted), and axe-core run inside the page.
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO } from "./paths.mjs";
import { ravenInteractive } from "./waits.mjs";


/** Each view's tab label and how its "with results" state is produced; GMs see every view, players Ask and About. */
export const VIEWS = {
  ask: { tab: "Ask", fill: askSomething },
  encounter: { tab: "Encounter", fill: generateEncounters },
  monster: { tab: "Monster", fill: previewMonster },
  status: { tab: "Status" },
  art: { tab: "Art" },
  about: { tab: "About" },
};
export const GM_VIEWS = ["ask", "encounter", "monster", "status", "art", "about"];
export const PLAYER_VIEWS = ["ask", "about"];

const AXE_SOURCE = readFileSync(path.join(REPO, "tests/node_modules/axe-core/axe.min.js"), "utf8");
/** WCAG 2.1 levels A and AA, as axe tags them. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** What Familiar puts on the page: the raven, its panel (window frame included) and its live region. */
const FAMILIAR_ROOTS = ["#familiar-raven", "#familiar-panel", "#familiar-live"];

/**
 * Runs axe-core on Familiar's elements and resolves with its violations as short lines ("rule: target — summary").
 * The page's strict CSP refuses inline scripts, so axe goes in through DevTools evaluation (exempt from the CSP),
 * not a <script> tag.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async ({ roots, tags }) => {
      const include = roots.filter((selector) => document.querySelector(selector)).map((selector) => [selector]);
      const result = await window.axe.run({ include }, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return result.violations.flatMap((violation) =>
        violation.nodes.map((node) => `${violation.id}: ${node.target.join(" ")} — ${node.failureSummary.replace(/\s+/g, " ")}`),
      );
    },
    { roots: FAMILIAR_ROOTS, tags: WCAG_TAGS },
  );
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
  await panel.getByRole("searchbox").fill("how do I catch my breath after a fight?");
  await panel.getByRole("button", { name: "Ask", exact: true }).click();
  await panel.locator('[data-familiar-results="ask"] > *').first().waitFor();
  await panel.locator('[data-familiar-results="ask"][aria-busy]').waitFor({ state: "detached" });
}

async function generateEncounters(panel) {
  await panel.getByLabel("Party level").fill("2");
  await panel.getByLabel("Party size").fill("4");
  await panel.getByRole("button", { name: "Generate" }).click();
  await panel.locator(".familiar-proposal").first().waitFor();
}

async function previewMonster(panel) {
  await panel.getByLabel("Name").fill("Weir Warden");
  await panel.getByRole("button", { name: "Preview" }).click();
  await panel.locator(".familiar-statblock").waitFor();
}

/** Everything in the panel a pointer or the keyboard can act on (a checkbox counts with its label). */
export const ACTION_SELECTOR = [
  "button", "input", "select", "textarea", "a[href]", "a.content-link", "[data-link]", '[role="button"]', '[tabindex]:not([tabindex="-1"])',
].join(", ");
