// Minimal client Documents: the fields and methods modules commonly touch (id, name, type,
// system, uuid, toObject, getFlag, update, delete, create). Writes round-trip through the
// harness server, which broadcasts them; every client then fires create/update/delete<Name>
// hooks with (document, data|changes, options, userId), as foundryvtt.com/api/modules/hookEvents.html
// describes for the generic document hooks. Cancellable pre-hooks run on the writing client.
import { Hooks } from "./hooks.mjs";
import { deepClone, getProperty, mergeObject, setProperty, logCompatibilityWarning, wireChanges } from "./utils.mjs";
import { Collection } from "./collection.mjs";

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
      changes = wireChanges(changes, ClientDocument._ctx.features);
      await ClientDocument._ctx.request(`harness.${lower}.update`, { id: this.id, changes });
      this._applyUpdate(changes, options, game.userId);
      return this;
    }

    _applyUpdate(changes, options, userId) {
      mergeObject(this, deepClone(changes), { performDeletions: true });
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

/**
 * Actors with their prototype token (v10+ `prototypeToken`): `getTokenDocument(data)` builds an unsaved token from
 * it (foundryvtt.com/api/v10/classes/client.Actor.html#getTokenDocument) and `getActiveTokens(linked, document)`
 * finds this actor's tokens in the viewed scene (foundryvtt.com/api/v11/classes/client.Actor.html#getActiveTokens).
 */
export class Actor extends worldDocumentClass("Actor", "actors") {
  constructor(data = {}, options) {
    super(data, options);
    this.prototypeToken = { name: this.name, width: 1, height: 1, actorLink: false, disposition: -1, texture: { src: this.img ?? null }, ...(this.prototypeToken ?? {}) };
  }

  async getTokenDocument(data = {}) {
    const TokenDocument = CONFIG.Token.documentClass;
    return new TokenDocument({ ...deepClone(this.prototypeToken), actorId: this.id, ...data });
  }

  getActiveTokens(linked = false, document = false) {
    const scene = globalThis.canvas?.scene;
    if (!scene?.tokens) return [];
    const tokens = scene.tokens.filter((token) => token.actorId === this.id && (!linked || token.actorLink));
    return document ? tokens : tokens.map((token) => globalThis.canvas.tokens.get(token.id)).filter(Boolean);
  }
}

/**
 * game.actors, a WorldCollection: `fromCompendium(document)` turns a compendium document into world data (no _id,
 * folder or sort; the creating user owns it; its source uuid recorded) and `importFromCompendium(pack, id,
 * updateData, options)` creates it (foundryvtt.com/api/v10/classes/client.WorldCollection.html#importFromCompendium,
 * foundryvtt.com/api/classes/foundry.documents.abstract.WorldCollection.html). Where the source uuid goes differs:
 * `flags.core.sourceId` before v12, `_stats.compendiumSource` from v12 (versions.mjs `compendiumSourceField`).
 */
export class Actors extends Collection {
  get documentClass() {
    return CONFIG.Actor.documentClass;
  }

  fromCompendium(document, { keepId = false } = {}) {
    const data = document.toObject();
    if (!keepId) delete data._id;
    delete data.folder;
    delete data.sort;
    data.ownership = { default: 0, [game.userId]: 3 };
    setProperty(data, ClientDocument._ctx.features.compendiumSourceField, document.uuid);
    return data;
  }

  async importFromCompendium(pack, id, updateData = {}, options = {}) {
    const document = await pack.getDocument(id);
    if (!document) throw new Error(`The ${pack.collection} compendium has no document with id ${id}`);
    return this.documentClass.create(mergeObject(this.fromCompendium(document, options), updateData), options);
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
