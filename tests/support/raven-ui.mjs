// What every browser driver of the raven needs to know about its UI: the element ids, each view's tab label, the
// fixed inputs that produce a view's results and the element that shows them, and axe-core's run inside the page.
// Shared by the Chromium suite (tests/e2e, playwright-core), the WebDriver suite (tests/e2e-cross) and the
// screenshot script (tests/tools/screenshots.mjs), so a renamed field or selector is changed in one place.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const RAVEN = "#familiar-raven";
export const PANEL = "#familiar-panel";
export const LIVE = "#familiar-live";

/**
 * Each view's tab label (English); for a view with a "with results" state, the fields it is made from (by input
 * name), the element that shows the results and, where results arrive over time, the mark it carries until done.
 */
export const VIEWS = {
  ask: {
    tab: "Ask",
    inputs: { question: "how do I catch my breath after a fight?" },
    results: '[data-familiar-results="ask"] > *',
    busy: '[data-familiar-results="ask"][aria-busy]',
  },
  encounter: { tab: "Encounter", inputs: { partyLevel: "2", partySize: "4" }, results: ".familiar-proposal" },
  monster: { tab: "Monster", inputs: { name: "Weir Warden" }, results: ".familiar-statblock" },
  status: { tab: "Status" },
  art: { tab: "Art" },
  about: { tab: "About" },
};
/** GMs see every view, players Ask and About, in the panel's tab order. */
export const GM_VIEWS = ["ask", "encounter", "monster", "status", "art", "about"];
export const PLAYER_VIEWS = ["ask", "about"];

/** The id of a view's tab and of its panel section. */
export const tabId = (view) => `familiar-tab-${view}`;
export const viewId = (view) => `familiar-view-${view}`;

/** Everything in the panel a pointer or the keyboard can act on (a checkbox counts with its label). */
export const ACTION_SELECTOR = [
  "button", "input", "select", "textarea", "a[href]", "a.content-link", "[data-link]", '[role="button"]', '[tabindex]:not([tabindex="-1"])',
].join(", ");

const require = createRequire(import.meta.url);
/** axe-core's path and source, from tests/node_modules (the harness also serves it as /__harness/vendor/axe.js). */
export const AXE_PATH = require.resolve("axe-core/axe.min.js");
export const AXE_SOURCE = readFileSync(AXE_PATH, "utf8");
/** WCAG 2.1 levels A and AA, as axe tags them. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** What Familiar puts on the page: the raven, its panel (window frame included) and its live region. */
export const FAMILIAR_ROOTS = [RAVEN, PANEL, LIVE];

/**
 * Runs inside the page (serialised by the driver, so it uses nothing from this module): axe-core on Familiar's
 * elements, resolving with its violations as short lines ("rule: target — summary").
 */
export async function axeInPage({ roots, tags }) {
  const include = roots.filter((selector) => document.querySelector(selector)).map((selector) => [selector]);
  const result = await window.axe.run({ include }, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  return result.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id}: ${node.target.join(" ")} — ${node.failureSummary.replace(/\s+/g, " ")}`),
  );
}
