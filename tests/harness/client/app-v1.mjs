// The original Application (v1), following foundryvtt.com/api/v10/classes/client.Application.html:
// static defaultOptions merged by subclasses, getData, activateListeners(html: jQuery),
// render(force, options) returning the app synchronously while rendering asynchronously,
// a window frame with header/title/close, and hooks render<ClassName>(app, html, data) and
// close<ClassName>(app, html) for every class in the inheritance chain. From v13 constructing one logs Foundry's
// deprecation warning (foundryvtt.com/api/v14/classes/foundry.appv1.api.Application.html, "since v13"; the
// wording, since 13 and until 16, as v14 consoles print it in public module issues).
import { Hooks } from "./hooks.mjs";
import { mergeObject, escapeHTML, logCompatibilityWarning } from "./utils.mjs";
import { ClientFeatures } from "./log.mjs";
import { renderTemplate } from "./templates.mjs";

let nextAppId = 1;
export const windows = {};

export class Application {
  static RENDER_STATES = { ERROR: -3, CLOSING: -2, CLOSED: -1, NONE: 0, RENDERING: 1, RENDERED: 2 };

  constructor(options = {}) {
    if (ClientFeatures.appV1Deprecated) {
      logCompatibilityWarning("The V1 Application framework is deprecated, and will be removed in a later core software version. Please use the V2 version of the Application framework available under foundry.applications.api.ApplicationV2.", { since: 13, until: 16, once: true });
    }
    this.options = mergeObject(this.constructor.defaultOptions, options, { inplace: false });
    this.appId = nextAppId++;
    this._element = null;
    this._state = Application.RENDER_STATES.NONE;
    this.position = { width: this.options.width, height: this.options.height, left: this.options.left, top: this.options.top, scale: this.options.scale };
  }

  static get defaultOptions() {
    return {
      baseApplication: null, width: null, height: null, top: null, left: null, scale: null, popOut: true,
      minimizable: true, resizable: false, id: "", classes: [], dragDrop: [], tabs: [], filters: [], title: "",
      template: null, scrollY: [],
    };
  }

  get id() {
    return this.options.id || `app-${this.appId}`;
  }
  get element() {
    return this._element ?? $(`[data-appid="${this.appId}"]`);
  }
  get template() {
    return this.options.template;
  }
  get popOut() {
    return this.options.popOut ?? true;
  }
  get rendered() {
    return this._state === Application.RENDER_STATES.RENDERED;
  }
  get title() {
    return game.i18n.localize(this.options.title);
  }

  getData(options = {}) {
    return { options: this.options };
  }

  activateListeners(html) {}

  render(force = false, options = {}) {
    this._render(force, options).catch((err) => {
      this._state = Application.RENDER_STATES.ERROR;
      Hooks.onError("Application#render", err, { msg: `An error occurred while rendering ${this.constructor.name} ${this.appId}`, log: "error" });
    });
    return this;
  }

  async _render(force = false, options = {}) {
    const S = Application.RENDER_STATES;
    if (!force && this._state <= S.NONE) return;
    if ([S.RENDERING, S.CLOSING].includes(this._state)) return;
    const wasRendered = this.rendered;
    this._state = S.RENDERING;
    const data = await this.getData(this.options);
    const inner = await this._renderInner(data);
    if (wasRendered && this._element) {
      this._element.find(".window-content").empty().append(inner);
    } else {
      this._element = this.popOut ? this._renderOuter() : inner;
      if (this.popOut) this._element.find(".window-content").append(inner);
      document.body.append(this._element[0]);
      windows[this.appId] = this;
    }
    this.setPosition(this.position);
    this.activateListeners(inner);
    this._state = S.RENDERED;
    this._callHooks((cls) => `render${cls.name}`, inner, data);
  }

  async _renderInner(data) {
    if (!this.template) throw new Error(`No template defined for Application ${this.constructor.name}`);
    const html = await renderTemplate(this.template, data);
    return $($.parseHTML(html.trim()));
  }

  _renderOuter() {
    const classes = ["app", "window-app", ...this.options.classes].map(escapeHTML).join(" ");
    const frame = $(`<div id="${escapeHTML(this.id)}" class="${classes}" data-appid="${this.appId}" role="dialog" aria-label="${escapeHTML(this.title)}">
<header class="window-header flexrow"><h4 class="window-title">${escapeHTML(this.title)}</h4>
<a class="header-button control close" role="button" tabindex="0"><i class="fas fa-times" aria-hidden="true"></i>Close</a></header>
<section class="window-content"></section></div>`);
    frame.find(".header-button.close").on("click", (ev) => {
      ev.preventDefault();
      this.close();
    });
    return frame;
  }

  setPosition({ left, top, width, height } = {}) {
    const el = this._element?.[0];
    if (!el || !this.popOut) return;
    const w = Number.isFinite(width) ? width : el.offsetWidth || 400;
    el.style.width = `${w}px`;
    if (Number.isFinite(height)) el.style.height = `${height}px`;
    el.style.left = `${Number.isFinite(left) ? left : Math.max(0, (window.innerWidth - w) / 2)}px`;
    el.style.top = `${Number.isFinite(top) ? top : Math.max(0, (window.innerHeight - (el.offsetHeight || 300)) / 2)}px`;
    Object.assign(this.position, { left, top, width, height });
    return this.position;
  }

  async close(options = {}) {
    const S = Application.RENDER_STATES;
    if (!this.rendered) return;
    this._state = S.CLOSING;
    const el = this.element;
    this._callHooks((cls) => `close${cls.name}`, el);
    el.remove();
    delete windows[this.appId];
    this._element = null;
    this._state = S.CLOSED;
  }

  bringToTop() {}

  _callHooks(name, ...args) {
    for (let cls = this.constructor; cls && cls !== Object && cls.name; cls = Object.getPrototypeOf(cls)) {
      Hooks.callAll(name(cls), this, ...args);
      if (cls === Application) break;
    }
  }
}

/** FormApplication exists on every profile; the harness gives it only Application's behaviour. */
export class FormApplication extends Application {
  constructor(object = {}, options = {}) {
    super(options);
    this.object = object;
  }
}
