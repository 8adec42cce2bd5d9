// The GM's Ask path against our fake AI provider (tests/fakes/provider-server.mjs, started here): the provider form
// (add, reorder, remove, models from /models, Test connection, http refused), a streamed answer with content links,
// Stop cancelling (closing the panel does not), provider failures giving the offline answer with its reason, hostile model
// output rendered inert, Post to chat, and the key kept out of world settings and out of localStorage in plain text.
import assert from "node:assert/strict";
import path from "node:path";
import { after, test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { QUESTION, addProvider, answerTexts, ask, openAsk, openProviderForm, recordAnswerTexts, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

const KEY = "sk-e2e-SECRET-4242-do-not-leak";
const BREATH = { name: "Catch Your Breath", uuid: "Compendium.familiar-demo.rules.Item.DemoRuleBreath01" };
/** v10 names compendium documents without their type. */
const breathUuid = (profile) => (profile === "v10" ? BREATH.uuid.replace(".Item.", ".") : BREATH.uuid);

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** Requests the fake provider received whose path starts with `/${prefix}/`. */
async function providerLog(prefix) {
  const log = await (await fetch(`${fakeUrl}/_log`)).json();
  return log.filter((entry) => entry.path.startsWith(`/${prefix}/`));
}

/** One provider on the fake server, configured through the form. */
async function configure(page, prefix, model, options = {}) {
  const form = await openProviderForm(page);
  await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model, key: KEY, ...options });
  await saveForm(page, form);
}

function openRequests(page) {
  return page.evaluate(async () => {
    const session = await import(`${location.origin}/modules/pf2e-familiar/scripts/chat/chat-session.mjs`);
    return session.openProviderRequests();
  });
}

