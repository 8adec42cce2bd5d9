// Keyboard-only use of the panel: Enter on the raven opens it, the arrow keys move between its tabs, Tab and
// Shift+Tab reach every action of every view (results included) and show a focus ring on each, focus leaves the
// panel at both ends (no trap),
// and Escape closes it from anywhere, its window's close button included, with focus back on the raven.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { openGame, PROFILES, USERS } from "../support/harness.mjs";
import { ACTION_SELECTOR, GM_VIEWS, PLAYER_VIEWS, ravenButton } from "./panel-states.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

/** At most this many key presses to cross the panel one way; more means focus is stuck. */
const MAX_STEPS = 80;

const focusInPanel = (page) => page.evaluate(() => Boolean(document.querySelector("#familiar-panel")?.contains(document.activeElement)));
const focusedName = (page) => page.evaluate(() => {
  const element = document.activeElement;
  return element?.getAttribute("aria-label") || element?.textContent?.trim() || element?.name || element?.id || element?.tagName;
});

/** Numbers every visible action in the panel (a tab only when it is the selected one: the others are reached by
 * arrows, as the ARIA tabs pattern has it) and returns how many there are. */
function markActions(page) {
  return page.evaluate((selector) => {
    const panel = document.querySelector("#familiar-panel");
    let count = 0;
    for (const element of panel.querySelectorAll(selector)) {
      delete element.dataset.kbd;
      const rect = element.getBoundingClientRect();
      if (element.disabled || rect.width === 0 || rect.height === 0) continue;
      if (element.getAttribute("role") === "tab" && element.getAttribute("aria-selected") !== "true") continue;
      element.dataset.kbd = String(count++);
    }
    return count;
  }, ACTION_SELECTOR);
}

/** Presses `key` until focus leaves the panel; resolves with the marked actions it passed, or throws on a trap. */
async function walk(page, key) {
  const reached = new Set();
  for (let step = 0; step < MAX_STEPS; step++) {
    await page.keyboard.press(key);
    if (!(await focusInPanel(page))) return reached;
    const { mark, ring } = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement);
      return { mark: document.activeElement.dataset.kbd, ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 };
    });
    assert.ok(ring, `no visible focus ring on "${await focusedName(page)}"`);
    if (mark !== undefined) reached.add(Number(mark));
  }
  throw new Error(`${key} ${MAX_STEPS} times never left the panel (stuck on "${await focusedName(page)}")`);
}

/** Tabs forward from inside the panel to the control named `name` and presses Enter on it. */
async function pressOn(page, name) {
  for (let step = 0; step < MAX_STEPS && (await focusedName(page)) !== name; step++) await page.keyboard.press("Tab");
  assert.equal(await focusedName(page), name);
  await page.keyboard.press("Enter");
}

/** Presses `key` (Tab or Shift+Tab) until the selected tab has focus. */
async function toSelectedTab(page, key) {
  for (let step = 0; step < MAX_STEPS; step++) {
    if (await page.evaluate(() => document.activeElement?.getAttribute("aria-selected") === "true")) return;
    await page.keyboard.press(key);
  }
  assert.fail(`${key} never reached the selected tab`);
}

/** The arrow key from the selected tab to the next view's tab, which the panel shows and focuses. */
async function arrowToView(page, view) {
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction((id) => document.activeElement?.id === `familiar-tab-${id}` && document.querySelector(`#familiar-view-${id}:not([hidden])`), view);
}

/** Keyboard-made results: Enter on the view's submit button. */
const RESULTS_BY_KEYBOARD = {
  ask: async (page) => {
    await page.keyboard.type("how do I catch my breath?");
    await page.keyboard.press("Enter");
    await page.locator('[data-familiar-results="ask"] > *').first().waitFor();
  },
  encounter: async (page) => {
    await pressOn(page, "Generate");
    await page.locator(".familiar-proposal").first().waitFor();
  },
  monster: async (page) => {
    await pressOn(page, "Preview");
    await page.locator(".familiar-statblock").waitFor();
  },
};

