/**
 * The raven on screen. Its state lives in the wasm `Raven` state machine (one per client): this file turns DOM and
 * Foundry events into the machine's events, draws the view model it answers with, and carries out its effects
 * (focus, the polite live region, the notification dot, saving prefs). It keeps no raven state of its own.
 */
import { RAVEN_SIZE, templatePath } from "../core/constants.mjs";
import { interfaceScale, renderTemplate } from "../core/compat.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { wasmReady } from "../core/wasm.mjs";
import { getSetting, playerViews, setSetting, SETTINGS } from "../core/settings.mjs";
import { connectPanel, machineViews, SHOWN_VIEW, syncPanel } from "./raven-panel.mjs";
import { PANEL_ID, panelRoot } from "./panel-registry.mjs";
import { cancelRavenWork } from "./views/ask.mjs";

/** Foundry UI the raven must not cover, by the ids used across v10–v13. */
const OBSTACLE_SELECTORS = [
  "#controls", "#scene-controls", "#sidebar", "#hotbar", "#players", "#navigation", "#scene-navigation",
];
const RAVEN_ID = "familiar-raven";
const LIVE_ID = "familiar-live";
const POSE_PREFIX = "familiar-raven--pose-";
/** Keys the raven button answers to; others go on to Foundry untouched. */
const RAVEN_KEYS = new Set(["Enter", " ", "Spacebar", "Escape", "Esc", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);

/** The machine, its button and live region, and the listeners to drop with them; null while the raven is off. */
let current = null;
/** The raven's SVG, rendered once (it is static) and before `ready` when the bundle allows. */
let ravenArt = null;
/** Refreshes run one after another: `ready` and setting changes may ask at the same time. */
let refreshing = Promise.resolve();

function viewportRect() {
  return { x: 0, y: 0, width: window.innerWidth, height: window.innerHeight };
}

function obstacleRects() {
  return OBSTACLE_SELECTORS.flatMap((selector) => {
    const element = document.querySelector(selector);
    if (!element) return [];
    const { x, y, width, height } = element.getBoundingClientRect();
    return width > 0 && height > 0 ? [{ x, y, width, height }] : [];
  });
}

/** Lang keys from the machine, with the index's numbers for the keys that take them. */
function localize(key, view) {
  return view?.index ? game.i18n.format(key, view.index) : game.i18n.localize(key);
}

/**
 * Sends one event to the machine, draws what it answers and carries out its effects once the panel matches.
 * Resolves with `{view, effects, changed, ignored}` (null when the raven is off or the event is malformed).
 */
function dispatch(event) {
  const raven = current?.raven;
  if (!raven) return { result: null, settled: Promise.resolve(null) };
  let result;
  try {
    result = raven.dispatch(event);
  } catch (error) {
    console.error("Familiar | the raven refused a malformed event", event, error);
    return { result: null, settled: Promise.resolve(null) };
  }
  if (result.ignored) console.debug(`Familiar | raven ignored ${event.type}: ${result.ignored.message}`);
  render(result.view);
  const panelDrawn = syncPanel(result.view.panel);
  const settled = applyEffects(result.effects, result.view, panelDrawn).then(() => result);
  return { result, settled };
}

/** The promise-returning form the panel and the API use. */
function dispatchSettled(event) {
  return dispatch(event).settled;
}

/** Draws the view model on the button: spot, pose, animation, expanded state, name and the dot. */
function render(view) {
  const button = current?.button;
  if (!button) return;
  button.hidden = !view.visible;
  // The machine places the raven in screen pixels at its scaled size; CSS zoom scales the drawing and its offsets
  // alike, so the offsets are given unscaled.
  const scale = view.size / RAVEN_SIZE;
  button.style.zoom = scale === 1 ? "" : String(scale);
  button.style.transform = `translate(${view.position.x / scale}px, ${view.position.y / scale}px)`;
  for (const name of [...button.classList]) {
    if (name.startsWith(POSE_PREFIX) && name !== POSE_PREFIX + view.pose) button.classList.remove(name);
  }
  button.classList.add(POSE_PREFIX + view.pose);
  button.classList.toggle("familiar-raven--still", !view.animate);
  button.classList.toggle("familiar-raven--dragging", Boolean(view.dragging));
  button.setAttribute("aria-expanded", String(view.aria.expanded));
  const label = localize(view.aria.labelKey);
  button.setAttribute("aria-label", label);
  button.setAttribute("aria-description", localize(view.aria.stateKey));
  button.title = label;
  renderDot(view.dot);
}

/** The dot exists only while an answer waits behind a closed panel: absent, not hidden, otherwise. */
function renderDot(show) {
  const button = current?.button;
  if (!button) return;
  const dot = button.querySelector(".familiar-raven__dot");
  if (show && !dot) {
    const element = document.createElement("span");
    element.className = "familiar-raven__dot";
    element.setAttribute("aria-hidden", "true");
    button.append(element);
  } else if (!show) dot?.remove();
}

async function applyEffects(effects, view, panelDrawn) {
  for (const effect of effects) {
    switch (effect.type) {
      case "persistPrefs":
        await setSetting(SETTINGS.ravenPrefs, effect.json);
        break;
      case "focusRaven":
        await panelDrawn;
        current?.button?.focus();
        break;
      case "focusPanel":
        await panelDrawn;
        focusPanel();
        break;
      case "announceSentence":
        announce(effect.text);
        break;
      case "announceKey":
        announce(localize(effect.key, view));
        break;
      case "showNotificationDot":
        renderDot(true);
        break;
      case "clearNotificationDot":
        renderDot(false);
        break;
      case "cancelWork":
        cancelRavenWork(effect.id);
        break;
      default:
        // startWork: the Ask view starts its request itself and reads the id from the submit's effects.
        break;
    }
  }
}

/** The open view's first stop when it names one (`data-familiar-focus`: Ask's question, below its history), else
 * its first control, else its selected tab. */
function focusPanel() {
  const root = panelRoot();
  const target = root?.querySelector(`${SHOWN_VIEW} [data-familiar-focus]`)
    ?? root?.querySelector(`${SHOWN_VIEW} :is(input, select, textarea, button, a[href])`)
    ?? root?.querySelector('[role="tab"][aria-selected="true"]');
  target?.focus();
}

function announce(text) {
  if (current?.live) current.live.textContent = text;
}

/** The polite live region that speaks for the raven (visually hidden, read by screen readers). */
function createLiveRegion() {
  const live = document.createElement("div");
  live.id = LIVE_ID;
  live.className = "familiar-visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  return live;
}

function renderArt() {
  ravenArt ??= renderTemplate(templatePath("raven.hbs"), {}).catch((error) => {
    ravenArt = null;
    throw error;
  });
  return ravenArt;
}

/** Events of the raven's usual first moments: placed, hovered, opened on a view, closed by Escape. */
const WARM_UP_EVENTS = [
  { type: "setAnimation", enabled: true },
  { type: "ready", viewport: { x: 0, y: 0, width: 1280, height: 720 }, obstacles: [{ x: 980, y: 0, width: 300, height: 720 }] },
  { type: "hoverIn" },
  { type: "click" },
  { type: "selectView", view: "encounter" },
  { type: "key", key: "Escape", shift: false, target: "panel" },
  { type: "hoverOut" },
];

/**
 * The browser compiles the bundle's functions on their first call, and the first dispatch into the machine spends
 * about 9 ms of main-thread time on it. When the bundle is ready before Foundry is (usual: a world takes seconds to
 * load), a throwaway machine takes the raven's usual path once and the raven's art is rendered, so that `ready`
 * finds both done and draws the raven within a frame. Touches no DOM and no setting.
 */
function warmUpRaven(wasm) {
  if (globalThis.game?.ready) return;
  try {
    renderArt().catch(() => {});
    const machine = new wasm.Raven(null, { isGM: true, allowedViews: ["ask", "encounter"], size: RAVEN_SIZE });
    try {
      machine.prefsProblems();
      for (const event of WARM_UP_EVENTS) machine.dispatch(event);
      machine.view();
    } finally {
      machine.free();
    }
    // The panel asks for the build on every render.
    wasm.buildInfo();
  } catch (error) {
    console.warn("Familiar | warming up the raven failed; it starts all the same", error);
  }
}

// In a task of its own, so it never lengthens whatever else waited for the bundle; `ready` reports a failed bundle.
wasmReady.then((wasm) => setTimeout(() => warmUpRaven(wasm)), () => {});

async function createButton(signal) {
  const html = await renderArt();
  const button = document.createElement("button");
  button.type = "button";
  button.id = RAVEN_ID;
  button.className = "familiar-raven";
  button.setAttribute("aria-controls", PANEL_ID);
  // The template is our own static SVG; no user or model text reaches it.
  button.innerHTML = html;
  const on = (type, listener) => button.addEventListener(type, listener, { signal });
  on("click", () => dispatch({ type: "click" }));
  on("keydown", (event) => {
    if (!RAVEN_KEYS.has(event.key)) return;
    const { result } = dispatch({ type: "key", key: event.key, shift: event.shiftKey, target: "raven" });
    // Handled keys stop here: Enter/Space must not click the button again, arrows must not pan the canvas.
    if (result && !result.ignored) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
  on("pointerdown", (event) => {
    if (event.button !== 0) return;
    const { result } = dispatch({ type: "dragStart", x: event.clientX, y: event.clientY, pointer: event.pointerType });
    if (result && !result.ignored) button.setPointerCapture(event.pointerId);
  });
  on("pointermove", (event) => {
    if (button.hasPointerCapture(event.pointerId)) dispatch({ type: "dragMove", x: event.clientX, y: event.clientY });
  });
  on("pointerup", (event) => {
    if (!button.hasPointerCapture(event.pointerId)) return;
    dispatch({ type: "dragEnd", x: event.clientX, y: event.clientY });
    button.releasePointerCapture(event.pointerId);
  });
  on("pointercancel", () => dispatch({ type: "dragCancel" }));
  on("pointerenter", () => dispatch({ type: "hoverIn" }));
  on("pointerleave", () => dispatch({ type: "hoverOut" }));
  on("focus", () => dispatch({ type: "focusIn" }));
  on("blur", () => dispatch({ type: "focusOut" }));
  return button;
}

/** Creates this client's machine from the saved prefs and tells it Foundry is ready. */
function startRaven() {
  const wasm = requireWasm();
  const raven = new wasm.Raven(getSetting(SETTINGS.ravenPrefs) || null, {
    isGM: game.user.isGM,
    allowedViews: machineViews(),
    size: RAVEN_SIZE * interfaceScale(),
  });
  for (const problem of raven.prefsProblems()) console.warn(`Familiar | ${problem}`);
  const controller = new AbortController();
  const live = createLiveRegion();
  document.body.append(live);
  current = { raven, button: null, live, controller };
  connectPanel({ dispatch: dispatchSettled, view: () => current?.raven?.view() ?? null });
  window.addEventListener("resize", () => dispatch({ type: "viewportResize", viewport: viewportRect() }), {
    signal: controller.signal,
  });
  dispatch({ type: "setAnimation", enabled: Boolean(getSetting(SETTINGS.animations)) });
  dispatch({ type: "ready", viewport: viewportRect(), obstacles: obstacleRects() });
}

/** Whether this user may use the raven at all: the GM always, players when the GM allows them a view. */
export function ravenAllowed() {
  return game.user.isGM || playerViews().length > 0;
}

async function refresh() {
  if (!ravenAllowed()) return stopRaven();
  if (!current) {
    // A new machine starts from the views and the animation setting of this moment: nothing to bring up to date.
    startRaven();
  } else {
    // What this user may open, as the settings and their role now say: the machine closes a view that went away
    // and redraws the tabs (ignored when nothing changed).
    dispatch({ type: "permissionChange", allowedViews: machineViews() });
    // The animation setting has no hook of its own: each refresh brings the machine up to date with it.
    dispatch({ type: "setAnimation", enabled: Boolean(getSetting(SETTINGS.animations)) });
  }
  // The machine stays when the floating button is turned off, so the scene-control button still opens the panel.
  if (getSetting(SETTINGS.showRaven)) {
    if (!current.button) {
      const button = await createButton(current.controller.signal);
      if (!current || current.button) return;
      current.button = button;
      document.body.append(button);
    }
  } else {
    current.button?.remove();
    current.button = null;
  }
  render(current.raven.view());
}

/** Shows or hides the raven to match the settings (this user's choice and the GM's permission). */
export function refreshRaven() {
  refreshing = refreshing.then(refresh).catch((error) => console.error("Familiar | the raven failed to draw", error));
  return refreshing;
}

function stopRaven() {
  if (!current) return;
  const { raven, button, live, controller } = current;
  current = null;
  connectPanel(null);
  syncPanel(null);
  controller.abort();
  button?.remove();
  live.remove();
  raven.free();
}

/** A Foundry event for the machine (hooks/canvasReady, canvasTearDown, updateUser); nothing while the raven is off. */
export function tellRaven(event) {
  return dispatch(event).settled;
}

/** This user's role changed: the machine hears it as a user change (views for the new role), and the raven comes
 * or goes if the new role may or may not use it. */
export async function roleChanged() {
  if (current && ravenAllowed()) await tellRaven({ type: "userChange", isGM: game.user.isGM, allowedViews: machineViews() });
  return refreshRaven();
}
