// Benchmark: the rules index in headless Chromium, side by side with MiniSearch configured as the pf2e system's
// compendium browser configures it (uuid ids, terms of 2+ characters without stop words, prefix search, AND), on
// the same documents and queries in the same page, twice: over the browser's own fields (name/originalName) and
// over the same text Familiar indexes (names + description or journal page text).
//   node tests/bench/rules-browser.mjs [--generate 30000] [--queries 1200]
// Needs ./www-build.sh (dist/pf2e-familiar) and ../shared/pf2e (rules-sample.jsonl, questions-dev.jsonl).
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { SHARED_PF2E } from "../support/harness.mjs";
import { REPO, requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";

const { values } = parseArgs({
  options: { generate: { type: "string", default: "30000" }, queries: { type: "string", default: "1200" } },
});
requireBuild();
const corpusFile = path.join(SHARED_PF2E, "rules-sample.jsonl");
const questionsFile = path.join(SHARED_PF2E, "questions-dev.jsonl");
if (!existsSync(corpusFile)) {
  console.log("skipped: ../shared/pf2e not present");
  process.exit(0);
}

const sample = readFileSync(corpusFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
const questions = readFileSync(questionsFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));

/** The sample repeated with new uuids and prefixed names until it has `size` documents (same shape and text). */
function generated(size) {
  const documents = [];
  for (let round = 0; documents.length < size; round++) {
    for (const document of sample) {
      if (documents.length >= size) break;
      if (round === 0) documents.push(document);
      else documents.push({ ...document, _id: `${document._id}r${round}`, uuid: `${document.uuid}r${round}`, name: `Variant ${round} ${document.name}` });
    }
  }
  return documents;
}

/** Dev questions, document names, "how does X work" and 5-letter prefixes, as players type them. */
function queryMix(count) {
  const mix = questions.map((question) => question.question);
  for (let i = 0; mix.length < count; i++) {
    const name = sample[(i * 7919) % sample.length].name;
    mix.push([name, `how does ${name.toLowerCase()} work`, name.slice(0, 5)][i % 3]);
  }
  return mix.slice(0, count);
}

const STOP_WORDS = ["a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "how", "i", "if", "in", "is", "it", "my", "of", "on", "or", "that", "the", "to", "what", "when", "while", "with", "you"];

const files = {
  "/": ["text/html", '<!doctype html><meta charset="utf-8"><title>rules bench</title><script type="module" src="/bench.mjs"></script>'],
  "/bench.mjs": ["text/javascript", readFileSync(new URL("./rules-browser-page.mjs", import.meta.url))],
  "/minisearch.mjs": ["text/javascript", readFileSync(path.join(REPO, "tests/node_modules/minisearch/dist/es/index.js"))],
  "/familiar_wasm.js": ["text/javascript", readFileSync(path.join(STAGED_MODULE, "wasm/familiar_wasm.js"))],
  "/familiar_wasm_bg.wasm": ["application/wasm", readFileSync(path.join(STAGED_MODULE, "wasm/familiar_wasm_bg.wasm"))],
};
const server = http.createServer((request, response) => {
  const file = files[new URL(request.url, "http://x").pathname];
  if (!file) return response.writeHead(404).end();
  response.writeHead(200, { "content-type": file[0] }).end(file[1]);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

const browser = await launchBrowser({ args: ["--enable-precise-memory-info", "--js-flags=--expose-gc"] });
try {
  const page = await browser.newPage();
  page.on("console", (message) => message.type() === "error" && console.error(message.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.benchReady === true);
  const queries = queryMix(Number(values.queries));
  const rows = [];
  for (const [label, documents] of [["sample", sample], [`generated ${values.generate}`, generated(Number(values.generate))]]) {
    const result = await page.evaluate(([docs, qs, dev, stopWords]) => window.runBench(docs, qs, dev, stopWords), [documents, queries, questions, STOP_WORDS]);
    rows.push({ label, documents: documents.length, ...result });
  }
  const ms = (value) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
  console.log(`queries: ${queries.length} (dev questions, names, "how does X work", 5-letter prefixes); hit@k on ${questions.length} dev questions`);
  console.log("| corpus | engine | build ms | query p50 ms | query p95 ms | hit@1 | hit@5 | heap MB | bytes MB | fromBytes ms |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    for (const engine of ["familiar", "minisearch, names", "minisearch, same text"]) {
      const r = row[engine];
      const extra = engine === "familiar" ? `${(r.bytes / 1e6).toFixed(1)} | ${ms(r.fromBytesMs)}` : "— | —";
      console.log(`| ${row.label} (${row.documents}) | ${engine} | ${ms(r.buildMs)} | ${ms(r.p50)} | ${ms(r.p95)} | ${r.hit1.toFixed(3)} | ${r.hit5.toFixed(3)} | ${r.heapMb < 1 ? "<1" : r.heapMb.toFixed(0)} | ${extra} |`);
    }
  }
} finally {
  await closeBrowser(browser);
  server.close();
}
