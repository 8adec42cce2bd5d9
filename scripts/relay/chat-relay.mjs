/**
 * The player relay. Players hold no provider key: their questions go to the active GM's client, whose wasm `Relay`
 * decides what to do with each (validation, 100 a minute per user, daily budgets, fair queues, resume), runs the
 * questions it starts through the GM's providers, and streams the answers back. A player's page holds a wasm
 * `RelayPlayer` that builds its messages and reads the GM's. This file only forwards texts to the user an action
 * names (relay/transport.mjs) and runs provider calls; it never reads a relayed message itself.
 */
import { getSetting, setSetting, SETTINGS } from "../core/settings.mjs";
import { MODULE_ID } from "../core/constants.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { groundingPassages } from "../rules/rules-index.mjs";
import { answerFromProviders, cancelAnswer, forgetSession } from "../chat/chat-session.mjs";
import { sendTo, startTransport } from "./transport.mjs";
import { noteError } from "../health/diagnostics.mjs";

/** Questions waiting for their answer, kept across a reload of this tab: `[{requestId, question, origin}]`. */
const PENDING_KEY = `${MODULE_ID}.relay.pending`;
/** A player who disconnects gets this long to come back (a reload) before their questions are dropped. */
const LEFT_GRACE_MS = 20000;
/** Today's spend is saved this long after an answer, so a burst of answers makes one world-setting write. */
const USAGE_SAVE_MS = 2000;

let relay = null; // GM: wasm Relay
let player = null; // player: wasm RelayPlayer
let tickTimer = null;
let playerTickTimer = null;
let usageTimer = null;
/** call → {askId, cancelled} for provider calls this GM runs. */
const calls = new Map();
/** requestId → onEvent for the questions this page waits for. */
const listeners = new Map();
const leaving = new Map();

const now = () => Date.now();

function isActiveGm() {
  return game.user.isGM && game.users.activeGM?.id === game.user.id;
}

/** Starts the relay on this page (at `ready`, once the bundle is loaded). */
export function startRelay() {
  const wasm = requireWasm();
  if (game.user.isGM) {
    relay = new wasm.Relay({ playersMayAsk: getSetting(SETTINGS.playersMayUse) });
    applyBudgets();
    restoreUsage();
  } else {
    player = new wasm.RelayPlayer(game.user.id);
  }
  startTransport(onMessage);
}

function onMessage(senderId, text) {
  if (relay) {
    if (isActiveGm()) apply(relay.receive(senderId, text, now()));
    return;
  }
  if (player && senderId === game.users.activeGM?.id) {
    dispatch(player.receive(text, now()));
    schedulePlayerTick();
  }
}

// ---- GM side ----

/** Carries out the relay's actions: forward texts, start and cancel provider calls, log refusals. */
function apply(actions) {
  for (const action of actions) {
    if (action.type === "send") sendTo(action.userId, action.message);
    else if (action.type === "start") runCall(action);
    else if (action.type === "cancel") cancelCall(action.call);
    else if (action.type === "rejected") console.debug("Familiar | relay refused a message", action.userId, action.errorMessage);
  }
  scheduleTick();
}

function scheduleTick() {
  clearTimeout(tickTimer);
  const at = relay?.nextDeadline();
  if (at === undefined) return;
  tickTimer = setTimeout(() => apply(relay.tick(now())), Math.max(0, at - now()));
}

function cancelCall(call) {
  const entry = calls.get(call);
  if (!entry) return;
  entry.cancelled = true;
  if (entry.askId !== null) cancelAnswer(entry.askId, entry.conversation);
}

/** One started question: passages from the GM's rules index limited to the packs the asker may open, then the
 * GM's providers. */
async function runCall({ call, userId, question, language }) {
  const entry = { askId: null, cancelled: false, conversation: userId };
  calls.set(call, entry);
  const onEvent = (event) => {
    if (event.type === "started") {
      entry.askId = event.askId;
      if (entry.cancelled) cancelAnswer(event.askId, userId);
    }
    if (entry.cancelled) return;
    if (event.type === "delta") apply(relay.onDelta(call, event.text, now()));
    if (event.type === "reset") apply(relay.onReset(call, String(event.reason ?? ""), now()));
  };
  try {
    const asker = game.users.get(userId);
    if (!asker) throw new Error(`no user ${userId}`);
    const hits = await groundingPassages(question, { user: asker });
    if (entry.cancelled) return;
    // The asker's own conversation: another player's questions never reach this prompt.
    const answer = await answerFromProviders(question, hits, onEvent, { conversation: userId, language });
    if (entry.cancelled) return;
    apply(answer === null ? relay.onFailed(call, "the answer was stopped", now()) : relay.onFinal(call, answer, now()));
    saveUsageSoon();
  } catch (error) {
    console.error("Familiar | relayed question failed", error);
    noteError("relay", error);
    if (!entry.cancelled) apply(relay.onFailed(call, error?.message ?? String(error), now()));
  } finally {
    calls.delete(call);
  }
}

