/**
 * Every difference between the Foundry core versions Familiar supports (v10–v14), in one place. The rest of the
 * adapter asks this module instead of testing versions itself.
 */

/** The running core's major version. `game.release` exists from v10 on; `game.version` is the fallback. */
export function coreGeneration() {
  const generation = game.release?.generation;
  if (Number.isInteger(generation)) return generation;
  return Number.parseInt(String(game.version ?? "0"), 10) || 0;
}

/** Renders a Handlebars template: `foundry.applications.handlebars` from v13, the globals before (removed in v15). */
export function renderTemplate(path, data) {
  const render = globalThis.foundry?.applications?.handlebars?.renderTemplate ?? globalThis.renderTemplate;
  return render(path, data);
}

/** Preloads templates so the first render does not wait for the network. */
export function loadTemplates(paths) {
  const load = globalThis.foundry?.applications?.handlebars?.loadTemplates ?? globalThis.loadTemplates;
  return load(paths);
}

/** ApplicationV2 with its Handlebars mixin from v12 on; the v1 `Application` before. */
export function applicationV2() {
  const api = globalThis.foundry?.applications?.api;
  if (api?.ApplicationV2 && api?.HandlebarsApplicationMixin) {
    return { ApplicationV2: api.ApplicationV2, HandlebarsApplicationMixin: api.HandlebarsApplicationMixin };
  }
  return null;
}

/** Whether a page reaches one user with a query and gets its answer back: v13's `CONFIG.queries` with `User#query`
 * (foundryvtt.com/api/variables/CONFIG.queries.html); before v13 only the module socket, which reaches every client. */
export function userQueries() {
  return Boolean(globalThis.CONFIG?.queries) && typeof game.user?.query === "function";
}

/**
 * Adds a button tool to the token controls in the `getSceneControlButtons` payload, where a GM and players always
 * see it. v10–v12 pass an array of controls whose `tools` are arrays and whose token group is named "token"; v13
 * passes a record keyed by name whose `tools` are records, with the group renamed "tokens" and tools taking
 * `order` and `onChange` (https://foundryvtt.com/api/interfaces/foundry.SceneControl.html).
 */
export function addSceneControlButton(controls, { name, title, icon, onActivate }) {
  if (Array.isArray(controls)) {
    const tool = { name, title, icon, button: true, visible: true, onClick: () => onActivate() };
    const tokenControls = controls.find((control) => control.name === "token");
    if (tokenControls) tokenControls.tools.push(tool);
    else controls.push({ name, title, icon, layer: "tokens", visible: true, activeTool: name, tools: [tool] });
    return;
  }
  const tokenControls = controls.tokens;
  const order = tokenControls ? Object.keys(tokenControls.tools).length : 0;
  const tool = { name, title, icon, order, button: true, visible: true, onChange: () => onActivate() };
  if (tokenControls) tokenControls.tools[name] = tool;
  else controls[name] = { name, title, icon, order: Object.keys(controls).length, visible: true, activeTool: name, tools: { [name]: tool } };
}

/**
 * A progress notice for long work: v13's `ui.notifications` progress handle
 * (https://foundryvtt.com/api/classes/foundry.applications.ui.Notifications.html); before v13, a notice when the
 * work starts and another when it ends. Returns `{update(pct, message), done(message)}`.
 */
export function progressNotice(message) {
  if (coreGeneration() >= 13) {
    const handle = ui.notifications.info(message, { progress: true });
    return {
      update: (pct, text) => handle.update({ pct, message: text ?? message }),
      done: (text) => handle.update({ pct: 1, message: text }),
    };
  }
  ui.notifications.info(message);
  return { update: () => {}, done: (text) => ui.notifications.info(text) };
}

/**
 * Whether `user` (not necessarily this page's) may open `pack`: v11+ per-pack ownership through
 * `CompendiumCollection#getUserLevel(user)` (foundryvtt.com/api/classes/foundry.documents.collections.CompendiumCollection.html),
 * v10's `private` flag (GM only) before.
 */
export function packVisibleTo(pack, user) {
  if (!pack || !user) return false;
  if (user.isGM) return true;
  if (typeof pack.getUserLevel === "function") {
    const observer = globalThis.CONST?.DOCUMENT_OWNERSHIP_LEVELS?.OBSERVER ?? 2;
    return pack.getUserLevel(user) >= observer;
  }
  return !(pack.private ?? pack.metadata?.private);
}

/** The module's entry in `game.modules`. */
export function moduleEntry(id) {
  return game.modules.get(id);
}

/**
 * Downloads `text` as a file named `filename`: Foundry's own `saveDataToFile(data, type, filename)`
 * (https://foundryvtt.com/api/functions/foundry.utils.saveDataToFile.html; a global before v13's `foundry.utils`),
 * else the same by hand: a Blob behind an `<a download>` clicked once, its URL revoked after the browser took it.
 */
