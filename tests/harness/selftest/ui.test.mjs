// Templates, both Application flavours, scene controls, notifications, chat, actors, FilePicker.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "../../support/browser.mjs";
import { startTestHarness, openGame, PROFILES, USERS } from "../../support/harness.mjs";
import { PROBE_DIR, probe } from "./fixtures.mjs";

let harness;
let browser;
before(async () => {
  harness = await startTestHarness({ moduleDir: PROBE_DIR, routePrefix: "/vtt" });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

const GEN = { v10: 10, v11: 11, v12: 12, v13: 13, v14: 14 };
const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: 5000 });

describe("per profile UI surface (under route prefix /vtt)", () => {
  for (const profile of PROFILES) {
    it(`${profile}: templates, applications, scene controls, notifications, chat`, async () => {
      const g = GEN[profile];
      const { page, context, pageErrors } = await openGame(browser, harness, { profile });

      // Templates: relative Foundry paths resolve under the route prefix; helpers and partials work.
      const html = await page.evaluate(async () => {
        const ns = foundry.applications?.handlebars ?? { renderTemplate, loadTemplates };
        await ns.loadTemplates(["modules/harness-probe/templates/partial.hbs"]);
        return ns.renderTemplate("modules/harness-probe/templates/panel.hbs", { userName: "Tamsin", flavour: "v2", generation: 7, tags: ["x"] });
      });
      assert.match(html, /Hello, Tamsin!/);
      assert.match(html, /ApplicationV2 · gen-7/);
      assert.match(html, /\[&quot;x&quot;\]|\["x"\]/);
      await assert.rejects(page.evaluate(() => (foundry.applications?.handlebars ?? globalThis).renderTemplate("modules/harness-probe/templates/missing.hbs", {})), /Failed to load template/);
      // v13 keeps the globals but warns on use.
      const warned = await page.evaluate(() => {
        void globalThis.renderTemplate;
        return window.__harness.compatibilityWarnings.some((w) => /renderTemplate/.test(w.message));
      });
      assert.equal(warned, g >= 13);

      // Application v1: frame, jQuery listeners, render<Class> hook with jQuery, close.
      await page.evaluate(() => new (game.modules.get("harness-probe").api.apps.ProbeAppV1)().render(true));
      await page.waitForSelector("#harness-probe-v1 .greeting");
      assert.equal(await page.textContent("#harness-probe-v1 .window-title"), "Harness Probe");
      await page.click("#harness-probe-v1 .ping");
      await page.getByRole("button", { name: "Close" }).first().click();
      await page.waitForSelector("#harness-probe-v1", { state: "detached" });
      const v1 = (await probe(page, (api) => api.appRenders)).find((r) => r.cls === "v1");
      assert.deepEqual(v1, { cls: "v1", jquery: true, flavour: "v1" });

      // ApplicationV2 (v12+): PARTS, data-action with `this` = app, render<Class> with HTMLElement.
      if (g >= 12) {
        const state = await page.evaluate(async () => {
          const app = new (game.modules.get("harness-probe").api.apps.ProbeAppV2)();
          const returned = await app.render(true);
          document.querySelector("#harness-probe-v2 [data-action=ping]").click();
          return { same: returned === app, rendered: app.rendered, pinged: app.pinged, part: app.element.querySelector("[data-application-part=main]") !== null, tag: app.element.tagName };
        });
        assert.deepEqual(state, { same: true, rendered: true, pinged: "ping", part: true, tag: "SECTION" });
        await page.getByRole("button", { name: "Close Window" }).click();
        await page.waitForSelector("#harness-probe-v2", { state: "detached" });
        const v2 = (await probe(page, (api) => api.appRenders)).find((r) => r.cls === "v2");
        assert.deepEqual(v2, { cls: "v2", element: true, flavour: "v2", force: true });
      } else {
        assert.equal(await probe(page, (api) => Boolean(api.apps.ProbeAppV2)), false);
      }

      // Scene controls: shape per version, accessible buttons, click runs onClick/onChange.
      assert.equal(await probe(page, (api) => api.controlsShape), g >= 13 ? "record" : "array");
      await page.getByRole("button", { name: "Open the probe" }).click();
      assert.equal(await probe(page, (api) => api.toolClicks), 1);

      // Notifications: log, DOM, v13 success and progress handles.
      const notes = await page.evaluate(() => {
        ui.notifications.info("PROBE.Title", { localize: true });
        const handle = ui.notifications.warn("Working", { progress: true });
        if (typeof handle === "object") handle.update({ pct: 0.5, message: "Half" });
        ui.notifications.success?.("Done");
        return { log: window.__harness.notifications.map((n) => [n.type, n.message, n.progress]), handle: typeof handle, dom: document.querySelectorAll("#notifications .notification").length };
      });
      const expected = [["info", "Harness Probe", false], ["warning", g >= 13 ? "Half" : "Working", g >= 13]];
      if (g >= 13) expected.push(["success", "Done", false]);
      assert.deepEqual(notes.log, expected);
      assert.equal(notes.handle, g >= 13 ? "object" : "number");
      assert.equal(notes.dom, expected.length);

      // Chat: ChatMessage.create, author field per version, render hooks per version. Messages of earlier
      // profiles in this world were rendered (and hooked) at start-up, as Foundry renders the existing log.
      const renderedBefore = await probe(page, (api) => ({ jq: api.chatRendered.length, html: api.chatHtmlRendered.length }));
      const msg = await page.evaluate(async () => {
        const m = await ChatMessage.create({ content: "<p>Caw</p>" });
        return { user: m.user, author: m.author };
      });
      if (g >= 12) assert.deepEqual(msg, { user: undefined, author: USERS.gm });
      else assert.deepEqual(msg, { user: USERS.gm, author: undefined });
      const all = await probe(page, (api) => ({ jq: api.chatRendered.map((r) => [r.jquery, r.content]), html: api.chatHtmlRendered.map((r) => [r.element, r.content]) }));
      const rendered = { jq: all.jq.slice(renderedBefore.jq), html: all.html.slice(renderedBefore.html) };
      // v13 still calls renderChatMessage (with jQuery) when someone listens, with a deprecation warning.
      assert.deepEqual(rendered.jq, [[true, "Caw"]]);
      assert.deepEqual(rendered.html, g >= 13 ? [[true, "Caw"]] : []);
      const deprecation = await page.evaluate(() => window.__harness.compatibilityWarnings.some((w) => /renderChatMessage hook/.test(w.message)));
      assert.equal(deprecation, g >= 13);
      // The chat input fires chatMessage; returning false cancels the message.
      await page.fill("#chat-message", "!probe secret");
      await page.press("#chat-message", "Enter");
      await page.fill("#chat-message", "hello table");
      await page.press("#chat-message", "Enter");
      const shownBefore = all.jq.length - rendered.jq.length + 1;
      await waitFor(page, (count) => document.querySelectorAll("#chat-log .chat-message").length === count, shownBefore + 1);
      assert.equal(await probe(page, (api) => api.intercepted), "!probe secret");
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(await page.evaluate(() => window.__harness.cspViolations), []);
      await context.close();
    });
  }
});

