/**
 * Sealed payloads for the module socket, which reaches every connected client: each page holds an ECDH P-256 key
 * pair (private key non-extractable, new each load), announces its public key, and seals a payload for one peer
 * with AES-GCM under a key derived from the pair (ECDH → HKDF-SHA-256). The sender and recipient ids are the
 * additional data, so a payload cannot be replayed to another user or passed off as another sender's.
 */
const HKDF_INFO = new TextEncoder().encode("familiar relay v1");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let ownKeys = null; // Promise<CryptoKeyPair>
let ownPublic = null; // Promise<string> (base64 raw point)
/** userId → {publicKey: string, aes: Promise<CryptoKey>} */
const peers = new Map();

function toBase64(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text);
}

function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function keyPair() {
  ownKeys ??= crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  return ownKeys;
}

/** This page's public key, to announce. */
export function publicKey() {
  ownPublic ??= keyPair().then(async (pair) => toBase64(await crypto.subtle.exportKey("raw", pair.publicKey)));
  return ownPublic;
}

/** The pair key both sides derive the same way: HKDF over the ECDH secret, salted with the two ids in order. */
async function pairKey(userId, peerPublic) {
  const pair = await keyPair();
  const peer = await crypto.subtle.importKey("raw", fromBase64(peerPublic), { name: "ECDH", namedCurve: "P-256" }, false, []);
  const secret = await crypto.subtle.deriveBits({ name: "ECDH", public: peer }, pair.privateKey, 256);
  const material = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveKey"]);
  const salt = encoder.encode([game.user.id, userId].sort().join("|"));
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt, info: HKDF_INFO }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** Records a peer's announced key; returns true when it is new or changed (the peer reloaded). Throws for a key
 * that is not a P-256 point, before anything is stored. */
export async function setPeerKey(userId, peerPublic) {
  if (peers.get(userId)?.publicKey === peerPublic) return false;
  const aes = pairKey(userId, peerPublic);
  await aes;
  peers.set(userId, { publicKey: peerPublic, aes });
  return true;
}

export function hasPeerKey(userId) {
  return peers.has(userId);
}

const additionalData = (from, to) => encoder.encode(`${from}>${to}`);

/** `text` sealed for `userId`: `{iv, data}` in base64. */
export async function seal(userId, text) {
  const peer = peers.get(userId);
  if (!peer) throw new Error(`Familiar | no key for user ${userId}`);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(game.user.id, userId) }, await peer.aes, encoder.encode(text));
  return { iv: toBase64(iv), data: toBase64(data) };
}

/** The text `userId` sealed for this page, or null when it does not open (wrong key, tampered, malformed). */
export async function open(userId, { iv, data }) {
  const peer = peers.get(userId);
  if (!peer || typeof iv !== "string" || typeof data !== "string") return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: additionalData(userId, game.user.id) }, await peer.aes, fromBase64(data));
    return decoder.decode(plain);
  } catch {
    return null;
  }
}
