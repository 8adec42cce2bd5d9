/**
 * `ready`: Familiar starts once both Foundry and the bundle are ready. If the bundle cannot load, one error
 * notification says so and the module stays inert; Foundry keeps working.
 */
import { MARKS, t } from "../core/constants.mjs";
import { checkEnvironment } from "../health/environment.mjs";
import { markFailed, markStarted } from "../core/runtime.mjs";
import { refreshRaven } from "../apps/raven-perch.mjs";
import { wasmReady } from "../core/wasm.mjs";
import { startPresence } from "../health/presence.mjs";
import { ensureRulesIndex } from "../rules/rules-index.mjs";
import { startRelay } from "../relay/chat-relay.mjs";
import { startArtRelay } from "../relay/art-relay.mjs";
import { resumeRelayed } from "../apps/views/ask.mjs";
import { resumeArtRequest } from "../apps/views/art.mjs";
import { resumeCommands } from "../chat/raven-command.mjs";
import { listenAskHistory } from "../apps/views/ask-history.mjs";
import { purgeByRetention } from "../privacy/data-rights.mjs";
import { applyMissedRemoval, listenForRemoval } from "../privacy/local-data.mjs";
import { startHealthAlerts } from "../health/alerts.mjs";
import { noteError } from "../health/diagnostics.mjs";
import { forgetRequestedUsers } from "./updateUser.mjs";
import { prepareFormatters } from "../core/locale-format.mjs";

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
  listenAskHistory();
  await refreshRaven();
  performance.mark(MARKS.ravenInteractive);
  // What the first frame does not show waits until it is painted (profiled: presence, the relay's key pair and its
  // published key, the resumed questions and the rules index took about 2 ms of the span before it). The relays
  // start one frame later than before: a player's message in that frame goes unheard as one sent while this page
  // was still loading did before, so the wait changes no case the relay did not already meet.
  afterFirstPaint(async () => {
    startPresence(wasm.buildInfo().version);
    startRelay();
    startArtRelay();
    startHealthAlerts();
    forgetRequestedUsers();
    listenForRemoval();
    prepareFormatters();
    // A removal of all Familiar data while this browser was closed: applied before anything resumes from it.
    await applyMissedRemoval().catch((error) => console.error("Familiar | could not remove this browser's data", error));
    // The world's retention holds for this browser's Ask history before a resumed question adds to it.
    await purgeByRetention().catch((error) => console.warn("Familiar | the Ask history purge failed", error));
    // Questions this tab was waiting for before a reload: the Ask view's answer comes back into the view, each
    // `/raven` answer as its whisper, the Art view's request its pictures.
    resumeRelayed();
    resumeCommands();
    resumeArtRequest();
    // Build or load the rules index after the raven is usable, so start-up never waits for it.
    if (environment.pf2e) ensureRulesIndex().catch((error) => {
      console.error("Familiar | rules index failed", error);
      noteError("rulesIndex", error);
    });
  });
}

/** Runs `work` in a task after the next frame is painted, or after 100 ms when no frame comes (a hidden tab). */
function afterFirstPaint(work) {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    work();
  };
  requestAnimationFrame(() => setTimeout(run));
  setTimeout(run, 100);
}

export function listen() {
  Hooks.once("ready", start);
}
