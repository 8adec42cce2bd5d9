// The raven in a second and a third engine, through W3C WebDriver: for each core version profile (v13 in its light
// and its dark scheme), as the GM and as a player, the page loads with no console error, page error or CSP
// violation; the raven opens by a click and every view the user may open is shown by clicking its tab and filled the
// way a user fills it (Ask searches the demo pack, Encounter generates, Monster previews); Escape closes and focus
// returns to the raven; the raven opens again by keyboard and the arrow keys walk every tab, each view's form
// submits by Enter, and Escape from a field closes again. axe-core finds no WCAG 2.1 AA violation in any of those
// states.
//   FAMILIAR_BROWSER=firefox|webkit node --test --test-concurrency=1 tests/e2e-cross/   (or --browser=NAME)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PROFILES, startTestHarness, USERS, generationOf } from "../support/harness.mjs";
import { GM_VIEWS, PANEL, PLAYER_VIEWS, RAVEN, tabId, VIEWS } from "../support/raven-ui.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { CREATURES } from "../e2e/setup.mjs";
import { engineFromEnvironment, EngineUnavailable, startEngine } from "./driver.mjs";
import { HarnessPage } from "./page.mjs";

const ENGINE = engineFromEnvironment();
const WHO = [
  { role: "GM", user: USERS.gm, views: GM_VIEWS },
  { role: "player", user: USERS.brannoc, views: PLAYER_VIEWS },
];
/** Key presses allowed to cross the panel to one control; more means focus is stuck. */
const MAX_STEPS = 40;

let harness;
let driver;
let page;
let unavailable = null;

before(async () => {
  requireBuild();
  harness = await startTestHarness({ moduleDir: STAGED_MODULE, packFiles: [CREATURES.file], packsMeta: [CREATURES.meta] });
  try {
    driver = await startEngine(ENGINE);
  } catch (error) {
    if (!(error instanceof EngineUnavailable)) throw error;
    unavailable = error.message;
    return;
  }
  page = new HarnessPage(driver, harness);
});

after(async () => {
  await driver?.quit();
  await harness?.close();
});

test(`${ENGINE}: the engine under test`, async (t) => {
  if (unavailable) return t.skip(unavailable);
  const capabilities = await driver.getCapabilities();
  t.diagnostic(`${capabilities.getBrowserName()} ${capabilities.getBrowserVersion()} on ${capabilities.getPlatform()}`);
  await page.openGame({ profile: "v13", user: USERS.gm });
  const userAgent = await page.evaluate(() => navigator.userAgent);
  t.diagnostic(userAgent);
  assert.match(userAgent, ENGINE === "firefox" ? /Firefox\// : /AppleWebKit\/(?!.*Chrome\/)/);
  assert.deepEqual(await page.evaluate(() => [innerWidth, innerHeight]), [1600, 900]);
  // Both ways axe-core can enter the page work under the harness's CSP, and neither is reported as a violation.
  await page.injectAxeByScriptTag();
  assert.deepEqual((await page.problems()).cspViolations, []);
  await page.openGame({ profile: "v13", user: USERS.gm });
  assert.ok(await page.injectAxeByExecuteScript(), "axe-core did not load through executeScript");
  assert.deepEqual((await page.problems()).cspViolations, []);
  // Whether the driver's own scripts are held to the page's CSP differs: Firefox exempts them, WebKit does not.
  const evalInDriver = await page.evaluate(() => {
    try {
      return new Function("return 'allowed'")();
    } catch (error) {
      return `refused (${error.name})`;
    }
  });
  t.diagnostic(`eval in an executeScript under the page's CSP: ${evalInDriver}`);
});

/** Collects axe's violations per named state; the test asserts there are none at its end. */
function axeRecorder() {
  const found = {};
  const states = [];
  return {
    found,
    states,
    async check(state) {
      const violations = await page.axeViolations();
      states.push(state);
      if (violations.length) found[state] = violations;
    },
  };
}

/** Tabs to the panel's selected tab (the others are reached by arrows, as ARIA tabs go): forward when it comes
 * after the focused control, backward when before, so focus never leaves the page (Firefox shows no focus ring
 * for a while after Tab has gone through its own toolbar). */
async function toSelectedTab() {
  const key = (await page.evaluate(() => {
    const tab = document.querySelector('#familiar-panel [role="tab"][aria-selected="true"]');
    return Boolean(tab && document.activeElement.compareDocumentPosition(tab) & Node.DOCUMENT_POSITION_FOLLOWING);
  })) ? "Tab" : "Shift+Tab";
  for (let step = 0; step < MAX_STEPS; step++) {
    if (await page.evaluate(() => document.activeElement?.getAttribute("role") === "tab" && document.activeElement.getAttribute("aria-selected") === "true")) return;
    await page.press(key);
  }
  assert.fail(`${key} ${MAX_STEPS} times never reached the selected tab (focus on #${await page.activeId()})`);
}

/** Tab forward until the view's field `name` has focus (past whatever the view shows before it, such as the Ask
 * history's buttons once there is a history). */
async function tabToField(view, name) {
  for (let step = 0; step < MAX_STEPS && (await page.evaluate(() => document.activeElement?.name)) !== name; step++) await page.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.name), name, `Tab never reached the ${view} field "${name}"`);
}

