/**
 * The running module: the loaded bundle and what the environment allows. State about the game itself lives in
 * Rust; this only holds handles the adapter needs to reach it.
 */
export const runtime = {
  /** The bundle's exports once loaded, or null. */
  wasm: null,
  /** Why the bundle failed to load, or null. */
  failure: null,
  /** `{core, coreStatus, pf2e}` from the environment check at `ready`. */
  environment: null,
};

let resolveStarted;
/** Resolves once the bundle is loaded and Foundry is ready (or rejects with why Familiar stays inert). */
export const started = new Promise((resolve, reject) => {
  resolveStarted = { resolve, reject };
});
started.catch(() => {});

export function markStarted(wasm, environment) {
  runtime.wasm = wasm;
  runtime.environment = environment;
  resolveStarted.resolve(runtime);
}

export function markFailed(error, environment) {
  runtime.failure = error;
  runtime.environment = environment;
  resolveStarted.reject(error);
}

/** The bundle, or a clear error when Familiar could not start. */
export function requireWasm() {
  if (runtime.wasm) return runtime.wasm;
  throw new Error(runtime.failure ? `Familiar is inactive: ${runtime.failure.message}` : "Familiar is still starting");
}
