/**
 * Loads the one WebAssembly bundle relative to this file, never from a package path: Foundry may run under a
 * route prefix, and The Forge serves package files from its own asset host. Loading starts at import time so it
 * overlaps Foundry's own start-up.
 */
import { MARKS } from "./constants.mjs";

const GLUE_URL = new URL("../../wasm/familiar_wasm.js", import.meta.url);
const BINARY_URL = new URL("../../wasm/familiar_wasm_bg.wasm", import.meta.url);

/** The bundle's linear memory, for the health rules' memory samples. */
let memory = null;

async function load() {
  const glue = await import(GLUE_URL.href);
  const exports = await glue.default({ module_or_path: BINARY_URL });
  memory = exports?.memory ?? null;
  performance.mark(MARKS.wasmReady);
  return glue;
}

/** Resolves with the bundle's exports, or rejects with the reason it could not load. */
export const wasmReady = load();
// The rejection is reported once, by the ready hook; keep it from being logged as unhandled before then.
wasmReady.catch(() => {});

/** Bytes the bundle's linear memory holds now (it only grows), or 0 before it loaded. */
export function wasmMemoryBytes() {
  return memory?.buffer?.byteLength ?? 0;
}
