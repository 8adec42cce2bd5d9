/** `getSceneControlButtons`: a raven button among the token tools, for users who hid the floating raven. */
import { MODULE_ID, t } from "../core/constants.mjs";
import { addSceneControlButton } from "../core/compat.mjs";
import { togglePanel } from "../apps/raven-panel.mjs";
import { ravenAllowed } from "../apps/raven-perch.mjs";
import { runtime, started } from "../core/runtime.mjs";

export function listen() {
  Hooks.on("getSceneControlButtons", (controls) => {
    if (runtime.failure || !ravenAllowed()) return;
    addSceneControlButton(controls, {
      name: MODULE_ID,
      title: t("Raven.Label"),
      icon: "fa-solid fa-crow",
      onActivate: () => started.then(togglePanel, () => ui.notifications.error(t("Error.Inactive"))),
    });
  });
}
