// The player relay between real pages over the harness's socket.io server: a GM page with a provider on our fake
// server, player A asking through the raven and reading a streamed, cited answer, and player B, whose page,
// storage and received socket frames must never hold the key, A's question or A's answer. v13 carries the relay
// in targeted user queries, v12 in payloads sealed per recipient on the module socket. Also: no GM online →
// the offline answer with its notice; the rate limit → a clear message; a reload mid-answer → the answer arrives;
// a GM page that never answers → "the GM did not answer" after the wait, the question kept and asked again.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { openGame, USERS, generationOf } from "../support/harness.mjs";
import { ravenInteractive, waitForAsync } from "./waits.mjs";
import { QUESTION, addProvider, answerTexts, ask, openAsk, openProviderForm, recordAnswerTexts, saveForm } from "./ask-steps.mjs";
import { GM_SECRETS, useFakeProvider, useModuleHarness } from "./setup.mjs";

const KEY = "sk-e2e-RELAY-7311-do-not-leak";
const BREATH = "Catch Your Breath";
/** A pack only the GM may open: the GM's relay must not ground a player's answer in it. */

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({ packs: [GM_SECRETS] }, (started) => ({ browser, harness } = started));

/** A page for `user` whose every received websocket frame is recorded from the first one on. */
async function openRecorded(profile, user) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const frames = [];
  context.on("page", (page) => page.on("websocket", (socket) => socket.on("framereceived", (frame) => frames.push(String(frame.payload)))));
  const opened = await openGame(browser, harness, { profile, user, context });
  return { ...opened, frames };
}

/** The GM's provider chain: one provider on the fake server, set up through the settings form. */
async function configureProvider(page, prefix, model) {
  const form = await openProviderForm(page);
  await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model, key: KEY });
  await saveForm(page, form);
}

/** Everything a page keeps or shows: its DOM, local and session storage, and its IndexedDB records. */
function pageContents(page) {
  return page.evaluate(async () => {
    const parts = [document.documentElement.outerHTML, JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })];
    for (const { name } of (await indexedDB.databases?.()) ?? []) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((resolve) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => resolve([]);
        });
        parts.push(JSON.stringify(all, (key, value) => (value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? "[bytes]" : value)));
      }
      db.close();
    }
    return parts.join("\n");
  });
}

