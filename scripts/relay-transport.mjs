/**
 * Carries the relay's message texts between one page and one user, without reading them. On v13 a targeted user
 * query reaches only that user (CONFIG.queries + User#query, foundryvtt.com/api/variables/CONFIG.queries.html).
 * Before v13 the module socket reaches every client, so each text is sealed for its recipient (sealed-channel.mjs)
 * and the pages announce their public keys over the socket first.
 */
import { MODULE_ID, SOCKET_CHANNEL } from "./constants.mjs";
import { hasPeerKey, open, publicKey, seal, setPeerKey } from "./sealed-channel.mjs";

const QUERY = `${MODULE_ID}.relay`;
/** How long a send waits for the recipient's key to be announced. */
const KEY_WAIT_MS = 5000;
const QUERY_TIMEOUT_MS = 15000;

let receiver = null; // (senderUserId, text) => void
let useQueries = false;
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

async function announceKey(reply) {
  game.socket.emit(SOCKET_CHANNEL, { kind: "relay-key", userId: game.user.id, key: await publicKey(), reply });
}

async function onSocket(message) {
  if (message === null || typeof message !== "object") return;
  if (message.kind === "relay-key" && isUserId(message.userId) && message.userId !== game.user.id && typeof message.key === "string") {
    try {
      await setPeerKey(message.userId, message.key);
    } catch {
      return; // not a P-256 point
    }
    for (const resolve of keyWaiters.get(message.userId) ?? []) resolve();
    keyWaiters.delete(message.userId);
    // A newcomer learns this page's key; replies are never answered, so this cannot loop.
    if (message.reply) announceKey(false);
    return;
  }
  if (message.kind !== "relay-sealed" || message.to !== game.user.id || !isUserId(message.from)) return;
  chained(receiveChains, message.from, async () => {
    const text = await open(message.from, message);
    if (text !== null) receiver?.(message.from, text);
  });
}

function waitForKey(userId) {
  if (hasPeerKey(userId)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const waiters = keyWaiters.get(userId) ?? [];
    waiters.push(resolve);
    keyWaiters.set(userId, waiters);
    setTimeout(() => reject(new Error(`Familiar | no relay key from user ${userId}`)), KEY_WAIT_MS);
    announceKey(true);
  });
}

/** Starts listening; `onMessage(senderUserId, text)` gets every relay text addressed to this user. */
export function startTransport(onMessage) {
  receiver = onMessage;
  useQueries = Boolean(globalThis.CONFIG?.queries) && typeof game.user.query === "function";
  if (useQueries) {
    // Foundry does not tell a query handler who asked, so the sender names itself (as on the socket path).
    CONFIG.queries[QUERY] = (data) => {
      if (data && isUserId(data.from) && typeof data.message === "string") receiver?.(data.from, data.message);
      return true;
    };
    return;
  }
  game.socket.on(SOCKET_CHANNEL, (message) => void onSocket(message));
  announceKey(true);
}

/** Sends `text` to `userId` only. Resolves once handed to the socket; failures are logged, the relay's own
 * timeouts and resume take care of lost messages. */
export function sendTo(userId, text) {
  if (useQueries) {
    const user = game.users.get(userId);
    return Promise.resolve(user?.query(QUERY, { from: game.user.id, message: text }, { timeout: QUERY_TIMEOUT_MS }))
      .catch((error) => console.warn("Familiar | relay query failed", error));
  }
  return chained(sendChains, userId, async () => {
    await waitForKey(userId);
    const sealed = await seal(userId, text);
    game.socket.emit(SOCKET_CHANNEL, { kind: "relay-sealed", from: game.user.id, to: userId, ...sealed });
  });
}
