/** The module's settings. Registered in `init`, as Foundry requires. */
import { MODULE_ID } from "./constants.mjs";

export const SETTINGS = {
  showRaven: "showRaven",
  animations: "animations",
  ravenPosition: "ravenPosition",
  playersMayUse: "playersMayUse",
};

export function registerSettings({ onRavenSettingChange }) {
  game.settings.register(MODULE_ID, SETTINGS.showRaven, {
    name: "FAMILIAR.Settings.ShowRaven.Name",
    hint: "FAMILIAR.Settings.ShowRaven.Hint",
    scope: "client",
    config: true,
    type: Boolean,
    default: true,
    onChange: () => onRavenSettingChange(),
  });
  game.settings.register(MODULE_ID, SETTINGS.animations, {
    name: "FAMILIAR.Settings.Animations.Name",
    hint: "FAMILIAR.Settings.Animations.Hint",
    scope: "client",
    config: true,
    type: Boolean,
    default: true,
  });
  // Where this user dragged the raven; null until they move it.
  game.settings.register(MODULE_ID, SETTINGS.ravenPosition, {
    scope: "client",
    config: false,
    type: Object,
    default: null,
  });
  game.settings.register(MODULE_ID, SETTINGS.playersMayUse, {
    name: "FAMILIAR.Settings.PlayersMayUse.Name",
    hint: "FAMILIAR.Settings.PlayersMayUse.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: Boolean,
    default: true,
    onChange: () => onRavenSettingChange(),
  });
}

export function getSetting(key) {
  return game.settings.get(MODULE_ID, key);
}

export function setSetting(key, value) {
  return game.settings.set(MODULE_ID, key, value);
}
