// game.packs and CompendiumCollection, following
// foundryvtt.com/api/classes/foundry.documents.collections.CompendiumCollection.html:
// `collection` (the pack id), `metadata`, `documentName`, `index` (a Collection filled by
// getIndex({fields})), getDocuments(query), getDocument(id), `visible` for the current user.
// Visibility: v10 reads metadata.private (GM only); v11+ reads metadata.ownership, a record of
// role -> level (foundryvtt.com/api/interfaces/foundry.types.WorldCompendiumPackConfiguration.html).
// The server refuses index/document requests a user may not see.
import { Collection } from "./collection.mjs";
import { documentFor } from "./documents.mjs";

const LEVELS = { INHERIT: -1, NONE: 0, LIMITED: 1, OBSERVER: 2, OWNER: 3 };
const ROLE_ORDER = ["PLAYER", "TRUSTED", "ASSISTANT", "GAMEMASTER"];

function metadataFor(raw, features) {
  const meta = { id: raw.id, name: raw.name, label: raw.label, type: raw.type, packageName: raw.packageName, packageType: raw.packageType, system: raw.packageName === "pf2e" ? "pf2e" : undefined };
  if (features.packOwnership) {
    // guess: a `private` pack migrates to players NONE, assistants OWNER; a public one to
    // players OBSERVER (the documented default ownership of a pack).
    meta.ownership = raw.private ? { PLAYER: "NONE", TRUSTED: "NONE", ASSISTANT: "OWNER" } : { PLAYER: "OBSERVER", ASSISTANT: "OWNER" };
  } else meta.private = Boolean(raw.private);
  return meta;
}

export class CompendiumCollection extends Collection {
  constructor(metadata, { request, features }) {
    super();
    this.metadata = metadata;
    this.index = new Collection();
    this._request = request;
    this._features = features;
    this._indexed = new Set();
  }

  get collection() {
    return this.metadata.id;
  }
  get documentName() {
    return this.metadata.type;
  }
  get title() {
    return this.metadata.label;
  }

  getUserLevel(user = game.user) {
    if (!this._features.packOwnership) return this.metadata.private && !user.isGM ? LEVELS.NONE : user.isGM ? LEVELS.OWNER : LEVELS.OBSERVER;
    if (user.role >= 4) return LEVELS.OWNER;
    let level = LEVELS.NONE;
    for (const role of ROLE_ORDER) {
      if (user.role < ({ PLAYER: 1, TRUSTED: 2, ASSISTANT: 3, GAMEMASTER: 4 })[role]) break;
      const l = LEVELS[this.metadata.ownership[role] ?? "INHERIT"];
      if (l !== LEVELS.INHERIT) level = l;
    }
    return level;
  }

  get visible() {
    return this.getUserLevel(game.user) >= LEVELS.OBSERVER;
  }

  async getIndex({ fields = [] } = {}) {
    const rows = await this._request("harness.packs.index", { pack: this.collection, fields });
    for (const row of rows) {
      if (!this._features.indexHasUuid) delete row.uuid;
      this.index.set(row._id, row);
    }
    for (const f of fields) this._indexed.add(f);
    return this.index;
  }

  async getDocuments(query = {}) {
    const docs = await this._request("harness.packs.documents", { pack: this.collection, query });
    return docs.map((d) => this.#cache(d));
  }

  async getDocument(id) {
    if (this.has(id)) return this.get(id);
    const [doc] = await this._request("harness.packs.documents", { pack: this.collection, query: { _id: id } });
    return doc ? this.#cache(doc) : undefined;
  }

  #cache(data) {
    const { pack: _p, uuid: _u, ...rest } = data;
    const doc = documentFor(this.documentName, rest, this.collection);
    this.set(doc.id, doc);
    return doc;
  }
}

export function buildPacks(rawList, ctx) {
  const packs = new Collection();
  for (const raw of rawList) packs.set(raw.id, new CompendiumCollection(metadataFor(raw, ctx.features), ctx));
  return packs;
}

/**
 * fromUuid: World ("Actor.<id>", "JournalEntry.<id>.JournalEntryPage.<id>") and compendium
 * uuids in both the v11+ form (Compendium.<pack>.<Type>.<id>) and the v10 form
 * (Compendium.<pack>.<id>); we accept both on every profile (guess: v11+ still parse the old form).
 */
export async function fromUuid(uuid) {
  if (typeof uuid !== "string" || !uuid) return null;
  const parts = uuid.split(".");
  let doc;
  let rest;
  if (parts[0] === "Compendium") {
    const pack = game.packs.get(`${parts[1]}.${parts[2]}`);
    if (!pack) return null;
    const typed = /^[A-Z]/.test(parts[3] ?? "") && parts.length >= 5;
    const id = typed ? parts[4] : parts[3];
    rest = parts.slice(typed ? 5 : 4);
    doc = await pack.getDocument(id).catch(() => null);
  } else {
    const collection = { Actor: game.actors, JournalEntry: game.journal, ChatMessage: game.messages, User: game.users, Item: game.items }[parts[0]];
    doc = collection?.get(parts[1]);
    rest = parts.slice(2);
  }
  while (doc && rest.length >= 2) {
    const [type, id] = rest.splice(0, 2);
    const embedded = { JournalEntryPage: doc.pages, Item: Array.isArray(doc.items) ? null : doc.items }[type];
    if (embedded) doc = embedded.get(id);
    else if (type === "Item" && Array.isArray(doc.items)) doc = doc.items.find((i) => i._id === id);
    else doc = undefined;
  }
  return doc ?? null;
}
