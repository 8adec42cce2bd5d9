// The page side of chat-browser.mjs: Familiar's `ChatSession` and a plain `fetch` of the same request, timed in one
// page against the fake provider, and a long conversation through one session for the memory figures.
import init, { buildInfo, ChatSession, RulesIndex } from "/familiar_wasm.js";

const wasm = await init({ module_or_path: "/familiar_wasm_bg.wasm" });

// Every fetch of the page, Familiar's and the direct one alike, goes through this thin wrapper: it notes when the
// request left and when its response head arrived, and, only while `captureNext` is set, keeps a copy of the
// request (outside the timed runs: reading a body back costs time).
const browserFetch = window.fetch.bind(window);
let lastFetch = null;
let captureNext = false;
let captured = null;
window.fetch = (input, init) => {
  const record = { startAt: performance.now(), headAt: NaN };
  lastFetch = record;
  if (captureNext) {
    captureNext = false;
    const request = new Request(input, init);
    captured = request.clone().text().then((body) => ({ url: request.url, headers: [...request.headers], body }));
    return browserFetch(request).then((response) => ((record.headAt = performance.now()), response));
  }
  return browserFetch(input, init).then((response) => ((record.headAt = performance.now()), response));
};

/** The first answer text in one SSE event block, in either wire format; null when the block carries none. */
function textOf(block, api) {
  for (const line of block.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (!data || data === "[DONE]") continue;
    const value = JSON.parse(data);
    const text = api === "openai" ? value.choices?.[0]?.delta?.content : value.type === "content_block_delta" ? value.delta?.text : null;
    if (text) return text;
  }
  return null;
}

/** What a small hand-written client does: fetch, read the body, frame SSE blocks, parse JSON until the first text. */
async function directFirstToken(request, api) {
  const start = performance.now();
  const response = await window.fetch(request.url, { method: "POST", headers: request.headers, body: request.body });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let firstAt = NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (!Number.isNaN(firstAt)) continue; // drained to the end, as the session does, so both reuse the connection
    buffer += decoder.decode(value, { stream: true });
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop();
    for (const block of blocks) {
      if (textOf(block, api) !== null) {
        firstAt = performance.now();
        break;
      }
    }
  }
  return { start, fetchAt: lastFetch.startAt, headAt: lastFetch.headAt, firstAt };
}

function newSession(api, providerUrl) {
  const provider = { name: `fake ${api}`, api, baseUrl: `${providerUrl}/${api}/v1`, model: "ok", apiKey: "bench-key" };
  return new ChatSession({ providers: [provider], language: "English" });
}

/** One ask from `ask()` to its first delta, with when the call returned, the fetch left and the head arrived. */
async function sessionFirstToken(session, question, passages) {
  let firstAt = NaN;
  let fetched = null;
  const start = performance.now();
  const promise = session.ask(question, passages, (event) => {
    if (event.type === "delta" && Number.isNaN(firstAt)) {
      firstAt = performance.now();
      fetched = lastFetch;
    }
  });
  const returnedAt = performance.now();
  const answer = await promise;
  if (!answer || answer.offline) throw new Error(`the fake provider did not answer: ${JSON.stringify(answer?.offlineReason)}`);
  return { start, returnedAt, fetchAt: fetched.startAt, headAt: fetched.headAt, firstAt };
}

let corpus = null;

/** Passages of this many characters at least count as full: the Ask view asks for 1,500. */
const FULL_PASSAGE = 1400;

/**
 * Six passages of about 1,500 characters for each question, the most the Ask view sends. With documents: rules-index
 * hits with up to 1,500 characters of text (`passageChars`, as the view asks for them), the full-length ones among
 * the question's top 100, then full-length hits of other questions where it has fewer than six (most of the index's
 * documents are shorter than a full passage). Otherwise the passages the caller made.
 */
