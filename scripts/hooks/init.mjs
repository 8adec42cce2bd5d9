/** `init`: settings, template preloading and the public API, before anything renders. */
import { MODULE_ID, templatePath } from "../constants.mjs";
import { loadTemplates, moduleEntry } from "../compat.mjs";
import { createApi } from "../api.mjs";
import { registerSettings } from "../settings.mjs";
import { refreshRaven } from "../apps/raven-perch.mjs";
import { runtime } from "../runtime.mjs";

export function listen() {
  Hooks.once("init", () => {
    registerSettings({
      onRavenSettingChange: () => {
        if (runtime.wasm) refreshRaven();
      },
    });
    loadTemplates([templatePath("raven-panel.hbs"), templatePath("raven.hbs")]);
    const entry = moduleEntry(MODULE_ID);
    if (entry) entry.api = createApi();
  });
}
