// The page side of rules-browser.mjs: builds both engines on the same documents and times them in one page.
import init, { RulesIndex } from "/familiar_wasm.js";
import MiniSearch from "/minisearch.mjs";

const wasm = await init({ module_or_path: "/familiar_wasm_bg.wasm" });
const wasmMb = () => wasm.memory.buffer.byteLength / 1e6;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function timeQueries(queries, search) {
  for (const query of queries.slice(0, 50)) search(query); // warm-up
  const times = queries.map((query) => {
    const start = performance.now();
    search(query);
    return performance.now() - start;
  });
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/** hit@1 and hit@5: an expected uuid (or a page of an expected journal entry) among the first k results. */
function accuracy(dev, search) {
  let hit1 = 0;
  let hit5 = 0;
  for (const question of dev) {
    const uuids = search(question.question).slice(0, 5);
    const isHit = (uuid) => question.expected.some((expected) => uuid === expected || uuid.startsWith(`${expected}.`));
    if (uuids.slice(0, 1).some(isHit)) hit1++;
    if (uuids.some(isHit)) hit5++;
  }
  return { hit1: hit1 / dev.length, hit5: hit5 / dev.length };
}

function heapMb() {
  globalThis.gc?.();
  return performance.memory ? performance.memory.usedJSHeapSize / 1e6 : NaN;
}

function benchFamiliar(documents, queries, dev) {
  const heapBefore = heapMb();
  const start = performance.now();
  const index = new RulesIndex();
  index.addDocuments(documents);
  index.commit();
  const buildMs = performance.now() - start;
  const search = (query) => index.search(query, { top: 10 }).map((hit) => hit.uuid);
  const times = timeQueries(queries, search);
  const hits = accuracy(dev, search);
  const bytes = index.toBytes();
  const loadStart = performance.now();
  const loaded = RulesIndex.fromBytes(bytes);
  const fromBytesMs = performance.now() - loadStart;
  loaded.free();
  // Wasm linear memory never shrinks: its size after build, search and a load is the index's footprint (plus
  // the bundle's own baseline), reported beside the JS heap.
  const heap = heapMb() - heapBefore;
  const memory = wasmMb();
  index.free();
  return { buildMs, ...times, ...hits, bytes: bytes.length, fromBytesMs, heapMb: heap + memory, wasmMb: memory };
}

/** A document's searchable text: its description, or its journal pages' text, as plain text. */
function plainText(document) {
  const html = document.system?.description?.value ?? (document.pages ?? []).map((page) => page.text?.content ?? "").join(" ");
  return new DOMParser().parseFromString(html, "text/html").body.textContent ?? "";
}

/**
 * MiniSearch with the pf2e compendium browser's options (uuid ids, terms of 2+ characters without stop words,
 * prefix search, AND). `fields` is what it indexes: the browser's own name fields, or the same text Familiar
 * indexes. Text extraction happens before the build clock starts (it favours MiniSearch).
 */
function benchMiniSearch(documents, queries, dev, stopWords, fields) {
  const stop = new Set(stopWords);
  const rows = documents.map((document) => ({
    uuid: document.uuid,
    name: document.name,
    originalName: document.name,
    ...(fields.includes("text") ? { text: plainText(document) } : {}),
  }));
  const heapBefore = heapMb();
  const start = performance.now();
  const engine = new MiniSearch({
    fields,
    idField: "uuid",
    processTerm: (term) => {
      if (term.length <= 1 || stop.has(term)) return null;
      const cleaned = term.toLocaleLowerCase("en").replace(/['"]/g, "");
      return cleaned.length > 1 ? [cleaned] : null;
    },
    storeFields: ["name"],
    searchOptions: { combineWith: "AND", prefix: true },
  });
  engine.addAll(rows);
  const buildMs = performance.now() - start;
  const search = (query) => engine.search(query).slice(0, 10).map((hit) => hit.id);
  const times = timeQueries(queries, search);
  const hits = accuracy(dev, search);
  return { buildMs, ...times, ...hits, heapMb: heapMb() - heapBefore };
}

window.runBench = (documents, queries, dev, stopWords) => ({
  familiar: benchFamiliar(documents, queries, dev),
  "minisearch, names": benchMiniSearch(documents, queries, dev, stopWords, ["name", "originalName"]),
  "minisearch, same text": benchMiniSearch(documents, queries, dev, stopWords, ["name", "originalName", "text"]),
});
window.benchReady = true;
