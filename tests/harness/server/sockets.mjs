// socket.io side of the harness: one connection per page, identified by the user id in the
// handshake. Module channels follow Foundry's rule that an emit on `module.<id>` reaches every
// OTHER connected client (foundryvtt.wiki/en/development/api/sockets).
import { ROLES } from "./world.mjs";
import { randomID } from "./ids.mjs";
import { SYSTEM_LINES } from "./packs.mjs";

const OWNER = 3;
// Where each embedded document type lives in its parent's stored data.
const EMBEDDED_FIELDS = { "Scene.Token": "tokens", "Combat.Combatant": "combatants" };

export function attachSockets(io, { world, packs, modules }) {
  const socketChannels = new Set(modules.filter((m) => m.manifest.socket === true).map((m) => `module.${m.manifest.id}`));
  socketChannels.add("system.pf2e");

  const activeUsers = () => new Set([...io.sockets.sockets.values()].map((s) => s.data.user._id));
  const publicUser = (u, active) => ({ _id: u._id, name: u.name, role: u.role, color: u.color, character: u.character ?? null, flags: u.flags ?? {}, active: active.has(u._id) });

  io.use((socket, next) => {
    const user = world.findUser(socket.handshake.auth?.userId);
    if (!user) return next(new Error(`unknown user "${socket.handshake.auth?.userId}"`));
    socket.data.user = user;
    // The pf2e world of the page's profile (client/versions.mjs systemLine): its system packs.
    socket.data.line = SYSTEM_LINES.includes(socket.handshake.auth?.systemLine) ? socket.handshake.auth.systemLine : "legacy";
    next();
  });

  io.on("connection", (socket) => {
    const user = socket.data.user;
    socket.join(`user:${user._id}`);
    socket.broadcast.emit("harness.userActivity", user._id, { active: true });

    const handle = (event, fn) =>
      socket.on(event, async (payload, ack) => {
        try {
          const result = await fn(payload ?? {});
          if (typeof ack === "function") ack({ result });
        } catch (err) {
          if (typeof ack === "function") ack({ error: err.message });
        }
      });

    handle("harness.world", () => {
      const active = activeUsers();
      return {
        userId: user._id,
        users: world.users.map((u) => publicUser(u, active)),
        settings: world.settingsFor(user._id),
        actors: world.actors,
        journal: world.journal,
        messages: world.messages,
        scenes: world.scenes,
        combats: world.combats,
        packs: packs.list(socket.data.line),
        modules: modules.map((m) => ({ id: m.manifest.id, url: m.url })),
      };
    });

    handle("harness.settings.set", ({ key, value, scope }) => {
      if (scope === "world") {
        // Editing world settings needs the SETTINGS_MODIFY permission, ASSISTANT by default (guess
        // from CONST.USER_PERMISSIONS; players get an error like this one).
        if (user.role < ROLES.ASSISTANT) throw new Error(`User ${user.name} lacks permission to modify world setting ${key}`);
        const stored = world.setSetting({ key, value, user: null });
        socket.broadcast.emit("harness.settings.changed", { ...stored, scope, userId: user._id });
        return stored;
      }
      if (scope === "user") {
        const stored = world.setSetting({ key, value, user: user._id });
        socket.to(`user:${user._id}`).emit("harness.settings.changed", { ...stored, scope, userId: user._id });
        return stored;
      }
      throw new Error(`scope "${scope}" is not stored by the server`);
    });

    // Deleting a world setting's document takes the same permission as writing it (guess, as above).
    handle("harness.settings.delete", ({ key }) => {
      if (user.role < ROLES.ASSISTANT) throw new Error(`User ${user.name} lacks permission to delete world setting ${key}`);
      const deleted = world.deleteSetting({ key, user: null });
      if (deleted) socket.broadcast.emit("harness.settings.deleted", { key, scope: "world", userId: user._id });
      return { deleted };
    });

    handle("harness.chatmessage.create", ({ data }) => {
      const message = world.addMessage(data, user._id);
      socket.broadcast.emit("harness.chat.created", { message, userId: user._id });
      return message;
    });

    handle("harness.chatmessage.delete", ({ id }) => {
      const i = world.messages.findIndex((m) => m._id === id);
      if (i < 0) throw new Error(`ChatMessage ${id} does not exist`);
      if (world.messages[i].author !== user._id && user.role < ROLES.ASSISTANT) throw new Error(`User ${user.name} cannot delete ChatMessage ${id}`);
      world.messages.splice(i, 1);
      socket.broadcast.emit("harness.chat.deleted", { id, userId: user._id });
      return id;
    });

    handle("harness.actor.create", ({ data }) => {
      // ACTOR_CREATE defaults to ASSISTANT in CONST.USER_PERMISSIONS (guess from its docs page).
      if (user.role < ROLES.ASSISTANT) throw new Error(`User ${user.name} lacks permission to create Actor`);
      if (!data?.name || !data?.type) throw new Error("Actor validation errors: name and type are required");
      const actor = { _id: randomID(), img: null, system: {}, items: [], flags: {}, ownership: { default: 0, [user._id]: OWNER }, ...data };
      if (typeof data._id === "string") actor._id = data._id;
      world.actors.push(actor);
      socket.broadcast.emit("harness.actor.created", { actor, userId: user._id });
      return actor;
    });

    handle("harness.actor.update", ({ id, changes }) => {
      const actor = world.actors.find((a) => a._id === id);
      if (!actor) throw new Error(`Actor ${id} does not exist`);
      if (!world.canModifyActor(actor, user)) throw new Error(`User ${user.name} lacks permission to update Actor ${id}`);
      deepMerge(actor, changes);
      socket.broadcast.emit("harness.actor.updated", { id, changes, userId: user._id });
      return { id, changes };
    });

    handle("harness.actor.delete", ({ id }) => {
      const i = world.actors.findIndex((a) => a._id === id);
      if (i < 0) throw new Error(`Actor ${id} does not exist`);
      if (!world.canModifyActor(world.actors[i], user)) throw new Error(`User ${user.name} lacks permission to delete Actor ${id}`);
      world.actors.splice(i, 1);
      socket.broadcast.emit("harness.actor.deleted", { id, userId: user._id });
      return id;
    });

    // Combat encounters: only a GM or assistant creates, changes or deletes one (guess from CONST.USER_PERMISSIONS,
    // which gives players no Combat permission; players take part through their tokens' combatants).
    const requireAssistant = (what) => {
      if (user.role < ROLES.ASSISTANT) throw new Error(`User ${user.name} lacks permission to ${what}`);
    };
    handle("harness.combat.create", ({ data }) => {
      requireAssistant("create Combat");
      const combat = { _id: randomID(), scene: null, active: false, round: 0, turn: null, sort: 0, flags: {}, ...data, combatants: [] };
      world.combats.push(combat);
      socket.broadcast.emit("harness.combat.created", { combat, userId: user._id });
      return combat;
    });
    handle("harness.combat.update", ({ id, changes }) => {
      requireAssistant(`update Combat ${id}`);
      deepMerge(world.parentOf("Combat", id), changes);
      socket.broadcast.emit("harness.combat.updated", { id, changes, userId: user._id });
      return { id, changes };
    });
    handle("harness.combat.delete", ({ id }) => {
      requireAssistant(`delete Combat ${id}`);
      world.combats.splice(world.combats.indexOf(world.parentOf("Combat", id)), 1);
      socket.broadcast.emit("harness.combat.deleted", { id, userId: user._id });
      return id;
    });

    // Embedded documents: a Scene's Tokens (TOKEN_CREATE; guess: assistants and GMs, as the harness's other
    // creation permissions) and a Combat's Combatants, created in one batch as createEmbeddedDocuments does.
    handle("harness.embedded.create", ({ parentName, parentId, embeddedName, data }) => {
      requireAssistant(`create ${embeddedName}`);
      const field = EMBEDDED_FIELDS[`${parentName}.${embeddedName}`];
      if (!field) throw new Error(`${embeddedName} is not embedded in ${parentName}`);
      const parent = world.parentOf(parentName, parentId);
      const created = (Array.isArray(data) ? data : [data]).map((entry) => ({ flags: {}, ...entry, _id: randomID() }));
      parent[field].push(...created);
      socket.broadcast.emit("harness.embedded.created", { parentName, parentId, embeddedName, created, userId: user._id });
      return created;
    });
    handle("harness.embedded.update", ({ parentName, parentId, embeddedName, id, changes }) => {
      requireAssistant(`update ${embeddedName}`);
      const field = EMBEDDED_FIELDS[`${parentName}.${embeddedName}`];
      const entry = field && world.parentOf(parentName, parentId)[field].find((candidate) => candidate._id === id);
      if (!entry) throw new Error(`${embeddedName} ${id} does not exist in ${parentName} ${parentId}`);
      deepMerge(entry, changes);
      socket.broadcast.emit("harness.embedded.updated", { parentName, parentId, embeddedName, id, changes, userId: user._id });
      return { id, changes };
    });
    handle("harness.embedded.delete", ({ parentName, parentId, embeddedName, ids }) => {
      requireAssistant(`delete ${embeddedName}`);
      const field = EMBEDDED_FIELDS[`${parentName}.${embeddedName}`];
      if (!field) throw new Error(`${embeddedName} is not embedded in ${parentName}`);
      const parent = world.parentOf(parentName, parentId);
      parent[field] = parent[field].filter((entry) => !ids.includes(entry._id));
      socket.broadcast.emit("harness.embedded.deleted", { parentName, parentId, embeddedName, ids, userId: user._id });
      return ids;
    });

    // A user may update their own User (flags, colour, character...), never its role or permissions; a GM may
    // update any user (foundryvtt.com/article/users/: only Game Masters change roles; modules such as Dice So Nice
    // keep per-user data in the player's own User flags). What a user writes to its flags is therefore known to
    // come from that user, which the relay's key binding relies on.
    handle("harness.user.update", ({ id, changes }) => {
      const target = world.users.find((u) => u._id === id);
      if (!target) throw new Error(`User ${id} does not exist`);
      const gm = user.role >= ROLES.GAMEMASTER;
      if (target._id !== user._id && !gm) throw new Error(`User ${user.name} lacks permission to update User ${target.name}`);
      const touched = Object.keys(changes ?? {}).map((key) => key.split(".")[0]);
      if (!gm && touched.some((key) => ["role", "permissions", "password", "_id"].includes(key))) {
        throw new Error(`User ${user.name} may not change the role or permissions of User ${target.name}`);
      }
      deepMerge(target, changes);
      socket.broadcast.emit("harness.user.updated", { id, changes, userId: user._id });
      return { id, changes };
    });

    handle("harness.packs.index", ({ pack, fields }) => packs.index(pack, user, Array.isArray(fields) ? fields : [], socket.data.line));
    handle("harness.packs.documents", ({ pack, query }) => packs.documents(pack, user, query ?? {}, socket.data.line));

    // v13 User#query: route to one page of the target user and resolve with its handler's return.
    handle("harness.query", async ({ userId, name, data, timeout }) => {
      const target = [...io.sockets.sockets.values()].find((s) => s.data.user._id === userId);
      if (!target) throw new Error(`User ${userId} is not active`);
      const ms = Number.isFinite(timeout) && timeout > 0 ? timeout : 30_000;
      const reply = await target.timeout(ms).emitWithAck("harness.query", { name, data, from: user._id, timeout: ms })
        .catch(() => ({ error: `Query "${name}" to User ${userId} timed out after ${ms} ms` }));
      if (reply?.error) throw new Error(reply.error);
      return reply?.result;
    });

    // Package channels: relay to every other client, never back to the sender.
    socket.onAny((event, ...args) => {
      if (!socketChannels.has(event)) return;
      if (typeof args.at(-1) === "function") args.pop(); // Foundry's package channels carry no ack
      socket.broadcast.emit(event, ...args);
    });

    socket.on("disconnect", () => {
      if (!activeUsers().has(user._id)) io.emit("harness.userActivity", user._id, { active: false });
    });
  });
}

function deepMerge(target, changes) {
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (key.includes(".")) {
      const parts = key.split(".");
      const last = parts.pop();
      let t = target;
      for (const p of parts) t = t[p] ??= {};
      if (last.startsWith("-=")) delete t[last.slice(2)]; // Foundry's deletion key
      else t[last] = value;
    } else if (value && typeof value === "object" && !Array.isArray(value) && target[key] && typeof target[key] === "object") {
      deepMerge(target[key], value);
    } else target[key] = value;
  }
}
