/**
 * The raven's panel. ApplicationV2 with the Handlebars mixin on v12+, the v1 Application on v10–v11; both render
 * `templates/raven-panel.hbs` from the same context and bind the same listeners. Views a user may not use are not
 * rendered at all.
 */
import { MODULE_ID, templatePath } from "../constants.mjs";
import { applicationV2 } from "../compat.mjs";
import { runtime, requireWasm } from "../runtime.mjs";
import * as askView from "./views/ask.mjs";
import * as encounterView from "./views/encounter.mjs";
import * as monsterView from "./views/monster.mjs";
import { rulesIndexStatus } from "../rules-index.mjs";
import { listPeers } from "../presence.mjs";
import { t } from "../constants.mjs";

export const PANEL_ID = `${MODULE_ID}-panel`;
const TEMPLATE = templatePath("raven-panel.hbs");
export const VIEW_TEMPLATES = ["ask", "encounter", "monster", "status", "about"].map((view) => templatePath(`views/${view}.hbs`));

let currentView = null;

/** The views this user may open, in tab order. */
function allowedViews() {
  if (!runtime.environment?.pf2e) return ["about"];
  return game.user.isGM ? ["ask", "encounter", "monster", "status", "about"] : ["ask", "about"];
}

/** What the panel shows: the current view and what it needs, and the bundle's own answer about itself. */
function panelContext() {
  const views = allowedViews();
  if (!views.includes(currentView)) currentView = views[0];
  const context = {
    views: views.map((id) => ({ id, label: `FAMILIAR.Views.${id}`, active: id === currentView })),
    view: currentView,
    info: requireWasm().buildInfo(),
    core: runtime.environment?.core,
    pf2e: runtime.environment?.pf2e ?? false,
    system: game.system?.id ?? "",
  };
  if (currentView === "encounter") {
    Object.assign(context, { party: encounterView.partyDefaults(), ...encounterView.choices() });
  }
  if (currentView === "monster") context.roadmaps = monsterView.roadmaps();
  if (currentView === "status") {
    const index = rulesIndexStatus();
    Object.assign(context, {
      index,
      stateLabel: t(`Status.States.${index.state}`),
      updatedAt: index.updatedAt ? new Date(index.updatedAt).toLocaleString(game.i18n.lang) : "—",
      peers: listPeers(),
    });
  }
  return context;
}

const FORMS = {
  ask: askView.ask,
  encounter: encounterView.generate,
  monster: monsterView.preview,
};

const ACTIONS = {
  "rate-scene": (button, root) => encounterView.rateScene(root.querySelector('[data-familiar-form="encounter"]'), results(root, "encounter")),
  "post-encounter": (button) => encounterView.postEncounter(Number(button.dataset.index)),
  "create-monster": (button, root) => monsterView.create(root.querySelector('[data-familiar-form="monster"]'), results(root, "monster")),
};

function results(root, view) {
  return root.querySelector(`[data-familiar-results="${view}"]`);
}

function reportFailure(error) {
  console.error("Familiar |", error);
  ui.notifications.error(error?.message ?? String(error));
}

const boundRoots = new WeakSet();

/** Listeners delegated from the panel's root element, bound once per element (ApplicationV2 keeps its element
 * across renders; the v1 Application renders a new one each time). */
function bindPanel(root, app) {
  if (!root || boundRoots.has(root)) return;
  boundRoots.add(root);
  const switchTo = (view, { focus = false } = {}) => {
    currentView = view;
    if (focus) {
      Hooks.once(`render${app.constructor.name}`, () => document.querySelector(`[data-familiar-view="${view}"]`)?.focus());
    }
    app.render(true);
  };
  root.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-familiar-view]");
    if (tab) return switchTo(tab.dataset.familiarView);
    const action = event.target.closest("[data-familiar-action]");
    if (action) ACTIONS[action.dataset.familiarAction]?.(action, root)?.catch?.(reportFailure);
  });
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-familiar-form]");
    if (!form) return;
    event.preventDefault();
    const view = form.dataset.familiarForm;
    FORMS[view]?.(form, results(root, view)).catch(reportFailure);
  });
  // Arrow keys move between tabs, as the ARIA tabs pattern expects.
  root.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step || !event.target.closest('[role="tablist"]')) return;
    const views = allowedViews();
    switchTo(views[(views.indexOf(currentView) + step + views.length) % views.length], { focus: true });
  });
  // Content links drag as Foundry's drop data, so creatures land on the canvas as tokens.
  root.addEventListener("dragstart", (event) => {
    const link = event.target.closest?.("[data-uuid]");
    if (!link) return;
    event.dataTransfer.setData("text/plain", JSON.stringify({ type: link.dataset.type, uuid: link.dataset.uuid }));
  });
}

function defineV2Panel({ ApplicationV2, HandlebarsApplicationMixin }) {
  return class FamiliarRavenPanel extends HandlebarsApplicationMixin(ApplicationV2) {
    static DEFAULT_OPTIONS = {
      id: PANEL_ID,
      classes: ["familiar-panel"],
      tag: "section",
      window: { title: "FAMILIAR.Panel.Title", icon: "fa-solid fa-crow", resizable: true },
      position: { width: 420, height: "auto" },
    };

    static PARTS = { body: { template: TEMPLATE } };

    async _prepareContext() {
      return panelContext();
    }

    _onRender(context, options) {
      super._onRender?.(context, options);
      bindPanel(this.element, this);
    }
  };
}

function defineV1Panel() {
  return class FamiliarRavenPanel extends Application {
    static get defaultOptions() {
      return foundry.utils.mergeObject(super.defaultOptions, {
        id: PANEL_ID,
        classes: ["familiar-panel"],
        template: TEMPLATE,
        title: game.i18n.localize("FAMILIAR.Panel.Title"),
        width: 420,
        height: "auto",
        resizable: true,
      });
    }

    getData() {
      return panelContext();
    }

    activateListeners(html) {
      super.activateListeners(html);
      bindPanel(html[0], this);
    }
  };
}

let panel = null;

/** The one panel of this client, created on first use (the classes exist only once Foundry has started). */
function ravenPanel() {
  if (!panel) {
    const v2 = applicationV2();
    const Panel = v2 ? defineV2Panel(v2) : defineV1Panel();
    panel = new Panel();
  }
  return panel;
}

export function isPanelOpen() {
  return Boolean(panel?.rendered);
}

export async function openPanel(view) {
  if (view) currentView = view;
  const app = ravenPanel();
  await app.render(true);
  return app;
}

export async function closePanel() {
  if (panel?.rendered) await panel.close();
}

export async function togglePanel() {
  return isPanelOpen() ? closePanel() : openPanel();
}
