// Settings storage and propagation, module sockets between pages, v13 queries, user activity, User flags.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "../../support/browser.mjs";
import { startTestHarness, openGame, waitReady, PROFILES, USERS, generationOf } from "../../support/harness.mjs";
import { PROBE_DIR, probe } from "./fixtures.mjs";

let harness;
let browser;
before(async () => {
  harness = await startTestHarness({ moduleDir: PROBE_DIR });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: 5000 });

describe("settings, sockets and queries per profile", () => {
  for (const [i, profile] of PROFILES.entries()) {
    it(`${profile}: world setting reaches a second page and survives reload; client setting survives reload`, async () => {
      const gm = await openGame(browser, harness, { profile });
      const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
      const value = 100 + i;
      assert.equal(await gm.page.evaluate((v) => game.settings.set("harness-probe", "worldValue", v), value), value);
      // onChange fires on the writer and on every other client, with the writer's user id.
      await waitFor(player.page, (v) => game.modules.get("harness-probe").api.settingChanges.some((c) => c.value === v), value);
      const change = (await probe(player.page, (api) => api.settingChanges)).at(-1);
      assert.deepEqual(change, { key: "worldValue", value, userId: USERS.gm });
      assert.equal(await player.page.evaluate(() => game.settings.get("harness-probe", "worldValue")), value);
      // Players cannot write world settings.
      await assert.rejects(player.page.evaluate(() => game.settings.set("harness-probe", "worldValue", 1)), /lacks permission/);

      await gm.page.evaluate(() => game.settings.set("harness-probe", "clientValue", "remembered"));
      await gm.page.reload();
      await waitReady(gm.page);
      const after = await gm.page.evaluate(() => [game.settings.get("harness-probe", "worldValue"), game.settings.get("harness-probe", "clientValue"), localStorage.getItem("harness-probe.clientValue")]);
      assert.deepEqual(after, [value, "remembered", '"remembered"']);
      // The player's browser context has its own localStorage.
      assert.equal(await player.page.evaluate(() => game.settings.get("harness-probe", "clientValue")), "a");
      await assert.rejects(gm.page.evaluate(() => game.settings.get("harness-probe", "nope")), /not a registered game setting/);

      if (generationOf(profile) >= 13) {
        await player.page.evaluate(() => game.settings.set("harness-probe", "userValue", { n: 7 }));
        await player.page.reload();
        await waitReady(player.page);
        assert.deepEqual(await player.page.evaluate(() => game.settings.get("harness-probe", "userValue")), { n: 7 });
        assert.deepEqual(await gm.page.evaluate(() => game.settings.get("harness-probe", "userValue")), { n: 0 });
      } else {
        await assert.rejects(gm.page.evaluate(() => game.settings.register("x", "y", { scope: "user", default: 1 })), /Invalid setting scope/);
      }
      await gm.context.close();
      await player.context.close();
    });

    it(`${profile}: module socket reaches every other page, never the sender`, async () => {
      const a = await openGame(browser, harness, { profile });
      const b = await openGame(browser, harness, { profile, user: USERS.ysolde });
      const c = await openGame(browser, harness, { profile, user: USERS.tamsin });
      await a.page.evaluate((p) => game.socket.emit("module.harness-probe", { hello: p }), profile);
      for (const other of [b, c]) await waitFor(other.page, (p) => game.modules.get("harness-probe").api.socketReceived.some((d) => d.hello === p), profile);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(await probe(a.page, (api) => api.socketReceived), []);
      // An undeclared channel is not relayed.
      await b.page.evaluate(() => game.socket.emit("module.not-installed", { x: 1 }));
      for (const p of [a, b, c]) await p.context.close();
    });
  }

  it("v13: User#query runs the handler on that user's page and resolves with its return", async () => {
    const gm = await openGame(browser, harness, { profile: "v13" });
    const player = await openGame(browser, harness, { profile: "v13", user: USERS.tamsin });
    const answer = await gm.page.evaluate((id) => game.users.get(id).query("harness-probe.echo", { q: 42 }), USERS.tamsin);
    assert.deepEqual(answer, { echo: { q: 42 }, answeredBy: USERS.tamsin });
    await assert.rejects(gm.page.evaluate((id) => game.users.get(id).query("harness-probe.slow", {}, { timeout: 300 }), USERS.tamsin), /timed out/);
    await assert.rejects(gm.page.evaluate((id) => game.users.get(id).query("harness-probe.missing", {}), USERS.tamsin), /No query handler/);
    await assert.rejects(gm.page.evaluate((id) => game.users.get(id).query("harness-probe.echo", {}), USERS.ysolde), /not active/);
    assert.equal(await gm.page.evaluate(() => typeof game.user.query), "function");
    await gm.context.close();
    await player.context.close();
  });

  it("v12 has no User#query; users' active flags follow connections with userConnected", async () => {
    const gm = await openGame(browser, harness, { profile: "v12" });
    assert.equal(await gm.page.evaluate(() => typeof game.user.query), "undefined");
    await gm.page.evaluate(() => {
      window.__seen = [];
      Hooks.on("userConnected", (u, active) => window.__seen.push([u.name, active]));
    });
    const player = await openGame(browser, harness, { profile: "v12", user: USERS.ysolde });
    await waitFor(gm.page, () => window.__seen.length === 1);
    assert.equal(await gm.page.evaluate((id) => game.users.get(id).active, USERS.ysolde), true);
    await player.context.close();
    await waitFor(gm.page, () => window.__seen.length === 2);
    assert.deepEqual(await gm.page.evaluate(() => window.__seen), [["Ysolde", true], ["Ysolde", false]]);
    const roles = await gm.page.evaluate(() => game.users.map((u) => [u.name, u.role, u.isGM]));
    assert.deepEqual(roles, [["Gamemaster", 4, true], ["Brannoc", 1, false], ["Ysolde", 2, false], ["Tamsin", 1, false]]);
    await gm.context.close();
  });
  it("a user writes their own User's flags, which reach every page with updateUser; not another user's, nor a role", async () => {
    const gm = await openGame(browser, harness, { profile: "v11" });
    const player = await openGame(browser, harness, { profile: "v11", user: USERS.brannoc });
    await gm.page.evaluate(() => {
      window.__updates = [];
      Hooks.on("updateUser", (user, changes, options, userId) => window.__updates.push([user.name, changes, userId]));
    });
    await player.page.evaluate(() => game.user.setFlag("harness-probe", "key", "brannoc-1"));
    await waitFor(gm.page, () => window.__updates.length === 1);
    assert.equal(await gm.page.evaluate((id) => game.users.get(id).getFlag("harness-probe", "key"), USERS.brannoc), "brannoc-1");
    assert.deepEqual(await gm.page.evaluate(() => window.__updates), [["Brannoc", { "flags.harness-probe.key": "brannoc-1" }, USERS.brannoc]]);
    await assert.rejects(player.page.evaluate((id) => game.users.get(id).setFlag("harness-probe", "key", "forged"), USERS.ysolde), /lacks permission to update User Ysolde/);
    await assert.rejects(player.page.evaluate(() => game.user.update({ role: 4 })), /may not change the role/);
    // A GM may write any user's flags; a new page sees the stored value; unsetFlag removes it.
    await gm.page.evaluate((id) => game.users.get(id).setFlag("harness-probe", "key", "by-gm"), USERS.ysolde);
    const late = await openGame(browser, harness, { profile: "v11", user: USERS.tamsin });
    assert.equal(await late.page.evaluate((id) => game.users.get(id).getFlag("harness-probe", "key"), USERS.ysolde), "by-gm");
    await player.page.evaluate(() => game.user.unsetFlag("harness-probe", "key"));
    await waitFor(gm.page, (id) => game.users.get(id).getFlag("harness-probe", "key") === undefined, USERS.brannoc);
    for (const opened of [gm, player, late]) await opened.context.close();
  });
});
