// The Status view's "Copy diagnostics" and the health rules acting, through the module against our fake provider.
// The report holds versions, the settings without secrets, the health rules and their history, and recent errors,
// and none of a planted key, question or answer; it goes to the clipboard, or is downloaded where the clipboard is
// refused. A provider answering slower than 5 s three times is marked degraded: the GM is told, the next question
// goes to the next provider, and Status shows it degraded.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

const KEY = "sk-diag-PLANTED-KEY-90210-zzzz";
const QUESTION = "planted question about a blue zebra flanking twice?";
const ANSWER_PART = "you can't Step while grabbed";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

async function openStatus(panel) {
  await panel.getByRole("tab", { name: "Status" }).click();
  await panel.locator('[data-familiar-status="rules"]').waitFor();
}

const idle = (page) => page.waitForFunction(() => !document.querySelector("#familiar-panel [data-familiar-results='ask'][aria-busy='true']"));

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: Copy diagnostics puts a report on the clipboard with no key, question or answer in it`, async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
    const { page, pageErrors } = await openGame(browser, harness, { profile, context });
    const prefix = `diag-${profile}`;
    try {
      const form = await openProviderForm(page);
      await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model: "ok", key: KEY });
      await saveForm(page, form);
      const panel = await openAsk(page);
      await ask(panel, QUESTION);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      assert.match(await panel.locator("[data-familiar-answer-body]").textContent(), new RegExp(ANSWER_PART));

      await openStatus(panel);
      await panel.getByRole("button", { name: "Copy diagnostics" }).click();
      await page.waitForFunction(() => window.__harness.notifications.some((n) => /Diagnostics copied/.test(n.message)));
      const text = await page.evaluate(() => navigator.clipboard.readText());
      const report = JSON.parse(text);
      assert.equal(typeof report.versions.core, "string");
      assert.equal(report.versions.system.id, "pf2e");
      assert.ok(report.versions.module, "the module's version");
      assert.ok("pf2e-familiar.providerChain" in report.settings, "the settings are there");
      assert.equal(report.settings["pf2e-familiar.providerChain"].providers[0].name, prefix);
      assert.deepEqual(report.settings["pf2e-familiar.providerChain"].providers[0].key, { iv: "[redacted]", data: "[redacted]" });
      assert.equal(report.health.rules.length, 5);
      assert.ok(report.health.providers.some((provider) => provider.name === prefix && provider.calls >= 1));
      assert.ok(Array.isArray(report.health.history) && Array.isArray(report.recentErrors));
      // The sealed key, the key itself, the question and the answer: none of them.
      const sealed = await page.evaluate(() => game.settings.get("pf2e-familiar", "providerChain").providers[0].key.data);
      for (const secret of [KEY, sealed, QUESTION, "blue zebra", ANSWER_PART, "Step while grabbed"]) {
        assert.ok(!text.includes(secret), `the report holds ${secret}`);
      }

      // Where the clipboard refuses, the report is downloaded instead.
      await page.evaluate(() => {
        navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
      });
      const download = page.waitForEvent("download");
      await panel.getByRole("button", { name: "Copy diagnostics" }).click();
      const file = await download;
      assert.match(file.suggestedFilename(), /^familiar-diagnostics-.*\.json$/);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}

test("v13: a provider slower than 5 s three times is marked degraded, the GM told, and the next provider answers", { timeout: 120_000 }, async () => {
  const { page, context, pageErrors } = await openGame(browser, harness, { profile: "v13" });
  try {
    // The slow provider's answers come back 5.3 s late (routed in the browser); the fast one's at once.
    await page.route(`${fakeUrl}/slow-v13/**`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 5_300));
      await route.fulfill({ response: await route.fetch() });
    });
    const form = await openProviderForm(page);
    await addProvider(form, { name: "slow-v13", baseUrl: `${fakeUrl}/slow-v13/v1`, model: "ok", key: "sk-slow" });
    await addProvider(form, { name: "fast-v13", baseUrl: `${fakeUrl}/fast-v13/v1`, model: "ok", key: "sk-fast" });
    await saveForm(page, form);
    const panel = await openAsk(page);
    for (let n = 0; n < 3; n++) {
      await ask(panel, `slow question ${n}`);
      await idle(page);
      await panel.getByText("Answered by slow-v13").waitFor({ timeout: 30_000 });
    }
    await page.waitForFunction(() => window.__harness.notifications.some((n) => /slow-v13 answered slower than 5 s/.test(n.message)));
    await ask(panel, "the next question");
    await idle(page);
    await panel.getByText("Answered by fast-v13").waitFor({ timeout: 15_000 });
    await openStatus(panel);
    assert.match(await panel.locator('[data-familiar-provider-health="slow-v13"] [data-familiar-fact="provider-health"]').textContent(), /Degraded/);
    assert.equal(await panel.locator('[data-familiar-health-rule="slowProvider"] [data-familiar-fact="rule-state"]').textContent(), "Firing");
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
