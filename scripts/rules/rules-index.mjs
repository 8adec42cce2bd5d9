/**
 * The rules index of this client, built in wasm from the compendia this user may open. It is saved to IndexedDB
 * with a fingerprint of the packs' contents, loaded back on the next start when nothing changed, rebuilt when
 * anything did, and discarded (then rebuilt) when the saved bytes are corrupted. Edits to compendium documents
 * update it in place. With the semantic search on (`semantic.mjs`), the units' vectors are saved with the index,
 * under the same fingerprint, and the search fuses each question's vector in once they are all there.
 */
import { t } from "../core/constants.mjs";
import { packVisibleTo, progressNotice } from "../core/compat.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { deleteBlob, loadBlob, saveBlob } from "../core/storage.mjs";
import { queryVector, refreshVectors, semanticStatus, stopSemantic } from "./semantic.mjs";

/** Fields of a compendium index entry that tell whether a document changed. */
const VERSION_FIELDS = ["_stats.modifiedTime", "system.schema.version"];
/** How long to wait after an edit before saving the index again. */
const SAVE_DELAY_MS = 2000;

let index = null;
let building = null;
let saveTimer = null;
const status = {
  state: "idle", // idle | building | ready | failed
  source: null, // built | cache | rebuilt-after-corruption
  documents: 0,
  packs: [],
  buildMs: 0,
  skipped: 0,
  updatedAt: null,
  error: null,
};

/** Packs this user may read whose documents hold rules text; bestiaries only for the GM. */
function indexablePacks() {
  const gm = game.user.isGM;
  return game.packs.filter((pack) => {
    const kind = pack.documentName;
    const rules = kind === "Item" || kind === "JournalEntry" || (gm && kind === "Actor");
    return rules && (gm || pack.visible);
  });
}

/** Whose content links this page shows (`renderAnswer`'s reader): the packs an answer may link into, the ones this
 * user's index covers, and whether Actors are among the kinds (the GM's bestiaries). */
export function linkReader() {
  return { gm: game.user.isGM, packs: indexablePacks().map((pack) => pack.collection) };
}

function storageKey() {
  return `rules-index:${game.world?.id ?? "world"}:${game.user.id}`;
}

function localize(key) {
  return game.i18n.localize(key);
}

/** Index entries of every indexable pack with a uuid, the same on every core version. */
async function indexEntries(packs) {
  const lists = await Promise.all(
    packs.map(async (pack) => {
      const entries = await pack.getIndex({ fields: VERSION_FIELDS });
      return [...entries].map((entry) => ({ ...entry, uuid: entry.uuid ?? `Compendium.${pack.collection}.${entry._id}` }));
    }),
  );
  return lists.flat();
}

function sourceOf(document, pack) {
  return { ...document.toObject(), pack: pack.collection, uuid: document.uuid };
}

async function loadSaved(wasm, fingerprint) {
  const saved = await loadBlob(storageKey());
  if (!saved) return { index: null, corrupted: false };
  if (saved.fingerprint !== fingerprint) return { index: null, corrupted: false };
  try {
    const loaded = wasm.RulesIndex.fromBytes(saved.bytes);
    try {
      if (saved.vectors) loaded.loadVectors(saved.vectors);
    } catch (error) {
      console.warn("Familiar | the saved vectors are corrupted; the semantic search embeds the rules again", error);
    }
    return { index: loaded, corrupted: false };
  } catch (error) {
    console.warn("Familiar | the saved rules index is corrupted; rebuilding it", error);
    await deleteBlob(storageKey());
    return { index: null, corrupted: true };
  }
}

/** A task longer than 50 ms delays the page's answer to input, so the build hands the main thread back after
 * each slice of this many milliseconds, short enough to leave a frame its rendering time (a pack of 1,600 creatures
 * is seconds of work). */
const SLICE_MS = 12;

function yieldToPage() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs `step(size)` until it returns null, sizing each call to about SLICE_MS from the last call's time per item
 * (`step` returns how many items it did) and handing the main thread back between calls.
 */
async function inSlices(step, { first, most }) {
  let size = first;
  for (;;) {
    const began = performance.now();
    const done = step(size);
    if (done === null) return;
    const perItem = Math.max((performance.now() - began) / Math.max(done, 1), 0.001);
    size = Math.max(1, Math.min(most, Math.floor(SLICE_MS / perItem)));
    await yieldToPage();
  }
}

/** Adds one pack's documents in slices; returns the documents the index skipped. */
async function addInSlices(index, pack, documents) {
  const skipped = [];
  let start = 0;
  await inSlices(
    (size) => {
      if (start >= documents.length) return null;
      const slice = documents.slice(start, start + size);
      skipped.push(...index.addDocuments(slice.map((document) => sourceOf(document, pack)), localize, start).skipped);
      start += slice.length;
      return slice.length;
    },
    { first: 8, most: 500 },
  );
  return skipped;
}

/** Builds the index's segment in slices (its last call, which writes the segment, is one task). */
function commitInSlices(index) {
  return inSlices((units) => (index.commitStep(units) ? null : units), { first: 50, most: 5000 });
}

