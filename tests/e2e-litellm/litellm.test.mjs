// The GM's Ask path in headless Chromium against a real OpenAI- and Anthropic-compatible server: the LiteLLM proxy
// with the models of tests/litellm/config.yaml, which tests/tools/with-litellm.sh starts and exports as
// FAMILIAR_LITELLM_URL/KEY. Outside tests/e2e/ on purpose: `node --test tests/e2e/` runs without the proxy.
//   tests/tools/with-litellm.sh node --test --test-concurrency=1 tests/e2e-litellm/
// The page is on the harness's origin and the proxy on another port, so every call is cross-origin with a preflight.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { QUESTION, addProvider, answerTexts, ask, openAsk, openProviderForm, recordAnswerTexts, saveForm } from "../e2e/ask-steps.mjs";
import { REPO } from "../e2e/paths.mjs";
import { useModuleHarness } from "../e2e/setup.mjs";

const PROXY_URL = process.env.FAMILIAR_LITELLM_URL;
const PROXY_KEY = process.env.FAMILIAR_LITELLM_KEY;
const skip = PROXY_URL && PROXY_KEY ? false : "skipped: FAMILIAR_LITELLM_URL/KEY not set (run through tests/tools/with-litellm.sh)";
const BASE_URL = `${PROXY_URL}/v1`;
/** The model names the proxy serves, from its config (what "Load models" must list). */
const CONFIGURED_MODELS = [...readFileSync(path.join(REPO, "tests/litellm/config.yaml"), "utf8").matchAll(/^\s*- model_name:\s*(\S+)/gm)].map((m) => m[1]);
/** familiar-mock's mock_response in that config: cites passages [1] and [2]. */
const MOCK_ANSWER = /^While grabbed you are immobilized, so you cannot Step (.+); try to Escape (.+) first\.$/;
const BREATH = { name: "Catch Your Breath", uuid: "Compendium.familiar-demo.rules.Item.DemoRuleBreath01" };
/** v10 names compendium documents without their type. */
/** familiar-stream's answer (tests/litellm/familiar_handler.py): the last line of the prompt, then [1] as a link. */
const HANDLER_ANSWER = `Streamed through the proxy for: Question: ${QUESTION} See Catch Your Breath.`;
const breathUuid = (profile) => (profile === "v10" ? BREATH.uuid.replace(".Item.", ".") : BREATH.uuid);
/** The oldest core version and the newest: V1 applications and typeless UUIDs, then ApplicationV2. */
const PROFILES = ["v10", "v13"];

let browser;
let harness;
if (!skip) useModuleHarness({}, (started) => ({ browser, harness } = started));

/** Every request the page sends to the proxy, as {method, path, model, stream, auth} (auth: the key it carried). */
function recordProxyRequests(page) {
  const requests = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(PROXY_URL)) return;
    const headers = request.headers();
    let body = {};
    try {
      body = JSON.parse(request.postData() ?? "{}");
    } catch {}
    const auth = headers["x-api-key"] ?? headers.authorization?.replace(/^Bearer /, "");
    requests.push({ method: request.method(), path: new URL(request.url()).pathname, model: body.model, stream: body.stream, auth });
  });
  return requests;
}

/** Loads the proxy's models into the row, picks `model` from the list, and tests the connection. */
async function pickModelAndTest(row, model) {
  await row.getByRole("button", { name: "Load models" }).click();
  await row.getByText(`${CONFIGURED_MODELS.length} models found`).waitFor();
  const offered = await row.getByLabel("Models the provider offers").locator("option").evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
  assert.deepEqual(offered.sort(), [...CONFIGURED_MODELS].sort());
  await row.getByLabel("Models the provider offers").selectOption(model);
  assert.equal(await row.getByLabel("Model", { exact: true }).inputValue(), model);
  await row.getByRole("button", { name: "Test connection" }).click();
  await row.getByText("Connected").waitFor();
}

