// Entry point of the harness page: connect, build the Foundry client surface for the chosen
// profile, load the module(s), then run the lifecycle init -> i18nInit -> setup -> ready
// (foundryvtt.com/api/modules/hookEvents.html). Hooks are not awaited; the harness awaits its own
// asynchronous steps between them (translations, documents), as Foundry's Game does.
import { resolveProfile } from "./versions.mjs";
import { ClientFeatures, log } from "./log.mjs";
import { Hooks, hooksCalled } from "./hooks.mjs";
import { buildUtils, ForcedDeletion, logCompatibilityWarning } from "./utils.mjs";
import { Collection } from "./collection.mjs";
import { Localization } from "./i18n.mjs";
import { ClientSettings } from "./settings.mjs";
import { Notifications } from "./notifications.mjs";
import { getTemplate, loadTemplates, renderTemplate, registerHelpers } from "./templates.mjs";
import { Application, FormApplication, windows } from "./app-v1.mjs";
import { ApplicationV2, HandlebarsApplicationMixin, instances } from "./app-v2.mjs";
import { ClientDocument, Actor, Actors, ChatMessage, JournalEntry, JournalEntryPage, Item } from "./documents.mjs";
import { Scene, Scenes, TokenDocument, Combat, Combatant, CombatEncounters, listenToEncounters } from "./encounters.mjs";
import { Dialog, DialogV2 } from "./dialog.mjs";
import { User, Users, defineQuery, answerQuery } from "./users.mjs";
import { buildPacks, fromUuid, CompendiumCollection } from "./packs.mjs";
import { ChatLog } from "./chat-log.mjs";
import { SceneControls } from "./controls.mjs";
import { makeFilePicker } from "./filepicker.mjs";
import { snapshotFootprint, diffFootprint } from "./footprint.mjs";
import { buildConst } from "./const.mjs";
import { fetchManifests, buildModules, loadModuleCode } from "./modules.mjs";
import { makeRequester } from "./net.mjs";
import { installColorSchemes } from "./theme.mjs";
import { installFontSize } from "./ui-scale.mjs";
import { Canvas, HARNESS_SCENE_ID } from "./canvas.mjs";

/** v14 message modes: what each does to the message's data, as v12's applyRollMode did (guess, see above). */
const MESSAGE_MODES = {
  public: { label: "CHAT.Modes.Public", icon: "fa-solid fa-globe", handler: (data) => void (data.whisper = []) },
  gm: { label: "CHAT.Modes.GM", icon: "fa-solid fa-user-secret", handler: (data) => void (data.whisper = game.users.filter((u) => u.isGM).map((u) => u.id)) },
  blind: { label: "CHAT.Modes.Blind", icon: "fa-solid fa-eye-slash", handler: (data) => Object.assign(data, { whisper: game.users.filter((u) => u.isGM).map((u) => u.id), blind: true }) },
  self: { label: "CHAT.Modes.Self", icon: "fa-solid fa-user", handler: (data) => void (data.whisper = [game.user.id]) },
};

const prefix = document.querySelector('meta[name="harness-prefix"]').content;
const profile = resolveProfile(location.search);
const F = profile.features;

let resolveReady;
let rejectReady;
const ready = new Promise((res, rej) => {
  resolveReady = res;
  rejectReady = rej;
});
ready.catch(() => {}); // reported through __harness.fatal as well

const early = window.__harnessEarly ?? { cspViolations: [], errors: [] };
const originalConsoleError = console.error.bind(console);
console.error = (...args) => {
  log.consoleErrors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(" "));
  originalConsoleError(...args);
};
window.__harness = {
  profile: profile.name,
  generation: profile.generation,
  prefix,
  ready,
  fatal: null,
  notifications: log.notifications,
  consoleErrors: log.consoleErrors,
  pageErrors: early.errors,
  cspViolations: early.cspViolations,
  compatibilityWarnings: log.compatibility,
  lifecycle: log.lifecycle,
  moduleLoad: log.moduleLoad,
  footprint: {},
  hooksCalled,
  snapshotFootprint,
  diffFootprint,
};

/** A v13-style deprecated global: reading it logs a compatibility warning. */
function deprecatedGlobal(name, value, replacement) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      logCompatibilityWarning(`You are accessing the global "${name}" which is now namespaced under ${replacement}`, { since: 13, until: 15, once: true });
      return value;
    },
  });
}

