/**
 * Players' art requests through the GM. A player's page holds no art provider key: its request goes on the relay
 * transport's `art` channel (sealed for the GM, as the rules chat's questions) to the active GM's client, whose
 * wasm `ArtRelay` decides (the GM's switch, one request at a time, a daily image budget per player, the prompt
 * filter) and asks for the job. This file runs that job with the GM's own Studio and chain (the classifier on the
 * GM's machine: a flagged image is discarded there), saves the images into the world's files, and hands the outcome
 * back; the reply the relay builds goes to the player. It never reads a relayed message itself.
 *
 * A player's page keeps the request it waits for in this browser's storage: after a reload (or a closed tab opened
 * again) it sends a resume and the GM's relay answers with the kept outcome. The GM's client lets a departed
 * player's job run on for a grace period so a reload does not lose it. When the GM leaves, a waiting request ends
 * at once with `gmLeft`; one the GM never acknowledges ends with `noAnswer`.
 */
import { MODULE_ID, t } from "../core/constants.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { artStrictness, getSetting, setSetting, SETTINGS } from "../core/settings.mjs";
import { artStudioChain } from "../providers/provider-chain.mjs";
import { listenChannel, sendTo } from "./transport.mjs";
import { createArtHost } from "../art/host.mjs";
import { allowedChain, consentPlan, ensureWorldConsent } from "../privacy/consent.mjs";
import { saveArt } from "../art/world-files.mjs";

const CHANNEL = "art";
/** Today's images are saved this long after a job, so a burst makes one world-setting write. */
const USAGE_SAVE_MS = 2000;
/** The request this player waits for, kept across a reload and a closed tab (local storage, per world and user; the
 * GM's relay runs one request per player at a time): `{requestId, prompt}`. */
const pendingKey = () => `${MODULE_ID}.artRelay.pending.${game.world.id}.${game.user.id}`;
/** A player who disconnects keeps their running job this long (a reload, a tab closed and reopened): longer than the
 * rules chat's 20 s, as a picture costs the GM more than an answer and is saved in the world anyway. */
const LEFT_GRACE_MS = 60000;
/** A request the GM's client has not acknowledged by then (its page hung, or it never got the text) ends with
 * `noAnswer` instead of waiting forever; after `accepted` the GM's relay times the job out itself. */
const ACCEPT_WAIT_MS = 20000;

let relay = null; // GM: wasm ArtRelay
let tickTimer = null;
let usageTimer = null;
/** call → {studio, jobId, cancelled} for the jobs this GM runs for players. */
const jobs = new Map();
/** requestId → listener for the requests this player waits for. */
const listeners = new Map();
/** userId → timer cancelling a departed player's jobs once the grace period is over. */
const leaving = new Map();

const now = () => Date.now();
const isActiveGm = () => game.user.isGM && game.users.activeGM?.id === game.user.id;

/** Starts the art relay on this page (at `ready`, after the rules chat's relay has started the transport). */
export function startArtRelay() {
  if (game.user.isGM) {
    relay = new (requireWasm().ArtRelay)(relayConfig());
    applyBudgets();
    restoreUsage();
  }
  listenChannel(CHANNEL, onMessage);
}

function onMessage(senderId, text) {
  if (relay) {
    if (isActiveGm()) apply(relay.receive(senderId, text, now()));
    return;
  }
  if (senderId !== game.users.activeGM?.id) return;
  const reply = requireWasm().artRelayRead(text);
  if (reply?.requestId) listeners.get(reply.requestId)?.(reply);
}

// ---- GM side ----

