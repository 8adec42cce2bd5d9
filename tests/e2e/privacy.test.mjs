// Consent before a third party hears anything, against our fake AI provider posing as a remote host
// (https://<test>.remote-ai.test, routed by the browser to the fake server; a loopback provider is no third party and
// needs no consent). The GM is asked once per world and provider, by a dialog that names it and says what is sent
// (axe finds nothing in it); declining keeps answers offline and never calls the provider; the GM changes their mind
// in the privacy settings. A player is asked before their first question leaves through the GM's relay; declining
// gets them the offline answer, and the privacy settings let them agree later.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { axeViolations } from "./panel-states.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

/** Each test's provider host of its own: consent is per world and provider, and the tests share one world. */
const remote = (prefix) => `https://${prefix}.remote-ai.test`;
const KEY = "sk-privacy-consent-5521";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** Sends the page's requests to the prefix's remote host to the fake server instead, counting those that are not
 * preflights. */
async function routeRemote(page, prefix) {
  const calls = [];
  await page.route(`${remote(prefix)}/**`, async (route) => {
    const request = route.request();
    if (request.method() !== "OPTIONS") calls.push(request.url());
    const response = await route.fetch({ url: request.url().replace(remote(prefix), fakeUrl) });
    await route.fulfill({ response });
  });
  return calls;
}

async function configureRemote(page, prefix) {
  const form = await openProviderForm(page);
  await addProvider(form, { name: prefix, baseUrl: `${remote(prefix)}/${prefix}/v1`, model: "ok", key: KEY });
  await saveForm(page, form);
}

async function openPrivacy(page) {
  await page.evaluate(() => new (game.settings.menus.get("familiar.privacy").type)().render(true));
  const form = page.locator("#familiar-privacy form");
  await form.waitFor();
  return form;
}

/** Closes the privacy window (ApplicationV2 instances from v12 on, `ui.windows` before), which may cover the panel. */
async function closePrivacy(page) {
  await page.evaluate(async () => {
    const app = globalThis.foundry?.applications?.instances?.get?.("familiar-privacy") ?? Object.values(ui.windows ?? {}).find((w) => w.id === "familiar-privacy");
    await app?.close();
  });
  await page.locator("#familiar-privacy").waitFor({ state: "detached" });
}

const dialog = (page) => page.locator("#familiar-consent");
const idle = (page) => page.waitForFunction(() => !document.querySelector("#familiar-panel [data-familiar-results='ask'][aria-busy='true']"));

for (const profile of ["v10", "v13"]) {
  test(`${profile}: the GM agrees per provider before the first call; declining stays offline until changed in the privacy settings`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const prefix = `world-${profile}`;
    try {
      const calls = await routeRemote(page, prefix);
      await configureRemote(page, prefix);
      const panel = await openAsk(page);
      await ask(panel);
      await dialog(page).waitFor();
      const text = await dialog(page).textContent();
      assert.match(text, new RegExp(prefix));
      assert.ok(text.includes(remote(prefix)), "the dialog names the provider's host");
      assert.match(text, /What is sent/);
      assert.deepEqual(await axeViolations(page), []);
      assert.equal(calls.length, 0, "nothing went to the provider while the dialog was open");

      await dialog(page).getByRole("button", { name: "Decline" }).click();
      await panel.getByText(/may not go to an AI provider without consent/).waitFor({ timeout: 15_000 });
      assert.equal(calls.length, 0);
      // Declined is remembered: the next question asks nothing and stays offline.
      await ask(panel, "can I step while grabbed?");
      await page.waitForFunction(() => !document.querySelector("#familiar-panel [data-familiar-results='ask'][aria-busy='true']"));
      assert.equal(await dialog(page).count(), 0);
      assert.equal(calls.length, 0);

      const privacy = await openPrivacy(page);
      const allow = privacy.getByLabel(new RegExp(`Allow ${prefix}`));
      assert.equal(await allow.isChecked(), false);
      await allow.check();
      await privacy.getByRole("button", { name: "Save" }).click();
      await privacy.getByText("Your privacy settings are saved.").waitFor();
      await closePrivacy(page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      assert.ok(calls.length >= 1, "the provider answered once allowed");
      const stored = await page.evaluate(() => game.settings.get("familiar", "providerConsent"));
      assert.equal(stored[remote(prefix)].allowed, true);
      assert.equal(stored[remote(prefix)].name, prefix);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: a player is asked before their first relayed question; declining gets the offline answer, agreeing later the provider's`, async () => {
    const gm = await openGame(browser, harness, { profile });
    const player = await openGame(browser, harness, { profile, user: USERS.tamsin });
    const prefix = `user-${profile}`;
    try {
      const calls = await routeRemote(gm.page, prefix);
      await configureRemote(gm.page, prefix);
      // The world agrees, as the GM does in the dialog.
      const gmPanel = await openAsk(gm.page);
      await ask(gmPanel);
      await dialog(gm.page).getByRole("button", { name: "Agree and send" }).click();
      await gmPanel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const afterGm = calls.length;

      const panel = await openAsk(player.page);
      await ask(panel);
      await dialog(player.page).waitFor();
      const text = await dialog(player.page).textContent();
      assert.match(text, new RegExp(prefix));
      assert.match(text, /through the GM's client/);
      assert.deepEqual(await axeViolations(player.page), []);
      await dialog(player.page).getByRole("button", { name: "Decline" }).click();
      await panel.getByText(/may not go to an AI provider without consent/).first().waitFor({ timeout: 15_000 });
      await idle(player.page);
      assert.equal(calls.length, afterGm, "the player's question never reached the provider");
      const flag = await player.page.evaluate(() => game.user.getFlag("familiar", "consent"));
      assert.equal(flag.providers[remote(prefix)], false);

      const privacy = await openPrivacy(player.page);
      const allow = privacy.getByLabel("Let my questions reach the AI providers the GM allows");
      assert.equal(await allow.isChecked(), false);
      await allow.check();
      await privacy.getByRole("button", { name: "Save" }).click();
      await privacy.getByText("Your privacy settings are saved.").waitFor();
      await closePrivacy(player.page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 20_000 });
      assert.ok(calls.length > afterGm);
      assert.deepEqual(player.pageErrors, []);
      assert.deepEqual(gm.pageErrors, []);
    } finally {
      await player.context.close();
      await gm.context.close();
    }
  });
}
