// Consent before a third party hears anything, against our fake AI provider posing as a remote host
// (https://<test>.remote-ai.test, routed by the browser to the fake server; a loopback provider is no third party and
// needs no consent). The GM is asked once per world and provider, by a dialog that names it and says what is sent
// (axe finds nothing in it); declining keeps answers offline and never calls the provider; the GM changes their mind
// in the privacy settings. A player is asked before their first question leaves through the GM's relay; declining
// gets them the offline answer, and the privacy settings let them agree later. Art has its own consent, against
// tests/fakes/image-server.mjs posing as a remote image provider: the GM's first prompt waits for a dialog of its own
// (what an art prompt sends); declining sends nothing until changed in the privacy settings; a player's first
// relayed art request waits for their own yes, and a no sends no request at all.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { after, before, test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { REPO } from "./paths.mjs";
import { axeViolations, openPanel, showView } from "./panel-states.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";
import { ravenInteractive } from "./waits.mjs";

/** Each test's provider host of its own: consent is per world and provider, and the tests share one world. */
const remote = (prefix) => `https://${prefix}.remote-ai.test`;
const KEY = "sk-privacy-consent-5521";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

let imageServer;
let imageUrl;
before(async () => {
  imageServer = spawn(process.execPath, [path.join(REPO, "tests/fakes/image-server.mjs"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const first = await readline.createInterface({ input: imageServer.stdout })[Symbol.asyncIterator]().next();
  imageUrl = JSON.parse(first.value).url;
});
after(() => imageServer?.kill());

/** Sends the page's requests to the prefix's remote host to the fake server (`target`, the chat one unless given)
 * instead, counting those that are not preflights. */
async function routeRemote(page, prefix, target = () => fakeUrl) {
  const calls = [];
  await page.route(`${remote(prefix)}/**`, async (route) => {
    const request = route.request();
    if (request.method() !== "OPTIONS") calls.push(request.url());
    const response = await route.fetch({ url: request.url().replace(remote(prefix), target()) });
    await route.fulfill({ response });
  });
  return calls;
}

/** The GM's art chain: one image provider (A1111's format, no key) on the prefix's remote host. */
async function configureRemoteArt(page, prefix) {
  await page.evaluate(() => new (game.settings.menus.get("pf2e-familiar.artProviders").type)().render(true));
  const form = page.locator("#familiar-art-providers form");
  await form.waitFor();
  await form.getByRole("button", { name: "Add provider" }).click();
  const row = form.locator(".familiar-provider").last();
  await row.getByLabel("Name").fill(prefix);
  await row.getByLabel("Format").selectOption("a1111");
  await row.getByLabel("Base URL").fill(`${remote(prefix)}/ok/a1111`);
  await form.getByRole("button", { name: "Save" }).click();
  await page.locator("#familiar-art-providers").waitFor({ state: "detached" });
}

async function openArt(page) {
  const panel = await openPanel(page);
  await showView(page, "art");
  await panel.locator('[data-familiar-form="art"]').waitFor();
  return panel;
}

/** Fills the prompt and presses Generate (the GM) or Request (a player). */
async function paint(panel, button, prompt = "a lantern-lit ruined chapel") {
  await panel.getByLabel("What to paint").fill(prompt);
  await panel.getByRole("button", { name: button }).click();
}

const artStatus = (panel) => panel.locator("[data-familiar-art-status]");

async function configureRemote(page, prefix) {
  const form = await openProviderForm(page);
  await addProvider(form, { name: prefix, baseUrl: `${remote(prefix)}/${prefix}/v1`, model: "ok", key: KEY });
  await saveForm(page, form);
}

async function openPrivacy(page) {
  await page.evaluate(() => new (game.settings.menus.get("pf2e-familiar.privacy").type)().render(true));
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
const artDialog = (page) => page.locator("#familiar-consent-art");
const idle = (page) => page.waitForFunction(() => !document.querySelector("#familiar-panel [data-familiar-results='ask'][aria-busy='true']"));

for (const profile of ["v10", "v13", "v14"]) {
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
      const stored = await page.evaluate(() => game.settings.get("pf2e-familiar", "providerConsent"));
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
      const flag = await player.page.evaluate(() => game.user.getFlag("pf2e-familiar", "consent"));
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

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: the GM's first art prompt waits for the art consent dialog; declining sends nothing until changed in the privacy settings`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const prefix = `art-world-${profile}`;
    try {
      const calls = await routeRemote(page, prefix, () => imageUrl);
      await ravenInteractive(page);
      await configureRemoteArt(page, prefix);
      const panel = await openArt(page);
      await paint(panel, "Generate");
      await artDialog(page).waitFor();
      const text = await artDialog(page).textContent();
      assert.match(text, new RegExp(prefix));
      assert.ok(text.includes(remote(prefix)), "the dialog names the image provider's host");
      assert.match(text, /art prompt/);
      assert.match(text, /name, level, traits, size and description/);
      assert.doesNotMatch(text, /passages of the world's rules compendia/, "not the questions' text");
      assert.deepEqual(await axeViolations(page), []);
      assert.equal(calls.length, 0, "nothing went to the image provider while the dialog was open");

      await artDialog(page).getByRole("button", { name: "Decline" }).click();
      await artStatus(panel).filter({ hasText: /Nothing was sent/ }).waitFor({ timeout: 15_000 });
      assert.equal(calls.length, 0);
      // Declined is remembered, and only for art: no dialog the next time, nothing sent, no question consent made.
      await paint(panel, "Generate");
      await artStatus(panel).filter({ hasText: /Nothing was sent/ }).waitFor({ timeout: 15_000 });
      assert.equal(await artDialog(page).count(), 0);
      assert.equal(calls.length, 0);
      const declined = await page.evaluate(() => [game.settings.get("pf2e-familiar", "artProviderConsent"), game.settings.get("pf2e-familiar", "providerConsent")]);
      assert.equal(declined[0][remote(prefix)].allowed, false);
      assert.equal(declined[1][remote(prefix)], undefined, "an art decision is no decision on questions");

      const privacy = await openPrivacy(page);
      const allow = privacy.getByLabel(new RegExp(`Allow art prompts to ${prefix}`));
      assert.equal(await allow.isChecked(), false);
      await allow.check();
      await privacy.getByRole("button", { name: "Save" }).click();
      await privacy.getByText("Your privacy settings are saved.").waitFor();
      await closePrivacy(page);
      await paint(panel, "Generate");
      await artStatus(panel).filter({ hasText: "Finished" }).waitFor({ timeout: 60_000 });
      assert.ok(calls.length >= 1, "the image provider was called once allowed");
      assert.equal((await page.evaluate(() => game.settings.get("pf2e-familiar", "artProviderConsent")))[remote(prefix)].allowed, true);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}

test("v13: a player's first art request waits for their own yes; declining sends no request, agreeing later in the privacy settings paints", async () => {
  const profile = "v13";
  const gm = await openGame(browser, harness, { profile });
  const player = await openGame(browser, harness, { profile, user: USERS.tamsin });
  const prefix = `art-user-${profile}`;
  try {
    const calls = await routeRemote(gm.page, prefix, () => imageUrl);
    await ravenInteractive(gm.page);
    await configureRemoteArt(gm.page, prefix);
    await gm.page.evaluate(() => game.settings.set("pf2e-familiar", "playersMayRequestArt", true));
    // The world agrees in the GM's own art dialog.
    const gmPanel = await openArt(gm.page);
    await paint(gmPanel, "Generate");
    await artDialog(gm.page).getByRole("button", { name: "Agree and send" }).click();
    await artStatus(gmPanel).filter({ hasText: "Finished" }).waitFor({ timeout: 60_000 });
    const afterGm = calls.length;
    const sent = [];
    gm.page.on("console", (message) => message.text().includes("art relay refused") && sent.push(message.text()));

    await ravenInteractive(player.page);
    const panel = await openArt(player.page);
    await paint(panel, "Request");
    await artDialog(player.page).waitFor();
    const text = await artDialog(player.page).textContent();
    assert.match(text, new RegExp(prefix));
    assert.match(text, /through the GM's client/);
    assert.match(text, /Your prompt as you typed it/);
    assert.deepEqual(await axeViolations(player.page), []);
    await artDialog(player.page).getByRole("button", { name: "Decline" }).click();
    await artStatus(panel).filter({ hasText: /Nothing was sent: you have not agreed/ }).waitFor({ timeout: 15_000 });
    await player.page.waitForTimeout(1000);
    assert.equal(calls.length, afterGm, "the player's prompt never reached the image provider");
    const usage = await gm.page.evaluate(async (id) => (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/art-relay.mjs`)).artUsage().find((entry) => entry.userId === id), USERS.tamsin);
    assert.equal(usage.imagesToday, 0, "no request reached the GM's relay");
    const flag = await player.page.evaluate(() => game.user.getFlag("pf2e-familiar", "consent"));
    assert.equal(flag.art[remote(prefix)], false);
    assert.equal(flag.providers?.[remote(prefix)], undefined, "declining art says nothing about questions");

    const privacy = await openPrivacy(player.page);
    const allow = privacy.getByLabel("Let my art prompts reach the image providers the GM allows");
    assert.equal(await allow.isChecked(), false);
    await allow.check();
    await privacy.getByRole("button", { name: "Save" }).click();
    await privacy.getByText("Your privacy settings are saved.").waitFor();
    await closePrivacy(player.page);
    await paint(panel, "Request");
    // Any outcome ends the wait, so a refusal fails with its own words.
    await artStatus(panel).filter({ hasText: /Finished|Not painted|No picture|could not|refused|Nothing was sent/ }).waitFor({ timeout: 90_000 });
    assert.match(await artStatus(panel).textContent(), /Finished/);
    assert.ok(calls.length > afterGm, "the GM's client painted it once the player agreed");
    assert.deepEqual(sent, []);
    assert.deepEqual(player.pageErrors, []);
    assert.deepEqual(gm.pageErrors, []);
  } finally {
    await player.context.close();
    await gm.context.close();
  }
});
