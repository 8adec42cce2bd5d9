// Benchmark: the rules chat in headless Chromium against the fake provider (tests/fakes/provider-server.mjs).
//   node tests/bench/chat-browser.mjs [--runs 200] [--turns 5000] [--formats openai,anthropic] [--only overhead|memory]
// 1. First-token overhead: per wire format, `runs` alternating pairs on the same question and the same request:
//    (a) a plain `fetch` from the page, from the call to the first text delta parsed out of the body; (b) the wasm
//    `ChatSession`, from `ask()` to its first `delta` event. Prints p50/p95/max of both and of the paired b − a,
//    and where the time goes (ask() itself, until the fetch leaves, fetch → response head, head → first delta).
// 2. Memory: `turns` questions (two messages each) through one session; JS heap after a DevTools-forced GC and the
//    wasm linear memory at 0, 1,000, 5,000 and 10,000 messages, and the size of the last request against the budget.
// Passages: six of about 1,500 characters a question, the most the Ask view sends. With ../shared/pf2e, full-length
// rules-index hits for the dev questions; without it, our own text. Needs ./www-build.sh (dist/pf2e-familiar).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { SHARED_PF2E } from "../support/harness.mjs";
import { REPO, requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    turns: { type: "string", default: "5000" },
    formats: { type: "string", default: "openai,anthropic" },
    only: { type: "string" },
  },
});
const RUNS = Number(values.runs);
const TURNS = Number(values.turns);
const FORMATS = values.formats.split(",");
requireBuild();
if (existsSync(path.join(STAGED_MODULE, "wasm/familiar_wasm_bg.opt.wasm"))) {
  console.error("./www-build.sh is writing dist/pf2e-familiar (wasm-opt has not finished): run again when it is done");
  process.exit(1);
}

/** Our own questions and passage text, for when ../shared/pf2e is absent (nothing from Paizo's text). */
function ownCorpus() {
  const questions = [
    "Can I Step while I am grabbed?",
    "How does flanking work with reach weapons?",
    "What happens when I drop to 0 Hit Points?",
    "Does a shield block damage from a spell?",
    "How many actions does it take to stand up and Stride?",
    "Can I Delay after I have already acted this round?",
  ];
  const sentence = (n, k) =>
    `Rule ${n}.${k}: a creature that spends an action on this activity compares its result against the target's DC, ` +
    `and on a success it gains the listed benefit until the start of its next turn, while a critical failure ends it. `;
  const passage = (n) => ({
    uuid: `Compendium.bench.rules.Item.bench${String(n).padStart(10, "0")}`,
    name: `Bench Rule ${n}`,
    text: Array.from({ length: 8 }, (_, k) => sentence(n, k)).join("").slice(0, 1500),
  });
  const passages = questions.map((_, q) => Array.from({ length: 6 }, (_, p) => passage(q * 6 + p)));
  return { questions, documents: null, passages };
}

function sharedCorpus() {
  const lines = (file) => readFileSync(path.join(SHARED_PF2E, file), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
  return { questions: lines("questions-dev.jsonl").map((q) => q.question), documents: lines("rules-sample.jsonl"), passages: null };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted[sorted.length - 1] };
}

const ms = (value) => value.toFixed(2);
const kib = (bytes) => (bytes / 1024).toLocaleString("en-US", { maximumFractionDigits: 0 });