/** The relay's settings as they stand, with the world's switch and daily budget and any `changes` over them. */
function reconfigure(changes = {}) {
  const settings = { playersMayAsk: getSetting(SETTINGS.playersMayUse), dailyTokenBudget: playerBudgets().daily };
  apply(relay.configure({ ...relay.config(), ...settings, ...changes }, now()));
}

/** New relay settings on the GM's client (`Relay` configuration keys, over those in force); unknown keys throw. */
export function configureRelay(config) {
  if (!relay) throw new Error("Familiar | only the GM's client runs the relay");
  reconfigure(config);
}

/** A token count for the budget form: a whole number of 0 or more, or null (no limit). */
function tokens(value) {
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The GM's budgets from the world setting, with anything malformed read as "no limit". */
export function playerBudgets() {
  const stored = getSetting(SETTINGS.relayBudgets) ?? {};
  const users = {};
  for (const [userId, value] of Object.entries(stored.users ?? {})) {
    if (tokens(value) !== null && game.users.get(userId)) users[userId] = value;
  }
  return { daily: tokens(stored.daily), users };
}

function applyBudgets() {
  reconfigure();
  const { users } = playerBudgets();
  for (const user of game.users) if (!user.isGM) relay.setUserBudget(user.id, users[user.id] ?? null);
}

/** Takes today's saved spend (from this or another GM's client); a malformed save is logged and skipped. */
function restoreUsage() {
  try {
    relay.restoreUsage(getSetting(SETTINGS.relayUsage) || "[]", now());
  } catch (error) {
    console.warn("Familiar | could not read the saved relay usage", error);
  }
}

function saveUsageSoon() {
  if (usageTimer || !isActiveGm()) return;
  usageTimer = setTimeout(() => {
    usageTimer = null;
    const saved = relay.savedUsage();
    if (isActiveGm() && saved !== getSetting(SETTINGS.relayUsage)) {
      setSetting(SETTINGS.relayUsage, saved).catch((error) => console.warn("Familiar | could not save the relay usage", error));
    }
  }, USAGE_SAVE_MS);
}

/** The GM's budgets changed (on any GM's client): they hold here from now on. */
export function budgetsChanged() {
  if (relay) applyBudgets();
}

/** Today's saved spend changed (another GM's client saved it): take it here too. */
export function usageChanged() {
  if (relay) restoreUsage();
}

/** Every player with today's spend and limits, for the GM's form: `[{userId, name, tokensToday, budget, ownBudget,
 * requestsLastMinute, queued, inFlight}]`. GM clients only. */
export function playersUsage() {
  if (!relay) throw new Error("Familiar | only a GM's client runs the relay");
  const counted = new Map(relay.usage(now()).map((entry) => [entry.userId, entry]));
  const { daily, users } = playerBudgets();
  return game.users.filter((user) => !user.isGM).map((user) => {
    const entry = counted.get(user.id);
    return {
      userId: user.id,
      name: user.name,
      tokensToday: entry?.tokensToday ?? 0,
      budget: entry?.budgetTokens ?? users[user.id] ?? daily,
      ownBudget: users[user.id] ?? null,
      requestsLastMinute: entry?.requestsLastMinute ?? 0,
      queued: entry?.queued ?? 0,
      inFlight: entry?.inFlight ?? 0,
    };
  });
}

/** The world setting changed: players may ask or not from now on. */
export function playersMayAskChanged() {
  if (relay) reconfigure();
}

/** A user connected or left. On the GM's client a player who stays away past the grace period loses their waiting
 * questions; on a player's, the last GM leaving ends the questions waiting for them. */
export function userActivity(user, connected) {
  if (player && !connected && user.isGM && !game.users.activeGM) return gmLeft();
  clearTimeout(leaving.get(user.id));
  leaving.delete(user.id);
  if (connected || !relay) return;
  leaving.set(user.id, setTimeout(() => {
    leaving.delete(user.id);
    if (!game.users.get(user.id)?.active) apply(relay.userLeft(user.id, now()));
  }, LEFT_GRACE_MS));
}

// ---- player side ----

/** Ends the questions the GM's page has been silent about for too long (`gmDidNotAnswer`, RelayPlayer's rule):
 * the asker sees why, keeps the question and can ask it again. */
function schedulePlayerTick() {
  clearTimeout(playerTickTimer);
  const at = player?.nextDeadline();
  if (at === undefined) return;
  playerTickTimer = setTimeout(() => {
    for (const event of player.tick(now())) dispatch(event);
    schedulePlayerTick();
  }, Math.max(0, at - now()));
}

function loadPending() {
  try {
    const list = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "[]");
    if (!Array.isArray(list)) return [];
    return list
      .filter((entry) => typeof entry?.requestId === "string" && typeof entry?.question === "string")
      .map((entry) => ({ ...entry, origin: entry.origin === "command" ? "command" : "view" }));
  } catch {
    return [];
  }
}

function savePending(list) {
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(list));
}

