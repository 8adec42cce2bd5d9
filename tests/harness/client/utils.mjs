// foundry.utils, following foundryvtt.com/api/modules/foundry.utils.html (function names and
// option names from the docs; implementations are our own).
import { log } from "./log.mjs";

const CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomID(length = 16) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => CHARS[b % CHARS.length]).join("");
}

export function getType(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "Array";
  if (v instanceof Set) return "Set";
  if (v instanceof Map) return "Map";
  if (typeof v === "object") return v.constructor === Object || Object.getPrototypeOf(v) === null ? "Object" : "Unknown";
  return { string: "string", number: "number", boolean: "boolean", undefined: "undefined", function: "function", bigint: "bigint", symbol: "symbol" }[typeof v];
}

export function deepClone(value, { strict = false } = {}) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => deepClone(v, { strict }));
  if (value instanceof Date) return new Date(value);
  if (getType(value) !== "Object") {
    if (strict) throw new Error("deepClone cannot clone advanced objects");
    return value;
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = deepClone(v, { strict });
  return out;
}

export function duplicate(value) {
  return JSON.parse(JSON.stringify(value));
}

export function isEmpty(v) {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v) || typeof v === "string") return v.length === 0;
  if (v instanceof Map || v instanceof Set) return v.size === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}

export function getProperty(object, key) {
  if (!key || object == null) return undefined;
  if (key in Object(object)) return object[key];
  let target = object;
  for (const part of key.split(".")) {
    if (target == null || typeof target !== "object") return undefined;
    target = target[part];
  }
  return target;
}

export function hasProperty(object, key) {
  return getProperty(object, key) !== undefined;
}

export function setProperty(object, key, value) {
  let target = object;
  const parts = key.split(".");
  const last = parts.pop();
  for (const part of parts) {
    if (target[part] === undefined || target[part] === null) target[part] = {};
    target = target[part];
  }
  const changed = target[last] !== value;
  target[last] = value;
  return changed;
}

export function expandObject(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) setProperty(out, k, v && typeof v === "object" && !Array.isArray(v) ? expandObject(v) : v);
  return out;
}

export function flattenObject(obj, prefix = "") {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (getType(v) === "Object" && !isEmpty(v)) Object.assign(out, flattenObject(v, key));
    else out[key] = v;
  }
  return out;
}

export function mergeObject(original, other = {}, options = {}, _d = 0) {
  const { insertKeys = true, insertValues = true, overwrite = true, recursive = true, inplace = true, enforceTypes = false, performDeletions = false } = options;
  other = other || {};
  if (!(original instanceof Object) || !(other instanceof Object)) throw new Error("One of original or other are not Objects!");
  if (!inplace && _d === 0) original = deepClone(original);
  if (_d === 0 && Object.keys(original).some((k) => k.includes("."))) original = expandObject(original);
  if (_d === 0 && Object.keys(other).some((k) => k.includes("."))) other = expandObject(other);
  for (let [k, v] of Object.entries(other)) {
    if (performDeletions && k.startsWith("-=")) {
      delete original[k.slice(2)];
      continue;
    }
    const exists = Object.prototype.hasOwnProperty.call(original, k);
    const tv = getType(v);
    if (exists) {
      const existing = original[k];
      const et = getType(existing);
      if (tv === "Object" && et === "Object" && recursive) {
        mergeObject(existing, v, { ...options, inplace: true }, _d + 1);
        continue;
      }
      if (!overwrite) continue;
      if (enforceTypes && et !== "undefined" && et !== tv) throw new Error(`Mismatched data types encountered during object merge.`);
      original[k] = tv === "Object" ? deepClone(v) : v;
    } else {
      const canInsert = (_d <= 0 && insertKeys) || (_d > 0 && insertValues);
      if (!canInsert) continue;
      original[k] = tv === "Object" ? mergeObject({}, v, { ...options, inplace: true }, _d + 1) : v;
    }
  }
  return original;
}

