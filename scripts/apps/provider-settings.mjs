/**
 * The GM's AI provider form (a settings menu, GM only): the ordered provider chain — format, base URL, model from the
 * provider's `/models` or typed, key — with Test connection per provider; whether players may ask, their daily token
 * budgets and the daily picture budgets of their art requests (the world's and per player) and what each has used
 * today. Saved budgets reach the running relays through the settings' change handlers, without a reload. ApplicationV2
 * with the Handlebars mixin on v12+, the v1 Application before, both on the same template and listeners (as the
 * panel does). The form itself is the state until Save: rows are added, moved and removed in the DOM, so typed keys
 * are never written back into attributes. Base URLs are checked by the bundle (https, or http on the loopback).
 */
import { MODULE_ID, t, templatePath } from "../core/constants.mjs";
import { applicationV2, renderTemplate } from "../core/compat.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { getSetting, setSetting, SETTINGS } from "../core/settings.mjs";
import { API_FORMATS, hasKey, keyOf, loadChain, newProviderId, saveChain } from "../providers/provider-chain.mjs";
import { canSealKeys } from "../providers/key-store.mjs";
import { dropChatSession } from "../chat/chat-session.mjs";
import { playerBudgets, playersUsage } from "../relay/chat-relay.mjs";
import { artBudgets, artUsage } from "../relay/art-relay.mjs";

const PROVIDER_SETTINGS_ID = "familiar-providers";
const TEMPLATE = templatePath("provider-settings.hbs");
const ROW_TEMPLATE = templatePath("provider-row.hbs");
export const PROVIDER_TEMPLATES = [TEMPLATE, ROW_TEMPLATE];

function rowContext(entry, index) {
  return {
    ...entry,
    key: undefined,
    position: index + 1,
    hasKey: hasKey(entry),
    formats: API_FORMATS.map((value) => ({ value, label: `FAMILIAR.Providers.Formats.${value}`, selected: value === entry.api })),
  };
}

async function settingsContext() {
  return {
    playersMayUse: getSetting(SETTINGS.playersMayUse),
    providers: loadChain().map(rowContext),
    canSeal: await canSealKeys(),
    budgets: playerBudgets(),
    imageBudgets: artBudgets(),
    players: playersWithImages(),
  };
}

/** Each player's questions and, beside them, their art requests' pictures today and own picture budget. */
function playersWithImages() {
  const images = new Map(artUsage().map((entry) => [entry.userId, entry]));
  const own = artBudgets().users;
  return playersUsage().map((player) => ({
    ...player,
    imagesToday: images.get(player.userId)?.imagesToday ?? 0,
    imageBudget: images.get(player.userId)?.budget ?? null,
    ownImageBudget: own[player.userId] ?? null,
  }));
}

/** A budget field: `{ok, value}` with null for empty, or `{ok: false}` for anything but a whole number ≥ 0. */
function readTokens(input) {
  const text = input.value.trim();
  if (text === "") return { ok: true, value: null };
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? { ok: true, value } : { ok: false };
}

/** One kind of budget as typed — the world's daily field `dailyName` and each player's field carrying `userAttribute`
 * (its value the user id) — each bad field marked; `{daily, users}`, or null when any is bad. */
function readBudgets(form, dailyName, userAttribute) {
  const daily = form.querySelector(`[name="${dailyName}"]`);
  const dailyValue = readTokens(daily);
  const error = form.querySelector(`[data-familiar-field-error="${dailyName}"]`);
  error.textContent = dailyValue.ok ? "" : t("Usage.BadNumber");
  error.hidden = dailyValue.ok;
  daily.setAttribute("aria-invalid", dailyValue.ok ? "false" : "true");
  let ok = dailyValue.ok;
  const users = {};
  for (const input of form.querySelectorAll(`[${userAttribute}]`)) {
    const value = readTokens(input);
    input.setAttribute("aria-invalid", value.ok ? "false" : "true");
    ok &&= value.ok;
    if (value.ok && value.value !== null) users[input.getAttribute(userAttribute)] = value.value;
  }
  return ok ? { daily: dailyValue.value, users } : null;
}

export function rows(form) {
  return [...form.querySelectorAll(".familiar-provider")];
}

export function field(row, name) {
  return row.querySelector(`[name="${name}"]`);
}

/** One row's values as typed (the key only when one was typed). */
export function readRow(row) {
  return {
    id: row.dataset.providerId,
    name: field(row, "name").value.trim(),
    api: field(row, "api").value,
    baseUrl: field(row, "baseUrl").value.trim(),
    model: field(row, "model").value.trim(),
    apiKey: field(row, "apiKey").value,
    forgetKey: Boolean(field(row, "forgetKey")?.checked),
  };
}

