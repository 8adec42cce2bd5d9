// The Ask history in the user's own browser (issue #6): finished exchanges saved in IndexedDB per world and user,
// shown above the form after a reload (newest last, a page at a time), never shown to another user of the same
// browser, exported as a Markdown download, cleared after a confirm step (and still cleared after a reload). Stored
// records are hostile or corrupt here too: hostile ones render inert, corrupt ones are skipped, 1,200 of them are
// held to the bound. After a reload the GM's next question goes on from the saved turns (and after Clear, from
// none). The GM asks our fake AI provider (tests/fakes/provider-server.mjs); axe checks the history.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { QUESTION, addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { axeViolations } from "./panel-states.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

const KEY = "sk-e2e-HISTORY-5150";
const SECOND = "how do I ford the weir?";
const PLAYER_QUESTION = "can I scout ahead while soaked?";

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

async function configure(page, prefix, model = "ok") {
  const form = await openProviderForm(page);
  await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model, key: KEY });
  await saveForm(page, form);
}

/** Requests the fake provider received for the provider named `prefix`. */
async function providerLog(prefix) {
  const log = await (await fetch(`${fakeUrl}/_log`)).json();
  return log.filter((entry) => entry.path.startsWith(`/${prefix}/`));
}

/** The page user's stored history (the IndexedDB record under their key), or null; with `records`, stores those
 * instead. The store is created as storage.mjs creates it, should the page not have opened it yet; resolves once the
 * transaction has committed. (The page's CSP refuses eval, so the operation cannot be passed in as code.) */
