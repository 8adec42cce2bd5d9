/**
 * Familiar's data in one browser, and the GM's order to remove it from every browser of the world. A GM's "Remove
 * all" writes the world setting `dataRemovedAt` (only a GM may write world settings) and asks each connected client
 * to remove its own data: a v13 user query (CONFIG.queries, foundryvtt.com/api/variables/CONFIG.queries.html), the
 * module socket before v13. A client obeys an order only when it names the world's marker, so a forged order does
 * nothing, and a removal it has applied once is never applied again. A browser that was closed meets the marker at
 * its next `ready`; a connected one also when the marker changes, whether or not the order reached it.
 */
import { MODULE_ID, SOCKET_CHANNEL } from "../core/constants.mjs";
import { userQueries } from "../core/compat.mjs";
import { deleteBlob, listBlobKeys } from "../core/storage.mjs";
import { clearAskHistory } from "../chat/ask-history-store.mjs";
import { dropPendingQuestions } from "../relay/chat-relay.mjs";
import { dropPendingArt } from "../relay/art-relay.mjs";
import { publishKey } from "../relay/sealed-channel.mjs";
import { getSetting, SETTINGS } from "../core/settings.mjs";

const QUERY = `${MODULE_ID}.removeLocalData`;
const ORDER = "remove-local-data";
const REPORT = "local-data-removed";
/** How long the GM waits for each connected client's counts. */
const ANSWER_WAIT_MS = 10_000;
/** How long an order may wait for the marker it names to arrive here (the setting's update races the order). */
const MARKER_WAIT_MS = 3_000;
/** The prefix of every localStorage key of the module's client settings (Foundry's `<namespace>.<key>`). */
const CLIENT_PREFIX = `${MODULE_ID}.`;

/** Where this browser notes the removal it applied for this world: outside CLIENT_PREFIX, so a removal keeps it. */
const appliedKey = () => `${MODULE_ID}-removal.${game.world.id}`;
/** stamp → the removal's counts, once started on this page. */
const removals = new Map();
/** stamp → the GM's collector of socket reports (before v13). */
const collectors = new Map();

/** The world's removal marker: when a GM last removed all of Familiar's data (0: never). */
export const removalMarker = () => Number(getSetting(SETTINGS.dataRemovedAt)) || 0;

/** Removes this browser's Familiar data for this world: the module's client settings, its stored records of the world
 * (Ask histories, the rules index) and the questions and art requests this tab waits for. Resolves with the counts. */
export async function removeLocalData() {
  const removed = { clientSettings: 0, stored: 0, pending: 0 };
  for (const key of Object.keys(localStorage)) {
    if (!key.startsWith(CLIENT_PREFIX)) continue;
    localStorage.removeItem(key);
    removed.clientSettings++;
  }
  const world = `:${game.world.id}:`;
  for (const key of await listBlobKeys()) {
    if (!key.includes(world)) continue;
    await deleteBlob(key);
    removed.stored++;
  }
  await clearAskHistory();
  removed.pending = dropPendingQuestions() + dropPendingArt();
  return removed;
}

function appliedRecord() {
  try {
    return JSON.parse(localStorage.getItem(appliedKey()) ?? "null");
  } catch {
    return null;
  }
}

/** Applies the world's removal `stamp` here once; resolves with what it removed (the first time's counts when it was
 * applied before). Null when `stamp` is not the world's marker. */
function applyRemoval(stamp) {
  if (!Number.isSafeInteger(stamp) || stamp <= 0 || stamp !== removalMarker()) return Promise.resolve(null);
  if (!removals.has(stamp)) {
    const record = appliedRecord();
    const run = record?.stamp === stamp
      ? Promise.resolve(record.removed)
      : removeLocalData().then((removed) => {
        finishRemoval(stamp, removed);
        return removed;
      });
    removals.set(stamp, run);
    run.catch(() => removals.delete(stamp));
  }
  return removals.get(stamp);
}

/** This page's removal for `stamp` is done: noted, so it is never applied again here, and the relay's public key,
 * which went with the users' flags, published again so this page can still be reached. */
