// A 768 px wide tablet: the panel is a bottom sheet across the screen, and every target in it (tabs, fields,
// buttons, content links, checkboxes through their labels, the window's close button) and the raven measure at
// least 44 × 44 px and are not covered by anything else. At desktop width the panel stays a window.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, PROFILES } from "../support/harness.mjs";
import { ACTION_SELECTOR, fillView, GM_VIEWS, openPanel, ravenButton, showView } from "./panel-states.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

const TABLET = { width: 768, height: 1024 };
const MIN_TARGET = 44;

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

/** Every target in the panel with its size and whether something else sits on its centre once scrolled to. */
function measureTargets(page) {
  return page.evaluate((selector) => {
    const panel = document.querySelector("#familiar-panel");
    const targets = new Set();
    for (const element of panel.querySelectorAll(selector)) {
      const target = element.type === "checkbox" ? element.closest("label") ?? element : element;
      const rect = target.getBoundingClientRect();
      if (rect.width > 0 && rect.height > 0) targets.add(target);
    }
    return [...targets].map((target) => {
      target.scrollIntoView({ block: "nearest", inline: "nearest" });
      const rect = target.getBoundingClientRect();
      const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
      return {
        what: target.outerHTML.slice(0, 90),
        width: Math.round(rect.width * 10) / 10,
        height: Math.round(rect.height * 10) / 10,
        covered: !(hit === target || target.contains(hit)),
      };
    });
  }, ACTION_SELECTOR);
}

for (const profile of PROFILES) {
  test(`${profile}: at 768 px the panel is a bottom sheet and every target is at least 44 × 44 px`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    try {
      await page.setViewportSize(TABLET);
      const raven = await (await ravenButton(page)).boundingBox();
      assert.ok(raven.width >= MIN_TARGET && raven.height >= MIN_TARGET, `raven ${raven.width}×${raven.height}`);
      const panel = await openPanel(page);
      const problems = [];
      for (const view of GM_VIEWS) {
        await showView(page, view);
        await fillView(page, view);
        const sheet = await panel.boundingBox();
        const bottom = sheet.y + sheet.height;
        if (Math.abs(sheet.x) > 1 || Math.abs(sheet.width - TABLET.width) > 1 || Math.abs(bottom - TABLET.height) > 1 || sheet.height > 0.75 * TABLET.height + 1) {
          problems.push(`${view}: the panel is not a bottom sheet: ${JSON.stringify(sheet)}`);
        }
        const targets = await measureTargets(page);
        // At least the window's close button and the selected tab, whatever the view holds.
        if (targets.length < 2) problems.push(`${view}: only ${targets.length} targets found`);
        for (const target of targets) {
          if (target.width < MIN_TARGET || target.height < MIN_TARGET) problems.push(`${view}: ${target.width}×${target.height} ${target.what}`);
          if (target.covered) problems.push(`${view}: covered: ${target.what}`);
        }
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test("at desktop width the panel stays a window of its own width", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v13" });
  try {
    const box = await (await openPanel(page)).boundingBox();
    const viewport = page.viewportSize();
    assert.ok(box.width < viewport.width / 2 && box.x > 0, JSON.stringify({ box, viewport }));
  } finally {
    await context.close();
  }
});
