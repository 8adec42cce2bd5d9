/**
 * Sealed relay payloads: each page holds an ECDH P-256 key pair (private key non-extractable, new each load) and
 * publishes its public key in its own User's flags. Foundry lets a user update only their own User (a GM any), so
 * a key read from a user's flags is that user's: a payload that opens under the pair key is from that user and for
 * this one, whichever path carried it. A payload for one peer is sealed with AES-GCM under a key derived from the
 * pair (ECDH → HKDF-SHA-256); the sender and recipient ids are the additional data, so a payload cannot be replayed
 * to another user or passed off as another sender's.
 */
import { MODULE_ID } from "../core/constants.mjs";

/** The User flag holding a page's public key (base64 raw P-256 point). */
const KEY_FLAG = "relayKey";
const HKDF_INFO = new TextEncoder().encode("familiar relay v1");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let ownKeys = null; // Promise<CryptoKeyPair>
let ownPublic = null; // Promise<string> (base64 raw point)
/** userId → {publicKey: string, aes: CryptoKey}: the pair key derived for the key that user published last. */
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

/** Publishes this page's public key in the user's own flags (one User update per page load) and resolves once the
 * server has it, so a peer that receives this page's first payload already knows the key. */
export async function publishKey() {
  const key = await publicKey();
  if (game.user.getFlag(MODULE_ID, KEY_FLAG) !== key) await game.user.setFlag(MODULE_ID, KEY_FLAG, key);
}

/** The public key `userId` published, or null. */
export function publishedKey(userId) {
  const key = game.users.get(userId)?.getFlag(MODULE_ID, KEY_FLAG);
  return typeof key === "string" && key.length > 0 ? key : null;
}

/** The pair key for `userId`'s currently published key; null while they have published none or a key that is not a
 * P-256 point (nothing is cached for it then). */
async function peerKey(userId) {
  const published = publishedKey(userId);
  if (!published) return null;
  const known = peers.get(userId);
  if (known?.publicKey === published) return known.aes;
  let aes;
  try {
    aes = await pairKey(userId, published);
  } catch {
    return null;
  }
  peers.set(userId, { publicKey: published, aes });
  return aes;
}

const additionalData = (from, to) => encoder.encode(`${from}>${to}`);

/** `text` sealed for `userId`: `{iv, data}` in base64. Throws when they have published no usable key. */
export async function seal(userId, text) {
  const aes = await peerKey(userId);
  if (!aes) throw new Error(`Familiar | no relay key from user ${userId}`);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(game.user.id, userId) }, aes, encoder.encode(text));
  return { iv: toBase64(iv), data: toBase64(data) };
}

/** The text `userId` sealed for this page, or null when it does not open (not sealed by the holder of the key in
 * that user's flags, tampered with, malformed). */
export async function open(userId, { iv, data }) {
  if (typeof iv !== "string" || typeof data !== "string") return null;
  const aes = await peerKey(userId);
  if (!aes) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: additionalData(userId, game.user.id) }, aes, fromBase64(data));
    return decoder.decode(plain);
  } catch {
    return null;
  }
}
