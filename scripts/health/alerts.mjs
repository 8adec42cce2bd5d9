/**
 * Acting on the health rules (crates/health's RULES) on a GM's client: feeds the monitor what only the page sees —
 * memory samples and players' sessions — and carries out each alert `takeHealthAlerts` hands over. A slow provider
 * needs no act here: the chat chain already passes over a provider the monitor marks degraded; the GM is told.
 */
import { formatPercent } from "../core/locale-format.mjs";
import { t } from "../core/constants.mjs";
import { requireWasm, runtime } from "../core/runtime.mjs";
import { wasmMemoryBytes } from "../core/wasm.mjs";
import { diagnosticsText } from "./diagnostics.mjs";

/** The module's memory budget: the bundle's linear memory (it never shrinks) against this. */
const MEMORY_BUDGET_BYTES = 512 * 1024 * 1024;
const CHECK_MS = 15_000;
let timer = null;

/** Records one memory sample: the bundle's linear memory, where the module's data lives (index, sessions, relay).
 * Chromium's `performance.memory` measures the whole page's JS heap, Foundry's included, so it is not the
 * module's and is left out. */
function sampleMemory() {
  const used = wasmMemoryBytes();
  if (!used) return;
  requireWasm().recordHealth({ type: "memory", used, budget: MEMORY_BUDGET_BYTES });
}

const ACTS = {
  slowProvider: (alert) => ui.notifications.info(t("Alerts.SlowProvider", { provider: alert.provider ?? "?" })),
  errorRate: (alert) => ui.notifications.warn(t("Alerts.ErrorRate", { percent: formatPercent(alert.value) })),
  memoryPressure: (alert) => {
    ui.notifications.warn(t("Alerts.MemoryPressure", { percent: formatPercent(alert.value) }));
    console.warn("Familiar | diagnostics snapshot", diagnosticsText());
  },
  sessionDrops: (alert) => ui.notifications.warn(t("Alerts.SessionDrops", { percent: formatPercent(alert.value) })),
  // The chat breaker already falls back; the Status view shows it.
  apiFailures: () => {},
};

/** Takes the alerts raised since the last look and acts on each; returns them (for tests). */
export function checkHealthAlerts() {
  if (!game.user.isGM) return [];
  const alerts = requireWasm().takeHealthAlerts();
  for (const alert of alerts) ACTS[alert.rule]?.(alert);
  return alerts;
}

/** A user connected or left: a player's session for the session-drop rule. Foundry does not say why a client went
 * away, so every departure without a return counts as a drop. */
export function sessionActivity(user, connected) {
  if (!game.user.isGM || user.id === game.user.id || !runtime.wasm) return;
  requireWasm().recordHealth({ type: connected ? "sessionStarted" : "sessionDropped", session: user.id });
  checkHealthAlerts();
}

/** Starts the memory samples and the alert checks on a GM's client (at `ready`). */
export function startHealthAlerts() {
  if (!game.user.isGM || timer) return;
  for (const user of game.users) if (user.active && user.id !== game.user.id) requireWasm().recordHealth({ type: "sessionStarted", session: user.id });
  timer = setInterval(() => {
    try {
      sampleMemory();
      checkHealthAlerts();
    } catch (error) {
      console.warn("Familiar | health check failed", error);
    }
  }, CHECK_MS);
}