export function showFieldError(row, name, message) {
  const error = row.querySelector(`[data-familiar-field-error="${name}"]`);
  error.textContent = message ?? "";
  error.hidden = !message;
  field(row, name).setAttribute("aria-invalid", message ? "true" : "false");
}

function showResult(row, message, ok) {
  const result = row.querySelector("[data-familiar-provider-result]");
  result.textContent = message;
  result.classList.toggle("familiar-provider__result--failed", ok === false);
}

/** The bundle's verdict on a base URL: `{ok, url}` or `{ok: false, message}` localised by case. */
export function checkUrl(baseUrl) {
  const check = requireWasm().checkBaseUrl(baseUrl);
  if (check.ok) return check;
  return { ok: false, message: t(`Providers.UrlErrors.${check.code}`, { url: baseUrl }) };
}

/** The provider a row describes, with the typed key or else the stored one, for listModels/testConnection. */
async function endpointOf(row) {
  const values = readRow(row);
  const url = checkUrl(values.baseUrl);
  showFieldError(row, "baseUrl", url.ok ? null : url.message);
  if (!url.ok) return null;
  const stored = loadChain().find((entry) => entry.id === values.id);
  const apiKey = values.apiKey.trim() || (stored && !values.forgetKey ? await keyOf(stored) : null);
  return { name: values.name, api: values.api, baseUrl: url.url, apiKey: apiKey ?? undefined };
}

async function testConnection(row) {
  const provider = await endpointOf(row);
  if (!provider) return;
  showResult(row, t("Providers.Testing"));
  const result = await requireWasm().testConnection(provider);
  if (result.ok) showResult(row, t("Providers.TestOk"), true);
  else showResult(row, t("Providers.TestFailed", { status: result.status ?? "—", error: result.error }), false);
}

async function loadModels(row) {
  const provider = await endpointOf(row);
  if (!provider) return;
  showResult(row, t("Providers.LoadingModels"));
  let models;
  try {
    models = await requireWasm().listModels(provider);
  } catch (error) {
    showResult(row, t("Providers.ModelsFailed", { error: error?.message ?? String(error) }), false);
    return;
  }
  const select = field(row, "modelChoice");
  const current = field(row, "model").value.trim();
  const options = [new Option(t("Providers.PickModelPrompt"), "")];
  for (const model of models) {
    const label = model.displayName && model.displayName !== model.id ? `${model.displayName} (${model.id})` : model.id;
    options.push(new Option(label, model.id, false, model.id === current));
  }
  select.replaceChildren(...options);
  row.querySelector("[data-familiar-model-picker]").hidden = models.length === 0;
  showResult(row, t("Providers.ModelsLoaded", { count: models.length }), true);
}

export function renumber(form) {
  rows(form).forEach((row, index) => {
    row.querySelector("[data-familiar-provider-position]").textContent = t("Providers.Position", { n: index + 1 });
  });
  form.querySelector("[data-familiar-providers-empty]").hidden = rows(form).length > 0;
}

async function addRow(form) {
  const list = form.querySelector("[data-familiar-provider-list]");
  const entry = { id: newProviderId(), name: "", api: "openai", baseUrl: "", model: "", key: null };
  const holder = document.createElement("template");
  holder.innerHTML = await renderTemplate(templatePath("provider-row.hbs"), rowContext(entry, rows(form).length));
  const row = holder.content.firstElementChild;
  list.append(row);
  renumber(form);
  field(row, "name").focus();
}

export function move(form, row, step) {
  const sibling = step < 0 ? row.previousElementSibling : row.nextElementSibling;
  if (!sibling) return;
  if (step < 0) sibling.before(row);
  else sibling.after(row);
  renumber(form);
  row.querySelector(`[data-familiar-provider-action="${step < 0 ? "up" : "down"}"]`).focus();
}

export function remove(form, row) {
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  renumber(form);
  (next ? field(next, "name") : form.querySelector('[data-familiar-provider-action="add"]')).focus();
}

