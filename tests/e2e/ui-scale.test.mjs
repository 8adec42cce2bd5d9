// Foundry's interface scale on every profile, small and large (the harness's ?scale=: v13's UI Scale, v10–v12's
// Font Size step nearest to it): the raven stays in the viewport and off the sidebar, hotbar and controls, the panel
// fits and works by keyboard (open, switch view, close), text follows the font size, the raven follows v13's UI
// Scale, and axe finds nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, PROFILES, USERS, generationOf } from "../support/harness.mjs";
import { axeViolations, ravenButton } from "./panel-states.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

const SCALES = { small: 0.75, large: 1.25 };
const OBSTACLES = ["#sidebar", "#hotbar", "#controls"];
const VIEWPORT = { width: 1280, height: 800 };

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Opens the page at `scale` and measures what the test compares between the small and the large scale. */
async function measure(profile, scale) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const { page, pageErrors } = await openGame(browser, harness, { profile, user: USERS.gm, query: { scale: String(scale) }, context });
  try {
    const raven = await ravenButton(page);
    const box = await raven.boundingBox();
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= VIEWPORT.width && box.y + box.height <= VIEWPORT.height, `${profile}@${scale}: raven in the viewport ${JSON.stringify(box)}`);
    for (const selector of OBSTACLES) {
      const obstacle = await page.locator(selector).boundingBox();
      if (obstacle) assert.ok(!overlaps(box, obstacle), `${profile}@${scale}: the raven covers ${selector}`);
    }

    // Keyboard only: Enter opens, an arrow moves to the next tab, Escape closes with focus back on the raven.
    await raven.focus();
    await page.keyboard.press("Enter");
    const panel = page.locator("#familiar-panel");
    await panel.waitFor({ state: "visible" });
    const frame = await panel.boundingBox();
    assert.ok(frame.x >= 0 && frame.y >= 0 && frame.x + frame.width <= VIEWPORT.width && frame.y + frame.height <= VIEWPORT.height, `${profile}@${scale}: panel fits ${JSON.stringify(frame)}`);
    await panel.getByRole("tab", { selected: true }).focus();
    await page.keyboard.press("ArrowRight");
    await panel.locator("#familiar-view-encounter").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.familiarView), "encounter");
    const text = await panel.getByText("Party level").evaluate((element) => ({
      fontSize: Number.parseFloat(getComputedStyle(element).fontSize),
      height: element.getBoundingClientRect().height,
    }));
    assert.deepEqual(await axeViolations(page), [], `${profile}@${scale}: axe`);
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.id), "familiar-raven");
    assert.deepEqual(pageErrors, []);
    return { raven: box, text };
  } finally {
    await context.close();
  }
}

for (const profile of PROFILES) {
  test(`${profile}: at a small and a large interface scale the raven and its panel fit, work by keyboard and pass axe`, async () => {
    const small = await measure(profile, SCALES.small);
    const large = await measure(profile, SCALES.large);
    if (generationOf(profile) >= 13) {
      // UI Scale zooms the interface, the raven with it; windows keep the font scale, as Foundry's own do.
      const ratio = large.raven.width / small.raven.width;
      assert.ok(Math.abs(ratio - SCALES.large / SCALES.small) < 0.05, `the raven follows UI Scale (×${ratio.toFixed(2)})`);
      assert.equal(large.text.fontSize, small.text.fontSize);
    } else {
      // Font Size steps 3 (12 px) and 7 (20 px): the panel's text follows the root font size.
      assert.equal(small.text.fontSize / large.text.fontSize, 12 / 20, `text ${small.text.fontSize} → ${large.text.fontSize} px`);
      assert.ok(large.text.height > small.text.height * 1.4, "and takes the room it needs");
      assert.equal(large.raven.width, small.raven.width, "Font Size scales text, not the raven");
    }
  });
}
