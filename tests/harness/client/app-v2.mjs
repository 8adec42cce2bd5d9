// ApplicationV2 and HandlebarsApplicationMixin (v12+), following
// foundryvtt.com/api/modules/foundry.applications.html and foundryvtt.wiki/en/development/api/applicationv2:
// static DEFAULT_OPTIONS merged along the class chain; {id, classes, tag, window {title, icon,
// resizable, frame}, position, actions}; render(options | true) returning a Promise of the app;
// _prepareContext, _onFirstRender, _onRender, close(); click dispatch for [data-action] with
// `this` bound to the app; hooks render<ClassName>(app, element, context, options) and
// close<ClassName>(app) for every class in the chain. No jQuery anywhere.
// v14: a window can be detached into a browser window of its own: the `detached` render option and
// `detachWindow()` / `attachWindow()` (foundryvtt.com/api/v14/interfaces/foundry.applications.types.ApplicationWindowRenderOptions.html:
// "Pass false to attach to the main application, or true to detach into a new window"). The element is then
// adopted into that window's document, with the page's stylesheets copied there (foundryvtt/foundryvtt issue
// 13128); the module's code still runs in the main window. Closing the detached window closes the application
// (guess: no page says whether Foundry re-attaches it instead).
import { Hooks } from "./hooks.mjs";
import { ClientFeatures } from "./log.mjs";
import { mergeObject, deepClone, escapeHTML } from "./utils.mjs";
import { renderTemplate, loadTemplates } from "./templates.mjs";

let nextId = 1;
export const instances = new Map();

export class ApplicationV2 {
  static RENDER_STATES = { ERROR: -3, CLOSING: -2, CLOSED: -1, NONE: 0, RENDERING: 1, RENDERED: 2 };
  static BASE_APPLICATION = ApplicationV2;

  static DEFAULT_OPTIONS = {
    id: "app-{id}",
    classes: [],
    tag: "div",
    window: { frame: true, positioned: true, title: "", icon: false, controls: [], minimizable: true, resizable: false, contentTag: "section", contentClasses: [] },
    actions: {},
    form: { handler: undefined, submitOnChange: false, closeOnSubmit: false },
    position: {},
  };

  static get inheritanceChain() {
    const chain = [];
    for (let cls = this; cls && cls !== Object.getPrototypeOf(ApplicationV2); cls = Object.getPrototypeOf(cls)) chain.push(cls);
    return chain;
  }

  constructor(options = {}) {
    const merged = {};
    for (const cls of [...this.constructor.inheritanceChain].reverse()) {
      if (Object.prototype.hasOwnProperty.call(cls, "DEFAULT_OPTIONS")) mergeObject(merged, deepClone(cls.DEFAULT_OPTIONS));
    }
    mergeObject(merged, options);
    merged.classes = [...new Set(merged.classes)];
    this.options = Object.freeze(merged);
    this.#id = merged.id.replace("{id}", String(nextId++));
    this.position = { ...merged.position };
    this.#state = ApplicationV2.RENDER_STATES.NONE;
  }

  #id;
  #state;
  #element = null;
  #content = null;
  #detachedWindow = null;

  /** v14: the browser window this application was detached into, or null while it lives in the main one. */
  get detachedWindow() {
    return this.#detachedWindow;
  }