/** Neither localStorage nor sessionStorage nor a world setting holds the proxy key in clear; the chain holds it sealed. */
async function assertKeySealed(page) {
  const stored = await page.evaluate(() => {
    const dump = (storage) => Object.fromEntries(Object.keys(storage).map((key) => [key, storage.getItem(key)]));
    return { local: dump(localStorage), session: dump(sessionStorage), world: JSON.stringify([...game.settings.storage.get("world")]) };
  });
  for (const [key, value] of Object.entries({ ...stored.local, ...stored.session })) assert.ok(!value.includes(PROXY_KEY), `storage ${key} holds the key`);
  assert.ok(!stored.world.includes(PROXY_KEY) && !JSON.stringify(harness.world.settings).includes(PROXY_KEY), "a world setting holds the key");
  const chain = JSON.parse(stored.local["pf2e-familiar.providerChain"]);
  for (const provider of chain.providers) assert.ok(provider.key?.iv && provider.key?.data, `${provider.name}'s key is sealed`);
}

/** The finished answer: its text, its content links as [text, uuid], and each link's document name via fromUuid. */
async function finishedAnswer(page, panel, provider) {
  await panel.getByText(`Answered by ${provider}`).waitFor({ timeout: 20_000 });
  const body = panel.locator("[data-familiar-answer-body]");
  const links = await body.locator("a.content-link").evaluateAll((anchors) => anchors.map((a) => [a.textContent, a.dataset.uuid]));
  const resolved = await page.evaluate((uuids) => Promise.all(uuids.map(async (uuid) => (await fromUuid(uuid))?.name ?? null)), links.map(([, uuid]) => uuid));
  return { text: (await body.textContent()).trim(), links, resolved, sources: await panel.locator(".familiar-answer__sources a.content-link").allTextContents() };
}

