// Every difference between the Foundry versions the harness imitates, in one table.
// Each entry cites the page it follows; "guess" marks what no page we found settles.
//
// Pages:
//  lifecycle   foundryvtt.com/api/v12/functions/hookEvents.setup.html ("before any Documents, UI
//              applications, or the Canvas have been initialized") and
//              foundryvtt.com/api/functions/hookEvents.setup.html (v13: "after all Documents are
//              initialized, including Settings (you cannot read settings prior to this hook)")
//  appV2       foundryvtt.com/api/modules/foundry.applications.html (introduced v12, adopted v13)
//  controls    foundryvtt.com/api/v11/interfaces/client.SceneControl.html (array, tools[]),
//              foundryvtt.com/api/functions/hookEvents.getSceneControlButtons.html (v13 record)
//  chat        foundryvtt.com/api/functions/hookEvents.renderChatMessageHTML.html (v13),
//              foundryvtt.com/api/functions/hookEvents.renderChatMessage.html (jQuery)
//  templates   foundry.applications.handlebars.* in v13, globals deprecated (shared/docs/foundry-api.md)
//  notify      foundryvtt.com/api/classes/foundry.applications.ui.Notifications.html (v13 success,
//              progress handles)
//  settings    foundryvtt.com/api/v14/variables/CONST.SETTING_SCOPES.html (user scope; v13+)
//  queries     foundryvtt.com/api/variables/CONFIG.queries.html (v13)
//  packs       foundryvtt.com/api/interfaces/foundry.types.WorldCompendiumPackConfiguration.html
//              (ownership per role); `private` in v10 manifests
//  themes      v13's client setting core.uiConfig {colorScheme: {applications, interface}}, each "dark",
//              "light" or "" (follow the browser); <body> carries theme-<applications>, #interface
//              "themed theme-<interface>" (foundryvtt.wiki/en/development/api/applicationv2, "Debugging CSS";
//              the class placement is a guess from public modules' CSS, no API page settles it). Before v13
//              application windows are light (parchment) and no theme class exists.
//  encounters  Combat / Combatant / Scene / Token: client/encounters.mjs (same API v10–v13 apart from the lines
//              marked in features())
//  uiScale     v10–v12: client setting core.fontSize (1–10), Game#scaleFonts sets the root font-size
//              (foundryvtt.com/api/v12/classes/client.Game.html#scaleFonts); v13: core.uiConfig {uiScale, fontScale},
//              Game#configureUI sets --ui-scale on <body> (foundryvtt.com/api/classes/foundry.Game.html#configureUI);
//              what the variable scales is a guess (ui-scale.mjs)

export const PROFILES = {
  v10: { generation: 10, version: "10.291", pf2e: "4.12.1" },
  v11: { generation: 11, version: "11.315", pf2e: "5.16.1" },
  v12: { generation: 12, version: "12.331", pf2e: "6.12.2" },
  v13: { generation: 13, version: "13.346", pf2e: "7.4.1" },
  // pf2e 8.0.0's manifest: core minimum 14.360, verified 14.360, maximum 14 (../shared/pf2e/v8/system.json).
  v14: { generation: 14, version: "14.360", pf2e: "8.0.0" },
};
export const PROFILE_NAMES = Object.keys(PROFILES);