window.preparePassages = (questions, documents, given) => {
  if (!documents) {
    corpus = questions.map((question, i) => ({ question, passages: given[i % given.length] }));
  } else {
    const index = new RulesIndex();
    index.addDocuments(documents);
    index.commit();
    const full = questions.map((question) => index.search(question, { top: 100, passageChars: 1500 }).filter((hit) => hit.text.length >= FULL_PASSAGE));
    index.free();
    const pool = full.flat();
    corpus = questions.map((question, i) => {
      const passages = full[i].slice(0, 6);
      for (let k = i * 7; passages.length < 6; k++) passages.push(pool[k % pool.length]);
      return { question, passages };
    });
  }
  return corpus;
};

/** The questions and passages another page prepared (the memory run starts from a page without an index in it). */
window.setCorpus = (prepared) => {
  corpus = prepared;
};

/** How many questions, passages per question and characters of passage text per question. */
window.describeCorpus = () => {
  const chars = corpus.map((entry) => entry.passages.reduce((sum, passage) => sum + (passage.text?.length ?? 0), 0));
  return { questions: corpus.length, meanPassages: corpus.reduce((sum, entry) => sum + entry.passages.length, 0) / corpus.length, meanPassageChars: chars.reduce((a, b) => a + b, 0) / chars.length };
};

/**
 * `runs` pairs in alternating order (direct first on even pairs, Familiar first on odd ones), each pair on the same
 * question and the same request: the session's history is cleared before each ask, so the request it sends is the
 * one captured for that question, which the direct fetch replays byte for byte.
 */
window.runOverhead = async ({ api, providerUrl, runs, warmup }) => {
  const session = newSession(api, providerUrl);
  const requests = [];
  for (const { question, passages } of corpus) {
    session.clearHistory();
    captureNext = true;
    await sessionFirstToken(session, question, passages);
    requests.push(await captured);
  }
  const pairs = [];
  for (let i = 0; i < warmup + runs; i++) {
    const { question, passages } = corpus[i % corpus.length];
    const request = requests[i % corpus.length];
    let direct;
    let familiar;
    if (i % 2 === 0) direct = await directFirstToken(request, api);
    session.clearHistory();
    familiar = await sessionFirstToken(session, question, passages);
    if (i % 2 === 1) direct = await directFirstToken(request, api);
    if (i >= warmup) pairs.push({ direct, familiar });
  }
  session.free();
  const bodyChars = requests.map((request) => request.body.length);
  return { pairs, bodyChars: { min: Math.min(...bodyChars), max: Math.max(...bodyChars), mean: bodyChars.reduce((a, b) => a + b, 0) / bodyChars.length } };
};

let conversation = null;

/** A session for the long conversation; `turns` counts the questions asked through it. */
window.startConversation = ({ api, providerUrl }) => {
  conversation = { session: newSession(api, providerUrl), turns: 0 };
};

/**
 * Asks `count` more questions through the conversation's session, one after the other (each a question and an
 * answer: two messages). With `captureLast`, the request of the last one is returned (its size against the budget).
 */
window.continueConversation = async (count, captureLast) => {
  const { session } = conversation;
  let request = null;
  for (let i = 0; i < count; i++) {
    const { question, passages } = corpus[conversation.turns % corpus.length];
    const last = captureLast && i === count - 1;
    if (last) captureNext = true;
    const answer = await session.ask(`${question} (question ${conversation.turns + 1})`, passages);
    if (!answer || answer.offline) throw new Error(`the fake provider did not answer: ${JSON.stringify(answer?.offlineReason)}`);
    conversation.turns++;
    if (last) request = await captured;
  }
  if (!request) return null;
  const body = JSON.parse(request.body);
  const system = typeof body.system === "string" ? body.system : (body.messages.find((m) => m.role === "system")?.content ?? "");
  const messages = body.messages.filter((m) => m.role !== "system");
  const contentChars = system.length + messages.reduce((sum, m) => sum + m.content.length, 0);
  return { bodyBytes: new TextEncoder().encode(request.body).length, contentChars, systemChars: system.length, messages: messages.length };
};

window.endConversation = () => {
  conversation.session.free();
  conversation = null;
};

/** Which build is measured: {name, version, gitCommit, rustc, profile, target}. */
window.buildInfo = () => buildInfo();
/** The bundle's linear memory in bytes (it only grows). */
window.wasmMemoryBytes = () => wasm.memory.buffer.byteLength;
window.benchReady = true;
