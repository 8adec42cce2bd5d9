// Compendium packs served on demand. Each JSONL line is a document with `pack` and `uuid`
// fields (the shape of ../shared/pf2e, README there); lines are grouped by `pack`. Metadata
// comes from a packs.json list of {id, label, type, private, documents}.
//
// Two pf2e worlds live side by side: the system's packs of the 2021 line (`legacy`, the v10–v13
// profiles) and of pf2e 8 (`pf2e8`, the v14 profile; pf2e 8 requires core 14). Both name their
// packs alike (`pf2e.conditionitems`), so each line keeps its own; packs of the world and of
// modules (the demo pack, test fixtures) belong to both unless a file is given for one line.
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

export const SYSTEM_LINES = ["legacy", "pf2e8"];

const readMetas = (packsMeta) => (!packsMeta ? [] : Array.isArray(packsMeta) ? packsMeta : JSON.parse(fs.readFileSync(packsMeta, "utf8")));

export class PackStore {
  constructor() {
    // line -> id -> {meta, entries: Map(_id -> {file, offset, length, base})}
    this.lines = new Map(SYSTEM_LINES.map((line) => [line, new Map()]));
    this.reader = new LineReader();
    this.badLines = [];
  }

  /** `packFiles`/`packsMeta`: the 2021 line's files (and any other packs); `pf2e8PackFiles`/`pf2e8PacksMeta`: pf2e 8's. */
  static async load({ packFiles = [], packsMeta = null, pf2e8PackFiles = [], pf2e8PacksMeta = null, includeDemo = true } = {}) {
    const store = new PackStore();
    const metas = [];
    if (includeDemo) metas.push(...JSON.parse(fs.readFileSync(path.join(DEMO_WORLD_DIR, "packs.json"), "utf8")));
    metas.push(...readMetas(packsMeta));
    for (const m of metas) store.ensure(m.id, m, "legacy");
    for (const m of readMetas(pf2e8PacksMeta)) store.ensure(m.id, m, "pf2e8");
    const files = includeDemo ? [path.join(DEMO_WORLD_DIR, "packs", "familiar-demo.rules.jsonl"), ...packFiles] : packFiles;
    for (const file of files) await store.addFile(path.resolve(file), "legacy");
    for (const file of pf2e8PackFiles) await store.addFile(path.resolve(file), "pf2e8");
    return store;
  }

  /** The pack `id` of `line`: the system's packs only in their line, any other pack in every line. */
  ensure(id, meta = {}, line = "legacy") {
    const packs = this.lines.get(line);
    let pack = packs.get(id);
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
      const lines = packageName === "pf2e" ? [line] : SYSTEM_LINES;
      for (const each of lines) if (!this.lines.get(each).has(id)) this.lines.get(each).set(id, pack);
    }
    return pack;
  }

  async addFile(file, line = "legacy") {
    await scanJsonl(
      file,
      (doc, offset, length) => {
        if (typeof doc.pack !== "string" || typeof doc._id !== "string") {
          this.badLines.push({ file, offset, reason: "missing pack or _id" });
          return;
        }
        const pack = this.ensure(doc.pack, {}, line);
        if (!pack.meta.type && typeof doc.uuid === "string") pack.meta.type = doc.uuid.split(".")[3] ?? null;
        const base = {};
        for (const k of INDEX_BASE) if (doc[k] !== undefined) base[k] = doc[k];
        pack.entries.set(doc._id, { file, offset, length, base, uuid: doc.uuid });
      },
      (line, err) => this.badLines.push({ file, line, reason: err.message }),
    );
  }

  list(line = "legacy") {
    return [...this.lines.get(line).values()].map((p) => ({ ...p.meta, size: p.entries.size }));
  }

  canView(packId, user, line = "legacy") {
    const pack = this.lines.get(line).get(packId);
    if (!pack) throw new Error(`Compendium pack ${packId} does not exist`);
    // private packs are GM-only; User#isGM is true for ASSISTANT and GAMEMASTER.
    if (pack.meta.private && user.role < ROLES.ASSISTANT) {
      throw new Error(`User ${user.name} lacks permission to view Compendium pack ${packId}`);
    }
    return pack;
  }

  async index(packId, user, fields = [], line = "legacy") {
    const pack = this.canView(packId, user, line);
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

  async documents(packId, user, query = {}, line = "legacy") {
    const pack = this.canView(packId, user, line);
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