test("the proxy answers the browser's preflight from the harness's origin", { skip }, async () => {
  for (const [endpoint, headers] of [
    ["chat/completions", "authorization,content-type"],
    ["messages", "x-api-key,anthropic-version,anthropic-dangerous-direct-browser-access,content-type"],
  ]) {
    const response = await fetch(`${BASE_URL}/${endpoint}`, {
      method: "OPTIONS",
      headers: { Origin: harness.url, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": headers },
    });
    assert.equal(response.status, 200, endpoint);
    assert.ok(["*", harness.url].includes(response.headers.get("access-control-allow-origin")), endpoint);
    const allowed = response.headers.get("access-control-allow-headers").toLowerCase().split(/\s*,\s*/);
    for (const header of headers.split(",")) assert.ok(allowed.includes(header), `${endpoint} allows ${header}`);
  }
});

for (const profile of PROFILES) {
  test(`${profile}: OpenAI format — the GM sets the proxy up in the form, asks, and reads the streamed answer with content links`, { skip }, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const requests = recordProxyRequests(page);
    const name = `litellm-${profile}`;
    try {
      const form = await openProviderForm(page);
      const row = await addProvider(form, { name, baseUrl: BASE_URL, model: "", key: PROXY_KEY });
      await pickModelAndTest(row, "familiar-mock");
      await saveForm(page, form);
      await assertKeySealed(page);

      const panel = await openAsk(page);
      await recordAnswerTexts(page);
      await ask(panel);
      const answer = await finishedAnswer(page, panel, name);
      // LiteLLM's mock_response sends its chunks with no pause, so the page may paint them in one frame: that the
      // request streamed is checked below (`stream: true`); the answer arriving in pieces is checked on the
      // Anthropic path, whose handler pauses between pieces.
      assert.ok((await answerTexts(page)).length >= 1);
      const [, first, second] = answer.text.match(MOCK_ANSWER) ?? assert.fail(`not the model's answer: ${answer.text}`);
      assert.doesNotMatch(answer.text, /\[\d\]/, "citation numbers became content links");
      assert.deepEqual(answer.links[0], [BREATH.name, breathUuid(profile)], "[1] is the best passage");
      assert.deepEqual([first, second], answer.links.map(([text]) => text));
      assert.deepEqual(answer.resolved, answer.links.map(([text]) => text), "every link opens its document");
      assert.deepEqual(answer.sources, answer.links.map(([text]) => text));

      const paths = requests.map((request) => `${request.method} ${request.path}`);
      assert.deepEqual(paths, ["GET /v1/models", "GET /v1/models", "POST /v1/chat/completions"], "Load models, Test connection, the question");
      assert.ok(requests.every((request) => request.auth === PROXY_KEY), "the sealed key was opened and sent");
      assert.equal(requests.at(-1).stream, true);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: Anthropic format — the proxy's /v1/messages streams the answer through our handler`, { skip }, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    const requests = recordProxyRequests(page);
    const name = `claude-${profile}`;
    try {
      const form = await openProviderForm(page);
      const row = await addProvider(form, { name, baseUrl: BASE_URL, model: "", key: PROXY_KEY, api: "anthropic" });
      await pickModelAndTest(row, "familiar-stream");
      await saveForm(page, form);
      await assertKeySealed(page);

      const panel = await openAsk(page);
      await recordAnswerTexts(page);
      await ask(panel);
      const answer = await finishedAnswer(page, panel, name);
      const texts = await answerTexts(page);
      assert.ok(texts.length >= 3, `the answer arrived in pieces: ${JSON.stringify(texts)}`);
      // The handler names the question it received: the prompt went through the proxy intact.
      assert.equal(answer.text, HANDLER_ANSWER);
      assert.deepEqual(answer.links, [[BREATH.name, breathUuid(profile)]]);
      assert.deepEqual(answer.resolved, [BREATH.name]);

      const asked = requests.filter((request) => request.method === "POST");
      assert.deepEqual(asked.map((request) => [request.path, request.model, request.stream]), [["/v1/messages", "familiar-stream", true]]);
      assert.ok(requests.every((request) => request.auth === PROXY_KEY), "x-api-key carried the key");
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: failover — a refused key (401) and a wrong key (400) are asked once, a 500 is retried, the answer comes from the next`, { skip }, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    const requests = recordProxyRequests(page);
    try {
      const form = await openProviderForm(page);
      // The proxy's upstream refuses the proxy's own key: 401 (our handler's familiar-refused model).
      await addProvider(form, { name: "refused", baseUrl: BASE_URL, model: "familiar-refused", key: PROXY_KEY });
      // The proxy refuses a key it does not know: without a database it says 400 "No connected db".
      await addProvider(form, { name: "wrong-key", baseUrl: BASE_URL, model: "familiar-mock", key: "sk-not-the-proxy-key" });
      await addProvider(form, { name: "down", baseUrl: BASE_URL, model: "familiar-down", key: PROXY_KEY });
      await addProvider(form, { name: "spare", baseUrl: BASE_URL, model: "familiar-stream", key: PROXY_KEY, api: "anthropic" });
      await saveForm(page, form);

      const panel = await openAsk(page);
      await ask(panel);
      const answer = await finishedAnswer(page, panel, "spare");
      assert.equal(answer.text, HANDLER_ANSWER);
      const sent = (model, key = PROXY_KEY) => requests.filter((request) => request.method === "POST" && request.model === model && request.auth === key).length;
      assert.equal(sent("familiar-refused"), 1, "the 401 is not retried");
      assert.equal(sent("familiar-mock", "sk-not-the-proxy-key"), 1, "the 400 is not retried");
      assert.equal(sent("familiar-down"), 3, "the 500 is retried twice (the default policy) before failing over");
      assert.equal(sent("familiar-stream"), 1);
      assert.deepEqual(
        requests.filter((request) => request.method === "POST").map((request) => request.model),
        ["familiar-refused", "familiar-mock", "familiar-down", "familiar-down", "familiar-down", "familiar-stream"],
        "tried in the chain's order",
      );
    } finally {
      await context.close();
    }
  });
}
