// Benchmark: the semantic search in headless Chromium. The start-up bundle's rules index and the real embedding
// worker (scripts/rules/semantic-worker.mjs, the wasm-embed/ bundle) in one page: the model's load (fetch, SHA-256
// check, weights into the encoder), embedding a subset of the corpus, per-question milliseconds lexical-only and
// fused in the same page, and the memory of the page and the worker with the model loaded.
//   node tests/bench/semantic-browser.mjs [--units 400] [--queries 60] [--stage dist/pf2e-familiar]
// The model comes from ~/.cache/familiar/models (tests/tools/install-models.sh), served by this script; never a hub.
// Needs ./www-build.sh and ../shared/pf2e (rules-sample.jsonl, questions-dev.jsonl); says `skipped` without them.
// The corpus is the first --units documents of the sample (embedding all 6,641 in a page takes the better part of
// an hour on two cores): the embedding time is per unit, the query times at that size.
import { existsSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { SHARED_PF2E } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";

const { values } = parseArgs({
  options: { units: { type: "string", default: "400" }, queries: { type: "string", default: "60" }, stage: { type: "string" } },
});
const stage = path.resolve(values.stage ?? STAGED_MODULE);
if (!values.stage) requireBuild();
const modelDir = path.join(process.env.FAMILIAR_MODELS_DIR ?? path.join(os.homedir(), ".cache/familiar/models"), "all-minilm-l6-v2");
const corpusFile = path.join(SHARED_PF2E, "rules-sample.jsonl");
if (!existsSync(corpusFile) || !existsSync(path.join(modelDir, "model.safetensors"))) {
  console.log(`skipped: needs ${corpusFile} and the model in ${modelDir}`);
  process.exit(0);
}
const documents = readFileSync(corpusFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line)).slice(0, Number(values.units));
const questions = readFileSync(path.join(SHARED_PF2E, "questions-dev.jsonl"), "utf8").split("\n").filter(Boolean)
  .map((line) => JSON.parse(line).question).slice(0, Number(values.queries));

const TYPES = { ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const page = { "/": '<!doctype html><meta charset="utf-8"><title>semantic bench</title><script type="module" src="/bench.mjs"></script>' };
const server = http.createServer((request, response) => {
  const url = new URL(request.url, "http://x").pathname;
  if (url === "/") return response.writeHead(200, { "content-type": "text/html" }).end(page["/"]);
  const file = url === "/bench.mjs"
    ? new URL("./semantic-browser-page.mjs", import.meta.url).pathname
    : url.startsWith("/model/") ? path.join(modelDir, path.basename(url)) : path.join(stage, path.normalize(url));
  if (!file.startsWith(stage) && !file.startsWith(modelDir) && !url.startsWith("/bench")) return response.writeHead(404).end();
  if (!existsSync(file) || !statSync(file).isFile()) return response.writeHead(404).end();
  response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

const browser = await launchBrowser({ args: ["--enable-precise-memory-info", "--js-flags=--expose-gc"] });
try {
  const tab = await browser.newPage();
  tab.on("console", (message) => message.type() === "error" && console.error(message.text()));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => window.benchReady === true);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const first = await tab.evaluate(([docs, qs, url]) => window.runBench(docs, qs, url), [documents, questions, `${origin}/model/`]);
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  const ms = (value) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
  console.log(`stage ${path.relative(process.cwd(), stage) || "."}; ${documents.length} documents, ${first.units} units; ${questions.length} questions`);
  console.log(`model load (fetch + SHA-256 + weights), first: ${ms(first.loadMs)} ms in the worker, ${ms(first.loadWallMs)} ms to the page`);
  console.log(`embedding: ${ms(first.embedMs)} ms for ${first.units} units, ${ms(first.embedMs / first.units)} ms a unit`);
  console.log(`per question, p50 / p95 ms: lexical ${ms(first.lexical.p50)} / ${ms(first.lexical.p95)}; question vector ${ms(first.vectorOnly.p50)} / ${ms(first.vectorOnly.p95)}; fused (vector + search) ${ms(first.semantic.p50)} / ${ms(first.semantic.p95)}`);
  console.log(`memory with the model loaded: worker wasm ${mb(first.workerWasmBytes)} MB, page wasm ${mb(first.pageWasmBytes)} MB, page JS heap ${first.pageHeapBytes === null ? "n/a" : mb(first.pageHeapBytes)} MB`);
  console.log(JSON.stringify(first));
} finally {
  await closeBrowser(browser);
  server.close();
}
