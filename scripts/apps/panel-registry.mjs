/**
 * What the raven's panel shares with its views, so a view never imports the panel (which imports every view): the
 * panel's element, the signal that a view was drawn, and the raven's state machine the Ask view's work goes to. The
 * panel registers its application and its raven here; the views only read.
 *
 * On v14 a window can be detached into a browser window of its own (ApplicationV2's `detached` render option,
 * foundryvtt.com/api/v14/interfaces/foundry.applications.types.ApplicationWindowRenderOptions.html), and its element
 * then belongs to that window's document, so the panel and its views find their elements from the application's own
 * element, never through the main page's `document`.
 */

// Element ids keep the `familiar-` prefix of every class and id the module draws (only Foundry-keyed names follow the
// package id).
export const PANEL_ID = "familiar-panel";
/** The panel application's render hook (Foundry's `render<ClassName>`). */
const RENDER_HOOK = "renderFamiliarRavenPanel";
/** Called with the view's id after a view is switched in place (no render hook then). */
const VIEW_DRAWN_HOOK = "familiarPanelViewDrawn";

let panelApp = null;
/** The raven the panel renders: `{dispatch(event) → Promise<result>, view() → view model}`, or null. */
let raven = null;

/** Called once by the panel module with its one application. */
export function registerPanelApp(app) {
  panelApp = app;
}

/** Called by the panel when a raven comes or goes. */
export function registerRaven(connection) {
  raven = connection;
}

/** The raven the panel renders, or null. */
export function panelRaven() {
  return raven;
}

/** The panel's root element while it is rendered (the v1 Application hands out jQuery), else null. */
export function panelRoot() {
  if (!panelApp?.rendered) return null;
  const element = panelApp.element;
  return (element?.jquery ? element[0] : element) ?? null;
}

/** The first element under the rendered panel that matches `selector`, wherever the panel lives. */
export function inPanel(selector) {
  return panelRoot()?.querySelector(selector) ?? null;
}

/** A failure of the panel or of a view's work: logged and shown. */
export function reportFailure(error) {
  console.error("Familiar |", error);
  ui.notifications.error(error?.message ?? String(error));
}

/** Called by the panel after it drew `view` by a switch in place. */
export function viewDrawn(view) {
  Hooks.callAll(VIEW_DRAWN_HOOK, view);
}

/** Calls `callback` after each drawing of a view: a render of the panel, or a view first drawn (or, for Status,
 * drawn again) by a switch in place; a kept view shown again is not drawn. Returns the function that stops it. */
export function onViewDrawn(callback) {
  const rendered = Hooks.on(RENDER_HOOK, () => callback());
  const switched = Hooks.on(VIEW_DRAWN_HOOK, () => callback());
  return () => {
    Hooks.off(RENDER_HOOK, rendered);
    Hooks.off(VIEW_DRAWN_HOOK, switched);
  };
}

/** The Ask view's question as the machine's work: resolves with the id its answer events carry, or null when the
 * machine did not start it (no raven, or the panel is not on Ask). */
export async function startRavenWork(question) {
  const result = await raven?.dispatch({ type: "submit", question });
  return result?.effects?.find((effect) => effect.type === "startWork")?.id ?? null;
}

/** How that question ended: `answerDone`, `providerError` or `cancelWork`, each with its id. */
export function endRavenWork(event) {
  if (event.id === null || event.id === undefined || !raven) return Promise.resolve(null);
  return raven.dispatch(event).catch(reportFailure);
}