export function diffObject(original, other) {
  const out = {};
  for (const [k, v] of Object.entries(other)) {
    const o = original?.[k];
    if (getType(v) === "Object" && getType(o) === "Object") {
      const d = diffObject(o, v);
      if (!isEmpty(d)) out[k] = d;
    } else if (JSON.stringify(o) !== JSON.stringify(v)) out[k] = v;
  }
  return out;
}

export function objectsEqual(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Is version v1 newer than v0? Numeric, dot-separated comparison. */
export function isNewerVersion(v1, v0) {
  if (typeof v1 === "number" && typeof v0 === "number") return v1 > v0;
  const a = String(v1).split(".");
  const b = String(v0).split(".");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? "0";
    const y = b[i] ?? "0";
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isFinite(nx) && Number.isFinite(ny)) {
      if (nx !== ny) return nx > ny;
    } else if (x !== y) return x > y;
  }
  return false;
}

export function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]);
}

export function debounce(fn, delay) {
  let t;
  return function (...args) {
    clearTimeout(t);
    t = setTimeout(() => fn.apply(this, args), delay);
  };
}

const warned = new Set();
/** foundryvtt.com/api/functions/foundry.utils.logCompatibilityWarning.html */
export function logCompatibilityWarning(message, { since, until, details, once = false } = {}) {
  if (once && warned.has(message)) return;
  warned.add(message);
  let text = message;
  if (since) text += `\nDeprecated since Version ${since}`;
  if (until) text += `\nBackwards-compatible support will be removed in Version ${until}`;
  if (details) text += `\n${details}`;
  // Whose call it was: a module's script on the stack (served under /modules/) or the harness's own code. The e2e
  // suites fail on warnings a module causes (tests/support/browser.mjs receives them through this binding).
  const caller = /\/modules\/([^/]+)\/[^\s)]*/.exec(new Error().stack ?? "")?.[0] ?? null;
  log.compatibility.push({ message, since, until, caller });
  if (caller) globalThis.__harnessModuleDeprecation?.({ message, caller, profile: window.__harness?.profile ?? null });
  console.warn(`Error: ${text}`);
}

export function buildUtils() {
  return {
    randomID, getType, deepClone, duplicate, isEmpty, getProperty, hasProperty, setProperty, expandObject,
    flattenObject, mergeObject, diffObject, objectsEqual, isNewerVersion, escapeHTML, debounce, logCompatibilityWarning,
  };
}

/**
 * v14's update operators (foundryvtt.com/api/modules/foundry.data.operators.html): `{"a.b": _del}` deletes `a.b`,
 * replacing v10–v13's `{"a.-=b": null}`, which v14 still applies with a deprecation warning (since 14, until 16;
 * the wording as v14 consoles print it, quoted in public module issues). `_del` is a shared ForcedDeletion instance.
 */
export class ForcedDeletion {}

const holdsOperator = (value) => getType(value) === "Object"
  && Object.entries(value).some(([key, inner]) => inner instanceof ForcedDeletion || key.startsWith("-=") || holdsOperator(inner));

/**
 * An update's changes in the harness's wire form (`-=` keys), warning as v14 does for a caller's legacy key. Walks
 * dotted keys and nested objects alike.
 */
export function wireChanges(changes, features) {
  const out = {};
  for (const [key, value] of Object.entries(changes ?? {})) {
    const last = key.split(".").at(-1);
    if (value instanceof ForcedDeletion) {
      if (!features.forcedDeletionOperator) throw new Error(`ForcedDeletion is not available before v14 (key "${key}")`);
      out[key.replace(/[^.]+$/, (name) => `-=${name}`)] = null;
    } else if (last.startsWith("-=")) {
      if (features.forcedDeletionOperator) {
        logCompatibilityWarning(`The {-=${last.slice(2)}: null} syntax for forced deletion of a data field value is no longer supported in favor of {${last.slice(2)}: new foundry.data.operators.ForcedDeletion()}`, { since: 14, until: 16 });
      }
      out[key] = value;
    } else if (holdsOperator(value)) {
      for (const [inner, v] of Object.entries(wireChanges(value, features))) out[`${key}.${inner}`] = v;
    } else out[key] = value;
  }
  return out;
}

