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
  log.compatibility.push({ message, since, until });
  console.warn(`Error: ${text}`);
}

export function buildUtils() {
  return {
    randomID, getType, deepClone, duplicate, isEmpty, getProperty, hasProperty, setProperty, expandObject,
    flattenObject, mergeObject, diffObject, objectsEqual, isNewerVersion, escapeHTML, debounce, logCompatibilityWarning,
  };
}
