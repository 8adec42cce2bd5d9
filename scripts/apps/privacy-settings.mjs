/**
 * "Privacy and your data" (a settings menu for every user): whether the user's questions, and their art requests,
 * may reach the providers the world allows for each (they change their mind here after the consent dialog), for a
 * GM the world's decision per provider and purpose, and the user's data rights: "Export my data" and "Forget me" (privacy/data-rights.mjs).
 */
import { MODULE_ID, t, templatePath } from "../core/constants.mjs";
import { applicationV2 } from "../core/compat.mjs";
import { PURPOSES, setUserConsent, setWorldConsent, userConsent, worldAllowedProviders, worldConsent } from "../privacy/consent.mjs";
import { exportMyData, forgetMe, removeAllData } from "../privacy/data-rights.mjs";

const PRIVACY_SETTINGS_ID = "familiar-privacy";
const TEMPLATE = templatePath("privacy-settings.hbs");
export const PRIVACY_TEMPLATES = [TEMPLATE];

/** The form's field names for each purpose: the player's own checkbox and the GM's per-provider checkboxes. */
const FIELDS = { chat: { mine: "allowMine", world: "world" }, art: { mine: "allowMineArt", world: "worldArt" } };

function purposeContext(purpose) {
  const providers = worldAllowedProviders(purpose);
  const mine = userConsent(game.user, purpose);
  const records = Object.entries(worldConsent(purpose)).map(([origin, entry]) => ({
    origin,
    allowed: entry.allowed,
    label: t(purpose === "art" ? "Privacy.AllowArtProvider" : "Privacy.AllowProvider", { name: entry.name || origin, origin }),
  }));
  return { providers, allowMine: providers.length > 0 && providers.every((provider) => mine[provider.origin] === true), records };
}

function privacyContext() {
  const chat = purposeContext("chat");
  const art = purposeContext("art");
  return {
    isGM: game.user.isGM,
    worldProviders: chat.providers,
    allowMine: chat.allowMine,
    worldRecords: chat.records,
    worldArtProviders: art.providers,
    allowMineArt: art.allowMine,
    worldArtRecords: art.records,
  };
}

async function savePurpose(data, purpose) {
  const fields = FIELDS[purpose];
  if (game.user.isGM) {
    const checked = new Set(data.getAll(fields.world).map(String));
    for (const [origin, entry] of Object.entries(worldConsent(purpose))) {
      const allowed = checked.has(origin);
      if (allowed !== entry.allowed) await setWorldConsent([{ origin, name: entry.name }], allowed, purpose);
    }
    return;
  }
  // A GM's own requests follow the world's decision; only players keep one of their own.
  const providers = worldAllowedProviders(purpose);
  if (providers.length) await setUserConsent(providers.map((provider) => provider.origin), data.get(fields.mine) === "on", purpose);
}

async function save(form) {
  const data = new FormData(form);
  for (const purpose of PURPOSES) await savePurpose(data, purpose);
  status(form, t("Privacy.Saved"));
}

function status(form, text) {
  form.querySelector("[data-familiar-privacy-status]").textContent = text;
}

const confirmBox = (form) => form.querySelector("[data-familiar-privacy-confirm]");

const removeBox = (form) => form.querySelector("[data-familiar-privacy-remove-confirm]");

const ACTIONS = {
  removeAll: (form) => {
    removeBox(form).hidden = false;
    removeBox(form).querySelector("button").focus();
  },
  removeAllCancelled: (form) => {
    removeBox(form).hidden = true;
  },
  removeAllConfirmed: async (form) => {
    removeBox(form).hidden = true;
    const removed = await removeAllData();
    const lines = [t("Privacy.Removed", removed)];
    for (const { name, removed: theirs } of removed.clients) {
      lines.push(theirs ? t("Privacy.RemovedClient", { name, ...theirs }) : t("Privacy.RemovedNoAnswer", { name }));
    }
    if (removed.offline) lines.push(t("Privacy.RemovedOffline", { count: removed.offline }));
    lines.push(t("Privacy.RemovalKept"));
    if (removed.art) lines.push(t("Privacy.ArtKept", { count: removed.art, folder: removed.artFolder }));
    status(form, lines.join(" "));
    ui.notifications.info(lines[0]);
  },
  export: async () => void (await exportMyData()),
  // Forgetting cannot be undone: the first click asks inside the form.
  forget: (form) => {
    confirmBox(form).hidden = false;
    confirmBox(form).querySelector("button").focus();
  },
  forgetCancelled: (form) => {
    confirmBox(form).hidden = true;
  },
  forgetConfirmed: async (form) => {
    confirmBox(form).hidden = true;
    const counts = await forgetMe();
    const text = t("Privacy.Forgotten", counts);
    status(form, text);
    ui.notifications.info(text);
  },
};

function reportFailure(error) {
  console.error("Familiar |", error);
  ui.notifications.error(error?.message ?? String(error));
}

function bindForm(root) {
  const selector = "[data-familiar-privacy]";
  const form = root?.matches?.(selector) ? root : root?.querySelector?.(selector);
  if (!form || form.dataset.familiarBound) return;
  form.dataset.familiarBound = "1";
  form.addEventListener("click", (event) => {
    const action = event.target.closest("[data-familiar-privacy-action]")?.dataset.familiarPrivacyAction;
    if (!action) return;
    event.preventDefault();
    Promise.resolve(ACTIONS[action]?.(form)).catch(reportFailure);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form).catch(reportFailure);
  });
}

function defineV2({ ApplicationV2, HandlebarsApplicationMixin }) {
  class FamiliarPrivacySettings extends HandlebarsApplicationMixin(ApplicationV2) {
    static DEFAULT_OPTIONS = {
      id: PRIVACY_SETTINGS_ID,
      classes: ["familiar-privacy-settings"],
      tag: "section",
      window: { title: "FAMILIAR.Privacy.Title", icon: "fa-solid fa-user-shield" },
      position: { width: 480, height: "auto" },
    };

    static PARTS = { body: { template: TEMPLATE } };

    async _prepareContext() {
      return privacyContext();
    }

    _onRender(context, options) {
      super._onRender?.(context, options);
      bindForm(this.element);
    }
  }
  return FamiliarPrivacySettings;
}

function defineV1() {
  class FamiliarPrivacySettings extends Application {
    static get defaultOptions() {
      return foundry.utils.mergeObject(super.defaultOptions, {
        id: PRIVACY_SETTINGS_ID,
        classes: ["familiar-privacy-settings"],
        template: TEMPLATE,
        title: game.i18n.localize("FAMILIAR.Privacy.Title"),
        width: 480,
        height: "auto",
      });
    }

    getData() {
      return privacyContext();
    }

    activateListeners(html) {
      super.activateListeners(html);
      bindForm(html[0]);
    }
  }
  return FamiliarPrivacySettings;
}

let settingsClass = null;

function privacySettingsClass() {
  if (!settingsClass) {
    const v2 = applicationV2();
    settingsClass = v2 ? defineV2(v2) : defineV1();
  }
  return settingsClass;
}

/** Registers the "Privacy" settings menu, open to every user; called in `init`. */
export function registerPrivacyMenu() {
  game.settings.registerMenu(MODULE_ID, "privacy", {
    name: "FAMILIAR.Privacy.Menu.Name",
    label: "FAMILIAR.Privacy.Menu.Label",
    hint: "FAMILIAR.Privacy.Menu.Hint",
    icon: "fa-solid fa-user-shield",
    type: privacySettingsClass(),
    restricted: false,
  });
}