describe("world documents across pages", () => {
  it("ChatMessage and Actor writes broadcast to the other page with hooks and the writer's id", async () => {
    const gm = await openGame(browser, harness, { profile: "v12" });
    const player = await openGame(browser, harness, { profile: "v12", user: USERS.ysolde });
    await gm.page.evaluate(() => ChatMessage.create({ content: "public" }));
    await gm.page.evaluate((id) => ChatMessage.create({ content: "secret", whisper: [id] }), USERS.brannoc);
    await waitFor(player.page, () => game.messages.contents.length >= 2);
    const shown = await player.page.evaluate(() => [...document.querySelectorAll("#chat-log .message-content")].map((e) => e.textContent));
    assert.ok(shown.includes("public") && !shown.includes("secret"));

    const id = await gm.page.evaluate(async () => (await Actor.create({ name: "Weir Troll", type: "npc", system: { details: { level: { value: 5 } } } })).id);
    await waitFor(player.page, (i) => Boolean(game.actors.get(i)), id);
    await gm.page.evaluate((i) => game.actors.get(i).update({ "system.details.level.value": 6 }), id);
    await waitFor(player.page, (i) => game.actors.get(i)?.system.details.level.value === 6, id);
    await assert.rejects(player.page.evaluate((i) => game.actors.get(i).delete(), id), /lacks permission/);
    await gm.page.evaluate((i) => game.actors.get(i).delete(), id);
    await waitFor(player.page, (i) => !game.actors.get(i), id);
    const events = await probe(player.page, (api) => api.actorEvents.map((e) => [e.hook, e.userId]));
    assert.deepEqual(events, [["createActor", USERS.gm], ["updateActor", USERS.gm], ["deleteActor", USERS.gm]]);
    const pcs = await player.page.evaluate(() => game.actors.filter((a) => a.type === "character").map((a) => a.system.details.level.value));
    assert.deepEqual(pcs, [3, 3, 4]);
    await gm.context.close();
    await player.context.close();
  });

  it("FilePicker: createDirectory, upload, browse, then the file is served under the prefix", async () => {
    for (const profile of ["v12", "v13", "v14"]) {
      const { page, context } = await openGame(browser, harness, { profile });
      const r = await page.evaluate(async (p) => {
        const FP = foundry.applications?.apps?.FilePicker?.implementation ?? FilePicker;
        const dir = `familiar-${p}`;
        await FP.createDirectory("data", dir);
        const up = await FP.upload("data", dir, new File(["caw"], "raven.txt", { type: "text/plain" }), {}, { notify: false });
        const listing = await FP.browse("data", dir);
        const text = await fetch(`${window.__harness.prefix}/${up.path}`).then((res) => res.text());
        let again;
        try {
          await FP.createDirectory("data", dir);
        } catch (err) {
          again = err.message;
        }
        return { path: up.path, files: listing.files, text, again };
      }, profile);
      assert.deepEqual(r, { path: `familiar-${profile}/raven.txt`, files: [`familiar-${profile}/raven.txt`], text: "caw", again: `The directory familiar-${profile} already exists` });
      await context.close();
    }
  });
});
