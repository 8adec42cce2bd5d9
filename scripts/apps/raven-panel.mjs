/**
 * The raven's panel. ApplicationV2 with the Handlebars mixin on v12+, the v1 Application on v10–v11; both render
 * `templates/raven-panel.hbs` from the same context and bind the same listeners. Views a user may not use are not
 * rendered at all. Whether the panel is open and which view it shows come from the raven's state machine
 * (raven-perch.mjs connects it); tabs, the close button and Escape go back to the machine as events.
 */
import { MODULE_ID, templatePath } from "../core/constants.mjs";
import { applicationV2, renderTemplate } from "../core/compat.mjs";
import { runtime, requireWasm } from "../core/runtime.mjs";
import * as artView from "./views/art.mjs";
import * as askView from "./views/ask.mjs";
import * as encounterView from "./views/encounter.mjs";
import * as monsterView from "./views/monster.mjs";
import { statusContext } from "./views/status.mjs";
import { copyDiagnostics } from "../health/diagnostics.mjs";
import { t } from "../core/constants.mjs";
import { playerViews } from "../core/settings.mjs";
import { PANEL_ID, inPanel, panelRaven, panelRoot, registerPanelApp, registerRaven, reportFailure, viewDrawn } from "./panel-registry.mjs";

const TEMPLATE = templatePath("raven-panel.hbs");
export const VIEW_TEMPLATES = ["ask", "encounter", "monster", "status", "art", "art-gallery", "about"].map((view) => templatePath(`views/${view}.hbs`));

/** "About" is the panel's own tab, not a view of the state machine: it shows the bundle's build and the world's
 * system, whatever the machine's view is, and is the only tab outside pf2e. It never carries a badge: a tab's badge
 * means work that finished behind another tab (an answer, tests/e2e/badges.test.mjs), and About has none. Updates
 * are Foundry's to announce (its package manager compares the manifest's version), and the licence notices do not
 * change while a world runs, so a badge there would only be noise. */
const ABOUT = "about";
const ABOUT_LABEL = "FAMILIAR.Views.about";
/** The policies the About tab links, in the repository's docs/ (the zip carries code, not documentation). */
const DOCS_BASE = "https://github.com/familiar-vtt/familiar/blob/main/docs";
const POLICY_DOCS = [
  ["privacy", "Privacy"],
  ["usage-guidelines", "Usage"],
  ["content-policy", "Content"],
  ["liability", "Liability"],
  ["takedown", "Takedown"],
].map(([file, key]) => ({ href: `${DOCS_BASE}/${file}.md`, label: `FAMILIAR.About.${key}` }));

/** Whether the About tab is showing over the machine's view (the one bit of UI the machine does not know). */
let aboutSelected = false;
/** What the open panel was last rendered from, so hover or drag events do not re-render its forms. */
let renderedFrom = null;
/** Set while the machine itself closes the panel, so `close()` does not report the close back to it. */
let closingForRaven = false;

/** The machine views this user may open, in tab order (the machine's `allowedViews`): the GM every view, a player
 * what the world settings allow (settings.mjs `playerViews`). Outside pf2e the raven keeps one view so it stays on
 * screen, but the panel renders only About there. */
export function machineViews() {
  if (!runtime.environment?.pf2e) return ["ask"];
  const art = artView.mayUseArt() ? ["art"] : [];
  return game.user.isGM ? ["ask", "encounter", "monster", "status", ...art] : [...playerViews(), ...art];
}

/** Called by the perch when a raven comes or goes. */
export function connectPanel(connection) {
  registerRaven(connection);
  renderedFrom = null;
  aboutSelected = false;
}

function machinePanel() {
  return panelRaven()?.view()?.panel ?? null;
}

/** The tabs the panel renders and the view it shows, from the machine's panel view model. */
function displayed(panelView) {
  const pf2e = Boolean(runtime.environment?.pf2e);
  const view = aboutSelected || !pf2e ? ABOUT : panelView.view;
  const machineTabs = pf2e ? panelView.tabs.map((tab) => ({ id: tab.view, label: tab.titleKey, badge: tab.badge })) : [];
  const tabs = [...machineTabs, { id: ABOUT, label: ABOUT_LABEL }].map((tab) => ({ ...tab, active: tab.id === view }));
  return { view, tabs };
}