/** Checks every row, saves the chain (keys sealed) and the players setting, and closes. */
async function save(form, app) {
  const status = form.querySelector("[data-familiar-providers-status]");
  const values = [];
  let firstProblem = null;
  for (const row of rows(form)) {
    const value = readRow(row);
    const url = checkUrl(value.baseUrl);
    showFieldError(row, "baseUrl", url.ok ? null : url.message);
    showFieldError(row, "model", value.model ? null : t("Providers.ModelMissing"));
    const problem = url.ok ? (value.model ? null : t("Providers.ModelMissing")) : url.message;
    firstProblem ??= problem;
    if (problem) continue;
    values.push({ ...value, baseUrl: url.url, name: value.name || new URL(url.url).host });
  }
  const budgets = readBudgets(form, "dailyTokenBudget", "data-familiar-user-budget");
  const imageBudgets = readBudgets(form, "dailyImageBudget", "data-familiar-user-image-budget");
  if (!budgets || !imageBudgets) firstProblem ??= t("Usage.BadNumber");
  if (firstProblem) {
    status.textContent = firstProblem;
    ui.notifications.error(firstProblem);
    return;
  }
  const { sealed } = await saveChain(values);
  const playersMayUse = form.querySelector('[name="playersMayUse"]').checked;
  if (playersMayUse !== getSetting(SETTINGS.playersMayUse)) await setSetting(SETTINGS.playersMayUse, playersMayUse);
  if (JSON.stringify(budgets) !== JSON.stringify(playerBudgets())) await setSetting(SETTINGS.relayBudgets, budgets);
  if (JSON.stringify(imageBudgets) !== JSON.stringify(artBudgets())) await setSetting(SETTINGS.artRelayBudgets, imageBudgets);
  dropChatSession();
  ui.notifications.info(t(sealed ? "Providers.Saved" : "Providers.SavedUnsealed"));
  await app.close();
}

/** The window fits its content again (and stays on screen) after rows come or go. */
export function refit(app) {
  app.setPosition?.({ height: "auto" });
}

const ACTIONS = {
  add: (form, row, app) => addRow(form).then(() => refit(app)),
  up: (form, row) => move(form, row, -1),
  down: (form, row) => move(form, row, 1),
  remove: (form, row, app) => {
    remove(form, row);
    refit(app);
  },
  test: (form, row) => testConnection(row),
  models: (form, row) => loadModels(row),
};

function reportFailure(error) {
  console.error("Familiar |", error);
  ui.notifications.error(error?.message ?? String(error));
}

const boundForms = new WeakSet();

function bindForm(root, app) {
  const form = root?.querySelector?.("[data-familiar-providers]") ?? (root?.matches?.("[data-familiar-providers]") ? root : null);
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
    if (event.target.name !== "modelChoice" || !event.target.value) return;
    field(event.target.closest(".familiar-provider"), "model").value = event.target.value;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form, app).catch(reportFailure);
  });
}

function defineV2({ ApplicationV2, HandlebarsApplicationMixin }) {
  class FamiliarProviderSettings extends HandlebarsApplicationMixin(ApplicationV2) {
    static DEFAULT_OPTIONS = {
      id: PROVIDER_SETTINGS_ID,
      classes: ["familiar-provider-settings"],
      tag: "section",
      window: { title: "FAMILIAR.Providers.Title", icon: "fa-solid fa-key", resizable: true },
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
  return FamiliarProviderSettings;
}

function defineV1() {
  class FamiliarProviderSettings extends Application {
    static get defaultOptions() {
      return foundry.utils.mergeObject(super.defaultOptions, {
        id: PROVIDER_SETTINGS_ID,
        classes: ["familiar-provider-settings"],
        template: TEMPLATE,
        title: game.i18n.localize("FAMILIAR.Providers.Title"),
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
  return FamiliarProviderSettings;
}

let settingsClass = null;

/** The form's class for this core version (the settings menu instantiates it). */
function providerSettingsClass() {
  if (!settingsClass) {
    const v2 = applicationV2();
    settingsClass = v2 ? defineV2(v2) : defineV1();
  }
  return settingsClass;
}

/** Registers the GM-only settings menu that opens the form; called in `init`. */
export function registerProviderMenu() {
  game.settings.registerMenu(MODULE_ID, "providers", {
    name: "FAMILIAR.Providers.Menu.Name",
    label: "FAMILIAR.Providers.Menu.Label",
    hint: "FAMILIAR.Providers.Menu.Hint",
    icon: "fa-solid fa-key",
    type: providerSettingsClass(),
    restricted: true,
  });
}

/** Opens the form (from the Ask view's offline answer); GMs only. */
export async function openProviderSettings() {
  if (!game.user.isGM) return null;
  const Settings = providerSettingsClass();
  const app = new Settings();
  await app.render(true);
  return app;
}
