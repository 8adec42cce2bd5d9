/**
 * "Copy diagnostics": a JSON report for a bug report — versions, the module's settings with every secret taken
 * out (the bundle's `diagnosticsReport`, crates/health's `redact_settings`), this browser's health rules and their
 * history, and the recent errors by kind and place. Questions and answers never enter it: the settings hold none
 * (the Ask history lives in IndexedDB), and errors are kept without their message, which could quote one.
 */
import { MODULE_ID, t } from "../core/constants.mjs";
import { moduleEntry, saveTextFile } from "../core/compat.mjs";
import { requireWasm } from "../core/runtime.mjs";

const ERROR_LIMIT = 50;
const recentErrors = [];

/** Notes an error for the report: where (`context`, a fixed word of ours) and its kind, never its message. */
export function noteError(context, error) {
  if (recentErrors.length === ERROR_LIMIT) recentErrors.shift();
  recentErrors.push({ at: Date.now(), context: String(context), kind: String(error?.name ?? typeof error) });
}

/** Every registered setting of the module with its value here (a world value a player cannot read is left out). */
function moduleSettings() {
  const values = {};
  for (const [id, config] of game.settings.settings) {
    if (config.namespace !== MODULE_ID) continue;
    try {
      values[id] = game.settings.get(MODULE_ID, config.key);
    } catch {
      // Not readable on this client.
    }
  }
  return values;
}

/** The report as JSON text. */
export function diagnosticsText() {
  const versions = {
    module: moduleEntry(MODULE_ID)?.version ?? moduleEntry(MODULE_ID)?.data?.version ?? null,
    bundle: requireWasm().buildInfo().version,
    core: game.version ?? null,
    system: { id: game.system?.id ?? null, version: game.system?.version ?? null },
    userAgent: navigator.userAgent,
  };
  return requireWasm().diagnosticsReport({ versions, settings: moduleSettings(), errors: recentErrors });
}

/** Copies the report to the clipboard, or downloads it where the clipboard is refused; resolves with
 * `{via: "clipboard" | "download", text}`. */
export async function copyDiagnostics() {
  const text = diagnosticsText();
  try {
    await navigator.clipboard.writeText(text);
    ui.notifications.info(t("Diagnostics.Copied"));
    return { via: "clipboard", text };
  } catch {
    saveTextFile(text, "application/json", `familiar-diagnostics-${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}.json`);
    ui.notifications.info(t("Diagnostics.Downloaded"));
    return { via: "download", text };
  }
}