function relayModule(page, call, arg) {
  return page.evaluate(
    async ({ call, arg }) => (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/chat-relay.mjs`))[call](arg),
    { call, arg },
  );
}

for (const profile of ["v10", "v11", "v12", "v13", "v14"]) {
  const transport = generationOf(profile) >= 13 ? "query" : "sealed";

  test(`${profile}: player A asks through the GM's raven (${transport}), reads a streamed cited answer; player B sees none of it`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const playerB = await openRecorded(profile, USERS.ysolde);
    const playerA = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const prefix = `relay-${profile}`;
    try {
      await configureProvider(gm.page, prefix, "trickle");
      await ravenInteractive(playerB.page);
      const panel = await openAsk(playerA.page);
      await recordAnswerTexts(playerA.page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const answer = `Answer from ${prefix} (trickle): no, you can't Step while grabbed`;
      const body = panel.locator("[data-familiar-answer-body]");
      assert.match(await body.textContent(), new RegExp(answer.replace(/[()]/g, "\\$&")));
      assert.doesNotMatch(await body.textContent(), /\[\d\]/, "citations became links; [9] was dropped");
      assert.deepEqual(await body.locator("a.content-link").allTextContents(), [BREATH]);
      assert.deepEqual(await panel.locator(".familiar-answer__sources a.content-link").allTextContents(), [BREATH]);
      const texts = await answerTexts(playerA.page);
      assert.ok(texts.length >= 3, `the answer arrived in pieces: ${JSON.stringify(texts)}`);

      const log = await (await fetch(`${fakeUrl}/_log`)).json();
      assert.ok(log.some((entry) => entry.path === `/${prefix}/v1/chat/completions` && entry.hasKey), "the GM's client called the provider with its key");
      const kind = await playerA.page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/transport.mjs`)).transportKind());
      assert.equal(kind, transport);

      // The GM searches with A's visibility: a question about the GM-only pack is not grounded in it.
      const prompts = [];
      gm.page.on("request", (request) => request.url().startsWith(fakeUrl) && prompts.push(request.postData() ?? ""));
      await ask(panel, "ferryman phylactery twist");
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      assert.equal(prompts.length, 1);
      assert.ok(prompts[0].includes("ferryman phylactery twist"), "the prompt holds the question");
      assert.ok(!prompts[0].includes("phylactery keeper") && !prompts[0].includes("The Ferryman's Secret"), "no GM-only passage");

      // Player B: nothing readable anywhere.
      const framesB = playerB.frames.join("\n");
      const contentsB = await pageContents(playerB.page);
      for (const secret of [KEY, QUESTION, answer, "grabbed", "ferryman"]) {
        assert.ok(!framesB.includes(secret), `B's socket frames hold ${JSON.stringify(secret)}`);
        assert.ok(!contentsB.includes(secret), `B's page or storage holds ${JSON.stringify(secret)}`);
      }
      // v12 really sends sealed payloads past B (the test would prove nothing otherwise); v13 sends B nothing.
      const sealedSeen = playerB.frames.filter((frame) => frame.includes("relay-sealed")).length;
      if (transport === "sealed") assert.ok(sealedSeen >= 3, `B received ${sealedSeen} sealed frames`);
      else assert.equal(sealedSeen, 0);
      // B's own question goes out in B's conversation: A's question is not in its prompt history.
      const panelB = await openAsk(playerB.page);
      await ask(panelB, "what does soaked do?");
      await panelB.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      assert.equal(prompts.length, 2);
      assert.ok(prompts[1].includes("what does soaked do?"));
      assert.ok(!prompts[1].includes(QUESTION) && !prompts[1].includes("ferryman"), "B's prompt holds none of A's conversation");
      // Player A never holds the key either.
      assert.ok(!(await pageContents(playerA.page)).includes(KEY));
      for (const opened of [gm, playerA, playerB]) assert.deepEqual(opened.pageErrors, []);
    } finally {
      for (const opened of [playerA, playerB, gm]) await opened.context.close();
    }
  });

  test(`${profile}: a reload mid-answer brings the finished answer back, and the rate limit gives a clear message`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const playerA = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const prefix = `reload-${profile}`;
    try {
      await configureProvider(gm.page, prefix, "trickle");
      // Two messages a minute for everyone, open windows included.
      await relayModule(gm.page, "configureRelay", { requestsPerMinute: 2 });
      let panel = await openAsk(playerA.page);
      await ask(panel);
      // The first piece is on screen: reload while the rest streams.
      await panel.locator("[data-familiar-answer-body]", { hasText: "Answer" }).waitFor({ timeout: 15_000 });
      assert.equal(await playerA.page.evaluate(() => JSON.parse(sessionStorage.getItem("pf2e-familiar.relay.pending")).length), 1);
      await playerA.page.reload();
      panel = await openAsk(playerA.page);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      assert.match(await panel.locator("[data-familiar-answer-body]").textContent(), /no, you can't Step while grabbed/);
      assert.equal(await playerA.page.evaluate(() => sessionStorage.getItem("pf2e-familiar.relay.pending")), "[]");
      const log = await (await fetch(`${fakeUrl}/_log`)).json();
      assert.equal(log.filter((entry) => entry.path.startsWith(`/${prefix}/`)).length, 1, "the resume did not ask the provider again");

      // The question and its resume were two messages: at two a minute, the next question is refused with the
      // wait, in words.
      await ask(panel, "what does off-guard do?");
      await panel.getByText(/Too many questions in the last minute; ask again in \d+ s\./).waitFor({ timeout: 15_000 });
      assert.deepEqual(playerA.pageErrors, []);
      assert.deepEqual(gm.pageErrors, []);
    } finally {
      for (const opened of [playerA, gm]) await opened.context.close();
    }
  });

  test(`${profile}: closing the panel leaves the GM's provider call going and Stop stops it; the GM leaving mid-answer ends the wait with a notice`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const playerA = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const openRequests = () => gm.page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/chat/chat-session.mjs`)).openProviderRequests());
    try {
      await configureProvider(gm.page, `left-${profile}`, "stall");
      let panel = await openAsk(playerA.page);
      await ask(panel);
      await panel.getByText("The GM's raven is answering…").waitFor({ timeout: 15_000 });
      await waitForAsync(gm.page, async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/chat/chat-session.mjs`)).openProviderRequests() === 1);
      // Closing the panel does not stop the answer (the raven's dot lights when it ends); Stop does.
      await playerA.page.keyboard.press("Escape");
      await panel.waitFor({ state: "detached" });
      await playerA.page.waitForTimeout(500);
      assert.equal(await openRequests(), 1, "the GM's call goes on behind the player's closed panel");
      panel = await openAsk(playerA.page);
      await panel.getByRole("button", { name: "Stop" }).click();
      await waitForAsync(gm.page, async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/chat/chat-session.mjs`)).openProviderRequests() === 0);
      assert.equal(await openRequests(), 0);
      assert.equal(await playerA.page.evaluate(() => sessionStorage.getItem("pf2e-familiar.relay.pending")), "[]");

      await ask(panel);
      await panel.getByText("The GM's raven is answering…").waitFor({ timeout: 15_000 });
      await gm.context.close();
      await panel.getByText("The GM left before the answer came").waitFor({ timeout: 15_000 });
      assert.equal(await playerA.page.evaluate(() => sessionStorage.getItem("pf2e-familiar.relay.pending")), "[]");
      assert.deepEqual(playerA.pageErrors, []);
    } finally {
      await playerA.context.close();
      await gm.context.close();
    }
  });

  test(`${profile}: player B cannot speak for A: A's key cannot be overwritten and a message B seals in A's name is dropped`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const playerA = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const playerB = await openGame(browser, harness, { profile, user: USERS.ysolde });
    const forged = "forged question in A's name";
    const prompts = [];
    const dropped = [];
    try {
      await configureProvider(gm.page, `forge-${profile}`, "trickle");
      gm.page.on("request", (request) => request.url().startsWith(fakeUrl) && prompts.push(request.postData() ?? ""));
      gm.page.on("console", (message) => message.text().includes("does not open for its claimed sender") && dropped.push(message.text()));
      await ravenInteractive(playerA.page);
      await ravenInteractive(playerB.page);
      // The key binding holds: only A (or a GM) writes A's flags.
      await assert.rejects(
        playerB.page.evaluate(({ a }) => game.users.get(a).setFlag("pf2e-familiar", "relayKey", "AAAA"), { a: USERS.brannoc }),
        /lacks permission to update User/,
      );
      // B builds a real ask for A with the bundle, seals it with its own key and sends it as A, on the path this
      // core uses.
      await playerB.page.evaluate(async ({ a, gmId, question, kind }) => {
        const base = `${location.origin}/modules/pf2e-familiar/scripts`;
        const { requireWasm } = await import(`${base}/core/runtime.mjs`);
        const { seal } = await import(`${base}/relay/sealed-channel.mjs`);
        const asked = new (requireWasm().RelayPlayer)(a).ask({ question, language: "en" });
        const sealed = await seal(gmId, asked.message);
        if (kind === "query") await game.users.get(gmId).query("pf2e-familiar.relay", { from: a, ...sealed });
        else game.socket.emit("module.pf2e-familiar", { kind: "relay-sealed", from: a, to: gmId, ...sealed });
      }, { a: USERS.brannoc, gmId: USERS.gm, question: forged, kind: transport });
      for (let waited = 0; dropped.length === 0 && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(dropped.length, 1, "the GM's page dropped the forged message");
      assert.ok(!prompts.some((prompt) => prompt.includes(forged)), "no provider call for the forged question");
      // A's own questions still go through.
      const panel = await openAsk(playerA.page);
      await ask(panel);
      await panel.getByText(`Answered by forge-${profile}`).waitFor({ timeout: 15_000 });
      for (const opened of [gm, playerA, playerB]) assert.deepEqual(opened.pageErrors, []);
    } finally {
      for (const opened of [playerA, playerB, gm]) await opened.context.close();
    }
  });

  // One run per transport (the wait is half a minute): v12 sealed on the socket, v13 in queries.
  if (generationOf(profile) >= 12) test(`${profile}: a GM page that never answers ends the wait with a notice; the question is kept and asked again`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const playerA = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const question = `silent gm ${profile}: what does off-guard do?`;
    try {
      await configureProvider(gm.page, `silent-${profile}`, "ok");
      await ravenInteractive(playerA.page);
      // The GM's page stops reading relay messages, as a page too busy to read its socket (or a lost message).
      await gm.page.evaluate((kind) => {
        if (kind === "query") CONFIG.queries["pf2e-familiar.relay"] = () => true;
        else game.socket.off("module.pf2e-familiar");
      }, transport);
      const panel = await openAsk(playerA.page);
      await ask(panel, question);
      await panel.getByText(/The GM did not answer within \d+ s/).waitFor({ timeout: 45_000 });
      assert.equal(await playerA.page.evaluate(() => sessionStorage.getItem("pf2e-familiar.relay.pending")), "[]");
      // Nothing is lost: the question is in the history and still in the box, to ask again.
      const kept = await playerA.page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/chat/ask-history-store.mjs`)).askHistoryRecords());
      assert.ok(kept.some((record) => record.question === question), "the question is kept in the Ask history");
      assert.equal(await panel.getByRole("searchbox").inputValue(), question);
      // The GM's page is back (a reload): the same question asked again is answered.
      await gm.page.reload();
      await ravenInteractive(gm.page);
      await panel.getByRole("button", { name: "Ask", exact: true }).click();
      await panel.getByText(`Answered by silent-${profile}`).waitFor({ timeout: 20_000 });
      assert.deepEqual(playerA.pageErrors, []);
    } finally {
      for (const opened of [playerA, gm]) await opened.context.close();
    }
  });

  test(`${profile}: with no GM online a player gets the offline answer and the notice`, async () => {
    const playerA = await openGame(browser, harness, { profile, user: USERS.brannoc });
    try {
      assert.equal(await playerA.page.evaluate(() => game.users.activeGM), null);
      const panel = await openAsk(playerA.page);
      await ask(panel);
      await panel.locator("[data-familiar-offline-reason]").waitFor({ timeout: 15_000 });
      assert.match(await panel.locator("[data-familiar-offline-reason]").textContent(), /No GM is online/);
      assert.ok((await panel.locator(".familiar-hit").count()) >= 1, "the closest rules are listed");
      assert.deepEqual(playerA.pageErrors, []);
    } finally {
      await playerA.context.close();
    }
  });
}
