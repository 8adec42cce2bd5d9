/**
 * A user's data rights and the world's retention policy: the Ask history purge (on `ready` and when the GM changes
 * the retention), "Export my data" (a JSON download of everything Familiar keeps about the user) and "Forget me"
 * (their history, their questions waiting for the GM, and — through the GM's client, the only one that may write
 * the world's usage record — their usage). Where Familiar keeps a user's data: the Ask history in this browser's
 * IndexedDB (chat/ask-history-store.mjs), questions waiting for the GM in this tab's sessionStorage (relay/chat-relay.mjs), the day's
 * token use in the `relayUsage` world setting and a GM-set budget in `relayBudgets`, and flags on their User
 * (consent, the relay's public key).
 */
import { MODULE_ID, t } from "../core/constants.mjs";
import { deletionUpdate, filePicker, saveTextFile, worldSettingDocument } from "../core/compat.mjs";
import { noteOwnRemoval, orderRemoval, removalMarker, removeLocalData } from "./local-data.mjs";
import { artFolder } from "../art/world-files.mjs";
import { askHistoryRecords, clearAskHistory, purgeAskHistory } from "../chat/ask-history-store.mjs";
import { forgetConversation } from "../chat/chat-session.mjs";
import { dropPendingQuestions, pendingRecords } from "../relay/chat-relay.mjs";
import { dropPendingArt, pendingArtRecord } from "../relay/art-relay.mjs";
import { getSetting, historyRetentionDays, setSetting, SETTINGS } from "../core/settings.mjs";
import { CONSENT_FLAG } from "./consent.mjs";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Set on a user who asked to be forgotten; the active GM's client removes their usage and clears it. */
export const FORGET_FLAG = "forgetRequested";

/** Deletes this user's Ask history older than the world's retention; resolves with how many went. */
export async function purgeByRetention(now = Date.now()) {
  const days = historyRetentionDays();
  if (!days) return 0;
  const removed = await purgeAskHistory(now - days * DAY_MS);
  if (removed) console.info(`Familiar | ${t("Privacy.Purged", { count: removed, days })}`);
  return removed;
}

/** This user's entry of today's saved usage (the world setting every client can read). */
function myUsage(userId) {
  try {
    const saved = JSON.parse(getSetting(SETTINGS.relayUsage) || "[]");
    return Array.isArray(saved) ? saved.filter((entry) => entry?.userId === userId) : [];
  } catch {
    return [];
  }
}

/** Everything Familiar keeps about this user, as one JSON document. */
async function myData() {
  const user = game.user;
  return {
    format: "familiar-user-data",
    version: 1,
    exportedAt: new Date().toISOString(),
    world: { id: game.world.id, title: game.world.title ?? game.world.id },
    user: { id: user.id, name: user.name },
    consent: user.getFlag(MODULE_ID, CONSENT_FLAG) ?? null,
    askHistory: await askHistoryRecords(),
    pendingQuestions: pendingRecords(),
    pendingArtRequest: pendingArtRecord(),
    usage: myUsage(user.id),
    budget: getSetting(SETTINGS.relayBudgets)?.users?.[user.id] ?? null,
  };
}

/** "Export my data": downloads `myData()` as a JSON file. */
export async function exportMyData() {
  const data = await myData();
  const day = data.exportedAt.slice(0, 10);
  saveTextFile(JSON.stringify(data, null, 2), "application/json", `familiar-my-data-${game.world.id}-${game.user.id}-${day}.json`);
  return data;
}

/** "Forget me": resolves with `{history, pending}`, the counts deleted here; the usage goes on the GM's client. */
export async function forgetMe() {
  const history = (await askHistoryRecords()).length;
  await clearAskHistory();
  const pending = dropPendingQuestions() + dropPendingArt();
  if (game.user.isGM) forgetConversation();
  else await game.user.setFlag(MODULE_ID, FORGET_FLAG, Date.now());
  return { history, pending };
}

/**
 * The GM's "Remove all Familiar data from this world": every world setting of the module (its documents deleted,
 * so each reads its default), every `familiar` flag on users and actors, this browser's data for the world
 * (local-data.mjs), and then, through the world's removal marker, every other browser's: connected ones at once,
 * each answering with its counts, closed ones when they next open the world. Saved art stays: Foundry gives modules
 * no way to delete files, so the folder and its count are reported. Resolves with the counts per kind, `clients`
 * (`[{name, removed}]`, `removed` null when a client did not answer) and `offline`, the users not connected.
 */
export async function removeAllData() {
  if (!game.user.isGM) throw new Error("Familiar | only a GM may remove the world's Familiar data");
  // Later than any marker before, however the clocks of the GMs who wrote them differ.
  const stamp = Math.max(Date.now(), removalMarker() + 1);
  const removed = { settings: 0, userFlags: 0, actorFlags: 0, art: 0, artFolder: artFolder() };
  for (const [id, config] of game.settings.settings) {
    if (config.namespace !== MODULE_ID || config.scope !== "world") continue;
    const document = worldSettingDocument(id);
    if (!document) continue;
    await document.delete();
    removed.settings++;
  }
  for (const [collection, kind] of [[game.users, "userFlags"], [game.actors, "actorFlags"]]) {
    for (const document of collection ?? []) {
      const flags = document.flags?.[MODULE_ID];
      if (!flags) continue;
      await document.update(deletionUpdate(`flags.${MODULE_ID}`));
      // An emptied namespace (every flag unset before) held nothing: removed, not counted.
      if (Object.keys(flags).length) removed[kind]++;
    }
  }
  const local = await removeLocalData();
  noteOwnRemoval(stamp, local);
  await setSetting(SETTINGS.dataRemovedAt, stamp);
  const clients = await orderRemoval(stamp);
  removed.art = await artFileCount();
  const offline = game.users.filter((user) => !user.active).length;
  return { ...removed, ...local, clients, offline };
}

/** How many files the saved art folder holds (0 when there is none). */
async function artFileCount() {
  try {
    const listing = await filePicker().browse("data", artFolder());
    return listing?.files?.length ?? 0;
  } catch {
    return 0;
  }
}