async function build(wasm, packs) {
  const fresh = new wasm.RulesIndex();
  const notice = progressNotice(t("Rules.Building"));
  let skipped = 0;
  for (const [position, pack] of packs.entries()) {
    notice.update(position / packs.length, t("Rules.BuildingPack", { pack: pack.metadata?.label ?? pack.collection }));
    const documents = await pack.getDocuments();
    const packSkipped = await addInSlices(fresh, pack, documents);
    skipped += packSkipped.length;
    if (packSkipped.length) console.warn(`Familiar | skipped ${packSkipped.length} documents of ${pack.collection}`, packSkipped);
  }
  await commitInSlices(fresh);
  notice.done(t("Rules.Built", { documents: fresh.stats().documents }));
  return { index: fresh, skipped };
}

async function save(fingerprint) {
  if (!index) return;
  await saveBlob(storageKey(), { fingerprint, bytes: index.toBytes(), vectors: index.vectorsToBytes() });
}

async function prepare() {
  const wasm = requireWasm();
  const started = performance.now();
  status.state = "building";
  const packs = indexablePacks();
  const fingerprint = wasm.rulesFingerprint(await indexEntries(packs));
  const saved = await loadSaved(wasm, fingerprint);
  if (saved.index) {
    index = saved.index;
    status.source = "cache";
  } else {
    const built = await build(wasm, packs);
    index = built.index;
    status.skipped = built.skipped;
    status.source = saved.corrupted ? "rebuilt-after-corruption" : "built";
    await save(fingerprint);
  }
  Object.assign(status, {
    state: "ready",
    documents: index.stats().documents,
    packs: packs.map((pack) => pack.collection),
    buildMs: Math.round(performance.now() - started),
    updatedAt: Date.now(),
    error: null,
  });
  // Not awaited: words answer while the vectors are made; the semantic side joins when they are all there.
  refreshVectors(index, () => save(fingerprint));
  return index;
}

/** The GM turned the semantic search on or off (or changed the model's URL). */
export function semanticSettingChanged() {
  stopSemantic();
  if (index) refreshVectors(index, scheduleSave);
}

/** The index, built or loaded on first use; concurrent callers share one build. */
export function ensureRulesIndex() {
  building ??= prepare().catch((error) => {
    building = null;
    Object.assign(status, { state: "failed", error: error?.message ?? String(error) });
    throw error;
  });
  return building;
}

/** Searches the rules this user may see: `[{uuid, pack, name, type, score, snippet, link}]`, best first;
 * `passageChars: n` adds each hit's clean passage text (at most n characters) as `text`, to ground an answer.
 * `user`: whose visibility applies (the GM's relay searches for the player who asked); this page's user by default. */
export async function searchRules(query, { top = 10, passageChars, user = game.user } = {}) {
  if (typeof query !== "string") throw new TypeError("search(query): query must be a string");
  const rules = await ensureRulesIndex();
  const userPacks = packsFor(user);
  const vector = await queryVector(query);
  return rules.search(query, passageChars ? { top, userPacks, passageChars } : { top, userPacks }, vector ?? undefined);
}

/** How many passages ground an answer and how much of each the prompt carries; how many hits an offline answer
 * lists. The same for the Ask view, the `/raven` command and the relay. */
const GROUNDING_PASSAGES = 6;
const GROUNDING_PASSAGE_CHARS = 1500;
export const OFFLINE_HITS = 8;

/** The passages (with text) that ground an answer to `question`, limited to what `user` may open. */
export function groundingPassages(question, { user } = {}) {
  return searchRules(question, { top: GROUNDING_PASSAGES, passageChars: GROUNDING_PASSAGE_CHARS, user });
}

/** The hits an offline answer lists for `question`. */
export function offlineHits(question) {
  return searchRules(question, { top: OFFLINE_HITS });
}

/** The indexed packs `user` may search, or undefined for all (a GM). Bestiaries are the GM's only. */
function packsFor(user) {
  if (user.isGM) return undefined;
  if (user === game.user) return status.packs;
  return status.packs.filter((id) => {
    const pack = game.packs.get(id);
    return pack?.documentName !== "Actor" && packVisibleTo(pack, user);
  });
}

/** A copy of the index's state for the Status view and diagnostics. */
export function rulesIndexStatus() {
  return { ...structuredClone(status), semantic: semanticStatus() };
}

function scheduleSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(async () => {
    const wasm = requireWasm();
    const fingerprint = wasm.rulesFingerprint(await indexEntries(indexablePacks()));
    await save(fingerprint);
  }, SAVE_DELAY_MS);
}

/** The indexed pack a compendium document belongs to, or null (world documents and other packs are not indexed). */
function indexedPackOf(document) {
  if (!index || !document?.pack || !status.packs.includes(document.pack)) return null;
  return game.packs.get(document.pack) ?? null;
}

/** A compendium document was created or changed: index its current text. */
export function documentChanged(document) {
  const pack = indexedPackOf(document);
  if (!pack) return;
  index.addDocuments([sourceOf(document, pack)], localize);
  status.documents = index.stats().documents;
  status.updatedAt = Date.now();
  scheduleSave();
  refreshVectors(index, scheduleSave);
}

/** A compendium document was deleted: drop it from the index. */
export function documentDeleted(document) {
  if (!indexedPackOf(document)) return;
  index.remove([document.uuid]);
  status.documents = index.stats().documents;
  status.updatedAt = Date.now();
  scheduleSave();
  refreshVectors(index, scheduleSave);
}
