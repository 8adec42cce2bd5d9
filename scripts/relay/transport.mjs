/**
 * Carries the relay's message texts between one page and one user, without reading them. Every text is sealed for
 * its recipient under the keys both users published in their own User flags (sealed-channel.mjs), so the sender
 * a message names is proven, not declared. On v13 a targeted user query reaches only that user
 * (CONFIG.queries + User#query, foundryvtt.com/api/variables/CONFIG.queries.html); before v13 the sealed text goes
 * over the module socket, which reaches every client. Each text names a channel outside its seal (`chat` for the
 * rules chat's relay, `art` for players' art requests), so each relay gets only its own; a text sent on the wrong
 * channel is refused by that relay as malformed.
 */
import { MODULE_ID, SOCKET_CHANNEL } from "../core/constants.mjs";
import { userQueries } from "../core/compat.mjs";
import { open, publishKey, publishedKey, seal } from "./sealed-channel.mjs";

const QUERY = `${MODULE_ID}.relay`;
/** How long a send waits for the recipient to publish a key. */
const KEY_WAIT_MS = 5000;
const QUERY_TIMEOUT_MS = 15000;

/** channel → (senderUserId, text) => void */
const receivers = new Map();
const DEFAULT_CHANNEL = "chat";
let useQueries = false;
/** Resolves once this page's key is published; sends wait for it so peers can open what this page seals. */
let published = null;
/** userId → resolvers waiting for that user's key. */
const keyWaiters = new Map();
/** Per peer, the sends and receives in order (sealing and opening are asynchronous). */
const sendChains = new Map();
const receiveChains = new Map();

const isUserId = (value) => typeof value === "string" && game.users.get(value) !== undefined;

function chained(chains, userId, work) {
  const next = (chains.get(userId) ?? Promise.resolve()).then(work).catch((error) => console.error("Familiar | relay transport", error));
  chains.set(userId, next);
  return next;
}

/** Whether this core reaches one user with a query (v13), else the sealed socket path. */
export function transportKind() {
  return useQueries ? "query" : "sealed";
}

/** Opens a sealed text from `from` and hands it on; a text that does not open under `from`'s published key (forged,
 * replayed, tampered) is dropped. */
function receive(from, sealed) {
  if (!isUserId(from) || from === game.user.id) return;
  const channel = typeof sealed.channel === "string" ? sealed.channel : DEFAULT_CHANNEL;
  chained(receiveChains, from, async () => {
    const text = await open(from, sealed);
    if (text === null) console.debug("Familiar | dropped a relay message that does not open for its claimed sender", from);
    else receivers.get(channel)?.(from, text);
  });
}

function waitForKey(userId) {
  if (publishedKey(userId)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const waiters = keyWaiters.get(userId) ?? [];
    waiters.push(resolve);
    keyWaiters.set(userId, waiters);
    setTimeout(() => reject(new Error(`Familiar | no relay key from user ${userId}`)), KEY_WAIT_MS);
  });
}

/** A user's update may be the key a send waits for. */
function onUserUpdate(user) {
  if (!keyWaiters.has(user.id) || !publishedKey(user.id)) return;
  for (const resolve of keyWaiters.get(user.id) ?? []) resolve();
  keyWaiters.delete(user.id);
}

/** Starts listening; `onMessage(senderUserId, text)` gets every relay text addressed to this user, from the user who
 * sealed it. */
export function startTransport(onMessage) {
  receivers.set(DEFAULT_CHANNEL, onMessage);
  useQueries = userQueries();
  Hooks.on("updateUser", onUserUpdate);
  published = publishKey();
  published.catch((error) => console.error("Familiar | could not publish the relay key", error));
  if (useQueries) {
    // Foundry does not tell a query handler who asked: the seal proves it.
    CONFIG.queries[QUERY] = (data) => {
      if (data && typeof data === "object") receive(data.from, data);
      return true;
    };
    return;
  }
  game.socket.on(SOCKET_CHANNEL, (message) => {
    if (message?.kind === "relay-sealed" && message.to === game.user.id) receive(message.from, message);
  });
}

/** Also hands `channel`'s texts to `onMessage(senderUserId, text)` (after `startTransport`, which owns the socket). */
export function listenChannel(channel, onMessage) {
  receivers.set(channel, onMessage);
}

/** Sends `text` to `userId` only, on `channel`. Resolves once handed to the socket or query; failures are logged, the
 * relay's own timeouts and resume take care of lost messages. */
export function sendTo(userId, text, channel = DEFAULT_CHANNEL) {
  return chained(sendChains, userId, async () => {
    await published;
    await waitForKey(userId);
    const sealed = await seal(userId, text);
    if (!useQueries) {
      game.socket.emit(SOCKET_CHANNEL, { kind: "relay-sealed", from: game.user.id, to: userId, channel, ...sealed });
      return;
    }
    // Not awaited: the next text need not wait for this one's round trip, and the socket keeps them in order.
    Promise.resolve(game.users.get(userId)?.query(QUERY, { from: game.user.id, channel, ...sealed }, { timeout: QUERY_TIMEOUT_MS }))
      .catch((error) => console.warn("Familiar | relay query failed", error));
  });
}