/** Walks Tab forward and Shift+Tab backward from where focus is, both until focus leaves the panel, and checks that
 * together they passed every marked action. Focus ends back on the window's close button (the panel's first stop). */
async function everyActionReached(page, view) {
  const total = await markActions(page);
  const start = await page.evaluate(() => {
    document.activeElement.dataset.kbdStart = "";
    return document.activeElement.dataset.kbd;
  });
  const forward = await walk(page, "Tab");
  // Programmatic focus only to begin the backward walk where the forward one began.
  await page.evaluate(() => document.querySelector("[data-kbd-start]").focus());
  const backward = await walk(page, "Shift+Tab");
  const reached = [...forward, ...backward, ...(start === undefined ? [] : [Number(start)])];
  const missing = await page.evaluate(
    (numbers) => [...document.querySelectorAll("#familiar-panel [data-kbd]")]
      .filter((element) => !numbers.includes(Number(element.dataset.kbd)))
      .map((element) => element.outerHTML.slice(0, 120)),
    reached,
  );
  assert.deepEqual(missing, [], `${view}: ${total} actions, these never got focus by Tab or Shift+Tab`);
  // Leaving backwards put focus just before the panel: Tab leads back in at the window's close button.
  await page.keyboard.press("Tab");
  assert.ok(await focusInPanel(page), `${view}: Tab did not lead back into the panel`);
  await page.evaluate(() => delete document.querySelector("[data-kbd-start]")?.dataset.kbdStart);
}

async function keyboardRun(page, views) {
  const raven = await ravenButton(page);
  await raven.focus();
  await page.keyboard.press("Enter");
  await page.locator("#familiar-panel").waitFor({ state: "visible" });
  await page.waitForFunction(() => document.querySelector("#familiar-panel")?.contains(document.activeElement));
  for (const [index, view] of views.entries()) {
    if (index > 0) {
      // Focus is on the window's close button, just before the tabs.
      await toSelectedTab(page, "Tab");
      await arrowToView(page, view);
    }
    await RESULTS_BY_KEYBOARD[view]?.(page);
    await everyActionReached(page, view);
  }
  // Focus now sits on the first thing in the panel, the window's close button: Escape works from there too.
  await page.keyboard.press("Escape");
  await page.locator("#familiar-panel").waitFor({ state: "detached" });
  await page.waitForFunction(() => document.activeElement?.id === "familiar-raven");
  assert.equal(await raven.getAttribute("aria-expanded"), "false");
}

for (const profile of PROFILES) {
  test(`${profile} as GM: by keyboard alone every action of every view is reached, Escape closes, focus returns`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile, user: USERS.gm });
    try {
      await keyboardRun(page, GM_VIEWS);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}

test("v13 as player: the same by keyboard alone in the player's views", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v13", user: USERS.brannoc });
  try {
    await keyboardRun(page, PLAYER_VIEWS);
  } finally {
    await context.close();
  }
});

test("Escape from a field deep in a view closes the panel and gives focus back to the raven", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v10" });
  try {
    const raven = await ravenButton(page);
    await raven.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("#familiar-panel")?.contains(document.activeElement));
    await toSelectedTab(page, "Shift+Tab");
    await arrowToView(page, "encounter");
    // Party level, party size, then the threat select.
    for (let press = 0; press < 3; press++) await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.name), "threat");
    await page.keyboard.press("Escape");
    await page.locator("#familiar-panel").waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.id === "familiar-raven");
  } finally {
    await context.close();
  }
});

test("after a click on a tab, focus is on that tab (not lost to the page), so Escape still closes the panel", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v11" });
  try {
    await (await ravenButton(page)).click();
    for (const view of ["status", "about"]) {
      await page.locator(`#familiar-tab-${view}`).click();
      await page.waitForFunction((id) => document.activeElement?.id === `familiar-tab-${id}` && document.querySelector(`#familiar-view-${id}:not([hidden])`), view);
    }
    await page.keyboard.press("Escape");
    await page.locator("#familiar-panel").waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.id === "familiar-raven");
  } finally {
    await context.close();
  }
});
