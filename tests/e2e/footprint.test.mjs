// No footprint outside the module's namespace (issue 9): the same game page without the module (`nomodule=1`) and
// with it, after the module has been used (the panel's every view opened and closed, an Ask answered, a `/raven`
// whisper posted and rendered), compared as another module would meet it: globals, the own properties of core and
// Foundry classes (names and their code, so a wrapped method counts), jQuery plugins, Handlebars helpers and
// partials, stylesheets and every selector in the module's sheet (the live CSSOM), settings and menus, hook listeners
// and the hooks called, CONFIG (v13: CONFIG.queries), storage, DOM ids and the attributes of <html> and <body>.
// Foundry's hook events: foundryvtt.com/api/modules/hookEvents.html.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS, generationOf } from "../support/harness.mjs";
import { ravenInteractive } from "./waits.mjs";
import { ask, openAsk } from "./ask-steps.mjs";
import { useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** Core hook events a module may listen to or cause (Foundry's documented events the module or its use touches). */
const CORE_HOOKS = new Set([
  "init", "i18nInit", "setup", "ready", "error", "canvasInit", "canvasReady", "canvasTearDown", "chatMessage",
  "getSceneControlButtons", "renderSceneControls", "renderChatMessage", "renderChatMessageHTML", "renderChatLog",
  "userConnected", "clientSettingChanged", "controlToken", "hoverToken", "pauseGame",
]);
/** Document hooks (pre/create/update/delete + document name) and application hooks of core classes or the module's. */
const DOCUMENT_HOOK = /^(preCreate|preUpdate|preDelete|create|update|delete)(Actor|ChatMessage|User|Item|JournalEntry|JournalEntryPage|Setting|Token|Scene|Combat|Combatant|Macro|Playlist|RollTable|Folder)$/;
const APP_HOOK = /^(render|close|preRender|preClose|get\w*HeaderButtons|get\w*HeaderControls)(Familiar\w*|Application|ApplicationV2|FormApplication|HandlebarsApplication\w*|DocumentSheet\w*|SceneControls|ChatLog)$/;
const allowedHook = (name) => CORE_HOOKS.has(name) || DOCUMENT_HOOK.test(name) || APP_HOOK.test(name) || /^familiar/i.test(name);

/** A selector is the module's when its subject sits inside (or is) an element of the module's prefix. */
const SCOPE_TOKEN = /(?:[.#]familiar[-_\w]*|\[data-familiar[-\w]*(?:[~|^$*]?=[^\]]*)?\])/g;
function scoped(selector) {
  const tokens = [...selector.matchAll(SCOPE_TOKEN)];
  if (!tokens.length) return false;
  const last = tokens.at(-1);
  // After the last scoped compound only descendants/children may follow, never a sibling of a module element.
  return !/[~+]/.test(selector.slice(last.index + last[0].length).replace(/\[[^\]]*\]|\([^)]*\)/g, ""));
}

/** Everything another module could notice, as names and code (runs in the page). */
function snapshot() {
  const describe = (target) => {
    if (!target) return null;
    const out = {};
    for (const name of Object.getOwnPropertyNames(target)) {
      const d = Object.getOwnPropertyDescriptor(target, name);
      const code = (f) => (typeof f === "function" ? String(f).length + ":" + String(f).slice(0, 80) : typeof f);
      out[name] = d.get || d.set ? `get ${code(d.get)} set ${code(d.set)}` : code(d.value);
    }
    return out;
  };
  const classes = {
    ...Object.fromEntries(["Object", "Array", "String", "Number", "Boolean", "Function", "Promise", "Map", "Set", "Date", "RegExp", "JSON", "Math", "Reflect", "Element", "HTMLElement", "Node", "EventTarget", "Document", "Window", "Response", "WebSocket", "XMLHttpRequest", "Storage", "WebAssembly", "Application", "FormApplication", "Actor", "ChatMessage", "User", "JournalEntry", "Hooks", "Handlebars", "jQuery", "ClientSettings"].map((n) => [n, globalThis[n]])),
    fetch: { fetch: globalThis.fetch },
    ApplicationV2: globalThis.foundry?.applications?.api?.ApplicationV2,
    ChatMessageDocument: globalThis.CONFIG?.ChatMessage?.documentClass,
    GameSettings: globalThis.game?.settings?.constructor,
    Notifications: globalThis.ui?.notifications?.constructor,
  };
  const prototypes = {};
  for (const [name, cls] of Object.entries(classes)) {
    if (!cls) continue;
    prototypes[`${name}.static`] = describe(cls);
    if (cls.prototype) prototypes[`${name}.prototype`] = describe(cls.prototype);
  }
  prototypes["foundry.utils"] = describe(globalThis.foundry?.utils);
  prototypes["jQuery.fn"] = describe(globalThis.jQuery?.fn);
  const rules = [];
  const walk = (list, href) => {
    for (const rule of list) {
      if (rule.selectorText !== undefined) rules.push({ href, selector: rule.selectorText });
      else if (rule.type === CSSRule.KEYFRAMES_RULE) rules.push({ href, keyframes: rule.name });
      else if (rule.type === CSSRule.FONT_FACE_RULE) rules.push({ href, fontFace: rule.style.getPropertyValue("font-family") });
      if (rule.cssRules && rule.selectorText === undefined) walk(rule.cssRules, href);
    }
  };
  for (const sheet of [...document.styleSheets, ...document.adoptedStyleSheets]) walk(sheet.cssRules, sheet.href ?? "inline");
  const config = {};
  for (const [key, value] of Object.entries(globalThis.CONFIG ?? {})) config[key] = value && typeof value === "object" ? Object.keys(value).sort() : typeof value;
  const attributes = (el) => [...el.attributes].map((a) => `${a.name}=${a.value}`).sort();
  return {
    globals: Object.getOwnPropertyNames(globalThis).sort(),
    prototypes,
    helpers: Object.keys(globalThis.Handlebars?.helpers ?? {}).sort(),
    partials: Object.keys(globalThis.Handlebars?.partials ?? {}).sort(),
    sheets: [...document.styleSheets].map((s) => s.href ?? "inline").concat(document.adoptedStyleSheets.map(() => "adopted")),
    rules,
    settings: [...game.settings.settings.keys()].sort(),
    menus: [...(game.settings.menus?.keys() ?? [])].sort(),
    hooks: Object.fromEntries(Object.entries(Hooks.events).map(([name, list]) => [name, list.length])),
    hooksCalled: [...window.__harness.hooksCalled.keys()].sort(),
    config,
    localStorage: Object.keys(localStorage).sort(),
    sessionStorage: Object.keys(sessionStorage).sort(),
    cookies: document.cookie,
    ids: [...document.querySelectorAll("[id]")].map((el) => el.id).sort(),
    html: attributes(document.documentElement),
    body: attributes(document.body).filter((a) => !a.startsWith("style=")),
  };
}

const added = (before, after) => after.filter((x) => !before.includes(x));

/** What another module would meet after the module was used: its views, an answer, a `/raven` whisper. */
async function useModule(page) {
  await ravenInteractive(page);
  const panel = await openAsk(page);
  await ask(panel, "how do I catch my breath after a fight?");
  await panel.locator(".familiar-hit, [data-familiar-answer-body]").first().waitFor({ timeout: 20_000 });
  for (const tab of await panel.getByRole("tab").all()) {
    await tab.click();
    await page.waitForTimeout(150);
  }
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });
  await page.locator("#chat-message").fill("/raven can I Step while grabbed?");
  await page.locator("#chat-message").press("Enter");
  await page.locator("#chat-log .chat-message .familiar-chat-answer__question").first().waitFor({ timeout: 30_000 });
}

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: after use, the module left nothing outside its namespace`, async () => {
    const bare = await openGame(browser, harness, { profile, user: USERS.gm, query: { nomodule: "1" } });
    const withModule = await openGame(browser, harness, { profile, user: USERS.gm });
    try {
      // The bare page gets a chat message too, so the core hooks a message causes are in both.
      await bare.page.locator("#chat-message").fill("hello");
      await bare.page.locator("#chat-message").press("Enter");
      await bare.page.locator("#chat-log .chat-message").first().waitFor();
      const before = await bare.page.evaluate(snapshot);
      await useModule(withModule.page);
      const after = await withModule.page.evaluate(snapshot);
      const beforeModules = await withModule.page.evaluate(() => window.__harness.footprint.beforeModules);

      assert.deepEqual(added(before.globals, after.globals), [], "new globals");
      assert.deepEqual(added(beforeModules.globals, after.globals), [], "new globals since before the module loaded");
      for (const [name, props] of Object.entries(before.prototypes)) {
        assert.deepEqual(after.prototypes[name], props, `${name}: properties added, removed or replaced`);
      }
      assert.deepEqual(added(before.helpers, after.helpers), [], "Handlebars helpers");
      assert.ok(added(before.partials, after.partials).every((p) => p.startsWith("modules/pf2e-familiar/")), `partials: ${added(before.partials, after.partials)}`);

      const sheets = added(before.sheets, after.sheets);
      assert.deepEqual(sheets.map((href) => new URL(href).pathname), ["/modules/pf2e-familiar/styles/familiar.css"]);
      const moduleRules = after.rules.filter((rule) => rule.href === sheets[0]);
      assert.ok(moduleRules.length > 100, `the module's sheet is read (${moduleRules.length} rules)`);
      const unscoped = moduleRules.filter((rule) => rule.selector !== undefined).flatMap((rule) => rule.selector.split(",").map((s) => s.trim())).filter((s) => !scoped(s));
      assert.deepEqual(unscoped, [], "selectors outside the module's prefix");
      assert.ok(moduleRules.filter((rule) => rule.keyframes).every((rule) => rule.keyframes.startsWith("familiar-")), "keyframes");
      assert.ok(moduleRules.every((rule) => rule.fontFace === undefined || /familiar/i.test(rule.fontFace)), "font faces");
      assert.equal(after.rules.filter((rule) => rule.href !== sheets[0]).length, before.rules.length, "other sheets unchanged");

      const settings = added(before.settings, after.settings);
      assert.ok(settings.length > 0 && settings.every((key) => key.startsWith("pf2e-familiar.")), `settings: ${settings}`);
      assert.ok(added(before.menus, after.menus).every((key) => key.startsWith("pf2e-familiar.")), "menus");

      const listened = Object.keys(after.hooks).filter((name) => (after.hooks[name] ?? 0) > (before.hooks[name] ?? 0));
      assert.ok(listened.length > 0, "the module listens to hooks");
      assert.deepEqual(listened.filter((name) => !allowedHook(name)), [], "listeners on hooks that are neither Foundry's nor the module's");
      assert.deepEqual(added(before.hooksCalled, after.hooksCalled).filter((name) => !allowedHook(name)), [], "hooks called that are not Foundry's and not named for the module");

      for (const [key, value] of Object.entries(before.config)) {
        if (key === "queries") continue;
        assert.deepEqual(after.config[key], value, `CONFIG.${key}`);
      }
      assert.deepEqual(added(Object.keys(before.config), Object.keys(after.config)), [], "new CONFIG keys");
      const queries = added(before.config.queries ?? [], after.config.queries ?? []);
      assert.ok(queries.every((key) => key.startsWith("pf2e-familiar.")), `CONFIG.queries: ${queries}`);
      // v13 carries the relay in a query of the module's own (the check looks at a real entry).
      if (generationOf(profile) >= 13) assert.ok(queries.length > 0, "the relay's query handler is registered");

      assert.ok(added(before.localStorage, after.localStorage).every((key) => key.startsWith("pf2e-familiar")), `localStorage: ${added(before.localStorage, after.localStorage)}`);
      assert.ok(added(before.sessionStorage, after.sessionStorage).every((key) => key.startsWith("pf2e-familiar")), "sessionStorage");
      assert.equal(after.cookies, before.cookies, "cookies");
      const ids = added(before.ids, after.ids);
      assert.deepEqual(ids.filter((id) => !id.startsWith("familiar")), [], "element ids outside the prefix");
      assert.deepEqual(after.html, before.html, "<html> attributes");
      assert.deepEqual(after.body, before.body, "<body> attributes");
      assert.deepEqual(withModule.pageErrors, []);
    } finally {
      await bare.context.close();
      await withModule.context.close();
    }
  });
}

