/**
 * The GM's art provider form (a settings menu, GM only): the ordered art provider chain — OpenAI Images, Stability,
 * AI Horde, AUTOMATIC1111/Forge, ComfyUI — with base URL, optional model and key, saved in this browser with the
 * keys sealed (provider-chain.mjs's `artChain`). The rows are the chat form's (`provider-row.hbs` with `art`, and
 * its row helpers), without model listing or Test connection, which the image APIs do not share. Picking a format
 * fills its documented base URL into an empty or still-default field. A Horde row without a key uses Horde's
 * anonymous key (the art core's default).
 */
import { MODULE_ID, t, templatePath } from "../core/constants.mjs";
import { applicationV2, renderTemplate } from "../core/compat.mjs";
import { ART_API_FORMATS, ART_DEFAULT_BASE_URLS, artChain, hasKey, newProviderId } from "../providers/provider-chain.mjs";
import { canSealKeys } from "../providers/key-store.mjs";
import { checkUrl, field, move, readRow, refit, remove, renumber, rows, showFieldError } from "./provider-settings.mjs";

const ART_PROVIDER_SETTINGS_ID = "familiar-art-providers";
const TEMPLATE = templatePath("art-provider-settings.hbs");
const ROW_TEMPLATE = templatePath("provider-row.hbs");
export const ART_PROVIDER_TEMPLATES = [TEMPLATE];

function rowContext(entry, index) {
  return {
    ...entry,
    key: undefined,
    art: true,
    position: index + 1,
    hasKey: hasKey(entry),
    urlPlaceholder: ART_DEFAULT_BASE_URLS[entry.api],
    formats: ART_API_FORMATS.map((value) => ({ value, label: `FAMILIAR.ArtProviders.Formats.${value}`, selected: value === entry.api })),
  };
}

async function settingsContext() {
  return { providers: artChain.loadChain().map(rowContext), canSeal: await canSealKeys() };
}

async function addRow(form) {
  const list = form.querySelector("[data-familiar-provider-list]");
  const api = ART_API_FORMATS[0];
  const entry = { id: newProviderId(), name: "", api, baseUrl: ART_DEFAULT_BASE_URLS[api], model: "", key: null };
  const holder = document.createElement("template");
  holder.innerHTML = await renderTemplate(templatePath("provider-row.hbs"), rowContext(entry, rows(form).length));
  const row = holder.content.firstElementChild;
  list.append(row);
  renumber(form);
  field(row, "name").focus();
}

/** A new format's documented base URL replaces an empty one or another format's default, never a typed one. */
function formatChanged(row) {
  const api = field(row, "api").value;
  const url = field(row, "baseUrl");
  const defaults = Object.values(ART_DEFAULT_BASE_URLS);
  if (!url.value.trim() || defaults.includes(url.value.trim())) url.value = ART_DEFAULT_BASE_URLS[api] ?? "";
  url.placeholder = ART_DEFAULT_BASE_URLS[api] ?? "";
}

async function save(form, app) {
  const status = form.querySelector("[data-familiar-providers-status]");
  const values = [];
  let firstProblem = null;
  for (const row of rows(form)) {
    const value = readRow(row);
    const url = checkUrl(value.baseUrl);
    showFieldError(row, "baseUrl", url.ok ? null : url.message);
    if (!url.ok) {
      firstProblem ??= url.message;
      continue;
    }
    values.push({ ...value, baseUrl: url.url, name: value.name || new URL(url.url).host });
  }
  if (firstProblem) {
    status.textContent = firstProblem;
    ui.notifications.error(firstProblem);
    return;
  }
  const { sealed } = await artChain.saveChain(values);
  ui.notifications.info(t(sealed ? "ArtProviders.Saved" : "Providers.SavedUnsealed"));
  await app.close();
}

const ACTIONS = {
  add: (form, row, app) => addRow(form).then(() => refit(app)),
  up: (form, row) => move(form, row, -1),
  down: (form, row) => move(form, row, 1),
  remove: (form, row, app) => {
    remove(form, row);
    refit(app);
  },
};

function reportFailure(error) {
  console.error("Familiar |", error);
  ui.notifications.error(error?.message ?? String(error));
}

const boundForms = new WeakSet();

function bindForm(root, app) {
  const selector = "[data-familiar-art-providers]";
  const form = root?.querySelector?.(selector) ?? (root?.matches?.(selector) ? root : null);
  if (!form || boundForms.has(form)) return;
  boundForms.add(form);
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-familiar-provider-action]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest(".familiar-provider");
    Promise.resolve(ACTIONS[button.dataset.familiarProviderAction]?.(form, row, app)).catch(reportFailure);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "api") formatChanged(event.target.closest(".familiar-provider"));
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form, app).catch(reportFailure);
  });
}

function defineV2({ ApplicationV2, HandlebarsApplicationMixin }) {
  class FamiliarArtProviderSettings extends HandlebarsApplicationMixin(ApplicationV2) {
    static DEFAULT_OPTIONS = {
      id: ART_PROVIDER_SETTINGS_ID,
      classes: ["familiar-provider-settings"],
      tag: "section",
      window: { title: "FAMILIAR.ArtProviders.Title", icon: "fa-solid fa-palette", resizable: true },
      position: { width: 560, height: "auto" },
    };

    static PARTS = { body: { template: TEMPLATE, templates: [ROW_TEMPLATE] } };

    async _prepareContext() {
      return settingsContext();
    }

    _onRender(context, options) {
      super._onRender?.(context, options);
      bindForm(this.element, this);
    }
  }
  return FamiliarArtProviderSettings;
}

function defineV1() {
  class FamiliarArtProviderSettings extends Application {
    static get defaultOptions() {
      return foundry.utils.mergeObject(super.defaultOptions, {
        id: ART_PROVIDER_SETTINGS_ID,
        classes: ["familiar-provider-settings"],
        template: TEMPLATE,
        title: game.i18n.localize("FAMILIAR.ArtProviders.Title"),
        width: 560,
        height: "auto",
        resizable: true,
      });
    }

    getData() {
      return settingsContext();
    }

    activateListeners(html) {
      super.activateListeners(html);
      bindForm(html[0], this);
    }
  }
  return FamiliarArtProviderSettings;
}

let settingsClass = null;

function artProviderSettingsClass() {
  if (!settingsClass) {
    const v2 = applicationV2();
    settingsClass = v2 ? defineV2(v2) : defineV1();
  }
  return settingsClass;
}

/** Registers the GM-only "Configure art providers" settings menu; called in `init`. */
export function registerArtProviderMenu() {
  game.settings.registerMenu(MODULE_ID, "artProviders", {
    name: "FAMILIAR.ArtProviders.Menu.Name",
    label: "FAMILIAR.ArtProviders.Menu.Label",
    hint: "FAMILIAR.ArtProviders.Menu.Hint",
    icon: "fa-solid fa-palette",
    type: artProviderSettingsClass(),
    restricted: true,
  });
}

/** Opens the form (from the Art view when no provider is configured); GMs only. */
export async function openArtProviderSettings() {
  if (!game.user.isGM) return null;
  const Settings = artProviderSettingsClass();
  const app = new Settings();
  await app.render(true);
  return app;
}