async function connect(userParam) {
  const { io } = await import(`${prefix}/socket.io/socket.io.esm.min.js`);
  const socket = io({ path: `${prefix}/socket.io`, auth: { userId: userParam, systemLine: profile.systemLine }, transports: ["websocket"] });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (err) => reject(new Error(`Cannot join the game: ${err.message}`)));
  });
  return socket;
}

async function main() {
  const socket = await connect(profile.userId);
  const request = makeRequester(socket);
  const world = await request("harness.world");
  let settingsReady = F.settingsReadableBeforeSetup;

  // --- the static surface: utilities, classes, CONST/CONFIG ---
  const utils = buildUtils();
  Object.assign(ClientFeatures, F);
  const ctx = { request, features: F, Collection, chatLog: null };
  ClientDocument._ctx = ctx;
  registerHelpers(() => game.i18n);
  defineQuery(F, request);

  const handlebarsNs = { getTemplate, loadTemplates, renderTemplate };
  const FilePicker = makeFilePicker(prefix);
  globalThis.foundry = {
    utils,
    documents: { Actor, ChatMessage, Item, JournalEntry, JournalEntryPage, User, Scene, TokenDocument, Combat, Combatant, collections: { CompendiumCollection } },
    ...(F.applicationV2 ? { applications: { api: { ApplicationV2, HandlebarsApplicationMixin, Application: ApplicationV2, DialogV2 }, instances } } : {}),
  };
  if (F.templatesNamespace) foundry.applications.handlebars = handlebarsNs;
  if (F.forcedDeletionOperator) {
    // v14's update operators: foundry.data.operators and the shared `_del` instance (utils.mjs ForcedDeletion).
    foundry.data = { operators: { ForcedDeletion } };
    globalThis._del = new ForcedDeletion();
  }
  if (F.filePickerNamespaced) {
    foundry.applications.apps = { FilePicker: { implementation: FilePicker } };
    foundry.appv1 = { api: { Application, FormApplication } };
  }
  globalThis.Hooks = Hooks;
  globalThis.CONST = buildConst(F, profile.generation);
  globalThis.CONFIG = {
    Actor: { documentClass: Actor },
    Item: { documentClass: Item },
    ChatMessage: {
      documentClass: ChatMessage,
      // v14's visibility modes (foundryvtt.com/api/v14/variables/CONFIG.ChatMessage.html); the keys and what each
      // handler sets are a guess from v12's roll modes (no v14 page lists them).
      ...(F.messageModes ? { modes: MESSAGE_MODES } : {}),
    },
    JournalEntry: { documentClass: JournalEntry },
    User: { documentClass: User },
    Scene: { documentClass: Scene },
    Token: { documentClass: TokenDocument },
    Combat: { documentClass: Combat },
    Combatant: { documentClass: Combatant },
    debug: { hooks: false },
    ui: {},
  };
  if (F.queries) CONFIG.queries = {};
  Object.assign(globalThis, { Application, FormApplication, Dialog, Actor, ChatMessage, Item, JournalEntry, User, Scene, TokenDocument, Combat, Combatant, CompendiumCollection, fromUuid });
  for (const [name, fn] of Object.entries(handlebarsNs)) {
    if (F.templateGlobalsDeprecated) deprecatedGlobal(name, fn, "foundry.applications.handlebars");
    else globalThis[name] = fn;
  }
  if (F.filePickerNamespaced) deprecatedGlobal("FilePicker", FilePicker, "foundry.applications.apps.FilePicker.implementation");
  else globalThis.FilePicker = FilePicker;
  globalThis.ui = { windows };
  // The one canvas exists from the start, as Foundry's Game constructor makes it; it is drawn after setup.
  globalThis.canvas = new Canvas();

  // --- game ---
  const manifests = await fetchManifests(world.modules);
  const i18n = new Localization(profile.lang);
  let users = null;
  const game = {
    version: profile.version,
    release: { generation: profile.releaseGeneration, build: profile.build, version: profile.version },
    world: { id: "harness-vale", title: "The Harness Vale" },
    system: { id: profile.systemId, title: profile.systemId === "pf2e" ? "Pathfinder Second Edition" : profile.systemId, version: profile.pf2eVersion },
    modules: buildModules(manifests, profile.loadModules),
    userId: world.userId,
    get user() {
      return users?.current ?? null;
    },
    get users() {
      return users ?? undefined;
    },
    /** The viewed encounter (foundryvtt.com/api/v10/classes/client.Game.html#combat). */
    get combat() {
      return this.combats?.viewed ?? null;
    },
    i18n,
    socket,
    settings: new ClientSettings({ request, features: F, storedSettings: world.settings, getUser: () => game.user, isReady: () => settingsReady }),
    packs: null,
    ready: false,
  };
  globalThis.game = game;
  if (F.colorSchemes) installColorSchemes(game.settings, profile.theme, profile.scale);
  if (F.uiScale === "fontSize") installFontSize(game.settings, profile.scale);

  function initializeDocuments() {
    users = new Users(world.users.map((u) => [u._id, new User(u)]));
    game.actors = new Actors(world.actors.map((a) => [a._id, new Actor(a)]));
    game.scenes = new Scenes(world.scenes.map((scene) => [scene._id, new Scene(scene)]));
    game.combats = new CombatEncounters(world.combats.map((combat) => [combat._id, new Combat(combat)]), { unlinkedCombats: F.unlinkedCombats });
    game.journal = new Collection(world.journal.map((j) => [j._id, new JournalEntry(j)]));
    game.items = new Collection();
    game.messages = new Collection(world.messages.map((m) => [m._id, new ChatMessage(m)]));
    settingsReady = true;
  }

  window.__harness.footprint.beforeModules = snapshotFootprint();
  if (profile.loadModules) await loadModuleCode(manifests);

  const step = (name) => {
    log.lifecycle.push(name);
    Hooks.callAll(name);
  };
  step("init");
  await i18n.initialize(profile.loadModules ? manifests : []);
  step("i18nInit");
  game.packs = buildPacks(world.packs, { request, features: F });
  if (F.documentsBeforeSetup) initializeDocuments();
  step("setup");
  if (!F.documentsBeforeSetup) initializeDocuments();

  // --- UI (after setup, before ready) ---
  ui.notifications = new Notifications({ features: F, i18n: () => i18n });
  ui.chat = ctx.chatLog = new ChatLog({ features: F });
  ui.controls = new SceneControls({ features: F });
  listenToServer(socket, game);
  ui.chat.renderAll();
  ui.controls.render(true);
  // The viewed scene is drawn before `ready`, as Foundry's Game#setupGame does.
  await canvas.draw(game.scenes.get(HARNESS_SCENE_ID));
  // For tests: a scene change (a Scene document or plain {id, name}), or no scene at all (`changeScene(null)`).
  window.__harness.changeScene = (scene = game.scenes.get(HARNESS_SCENE_ID)) => canvas.draw(scene);

  game.ready = true;
  step("ready");
  window.__harness.footprint.afterReady = snapshotFootprint();
  resolveReady({ profile: profile.name, userId: game.userId });
}

