// The page side of semantic-browser.mjs: the start-up bundle's rules index and the real embedding worker
// (scripts/rules/semantic-worker.mjs), timed in one page the way the module uses them.
import init, { RulesIndex } from "/wasm/familiar_wasm.js";

const wasm = await init({ module_or_path: "/wasm/familiar_wasm_bg.wasm" });

const worker = new Worker("/scripts/rules/semantic-worker.mjs", { type: "module" });
let nextId = 1;
const waiting = new Map();
worker.onmessage = ({ data }) => {
  const pending = waiting.get(data.id);
  waiting.delete(data.id);
  if (data.ok) pending.resolve(data.result);
  else pending.reject(new Error(`${data.error.kind}: ${data.error.message}`));
};
const call = (type, payload = {}) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...payload });
  });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function timed(queries, run) {
  for (const query of queries.slice(0, 10)) await run(query); // warm-up
  const times = [];
  for (const query of queries) {
    const start = performance.now();
    await run(query);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

window.runBench = async (documents, queries, modelUrl) => {
  const index = new RulesIndex();
  index.addDocuments(documents);
  index.commit();
  const loadStart = performance.now();
  const loaded = await call("load", { baseUrl: modelUrl });
  const loadWallMs = performance.now() - loadStart;
  const { keys, texts } = index.planVectors(loaded.model, loaded.dimension, loaded.maxTokens);
  const embedStart = performance.now();
  for (let at = 0; at < keys.length; at += 32) {
    index.addVectors(keys.slice(at, at + 32), await call("embed", { texts: texts.slice(at, at + 32) }));
  }
  const embedMs = performance.now() - embedStart;
  const lexical = await timed(queries, (query) => index.search(query, { top: 10 }));
  const vectorOnly = await timed(queries, (query) => call("query", { text: query }));
  const semantic = await timed(queries, async (query) => index.search(query, { top: 10 }, await call("query", { text: query })));
  globalThis.gc?.();
  return {
    units: keys.length,
    fromCache: loaded.fromCache,
    loadMs: loaded.loadMs,
    loadWallMs,
    embedMs,
    lexical,
    vectorOnly,
    semantic,
    workerWasmBytes: await call("memory"),
    pageWasmBytes: wasm.memory.buffer.byteLength,
    pageHeapBytes: performance.memory?.usedJSHeapSize ?? null,
  };
};
window.benchReady = true;
