// Scenes with their Tokens, and Combat encounters with their Combatants: the embedded-document API modules use to
// put creatures on the canvas and into the combat tracker. Writes round-trip through the harness server, which
// broadcasts them; every client then fires the create/update/delete<Name> hooks (foundryvtt.com/api/modules/hookEvents.html).
// Pages followed:
//  Scene / Token   foundryvtt.com/api/v10/classes/client.TokenDocument.html (actor, combatant, inCombat),
//                  foundryvtt.com/api/classes/client.TokenDocument.html; Scene#createEmbeddedDocuments("Token", data)
//  Combat          foundryvtt.com/api/v10/classes/client.Combat.html (activate: "Deactivate all other Combat
//                  encounters within the viewed Scene and set this one as active", isActive, started, turns),
//                  foundryvtt.com/api/classes/foundry.documents.Combat.html (v13), fields from
//                  foundryvtt.com/api/interfaces/foundry.types.CombatData.html (scene, combatants, active, round, turn)
//  Combatant       foundryvtt.com/api/interfaces/foundry.types.CombatantData.html (actorId, tokenId, name, img,
//                  initiative, hidden, defeated), foundryvtt.com/api/v9/Combatant.html (actor, combat, token)
//  game.combat     foundryvtt.com/api/v10/classes/client.Game.html#combat ("the currently active Combat
//                  encounter": the CombatEncounters collection's viewed encounter)
// Deviations: an unlinked token's actor is the world actor itself (no synthetic ActorDelta); nothing is drawn.
import { Hooks } from "./hooks.mjs";
import { Collection } from "./collection.mjs";
import { ClientDocument } from "./documents.mjs";
import { deepClone, mergeObject } from "./utils.mjs";

const request = (event, payload) => ClientDocument._ctx.request(event, payload);

/** A document embedded in a Scene or Combat: its changes go through the parent on the server. */
class EmbeddedDocument extends ClientDocument {
  async update(changes, options = {}) {
    if (Hooks.call(`preUpdate${this.documentName}`, this, changes, options, game.userId) === false) return undefined;
    await request("harness.embedded.update", { parentName: this.parent.documentName, parentId: this.parent.id, embeddedName: this.documentName, id: this.id, changes });
    this._applyUpdate(changes, options, game.userId);
    return this;
  }

  _applyUpdate(changes, options, userId) {
    mergeObject(this, deepClone(changes));
    Hooks.callAll(`update${this.documentName}`, this, changes, options, userId);
  }

  delete(options = {}) {
    return this.parent.deleteEmbeddedDocuments(this.documentName, [this.id], options).then(([doc]) => doc);
  }
}

export class TokenDocument extends EmbeddedDocument {
  static documentName = "Token";

  constructor(data = {}, options) {
    super({ x: 0, y: 0, width: 1, height: 1, hidden: false, actorLink: false, disposition: -1, texture: { src: null }, ...data }, options);
  }
  /** The world actor (the harness keeps no synthetic token actors). */
  get actor() {
    return game.actors?.get(this.actorId) ?? null;
  }
  get baseActor() {
    return this.actor;
  }
  get isLinked() {
    return Boolean(this.actorLink);
  }
  /** The Combatant of this token in the viewed combat, if any. */
  get combatant() {
    return game.combat?.combatants.find((combatant) => combatant.tokenId === this.id) ?? null;
  }
  get inCombat() {
    return Boolean(this.combatant);
  }
}

export class Combatant extends EmbeddedDocument {
  static documentName = "Combatant";

  constructor(data = {}, options) {
    const { name, img, ...rest } = data;
    super({ initiative: null, hidden: false, defeated: false, ...rest }, options);
    // name and img are optional overrides; the getters fall back to the token's, then the actor's.
    Object.defineProperty(this, "_override", { value: { name: name ?? null, img: img ?? null }, enumerable: false });
  }
  get combat() {
    return this.parent;
  }
  get token() {
    return this.parent?.scene?.tokens.get(this.tokenId) ?? null;
  }
  get actor() {
    return this.token?.actor ?? game.actors?.get(this.actorId) ?? null;
  }
  get name() {
    return this._override.name ?? this.token?.name ?? this.actor?.name ?? "";
  }
  get img() {
    return this._override.img ?? this.token?.texture?.src ?? this.actor?.img ?? null;
  }
  get isNPC() {
    return !this.actor || !this.actor.hasPlayerOwner;
  }
  toObject() {
    return { ...super.toObject(), name: this._override.name, img: this._override.img };
  }
}

