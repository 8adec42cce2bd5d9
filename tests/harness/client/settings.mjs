// game.settings, following foundryvtt.com/api/classes/foundry.helpers.ClientSettings.html and
// foundryvtt.wiki/en/development/api/settings:
//  - world scope: stored by the server, readable by every client, written by GMs/assistants;
//    onChange(value, options, userId) runs on every connected client.
//  - client scope: this browser's localStorage under "<namespace>.<key>"; onChange runs locally.
//  - user scope (v13, CONST.SETTING_SCOPES): stored by the server per user.
//  - world and user values are Setting documents: their first write fires createSetting, later ones updateSetting,
//    on every client, after onChange (foundryvtt.com/api/classes/foundry.documents.Setting.html and the document
//    hooks on foundryvtt.com/api/modules/hookEvents.html); client values have no document and no hook.
// Values travel as JSON strings and are cast back through the registered `type`.
import { deepClone } from "./utils.mjs";
import { Hooks } from "./hooks.mjs";

function cast(type, raw) {
  if (raw === undefined) return undefined;
  let v;
  try {
    v = JSON.parse(raw);
  } catch {
    v = raw;
  }
  if (type === Number) return Number(v);
  if (type === Boolean) return Boolean(v);
  if (type === String) return v === null ? v : String(v);
  if (typeof type === "function" && ![Object, Array].includes(type)) {
    try {
      return type.prototype?.constructor === type && /^class\s/.test(Function.prototype.toString.call(type)) ? new type(v) : type(v);
    } catch {
      return v;
    }
  }
  return v;
}

/**
 * The world's stored settings (`game.settings.storage.get("world")`): Foundry's WorldSettings collection of Setting
 * documents, whose `getSetting(key)` returns the document a GM may `delete()`
 * (foundryvtt.com/api/classes/foundry.documents.collections.WorldSettings.html). Here a Map of key → stored JSON
 * with that one method; the document is `{key, value, delete()}`.
 */
class WorldSettings extends Map {
  #deleteSetting;
  constructor(entries, deleteSetting) {
    super(entries);
    this.#deleteSetting = deleteSetting;
  }
  getSetting(key) {
    if (!this.has(key)) return undefined;
    return { id: key, key, value: this.get(key), delete: () => this.#deleteSetting(key) };
  }
}

export class ClientSettings {
  constructor({ request, features, storedSettings, getUser, isReady }) {
    this.settings = new Map();
    this.menus = new Map();
    this.storage = new Map([
      ["client", window.localStorage],
      ["world", new WorldSettings(storedSettings.filter((s) => s.user === null).map((s) => [s.key, s.value]), (key) => this.#deleteWorld(key))],
      ["user", new Map(storedSettings.filter((s) => s.user !== null).map((s) => [s.key, s.value]))],
    ]);
    this._request = request;
    this._features = features;
    this._getUser = getUser;
    this._isReady = isReady;
  }

  register(namespace, key, data) {
    if (!namespace || !key) throw new Error("You must specify both namespace and key portions of the setting");
    const scopes = ["world", "client", ...(this._features.userScopeSettings ? ["user"] : [])];
    const scope = data.scope ?? "client";
    if (!scopes.includes(scope)) throw new Error(`Invalid setting scope "${scope}" for ${namespace}.${key}`);
    this.settings.set(`${namespace}.${key}`, { ...data, scope, key, namespace, id: `${namespace}.${key}` });
  }

  registerMenu(namespace, key, data) {
    if (!namespace || !key) throw new Error("You must specify both namespace and key portions of the menu");
    this.menus.set(`${namespace}.${key}`, { ...data, key, namespace });
  }

  #config(namespace, key) {
    const id = `${namespace}.${key}`;
    const config = this.settings.get(id);
    if (!config) throw new Error(`"${id}" is not a registered game setting`);
    return config;
  }

  get(namespace, key) {
    const config = this.#config(namespace, key);
    if (config.scope !== "client" && !this._isReady()) {
      throw new Error(`The setting "${config.id}" cannot be read before the "setup" hook in this version`);
    }
    const raw = config.scope === "client" ? this.storage.get("client").getItem(config.id) ?? undefined : this.storage.get(config.scope).get(config.id);
    const value = raw === undefined ? deepClone(config.default) : cast(config.type, raw);
    return value;
  }

  async set(namespace, key, value, options = {}) {
    const config = this.#config(namespace, key);
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error(`The value of "${config.id}" must be JSON-serialisable`);
    if (config.scope === "client") {
      this.storage.get("client").setItem(config.id, json);
    } else {
      await this._request("harness.settings.set", { key: config.id, value: json, scope: config.scope });
    }
    const existed = config.scope !== "client" && this.storage.get(config.scope).has(config.id);
    if (config.scope !== "client") this.storage.get(config.scope).set(config.id, json);
    const cast_ = cast(config.type, json);
    const userId = this._getUser()?.id ?? null;
    this.#onChange(config, cast_, options, userId);
    if (config.scope !== "client") this.#documentHook(existed, config.id, json, options, userId);
    return cast_;
  }

  /** Deletes a world setting's document through the server; the setting reads its default again. */
  async #deleteWorld(key) {
    await this._request("harness.settings.delete", { key });
    this._applyRemoteDelete({ key, scope: "world", userId: this._getUser()?.id ?? null });
  }

  /** A world setting deleted (here or by another client): deleteSetting fires as for the document. */
  _applyRemoteDelete({ key, scope, userId }) {
    const value = this.storage.get(scope)?.get(key);
    if (!this.storage.get(scope)?.delete(key)) return;
    Hooks.callAll("deleteSetting", { key, value, id: key }, {}, userId);
  }

  /** A change pushed by the server for a world or user setting. */
  _applyRemote({ key, value, scope, userId }) {
    const existed = this.storage.get(scope)?.has(key) ?? false;
    this.storage.get(scope)?.set(key, value);
    const config = this.settings.get(key);
    if (config) this.#onChange(config, cast(config.type, value), {}, userId);
    this.#documentHook(existed, key, value, {}, userId);
  }

  /** createSetting / updateSetting with a Setting-like document `{key, value}` (value as the stored JSON). */
  #documentHook(existed, key, value, options, userId) {
    const setting = { key, value, id: key };
    if (existed) Hooks.callAll("updateSetting", setting, { value }, options, userId);
    else Hooks.callAll("createSetting", setting, options, userId);
  }

  #onChange(config, value, options, userId) {
    if (typeof config.onChange !== "function") return;
    try {
      config.onChange(value, options, userId);
    } catch (err) {
      console.error(err);
    }
  }
}
