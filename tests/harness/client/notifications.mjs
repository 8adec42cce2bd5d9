// ui.notifications, following foundryvtt.com/api/classes/foundry.applications.ui.Notifications.html:
// info/warn/error (+ success and {progress: true} handles with update({pct, message}) on v13),
// options localize/format/permanent/console, at most MAX_ACTIVE shown, each for LIFETIME_MS.
// Every notification is also kept in window.__harness.notifications for tests.
import { log } from "./log.mjs";
import { escapeHTML } from "./utils.mjs";

export class Notifications {
  static MAX_ACTIVE = 5;
  static LIFETIME_MS = 5000;

  constructor({ features, i18n }) {
    this._features = features;
    this._i18n = i18n;
    this._nextId = 1;
    this.active = [];
    this.queue = [];
    this.element = document.getElementById("notifications");
    if (features.notifySuccess) this.success = (message, options) => this.notify(message, "success", options);
  }

  info(message, options) {
    return this.notify(message, "info", options);
  }
  warn(message, options) {
    return this.notify(message, "warning", options);
  }
  error(message, options) {
    return this.notify(message, "error", options);
  }

  notify(message, type = "info", { localize = false, format, permanent = false, progress = false, console: toConsole = true } = {}) {
    let text = String(message instanceof Error ? message.message : message);
    if (format) text = this._i18n().format(text, format);
    else if (localize) text = this._i18n().localize(text);
    const wantsProgress = progress && this._features.notifyProgress;
    const n = { id: this._nextId++, type, message: text, permanent, progress: wantsProgress, pct: 0, timestamp: Date.now(), active: false, console: toConsole };
    const record = { id: n.id, type, message: text, permanent, progress: wantsProgress, pct: 0, updates: [] };
    log.notifications.push(record);
    // The console option is documented on v13; we assume the same logging on earlier versions.
    if (toConsole) console[{ error: "error", warning: "warn" }[type] ?? "info"](text);
    if (wantsProgress) {
      n.update = ({ pct, message: m, localize: loc = false, format: fmt } = {}) => {
        if (typeof pct === "number") n.pct = Math.max(0, Math.min(1, pct));
        if (m) n.message = fmt ? this._i18n().format(m, fmt) : loc ? this._i18n().localize(m) : m;
        record.pct = n.pct;
        record.message = n.message;
        record.updates.push({ pct: n.pct, message: n.message });
        this.#paint(n);
        if (n.pct >= 1) setTimeout(() => n.remove(), Notifications.LIFETIME_MS);
      };
    }
    n.remove = () => this.#remove(n);
    this.queue.push(n);
    this.#fetch();
    if (!this._features.notifyReturnsObject) return n.id;
    return n;
  }

  clear() {
    for (const n of [...this.active]) this.#remove(n);
    this.queue = [];
  }

  #fetch() {
    while (this.active.length < Notifications.MAX_ACTIVE && this.queue.length) {
      const n = this.queue.shift();
      n.active = true;
      n.element = document.createElement("li");
      n.element.className = `notification ${n.type}`;
      n.element.dataset.notificationId = String(n.id);
      n.element.setAttribute("role", n.type === "error" ? "alert" : "status");
      this.element?.append(n.element);
      this.active.push(n);
      this.#paint(n);
      if (!n.permanent && !n.progress) setTimeout(() => this.#remove(n), Notifications.LIFETIME_MS);
    }
  }

  #paint(n) {
    if (!n.element) return;
    n.element.innerHTML = `<span class="message">${escapeHTML(n.message)}</span>${n.progress ? `<progress max="1" value="${n.pct}"></progress>` : ""}`;
  }

  #remove(n) {
    const i = this.active.indexOf(n);
    if (i >= 0) this.active.splice(i, 1);
    n.active = false;
    n.element?.remove();
    this.#fetch();
  }
}