/** ArrowRight on the selected tab: the next tab, `view`, is shown and has focus. */
async function arrowTo(view) {
  await page.press("ArrowRight");
  await page.waitForView(view);
  await page.waitFor((id) => document.activeElement?.id === id, tabId(view), { what: `focus on the ${view} tab` });
}

/** The raven by mouse: a click opens the panel, each tab click shows its view, the view's form is filled and sent
 * by mouse; Escape closes and gives focus back to the raven. */
async function byMouse(views, axe) {
  await axe.check("perched");
  await page.hover(RAVEN);
  await page.waitFor((raven) => document.querySelector(raven).className.includes("pose-listening"), RAVEN, { what: "the listening pose" });
  await axe.check("attentive (hover)");
  await page.click(RAVEN);
  await page.waitForSelector(PANEL);
  assert.equal(await page.ravenExpanded(), "true");
  await axe.check("panel open");
  for (const view of views) {
    await page.click(`#${tabId(view)}`);
    await page.waitForView(view);
    await axe.check(VIEWS[view].tab);
    if (!VIEWS[view].inputs) continue;
    await page.produceResultsByMouse(view);
    await axe.check(`${VIEWS[view].tab} with results`);
  }
  await page.press("Escape");
  await page.waitForGone(PANEL);
  await page.waitFor((raven) => document.activeElement === document.querySelector(raven), RAVEN, { what: "focus back on the raven" });
  assert.equal(await page.ravenExpanded(), "false");
}

/** The raven by keyboard, from the focus Escape left on it: Enter opens, ArrowRight walks every tab round to where
 * it began (each shown, focused, with a focus ring), each form is filled and sent by keys; Escape from the last
 * field closes and focus is back on the raven. */
async function byKeyboard(views, axe) {
  assert.equal(await page.activeId(), RAVEN.slice(1));
  await page.press("Enter");
  await page.waitForSelector(PANEL);
  await page.waitFor(() => Boolean(document.querySelector("#familiar-panel")?.contains(document.activeElement)), null, { what: "focus inside the panel" });
  await axe.check("panel open by keyboard");
  await toSelectedTab();
  const start = await page.evaluate(() => document.activeElement.dataset.familiarView);
  const order = [...views.slice(views.indexOf(start) + 1), ...views.slice(0, views.indexOf(start) + 1)];
  for (const view of order) {
    await arrowTo(view);
    assert.ok(await page.focusRingShown(), `no visible focus ring on the ${view} tab`);
    if (!VIEWS[view].inputs) continue;
    // Into the view's fields: each filled over what it held, the last one sends the form with Enter.
    const fields = Object.entries(VIEWS[view].inputs);
    for (const [name, value] of fields) {
      await tabToField(view, name);
      assert.ok(await page.focusRingShown(), `no visible focus ring on the ${view} field "${name}"`);
      await page.press("Control+a");
      await page.type(value);
    }
    await page.press("Enter");
    await page.waitForResults(view);
    await axe.check(`${VIEWS[view].tab} with results by keyboard`);
    await toSelectedTab();
  }
  // Back on Ask (every user has it) and into its question field: Escape closes from there too.
  for (let view = order.at(-1); view !== "ask"; ) {
    view = views[(views.indexOf(view) + 1) % views.length];
    await arrowTo(view);
  }
  await tabToField("ask", "question");
  await page.press("Escape");
  await page.waitForGone(PANEL);
  await page.waitFor((raven) => document.activeElement === document.querySelector(raven), RAVEN, { what: "focus back on the raven" });
  assert.equal(await page.ravenExpanded(), "false");
}

/** v13 and v14 run once per colour scheme, as in the Chromium suite's axe test; the others have one look. */
const RUNS = PROFILES.flatMap((profile) => (generationOf(profile) >= 13 ? ["light", "dark"].map((theme) => ({ profile, theme })) : [{ profile }]));

for (const { profile, theme } of RUNS) {
  for (const { role, user, views } of WHO) {
    const name = `${profile}${theme ? ` (${theme})` : ""} as ${role}`;
    test(`${ENGINE} ${name}: every view by mouse and by keyboard, Escape returns focus, axe finds nothing`, async (t) => {
      if (unavailable) return t.skip(unavailable);
      await page.openGame({ profile, user, query: theme ? { theme } : {} });
      if (theme) assert.ok(await page.evaluate((scheme) => document.body.classList.contains(`theme-${scheme}`), theme));
      const shown = await page.evaluate(() => [...document.querySelectorAll('#familiar-raven, #familiar-live')].map((element) => element.id));
      assert.deepEqual(shown.sort(), ["familiar-live", "familiar-raven"]);
      const axe = axeRecorder();
      await byMouse(views, axe);
      await byKeyboard(views, axe);
      t.diagnostic(`axe (in by ${page.axeInjection}) checked ${axe.states.length} states: ${axe.states.join(", ")}`);
      assert.deepEqual(axe.found, {}, `axe violations:\n${JSON.stringify(axe.found, null, 2)}`);
      assert.deepEqual(await page.problems(), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    });
  }
}
