// User documents and game.users, following foundryvtt.com/api/classes/foundry.documents.User.html:
// role (CONST.USER_ROLES), isGM (ASSISTANT or above), active, color, character, hasRole, can, flags with
// getFlag/setFlag/unsetFlag and update (written through the server, which lets a user update only their own User
// unless a GM, and fires updateUser on every client);
// on v13, User#query(name, data, {timeout}) runs CONFIG.queries[name] on that user's client and
// resolves with its return (foundryvtt.com/api/variables/CONFIG.queries.html).
import { ClientDocument } from "./documents.mjs";
import { Collection } from "./collection.mjs";
import { Hooks } from "./hooks.mjs";
import { deepClone, ForcedDeletion, wireChanges } from "./utils.mjs";

export const USER_ROLES = { NONE: 0, PLAYER: 1, TRUSTED: 2, ASSISTANT: 3, GAMEMASTER: 4 };
/** The permissions the harness knows, with their default roles (foundryvtt.com/api/variables/CONST.USER_PERMISSIONS.html;
 * the server's actor rule follows ACTOR_CREATE). */
export const USER_PERMISSIONS = {
  ACTOR_CREATE: { defaultRole: USER_ROLES.ASSISTANT },
  FILES_BROWSE: { defaultRole: USER_ROLES.TRUSTED },
  FILES_UPLOAD: { defaultRole: USER_ROLES.ASSISTANT },
  MESSAGE_WHISPER: { defaultRole: USER_ROLES.PLAYER },
};

export class User extends ClientDocument {
  static documentName = "User";

  get isGM() {
    return this.role >= USER_ROLES.ASSISTANT;
  }
  get isSelf() {
    return this._id === game.userId;
  }
  get character() {
    return this._character ? game.actors?.get(this._character) ?? null : null;
  }
  set character(id) {
    this._character = id;
  }
  /** Whether this user has a permission (`CONST.USER_PERMISSIONS` key): the GM always, others from the permission's
   * default role (the world's `core.permissions` overrides are not imitated; the server applies the defaults too). */
  can(action) {
    if (this.role === USER_ROLES.GAMEMASTER) return true;
    const defaultRole = USER_PERMISSIONS[action]?.defaultRole;
    return defaultRole !== undefined && this.role >= defaultRole;
  }
  hasRole(role, { exact = false } = {}) {
    const level = typeof role === "string" ? USER_ROLES[role] : role;
    return exact ? this.role === level : this.role >= level;
  }
  toObject() {
    const { _character, ...rest } = super.toObject();
    return { ...rest, character: _character ?? null };
  }

  async update(changes, options = {}) {
    if (Hooks.call("preUpdateUser", this, changes, options, game.userId) === false) return undefined;
    changes = wireChanges(changes, ClientDocument._ctx.features);
    await ClientDocument._ctx.request("harness.user.update", { id: this.id, changes });
    this._applyUpdate(changes, options, game.userId);
    return this;
  }

  setFlag(scope, key, value) {
    return this.update({ [`flags.${scope}.${key}`]: value });
  }

  /** Foundry's own unsetFlag uses the deletion form of its version (no warning from core code). */
  unsetFlag(scope, key) {
    if (ClientDocument._ctx.features.forcedDeletionOperator) return this.update({ [`flags.${scope}.${key}`]: new ForcedDeletion() });
    return this.update({ [`flags.${scope}.-=${key}`]: null });
  }

  _applyUpdate(changes, options, userId) {
    for (const [path, value] of Object.entries(changes)) {
      const parts = path.split(".");
      const last = parts.pop();
      let target = this;
      for (const part of parts) target = target[part] ??= {};
      if (last.startsWith("-=")) delete target[last.slice(2)];
      else target[last] = deepClone(value);
    }
    Hooks.callAll("updateUser", this, changes, options, userId);
  }
}

export function defineQuery(features, request) {
  if (!features.queries) return;
  User.prototype.query = async function query(name, data, { timeout } = {}) {
    return request("harness.query", { userId: this._id, name, data, timeout });
  };
}

/** Answer a query routed to this page by the server. */
export async function answerQuery({ name, data, timeout }) {
  const handler = CONFIG.queries?.[name];
  if (typeof handler !== "function") throw new Error(`No query handler registered for "${name}"`);
  return handler(data, { timeout });
}

export class Users extends Collection {
  get current() {
    return this.get(game.userId) ?? null;
  }
  get activeGM() {
    return this.filter((u) => u.active && u.isGM).sort((a, b) => b.role - a.role || a.id.localeCompare(b.id))[0] ?? null;
  }
  get players() {
    return this.filter((u) => !u.isGM && u.hasRole("PLAYER"));
  }

  _setActive(userId, active) {
    const user = this.get(userId);
    if (!user || user.active === active) return;
    user.active = active;
    Hooks.callAll("userConnected", user, active);
  }
}
