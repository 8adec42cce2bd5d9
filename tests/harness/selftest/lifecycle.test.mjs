// Lifecycle, version surface, i18n, module loading, footprint and CSP cleanliness per profile.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "../../support/browser.mjs";
import { startTestHarness, openGame, PROFILES, USERS } from "../../support/harness.mjs";
import { PROBE_DIR, BROKEN_DIR, probe } from "./fixtures.mjs";

let harness;
let browser;
before(async () => {
  harness = await startTestHarness({ moduleDirs: [PROBE_DIR, BROKEN_DIR] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

const GENERATION = { v10: 10, v11: 11, v12: 12, v13: 13, v14: 14 };

describe("lifecycle per profile", () => {
  for (const profile of PROFILES) {
    it(`${profile}: init → i18nInit → setup → ready with documents and UI at the documented points`, async () => {
      const { page, context, pageErrors } = await openGame(browser, harness, { profile });
      const g = GENERATION[profile];
      assert.deepEqual(await page.evaluate(() => window.__harness.lifecycle), ["init", "i18nInit", "setup", "ready"]);
      const seen = await probe(page, (api) => api.lifecycle);
      assert.deepEqual(seen.map((s) => s.hook), ["init", "i18nInit", "setup", "ready"]);
      // game.user: v13 has Documents before `setup`, v10-v12 only after it.
      assert.equal(seen.find((s) => s.hook === "setup").user, g >= 13 ? USERS.gm : null);
      assert.equal(seen.find((s) => s.hook === "ready").user, USERS.gm);
      // UI applications (ui.notifications) exist only after setup.
      assert.deepEqual(seen.map((s) => s.notifications), [false, false, false, true]);
      // v13: world settings cannot be read before setup.
      const i18nInit = seen.find((s) => s.hook === "i18nInit").worldSetting;
      if (g >= 13) assert.match(String(i18nInit), /cannot be read before/);
      else assert.equal(i18nInit, 0);

      const surface = await page.evaluate(() => ({
        version: game.version,
        generation: game.release.generation,
        system: game.system.id,
        probeActive: game.modules.get("harness-probe").active,
        hasApi: typeof game.modules.get("harness-probe").api === "object",
        appV2: Boolean(globalThis.foundry.applications?.api?.ApplicationV2),
        mixin: typeof globalThis.foundry.applications?.api?.HandlebarsApplicationMixin,
        hbsNs: typeof globalThis.foundry.applications?.handlebars?.renderTemplate,
        queries: typeof CONFIG.queries,
        success: typeof ui.notifications.success,
        styles: "CHAT_MESSAGE_STYLES" in CONST,
        scopes: CONST.SETTING_SCOPES ?? null,
        jq: typeof $ === "function" && typeof jQuery === "function",
        hb: typeof Handlebars.template,
        utils: ["mergeObject", "deepClone", "duplicate", "randomID", "isNewerVersion", "getProperty", "setProperty", "logCompatibilityWarning", "escapeHTML"].every((f) => typeof foundry.utils[f] === "function"),
      }));
      assert.equal(surface.generation, g);
      assert.ok(surface.version.startsWith(`${g}.`));
      assert.equal(surface.system, "pf2e");
      assert.equal(surface.probeActive, true);
      assert.equal(surface.hasApi, true);
      assert.equal(surface.appV2, g >= 12);
      assert.equal(surface.mixin, g >= 12 ? "function" : "undefined");
      assert.equal(surface.hbsNs, g >= 13 ? "function" : "undefined");
      assert.equal(surface.queries, g >= 13 ? "object" : "undefined");
      assert.equal(surface.success, g >= 13 ? "function" : "undefined");
      assert.equal(surface.styles, g >= 12);
      assert.equal(surface.scopes?.USER ?? null, g >= 13 ? "user" : null);
      assert.ok(surface.jq && surface.hb === "function" && surface.utils);

      // The broken fixture threw at import: logged, and the game still reached ready.
      const load = await page.evaluate(() => window.__harness.moduleLoad);
      assert.deepEqual(load.map((l) => [l.id, l.ok]), [["harness-probe", true], ["harness-broken", false]]);
      const errors = await page.evaluate(() => window.__harness.consoleErrors);
      assert.equal(errors.length, 1, `only the broken module's error: ${errors.join(" | ")}`);
      assert.match(errors[0], /harness-broken/);
      assert.deepEqual(pageErrors, []);
      // The harness itself raised no CSP violation.
      assert.deepEqual(await page.evaluate(() => window.__harness.cspViolations), []);
      await context.close();
    });
  }

  it("system=dnd5e switches game.system.id (pf2e not active)", async () => {
    const { page, context } = await openGame(browser, harness, { query: { system: "dnd5e" } });
    assert.equal(await page.evaluate(() => game.system.id), "dnd5e");
    await context.close();
  });

  it("version= overrides the reported version while keeping the profile's API surface", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v12", query: { version: "9.280" } });
    assert.deepEqual(await page.evaluate(() => [game.version, game.release.generation]), ["9.280", 9]);
    assert.equal(await page.evaluate(() => Boolean(foundry.applications?.api?.ApplicationV2)), true);
    await context.close();
  });
});

describe("i18n", () => {
  it("localize, format, has, and English fallback under lang=fr", async () => {
    const { page, context } = await openGame(browser, harness, { query: { lang: "fr" } });
    const r = await page.evaluate(() => ({
      title: game.i18n.localize("PROBE.Title"),
      greet: game.i18n.format("PROBE.Greeting", { name: "Ysolde" }),
      fallback: game.i18n.localize("PROBE.OnlyEnglish"),
      missing: game.i18n.localize("PROBE.Nope"),
      hasStrict: game.i18n.has("PROBE.OnlyEnglish", false),
      hasFallback: game.i18n.has("PROBE.OnlyEnglish"),
    }));
    assert.deepEqual(r, { title: "Sonde du harnais", greet: "Bonjour, Ysolde !", fallback: "Only in English", missing: "PROBE.Nope", hasStrict: false, hasFallback: true });
    await context.close();
  });
});

describe("footprint", () => {
  it("snapshots before modules and after ready; the probe adds only namespaced state", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v13" });
    const diff = await page.evaluate(() => window.__harness.diffFootprint(window.__harness.footprint.beforeModules, window.__harness.footprint.afterReady));
    assert.deepEqual(diff.globals.added, []);
    assert.deepEqual(diff.prototypes, {});
    assert.deepEqual(diff.settings.added, ["harness-probe.clientValue", "harness-probe.userValue", "harness-probe.worldValue"]);
    assert.ok(diff.stylesheets.added.some((s) => s.endsWith("/modules/harness-probe/styles/probe.css")));
    assert.ok(diff.hooks.getSceneControlButtons >= 1 && diff.hooks.renderChatMessageHTML === 1);
    // A module that leaks a global is seen.
    const leak = await page.evaluate(() => {
      const before = window.__harness.snapshotFootprint();
      window.leakyGlobal = 1;
      String.prototype.leaky = () => 0;
      const d = window.__harness.diffFootprint(before, window.__harness.snapshotFootprint());
      delete window.leakyGlobal;
      delete String.prototype.leaky;
      return d;
    });
    assert.deepEqual(leak.globals.added, ["leakyGlobal"]);
    assert.deepEqual(leak.prototypes.String.added, ["leaky"]);
    await context.close();
  });

  it("nomodule=1 loads no module code and lists the modules inactive", async () => {
    const { page, context } = await openGame(browser, harness, { query: { nomodule: "1" } });
    const r = await page.evaluate(() => [game.modules.get("harness-probe").active, window.__harness.moduleLoad.length, [...game.settings.settings.keys()].filter((key) => !key.startsWith("core.")).length]);
    assert.deepEqual(r, [false, 0, 0]);
    await context.close();
  });
});
