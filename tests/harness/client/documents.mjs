// Minimal client Documents: the fields and methods modules commonly touch (id, name, type,
// system, uuid, toObject, getFlag, update, delete, create). Writes round-trip through the
// harness server, which broadcasts them; every client then fires create/update/delete<Name>
// hooks with (document, data|changes, options, userId), as foundryvtt.com/api/modules/hookEvents.html
// describes for the generic document hooks. Cancellable pre-hooks run on the writing client.
import { Hooks } from "./hooks.mjs";
import { deepClone, getProperty, mergeObject, logCompatibilityWarning } from "./utils.mjs";

export class ClientDocument {
  static documentName = "Document";
  static _ctx = null; // {request, features, collections} set by boot

  constructor(data = {}, { pack = null, parent = null } = {}) {
    Object.assign(this, deepClone(data));
    this.pack = pack ?? data.pack ?? null;
    Object.defineProperty(this, "parent", { value: parent, enumerable: false, writable: true });
  }

  get id() {
    return this._id;
  }
  get documentName() {
    return this.constructor.documentName;
  }
  get uuid() {
    const name = this.documentName;
    if (this.parent) return `${this.parent.uuid}.${name}.${this._id}`;
    if (this.pack) return ClientDocument._ctx.features.typedCompendiumUuid ? `Compendium.${this.pack}.${name}.${this._id}` : `Compendium.${this.pack}.${this._id}`;
    return `${name}.${this._id}`;
  }
  get compendium() {
    return this.pack ? game.packs.get(this.pack) : undefined;
  }
  /** Owned (level 3) by any non-GM user: foundryvtt.com/api/classes/foundry.abstract.Document.html (hasPlayerOwner). */
  get hasPlayerOwner() {
    const ownership = this.ownership ?? {};
    return Object.entries(ownership).some(([userId, level]) => userId !== "default" && level >= 3 && !game.users.get(userId)?.isGM);
  }
  getFlag(scope, key) {
    return getProperty(this.flags?.[scope] ?? {}, key);
  }
  toObject() {
    const out = {};
    for (const [k, v] of Object.entries(this)) if (k !== "pack") out[k] = deepClone(v);
    return out;
  }
  toJSON() {
    return this.toObject();
  }
}

/** World documents stored by the server: Actor (create/update/delete); ChatMessage (create/delete). */
function worldDocumentClass(name, collectionName, { updatable = true } = {}) {
  const lower = name.toLowerCase();
  return class extends ClientDocument {
    static documentName = name;

    static get collection() {
      return game[collectionName];
    }

    static async create(data, options = {}) {
      if (Array.isArray(data)) return Promise.all(data.map((d) => this.create(d, options)));
      const ctx = ClientDocument._ctx;
      const pending = new this(data);
      if (Hooks.call(`preCreate${name}`, pending, data, options, game.userId) === false) return undefined;
      const stored = await ctx.request(`harness.${lower}.create`, { data: pending.toObject() });
      return this._onRemoteCreate(stored, game.userId, options);
    }

    static _onRemoteCreate(stored, userId, options = {}) {
      const doc = new this(stored);
      this.collection.set(doc.id, doc);
      doc._onCreate?.(options, userId);
      Hooks.callAll(`create${name}`, doc, options, userId);
      return doc;
    }

    async update(changes, options = {}) {
      if (!updatable) throw new Error(`${name} documents cannot be updated in the harness`);
      if (Hooks.call(`preUpdate${name}`, this, changes, options, game.userId) === false) return undefined;
      await ClientDocument._ctx.request(`harness.${lower}.update`, { id: this.id, changes });
      this._applyUpdate(changes, options, game.userId);
      return this;
    }

    _applyUpdate(changes, options, userId) {
      mergeObject(this, deepClone(changes));
      Hooks.callAll(`update${name}`, this, changes, options, userId);
    }

    async delete(options = {}) {
      if (Hooks.call(`preDelete${name}`, this, options, game.userId) === false) return undefined;
      await ClientDocument._ctx.request(`harness.${lower}.delete`, { id: this.id });
      this._applyDelete(options, game.userId);
      return this;
    }

    _applyDelete(options, userId) {
      this.constructor.collection.delete(this.id);
      this._onDelete?.(options, userId);
      Hooks.callAll(`delete${name}`, this, options, userId);
    }
  };
}

