// `/raven <question>` typed in the chat log, as users type it: the GM's question answered by the GM's provider (our
// fake server) as a whisper to the GM with the answer and its content link; a player's question through the GM
// relay, whispered to that player alone (the other player's page and the GM's never render it), and the relay's
// rate limit said in words; no provider → the offline whisper; `/raven` alone → the usage notice; a hostile
// question shown as text; players refused when the GM forbids it. The raw command is never posted as a message,
// and other chat text still is.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { ravenInteractive } from "./waits.mjs";
import { addProvider, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

const KEY = "sk-e2e-COMMAND-5150-do-not-leak";
const BREATH = { name: "Catch Your Breath", uuid: "Compendium.familiar-demo.rules.Item.DemoRuleBreath01" };
/** v10 names compendium documents without their type. */
const breathUuid = (profile) => (profile === "v10" ? BREATH.uuid.replace(".Item.", ".") : BREATH.uuid);
const STEP = "can I Step while grabbed?";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** One provider on the fake server, set up through the GM's form. */
async function configure(page, prefix, model) {
  const form = await openProviderForm(page);
  await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model, key: KEY });
  await saveForm(page, form);
}

/** Types `text` into the chat input and sends it with Enter, as a user does. */
async function say(page, text) {
  await ravenInteractive(page);
  await page.locator("#chat-message").fill(text);
  await page.locator("#chat-message").press("Enter");
}

/** The raven's chat card on `page` whose question is `question` (the text, however it was typed). */
function card(page, question) {
  return page.locator("#chat-log .chat-message").filter({ has: page.locator(".familiar-chat-answer__question", { hasText: question }) });
}

/** Messages the harness server stored whose content holds `text` (every message anyone created). */
function storedWith(text) {
  return harness.world.messages.filter((message) => String(message.content).includes(text));
}

/** The rules index's best passage for `question` on `page`: the one the answer's [1] cites. */
async function topPassage(page, question) {
  const [hit] = await page.evaluate((text) => game.modules.get("pf2e-familiar").api.search(text, { top: 1 }), question);
  return hit;
}

function notifications(page) {
  return page.evaluate(() => window.__harness.notifications.map((notice) => notice.message));
}