export function saveTextFile(text, type, filename) {
  const save = globalThis.foundry?.utils?.saveDataToFile ?? globalThis.saveDataToFile;
  if (typeof save === "function") return void save(text, type, filename);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1_000);
}

/**
 * How much Foundry scales its interface, which the raven (a piece of that interface) follows. v13's UI Scale
 * (`core.uiConfig.uiScale`, 0.5–1.5) zooms the interface but not application windows (Game#configureUI sets
 * `--ui-scale` on <body>; foundryvtt/foundryvtt#12122, foundryvtt/pf2e#22230); the panel, a window, follows the font
 * scale like Foundry's own windows, through rem. v10–v12 have only the Font Size setting, which scales text alone.
 */
export function interfaceScale() {
  if (coreGeneration() < 13) return 1;
  let scale;
  try {
    scale = Number(game.settings.get("core", "uiConfig")?.uiScale);
  } catch {
    return 1;
  }
  return Number.isFinite(scale) && scale >= 0.25 && scale <= 4 ? scale : 1;
}

/**
 * The FilePicker class for its static file operations (`browse`, `createDirectory`, `upload`): v13 exposes it as
 * `foundry.applications.apps.FilePicker.implementation` and warns on the global
 * (https://foundryvtt.com/api/classes/foundry.applications.apps.FilePicker.html); v10–v12 have only the global
 * (https://foundryvtt.com/api/v12/classes/client.FilePicker.html).
 */
export function filePicker() {
  return globalThis.foundry?.applications?.apps?.FilePicker?.implementation ?? globalThis.FilePicker;
}

/**
 * The stored document of a world setting, which a GM may `delete()`: `game.settings.storage.get("world")` is the
 * WorldSettings collection on v10–v13 and `getSetting(key)` finds a setting's document
 * (https://foundryvtt.com/api/classes/foundry.documents.collections.WorldSettings.html). Undefined when the setting
 * was never written (it holds its default).
 */
export function worldSettingDocument(id) {
  return game.settings.storage.get("world")?.getSetting?.(id);
}

/**
 * The compendium uuid a world document was imported from: `_stats.compendiumSource` from v12
 * (https://foundryvtt.com/api/v12/interfaces/foundry.types.DocumentStats.html), `flags.core.sourceId` before (v12
 * keeps that flag only behind a deprecation warning, so it is not read there).
 */
function compendiumSourceOf(document) {
  if (coreGeneration() >= 12) return document?._stats?.compendiumSource ?? null;
  return document?.flags?.core?.sourceId ?? null;
}

/**
 * The world Actor for a compendium actor's uuid: one imported from it before, else a new import through
 * `game.actors.importFromCompendium(pack, id)` (WorldCollection, the same call v10–v13:
 * https://foundryvtt.com/api/v10/classes/client.WorldCollection.html#importFromCompendium,
 * https://foundryvtt.com/api/classes/foundry.documents.abstract.WorldCollection.html), which records the source
 * where `compendiumSourceOf` reads it. A uuid of a world actor resolves to that actor.
 */
export async function worldActorFor(uuid) {
  const source = await fromUuid(uuid);
  if (!source) return null;
  if (!source.pack) return source;
  const imported = game.actors.find((actor) => compendiumSourceOf(actor) === source.uuid);
  if (imported) return imported;
  return game.actors.importFromCompendium(game.packs.get(source.pack), source.id);
}

/** The Combat document class (`CONFIG.Combat.documentClass`, what `Combat.implementation` returns on v10–v13). */
export function combatClass() {
  return CONFIG.Combat.documentClass;
}

/**
 * The text a user typed, from the `chatMessage` hook's message: plain text on v10–v13; on v14, whose chat input is
 * ProseMirror, the message as HTML, a paragraph per line (foundryvtt.com/api/v14/functions/hookEvents.chatMessage.html;
 * the HTML form as public module reports quote it). Parsed as inert HTML (a DOMParser document runs and fetches
 * nothing).
 */
export function chatMessageText(message) {
  const text = String(message ?? "");
  if (!/^\s*</.test(text)) return text;
  const { body } = new DOMParser().parseFromString(text, "text/html");
  const blocks = [...body.children];
  return blocks.length ? blocks.map((block) => block.textContent).join("\n") : body.textContent;
}

/**
 * An update that deletes the value at `path` (e.g. "flags.pf2e-familiar"): v14's ForcedDeletion operator
 * (`{path: _del}`, foundryvtt.com/api/modules/foundry.data.operators.html), where `{"a.-=b": null}` warns (since 14,
 * until 16); the `-=` key before v14, which has no operators.
 */
export function deletionUpdate(path) {
  const ForcedDeletion = globalThis.foundry?.data?.operators?.ForcedDeletion;
  if (ForcedDeletion) return { [path]: globalThis._del instanceof ForcedDeletion ? globalThis._del : new ForcedDeletion() };
  return { [path.replace(/[^.]+$/, (name) => `-=${name}`)]: null };
}