async function startFakeProvider() {
  const fake = spawn(process.execPath, [path.join(REPO, "tests/fakes/provider-server.mjs"), "--port", "0"], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await readline.createInterface({ input: fake.stdout })[Symbol.asyncIterator]().next();
  return { url: `http://127.0.0.1:${Number(first.value)}`, stop: () => (fake.stdin.end(), fake.kill()) };
}

/** The page and the bundle, cross-origin isolated so performance.now() has 5 µs steps instead of 100 µs. */
async function startPageServer() {
  const files = {
    "/": ["text/html", '<!doctype html><meta charset="utf-8"><title>chat bench</title><script type="module" src="/bench.mjs"></script>'],
    "/bench.mjs": ["text/javascript", readFileSync(new URL("./chat-browser-page.mjs", import.meta.url))],
    "/familiar_wasm.js": ["text/javascript", readFileSync(path.join(STAGED_MODULE, "wasm/familiar_wasm.js"))],
    "/familiar_wasm_bg.wasm": ["application/wasm", readFileSync(path.join(STAGED_MODULE, "wasm/familiar_wasm_bg.wasm"))],
  };
  const server = http.createServer((request, response) => {
    const file = files[new URL(request.url, "http://x").pathname];
    if (!file) return response.writeHead(request.url === "/favicon.ico" ? 204 : 404).end();
    response.writeHead(200, { "content-type": file[0], "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }).end(file[1]);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** A run's time outside the wait for the response head: call → fetch, and head → first text. */
const clientSide = (run) => run.fetchAt - run.start + (run.firstAt - run.headAt);

async function overhead(page, providerUrl) {
  for (const api of FORMATS) {
    const { pairs, bodyChars } = await page.evaluate((options) => window.runOverhead(options), { api, providerUrl, runs: RUNS, warmup: Number(values.warmup) });
    const column = (pick) => stats(pairs.map(pick));
    const rows = [
      ["(a) direct fetch: call → first text delta", column((p) => p.direct.firstAt - p.direct.start)],
      ["(b) ChatSession: ask() → first delta event", column((p) => p.familiar.firstAt - p.familiar.start)],
      ["b − a, paired", column((p) => p.familiar.firstAt - p.familiar.start - (p.direct.firstAt - p.direct.start))],
      // The fetch → head leg is the same request to the same server, waited for by both; its noise on a shared
      // machine is most of the paired tail. Without it: what each side does itself before and after the wait.
      ["b − a, paired, without the fetch → head leg", column((p) => clientSide(p.familiar) - clientSide(p.direct))],
      ["(b) inside ask(): passages in, prompt, request, `started`", column((p) => p.familiar.returnedAt - p.familiar.start)],
      ["(b) ask() returned → fetch called", column((p) => p.familiar.fetchAt - p.familiar.returnedAt)],
      ["(a) call → fetch called (the wrapper)", column((p) => p.direct.fetchAt - p.direct.start)],
      ["(a) fetch → response head", column((p) => p.direct.headAt - p.direct.fetchAt)],
      ["(b) fetch → response head", column((p) => p.familiar.headAt - p.familiar.fetchAt)],
      ["(a) head → first text delta (read, SSE, JSON)", column((p) => p.direct.firstAt - p.direct.headAt)],
      ["(b) head → first delta event (read, decode, event to JS)", column((p) => p.familiar.firstAt - p.familiar.headAt)],
    ];
    console.log(`\n${api}: ${pairs.length} pairs after ${values.warmup} warm-up pairs; request body ${bodyChars.min}–${bodyChars.max} characters (mean ${bodyChars.mean.toFixed(0)})`);
    console.log("| measure (ms) | p50 | p95 | max |");
    console.log("|---|---|---|---|");
    for (const [label, s] of rows) console.log(`| ${label} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`);
  }
}

/** A fresh page with the bundle (and the questions and passages another page prepared, when given). */
async function benchPage(browser, url, prepared) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("console", (message) => message.type() === "error" && console.error(message.text()));
  page.on("pageerror", (error) => console.error(error.message));
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady === true);
  if (prepared) await page.evaluate((corpus) => window.setCorpus(corpus), prepared);
  return { context, page };
}

/** Each format's conversation in a page of its own, where no rules index has grown the wasm memory first. */
async function memory(browser, url, prepared, providerUrl) {
  // 0, 1,000, 5,000 and 10,000 messages, then every 5,000 more when --turns asks for a longer conversation.
  const checkpoints = [0, 500, 2500, 5000].filter((turns) => turns <= TURNS);
  for (let turns = 7500; turns < TURNS; turns += 2500) checkpoints.push(turns);
  if (!checkpoints.includes(TURNS)) checkpoints.push(TURNS);
  for (const api of FORMATS) {
    const { context, page } = await benchPage(browser, url, prepared);
    const cdp = await context.newCDPSession(page);
    const sample = async (label, request) => {
      await cdp.send("HeapProfiler.collectGarbage");
      const heap = await cdp.send("Runtime.getHeapUsage");
      return { label, heap: heap.usedSize, wasm: await page.evaluate(() => window.wasmMemoryBytes()), request };
    };
    const rows = [await sample("page loaded, no session", null)];
    await page.evaluate((options) => window.startConversation(options), { api, providerUrl });
    rows.push(await sample("0 (session created)", null));
    let asked = 0;
    const started = performance.now();
    for (const target of checkpoints.slice(1)) {
      let request = null;
      while (asked < target) {
        const step = Math.min(250, target - asked);
        request = await page.evaluate(([count, last]) => window.continueConversation(count, last), [step, asked + step === target]);
        asked += step;
      }
      rows.push(await sample((asked * 2).toLocaleString("en-US"), request));
    }
    const seconds = (performance.now() - started) / 1000;
    await page.evaluate(() => window.endConversation());
    rows.push(await sample("after session.free()", null));
    await context.close();
    console.log(`\n${api}: ${asked} questions through one ChatSession in ${seconds.toFixed(1)} s (${((seconds * 1000) / asked).toFixed(1)} ms per question)`);
    console.log("| messages | JS heap KiB | wasm memory KiB | last request: body bytes | prompt characters | ≈ tokens (chars/4) | messages sent |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of rows) {
      const r = row.request;
      const request = r ? `${r.bodyBytes.toLocaleString("en-US")} | ${r.contentChars.toLocaleString("en-US")} | ${Math.ceil(r.contentChars / 4).toLocaleString("en-US")} | ${r.messages}` : "— | — | — | —";
      console.log(`| ${row.label} | ${kib(row.heap)} | ${kib(row.wasm)} | ${request} |`);
    }
  }
}

const corpus = existsSync(path.join(SHARED_PF2E, "rules-sample.jsonl")) ? sharedCorpus() : ownCorpus();
const fake = await startFakeProvider();
const pageServer = await startPageServer();
const browser = await launchBrowser();
try {
  const { page } = await benchPage(browser, pageServer.url, null);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const build = await page.evaluate(() => window.buildInfo());
  const prepared = await page.evaluate(([q, d, p]) => window.preparePassages(q, d, p), [corpus.questions, corpus.documents, corpus.passages]);
  const described = await page.evaluate(() => window.describeCorpus());
  const wasmBytes = statSync(path.join(STAGED_MODULE, "wasm/familiar_wasm_bg.wasm")).size;
  console.log(`bundle: ${build.version} ${build.gitCommit} ${build.profile}, wasm ${kib(wasmBytes)} KiB`);
  console.log(`${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; timer ${isolated ? "5 µs (cross-origin isolated)" : "100 µs"}`);
  console.log(
    `passages: ${corpus.documents ? "full-length rules-index hits (passageChars 1,500) over ../shared/pf2e/rules-sample.jsonl" : "our own text"}; ` +
      `${described.questions} questions, ${described.meanPassages.toFixed(1)} passages and ${described.meanPassageChars.toFixed(0)} characters of passage text per question`,
  );
  if (values.only !== "memory") await overhead(page, fake.url);
  if (values.only !== "overhead") await memory(browser, pageServer.url, prepared, fake.url);
  console.log(`\nload average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
} finally {
  await closeBrowser(browser);
  pageServer.close();
  fake.stop();
}
