/**
 * Provider API keys at rest, in the GM's browser only. Each key is sealed with AES-GCM under one CryptoKey that is
 * generated here as non-extractable and kept in IndexedDB: the browser stores it, but no script can read its bytes
 * back, so the sealed keys in the client setting are useless copied anywhere else (another browser, a backup of
 * localStorage, a screenshot of the settings). Nothing here ever touches world settings, the socket or chat.
 *
 * Where IndexedDB is unavailable (some private windows) keys cannot be sealed: `sealKey` resolves `null` and the
 * caller keeps the key for this session only.
 */
import { loadBlob, saveBlob } from "../core/storage.mjs";

const WRAPPING_KEY = "key-store:aes-gcm";
const IV_BYTES = 12;

let wrapping = null;

/** The one sealing key: loaded from IndexedDB, else generated (non-extractable) and saved. Null without storage. */
function wrappingKey() {
  wrapping ??= (async () => {
    const stored = await loadBlob(WRAPPING_KEY);
    if (stored instanceof CryptoKey) return stored;
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    return (await saveBlob(WRAPPING_KEY, key)) ? key : null;
  })().catch((error) => {
    console.warn("Familiar | no key store in this browser", error);
    return null;
  });
  return wrapping;
}

/** Binds a sealed key to the provider it belongs to, so sealed values cannot be swapped between providers. */
function context(providerId) {
  return new TextEncoder().encode(`familiar-provider-key:${providerId}`);
}

function toBase64(bytes) {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text) {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** `{iv, data}` (base64) holding `apiKey` sealed for `providerId`, or null when this browser cannot store keys. */
export async function sealKey(providerId, apiKey) {
  const key = await wrappingKey();
  if (!key) return null;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: context(providerId) }, key, new TextEncoder().encode(apiKey));
  return { iv: toBase64(iv), data: toBase64(data) };
}

/** The key sealed by `sealKey` for `providerId`, or null when it cannot be opened (other browser, storage cleared,
 * tampered with, or sealed for another provider). */
export async function openKey(providerId, sealed) {
  if (!sealed?.iv || !sealed?.data) return null;
  const key = await wrappingKey();
  if (!key) return null;
  try {
    const iv = fromBase64(sealed.iv);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: context(providerId) }, key, fromBase64(sealed.data));
    return new TextDecoder().decode(plain);
  } catch (error) {
    console.warn(`Familiar | the stored key of provider ${providerId} cannot be opened`, error.name);
    return null;
  }
}

/** Whether keys can be sealed in this browser (IndexedDB and WebCrypto work). */
export async function canSealKeys() {
  return Boolean(await wrappingKey());
}
