// What the v14 profile changes (client/versions.mjs): update operators, the chat hook's HTML, message modes, the
// nullable active tool, detached windows, the V1 Application warning (from v13), pf2e 8 as the system, and each
// profile's pages seeing their own pf2e world's packs.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, moduleDeprecations } from "../../support/browser.mjs";
import { startTestHarness, openGame, USERS } from "../../support/harness.mjs";
import { PROBE_DIR } from "./fixtures.mjs";

let harness;
let browser;
before(async () => {
  harness = await startTestHarness({
    moduleDir: PROBE_DIR,
    packsMeta: [{ id: "pf2e.conditionitems", label: "Conditions (2021)", type: "Item" }],
    pf2e8PacksMeta: [{ id: "pf2e.conditionitems", label: "Conditions (pf2e 8)", type: "Item" }, { id: "pf2e.pathfinder-monster-core", label: "Monster Core", type: "Actor", private: true }],
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

const warnings = (page) => page.evaluate(() => window.__harness.compatibilityWarnings.map(({ message, since, until }) => ({ message, since, until })));

describe("the v14 profile", () => {
  it("runs pf2e 8.0.0 and sees the pf2e 8 packs; a v13 page of the same world sees the 2021 ones", async () => {
    const v14 = await openGame(browser, harness, { profile: "v14" });
    const v13 = await openGame(browser, harness, { profile: "v13" });
    try {
      const world = (page) => page.evaluate(() => ({ version: game.version, generation: game.release.generation, system: game.system.version, conditions: game.packs.get("pf2e.conditionitems")?.metadata.label, monsterCore: game.packs.has("pf2e.pathfinder-monster-core"), demo: game.packs.has("familiar-demo.rules") }));
      assert.deepEqual(await world(v14.page), { version: "14.360", generation: 14, system: "8.0.0", conditions: "Conditions (pf2e 8)", monsterCore: true, demo: true });
      assert.deepEqual(await world(v13.page), { version: "13.346", generation: 13, system: "7.4.1", conditions: "Conditions (2021)", monsterCore: false, demo: true });
    } finally {
      await v14.context.close();
      await v13.context.close();
    }
  });

  it("deletes with `_del`; a `-=` key still deletes but warns (since 14, until 16); v13 takes `-=` silently", async () => {
    const v14 = await openGame(browser, harness, { profile: "v14", user: USERS.brannoc });
    const v13 = await openGame(browser, harness, { profile: "v13", user: USERS.brannoc });
    try {
      const flags = await v14.page.evaluate(async () => {
        const user = game.user;
        await user.update({ "flags.probe.a": 1, "flags.probe.b": 2, "flags.probe.c": 3 });
        await user.update({ "flags.probe.a": _del });
        const afterOperator = { ...user.flags.probe };
        await user.update({ "flags.probe.-=b": null });
        await user.unsetFlag("probe", "c");
        return { afterOperator, afterAll: { ...user.flags.probe }, operator: _del instanceof foundry.data.operators.ForcedDeletion };
      });
      assert.deepEqual(flags, { afterOperator: { b: 2, c: 3 }, afterAll: {}, operator: true });
      const v14Warnings = (await warnings(v14.page)).filter((w) => /forced deletion/.test(w.message));
      assert.deepEqual(v14Warnings.map(({ since, until }) => [since, until]), [[14, 16]], "only the caller's -= key warned, not unsetFlag");
      await v13.page.evaluate(async () => {
        await game.user.update({ "flags.probe.x": 1 });
        await game.user.update({ "flags.probe.-=x": null });
      });
      assert.equal(await v13.page.evaluate(() => "_del" in globalThis || Boolean(foundry.data?.operators)), false);
      assert.deepEqual((await warnings(v13.page)).filter((w) => /forced deletion/.test(w.message)), []);
    } finally {
      await v14.context.close();
      await v13.context.close();
    }
  });

  it("hands the chatMessage hook HTML on v14 and the typed text on v13", async () => {
    const seen = {};
    for (const profile of ["v13", "v14"]) {
      const { page, context } = await openGame(browser, harness, { profile });
      try {
        await page.evaluate(() => Hooks.on("chatMessage", (_log, message) => void (window.__typed = message)));
        await page.locator("#chat-message").fill("/r 1d4 <b>");
        await page.locator("#chat-message").press("Enter");
        seen[profile] = await page.waitForFunction(() => window.__typed).then((handle) => handle.jsonValue());
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(seen, { v13: "/r 1d4 <b>", v14: "<p>/r 1d4 &lt;b&gt;</p>" });
  });

  it("has message modes and a nullable active tool", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v14" });
    try {
      const r = await page.evaluate(() => {
        const data = { whisper: [] };
        CONFIG.ChatMessage.modes.self.handler(data);
        return { modes: Object.keys(CONFIG.ChatMessage.modes), self: data.whisper, tool: ui.controls.tool, hasTypes: "CHAT_MESSAGE_TYPES" in CONST };
      });
      assert.deepEqual(r, { modes: ["public", "gm", "blind", "self"], self: [USERS.gm], tool: "select", hasTypes: false });
    } finally {
      await context.close();
    }
  });

  it("detaches an ApplicationV2 window into a browser window of its own, and closing that window closes it", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v14" });
    try {
      await page.evaluate(async () => {
        const { ApplicationV2 } = foundry.applications.api;
        class Probe extends ApplicationV2 {
          static DEFAULT_OPTIONS = { id: "harness-detach-probe", window: { title: "Probe" } };
          async _renderHTML() {
            return '<button type="button" data-action="ping">Ping</button>';
          }
        }
        window.__probeApp = new Probe({ actions: { ping() { window.__pinged = (window.__pinged ?? 0) + 1; } } });
        await window.__probeApp.render(true);
      });
      const opened = context.waitForEvent("page");
      await page.evaluate(() => window.__probeApp.detachWindow());
      const popup = await opened;
      await popup.getByRole("button", { name: "Ping" }).click();
      assert.equal(await page.evaluate(() => window.__pinged), 1, "the action runs in the main window's code");
      assert.equal(await page.locator("#harness-detach-probe").count(), 0);
      assert.equal(await page.evaluate(() => window.__probeApp.element.ownerDocument === document), false);
      await popup.close();
      await page.waitForFunction(() => !window.__probeApp.rendered);
    } finally {
      await context.close();
    }
  });

  it("warns when a V1 Application is constructed from v13 on, and reports who caused a warning", async () => {
    const counts = {};
    for (const profile of ["v12", "v13", "v14"]) {
      const { page, context } = await openGame(browser, harness, { profile });
      try {
        await page.evaluate(() => new Application());
        counts[profile] = (await warnings(page)).filter((w) => /V1 Application framework/.test(w.message)).map(({ since, until }) => [since, until]);
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(counts, { v12: [], v13: [[13, 16]], v14: [[13, 16]] });
    // Called from the test, not from a module's script: nothing is reported as the module's.
    assert.deepEqual(moduleDeprecations, []);
  });
});
