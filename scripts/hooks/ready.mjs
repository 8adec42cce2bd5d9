/**
 * `ready`: Familiar starts once both Foundry and the bundle are ready. If the bundle cannot load, one error
 * notification says so and the module stays inert; Foundry keeps working.
 */
import { MARKS, t } from "../constants.mjs";
import { checkEnvironment } from "../environment.mjs";
import { markFailed, markStarted } from "../runtime.mjs";
import { refreshRaven } from "../apps/raven-perch.mjs";
import { wasmReady } from "../wasm.mjs";
import { startPresence } from "../presence.mjs";
import { ensureRulesIndex } from "../rules-index.mjs";
import { startRelay } from "../relay.mjs";
import { startArtRelay } from "../art/relay.mjs";
import { resumeRelayed } from "../apps/views/ask.mjs";
import { resumeCommands } from "../raven-command.mjs";
import { listenAskHistory } from "../apps/views/ask-history.mjs";
import { purgeByRetention } from "../privacy.mjs";
import { startHealthAlerts } from "../health-alerts.mjs";
import { noteError } from "../diagnostics.mjs";
import { forgetRequestedUsers } from "./updateUser.mjs";

async function start() {
  performance.mark(MARKS.foundryReady);
  const environment = checkEnvironment();
  let wasm;
  try {
    wasm = await wasmReady;
  } catch (error) {
    console.error("Familiar | the WebAssembly bundle failed to load", error);
    ui.notifications.error(t("Error.WasmLoad", { reason: error?.message ?? String(error) }));
    markFailed(error, environment);
    return;
  }
  markStarted(wasm, environment);
  startPresence(wasm.buildInfo().version);
  startRelay();
  startArtRelay();
  startHealthAlerts();
  forgetRequestedUsers();
  listenAskHistory();
  // The world's retention holds for this browser's Ask history; the raven need not wait for it to appear.
  const purged = purgeByRetention().catch((error) => console.warn("Familiar | the Ask history purge failed", error));
  await refreshRaven();
  await purged;
  // Questions this tab was waiting for before a reload: the Ask view's answer comes back into the view, each
  // `/raven` answer as its whisper.
  resumeRelayed();
  resumeCommands();
  performance.mark(MARKS.ravenInteractive);
  // Build or load the rules index after the raven is usable, so start-up never waits for it.
  if (environment.pf2e) ensureRulesIndex().catch((error) => {
    console.error("Familiar | rules index failed", error);
    noteError("rulesIndex", error);
  });
}

export function listen() {
  Hooks.once("ready", start);
}
