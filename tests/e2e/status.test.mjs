// The GM's Status view against our fake AI provider: each provider's health and latency as this browser measured
// them (a healthy one and one that fails), every health rule with its value, limit and state, and each player's
// questions and tokens today; axe finds nothing in it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { axeViolations } from "./panel-states.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: Status shows the providers' health and latency, the health rules, and the players' use`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      const form = await openProviderForm(page);
      await addProvider(form, { name: `broken-${profile}`, baseUrl: `${fakeUrl}/broken-${profile}/v1`, model: "500", key: "sk-status-test" });
      await addProvider(form, { name: `steady-${profile}`, baseUrl: `${fakeUrl}/steady-${profile}/v1`, model: "trickle", key: "sk-status-test" });
      await saveForm(page, form);

      const panel = await openAsk(page);
      await ask(panel);
      await panel.locator("[data-familiar-answer-body]").getByText(/.+/).first().waitFor();
      await page.waitForFunction(() => !document.querySelector("#familiar-panel [data-familiar-results='ask'][aria-busy='true']"));

      await panel.getByRole("tab", { name: "Status" }).click();
      const providers = panel.locator('[data-familiar-status="providers"]');
      await providers.waitFor();
      const broken = providers.locator(`[data-familiar-provider-health="broken-${profile}"]`);
      const steady = providers.locator(`[data-familiar-provider-health="steady-${profile}"]`);
      // The broken provider failed every try (the first and its retries) and the breaker passed over it after.
      assert.match(await broken.locator('[data-familiar-fact="provider-health"]').textContent(), /Last call failed|Degraded/);
      assert.match(await broken.textContent(), /\d+ ms/);
      assert.equal(await steady.locator('[data-familiar-fact="provider-health"]').textContent(), "Healthy");
      assert.match(await steady.locator("td").last().textContent(), /^1 \/ 0$/);

      const rules = panel.locator('[data-familiar-status="rules"] tbody tr');
      assert.equal(await rules.count(), 5);
      const api = panel.locator('[data-familiar-health-rule="apiFailures"]');
      assert.match(await api.textContent(), /5 %/);
      assert.equal(await api.locator('[data-familiar-fact="rule-state"]').textContent(), "Firing");
      assert.equal(await panel.locator('[data-familiar-health-rule="memoryPressure"] [data-familiar-fact="rule-state"]').textContent(), "OK");

      const players = panel.locator('[data-familiar-status="players"] tbody tr');
      assert.ok((await players.count()) >= 2, "every player of the world is listed");
      assert.match(await players.first().textContent(), /0/);

      const violations = await axeViolations(page);
      assert.deepEqual(violations, []);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
