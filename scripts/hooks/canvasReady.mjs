/**
 * `canvasReady`: a scene is drawn (Foundry calls `Hooks.callAll("canvasReady", canvas)` after every draw; v10–v14,
 * foundryvtt.com/api/functions/hookEvents.canvasReady.html). The raven does not depend on the canvas; the machine
 * only notes that the scene is back (see hooks/canvasTearDown.mjs).
 */
import { tellRaven } from "../apps/raven-perch.mjs";

export function listen() {
  Hooks.on("canvasReady", () => tellRaven({ type: "canvasReady" }));
}
