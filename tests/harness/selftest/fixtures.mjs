// Shared setup for the harness self-tests: one harness and one browser per test file.
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PROBE_DIR = path.resolve(HERE, "../fixtures/probe-module");
export const BROKEN_DIR = path.resolve(HERE, "../fixtures/broken-module");

/** Read the probe module's record on a page. */
export const probe = (page, expr = (api) => api) => page.evaluate(`(${expr})(game.modules.get("harness-probe").api)`);