export class Actor extends worldDocumentClass("Actor", "actors") {
  /** The tokens of this actor on the viewed scene: Token placeables, or with `document` their TokenDocuments; with
   * `linked` only linked ones (foundryvtt.com/api/classes/foundry.documents.Actor.html#getActiveTokens). None without
   * a drawn scene. */
  getActiveTokens(linked = false, document = false) {
    if (!globalThis.canvas?.ready) return [];
    return canvas.tokens.placeables
      .filter((token) => token.document?.actorId === this.id && (!linked || token.document.actorLink))
      .map((token) => (document ? token.document : token));
  }
}

/**
 * A token on the harness's scene: `{actorId, actorLink, name, texture: {src}}`. The harness world has no Scene
 * documents, so an update changes this client's copy and fires `updateToken`
 * (foundryvtt.com/api/functions/hookEvents.updateDocument.html) without reaching the server.
 */
export class TokenDocument {
  constructor(data = {}, { parent = null } = {}) {
    Object.assign(this, { id: data._id ?? data.id ?? `Token${Math.random().toString(36).slice(2, 12)}`, actorLink: false, texture: { src: "" }, ...data });
    this.parent = parent;
  }

  get object() {
    return globalThis.canvas?.tokens?.placeables.find((token) => token.document === this) ?? null;
  }

  async update(changes = {}, options = {}) {
    for (const [key, value] of Object.entries(changes)) {
      if (value && typeof value === "object" && !Array.isArray(value) && this[key] && typeof this[key] === "object") Object.assign(this[key], value);
      else this[key] = value;
    }
    Hooks.callAll("updateToken", this, changes, options, game.userId);
    return this;
  }
}

export class ChatMessage extends worldDocumentClass("ChatMessage", "messages", { updatable: false }) {
  constructor(data = {}, options) {
    // Stored with `author`; v10-v11 present it as `user` (renamed in v12).
    const field = ClientDocument._ctx.features.chatAuthorField;
    const { author, user, ...rest } = data;
    super({ ...rest, [field]: author ?? user ?? null }, options);
  }

  static async create(data, options = {}) {
    const d = { ...data };
    if (ClientDocument._ctx.features.chatAuthorField === "author" && "user" in d) {
      logCompatibilityWarning("ChatMessage#user is deprecated in favor of ChatMessage#author", { since: 12, until: 14, once: true });
    }
    return super.create(d, options);
  }

  toObject() {
    const o = super.toObject();
    const field = ClientDocument._ctx.features.chatAuthorField;
    return { ...o, author: o[field] };
  }

  get authorUser() {
    return game.users.get(this[ClientDocument._ctx.features.chatAuthorField]);
  }

  get isAuthor() {
    return this[ClientDocument._ctx.features.chatAuthorField] === game.userId;
  }

  /** A whisper shows to its author and its recipients only, a GM who is neither included
   * (foundryvtt.com/api/v10/classes/client.ChatMessage.html `visible`: "Messages may not be visible if they are
   * private whispers"; foundryvtt.com/api/v11/enums/foundry.CONST.CHAT_MESSAGE_TYPES.html: GMs see a whisper they
   * are not sent only when its author lacks the Private Messages permission). Whispered dice rolls, which Foundry
   * shows to everyone with their content hidden, are not modelled: the harness has no rolls. */
  get visible() {
    if (!this.whisper?.length) return true;
    return this.isAuthor || this.whisper.includes(game.userId);
  }

  static getSpeaker({ actor, alias } = {}) {
    return { scene: null, actor: actor?.id ?? null, token: null, alias: alias ?? actor?.name ?? game.user?.name };
  }

  _onCreate() {
    ClientDocument._ctx.chatLog?.postOne(this);
  }
  _onDelete() {
    ClientDocument._ctx.chatLog?.removeOne(this);
  }
}

export class JournalEntryPage extends ClientDocument {
  static documentName = "JournalEntryPage";
}

export class JournalEntry extends ClientDocument {
  static documentName = "JournalEntry";
  constructor(data = {}, options) {
    const { pages = [], ...rest } = data;
    super(rest, options);
    const entry = this;
    const coll = new (ClientDocument._ctx.Collection)();
    for (const p of pages) coll.set(p._id, new JournalEntryPage(p, { parent: entry }));
    Object.defineProperty(this, "pages", { value: coll, enumerable: true, writable: true });
  }
  toObject() {
    return { ...super.toObject(), pages: this.pages.map((p) => p.toObject()) };
  }
}

export class Item extends ClientDocument {
  static documentName = "Item";
}

/** Build a Document instance for compendium data of the given type. */
export function documentFor(type, data, pack) {
  const cls = { Actor, Item, JournalEntry }[type] ?? Item;
  return new cls(data, { pack });
}