test("the check sees a leak: a global, a wrapped core method, an unscoped rule, a foreign hook", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v13", user: USERS.gm, query: { nomodule: "1" } });
  try {
    const before = await page.evaluate(snapshot);
    await page.evaluate(() => {
      window.leaked = 1;
      const toObject = ChatMessage.prototype.toObject;
      ChatMessage.prototype.toObject = function (...args) {
        return toObject.apply(this, args);
      };
      Hooks.on("someoneElsesHook", () => {});
    });
    const after = await page.evaluate(snapshot);
    assert.deepEqual(added(before.globals, after.globals), ["leaked"]);
    const changed = Object.keys(before.prototypes).filter((name) => JSON.stringify(before.prototypes[name]) !== JSON.stringify(after.prototypes[name]));
    assert.ok(changed.some((name) => name.startsWith("ChatMessage")), `a wrapped method is seen: ${changed}`);
    assert.equal(allowedHook("someoneElsesHook"), false);
    assert.equal(scoped(".familiar-panel button"), true);
    assert.equal(scoped("#familiar-raven:hover"), true);
    assert.equal(scoped("button.primary"), false);
    assert.equal(scoped(".familiar-panel ~ div"), false);
    assert.equal(scoped("body .familiar-x > span[aria-selected=\"true\"]"), true);
  } finally {
    await context.close();
  }
});
