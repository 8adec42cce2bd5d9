// WCAG 2.1 A and AA with axe-core: the raven perched, attentive (hover, then keyboard focus) and with its panel
// open, and every view a user may open (Ask empty and with results, Encounter with results and, as GM, with a started
// combat rated, Monster with a preview, Status, About), as the GM and as a player, on each core version profile; on v13 in its light and its dark scheme.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, PROFILES, USERS, generationOf } from "../support/harness.mjs";
import { axeViolations, fillView, GM_VIEWS, openPanel, PLAYER_VIEWS, ravenButton, showView, VIEWS } from "./panel-states.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

/** v13 runs once per colour scheme; the others have one look. */
const RUNS = PROFILES.flatMap((profile) => (generationOf(profile) >= 13 ? ["light", "dark"].map((theme) => ({ profile, theme })) : [{ profile }]));
const WHO = [
  { role: "GM", user: USERS.gm, views: GM_VIEWS },
  { role: "player", user: USERS.brannoc, views: PLAYER_VIEWS },
];

for (const { profile, theme } of RUNS) {
  for (const { role, user, views } of WHO) {
    const name = `${profile}${theme ? ` (${theme})` : ""} as ${role}`;
    test(`${name}: axe finds no WCAG 2.1 AA violation on the raven and in every view`, async () => {
      const { page, context, pageErrors } = await openGame(browser, harness, { profile, user, query: theme ? { theme } : {} });
      try {
        if (theme) assert.ok(await page.evaluate((scheme) => document.body.classList.contains(`theme-${scheme}`), theme));
        const found = {};
        const check = async (state) => {
          const violations = await axeViolations(page);
          if (violations.length) found[state] = violations;
        };
        const raven = await ravenButton(page);
        await check("perched");
        await raven.hover();
        await page.waitForFunction(() => document.querySelector("#familiar-raven").className.includes("pose-listening"));
        await check("attentive (hover)");
        await page.mouse.move(5, 5);
        await raven.focus();
        await check("attentive (focus)");
        await openPanel(page);
        await check("panel open");
        for (const view of views) {
          await showView(page, view);
          await check(`${VIEWS[view].tab}`);
          if (!VIEWS[view].fill) continue;
          await fillView(page, view);
          await check(`${VIEWS[view].tab} with results`);
          for (const [state, reach] of Object.entries(role === "GM" ? VIEWS[view].gmStates ?? {} : {})) {
            await reach(page.locator("#familiar-panel"));
            await check(`${VIEWS[view].tab}: ${state}`);
          }
        }
        assert.deepEqual(found, {}, `axe violations:\n${JSON.stringify(found, null, 2)}`);
        assert.deepEqual(pageErrors, []);
      } finally {
        await context.close();
      }
    });
  }
}
