/**
 * Checks the world Familiar starts in: a core version inside the manifest's range, and the pf2e system. Each check
 * warns once and says what stays available; neither stops Foundry.
 */
import { MODULE_ID, t } from "../core/constants.mjs";
import { coreGeneration, moduleEntry } from "../core/compat.mjs";

/** The compatibility range Familiar declares; read from the manifest Foundry loaded, with our own as fallback. */
function compatibility() {
  const declared = moduleEntry(MODULE_ID)?.compatibility ?? {};
  return {
    minimum: Number.parseInt(declared.minimum ?? "10", 10),
    verified: Number.parseInt(declared.verified ?? "14", 10),
    maximum: declared.maximum ? Number.parseInt(declared.maximum, 10) : null,
  };
}

export function checkEnvironment() {
  const core = coreGeneration();
  const range = compatibility();
  let coreStatus = "supported";
  if (core < range.minimum || (range.maximum !== null && core > range.maximum)) coreStatus = "unsupported";
  else if (core > range.verified) coreStatus = "unverified";
  if (coreStatus !== "supported") {
    ui.notifications.warn(t(`Warning.Core.${coreStatus}`, { core, minimum: range.minimum, verified: range.verified }));
  }
  const pf2e = game.system?.id === "pf2e";
  if (!pf2e) ui.notifications.warn(t("Warning.NotPf2e", { system: game.system?.id ?? "?" }));
  return { core, coreStatus, pf2e };
}