/** A whole number of images of 0 or more, or null (no limit). */
function images(value) {
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The GM's image budgets from the world setting (`{daily, users: {userId: images}}`), malformed ones as no limit. */
export function artBudgets() {
  const stored = getSetting(SETTINGS.artRelayBudgets) ?? {};
  const users = {};
  for (const [userId, value] of Object.entries(stored.users ?? {})) {
    if (images(value) !== null && game.users.get(userId)) users[userId] = value;
  }
  return { daily: images(stored.daily), users };
}

function relayConfig() {
  return {
    playersMayRequest: Boolean(getSetting(SETTINGS.playersMayRequestArt)),
    dailyImages: artBudgets().daily,
    strictness: artStrictness(),
  };
}

function applyBudgets() {
  const { users } = artBudgets();
  for (const user of game.users) if (!user.isGM) relay.setUserBudget(user.id, users[user.id] ?? null);
}

/** The GM's switch, strictness or budgets changed (on any GM's client): they hold here from now on. */
export function artRelaySettingsChanged() {
  if (!relay) return;
  apply(relay.configure({ ...relay.config(), ...relayConfig() }));
  applyBudgets();
}

function restoreUsage() {
  try {
    relay.restoreUsage(getSetting(SETTINGS.artRelayUsage) || "[]", now());
  } catch (error) {
    console.warn("Familiar | could not read the saved art usage", error);
  }
}

/** Today's saved images changed (another GM's client saved them): take them here too. */
export function artUsageChanged() {
  if (relay) restoreUsage();
}

function saveUsageSoon() {
  if (usageTimer || !isActiveGm()) return;
  usageTimer = setTimeout(() => {
    usageTimer = null;
    const saved = relay.savedUsage();
    if (isActiveGm() && saved !== getSetting(SETTINGS.artRelayUsage)) {
      setSetting(SETTINGS.artRelayUsage, saved).catch((error) => console.warn("Familiar | could not save the art usage", error));
    }
  }, USAGE_SAVE_MS);
}

/** Every player with today's images and their budget, for the GM: `[{userId, name, imagesToday, budget, running}]`. */
export function artUsage() {
  if (!relay) throw new Error("Familiar | only a GM's client runs the art relay");
  const counted = new Map(relay.usage(now()).map((entry) => [entry.userId, entry]));
  const { daily, users } = artBudgets();
  return game.users.filter((user) => !user.isGM).map((user) => ({
    userId: user.id,
    name: user.name,
    imagesToday: counted.get(user.id)?.imagesToday ?? 0,
    budget: counted.get(user.id)?.budgetImages ?? users[user.id] ?? daily,
    running: counted.get(user.id)?.running ?? 0,
  }));
}

function apply(actions) {
  for (const action of actions) {
    if (action.type === "send") sendTo(action.userId, action.message, CHANNEL);
    else if (action.type === "start") runJob(action);
    else if (action.type === "cancel") cancelJob(action.call);
    else if (action.type === "rejected") console.debug("Familiar | art relay refused a message", action.userId, action.errorMessage);
  }
  clearTimeout(tickTimer);
  const at = relay.nextDeadline();
  if (at !== undefined) tickTimer = setTimeout(() => apply(relay.tick(now())), Math.max(0, at - now()));
}

function cancelJob(call) {
  const job = jobs.get(call);
  if (!job) return;
  job.cancelled = true;
  if (job.studio && job.jobId !== null) job.studio.cancel(job.jobId);
}

/** One player's job on the GM's client: the GM's chain and strictness, the images saved into the world's files. */
async function runJob({ call, userId, prompt, presets, variants }) {
  const job = { studio: null, jobId: null, cancelled: false };
  jobs.set(call, job);
  const outcome = { images: [], discarded: 0, blocked: null, attempts: [], noProviders: false, noConsent: false, failed: false };
  const made = [];
  try {
    const configured = await artStudioChain();
    // Only image providers the world and this player both agreed to for art (consent.mjs).
    if (configured.length) await ensureWorldConsent(configured, "art");
    const chain = allowedChain(configured, consentPlan(configured, game.users.get(userId), "art"));
    if (!configured.length) outcome.noProviders = true;
    else if (!chain.length) outcome.noConsent = true;
    else {
      job.studio = new (requireWasm().ArtStudio)(chain, { strictness: artStrictness() }, createArtHost());
      const onEvent = (event) => {
        if (event?.jobId !== undefined) job.jobId = event.jobId;
        if (event?.type === "image") made.push(event.image);
      };
      const report = await job.studio.submit({ subject: { kind: "text", text: prompt }, presets, variants }, onEvent);
      if (job.cancelled) return;
      for (const image of made) {
        const path = await saveArt({ bytes: image.webp, mime: image.mime, subject: image.title, suffix: image.nameSuffix ?? "" });
        outcome.images.push({
          path,
          preset: image.preset,
          width: image.width,
          height: image.height,
          score: Number(image.score?.overall ?? 0),
          provider: image.provider,
          safety: image.safety,
        });
      }
      const attempts = report?.attempts ?? [];
      outcome.discarded = attempts.filter((attempt) => attempt.status === "discarded").length;
      // A block by the prompt or the provider's filter; the classifier's discards are counted above, never told.
      const layers = report?.safety ?? {};
      const blockedLayer = [layers.promptFilter, layers.providerFilter].find((layer) => layer?.verdict === "blocked");
      outcome.blocked = blockedLayer ? String(blockedLayer.reason ?? report.reason ?? "") : null;
      outcome.attempts = attempts.map(({ provider, status }) => ({ provider, status }));
      // The GM is told why a player's image was discarded; the player only learns that it was.
      if (outcome.discarded) {
        const reasons = attempts.filter((attempt) => attempt.status === "discarded").map((attempt) => attempt.error ?? "");
        ui.notifications.warn(t("Art.Relay.GmDiscarded", { name: game.users.get(userId)?.name ?? userId, reason: reasons.join("; ") }));
      }
    }
  } catch (error) {
    console.error("Familiar | a player's art job failed", error);
    outcome.failed = true;
  } finally {
    job.studio?.free();
    jobs.delete(call);
  }
  if (job.cancelled) return;
  apply(relay.onOutcome(call, outcome, now()));
  saveUsageSoon();
}

/** A user connected or left. On the GM's client a player who stays away past the grace period has their running
 * jobs cancelled (one who comes back resumes them); on a player's, the last GM leaving ends the waiting request. */
export function artUserActivity(user, connected) {
  if (!relay && !connected && user.isGM && !game.users.activeGM) return gmLeft();
  if (!relay || user.isGM) return;
  clearTimeout(leaving.get(user.id));
  leaving.delete(user.id);
  if (connected) return;
  leaving.set(user.id, setTimeout(() => {
    leaving.delete(user.id);
    if (!game.users.get(user.id)?.active) apply(relay.userLeft(user.id));
  }, LEFT_GRACE_MS));
}

// ---- player side ----

/** Whether this player's art requests can reach a GM: `{open: true}` or `{open: false, reason: "noGm" |
 * "notAllowed"}`. */
export function artRelayStatus() {
  if (!getSetting(SETTINGS.playersMayRequestArt)) return { open: false, reason: "notAllowed" };
  if (!game.users.activeGM) return { open: false, reason: "noGm" };
  return { open: true };
}

function loadPending() {
  try {
    const entry = JSON.parse(localStorage.getItem(pendingKey()) ?? "null");
    return typeof entry?.requestId === "string" && typeof entry?.prompt === "string" ? entry : null;
  } catch {
    return null;
  }
}

function savePending(entry) {
  if (entry) localStorage.setItem(pendingKey(), JSON.stringify(entry));
  else localStorage.removeItem(pendingKey());
}

/** Waits for the GM's last reply to `requestId`: `accepted` goes to `onEvent`; the `finished` or `refused` that
 * ends it settles the promise once (a reply that comes twice, from the first send and a resume, is dropped) and
 * forgets the saved request. */
function waitFor(requestId, onEvent) {
  return new Promise((resolve) => {
    let silence = setTimeout(() => end({ type: "refused", requestId, error: { code: "noAnswer" } }), ACCEPT_WAIT_MS);
    const end = (reply) => {
      clearTimeout(silence);
      listeners.delete(requestId);
      if (loadPending()?.requestId === requestId) savePending(null);
      resolve(reply);
    };
    listeners.set(requestId, (reply) => {
      if (reply.type !== "accepted") return end(reply);
      clearTimeout(silence);
      silence = null;
      onEvent(reply);
    });
  });
}

/** The last GM left: the request waiting for them ends with `gmLeft` (the GM's relay and its job went with them). */
function gmLeft() {
  for (const [requestId, listener] of [...listeners]) listener({ type: "refused", requestId, error: { code: "gmLeft" } });
  savePending(null);
}

/**
 * Asks the active GM for art: `{prompt, presets, variants}`. `onEvent` gets the GM's `accepted`; resolves with the
 * last reply, `finished` (`images: [{path, preset, width, height, score, provider, safety}]`, `discarded`) or
 * `refused` (`error.code`, `errorMessage`). `requestId` (for cancel) is set on the returned object at once.
 */
export function requestArt(order, onEvent = () => {}) {
  const gm = game.users.activeGM;
  if (!gm) return { requestId: null, done: Promise.resolve({ type: "refused", requestId: null, error: { code: "noGm" } }) };
  const { requestId, message } = requireWasm().artRelayRequest(game.user.id, order);
  savePending({ requestId, prompt: order.prompt });
  const done = waitFor(requestId, onEvent);
  sendTo(gm.id, message, CHANNEL);
  return { requestId, done };
}

/** After a reload: the request this tab was waiting for, as `{requestId, prompt, resume(onEvent)}`, or null. `resume`
 * asks the GM's client for its outcome and returns what `requestArt` does; with no GM online it ends with `gmLeft`. */
export function pendingArtRequest() {
  if (game.user.isGM) return null;
  const entry = loadPending();
  if (!entry) return null;
  return {
    ...entry,
    resume(onEvent = () => {}) {
      const gm = game.users.activeGM;
      if (!gm) {
        savePending(null);
        return { requestId: entry.requestId, done: Promise.resolve({ type: "refused", requestId: entry.requestId, error: { code: "gmLeft" } }) };
      }
      const done = waitFor(entry.requestId, onEvent);
      sendTo(gm.id, requireWasm().artRelayResume(entry.requestId), CHANNEL);
      return { requestId: entry.requestId, done };
    },
  };
}

/** Stops waiting for a request (its `done` settles as `{type: "refused", error: {code: "cancelled"}}`) and tells
 * the GM to stop it. */
export function cancelArtRequest(requestId) {
  const listener = listeners.get(requestId);
  if (!listener) return;
  listener({ type: "refused", requestId, error: { code: "cancelled" } });
  const gm = game.users.activeGM;
  if (gm) sendTo(gm.id, requireWasm().artRelayCancel(requestId), CHANNEL);
}

// ---- privacy (privacy/data-rights.mjs) ----

/** The request this player waits for, as saved (`{requestId, prompt}`), or null ("Export my data"). */
export function pendingArtRecord() {
  return game.user.isGM ? null : loadPending();
}

/** "Forget me" on a player's page: the waiting request is stopped and its saved copy deleted. Returns 1 or 0. */
export function dropPendingArt() {
  const entry = game.user.isGM ? null : loadPending();
  for (const requestId of [...listeners.keys()]) cancelArtRequest(requestId);
  if (entry) savePending(null);
  return entry ? 1 : 0;
}
