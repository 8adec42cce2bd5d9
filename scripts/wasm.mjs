/**
 * Loads the one WebAssembly bundle relative to this file, never from a package path: Foundry may run under a
 * route prefix, and The Forge serves package files from its own asset host. Loading starts at import time so it
 * overlaps Foundry's own start-up.
 */
import { MARKS } from "./constants.mjs";

const GLUE_URL = new URL("../wasm/familiar_wasm.js", import.meta.url);
const BINARY_URL = new URL("../wasm/familiar_wasm_bg.wasm", import.meta.url);

async function load() {
  const glue = await import(GLUE_URL.href);
  await glue.default({ module_or_path: BINARY_URL });
  performance.mark(MARKS.wasmReady);
  return glue;
}

/** Resolves with the bundle's exports, or rejects with the reason it could not load. */
export const wasmReady = load();
// The rejection is reported once, by the ready hook; keep it from being logged as unhandled before then.
wasmReady.catch(() => {});
