/** Names shared by every part of the adapter. */
export const MODULE_ID = "pf2e-familiar";

/** Foundry gives a module with `socket: true` this socket.io event name. */
export const SOCKET_CHANNEL = `module.${MODULE_ID}`;

/** The raven's size in CSS pixels; the placement logic in Rust keeps it clear of Foundry's UI. */
export const RAVEN_SIZE = 64;

/** Performance marks that the benchmarks read. */
export const MARKS = {
  foundryReady: "familiar:foundry-ready",
  wasmReady: "familiar:wasm-ready",
  ravenInteractive: "familiar:raven-interactive",
  // The GM's art path, for the click → saved benchmark: Generate pressed and its job over; a gallery button
  // pressed and its file saved (the time between is the GM choosing).
  artGenerate: "familiar:art-generate",
  artGenerated: "familiar:art-generated",
  artSave: "familiar:art-save",
  artSaved: "familiar:art-saved",
};

/** Foundry data path of one of the module's templates. Foundry's own loader resolves it under a route prefix and
 * on hosts that serve package files from elsewhere (The Forge), so only templates use a package path. */
export function templatePath(name) {
  return `modules/${MODULE_ID}/templates/${name}`;
}

/** Localised text for a key under the module's namespace. */
export function t(key, data) {
  const fullKey = `FAMILIAR.${key}`;
  return data ? game.i18n.format(fullKey, data) : game.i18n.localize(fullKey);
}