function listenToServer(socket, game) {
  socket.on("harness.settings.changed", (change) => game.settings._applyRemote(change));
  socket.on("harness.settings.deleted", (change) => game.settings._applyRemoteDelete(change));
  socket.on("harness.userActivity", (userId, { active }) => game.users._setActive(userId, active));
  socket.on("harness.user.updated", ({ id, changes, userId }) => game.users.get(id)?._applyUpdate(changes, {}, userId));
  socket.on("harness.chat.created", ({ message, userId }) => ChatMessage._onRemoteCreate(message, userId));
  socket.on("harness.chat.deleted", ({ id, userId }) => game.messages.get(id)?._applyDelete({}, userId));
  socket.on("harness.actor.created", ({ actor, userId }) => Actor._onRemoteCreate(actor, userId));
  socket.on("harness.actor.updated", ({ id, changes, userId }) => game.actors.get(id)?._applyUpdate(changes, {}, userId));
  socket.on("harness.actor.deleted", ({ id, userId }) => game.actors.get(id)?._applyDelete({}, userId));
  listenToEncounters(socket);
  socket.on("harness.query", (req, ack) => {
    answerQuery(req).then((result) => ack({ result }), (err) => ack({ error: err.message }));
  });
}

main().catch((err) => {
  window.__harness.fatal = err.message;
  originalConsoleError("Harness failed to start:", err);
  rejectReady(err);
});
