// The canvas hooks and the interface scale per profile: canvasReady before `ready` and on every scene change,
// canvasTearDown first; with no scene no canvasReady; ?scale= as v13's UI Scale or v10–v12's Font Size step;
// createSetting/updateSetting for world settings; User#can by the permission's default role.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "../../support/browser.mjs";
import { startTestHarness, openGame, USERS } from "../../support/harness.mjs";

let harness;
let browser;
before(async () => {
  harness = await startTestHarness();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

describe("canvas and interface scale", () => {
  for (const profile of ["v10", "v13", "v14"]) {
    it(`${profile}: scene changes fire the canvas hooks in Foundry's order`, async () => {
      const { page, context } = await openGame(browser, harness, { profile });
      const seen = await page.evaluate(async () => {
        const log = [];
        for (const hook of ["canvasTearDown", "canvasInit", "canvasReady"]) Hooks.on(hook, (c) => log.push([hook, c === canvas, canvas.ready]));
        const before = { ready: canvas.ready, scene: canvas.scene?.name };
        await window.__harness.changeScene({ id: "S2", name: "Two" });
        log.push(["--"]);
        await window.__harness.changeScene(null);
        return { before, log, after: { ready: canvas.ready, scene: canvas.scene } };
      });
      assert.deepEqual(seen.before, { ready: true, scene: "The Vale Road" });
      assert.deepEqual(seen.log, [
        ["canvasTearDown", true, true], ["canvasInit", true, false], ["canvasReady", true, true], ["--"], ["canvasTearDown", true, true],
      ]);
      assert.deepEqual(seen.after, { ready: false, scene: null });
      await context.close();
    });
  }

  it("?scale= is v13's UI Scale (zooming the interface) and v10–v12's nearest Font Size step", async () => {
    const v13 = await openGame(browser, harness, { profile: "v13", query: { scale: "1.25" } });
    assert.deepEqual(await v13.page.evaluate(() => ({
      config: game.settings.get("core", "uiConfig").uiScale,
      variable: document.body.style.getPropertyValue("--ui-scale"),
      root: document.documentElement.style.fontSize,
      sidebar: document.querySelector("#sidebar").getBoundingClientRect().width,
    })), { config: 1.25, variable: "1.25", root: "16px", sidebar: 375 });
    await v13.context.close();
    const v12 = await openGame(browser, harness, { profile: "v12", query: { scale: "0.75" } });
    assert.deepEqual(await v12.page.evaluate(async () => {
      const before = { step: game.settings.get("core", "fontSize"), root: document.documentElement.style.fontSize };
      await game.settings.set("core", "fontSize", 8);
      return { before, after: document.documentElement.style.fontSize, uiConfig: game.settings.settings.has("core.uiConfig") };
    }), { before: { step: 3, root: "12px" }, after: "24px", uiConfig: false });
    await v12.context.close();
  });

  it("a world setting's writes fire createSetting, then updateSetting, on every client after onChange", async () => {
    const gm = await openGame(browser, harness, { profile: "v13" });
    const other = await openGame(browser, harness, { profile: "v13", user: USERS.brannoc });
    const listen = (page) => page.evaluate(() => {
      window.__seen = [];
      game.settings.register("selftest", "world", { scope: "world", type: String, default: "", onChange: (v) => window.__seen.push(["onChange", v]) });
      for (const hook of ["createSetting", "updateSetting"]) Hooks.on(hook, (setting) => window.__seen.push([hook, setting.key, setting.value]));
    });
    await listen(gm.page);
    await listen(other.page);
    await gm.page.evaluate(async () => {
      await game.settings.set("selftest", "world", "one");
      await game.settings.set("selftest", "world", "two");
    });
    await other.page.waitForFunction(() => window.__seen.length === 4);
    const expected = [
      ["onChange", "one"], ["createSetting", "selftest.world", '"one"'], ["onChange", "two"], ["updateSetting", "selftest.world", '"two"'],
    ];
    assert.deepEqual(await gm.page.evaluate(() => window.__seen), expected);
    assert.deepEqual(await other.page.evaluate(() => window.__seen), expected);
    await gm.context.close();
    await other.context.close();
  });

  it("User#can follows the permission's default role", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v13", user: USERS.ysolde });
    assert.deepEqual(await page.evaluate(() => ({
      trusted: [game.user.can("ACTOR_CREATE"), game.user.can("FILES_BROWSE"), game.user.can("NO_SUCH_PERMISSION")],
      gm: game.users.find((user) => user.role === 4).can("ACTOR_CREATE"),
    })), { trusted: [false, true, false], gm: true });
    await context.close();
  });
});