/** Shared by Scene and Combat: createEmbeddedDocuments / deleteEmbeddedDocuments over one embedded collection. */
function embeddedApi(Base, fields) {
  return class extends Base {
    getEmbeddedCollection(embeddedName) {
      const field = fields[embeddedName];
      if (!field) throw new Error(`${embeddedName} is not an embedded Document type of ${this.documentName}`);
      return this[field.name];
    }

    async createEmbeddedDocuments(embeddedName, data = [], options = {}) {
      const collection = this.getEmbeddedCollection(embeddedName);
      const cls = fields[embeddedName].cls;
      const pending = data.map((entry) => (entry instanceof ClientDocument ? entry.toObject() : deepClone(entry)));
      const allowed = pending.filter((entry) => Hooks.call(`preCreate${embeddedName}`, new cls(entry, { parent: this }), entry, options, game.userId) !== false);
      if (!allowed.length) return [];
      const created = await request("harness.embedded.create", { parentName: this.documentName, parentId: this.id, embeddedName, data: allowed });
      return this._onEmbeddedCreated(embeddedName, created, options, game.userId, collection);
    }

    _onEmbeddedCreated(embeddedName, created, options, userId, collection = this.getEmbeddedCollection(embeddedName)) {
      const cls = fields[embeddedName].cls;
      const docs = created.map((entry) => new cls(entry, { parent: this }));
      for (const doc of docs) collection.set(doc.id, doc);
      for (const doc of docs) Hooks.callAll(`create${embeddedName}`, doc, options, userId);
      return docs;
    }

    async deleteEmbeddedDocuments(embeddedName, ids = [], options = {}) {
      const collection = this.getEmbeddedCollection(embeddedName);
      const present = ids.filter((id) => collection.has(id));
      if (!present.length) return [];
      await request("harness.embedded.delete", { parentName: this.documentName, parentId: this.id, embeddedName, ids: present });
      return this._onEmbeddedDeleted(embeddedName, present, options, game.userId);
    }

    _onEmbeddedDeleted(embeddedName, ids, options, userId) {
      const collection = this.getEmbeddedCollection(embeddedName);
      const docs = ids.map((id) => collection.get(id)).filter(Boolean);
      for (const doc of docs) collection.delete(doc.id);
      for (const doc of docs) Hooks.callAll(`delete${embeddedName}`, doc, options, userId);
      return docs;
    }
  };
}

class SceneBase extends ClientDocument {
  static documentName = "Scene";
}

export class Scene extends embeddedApi(SceneBase, { Token: { name: "tokens", cls: TokenDocument } }) {
  constructor(data = {}, options) {
    const { tokens = [], ...rest } = data;
    super({ grid: { size: 100 }, width: 4000, height: 3000, ...rest }, options);
    const collection = new Collection();
    for (const token of tokens) collection.set(token._id, new TokenDocument(token, { parent: this }));
    Object.defineProperty(this, "tokens", { value: collection, enumerable: false });
  }
  get isView() {
    return globalThis.canvas?.scene === this;
  }
  toObject() {
    return { ...super.toObject(), tokens: this.tokens.map((token) => token.toObject()) };
  }
}

class CombatBase extends ClientDocument {
  static documentName = "Combat";
}

export class Combat extends embeddedApi(CombatBase, { Combatant: { name: "combatants", cls: Combatant } }) {
  constructor(data = {}, options) {
    const { combatants = [], scene = null, ...rest } = data;
    super({ active: false, round: 0, turn: null, sort: 0, flags: {}, ...rest }, options);
    // `scene` reads as the Scene document, as Foundry's foreign-document field does; the id stays in the source.
    Object.defineProperty(this, "_sceneId", { value: scene, enumerable: false, writable: true });
    const collection = new Collection();
    for (const combatant of combatants) collection.set(combatant._id, new Combatant(combatant, { parent: this }));
    Object.defineProperty(this, "combatants", { value: collection, enumerable: false });
  }

  static get collection() {
    return game.combats;
  }

  static async create(data = {}, options = {}) {
    const pending = new this(data);
    if (Hooks.call("preCreateCombat", pending, data, options, game.userId) === false) return undefined;
    const stored = await request("harness.combat.create", { data: pending.toObject() });
    const combat = this._onRemoteCreate(stored, game.userId, options);
    if (data.active) await combat.activate();
    return combat;
  }

  static _onRemoteCreate(stored, userId, options = {}) {
    const combat = new this(stored);
    game.combats.set(combat.id, combat);
    Hooks.callAll("createCombat", combat, options, userId);
    return combat;
  }