function historyStore(page, records) {
  return page.evaluate(async (records) => {
    const key = `ask-history:${game.world.id}:${game.user.id}`;
    const database = await new Promise((resolve, reject) => {
      const request = indexedDB.open("pf2e-familiar", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("blobs");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      return await new Promise((resolve, reject) => {
        const transaction = database.transaction("blobs", records ? "readwrite" : "readonly");
        const store = transaction.objectStore("blobs");
        const request = records ? store.put(records, key) : store.get(key);
        transaction.oncomplete = () => resolve(records ? null : (request.result ?? null));
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      database.close();
    }
  }, records ?? null);
}

const storedHistory = (page) => historyStore(page);
const storeHistory = (page, records) => historyStore(page, records);

/** Waits until the page's user has `count` saved exchanges (saving follows the answer on screen). */
async function savedCount(page, count) {
  for (let tries = 0; tries < 100; tries++) {
    const records = await storedHistory(page);
    if ((records?.length ?? 0) === count) return records;
    await page.waitForTimeout(100);
  }
  assert.fail(`the history never held ${count} exchanges: ${JSON.stringify(await storedHistory(page))}`);
}

/** The Ask view after a reload, with its history drawn. */
async function reopenAsk(page) {
  await page.reload();
  const panel = await openAsk(page);
  await panel.locator("[data-familiar-history]").waitFor({ state: "attached" });
  return panel;
}

/** The GM asks QUESTION then SECOND in the Ask view and waits until both are answered and saved; the panel. */
async function askTwo(page, prefix) {
  const panel = await openAsk(page);
  await ask(panel);
  await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
  await ask(panel, SECOND);
  await panel.locator(".familiar-answer__question", { hasText: SECOND }).waitFor();
  await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
  await savedCount(page, 2);
  return panel;
}

const historyQuestions = (panel) => panel.locator("[data-familiar-history-entry] .familiar-history__question").allTextContents();

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: two answers survive a reload, newest last, and another user of the same browser does not see them`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const prefix = `history-${profile}`;
    try {
      await configure(page, prefix);
      let panel = await openAsk(page);
      assert.equal(await panel.locator("[data-familiar-history]").isHidden(), true, "no history yet: nothing shown");
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      await ask(panel, SECOND);
      await panel.locator(".familiar-answer__question", { hasText: SECOND }).waitFor();
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      // The first exchange left the answer area for the list when the second question replaced it.
      await panel.locator("[data-familiar-history-entry]").first().waitFor();
      assert.deepEqual(await historyQuestions(panel), [QUESTION]);
      const records = await savedCount(page, 2);
      assert.deepEqual(records.map((record) => [record.v, record.question, record.provider, record.offline]), [
        [1, QUESTION, prefix, null],
        [1, SECOND, prefix, null],
      ]);
      assert.match(records[0].answer, /^Answer from history-v\d+ \(ok\): no, you can't Step while grabbed @UUID\[/);
      assert.deepEqual(records[0].citations.map((citation) => citation.name), ["Catch Your Breath"]);
      assert.ok(records[1].at >= records[0].at && records[0].at > Date.now() - 600_000);

      panel = await reopenAsk(page);
      await panel.locator("[data-familiar-history]").waitFor();
      assert.deepEqual(await historyQuestions(panel), [QUESTION, SECOND]);
      const first = panel.locator("[data-familiar-history-entry]").first();
      assert.match(await first.locator("[data-familiar-history-body]").textContent(), /no, you can't Step while grabbed Catch Your Breath/);
      const links = first.locator("a.content-link");
      assert.deepEqual(await links.evaluateAll((anchors) => anchors.map((a) => [a.textContent, a.dataset.type, a.getAttribute("tabindex")])), [
        ["Catch Your Breath", "Item", "0"],
        ["Catch Your Breath", "Item", "0"],
      ]);
      assert.match(await first.locator(".familiar-history__meta").textContent(), new RegExp(`· ${prefix}$`));
      assert.equal(await panel.locator('[data-familiar-history-action="earlier"]').isHidden(), true);
      assert.equal(await panel.locator("[data-familiar-answer]").count(), 0, "the answer area starts empty");
      assert.deepEqual(await axeViolations(page), []);

      // Brannoc in the same browser: his own (empty) history, and his question stays his.
      const player = await openGame(browser, harness, { profile, user: USERS.brannoc, context });
      const playerPanel = await openAsk(player.page);
      assert.equal(await playerPanel.locator("[data-familiar-history]").isHidden(), true);
      await ask(playerPanel, PLAYER_QUESTION);
      await playerPanel.locator(".familiar-answer__status, [data-familiar-offline]").first().waitFor();
      const playerRecords = await savedCount(player.page, 1);
      assert.equal(playerRecords[0].question, PLAYER_QUESTION);
      const again = await reopenAsk(player.page);
      await again.locator("[data-familiar-history-entry]").first().waitFor();
      assert.deepEqual(await historyQuestions(again), [PLAYER_QUESTION]);
      assert.doesNotMatch(await again.locator("[data-familiar-history]").textContent(), /ford the weir|catch my breath/);
      panel = await reopenAsk(page);
      await panel.locator("[data-familiar-history-entry]").nth(1).waitFor();
      assert.deepEqual(await historyQuestions(panel), [QUESTION, SECOND]);
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(player.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: after a reload the GM's next question goes on from the saved answered turns`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const prefix = `follow-${profile}`;
    try {
      await configure(page, prefix);
      let panel = await askTwo(page, prefix);
      panel = await reopenAsk(page);
      await ask(panel, "and while soaked?");
      await panel.locator(".familiar-answer__question", { hasText: "and while soaked?" }).waitFor();
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const { messages } = (await providerLog(prefix)).at(-1);
      assert.equal(messages.length, 5, messages.join("\n"));
      assert.equal(messages[0], `user: ${QUESTION}`);
      assert.match(messages[1], new RegExp(`^assistant: Answer from ${prefix} \\(ok\\): no, you can't Step while grabbed \\(Catch Your Breath\\)\\.`));
      assert.equal(messages[2], `user: ${SECOND}`);
      assert.match(messages[3], /^assistant: Answer from/);
      assert.match(messages[4], /^user: [\s\S]*and while soaked\?/);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: Export downloads the history as Markdown, and Clear empties it after a confirm step, for good`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const prefix = `clear-${profile}`;
    try {
      await configure(page, prefix);
      let panel = await askTwo(page, prefix);

      const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Export history" }).click()]);
      assert.match(download.suggestedFilename(), /^familiar-ask-history-harness-vale-gamemaster-\d{4}-\d{2}-\d{2}\.md$/);
      const markdown = await readFile(await download.path(), "utf8");
      assert.match(markdown, /^# Familiar — Ask history of Gamemaster in /);
      assert.match(markdown, new RegExp(`## 1\\. ${QUESTION.replace("?", "\\?")}\\n\\n_\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC · Answered by clear-${profile}_`));
      assert.match(markdown, /## 2\. how do I ford the weir\?/);
      assert.match(markdown, /no, you can't Step while grabbed \*Catch Your Breath\*/);
      assert.match(markdown, /- Catch Your Breath \(`Compendium\.familiar-demo\.rules\./);

      // By keyboard: Clear asks first, and "Keep it" (where focus goes) keeps it.
      const clear = panel.getByRole("button", { name: "Clear history" });
      await clear.focus();
      await page.keyboard.press("Enter");
      const confirm = panel.locator("[data-familiar-history-confirm]");
      await confirm.waitFor();
      assert.match(await confirm.textContent(), /Delete all 2 saved questions and answers from this browser\?/);
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Keep it");
      assert.deepEqual(await axeViolations(page), []);
      await page.keyboard.press("Enter");
      await confirm.waitFor({ state: "hidden" });
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Clear history");
      assert.equal((await storedHistory(page)).length, 2);

      await page.keyboard.press("Enter");
      await confirm.waitFor();
      await page.keyboard.press("Shift+Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Delete history");
      await page.keyboard.press("Enter");
      await panel.locator("[data-familiar-history]").waitFor({ state: "hidden" });
      assert.equal(await page.evaluate(() => document.activeElement?.id), "familiar-ask-question");
      assert.equal(await storedHistory(page), null);

      // The answer still on show does not come back into the list, nor after a reload; the raven forgot too.
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      await savedCount(page, 1);
      assert.equal((await providerLog(prefix)).at(-1).messages.length, 1, "no earlier turn in the prompt");
      assert.equal(await panel.locator("[data-familiar-history-entry]").count(), 0);
      panel = await reopenAsk(page);
      await panel.locator("[data-familiar-history-entry]").first().waitFor();
      assert.deepEqual(await historyQuestions(panel), [QUESTION]);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: hostile stored records render inert, corrupt ones are skipped, and 1,200 are held to 500 shown a page at a time`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    try {
      let dialogs = 0;
      page.on("dialog", (dialog) => {
        dialogs++;
        dialog.dismiss();
      });
      await openAsk(page);
      const at = Date.now() - 3_600_000;
      const hostile = {
        v: 1,
        question: '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>',
        answer:
          '<img src=x onerror="window.__pwned=3"> [click](javascript:window.__pwned=4) <svg onload="window.__pwned=5"></svg> ' +
          '@UUID[Compendium.x.y.Item.z" onclick="window.__pwned=6]{evil} <iframe srcdoc="<script>parent.__pwned=7</script>"></iframe>',
        citations: [
          { uuid: 'Compendium.x.y.Item.z" onmouseover="window.__pwned=8', name: "evil" },
          { uuid: "javascript:window.__pwned=9", name: "<b onclick=window.__pwned=10>bold</b>" },
          { uuid: "Compendium.familiar-demo.rules.Item.DemoRuleBreath01", name: '<img src=x onerror="window.__pwned=11">' },
        ],
        provider: '<img src=x onerror="window.__pwned=12">',
        offline: null,
        at,
      };
      const ordinary = (n) => ({ v: 1, question: `Question ${n}?`, answer: `Answer ${n}.`, citations: [], provider: "P", offline: null, at: at + n });
      await storeHistory(page, [
        "corrupt",
        { v: 1, question: 42, provider: "P", at },
        { question: "no time", provider: "P" },
        { v: 9, question: "from the future", provider: "P", at },
        null,
        hostile,
        ordinary(1),
      ]);
      let panel = await reopenAsk(page);
      const history = panel.locator("[data-familiar-history]");
      await panel.locator("[data-familiar-history-entry]").nth(1).waitFor();
      assert.deepEqual(await historyQuestions(panel), [hostile.question, "Question 1?"]);
      const dangers = await history.evaluate((element) =>
        [...element.querySelectorAll("*")].flatMap((el) => {
          const found = [];
          if (["script", "img", "svg", "iframe", "object", "embed", "style", "b"].includes(el.tagName.toLowerCase())) found.push(el.tagName);
          for (const attribute of el.attributes) {
            if (attribute.name.startsWith("on")) found.push(`${el.tagName}@${attribute.name}`);
            if (attribute.name === "href" && !/^(https?:|mailto:)/i.test(attribute.value)) found.push(`${el.tagName}@href=${attribute.value}`);
          }
          return found;
        }),
      );
      assert.deepEqual(dangers, []);
      const entry = panel.locator("[data-familiar-history-entry]").first();
      assert.match(await entry.locator("[data-familiar-history-body]").textContent(), /<img src=x onerror="window.__pwned=3">/, "markup shows as text");
      assert.deepEqual(await entry.locator(".familiar-history__sources a.content-link").allTextContents(), ['<img src=x onerror="window.__pwned=11">'], "only the document link is kept");
      await entry.locator(".familiar-history__sources a.content-link").hover();
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(dialogs, 0);

      // 1,200 stored (more than the bound): the view lists the newest 20, then 20 more on request.
      await storeHistory(page, Array.from({ length: 1_200 }, (_, n) => ordinary(n)));
      // Opened by keyboard this time (the panel comes back open after the reload: Escape, then Enter on the raven),
      // which puts focus in the view.
      await page.reload();
      panel = page.locator("#familiar-panel");
      await panel.locator("#familiar-ask-question").focus();
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "detached" });
      await page.waitForFunction(() => document.activeElement?.id === "familiar-raven");
      await page.keyboard.press("Enter");
      await panel.locator("#familiar-view-ask").waitFor();
      await panel.locator("[data-familiar-history-entry]").nth(19).waitFor();
      assert.equal(await panel.locator("[data-familiar-history-entry]").count(), 20);
      const questions = await historyQuestions(panel);
      assert.equal(questions.at(-1), "Question 1199?");
      assert.equal(questions[0], "Question 1180?");
      // By keyboard: the question has focus when the panel opens; the history's controls, its scroll region and
      // the earlier-questions button are each reached by Tab, with a focus ring.
      assert.equal(await page.evaluate(() => document.activeElement?.id), "familiar-ask-question");
      await panel.getByRole("button", { name: "Export history" }).focus();
      const stops = [];
      for (let press = 0; press < 3; press++) {
        await page.keyboard.press("Tab");
        stops.push(
          await page.evaluate(() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
            return `${element.getAttribute("aria-label") ?? element.textContent.trim()}${ring ? "" : " (no ring)"}`;
          }),
        );
      }
      assert.deepEqual(stops, [
        "Clear history",
        "Your earlier questions and the raven's answers",
        "Show earlier questions (480 more)",
      ]);
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "familiar-ask-question", "then out of the history to the question");
      const earlier = panel.getByRole("button", { name: "Show earlier questions (480 more)" });
      await earlier.click();
      await panel.getByRole("button", { name: "Show earlier questions (460 more)" }).waitFor();
      assert.equal(await panel.locator("[data-familiar-history-entry]").count(), 40);
      assert.equal((await historyQuestions(panel))[0], "Question 1160?");
      const scrolled = await panel.locator("[data-familiar-history-scroll]").evaluate((element) => ({ top: element.scrollTop, room: element.scrollHeight - element.clientHeight }));
      assert.ok(scrolled.top > 0 && scrolled.top <= scrolled.room, `the entries on show stay in view: ${JSON.stringify(scrolled)}`);

      // The next save writes back only what the bound keeps.
      await configure(page, `bound-${profile}`);
      panel = await openAsk(page);
      await ask(panel);
      await panel.getByText(`Answered by bound-${profile}`).waitFor({ timeout: 15_000 });
      for (let tries = 0; tries < 100 && (await storedHistory(page)).length !== 500; tries++) await page.waitForTimeout(100);
      const stored = await storedHistory(page);
      assert.equal(stored.length, 500);
      assert.equal(stored[0].question, "Question 701?");
      assert.equal(stored.at(-1).question, QUESTION);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