function dispatch(event) {
  const requestId = event.requestId;
  if (!requestId || !listeners.has(requestId)) return;
  if (event.type === "resync") {
    sendTo(game.users.activeGM.id, event.message);
    return;
  }
  listeners.get(requestId)(event);
  if (event.type === "final" || event.type === "error") {
    listeners.delete(requestId);
    savePending(loadPending().filter((entry) => entry.requestId !== requestId));
  }
}

/** The last GM left: the questions waiting for them end with a `gmLeft` error (the GM's relay went with them). */
function gmLeft() {
  for (const [requestId, listener] of [...listeners]) {
    listeners.delete(requestId);
    player.cancel(requestId);
    listener({ type: "error", requestId, error: { code: "gmLeft" } });
  }
  savePending([]);
}

/** Whether this player's questions can go to a GM: `{open: true}`, or `{open: false, reason: "noGm" |
 * "playersMayNotAsk"}`. */
export function relayStatus() {
  if (!player) return { open: false, reason: "notPlayer" };
  if (!getSetting(SETTINGS.playersMayUse)) return { open: false, reason: "playersMayNotAsk" };
  if (!game.users.activeGM) return { open: false, reason: "noGm" };
  return { open: true };
}

function waitFor(requestId, onEvent) {
  return new Promise((resolve) => {
    listeners.set(requestId, (event) => {
      onEvent(event);
      if (event.type === "final" || event.type === "error" || event.type === "stopped") resolve(event);
    });
  });
}

/**
 * Asks the active GM. `onEvent` gets the `RelayPlayer` events for this question (`accepted`, `text` with the whole
 * answer so far, `reset`, `final`, `error`); resolves with `{requestId, done}`, `done` settling with the last event.
 * A question the GM would refuse anyway resolves `done` at once with its error.
 */
export function askGm(question, onEvent, { origin = "view" } = {}) {
  const asked = player.ask({ question, language: game.i18n.lang, nowMs: now() });
  if (!asked.ok) {
    const event = { type: "error", requestId: null, error: asked.error, errorMessage: asked.error.message };
    onEvent(event);
    return { requestId: null, done: Promise.resolve(event) };
  }
  savePending([...loadPending(), { requestId: asked.requestId, question, origin }]);
  const done = waitFor(asked.requestId, onEvent);
  sendTo(game.users.activeGM.id, asked.message);
  schedulePlayerTick();
  return { requestId: asked.requestId, done };
}

/** Stops waiting for a question (its `done` settles with `{type: "stopped"}`) and tells the GM to stop it. */
export function cancelGm(requestId) {
  const listener = listeners.get(requestId);
  if (!player || !listener) return;
  listeners.delete(requestId);
  listener({ type: "stopped", requestId });
  savePending(loadPending().filter((entry) => entry.requestId !== requestId));
  const message = player.cancel(requestId);
  if (game.users.activeGM) sendTo(game.users.activeGM.id, message);
}

/** After a reload: the questions this tab was waiting for, as `[{requestId, question, origin, resume(onEvent)}]`:
 * the last one the Ask view asked (it shows one answer at a time, so older ones are forgotten) and each `/raven`
 * command's (`origin: "command"`, each answered in its own whisper). `resume` asks the GM for the answer again and
 * returns what `askGm` does. */
export function pendingQuestions() {
  if (!player || !game.users.activeGM) return [];
  const pending = loadPending();
  const lastView = pending.filter((entry) => entry.origin === "view").slice(-1);
  const kept = pending.filter((entry) => entry.origin === "command" || lastView.includes(entry));
  savePending(kept);
  return kept.map(({ requestId, question, origin }) => ({
    requestId,
    question,
    origin,
    resume(onEvent) {
      const done = waitFor(requestId, onEvent);
      sendTo(game.users.activeGM.id, player.resume(requestId, now()));
      schedulePlayerTick();
      return { requestId, done };
    },
  }));
}


// ---- privacy (privacy/data-rights.mjs) ----

/** The questions this tab waits for, as saved: `[{requestId, question, origin}]` ("Export my data"). */
export function pendingRecords() {
  return loadPending();
}

/** "Forget me" on a player's page: every waiting question is stopped and its saved copy deleted. Returns how many. */
export function dropPendingQuestions() {
  const ids = new Set([...listeners.keys(), ...loadPending().map((entry) => entry.requestId)]);
  for (const requestId of [...listeners.keys()]) cancelGm(requestId);
  sessionStorage.removeItem(PENDING_KEY);
  return ids.size;
}

/** "Forget me" for `userId` on the active GM's client: the relay drops their questions, kept answers and usage,
 * and the saved usage is written at once. Resolves with the relay's counts, or null on another client. */
export async function forgetRelayedUser(userId) {
  if (!relay || !isActiveGm()) return null;
  const forgotten = relay.forgetUser(userId, now());
  apply(forgotten.actions);
  forgetSession(userId);
  const saved = relay.savedUsage();
  if (saved !== getSetting(SETTINGS.relayUsage)) await setSetting(SETTINGS.relayUsage, saved);
  return { keptAnswers: forgotten.keptAnswers, usageRecord: forgotten.usageRecord };
}
