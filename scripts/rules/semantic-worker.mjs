/**
 * The semantic search's Web Worker (a module worker, started by `semantic.mjs` only when the GM turned the search
 * on): it loads the sentence encoder's wasm (`wasm-embed/`, built apart from the start-up bundle), fetches the
 * model's three files from the GM's URL, and turns texts into vectors off the page's main thread.
 *
 * The files are kept in Cache Storage by URL, and only once the encoder has checked them against the SHA-256
 * digests it carries (a file that does not match is refused and dropped from the cache, so a damaged download is
 * fetched again next time, never used). Messages: `{id, type: "load", baseUrl}` → `{model, dimension, maxTokens,
 * fromCache, loadMs, memoryBytes}`; `{id, type: "embed", texts}` → a `Float32Array` of `dimension` values a text;
 * `{id, type: "query", text}` → one vector. Each reply is `{id, ok: true, result}` or `{id, ok: false, error:
 * {message, kind}}` (`kind` "checksum" for a file that does not match, "fetch" for one that could not be had).
 */
const GLUE_URL = new URL("../../wasm-embed/familiar_embed.js", import.meta.url);
const BINARY_URL = new URL("../../wasm-embed/familiar_embed_bg.wasm", import.meta.url);
/** In the order the encoder takes them. */
const FILES = ["config.json", "tokenizer.json", "model.safetensors"];
const CACHE_NAME = "pf2e-familiar-models";

let embedder = null;
let memory = null;

/** Cache Storage needs a secure context (https, or localhost); without it every load fetches again. */
function openCache() {
  return globalThis.caches?.open(CACHE_NAME).catch(() => null) ?? Promise.resolve(null);
}

async function fetchFile(cache, url) {
  const cached = await cache?.match(url);
  if (cached) return { url, bytes: new Uint8Array(await cached.arrayBuffer()), fromCache: true };
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw Object.assign(new Error(`${url}: ${error.message}`), { kind: "fetch" });
  }
  if (!response.ok) throw Object.assign(new Error(`${url}: HTTP ${response.status}`), { kind: "fetch" });
  return { url, bytes: new Uint8Array(await response.arrayBuffer()), fromCache: false };
}

async function load({ baseUrl }) {
  const started = performance.now();
  const glue = await import(GLUE_URL.href);
  const exports = await glue.default({ module_or_path: BINARY_URL });
  memory = exports.memory;
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const cache = await openCache();
  let files = await Promise.all(FILES.map((name) => fetchFile(cache, new URL(name, base).href)));
  try {
    embedder = new glue.Embedder(...files.map((file) => file.bytes));
  } catch (error) {
    await Promise.all(files.map((file) => cache?.delete(file.url)));
    throw error;
  }
  // Kept only once checked; the copies here go as soon as the encoder holds its own.
  await Promise.all(
    files.filter((file) => !file.fromCache).map((file) => cache?.put(file.url, new Response(file.bytes))),
  );
  const fromCache = files.every((file) => file.fromCache);
  files = null;
  return {
    model: embedder.modelId,
    dimension: embedder.dimension,
    maxTokens: embedder.maxTokens,
    fromCache,
    loadMs: performance.now() - started,
    memoryBytes: memory.buffer.byteLength,
  };
}

function loaded() {
  if (!embedder) throw Object.assign(new Error("the encoder is not loaded"), { kind: "model" });
  return embedder;
}

const HANDLERS = {
  load,
  embed: ({ texts }) => loaded().encodeDocuments(texts),
  query: ({ text }) => loaded().encodeQuery(text),
  memory: () => memory?.buffer.byteLength ?? 0,
};

// One message at a time, in order: the encoder is not re-entrant, and a question waits behind at most one batch.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    try {
      const result = await HANDLERS[data.type](data);
      self.postMessage({ id: data.id, ok: true, result }, result instanceof Float32Array ? [result.buffer] : []);
    } catch (error) {
      self.postMessage({ id: data.id, ok: false, error: { message: error?.message ?? String(error), kind: error?.kind ?? "model" } });
    }
  });
};
