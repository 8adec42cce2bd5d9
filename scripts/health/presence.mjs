/**
 * Presence over the module socket: each client announces the Familiar version it runs when it starts, and the GM
 * is warned when a player runs another version (a stale browser cache is the usual cause of odd module bugs).
 * Socket payloads come from other clients, so each one is checked before use and dropped if malformed.
 */
import { SOCKET_CHANNEL, t } from "../core/constants.mjs";

const VERSION_PATTERN = /^\d{1,4}\.\d{1,4}\.\d{1,4}(?:-[0-9A-Za-z.-]{1,32})?$/;

/** userId → {version, seenAt} for every other client that announced itself. */
const peers = new Map();
let ownVersion = null;

function isValidHello(message) {
  return (
    message !== null &&
    typeof message === "object" &&
    (message.kind === "hello" || message.kind === "hello-reply") &&
    typeof message.userId === "string" &&
    game.users.get(message.userId) !== undefined &&
    typeof message.version === "string" &&
    VERSION_PATTERN.test(message.version)
  );
}

function onMessage(message) {
  if (!isValidHello(message)) return;
  const known = peers.get(message.userId);
  peers.set(message.userId, { version: message.version, seenAt: Date.now() });
  // A newcomer learns who is already here; replies are never answered, so this cannot loop.
  if (message.kind === "hello") emit("hello-reply");
  if (game.user.isGM && message.version !== ownVersion && known?.version !== message.version) {
    const name = game.users.get(message.userId)?.name ?? message.userId;
    ui.notifications.warn(t("Warning.VersionMismatch", { name, theirs: message.version, ours: ownVersion }));
  }
}

function emit(kind) {
  game.socket.emit(SOCKET_CHANNEL, { kind, userId: game.user.id, version: ownVersion });
}

/** Starts listening and announces this client. */
export function startPresence(version) {
  ownVersion = version;
  game.socket.on(SOCKET_CHANNEL, onMessage);
  emit("hello");
}

/** The other clients running Familiar, with their versions. */
export function listPeers() {
  return [...peers].map(([userId, peer]) => ({ userId, name: game.users.get(userId)?.name ?? "", ...peer }));
}
