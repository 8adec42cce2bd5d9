/**
 * The semantic side of the rules search, when the GM turns it on (the world setting *Search by meaning*): a Web
 * Worker (`semantic-worker.mjs`) loads the sentence encoder and the model's files from the world's model URL,
 * embeds the index's units once (a progress notice meanwhile; only new and changed units after that), and turns
 * each question into a vector that the index fuses with its lexical ranking. Until the vectors are all there, and
 * whenever the worker cannot load (no network, a file that fails its SHA-256 check), search is by words alone.
 */
import { MODULE_ID, t } from "../core/constants.mjs";
import { progressNotice } from "../core/compat.mjs";
import { getSetting, SETTINGS } from "../core/settings.mjs";

const WORKER_URL = new URL("./semantic-worker.mjs", import.meta.url);
/** Units a message to the worker: about a second of work each, so a question asked meanwhile waits little. */
const EMBED_BATCH = 32;
/** A question's vector that takes longer than this is not waited for: the search goes on by words. */
const QUERY_TIMEOUT_MS = 2000;

let worker = null;
let nextId = 1;
const waiting = new Map();
/** The encoder's `{model, dimension, maxTokens}` once loaded. */
let model = null;
let loading = null;
let embedding = null;
const status = {
  state: "off", // off | loading | embedding | ready | failed
  model: null,
  units: 0,
  pending: 0,
  /** Units embedded since the page loaded (0 when the saved vectors were all still good). */
  embedded: 0,
  error: null,
  errorKind: null,
  loadMs: 0,
  embedMs: 0,
  fromCache: false,
};

function semanticEnabled() {
  return Boolean(getSetting(SETTINGS.semanticSearch));
}

/** A copy of the semantic side's state for the Status view, diagnostics and tests. */
export function semanticStatus() {
  return { ...status };
}

function call(type, payload = {}) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...payload });
  });
}

function startWorker() {
  worker = new Worker(WORKER_URL, { type: "module", name: `${MODULE_ID}-semantic` });
  worker.onmessage = ({ data }) => {
    const pending = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.ok) pending?.resolve(data.result);
    else pending?.reject(Object.assign(new Error(data.error.message), { kind: data.error.kind }));
  };
  worker.onerror = (event) => fail(new Error(event.message || "the semantic search's worker failed to start"));
}

function fail(error) {
  console.warn("Familiar | the semantic search is off: searching by words alone", error);
  Object.assign(status, { state: "failed", error: error?.message ?? String(error), errorKind: error?.kind ?? null });
  stopSemantic("failed");
}

/** Stops the worker (the setting was turned off, or it failed); the vectors already made stay with the index. */
export function stopSemantic(state = "off") {
  worker?.terminate();
  worker = null;
  for (const { reject } of waiting.values()) reject(new Error("the semantic search stopped"));
  waiting.clear();
  model = null;
  loading = null;
  embedding = null;
  status.state = state;
}

function loadModel() {
  loading ??= (async () => {
    status.state = "loading";
    startWorker();
    const loaded = await call("load", { baseUrl: getSetting(SETTINGS.semanticModelUrl) });
    Object.assign(status, { model: loaded.model, loadMs: Math.round(loaded.loadMs), fromCache: loaded.fromCache });
    model = loaded;
    return loaded;
  })();
  return loading;
}

/**
 * Brings the index's vectors up to date: loads the model if needed, then embeds the units `planVectors` hands out
 * (all of them the first time, with a progress notice; the changed ones after an edit). `save` is called once the
 * vectors are complete. Concurrent calls share one run, and a call during a run runs again after it.
 */
export function refreshVectors(index, save) {
  if (!semanticEnabled()) return Promise.resolve();
  const run = async () => {
    try {
      const { model: id, dimension, maxTokens } = await loadModel();
      const { keys, texts } = index.planVectors(id, dimension, maxTokens);
      status.pending = keys.length;
      if (keys.length) {
        status.state = "embedding";
        await embedAll(index, keys, texts);
        await save();
      }
      Object.assign(status, { state: "ready", units: index.vectorStats()?.units ?? 0, pending: 0 });
    } catch (error) {
      if (worker) fail(error);
    }
  };
  embedding = (embedding ?? Promise.resolve()).then(run);
  return embedding;
}

async function embedAll(index, keys, texts) {
  const started = performance.now();
  const large = keys.length > EMBED_BATCH;
  const notice = large ? progressNotice(t("Rules.Semantic.Embedding", { units: keys.length })) : null;
  for (let at = 0; at < keys.length; at += EMBED_BATCH) {
    const vectors = await call("embed", { texts: texts.slice(at, at + EMBED_BATCH) });
    status.embedded += index.addVectors(keys.slice(at, at + EMBED_BATCH), vectors);
    status.pending = Math.max(0, keys.length - at - EMBED_BATCH);
    status.units = index.vectorStats()?.units ?? 0;
    notice?.update((at + EMBED_BATCH) / keys.length, t("Rules.Semantic.EmbeddingProgress", { done: Math.min(at + EMBED_BATCH, keys.length), units: keys.length }));
  }
  status.embedMs = Math.round(performance.now() - started);
  notice?.done(t("Rules.Semantic.Ready", { units: keys.length }));
}

/** The question's vector once the semantic side is ready, else null (the search is by words alone). */
export async function queryVector(query) {
  if (status.state !== "ready" || !worker || !query.trim()) return null;
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), QUERY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([call("query", { text: query }), timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
