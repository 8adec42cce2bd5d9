// Tab badges: an answer that finishes in the Ask view while another tab is on show badges the Ask tab (a dot and
// visually hidden words in the tab's accessible name) until the user opens Ask again, which shows the answer where
// it streamed; the view on show is not redrawn meanwhile (what the user typed there stays), and axe finds nothing wrong with the badge. An answer that
// finishes after the panel was closed (closing does not stop it) lights the raven's notification dot instead.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { axeViolations, showView } from "./panel-states.mjs";
import { CREATURES, useFakeProvider, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: an answer finished behind another tab badges the Ask tab until Ask is opened`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      const form = await openProviderForm(page);
      // "trickle" streams its answer over about a second: time to look elsewhere while it comes.
      await addProvider(form, { name: `badge-${profile}`, baseUrl: `${fakeUrl}/badge-${profile}/v1`, model: "trickle", key: "sk-badge" });
      await saveForm(page, form);
      const panel = await openAsk(page);
      const askTab = panel.getByRole("tab", { name: /^Ask/ });
      assert.equal(await askTab.getAttribute("aria-selected"), "true");
      await ask(panel);
      await showView(page, "monster");
      await panel.getByLabel("Name").fill("Kept while the answer comes");

      await panel.getByRole("tab", { name: "Ask (new answer)" }).waitFor({ timeout: 15_000 });
      assert.equal(await askTab.locator(".familiar-panel__badge").count(), 1, "the badge's dot");
      assert.equal(await askTab.locator(".familiar-panel__badge").getAttribute("aria-hidden"), "true", "the words speak, not the dot");
      assert.equal(await panel.getByRole("tab", { name: /^Monster/ }).locator(".familiar-panel__badge").count(), 0);
      assert.equal(await panel.getByLabel("Name").inputValue(), "Kept while the answer comes", "the Monster view was not redrawn");
      assert.deepEqual(await axeViolations(page), []);

      await askTab.click();
      await panel.locator("#familiar-view-ask").waitFor();
      assert.equal(await askTab.locator(".familiar-panel__badge").count(), 0, "seen: no badge");
      assert.equal(await panel.getByRole("tab", { name: "Ask (new answer)" }).count(), 0);
      // The Ask view was kept while hidden: the answer that finished out of sight is where it streamed, as it would
      // be had Ask stayed on show, and the question is still there with it.
      await panel.locator('[data-familiar-results="ask"]').getByText(/Answer from badge-/).waitFor();
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: an answer that finishes behind the closed panel lights the raven's dot until the panel opens`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      const form = await openProviderForm(page);
      await addProvider(form, { name: `dot-${profile}`, baseUrl: `${fakeUrl}/dot-${profile}/v1`, model: "trickle", key: "sk-dot" });
      await saveForm(page, form);
      let panel = await openAsk(page);
      await ask(panel);
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "detached" });
      const raven = page.locator("#familiar-raven");
      assert.equal(await raven.locator(".familiar-raven__dot").count(), 0, "no dot while the answer still comes");
      await raven.locator(".familiar-raven__dot").waitFor({ timeout: 15_000 });
      assert.match(await raven.getAttribute("aria-label"), /answer/i, "the raven says an answer waits");
      assert.deepEqual(await axeViolations(page), []);

      panel = await openAsk(page);
      await panel.locator("[data-familiar-history-list]").getByText(/Answer from dot-/).last().waitFor();
      assert.equal(await raven.locator(".familiar-raven__dot").count(), 0, "seen: no dot");
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
