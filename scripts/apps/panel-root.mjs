/**
 * Where the raven's panel lives. On v14 a window can be detached into a browser window of its own (ApplicationV2's
 * `detached` render option, foundryvtt.com/api/v14/interfaces/foundry.applications.types.ApplicationWindowRenderOptions.html),
 * and its element then belongs to that window's document, so the panel and its views find their elements from
 * the application's own element, never through the main page's `document`.
 */

// Element ids keep the `familiar-` prefix of every class and id the module draws (only Foundry-keyed names follow the
// package id).
export const PANEL_ID = "familiar-panel";

let panelApp = null;

/** Called once by the panel module with its one application. */
export function registerPanelApp(app) {
  panelApp = app;
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