  /** v14: moves the rendered element into a new browser window of its own. */
  async detachWindow() {
    if (!ClientFeatures.detachedWindows) throw new Error("ApplicationV2#detachWindow is not available before v14");
    if (!this.#element || this.#detachedWindow) return this;
    const win = window.open("", `detached-${this.#id}`, "popup,width=720,height=800");
    if (!win) throw new Error(`The browser refused to open a window for "${this.#id}"`);
    for (const sheet of document.querySelectorAll('link[rel="stylesheet"]')) win.document.head.append(win.document.importNode(sheet));
    win.document.title = this.title;
    win.document.body.className = document.body.className;
    win.document.body.append(this.#element);
    this.#detachedWindow = win;
    win.addEventListener("pagehide", () => {
      if (this.#detachedWindow === win) this.close();
    });
    Hooks.callAll("detachWindow", this, win);
    return this;
  }

  /** v14: brings a detached element back into the main window. */
  async attachWindow() {
    const win = this.#detachedWindow;
    if (!win) return this;
    this.#detachedWindow = null;
    document.body.append(this.#element);
    win.close();
    return this;
  }

  get id() {
    return this.#id;
  }
  get element() {
    return this.#element;
  }
  get hasFrame() {
    return this.options.window.frame !== false;
  }
  get state() {
    return this.#state;
  }
  get rendered() {
    return this.#state === ApplicationV2.RENDER_STATES.RENDERED;
  }
  get title() {
    return game.i18n.localize(this.options.window.title ?? "");
  }
  get window() {
    const el = this.#element;
    return { header: el?.querySelector(".window-header"), title: el?.querySelector(".window-title"), close: el?.querySelector('[data-action="close"]'), content: this.#content };
  }
  get classList() {
    return this.#element?.classList;
  }

  async render(options = {}, _legacy = {}) {
    if (typeof options === "boolean") options = { ..._legacy, force: options };
    const S = ApplicationV2.RENDER_STATES;
    if (!options.force && this.#state <= S.NONE) return this;
    if (this.#state === S.RENDERING || this.#state === S.CLOSING) return this;
    const first = this.#state <= S.NONE;
    options = { ...options, isFirstRender: first };
    this.#state = S.RENDERING;
    try {
      await this._preFirstRender?.({}, options);
      const context = await this._prepareContext(options);
      const result = await this._renderHTML(context, options);
      if (first) {
        this.#element = this._renderFrame(options);
        this.#content = this.hasFrame ? this.#element.querySelector(".window-content") : this.#element;
        this.#element.addEventListener("click", (ev) => this.#dispatchAction(ev));
      }
      this._replaceHTML(result, this.#content, options);
      if (first) {
        document.body.append(this.#element);
        instances.set(this.#id, this);
        await this._onFirstRender(context, options);
      }
      this.setPosition(this.position);
      this.#state = S.RENDERED;
      await this._onRender(context, options);
      this.#callHooks((cls) => `render${cls.name}`, this.#element, context, options);
      if (options.detached === true) await this.detachWindow();
      else if (options.detached === false) await this.attachWindow();
    } catch (err) {
      this.#state = S.ERROR;
      throw new Error(`Failed to render Application "${this.#id}":\n${err.message}`, { cause: err });
    }
    return this;
  }

  async _prepareContext(options) {
    return {};
  }
  async _onFirstRender(context, options) {}
  async _onRender(context, options) {}
  async _renderHTML(context, options) {
    return undefined;
  }
  _replaceHTML(result, content, options) {
    if (result instanceof HTMLElement) content.replaceChildren(result);
    else if (typeof result === "string") content.innerHTML = result;
  }

  _renderFrame(options) {
    const el = document.createElement(this.options.tag);
    el.id = this.#id;
    el.classList.add("application", ...this.options.classes);
    if (!this.hasFrame) return el;
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-label", this.title);
    const icon = this.options.window.icon ? `<i class="window-icon ${escapeHTML(this.options.window.icon)}" aria-hidden="true"></i>` : "";
    const contentTag = this.options.window.contentTag ?? "section";
    el.innerHTML = `<header class="window-header">${icon}<h1 class="window-title">${escapeHTML(this.title)}</h1>
<button type="button" class="header-control fa-solid fa-xmark" data-action="close" aria-label="${escapeHTML(game.i18n.localize("APPLICATION.TOOLS.Close") === "APPLICATION.TOOLS.Close" ? "Close Window" : game.i18n.localize("APPLICATION.TOOLS.Close"))}"></button></header>
<${contentTag} class="window-content"></${contentTag}>`;
    return el;
  }

  setPosition(position = {}) {
    const el = this.#element;
    if (!el || this.#detachedWindow || !this.hasFrame || this.options.window.positioned === false) return this.position;
    Object.assign(this.position, position);
    const { width, height, left, top } = this.position;
    if (Number.isFinite(width)) el.style.width = `${width}px`;
    if (Number.isFinite(height)) el.style.height = `${height}px`;
    const w = el.offsetWidth || width || 400;
    const h = el.offsetHeight || 300;
    el.style.left = `${Number.isFinite(left) ? left : Math.max(0, (window.innerWidth - w) / 2)}px`;
    el.style.top = `${Number.isFinite(top) ? top : Math.max(0, (window.innerHeight - h) / 2)}px`;
    return this.position;
  }

  async close(options = {}) {
    const S = ApplicationV2.RENDER_STATES;
    if (this.#state !== S.RENDERED && this.#state !== S.ERROR) return this;
    this.#state = S.CLOSING;
    this._onClose?.(options);
    this.#callHooks((cls) => `close${cls.name}`);
    this.#element?.remove();
    const win = this.#detachedWindow;
    this.#detachedWindow = null;
    win?.close();
    instances.delete(this.#id);
    this.#element = null;
    this.#content = null;
    this.#state = S.CLOSED;
    return this;
  }

  #dispatchAction(event) {
    const target = event.target.closest("[data-action]");
    if (!target || !this.#element.contains(target)) return;
    const action = target.dataset.action;
    let handler = this.options.actions[action];
    if (handler && typeof handler === "object") handler = handler.handler;
    if (typeof handler === "function") {
      handler.call(this, event, target);
      return;
    }
    if (action === "close") {
      event.preventDefault();
      this.close();
    }
  }

  #callHooks(name, ...args) {
    for (const cls of this.constructor.inheritanceChain) Hooks.callAll(name(cls), this, ...args);
  }
}

/**
 * HandlebarsApplicationMixin: static PARTS {id: {template}} rendered with renderTemplate; each
 * part must render exactly one root element, which gets data-application-part="<id>".
 */
export function HandlebarsApplicationMixin(Base) {
  return class HandlebarsApplication extends Base {
    static PARTS = {};

    async _preFirstRender(context, options) {
      await super._preFirstRender?.(context, options);
      const templates = Object.values(this.constructor.PARTS).flatMap((p) => [p.template, ...(p.templates ?? [])]).filter(Boolean);
      await loadTemplates(templates);
    }

    async _preparePartContext(partId, context, options) {
      return context;
    }

    async _renderHTML(context, options) {
      const rendered = {};
      const partIds = options.parts ?? Object.keys(this.constructor.PARTS);
      for (const partId of partIds) {
        const part = this.constructor.PARTS[partId];
        if (!part) continue;
        const partContext = await this._preparePartContext(partId, { ...context }, options);
        const html = await renderTemplate(part.template, partContext);
        const t = document.createElement("template");
        t.innerHTML = html.trim();
        const roots = [...t.content.children];
        if (roots.length !== 1) throw new Error(`Template part "${partId}" must render a single HTML element.`);
        roots[0].dataset.applicationPart = partId;
        if (part.classes) roots[0].classList.add(...part.classes);
        rendered[partId] = roots[0];
      }
      return rendered;
    }

    _replaceHTML(result, content, options) {
      for (const [partId, el] of Object.entries(result)) {
        const prior = content.querySelector(`[data-application-part="${partId}"]`);
        if (prior) prior.replaceWith(el);
        else content.append(el);
      }
    }
  };
}