/** What the panel shows: the current view and what it needs, and the bundle's own answer about itself. */
function panelContext() {
  const panelView = machinePanel();
  const { view: currentView, tabs } = panelView ? displayed(panelView) : { view: ABOUT, tabs: [] };
  const context = {
    views: tabs,
    view: currentView,
    info: requireWasm().buildInfo(),
    core: runtime.environment?.core,
    pf2e: runtime.environment?.pf2e ?? false,
    system: game.system?.id ?? "",
  };
  if (currentView === "encounter") {
    Object.assign(context, { party: encounterView.partyDefaults(), ...encounterView.choices() });
  }
  if (currentView === "monster") Object.assign(context, { roadmaps: monsterView.roadmaps(), canCreate: monsterView.canCreateActor() });
  if (currentView === "art") Object.assign(context, artView.context());
  if (currentView === "status") Object.assign(context, statusContext());
  if (currentView === ABOUT) context.docs = POLICY_DOCS;
  return context;
}

const FORMS = {
  ask: askView.ask,
  encounter: encounterView.generate,
  monster: monsterView.preview,
  art: artView.generate,
};

const ACTIONS = {
  "rate-scene": (button, root) => encounterView.rateScene(root.querySelector('[data-familiar-form="encounter"]'), results(root, "encounter")),
  "rate-combat": (button, root) => encounterView.rateCombat(root.querySelector('[data-familiar-form="encounter"]'), results(root, "encounter")),
  "post-encounter": (button) => encounterView.postEncounter(Number(button.dataset.index)),
  "start-combat": (button) => encounterView.startCombat(Number(button.dataset.index)),
  "create-monster": (button, root) => monsterView.create(root.querySelector('[data-familiar-form="monster"]'), results(root, "monster")),
  ...artView.ACTIONS,
  "copy-diagnostics": () => copyDiagnostics(),
};

function results(root, view) {
  return root.querySelector(`[data-familiar-results="${view}"]`);
}

const boundRoots = new WeakSet();

/** Foundry's content links are anchors without href, which Tab skips. Every one the panel shows (from a view's
 * template, the rules index or a streamed answer) is made focusable as a link; Enter opens it (bindPanel). */
const UNREACHABLE_LINKS = "a.content-link:not([href]):not([tabindex])";

function linksForKeyboard(root) {
  for (const link of root.querySelectorAll(UNREACHABLE_LINKS)) {
    link.tabIndex = 0;
    link.setAttribute("role", "link");
  }
}

/** Shows a tab: About is the panel's own, any other is the machine's `selectView`. Resolves once rendered. */
async function selectTab(view) {
  if (view === ABOUT) {
    aboutSelected = true;
    return syncPanel(machinePanel());
  }
  aboutSelected = false;
  await panelRaven()?.dispatch({ type: "selectView", view });
  // Already the machine's view (About was showing over it): nothing changed there, so redraw here.
  return syncPanel(machinePanel());
}

/** Shows a tab and gives it focus: focus must stay on the tab (a render of the panel draws a new one) rather than
 * fall to the page, where Escape would no longer reach the panel. */
async function selectTabAndFocus(view) {
  await selectTab(view);
  inPanel(`[data-familiar-view="${view}"]`)?.focus();
}

/** Listeners delegated from the panel's root element, bound once per element (ApplicationV2 keeps its element
 * across renders; the v1 Application renders a new one each time). */
