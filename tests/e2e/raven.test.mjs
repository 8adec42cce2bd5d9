// The raven as the state machine draws it: dragged with the mouse and remembered across a reload, driven by the
// keyboard (Enter opens, Escape closes and gives focus back, arrows move it), kept on screen after a resize, and
// no notification dot while no answer waits; opening and closing the panel leaves no event listener behind.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { openGame, generationOf } from "../support/harness.mjs";
import { REPO, STAGED_MODULE } from "./paths.mjs";
import { ravenInteractive } from "./waits.mjs";
import { useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({}, (started) => ({ browser, harness } = started));

async function ravenOf(page) {
  await ravenInteractive(page);
  const raven = page.locator("#familiar-raven");
  await raven.waitFor({ state: "visible" });
  return raven;
}

test("a mouse drag moves the raven, and the spot survives a reload", async () => {
  const { page, context, pageErrors } = await openGame(browser, harness, { profile: "v13" });
  try {
    const raven = await ravenOf(page);
    const start = await raven.boundingBox();
    const grab = { x: start.x + start.width / 2, y: start.y + start.height / 2 };
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    await page.mouse.move(grab.x - 150, grab.y - 120, { steps: 8 });
    await page.mouse.up();
    const moved = await raven.boundingBox();
    assert.ok(Math.abs(moved.x - (start.x - 150)) <= 1 && Math.abs(moved.y - (start.y - 120)) <= 1, JSON.stringify({ start, moved }));
    // The release is not a click: the panel stays closed.
    assert.equal(await page.locator("#familiar-panel").count(), 0);
    assert.equal(await raven.getAttribute("aria-expanded"), "false");
    const saved = JSON.parse(await page.evaluate(() => game.settings.get("pf2e-familiar", "ravenPrefs")));
    assert.deepEqual(saved.position, { x: Math.round(moved.x), y: Math.round(moved.y) });

    await page.reload();
    const again = await (await ravenOf(page)).boundingBox();
    assert.deepEqual({ x: Math.round(again.x), y: Math.round(again.y) }, saved.position);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test("by keyboard: Enter opens the panel, Escape closes it and focus returns, arrows move the raven", async () => {
  const { page, context, pageErrors } = await openGame(browser, harness, { profile: "v12" });
  try {
    const raven = await ravenOf(page);
    await raven.focus();
    await page.keyboard.press("Enter");
    const panel = page.locator("#familiar-panel");
    await panel.waitFor({ state: "visible" });
    assert.equal(await raven.getAttribute("aria-expanded"), "true");
    // Focus went into the panel's view.
    await page.waitForFunction(() => document.querySelector("#familiar-panel")?.contains(document.activeElement));
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.id === "familiar-raven");
    assert.equal(await raven.getAttribute("aria-expanded"), "false");

    const before = await raven.boundingBox();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Shift+ArrowLeft");
    const after = await raven.boundingBox();
    assert.equal(Math.round(before.x - after.x), 60);
    assert.equal(Math.round(before.y - after.y), 10);
    assert.equal(await page.locator("#familiar-panel").count(), 0);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test("the raven stays inside the viewport after a resize", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v13" });
  try {
    const raven = await ravenOf(page);
    await page.setViewportSize({ width: 700, height: 500 });
    await page.waitForFunction(() => {
      const box = document.querySelector("#familiar-raven").getBoundingClientRect();
      return box.right <= window.innerWidth && box.bottom <= window.innerHeight;
    });
    const box = await raven.boundingBox();
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 700 && box.y + box.height <= 500, JSON.stringify(box));
  } finally {
    await context.close();
  }
});

test("no notification dot while no answer is ready; the raven names itself and its pose", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v11" });
  try {
    const raven = await ravenOf(page);
    assert.equal(await page.locator("#familiar-raven .familiar-raven__dot").count(), 0);
    assert.equal(await raven.getAttribute("aria-label"), "Familiar: ask the raven");
    assert.match(await raven.getAttribute("class"), /familiar-raven--pose-(idle|listening)/);
    assert.equal(await page.locator("#familiar-live[aria-live='polite']").count(), 1);
  } finally {
    await context.close();
  }
});

test("lang/en.json has every key the raven's view model can carry", async () => {
  const glue = await import(pathToFileURL(path.join(STAGED_MODULE, "wasm/familiar_wasm.js")).href);
  glue.initSync({ module: readFileSync(path.join(STAGED_MODULE, "wasm/familiar_wasm_bg.wasm")) });
  const english = JSON.parse(readFileSync(path.join(REPO, "lang/en.json"), "utf8"));
  const keys = glue.ravenLangKeys();
  assert.ok(keys.length > 10);
  for (const key of keys) {
    const text = key.split(".").reduce((node, part) => node?.[part], english);
    assert.equal(typeof text, "string", `${key} is missing from lang/en.json`);
  }
});

/** Opens and closes the panel `cycles` times by clicking the raven, each time until the view is drawn or gone. */
function openCloseInPage(cycles) {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const until = async (condition) => {
    while (!condition()) await frame();
  };
  const raven = document.getElementById("familiar-raven");
  return (async () => {
    for (let i = 0; i < cycles; i++) {
      raven.click();
      await until(() => document.querySelector("#familiar-panel .familiar-panel__view"));
      raven.click();
      await until(() => !document.getElementById("familiar-panel"));
    }
  })();
}

/** The page's live event listeners after a forced GC (DevTools `JSEventListeners`, which counts listeners on
 * every target, reachable or not), and the listener types on window, the document and the raven's button. */
async function listenerCensus(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const on = async (expression) => {
    const { result } = await cdp.send("Runtime.evaluate", { expression, objectGroup: "census" });
    const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId });
    return listeners.map((listener) => listener.type).sort();
  };
  const census = {
    total: metrics.find((metric) => metric.name === "JSEventListeners").value,
    window: await on("window"),
    document: await on("document"),
    raven: await on('document.getElementById("familiar-raven")'),
  };
  await cdp.send("Runtime.releaseObjectGroup", { objectGroup: "census" });
  return census;
}

/** The census once the count stops falling: Blink frees the listeners of collected targets over more than one
 * forced GC (the first census after a few cycles still counted those of the closed panels), while a leaked
 * listener stays through any number of them. */
async function settledCensus(cdp) {
  let census = await listenerCensus(cdp);
  for (let again = 0; again < 5; again++) {
    const next = await listenerCensus(cdp);
    if (next.total === census.total) return next;
    census = next;
  }
  return census;
}

// v10 renders the panel as a v1 Application, v13 as an ApplicationV2 (the harness's own, tests/harness/client).
for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: 50 open/close cycles of the panel leave the page's event listeners as they were`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      await ravenOf(page);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
      // A few cycles first: the panel's class, templates and the Ask history's first read exist from then on.
      await page.evaluate(openCloseInPage, 3);
      const before = await settledCensus(cdp);
      await page.evaluate(openCloseInPage, 50);
      const after = await settledCensus(cdp);
      assert.ok(after.total <= before.total, `JSEventListeners ${before.total} → ${after.total}`);
      assert.deepEqual({ ...after, total: null }, { ...before, total: null });
      // Each open binds the panel's listeners once on its root: the module's (bindPanel), and on v12+ also
      // ApplicationV2's own click dispatch for [data-action].
      await page.locator("#familiar-raven").click();
      await page.locator("#familiar-panel .familiar-panel__view").waitFor();
      const { result: root } = await cdp.send("Runtime.evaluate", { expression: 'document.getElementById("familiar-panel")' });
      const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: root.objectId });
      const counts = {};
      for (const { type } of listeners) counts[type] = (counts[type] ?? 0) + 1;
      assert.deepEqual(counts, { change: 1, click: generationOf(profile) >= 13 ? 2 : 1, dragstart: 1, keydown: 1, submit: 1 });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
