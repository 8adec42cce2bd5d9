/**
 * `canvasTearDown`: the scene is being taken down, before a scene change or when no scene is left to show
 * (`Hooks.callAll("canvasTearDown", canvas)`, foundryvtt.com/api/functions/hookEvents.canvasTearDown.html). The raven
 * stays usable; the machine ends a drag in progress where it began.
 */
import { tellRaven } from "../apps/raven-perch.mjs";

export function listen() {
  Hooks.on("canvasTearDown", () => tellRaven({ type: "canvasTeardown" }));
}