/** The feature switches derived from a generation. */
export function features(generation) {
  const g = generation;
  return {
    // lifecycle
    documentsBeforeSetup: g >= 13,
    settingsReadableBeforeSetup: g < 13, // v13: world/user settings unreadable before `setup`
    // applications and templates
    applicationV2: g >= 12,
    templatesNamespace: g >= 13, // foundry.applications.handlebars.{renderTemplate,loadTemplates}
    templateGlobalsDeprecated: g >= 13,
    // scene controls
    sceneControlsShape: g >= 13 ? "record" : "array",
    // chat
    chatAuthorField: g >= 12 ? "author" : "user", // ChatMessage#user -> #author in v12
    chatStyleField: g >= 12 ? "style" : "type", // message `type` -> `style` in v12
    renderChatMessageHTML: g >= 13,
    renderChatMessageDeprecated: g >= 13,
    // settings, sockets, queries
    userScopeSettings: g >= 13,
    queries: g >= 13,
    // notifications
    notifySuccess: g >= 13,
    notifyProgress: g >= 13,
    notifyReturnsObject: g >= 13, // guess: v10-v12 return the numeric id
    // file picker
    filePickerNamespaced: g >= 13, // foundry.applications.apps.FilePicker.implementation
    // compendium packs
    packOwnership: g >= 11, // v11+: metadata.ownership; v10: metadata.private
    indexHasUuid: g >= 11, // guess: index entries carry `uuid` from v11
    typedCompendiumUuid: g >= 11, // Compendium.<pack>.<Type>.<id> from v11, Compendium.<pack>.<id> in v10
    // where an imported document records its compendium source: flags.core.sourceId (v10–v11), _stats.compendiumSource
    // from v12 (foundryvtt.com/api/v12/interfaces/foundry.types.DocumentStats.html compendiumSource)
    compendiumSourceField: g >= 12 ? "_stats.compendiumSource" : "flags.core.sourceId",
    // combats linked to no scene show in every scene's tracker (guess: Combat#toggleSceneLink from v12,
    // foundryvtt.com/api/classes/foundry.documents.Combat.html)
    unlinkedCombats: g >= 12,
    // v1 Application: "The V1 Application framework is deprecated" on construction, since 13, until 16
    // (foundryvtt.com/api/v14/classes/foundry.appv1.api.Application.html "since v13"; the warning's wording and
    // versions as v14 consoles print it, quoted in public module issues)
    appV1Deprecated: g >= 13,
    // v14: update operators `_del` / foundry.data.operators.ForcedDeletion replace `-=` keys, which warn
    // (foundryvtt.com/api/modules/foundry.data.operators.html)
    forcedDeletionOperator: g >= 14,
    // v14: the chat input is ProseMirror; the chatMessage hook receives the message as HTML ("<p>/r d4</p>"),
    // foundryvtt.com/api/v14/functions/hookEvents.chatMessage.html (the HTML form: public module reports)
    chatMessageHookHtml: g >= 14,
    // v14: message modes (CONFIG.ChatMessage.modes, foundryvtt.com/api/v14/variables/CONFIG.ChatMessage.html) and
    // the `core.messageMode` setting in place of roll modes (`core.rollMode` deprecated since 14, until 16)
    messageModes: g >= 14,
    // v14: SceneControls#tool is `string | null` (foundryvtt/foundryvtt issue 12966)
    controlsToolNullable: g >= 14,
    // v14: ApplicationV2 windows may be detached into a browser window of their own (`detached` render option,
    // ApplicationV2#detachWindow; foundryvtt.com/api/v14/interfaces/foundry.applications.types.ApplicationWindowRenderOptions.html)
    detachedWindows: g >= 14,
    // themes
    colorSchemes: g >= 13, // core.uiConfig colorScheme, theme-dark / theme-light classes
    // interface scale
    uiScale: g >= 13 ? "uiConfig" : "fontSize", // core.uiConfig.uiScale (+ fontScale) / core.fontSize
  };
}

/** Which pf2e world a profile's pages see: the remaster's packs (pf2e 8, which needs core 14) or the 2021 ones.
 * The server keeps the system's packs of each line apart and serves a page those of its line (packs of worlds and
 * modules are in both). */
export function systemLine(generation) {
  return generation >= 14 ? "pf2e8" : "legacy";
}

/** Resolve the profile from the page URL: ?profile=v10..v14 (default v13), ?version= overrides the string. */
export function resolveProfile(search) {
  const params = new URLSearchParams(search);
  const name = params.get("profile") ?? "v13";
  const base = PROFILES[name];
  if (!base) throw new Error(`Unknown harness profile "${name}" (use ${PROFILE_NAMES.join(", ")})`);
  const version = params.get("version") ?? base.version;
  return {
    name,
    generation: base.generation,
    // What game.release reports: a ?version= override (e.g. 9.280 or 14.350) reports its own major version while
    // the API surface stays the profile's, to test a module's handling of versions outside its range.
    releaseGeneration: Number.parseInt(version, 10) || base.generation,
    version,
    build: Number(version.split(".")[1] ?? 0),
    pf2eVersion: base.pf2e,
    systemLine: systemLine(base.generation),
    systemId: params.get("system") ?? "pf2e",
    lang: params.get("lang") ?? "en",
    // v13 colour scheme for both applications and interface: "dark", "light", or "" to follow the browser.
    theme: params.get("theme") ?? "",
    // The interface scale as a factor (v13 uiScale; v10–v12 the nearest Font Size step); null: the default.
    scale: Number.parseFloat(params.get("scale")) > 0 ? Number.parseFloat(params.get("scale")) : null,
    userId: params.get("user") ?? null,
    loadModules: params.get("nomodule") !== "1",
    features: features(base.generation),
  };
}
