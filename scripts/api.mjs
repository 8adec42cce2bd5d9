/**
 * `game.modules.get("familiar").api`: the small, versioned surface other modules and macros may rely on.
 * Every call waits for Familiar to start, and rejects with a clear error if it could not.
 */
import { closePanel, openPanel } from "./apps/raven-panel.mjs";
import { requireWasm, started } from "./runtime.mjs";
import { listPeers } from "./presence.mjs";

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
    /** The other connected clients running Familiar: `[{userId, name, version, seenAt}]`. */
    peers: listPeers,
  });
}
