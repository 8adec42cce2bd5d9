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

export async function showRaven() {
  if (perch) return perch;
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
  perch = button;
  document.body.append(button);
  place();
  window.addEventListener("resize", place);
  return button;
}

export function hideRaven() {
  window.removeEventListener("resize", place);
  perch?.remove();
  perch = null;
}