function bindPanel(root) {
  if (!root || boundRoots.has(root)) return;
  boundRoots.add(root);
  linksForKeyboard(root);
  // Views put their results in after rendering; the observer goes away with the element.
  new MutationObserver(() => linksForKeyboard(root)).observe(root, { childList: true, subtree: true });
  root.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-familiar-view]");
    if (tab) return void selectTabAndFocus(tab.dataset.familiarView).catch(reportFailure);
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
  root.addEventListener("change", (event) => {
    const form = event.target.closest?.('[data-familiar-form="art"]');
    if (form) artView.changed(form, event.target);
  });
  root.addEventListener("keydown", (event) => {
    // Escape closes the panel and the machine sends focus back to the raven; Foundry must not see it too.
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation();
      panelRaven()?.dispatch({ type: "key", key: "Escape", shift: event.shiftKey, target: "panel" });
      return;
    }
    // Content links are anchors without href: Enter opens them as a click does (Foundry listens for the click).
    if (event.key === "Enter" && event.target.matches?.("a.content-link:not([href])")) {
      event.preventDefault();
      event.target.click();
      return;
    }
    // Arrow keys move between tabs, as the ARIA tabs pattern expects.
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    const panelView = machinePanel();
    if (!step || !panelView || !event.target.closest('[role="tablist"]')) return;
    const { view, tabs } = displayed(panelView);
    const ids = tabs.map((tab) => tab.id);
    const next = ids[(ids.indexOf(view) + step + ids.length) % ids.length];
    selectTabAndFocus(next).catch(reportFailure);
  });
  // Content links drag as Foundry's drop data, so creatures land on the canvas as tokens.
  root.addEventListener("dragstart", (event) => {
    const link = event.target.closest?.("[data-uuid]");
    if (!link) return;
    event.dataTransfer.setData("text/plain", JSON.stringify({ type: link.dataset.type, uuid: link.dataset.uuid }));
  });
}

function defineV2Panel({ ApplicationV2, HandlebarsApplicationMixin }) {
  class FamiliarRavenPanel extends HandlebarsApplicationMixin(ApplicationV2) {
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
      bindPanel(this.element);
    }

    async close(options) {
      if (!closingForRaven && reportClose()) return this;
      return super.close(options);
    }
  }
  return FamiliarRavenPanel;
}

function defineV1Panel() {
  class FamiliarRavenPanel extends Application {
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
      // The whole window, not just its content, so Escape on the header's close button closes too.
      bindPanel(this.element?.[0] ?? html[0]);
    }

    async close(options) {
      if (!closingForRaven && reportClose()) return this;
      return super.close(options);
    }
  }
  return FamiliarRavenPanel;
}

let panel = null;

/** The one panel of this client, created on first use (the classes exist only once Foundry has started). */
function ravenPanel() {
  if (!panel) {
    const v2 = applicationV2();
    const Panel = v2 ? defineV2Panel(v2) : defineV1Panel();
    panel = new Panel();
    registerPanelApp(panel);
  }
  return panel;
}

/** The window's own close button (or Foundry's Escape) tells the machine, whose view then closes the panel. */
function reportClose() {
  const raven = panelRaven();
  if (!raven || !machinePanel()) return false;
  raven.dispatch({ type: "closePanel" }).catch(reportFailure);
  return true;
}

/** Resolves once the app has rendered (the v1 Application's `render` returns before it has). */
function renderApp(app) {
  const rendered = new Promise((resolve) => Hooks.once(`render${app.constructor.name}`, () => resolve(app)));
  app.render(true);
  return rendered;
}

/**
 * Makes the panel match the machine's panel view model: closed when it is null, else open on its view. Resolves
 * once the panel is drawn (or closed), so focus effects can follow.
 */
export async function syncPanel(panelView) {
  if (!panelView) {
    aboutSelected = false;
    renderedFrom = null;
    if (!panel?.rendered) return null;
    closingForRaven = true;
    try {
      return await panel.close();
    } finally {
      closingForRaven = false;
    }
  }
  const shown = displayed(panelView);
  const shape = { tabs: JSON.stringify(shown.tabs.map(({ id, label }) => ({ id, label }))), view: shown.view };
  const app = ravenPanel();
  const root = panelRoot();
  if (root && shape.tabs === renderedFrom?.tabs) {
    patchBadges(root, shown.tabs);
    const switched = shape.view !== renderedFrom.view;
    // Noted before the drawing awaits its template, so the machine's sync and the tab's own do not both draw it.
    renderedFrom = shape;
    if (switched) await switchView(app, root, shown);
    return app;
  }
  renderedFrom = shape;
  return renderApp(app);
}

