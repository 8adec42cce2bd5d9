/**
 * The raven on screen: a button that floats over the canvas and opens the panel. Where it sits is decided in Rust
 * (clear of Foundry's own UI, inside the viewport); this file only draws it there.
 */
import { RAVEN_SIZE, templatePath, t } from "../constants.mjs";
import { renderTemplate } from "../compat.mjs";
import { requireWasm } from "../runtime.mjs";
import { getSetting, SETTINGS } from "../settings.mjs";
import { PANEL_ID, togglePanel } from "./raven-panel.mjs";

/** Foundry UI the raven must not cover, by the ids used across v10–v13. */
const OBSTACLE_SELECTORS = [
  "#controls", "#scene-controls", "#sidebar", "#hotbar", "#players", "#navigation", "#scene-navigation",
];

let perch = null;
let perchCreation = null;

function viewportRect() {
  return { x: 0, y: 0, width: window.innerWidth, height: window.innerHeight };
}

function obstacleRects() {
  return OBSTACLE_SELECTORS.flatMap((selector) => {
    const element = document.querySelector(selector);
    if (!element) return [];
    const { x, y, width, height } = element.getBoundingClientRect();
    return [{ x, y, width, height }];
  });
}

function place() {
  const wasm = requireWasm();
  const saved = getSetting(SETTINGS.ravenPosition);
  const point = saved
    ? wasm.ravenClampIntoViewport(saved, viewportRect(), RAVEN_SIZE)
    : wasm.ravenDefaultPerch(viewportRect(), obstacleRects(), RAVEN_SIZE);
  perch.style.transform = `translate(${point.x}px, ${point.y}px)`;
}

async function createPerch() {
  const html = await renderTemplate(templatePath("raven.hbs"), {});
  const button = document.createElement("button");
  button.type = "button";
  button.id = "familiar-raven";
  button.className = "familiar-raven";
  button.setAttribute("aria-label", t("Raven.Label"));
  button.setAttribute("aria-controls", PANEL_ID);
  button.title = t("Raven.Label");
  // The template is our own static SVG; no user or model text reaches it.
  button.innerHTML = html;
  if (!getSetting(SETTINGS.animations)) button.classList.add("familiar-raven--still");
  button.addEventListener("click", () => togglePanel());
  return button;
}

/** Puts the raven on screen (once, however many callers ask at the same time). */
export async function showRaven() {
  if (perchCreation) return perchCreation;
  const creation = createPerch().then((button) => {
    if (perchCreation !== creation) return null; // hidden again while it was being drawn
    perch = button;
    document.body.append(button);
    place();
    window.addEventListener("resize", place);
    return button;
  });
  perchCreation = creation;
  return creation;
}

/** Whether this user may use the raven at all: the GM always, players when the GM allows it. */
export function ravenAllowed() {
  return game.user.isGM || getSetting(SETTINGS.playersMayUse);
}

/** Shows or hides the raven to match the settings (this user's choice and the GM's permission). */
export async function refreshRaven() {
  if (ravenAllowed() && getSetting(SETTINGS.showRaven)) await showRaven();
  else hideRaven();
}

export function hideRaven() {
  window.removeEventListener("resize", place);
  perch?.remove();
  perch = null;
  perchCreation = null;
}
