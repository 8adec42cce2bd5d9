/**
 * The raven's panel. ApplicationV2 with the Handlebars mixin on v12+, the v1 Application on v10–v11; both render
 * `templates/raven-panel.hbs` from the same context.
 */
import { MODULE_ID, templatePath } from "../constants.mjs";
import { applicationV2 } from "../compat.mjs";
import { runtime, requireWasm } from "../runtime.mjs";

export const PANEL_ID = `${MODULE_ID}-panel`;
const TEMPLATE = templatePath("raven-panel.hbs");

/** What the panel shows: the bundle's own answer about itself and what this world allows. */
function panelContext() {
  const info = requireWasm().buildInfo();
  return {
    info,
    core: runtime.environment?.core,
    coreStatus: runtime.environment?.coreStatus,
    pf2e: runtime.environment?.pf2e ?? false,
    system: game.system?.id ?? "",
  };
}

function defineV2Panel({ ApplicationV2, HandlebarsApplicationMixin }) {
  return class FamiliarRavenPanel extends HandlebarsApplicationMixin(ApplicationV2) {
    static DEFAULT_OPTIONS = {
      id: PANEL_ID,
      classes: ["familiar-panel"],
      tag: "section",
      window: { title: "FAMILIAR.Panel.Title", icon: "fa-solid fa-crow", resizable: true },
      position: { width: 380, height: "auto" },
    };

    static PARTS = { body: { template: TEMPLATE } };

    async _prepareContext() {
      return panelContext();
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
        width: 380,
        height: "auto",
        resizable: true,
      });
    }

    getData() {
      return panelContext();
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

export async function openPanel() {
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
