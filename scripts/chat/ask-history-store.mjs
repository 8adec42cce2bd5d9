/**
 * The Ask history of this browser's user in this world. IndexedDB (storage.mjs) keeps each user's records under a
 * key of its own (world id + user id), so two users sharing a browser never see each other's questions; nothing
 * here leaves the browser. The bundle's `AskHistory` checks the records read back (corrupt ones are skipped), keeps
 * the bounds (the newest 500 within 2 MiB) and renders the Markdown export: this file only moves records between it
 * and IndexedDB.
 */
import { t } from "../core/constants.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { deleteBlob, loadBlob, saveBlob } from "../core/storage.mjs";

/** The IndexedDB key of the current user's history in the current world. */
function storageKey() {
  return `ask-history:${game.world.id}:${game.user.id}`;
}

/** The history as last read or written: `{key, history}` (a wasm object, freed when replaced). */
let current = null;
/** Writes run one after another, each on what the previous one stored. */
let writing = Promise.resolve();

function keep(key, history) {
  if (current?.history !== history) current?.history.free();
  current = { key, history };
  return history;
}

async function read(key) {
  return historyFrom(await loadBlob(key));
}

function historyFrom(stored) {
  const history = new (requireWasm().AskHistory)(stored);
  if (history.skipped) console.warn(`Familiar | ${t("History.Skipped", { count: history.skipped })}`);
  return history;
}

/**
 * The user's history (`length`, `page(end, count)`, `toMarkdown(title, answeredBy, offline, sources)`). Use it before the next await: a later
 * write replaces (and frees) it.
 */
export async function loadAskHistory() {
  await writing;
  const key = storageKey();
  if (current?.key === key) return current.history;
  return keep(key, await read(key));
}

/**
 * Saves a finished exchange `{question, answer, citations, provider | offline}` with the time now. What is stored is
 * read again first, so questions another tab of this user saved meanwhile are kept. Resolves with the record as
 * kept; without IndexedDB (some private windows) the history lasts for this session only.
 */
export function saveExchange(exchange) {
  const key = storageKey();
  const run = writing.then(async () => {
    const stored = await loadBlob(key);
    // Nothing stored: a first question, or a browser without IndexedDB, where the session's history is all there is.
    const history = stored === undefined && current?.key === key ? current.history : historyFrom(stored);
    try {
      history.push({ ...exchange, at: Date.now() });
    } catch (error) {
      if (history !== current?.history) history.free();
      throw error;
    }
    await saveBlob(key, history.page(history.length, history.length));
    keep(key, history);
    return history.page(history.length, 1)[0];
  });
  writing = run.catch(() => {});
  return run;
}

/** Deletes the user's history from this browser. */
export function clearAskHistory() {
  const key = storageKey();
  const run = writing.then(async () => {
    await deleteBlob(key);
    keep(key, new (requireWasm().AskHistory)(undefined));
  });
  writing = run.catch(() => {});
  return run;
}

/** The export file of the user's history: `{filename, text}` (Markdown). */
export async function askHistoryExport() {
  const history = await loadAskHistory();
  const text = history.toMarkdown(
    t("History.ExportTitle", { user: game.user.name, world: game.world.title ?? game.world.id }),
    t("History.ExportAnsweredBy"),
    t("History.ExportOffline"),
    t("History.Sources"),
  );
  const slug = (text) => String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "user";
  const day = new Date().toISOString().slice(0, 10);
  return { filename: `familiar-ask-history-${slug(game.world.id)}-${slug(game.user.name)}-${day}.md`, text };
}

/** Deletes the exchanges saved before `cutoffMs` (the retention setting); resolves with how many went. */
export function purgeAskHistory(cutoffMs) {
  const key = storageKey();
  const run = writing.then(async () => {
    const stored = await loadBlob(key);
    if (stored === undefined) return 0;
    const history = historyFrom(stored);
    const removed = history.purgeBefore(cutoffMs);
    if (removed) await saveBlob(key, history.page(history.length, history.length));
    keep(key, history);
    return removed;
  });
  writing = run.catch(() => {});
  return run;
}

/** Every saved exchange of the user, oldest first, as stored (for "Export my data"). */
export async function askHistoryRecords() {
  const history = await loadAskHistory();
  return history.page(history.length, history.length);
}
