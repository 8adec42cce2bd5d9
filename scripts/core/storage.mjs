/**
 * A small key–value store on IndexedDB for large per-user data (the serialised rules index). Every failure —
 * private browsing, a full disk, a blocked upgrade — resolves to "nothing stored" so callers simply rebuild.
 */
import { MODULE_ID } from "./constants.mjs";

const DATABASE = MODULE_ID;
const STORE = "blobs";

let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("IndexedDB upgrade blocked by another tab"));
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}

async function transact(mode, operation) {
  const database = await open();
  return new Promise((resolve, reject) => {
    const transaction = database.transaction(STORE, mode);
    const request = operation(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/** The value stored under `key`, or undefined (also when IndexedDB is unavailable). */
export async function loadBlob(key) {
  try {
    return await transact("readonly", (store) => store.get(key));
  } catch (error) {
    console.warn("Familiar | could not read IndexedDB", error);
    return undefined;
  }
}

/** Stores `value` under `key`; returns whether it was saved. */
export async function saveBlob(key, value) {
  try {
    await transact("readwrite", (store) => store.put(value, key));
    return true;
  } catch (error) {
    console.warn("Familiar | could not write IndexedDB", error);
    return false;
  }
}

export async function deleteBlob(key) {
  try {
    await transact("readwrite", (store) => store.delete(key));
  } catch (error) {
    console.warn("Familiar | could not delete from IndexedDB", error);
  }
}

/** Every stored key (for removing Familiar's data); empty when IndexedDB is unavailable. */
export async function listBlobKeys() {
  try {
    return (await transact("readonly", (store) => store.getAllKeys())).map(String);
  } catch (error) {
    console.warn("Familiar | could not list IndexedDB", error);
    return [];
  }
}
