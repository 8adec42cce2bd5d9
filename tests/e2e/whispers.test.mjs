// Whispers stay private on every core version, v14's message modes included: with two players' pages open beside
// the GM's, the GM's `/raven` answer and an answer posted "to myself" render on the GM's page alone, a player's
// `/raven` answer on that player's page alone, and an encounter plan whispered to GMs on no player's page. Each
// check waits for the message on the page that must show it, then for the server to have sent it everywhere (the
// harness broadcasts each created message to every page, which decides whether to render it, as Foundry's client
// does from ChatMessage#visible).
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { ravenInteractive } from "./waits.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { CREATURES, useFakeProvider, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

/** Types `text` into the chat input and sends it with Enter, as a user does. */
async function say(page, text) {
  await ravenInteractive(page);
  await page.locator("#chat-message").fill(text);
  await page.locator("#chat-message").press("Enter");
}

/** How many chat messages on `page` show `text`, and how many of its collection's messages it may see hold it. */
function shown(page, text) {
  return page.evaluate((needle) => ({
    rendered: [...document.querySelectorAll("#chat-log .chat-message")].filter((li) => li.textContent.includes(needle)).length,
    visible: game.messages.contents.filter((message) => message.visible && String(message.content).includes(needle)).length,
  }), text);
}

/** Resolves once every page's client has received the server's broadcasts so far (a round trip after them). */
async function settled(pages) {
  await Promise.all(pages.map((page) => page.evaluate(() => new Promise((resolve) => game.socket.emit("harness.world", {}, resolve)))));
}

/** The message `text` must render on `owners` alone: waited for there, then checked absent on `others`. */
async function assertOnlyOn(text, owners, others) {
  for (const page of owners) await page.locator("#chat-log .chat-message").filter({ hasText: text }).first().waitFor({ timeout: 20_000 });
  await settled([...owners, ...others]);
  const stored = harness.world.messages.filter((message) => String(message.content).includes(text));
  assert.ok(stored.length >= 1, `the server stored the message with "${text}"`);
  for (const message of stored) assert.ok(message.whisper?.length > 0, `"${text}" was sent as a whisper`);
  for (const page of others) {
    assert.deepEqual(await shown(page, text), { rendered: 0, visible: 0 }, `"${text}" must not render for another user`);
  }
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: /raven answers, a post to myself and an encounter plan for GMs render for their audience alone`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const brannoc = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const tamsin = await openGame(browser, harness, { profile, user: USERS.tamsin });
    const players = [brannoc.page, tamsin.page];
    try {
      // The GM's own /raven (no provider yet: the offline answer, whispered to the GM).
      const gmQuestion = `whisper check ${profile} gm: how do I catch my breath?`;
      await say(gm.page, `/raven ${gmQuestion}`);
      await assertOnlyOn(gmQuestion, [gm.page], players);

      // A player's /raven goes through the GM and comes back whispered to that player alone.
      const playerQuestion = `whisper check ${profile} brannoc: can I Step while grabbed?`;
      await say(brannoc.page, `/raven ${playerQuestion}`);
      await assertOnlyOn(playerQuestion, [brannoc.page], [tamsin.page]);

      // An answer from the GM's provider, posted "to myself" from the Ask view.
      const prefix = `whisper-${profile}`;
      const form = await openProviderForm(gm.page);
      await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model: "ok", key: "sk-e2e-whisper-check" });
      await saveForm(gm.page, form);
      const panel = await openAsk(gm.page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 20_000 });
      await panel.getByLabel("Post for").selectOption("self");
      await panel.getByRole("button", { name: "Post to chat" }).click();
      await assertOnlyOn(`Answered by ${prefix}`, [gm.page], players);

      // An encounter plan whispered to the GMs.
      await panel.getByRole("tab", { name: "Encounter" }).click();
      await panel.getByLabel("Party level").fill("2");
      await panel.getByLabel("Party size").fill("4");
      await panel.getByLabel("Threat").selectOption("low");
      await panel.getByRole("button", { name: "Generate" }).click();
      await panel.locator(".familiar-proposal").first().getByRole("button", { name: "Whisper to GMs" }).click();
      await assertOnlyOn("Encounter plan: Low", [gm.page], players);
    } finally {
      await Promise.all([gm, brannoc, tamsin].map((opened) => opened.context.close()));
    }
  });
}
