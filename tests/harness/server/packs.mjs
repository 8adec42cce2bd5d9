// Compendium packs served on demand. Each JSONL line is a document with `pack` and `uuid`
// fields (the shape of ../shared/pf2e, README there); lines are grouped by `pack`. Metadata
// comes from a packs.json list of {id, label, type, private, documents}.
import fs from "node:fs";
import path from "node:path";
import { scanJsonl, LineReader } from "./jsonl.mjs";
import { DEMO_WORLD_DIR, ROLES } from "./world.mjs";

const INDEX_BASE = ["_id", "name", "type", "img"];

function getProperty(obj, key) {
  return key.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setProperty(obj, key, value) {
  const parts = key.split(".");
  const last = parts.pop();
  let target = obj;
  for (const p of parts) target = target[p] ??= {};
  target[last] = value;
}

// Equality on dotted paths plus the `__in` suffix (guess: the operator set Foundry's
// getDocuments accepts varies by version; equality and `_id__in` are the common uses).
function matches(doc, query) {
  return Object.entries(query).every(([key, want]) => {
    if (key.endsWith("__in")) return Array.isArray(want) && want.includes(getProperty(doc, key.slice(0, -4)));
    return getProperty(doc, key) === want;
  });
}

export class PackStore {
  constructor() {
    this.packs = new Map(); // id -> {meta, entries: Map(_id -> {file, offset, length, base})}
    this.reader = new LineReader();
    this.badLines = [];
  }

  static async load({ packFiles = [], packsMeta = null, includeDemo = true } = {}) {
    const store = new PackStore();
    const metas = [];
    if (includeDemo) metas.push(...JSON.parse(fs.readFileSync(path.join(DEMO_WORLD_DIR, "packs.json"), "utf8")));
    if (packsMeta) metas.push(...(Array.isArray(packsMeta) ? packsMeta : JSON.parse(fs.readFileSync(packsMeta, "utf8"))));
    for (const m of metas) store.ensure(m.id, m);
    const files = includeDemo ? [path.join(DEMO_WORLD_DIR, "packs", "familiar-demo.rules.jsonl"), ...packFiles] : packFiles;
    for (const file of files) await store.addFile(path.resolve(file));
    return store;
  }

  ensure(id, meta = {}) {
    let pack = this.packs.get(id);
    if (!pack) {
      const [packageName, ...rest] = id.split(".");
      pack = {
        meta: {
          id,
          name: rest.join("."),
          label: meta.label ?? rest.join("."),
          type: meta.type ?? null,
          private: Boolean(meta.private),
          packageName,
          // The demo pack belongs to no installed package; we call it a world pack (guess: a real
          // world pack would be named "world.<name>").
          packageType: meta.packageType ?? (packageName === "pf2e" ? "system" : "world"),
        },
        entries: new Map(),
      };
      this.packs.set(id, pack);
    }
    return pack;
  }

  async addFile(file) {
    await scanJsonl(
      file,
      (doc, offset, length) => {
        if (typeof doc.pack !== "string" || typeof doc._id !== "string") {
          this.badLines.push({ file, offset, reason: "missing pack or _id" });
          return;
        }
        const pack = this.ensure(doc.pack);
        if (!pack.meta.type && typeof doc.uuid === "string") pack.meta.type = doc.uuid.split(".")[3] ?? null;
        const base = {};
        for (const k of INDEX_BASE) if (doc[k] !== undefined) base[k] = doc[k];
        pack.entries.set(doc._id, { file, offset, length, base, uuid: doc.uuid });
      },
      (line, err) => this.badLines.push({ file, line, reason: err.message }),
    );
  }

  list() {
    return [...this.packs.values()].map((p) => ({ ...p.meta, size: p.entries.size }));
  }

  canView(packId, user) {
    const pack = this.packs.get(packId);
    if (!pack) throw new Error(`Compendium pack ${packId} does not exist`);
    // private packs are GM-only; User#isGM is true for ASSISTANT and GAMEMASTER.
    if (pack.meta.private && user.role < ROLES.ASSISTANT) {
      throw new Error(`User ${user.name} lacks permission to view Compendium pack ${packId}`);
    }
    return pack;
  }

  async index(packId, user, fields = []) {
    const pack = this.canView(packId, user);
    const extra = fields.filter((f) => !INDEX_BASE.includes(f));
    const out = [];
    for (const [id, e] of pack.entries) {
      const row = { ...e.base, uuid: e.uuid };
      if (extra.length) {
        const doc = await this.reader.read(e.file, e.offset, e.length);
        for (const f of extra) {
          const v = getProperty(doc, f);
          if (v !== undefined) setProperty(row, f, v);
        }
      }
      row._id = id;
      out.push(row);
    }
    return out;
  }

  async documents(packId, user, query = {}) {
    const pack = this.canView(packId, user);
    let ids = [...pack.entries.keys()];
    if (typeof query._id === "string") ids = ids.filter((id) => id === query._id);
    else if (Array.isArray(query._id__in)) ids = ids.filter((id) => query._id__in.includes(id));
    const out = [];
    for (const id of ids) {
      const e = pack.entries.get(id);
      const doc = await this.reader.read(e.file, e.offset, e.length);
      if (matches(doc, query)) out.push(doc);
    }
    return out;
  }

  close() {
    return this.reader.close();
  }
}