/** Counts the switches in place, so only the latest one's drawing lands. */
let viewSwitches = 0;

/** Views drawn again each time they are shown: their figures are live (providers' health, the index, use today). */
const REDRAWN_VIEWS = new Set(["status"]);

/** The tabpanel on show; the panel keeps the others it has drawn since it opened, hidden. */
export const SHOWN_VIEW = ".familiar-panel__view:not([hidden])";

/** Another tab of the same set: the window is not rendered again. A view drawn before since the panel opened is
 * only shown again, with what it held (a half-filled form, an answer still streaming); any other is drawn into a
 * new tabpanel beside the kept ones. Rendering the whole window cost a frame or more at 4× CPU throttling, and
 * drawing a view again about five (BENCHMARKS.md, Raven: frames). */
async function switchView(app, root, shown) {
  if (!root.querySelector(".familiar-panel__view")) return renderApp(app);
  const switching = ++viewSwitches;
  let section = viewSection(root, shown.view);
  const draw = !section || REDRAWN_VIEWS.has(shown.view);
  if (draw) {
    const html = await renderTemplate(templatePath(`views/${shown.view}.hbs`), panelContext());
    // A later switch began while this template rendered: its view is the one to show.
    if (switching !== viewSwitches) return;
    section = viewSection(root, shown.view) ?? newViewSection(root, shown.view);
    section.innerHTML = html;
  }
  for (const kept of root.querySelectorAll(".familiar-panel__view")) kept.hidden = kept !== section;
  for (const tab of shown.tabs) {
    const button = root.querySelector(`[data-familiar-view="${tab.id}"]`);
    button?.setAttribute("aria-selected", String(tab.active));
    button?.setAttribute("tabindex", tab.active ? "0" : "-1");
  }
  app.setPosition({ height: "auto" });
  if (draw) viewDrawn(shown.view);
}

function viewSection(root, view) {
  return root.querySelector(`#familiar-view-${view}`);
}

/** A tabpanel as the panel's template writes one, after the last kept one. */
function newViewSection(root, view) {
  const section = document.createElement("section");
  section.className = "familiar-panel__view";
  section.id = `familiar-view-${view}`;
  section.setAttribute("role", "tabpanel");
  section.setAttribute("aria-labelledby", `familiar-tab-${view}`);
  [...root.querySelectorAll(".familiar-panel__view")].at(-1).after(section);
  return section;
}

/** Badges come and go without a re-render, which would throw away what the view on show holds (its form, its
 * results): each tab's badge is put in or taken out where it is. */
function patchBadges(root, tabs) {
  for (const tab of tabs) {
    const button = root.querySelector(`[data-familiar-view="${tab.id}"]`);
    if (!button) continue;
    const words = button.querySelector(".familiar-visually-hidden");
    if (!tab.badge) {
      button.querySelector(".familiar-panel__badge")?.remove();
      words?.remove();
      continue;
    }
    if (!words) {
      const dot = document.createElement("span");
      dot.className = "familiar-panel__badge";
      dot.setAttribute("aria-hidden", "true");
      const hidden = document.createElement("span");
      hidden.className = "familiar-visually-hidden";
      button.append(dot, hidden);
    }
    button.querySelector(".familiar-visually-hidden").textContent = ` ${game.i18n.localize(tab.badge)}`;
  }
}

/** Opens the panel (on `view` when given) as a click on the raven would. */
export async function openPanel(view) {
  const raven = panelRaven();
  if (!raven) return null;
  if (view === ABOUT) return selectTab(ABOUT);
  if (view) return selectTab(view);
  if (!machinePanel()) await raven.dispatch({ type: "click" });
  return panel;
}

export async function closePanel() {
  const raven = panelRaven();
  if (raven && machinePanel()) await raven.dispatch({ type: "closePanel" });
}

/** The scene-control button: the same as a click on the raven. */
export async function togglePanel() {
  await panelRaven()?.dispatch({ type: "click" });
}
