// World state held by the harness server: users, world- and user-scope settings, chat messages,
// actors and journal entries. Settings can persist to worldDir/settings.json so a restarted
// server (or a reloaded page) sees them, as Foundry's world database does.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomID } from "./ids.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEMO_WORLD_DIR = path.resolve(HERE, "../world");

// CONST.USER_ROLES (foundryvtt.com/api/variables/CONST.USER_ROLES.html): NONE 0, PLAYER 1,
// TRUSTED 2, ASSISTANT 3, GAMEMASTER 4.
export const ROLES = { NONE: 0, PLAYER: 1, TRUSTED: 2, ASSISTANT: 3, GAMEMASTER: 4 };

function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    if (err.code === "ENOENT") return fallback;
    throw new Error(`harness world: cannot read ${file}: ${err.message}`);
  }
}

export class World {
  constructor({ worldDir = null } = {}) {
    this.worldDir = worldDir;
    this.users = readJson(path.join(DEMO_WORLD_DIR, "users.json"), []);
    this.actors = readJson(path.join(DEMO_WORLD_DIR, "actors.json"), []);
    this.journal = readJson(path.join(DEMO_WORLD_DIR, "journal.json"), []);
    this.messages = [];
    // The one scene the page views (tokens embedded, as Foundry stores them) and the world's Combat encounters
    // (combatants embedded): foundryvtt.com/api/v14/interfaces/foundry.documents.types.CombatData.html.
    this.scenes = [{ _id: "HarnessScene0001", name: "The Vale Road", active: true, grid: { size: 100 }, width: 4000, height: 3000, tokens: [] }];
    this.combats = [];
    // Settings are stored as Foundry stores them: {key: "namespace.name", value: JSON string,
    // user: null | userId}. World scope has user null; v13 user scope carries the user id.
    this.settings = [];
    if (worldDir) {
      fs.mkdirSync(worldDir, { recursive: true });
      this.settings = readJson(this.settingsFile, []);
    }
  }

  get settingsFile() {
    return this.worldDir ? path.join(this.worldDir, "settings.json") : null;
  }

  findUser(idOrName) {
    if (!idOrName) return this.users.find((u) => u.role === ROLES.GAMEMASTER);
    const lower = String(idOrName).toLowerCase();
    return this.users.find((u) => u._id === idOrName || u.name.toLowerCase() === lower) ?? null;
  }

  setSetting({ key, value, user = null }) {
    if (typeof key !== "string" || !/^[^.]+\..+$/.test(key)) throw new Error(`invalid setting key "${key}"`);
    if (typeof value !== "string") throw new Error("setting values travel as JSON strings");
    const existing = this.settings.find((s) => s.key === key && s.user === user);
    if (existing) existing.value = value;
    else this.settings.push({ _id: randomID(), key, value, user });
    this.persistSettings();
    return { key, value, user };
  }

  /** Deletes a stored setting; returns whether there was one. */
  deleteSetting({ key, user = null }) {
    const index = this.settings.findIndex((s) => s.key === key && s.user === user);
    if (index < 0) return false;
    this.settings.splice(index, 1);
    this.persistSettings();
    return true;
  }

  settingsFor(userId) {
    return this.settings.filter((s) => s.user === null || s.user === userId);
  }

  persistSettings() {
    if (!this.settingsFile) return;
    const tmp = `${this.settingsFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.settings, null, 1));
    fs.renameSync(tmp, this.settingsFile);
  }

  addMessage(data, userId) {
    // Stored with `author`; each client presents it as `user` (v10-v11) or `author` (v12+).
    const { user: _user, author: _author, _id: _ignored, ...rest } = data ?? {};
    const message = { _id: randomID(), content: "", whisper: [], speaker: {}, flags: {}, ...rest, author: userId, timestamp: Date.now() };
    this.messages.push(message);
    return message;
  }

  /** A primary document holding embedded ones: a Scene (tokens) or a Combat (combatants). */
  parentOf(parentName, parentId) {
    const list = { Scene: this.scenes, Combat: this.combats }[parentName];
    const parent = list?.find((doc) => doc._id === parentId);
    if (!parent) throw new Error(`${parentName} ${parentId} does not exist`);
    return parent;
  }

  canModifyActor(actor, user) {
    if (user.role >= ROLES.ASSISTANT) return true;
    const own = actor.ownership ?? {};
    return (own[user._id] ?? own.default ?? 0) >= 3; // CONST.DOCUMENT_OWNERSHIP_LEVELS.OWNER
  }
}