function finishRemoval(stamp, removed) {
  localStorage.setItem(appliedKey(), JSON.stringify({ stamp, removed }));
  publishKey().catch((error) => console.warn("Familiar | could not publish the relay key again", error));
}

/** The GM's page removed its own data for `stamp` before writing the marker: finished, so the marker's change does
 * not run the removal again here. */
export function noteOwnRemoval(stamp, removed) {
  finishRemoval(stamp, removed);
  removals.set(stamp, Promise.resolve(removed));
}

/** At `ready`: the world's marker, applied unless this browser applied it before (it was closed during the removal,
 * or had never opened the world). */
export function applyMissedRemoval() {
  return applyRemoval(removalMarker());
}

/** Orders waiting for the marker they name: `{stamp, resolve}`. */
const markerWaiters = new Set();

/** Resolves once the world's marker is `stamp`, or after MARKER_WAIT_MS (the order then names no marker here). */
function markerReaches(stamp) {
  if (removalMarker() >= stamp) return Promise.resolve();
  return new Promise((resolve) => {
    const waiter = { stamp, resolve };
    markerWaiters.add(waiter);
    setTimeout(() => markerWaiters.delete(waiter) && resolve(), MARKER_WAIT_MS);
  });
}

/** The `dataRemovedAt` setting changed (on every client): the removal is applied here, order or none. */
export function removalMarkerChanged(value) {
  const stamp = Number(value) || 0;
  for (const waiter of markerWaiters) {
    if (waiter.stamp > stamp) continue;
    markerWaiters.delete(waiter);
    waiter.resolve();
  }
  applyRemoval(stamp).catch((error) => console.error("Familiar | could not remove this browser's data", error));
}

async function obey(stamp) {
  if (!Number.isSafeInteger(stamp)) return null;
  await markerReaches(stamp);
  return applyRemoval(stamp);
}

/** Listens for the GM's orders; called once at `ready`. */
export function listenForRemoval() {
  if (userQueries()) {
    CONFIG.queries[QUERY] = async (data) => ({ removed: await obey(data?.stamp) });
    return;
  }
  game.socket.on(SOCKET_CHANNEL, (message) => {
    if (message?.kind === ORDER) {
      obey(message.stamp).then((removed) => {
        if (removed) game.socket.emit(SOCKET_CHANNEL, { kind: REPORT, stamp: message.stamp, userId: game.user.id, removed });
      });
    } else if (message?.kind === REPORT && typeof message.userId === "string") {
      collectors.get(message.stamp)?.(message.userId, message.removed);
    }
  });
}

const isCounts = (value) => value && ["clientSettings", "stored", "pending"].every((key) => Number.isSafeInteger(value[key]) && value[key] >= 0);

/** The GM's order to every other connected client: resolves with `[{userId, name, removed}]`, `removed` null for a
 * client that did not answer in time. Before v13 a report names its sender itself (Foundry's socket does not). */
export async function orderRemoval(stamp) {
  const others = game.users.filter((user) => user.active && user.id !== game.user.id);
  const answers = new Map();
  if (userQueries()) {
    await Promise.all(others.map(async (user) => {
      const answer = await Promise.resolve(user.query(QUERY, { stamp }, { timeout: ANSWER_WAIT_MS })).catch(() => null);
      if (isCounts(answer?.removed)) answers.set(user.id, answer.removed);
    }));
  } else {
    const wanted = new Set(others.map((user) => user.id));
    await new Promise((resolve) => {
      const finish = () => {
        collectors.delete(stamp);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, others.length ? ANSWER_WAIT_MS : 0);
      collectors.set(stamp, (userId, removed) => {
        if (!wanted.has(userId) || !isCounts(removed)) return;
        answers.set(userId, removed);
        if (answers.size === wanted.size) finish();
      });
      game.socket.emit(SOCKET_CHANNEL, { kind: ORDER, stamp });
    });
  }
  return others.map((user) => ({ userId: user.id, name: user.name, removed: answers.get(user.id) ?? null }));
}