/** The message behind a rendered card, as the page's own collection holds it. */
function messageOf(page, question) {
  return page.evaluate((text) => {
    const message = game.messages.contents.findLast((m) => String(m.content).includes(text));
    return message && { whisper: message.whisper, alias: message.speaker?.alias, author: message.authorUser?.id, visible: message.visible };
  }, question);
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: the GM's /raven gets a whisper with the streamed answer and its content link; the raw command is never posted`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openGame(browser, harness, { profile, user: USERS.ysolde });
    const prefix = `command-${profile}`;
    const question = `${STEP} (${profile})`;
    try {
      await configure(gm.page, prefix, "trickle");
      await ravenInteractive(player.page);
      await say(gm.page, `/Raven   ${question}`);
      await gm.page.waitForFunction(() => window.__harness.notifications.some((notice) => /looking into your question/.test(notice.message)));
      const whisper = card(gm.page, question);
      await whisper.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });

      const body = whisper.locator("[data-familiar-answer-body]");
      assert.match(await body.textContent(), new RegExp(`Answer from ${prefix} \\(trickle\\): no, you can't Step while grabbed`));
      assert.doesNotMatch(await body.textContent(), /\[\d\]/, "citation numbers became links");
      // "[1]" is the index's best passage, now a content link that resolves to its document.
      const cited = await topPassage(gm.page, question);
      const link = body.locator("a.content-link");
      assert.deepEqual(await link.evaluateAll((anchors) => anchors.map((a) => [a.textContent, a.dataset.uuid, a.dataset.type])), [
        [cited.name, cited.uuid, "Item"],
      ]);
      assert.equal(await gm.page.evaluate(async (uuid) => (await fromUuid(uuid))?.name, cited.uuid), cited.name);
      assert.deepEqual(await whisper.locator(".familiar-chat-answer__sources a.content-link").allTextContents(), [cited.name]);
      assert.deepEqual(await messageOf(gm.page, question), { whisper: [USERS.gm], alias: "The raven", author: USERS.gm, visible: true });
      const [request] = (await (await fetch(`${fakeUrl}/_log`)).json()).filter((entry) => entry.path.startsWith(`/${prefix}/`));
      assert.equal(request.stream, true, "the answer was streamed from the provider");

      // The other page holds the message (the harness broadcasts every message) but never shows it.
      await player.page.waitForFunction((text) => game.messages.contents.some((m) => String(m.content).includes(text)), question);
      assert.equal((await messageOf(player.page, question)).visible, false);
      assert.equal(await card(player.page, question).count(), 0);

      // `/raven` alone: the usage notice, nothing posted. Other text, even "/ravenous", goes on to Foundry.
      await say(gm.page, "/raven");
      await gm.page.waitForFunction(() => window.__harness.notifications.some((notice) => /\/raven followed by your question/.test(notice.message)));
      await say(gm.page, `/ravenous appetite ${profile}`);
      await gm.page.locator("#chat-log .message-content", { hasText: `/ravenous appetite ${profile}` }).waitFor();
      assert.equal(storedWith(`/Raven   ${question}`).length + storedWith(`/raven ${question}`).length, 0);
      assert.ok(!harness.world.messages.some((message) => /^\/raven(\s|$)/i.test(String(message.content).replace(/<[^>]*>/g, ""))), "no raw /raven message was stored");
      assert.equal(storedWith(question).length, 1, "exactly one whisper for the question");
      assert.ok(!JSON.stringify(harness.world.messages).includes(KEY));
      assert.deepEqual(gm.pageErrors, []);
      assert.deepEqual(player.pageErrors, []);
    } finally {
      await gm.context.close();
      await player.context.close();
    }
  });

  test(`${profile}: a player's /raven goes through the GM relay and is whispered to that player alone`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const playerB = await openGame(browser, harness, { profile, user: USERS.ysolde });
    const playerA = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const prefix = `command-relay-${profile}`;
    const question = `${STEP} relayed (${profile})`;
    try {
      await configure(gm.page, prefix, "trickle");
      // One question a minute.
      await gm.page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/chat-relay.mjs`)).configureRelay({ requestsPerMinute: 1 }));
      await ravenInteractive(playerB.page);
      await say(playerA.page, `/raven ${question}`);
      const whisper = card(playerA.page, question);
      // Generous: the reload, the resync with the GM and the resumed answer share a loaded 2-core machine.
      await whisper.getByText(`Answered by ${prefix}`).waitFor({ timeout: 45_000 });
      assert.match(await whisper.locator("[data-familiar-answer-body]").textContent(), new RegExp(`Answer from ${prefix} \\(trickle\\): no, you can't Step`));
      const cited = await topPassage(playerA.page, question);
      assert.deepEqual(await whisper.locator("[data-familiar-answer-body] a.content-link").allTextContents(), [cited.name]);
      assert.deepEqual(await messageOf(playerA.page, question), { whisper: [USERS.brannoc], alias: "The raven", author: USERS.brannoc, visible: true });
      const log = (await (await fetch(`${fakeUrl}/_log`)).json()).filter((entry) => entry.path.startsWith(`/${prefix}/`));
      assert.equal(log.length, 1, "the GM's client asked its provider once");
      assert.equal(log[0].hasKey, true);

      // Neither player B nor the GM (who is not a recipient) renders it.
      for (const other of [playerB, gm]) {
        await other.page.waitForFunction((text) => game.messages.contents.some((m) => String(m.content).includes(text)), question);
        assert.equal((await messageOf(other.page, question)).visible, false);
        assert.equal(await card(other.page, question).count(), 0);
        assert.ok(!(await other.page.locator("#chat-log").innerHTML()).includes(question));
      }

      // A second question within the minute: refused by the GM's relay, and the whisper says so in words.
      const again = `what does off-guard do? (${profile})`;
      await say(playerA.page, `/raven ${again}`);
      const refused = card(playerA.page, again).locator("[data-familiar-answer-notice]");
      await refused.waitFor({ timeout: 15_000 });
      assert.match(await refused.textContent(), /^Too many questions in the last minute; ask again in \d+ s\.$/);
      assert.equal(await card(playerA.page, again).locator("[data-familiar-answer-body]").textContent(), "", "no half answer");
      assert.equal((await (await fetch(`${fakeUrl}/_log`)).json()).filter((entry) => entry.path.startsWith(`/${prefix}/`)).length, 1);

      assert.ok(!harness.world.messages.some((message) => /^\/raven(\s|$)/i.test(String(message.content).replace(/<[^>]*>/g, ""))), "no raw /raven message was stored");
      assert.ok(!JSON.stringify(harness.world.messages).includes(KEY));
      for (const opened of [gm, playerA, playerB]) assert.deepEqual(opened.pageErrors, []);
    } finally {
      for (const opened of [playerA, playerB, gm]) await opened.context.close();
    }
  });

  test(`${profile}: a player who reloads while the GM answers their /raven still gets the whisper, once`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const playerA = await openGame(browser, harness, { profile, user: USERS.tamsin });
    const prefix = `command-reload-${profile}`;
    const question = `${STEP} after a reload (${profile})`;
    try {
      await configure(gm.page, prefix, "trickle");
      await ravenInteractive(playerA.page);
      await say(playerA.page, `/raven ${question}`);
      await playerA.page.waitForFunction(() => JSON.parse(sessionStorage.getItem("pf2e-familiar.relay.pending") ?? "[]").length === 1);
      assert.equal(await playerA.page.evaluate(() => JSON.parse(sessionStorage.getItem("pf2e-familiar.relay.pending"))[0].origin), "command");
      await playerA.page.reload();
      const whisper = card(playerA.page, question);
      // Generous: the reload, the resync with the GM and the resumed answer share a loaded 2-core machine.
      await whisper.getByText(`Answered by ${prefix}`).waitFor({ timeout: 45_000 });
      assert.match(await whisper.locator("[data-familiar-answer-body]").textContent(), /no, you can't Step/);
      assert.equal(harness.world.messages.filter((message) => String(message.content).includes(question)).length, 1, "one whisper");
      assert.equal(await playerA.page.evaluate(() => sessionStorage.getItem("pf2e-familiar.relay.pending")), "[]");
      // The Ask view did not take the command's answer.
      assert.equal(await playerA.page.locator("#familiar-panel").count(), 0);
      for (const opened of [gm, playerA]) assert.deepEqual(opened.pageErrors, []);
    } finally {
      for (const opened of [playerA, gm]) await opened.context.close();
    }
  });

  test(`${profile}: with no provider the GM gets the offline whisper; with no GM a player gets it too`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const question = `how do I catch my breath after a fight? (${profile})`;
    try {
      await say(gm.page, `/raven ${question}`);
      const whisper = card(gm.page, question);
      await whisper.locator("[data-familiar-offline]").waitFor({ timeout: 15_000 });
      assert.match(await whisper.textContent(), /Offline answer: from your compendia, no AI provider used\./);
      assert.match(await whisper.locator("[data-familiar-offline-reason]").textContent(), /No AI provider is set up/);
      const first = whisper.locator(".familiar-chat-answer__passages a.content-link").first();
      assert.equal(await first.textContent(), BREATH.name);
      assert.equal(await first.getAttribute("data-uuid"), breathUuid(profile));
      assert.deepEqual(await messageOf(gm.page, question), { whisper: [USERS.gm], alias: "The raven", author: USERS.gm, visible: true });
      assert.deepEqual(gm.pageErrors, []);
    } finally {
      await gm.context.close();
    }

    const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const asked = `${question} no GM`;
    try {
      await player.page.waitForFunction(() => game.users.activeGM === null);
      await say(player.page, `/raven ${asked}`);
      const whisper = card(player.page, asked);
      await whisper.locator("[data-familiar-offline-reason]").waitFor({ timeout: 15_000 });
      assert.match(await whisper.locator("[data-familiar-offline-reason]").textContent(), /No GM is online/);
      assert.ok((await whisper.locator(".familiar-chat-answer__passages a.content-link").count()) >= 1, "the closest rules are linked");
      assert.deepEqual(await messageOf(player.page, asked), { whisper: [USERS.brannoc], alias: "The raven", author: USERS.brannoc, visible: true });
      assert.deepEqual(player.pageErrors, []);
    } finally {
      await player.context.close();
    }
  });

  test(`${profile}: a hostile question shows as text in the whisper; a player may not ask when the GM forbids it`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const prefix = `command-xss-${profile}`;
    const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> {{constructor}} ${profile}`;
    try {
      let dialogs = 0;
      for (const page of [gm.page, player.page]) page.on("dialog", (dialog) => (dialogs++, dialog.dismiss()));
      await configure(gm.page, prefix, "ok");
      await ravenInteractive(player.page);
      for (const opened of [gm, player]) {
        await say(opened.page, `/raven ${hostile}`);
        const whisper = card(opened.page, `{{constructor}} ${profile}`);
        // Generous: the reload, the resync with the GM and the resumed answer share a loaded 2-core machine.
      await whisper.getByText(`Answered by ${prefix}`).waitFor({ timeout: 45_000 });
        assert.equal(await whisper.locator(".familiar-chat-answer__question").textContent(), `Asked: ${hostile}`);
        const dangers = await opened.page.locator("#chat-log").evaluate((log) =>
          [...log.querySelectorAll("*")].flatMap((el) => [
            ...(["script", "img", "svg", "iframe"].includes(el.tagName.toLowerCase()) ? [el.tagName] : []),
            ...[...el.attributes].filter((attribute) => attribute.name.startsWith("on")).map((attribute) => `${el.tagName}@${attribute.name}`),
          ]),
        );
        assert.deepEqual(dangers, []);
        assert.equal(await opened.page.evaluate(() => window.__pwned), undefined);
      }
      assert.equal(dialogs, 0);

      // The GM turns players off: the player's /raven is refused with a notice, nothing asked, nothing posted.
      await gm.page.evaluate(() => game.settings.set("pf2e-familiar", "playersMayUse", false));
      await player.page.waitForFunction(() => game.settings.get("pf2e-familiar", "playersMayUse") === false);
      const before = (await (await fetch(`${fakeUrl}/_log`)).json()).length;
      const messages = harness.world.messages.length;
      const thinking = async () => (await notifications(player.page)).filter((message) => /looking into your question/.test(message)).length;
      const thinkingBefore = await thinking();
      await say(player.page, `/raven ${STEP} forbidden ${profile}`);
      await player.page.waitForFunction(() => window.__harness.notifications.some((notice) => notice.message === "The GM does not let players ask the raven."));
      await player.page.waitForTimeout(300);
      assert.equal(await thinking(), thinkingBefore, "the raven did not start on it");
      assert.equal(harness.world.messages.length, messages, "nothing was posted");
      assert.equal((await (await fetch(`${fakeUrl}/_log`)).json()).length, before, "no provider was asked");
      for (const opened of [gm, player]) assert.deepEqual(opened.pageErrors, []);
    } finally {
      await gm.page.evaluate(() => game.settings.set("pf2e-familiar", "playersMayUse", true)).catch(() => {});
      await gm.context.close();
      await player.context.close();
    }
  });
}