for (const profile of ["v10", "v11", "v12", "v13", "v14"]) {
  test(`${profile}: the GM sets up a provider in the form, asks, and reads a streamed answer with a working content link`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const prefix = `stream-${profile}`;
    try {
      const form = await openProviderForm(page);
      assert.equal(await form.getByLabel("Players may ask the raven").isChecked(), true);
      const row = await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model: "", key: KEY });
      await row.getByRole("button", { name: "Load models" }).click();
      await row.getByText("models found").waitFor();
      await row.getByLabel("Models the provider offers").selectOption("trickle");
      assert.equal(await row.getByLabel("Model", { exact: true }).inputValue(), "trickle");
      await row.getByRole("button", { name: "Test connection" }).click();
      await row.getByText("Connected").waitFor();
      await saveForm(page, form);

      const panel = await openAsk(page);
      await recordAnswerTexts(page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const body = panel.locator("[data-familiar-answer-body]");
      assert.match(await body.textContent(), new RegExp(`Answer from ${prefix} \\(trickle\\): no, you can't Step while grabbed`));
      assert.doesNotMatch(await body.textContent(), /\[\d\]/, "citation numbers became links; [9] (no such passage) was dropped");
      const texts = await answerTexts(page);
      assert.ok(texts.length >= 3, `the answer arrived in pieces: ${JSON.stringify(texts)}`);

      const link = body.locator("a.content-link");
      assert.equal(await link.count(), 1);
      assert.equal(await link.textContent(), BREATH.name);
      const uuid = breathUuid(profile);
      assert.equal(await link.getAttribute("data-uuid"), uuid);
      const resolved = await page.evaluate(async (target) => (await fromUuid(target))?.name, uuid);
      assert.equal(resolved, BREATH.name);
      const dragged = await link.evaluate((anchor) => {
        const dataTransfer = new DataTransfer();
        anchor.dispatchEvent(new DragEvent("dragstart", { bubbles: true, dataTransfer }));
        return JSON.parse(dataTransfer.getData("text/plain"));
      });
      assert.deepEqual(dragged, { type: "Item", uuid });
      const sources = panel.locator(".familiar-answer__sources a.content-link");
      assert.deepEqual(await sources.allTextContents(), [BREATH.name]);

      const [request] = await providerLog(prefix).then((log) => log.filter((entry) => entry.model === "trickle"));
      assert.equal(request.path, `/${prefix}/v1/chat/completions`);
      assert.equal(request.stream, true);
      assert.equal(request.hasKey, true, "the sealed key was opened and sent");
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}

for (const profile of ["v11", "v13", "v14"]) {
  test(`${profile}: the form adds, reorders and removes providers, and refuses a plain-http remote base URL`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    try {
      let form = await openProviderForm(page);
      await form.getByLabel("Players may ask the raven").uncheck();
      await addProvider(form, { name: "first", baseUrl: `${fakeUrl}/first/v1`, model: "ok", key: KEY });
      await addProvider(form, { name: "second", baseUrl: `${fakeUrl}/second/v1`, model: "ok", key: KEY, api: "anthropic" });
      await addProvider(form, { name: "third", baseUrl: `${fakeUrl}/third/v1`, model: "ok", key: "" });
      const rows = form.locator(".familiar-provider");
      await rows.nth(2).getByRole("button", { name: "Move up" }).click();
      await rows.nth(0).getByRole("button", { name: "Remove" }).click();
      assert.deepEqual(await rows.locator("legend").allTextContents(), ["Provider 1", "Provider 2"]);
      await saveForm(page, form);
      assert.equal(await page.evaluate(() => game.settings.get("pf2e-familiar", "playersMayUse")), false);
      const chain = await page.evaluate(() => game.settings.get("pf2e-familiar", "providerChain").providers);
      assert.deepEqual(
        chain.map((entry) => [entry.name, entry.api, Boolean(entry.key)]),
        [["third", "openai", false], ["second", "anthropic", true]],
      );

      form = await openProviderForm(page);
      assert.equal(await form.locator(".familiar-provider").count(), 2);
      assert.equal(await form.locator(".familiar-provider").first().getByLabel("Name").inputValue(), "third");
      assert.equal(await form.getByLabel("Players may ask the raven").isChecked(), false);
      await form.getByLabel("Players may ask the raven").check();
      const row = await addProvider(form, { name: "lan", baseUrl: "http://example.com/v1", model: "ok", key: KEY });
      await row.getByRole("button", { name: "Test connection" }).click();
      const error = row.locator('[data-familiar-field-error="baseUrl"]');
      await error.waitFor();
      assert.match(await error.textContent(), /unencrypted.*localhost, 127\.0\.0\.1 or \[::1\]/);
      await form.getByRole("button", { name: "Save" }).click();
      await form.getByText("would send your key unencrypted").first().waitFor();
      assert.equal(await page.locator("#familiar-providers").count(), 1, "the form stays open");
      assert.equal(await page.evaluate(() => game.settings.get("pf2e-familiar", "providerChain").providers.length), 2, "nothing saved");
      assert.equal((await providerLog("lan")).length, 0);
      // The loopback is fine over http, in any of its three spellings.
      await row.getByLabel("Base URL").fill(`${fakeUrl.replace("127.0.0.1", "localhost")}/lan/v1`);
      await saveForm(page, form);
      assert.equal(await page.evaluate(() => game.settings.get("pf2e-familiar", "providerChain").providers.at(-1).baseUrl), `${fakeUrl.replace("127.0.0.1", "localhost")}/lan/v1`);
      assert.equal(await page.evaluate(() => game.settings.get("pf2e-familiar", "playersMayUse")), true);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: the key stays out of world settings and out of localStorage in plain text, and survives a reload`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    const prefix = `key-${profile}`;
    try {
      await configure(page, prefix, "ok");
      const stored = await page.evaluate(async () => {
        const local = Object.fromEntries(Object.keys(localStorage).map((key) => [key, localStorage.getItem(key)]));
        const world = JSON.stringify([...game.settings.storage.get("world")]);
        const database = await new Promise((resolve, reject) => {
          const request = indexedDB.open("pf2e-familiar");
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        const wrapping = await new Promise((resolve) => {
          const request = database.transaction("blobs").objectStore("blobs").get("key-store:aes-gcm");
          request.onsuccess = () => resolve(request.result);
        });
        return { local, world, wrapping: { type: wrapping?.constructor.name, extractable: wrapping?.extractable, algorithm: wrapping?.algorithm.name } };
      });
      for (const [key, value] of Object.entries(stored.local)) assert.ok(!value.includes(KEY), `localStorage ${key} holds the key`);
      assert.ok(!stored.world.includes(KEY));
      assert.ok(!JSON.stringify(harness.world.settings).includes(KEY), "no world or user setting on the server holds it");
      const chain = JSON.parse(stored.local["pf2e-familiar.providerChain"]);
      assert.equal(chain.providers[0].name, prefix);
      assert.ok(chain.providers[0].key.iv && chain.providers[0].key.data, "sealed");
      assert.deepEqual(stored.wrapping, { type: "CryptoKey", extractable: false, algorithm: "AES-GCM" });

      await page.reload();
      const panel = await openAsk(page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const log = await providerLog(prefix);
      assert.ok(log.length >= 1 && log.every((entry) => entry.hasKey), "the key opened again after the reload");
    } finally {
      await context.close();
    }
  });

  test(`${profile}: Stop cancels the answer; closing the panel does not, and the reopened view shows it going on`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    const prefix = `stop-${profile}`;
    try {
      // "stall" sends the first words, then nothing: the request stays open until cancelled.
      await configure(page, prefix, "stall");
      let panel = await openAsk(page);
      await ask(panel);
      await panel.locator("[data-familiar-answer-body]").getByText("Answer").waitFor();
      assert.equal(await openRequests(page), 1);
      await panel.getByRole("button", { name: "Stop" }).click();
      await panel.getByText("Stopped.").waitFor();
      assert.equal(await openRequests(page), 0);
      assert.match(await panel.locator("[data-familiar-answer-body]").textContent(), /^Answer/, "what arrived is kept");
      assert.equal(await panel.getByRole("button", { name: "Stop" }).count(), 0);

      await ask(panel);
      await panel.locator("[data-familiar-answer-body]").getByText("Answer").waitFor();
      assert.equal(await openRequests(page), 1);
      await page.keyboard.press("Escape");
      await page.locator("#familiar-panel").waitFor({ state: "detached" });
      await page.waitForTimeout(500);
      assert.equal(await openRequests(page), 1, "the answer streams on behind the closed panel");
      panel = await openAsk(page);
      await panel.locator("[data-familiar-answer-body]").getByText("Answer").waitFor();
      await panel.getByRole("button", { name: "Stop" }).click();
      await panel.getByText("Stopped.").waitFor();
      assert.equal(await openRequests(page), 0);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: no provider, a failing provider (500) and a bad key (401) give the offline answer with the reason`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    const prefix = `fail-${profile}`;
    try {
      let panel = await openAsk(page);
      await ask(panel);
      const offline = panel.locator("[data-familiar-offline]");
      await offline.waitFor();
      assert.match(await offline.textContent(), /Offline answer/);
      assert.match(await offline.locator("[data-familiar-offline-reason]").textContent(), /No AI provider is set up/);
      assert.equal(await panel.locator(".familiar-hit a.content-link").first().getAttribute("data-uuid"), BREATH.uuid);
      await offline.getByRole("button", { name: "Set up AI providers" }).click();
      const form = page.locator("#familiar-providers form");
      await form.waitFor();
      await addProvider(form, { name: "down", baseUrl: `${fakeUrl}/${prefix}/v1`, model: "500", key: KEY });
      await addProvider(form, { name: "badkey", baseUrl: `${fakeUrl}/${prefix}/v1`, model: "401", key: KEY });
      await saveForm(page, form);

      panel = page.locator("#familiar-panel");
      await ask(panel);
      await offline.getByText("Every AI provider failed").waitFor({ timeout: 20_000 });
      assert.match(await offline.locator("[data-familiar-offline-reason]").textContent(), /Every AI provider failed/);
      const attempts = await offline.locator(".familiar-results__attempts li").allTextContents();
      assert.ok(attempts.some((line) => /^down: 500 /.test(line)), attempts.join(" | "));
      assert.ok(attempts.some((line) => /^badkey: 401 /.test(line)), attempts.join(" | "));
      assert.equal(await panel.locator(".familiar-hit a.content-link").first().textContent(), BREATH.name);
      const log = await providerLog(prefix);
      assert.equal(log.filter((entry) => entry.model === "401").length, 1, "a bad key is not retried");
      assert.ok(log.filter((entry) => entry.model === "500").length > 1, "a 500 is retried");
    } finally {
      await context.close();
    }
  });

  test(`${profile}: a hostile model reply renders inert, in the panel and in chat, and Post to chat makes a ChatMessage`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const prefix = `xss-${profile}`;
    // The fake provider echoes the model name into its answer: so the model writes this.
    const hostile =
      '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>[click](javascript:window.__pwned=3) ' +
      '<a href="javascript:window.__pwned=4" onmouseover="window.__pwned=5">a</a> <svg onload="window.__pwned=6"></svg> ' +
      "<iframe srcdoc=\"<script>parent.__pwned=7</script>\"></iframe> @UUID[Compendium.x.y.Item.z\" onclick=\"window.__pwned=8]{evil}";
    try {
      let dialogs = 0;
      page.on("dialog", (dialog) => {
        dialogs++;
        dialog.dismiss();
      });
      await configure(page, prefix, hostile);
      const panel = await openAsk(page);
      await page.evaluate(() => {
        window.__inserted = [];
        new MutationObserver((records) => {
          for (const record of records) for (const node of record.addedNodes) if (node.nodeType === 1) window.__inserted.push(...[node, ...node.querySelectorAll("*")].map((el) => el.tagName.toLowerCase()));
        }).observe(document.querySelector('#familiar-panel [data-familiar-results="ask"]'), { subtree: true, childList: true });
      });
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const body = panel.locator("[data-familiar-answer-body]");
      assert.match(await body.textContent(), /<img src=x onerror=/, "the markup shows as text");
      const dangers = (root) =>
        root.evaluate((element) =>
          [...element.querySelectorAll("*")].flatMap((el) => {
            const found = [];
            if (["script", "img", "svg", "iframe", "object", "embed", "style"].includes(el.tagName.toLowerCase())) found.push(el.tagName);
            for (const attribute of el.attributes) {
              if (attribute.name.startsWith("on")) found.push(`${el.tagName}@${attribute.name}`);
              if (attribute.name === "href" && !/^(https?:|mailto:)/i.test(attribute.value)) found.push(`${el.tagName}@href=${attribute.value}`);
            }
            return found;
          }),
        );
      assert.deepEqual(await dangers(panel.locator('[data-familiar-results="ask"]')), []);
      const inserted = await page.evaluate(() => window.__inserted);
      for (const tag of ["script", "img", "svg", "iframe"]) assert.ok(!inserted.includes(tag), `a ${tag} was inserted while streaming`);

      await panel.getByLabel("Post for").selectOption("self");
      await panel.getByRole("button", { name: "Post to chat" }).click();
      await panel.getByRole("button", { name: "Posted" }).waitFor();
      const whispered = await page.evaluate(() => {
        const message = game.messages.contents.at(-1);
        return { whisper: message.whisper, content: message.content, gm: game.user.id };
      });
      assert.deepEqual(whispered.whisper, [whispered.gm]);
      assert.match(whispered.content, /familiar-chat-answer/);
      const chatMessage = page.locator("#chat-log .familiar-chat-answer").last();
      await chatMessage.waitFor();
      assert.deepEqual(await dangers(chatMessage), []);
      assert.match(await chatMessage.textContent(), /<script>window.__pwned=2<\/script>/);
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(dialogs, 0);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: Post to chat posts the answer with its content links, public or whispered`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const prefix = `post-${profile}`;
    try {
      await configure(page, prefix, "ok", { api: "anthropic" });
      const panel = await openAsk(page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const [request] = await providerLog(prefix);
      assert.equal(request.path, `/${prefix}/v1/messages`);
      assert.equal(request.browserAccess, "true");

      assert.equal(await panel.getByLabel("Post for").inputValue(), "public");
      await panel.getByRole("button", { name: "Post to chat" }).click();
      const posted = player.page.locator("#chat-log .familiar-chat-answer").filter({ hasText: `Answered by ${prefix}` });
      await posted.waitFor();
      const message = await page.evaluate(() => game.messages.contents.at(-1).toObject());
      assert.deepEqual(message.whisper ?? [], []);
      assert.match(message.content, new RegExp(`Answer from ${prefix} \\(ok\\)`));
      const links = posted.locator("a.content-link");
      assert.deepEqual(await links.evaluateAll((anchors) => anchors.map((a) => [a.textContent, a.dataset.uuid, a.dataset.type])), [
        [BREATH.name, BREATH.uuid, "Item"],
        [BREATH.name, BREATH.uuid, "Item"],
      ]);
      assert.match(await posted.textContent(), new RegExp(QUESTION.replace("?", "\\?")));
      assert.ok(!JSON.stringify(message).includes(KEY));
    } finally {
      await context.close();
      await player.context.close();
    }
  });
}
