// Where the end-to-end tests find the built module and the repository.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = path.join(REPO, "dist");
export const STAGED_MODULE = path.join(DIST, "pf2e-familiar");

/** Fails with a clear message when the release build has not run. */
export function requireBuild() {
  if (!existsSync(path.join(STAGED_MODULE, "wasm", "familiar_wasm_bg.wasm"))) {
    throw new Error("dist/pf2e-familiar is missing: run ./www-build.sh first (tests/run.sh does)");
  }
}
