// The GM's budgets for players, set in the provider form: a world daily budget, a player's own budget, what each
// player used today, and that the count survives the GM's reload (a reload must not hand out a fresh budget).
// The fake provider reports 70 tokens (50 prompt + 20 answer) for each answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";
import { ravenInteractive } from "./waits.mjs";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** The usage row of one player in the open form. */
const usageRow = (form, userId) => form.locator(`[data-familiar-usage-user="${userId}"]`);

// One player per profile: the world's settings (budgets, saved usage) outlive each test's pages.
for (const [profile, playerId] of [["v11", USERS.brannoc], ["v13", USERS.tamsin], ["v14", USERS.ysolde]]) {
  test(`${profile}: a daily budget stops a player's questions, the GM sees the spend, a reload keeps it, an own budget lifts it`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openGame(browser, harness, { profile, user: playerId });
    try {
      await gm.page.evaluate(() => game.settings.set("pf2e-familiar", "relayBudgets", { daily: null, users: {} }));
      let form = await openProviderForm(gm.page);
      await addProvider(form, { name: `budget-${profile}`, baseUrl: `${fakeUrl}/budget-${profile}/v1`, model: "quick", key: "sk-e2e-budget" });
      // Malformed budgets are refused with the field marked, and nothing is saved.
      await form.getByLabel("Daily tokens per player").fill("-5");
      await form.getByRole("button", { name: "Save" }).click();
      await form.getByText("Enter a whole number of 0 or more, or leave it empty.").first().waitFor();
      assert.equal(await form.getByLabel("Daily tokens per player").getAttribute("aria-invalid"), "true");
      assert.deepEqual(await gm.page.evaluate(() => game.settings.get("pf2e-familiar", "relayBudgets")), { daily: null, users: {} });
      await form.getByLabel("Daily tokens per player").fill("50");
      await saveForm(gm.page, form);

      // The first question fits (0 used), the second finds the 70 tokens it cost over the 50 allowed.
      const panel = await openAsk(player.page);
      await ask(panel);
      await panel.getByText(`Answered by budget-${profile}`).waitFor({ timeout: 15_000 });
      await ask(panel, "what does off-guard do?");
      await panel.getByText("Your question budget for today is used up; the GM can raise it.").waitFor({ timeout: 15_000 });

      // The GM's form shows the spend against the budget; after the usage is saved, a reload keeps it.
      form = await openProviderForm(gm.page);
      assert.equal((await usageRow(form, playerId).locator("[data-familiar-usage-tokens]").textContent()).trim(), "70 / 50");
      await gm.page.waitForFunction((id) => game.settings.get("pf2e-familiar", "relayUsage").includes(id), playerId, { timeout: 10_000 });
      await gm.page.reload();
      // The reloaded GM page publishes a new relay key; ask once the player's page has it.
      await ravenInteractive(gm.page);
      // (The flag still holds the old page's key until the new one is written: wait for this page's own.)
      const gmKey = await gm.page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/sealed-channel.mjs`)).publicKey());
      await gm.page.waitForFunction((key) => game.user.getFlag("pf2e-familiar", "relayKey") === key, gmKey);
      await player.page.waitForFunction(({ id, key }) => game.users.get(id).getFlag("pf2e-familiar", "relayKey") === key, { id: USERS.gm, key: gmKey });
      await ask(panel, "what does prone do?");
      await panel.getByText("Your question budget for today is used up; the GM can raise it.").waitFor({ timeout: 15_000 });
      form = await openProviderForm(gm.page);
      assert.equal((await usageRow(form, playerId).locator("[data-familiar-usage-tokens]").textContent()).trim(), "70 / 50");

      // An own budget for this player replaces the world's: the next question is answered.
      await usageRow(form, playerId).locator("[data-familiar-user-budget]").fill("1000");
      await saveForm(gm.page, form);
      assert.deepEqual(await gm.page.evaluate(() => game.settings.get("pf2e-familiar", "relayBudgets")), { daily: 50, users: { [playerId]: 1000 } });
      await ask(panel, "what does grabbed do?");
      await panel.getByText(`Answered by budget-${profile}`).waitFor({ timeout: 15_000 });
      form = await openProviderForm(gm.page);
      assert.equal((await usageRow(form, playerId).locator("[data-familiar-usage-tokens]").textContent()).trim(), "140 / 1000");
      assert.deepEqual(gm.pageErrors, []);
      assert.deepEqual(player.pageErrors, []);
    } finally {
      for (const opened of [player, gm]) await opened.context.close();
    }
  });
}
