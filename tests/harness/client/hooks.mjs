// Hooks, following foundryvtt.com/api/classes/foundry.helpers.Hooks.html and
// foundryvtt.com/api/v11/interfaces/client.HookedFunction.html: on/once return an id,
// off takes the id or the function, call stops at the first `false`, callAll never stops.
// Hooks are never awaited (foundryvtt.com/api/modules/hookEvents.html). A throwing callback
// is logged with console.error and the next callback still runs.

/** For tests: how often each hook was called (call or callAll), so a footprint test sees a module's own hooks. */
export const hooksCalled = new Map();
const counted = (hook) => hooksCalled.set(hook, (hooksCalled.get(hook) ?? 0) + 1);

export class Hooks {
  static #events = {};
  static #ids = new Map();
  static #nextId = 1;

  static get events() {
    return Hooks.#events;
  }

  static on(hook, fn, { once = false } = {}) {
    if (typeof fn !== "function") throw new Error(`Hooks.on("${hook}") needs a function`);
    const id = Hooks.#nextId++;
    const entry = { hook, id, fn, once };
    (Hooks.#events[hook] ??= []).push(entry);
    Hooks.#ids.set(id, entry);
    return id;
  }

  static once(hook, fn) {
    return Hooks.on(hook, fn, { once: true });
  }

  static off(hook, fn) {
    let entry;
    if (typeof fn === "number") {
      entry = Hooks.#ids.get(fn);
      if (!entry || entry.hook !== hook) return;
    } else entry = Hooks.#events[hook]?.find((e) => e.fn === fn);
    if (!entry) return;
    Hooks.#ids.delete(entry.id);
    const list = Hooks.#events[hook] ?? [];
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) delete Hooks.#events[hook];
  }

  static callAll(hook, ...args) {
    counted(hook);
    for (const entry of [...(Hooks.#events[hook] ?? [])]) Hooks.#run(entry, args);
    return true;
  }

  static call(hook, ...args) {
    counted(hook);
    for (const entry of [...(Hooks.#events[hook] ?? [])]) {
      if (Hooks.#run(entry, args) === false) return false;
    }
    return true;
  }

  static #run(entry, args) {
    if (entry.once) Hooks.off(entry.hook, entry.id);
    try {
      return entry.fn(...args);
    } catch (err) {
      Hooks.onError("Hooks.#call", err, { msg: `Error thrown in hooked function '${entry.fn.name}' for hook '${entry.hook}'`, log: "error" });
    }
  }

  static onError(location, error, { msg = "", log = null, notify = null } = {}) {
    if (!(error instanceof Error)) return;
    if (msg) error.message = `${msg}. ${error.message}`;
    if (log) console[log](error);
    if (notify && globalThis.ui?.notifications) globalThis.ui.notifications[notify](msg || error.message);
    Hooks.callAll("error", location, error, { msg, log, notify });
  }
}