  get scene() {
    return this._sceneId ? game.scenes?.get(this._sceneId) ?? null : null;
  }
  get isActive() {
    return Boolean(this.active);
  }
  get started() {
    return this.round > 0;
  }
  /** The turn order: by initiative (highest first), combatants without one last, then by name. */
  get turns() {
    return this.combatants.contents.sort((a, b) => (b.initiative ?? -Infinity) - (a.initiative ?? -Infinity) || a.name.localeCompare(b.name));
  }
  get combatant() {
    return Number.isInteger(this.turn) ? this.turns[this.turn] ?? null : null;
  }

  /** Makes this the active encounter of its scene, deactivating the scene's other encounters. */
  async activate(options = {}) {
    const others = game.combats.filter((combat) => combat !== this && combat.active && combat._sceneId === this._sceneId);
    for (const other of others) await other.update({ active: false }, options);
    return this.update({ active: true }, options);
  }

  async startCombat() {
    return this.update({ round: 1, turn: 0 });
  }

  async update(changes, options = {}) {
    if (Hooks.call("preUpdateCombat", this, changes, options, game.userId) === false) return undefined;
    await request("harness.combat.update", { id: this.id, changes });
    this._applyUpdate(changes, options, game.userId);
    return this;
  }

  _applyUpdate(changes, options, userId) {
    const { scene, ...rest } = deepClone(changes);
    if (scene !== undefined) this._sceneId = scene;
    mergeObject(this, rest);
    Hooks.callAll("updateCombat", this, changes, options, userId);
  }

  async delete(options = {}) {
    if (Hooks.call("preDeleteCombat", this, options, game.userId) === false) return undefined;
    await request("harness.combat.delete", { id: this.id });
    this._applyDelete(options, game.userId);
    return this;
  }

  _applyDelete(options, userId) {
    game.combats.delete(this.id);
    Hooks.callAll("deleteCombat", this, options, userId);
  }

  toObject() {
    return { ...super.toObject(), scene: this._sceneId, combatants: this.combatants.map((combatant) => combatant.toObject()) };
  }
}

/**
 * game.combats: the world's encounters. `combats` are those of the viewed scene (and, from v12, those linked to no
 * scene, which show everywhere: guess from v12's Combat#toggleSceneLink); `active` the active one among them;
 * `viewed` what the tracker shows, the active one or else the first.
 */
export class CombatEncounters extends Collection {
  constructor(entries, { unlinkedCombats }) {
    super(entries);
    this._unlinkedCombats = unlinkedCombats;
  }
  get combats() {
    const sceneId = globalThis.canvas?.scene?.id ?? null;
    return this.filter((combat) => (combat._sceneId ? combat._sceneId === sceneId : this._unlinkedCombats));
  }
  get active() {
    return this.combats.find((combat) => combat.active) ?? null;
  }
  get viewed() {
    return this.active ?? this.combats[0] ?? null;
  }
}

/** game.scenes: `viewed` is the scene on the canvas, `active` the one marked active for everyone. */
export class Scenes extends Collection {
  get viewed() {
    return globalThis.canvas?.scene ?? null;
  }
  get current() {
    return this.viewed;
  }
  get active() {
    return this.find((scene) => scene.active) ?? null;
  }
}

/** Applies another client's Combat and embedded-document writes (the server's broadcasts). */
export function listenToEncounters(socket) {
  const parentOf = (parentName, parentId) => (parentName === "Scene" ? game.scenes.get(parentId) : game.combats.get(parentId));
  socket.on("harness.combat.created", ({ combat, userId }) => Combat._onRemoteCreate(combat, userId));
  socket.on("harness.combat.updated", ({ id, changes, userId }) => game.combats.get(id)?._applyUpdate(changes, {}, userId));
  socket.on("harness.combat.deleted", ({ id, userId }) => game.combats.get(id)?._applyDelete({}, userId));
  socket.on("harness.embedded.created", ({ parentName, parentId, embeddedName, created, userId }) => parentOf(parentName, parentId)?._onEmbeddedCreated(embeddedName, created, {}, userId));
  socket.on("harness.embedded.deleted", ({ parentName, parentId, embeddedName, ids, userId }) => parentOf(parentName, parentId)?._onEmbeddedDeleted(embeddedName, ids, {}, userId));
  socket.on("harness.embedded.updated", ({ parentName, parentId, embeddedName, id, changes, userId }) =>
    parentOf(parentName, parentId)?.getEmbeddedCollection(embeddedName).get(id)?._applyUpdate(changes, {}, userId),
  );
}
