/**
 * `game.modules.get("pf2e-familiar").api`: the small, versioned surface other modules and macros may rely on.
 * Every call waits for Familiar to start, and rejects with a clear error if it could not.
 */
import { closePanel, openPanel } from "../apps/raven-panel.mjs";
import { requireWasm, started } from "./runtime.mjs";
import { listPeers } from "../health/presence.mjs";
import { rulesIndexStatus, searchRules } from "../rules/rules-index.mjs";

export function createApi() {
  return Object.freeze({
    /** Bumped on any breaking change to this object. */
    apiVersion: 1,
    /** Resolves true once the bundle is loaded and Foundry is ready, false if Familiar could not start. */
    ready: started.then(
      () => true,
      () => false,
    ),
    /** The running bundle's version and build. */
    async buildInfo() {
      await started;
      return requireWasm().buildInfo();
    },
    async openPanel() {
      await started;
      await openPanel();
    },
    closePanel,
    /**
     * Searches the rules in the compendia this user may see; builds the index on first use.
     * Resolves `[{uuid, pack, name, type, score, snippet, link}]`, best first; `link` is `@UUID[uuid]{name}`.
     */
    async search(query, { top = 10 } = {}) {
      await started;
      return searchRules(query, { top });
    },
    /** The rules index: `{state, source, documents, packs, buildMs, skipped, updatedAt, error}`. */
    rulesIndexStatus,
    /** The other connected clients running Familiar: `[{userId, name, version, seenAt}]`. */
    peers: listPeers,
  });
}
