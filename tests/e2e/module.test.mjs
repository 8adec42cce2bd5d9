// Familiar inside the Foundry harness, for every supported core version: it loads cleanly, the raven appears
// clear of Foundry's UI, a click opens the panel and the panel shows the bundle's own answer, settings survive a
// reload, and clients see each other over the module socket.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { openGame, PROFILES, USERS } from "../support/harness.mjs";
import { REPO } from "./paths.mjs";
import { ravenInteractive } from "./waits.mjs";
import { useModuleHarness } from "./setup.mjs";

const VERSION = JSON.parse(readFileSync(path.join(REPO, "module.json"), "utf8")).version;
const RAVEN_NAME = "Familiar: ask the raven";

let browser;
let harness;
useModuleHarness({}, (started) => ({ browser, harness } = started));

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

for (const profile of PROFILES) {
  describe(`Foundry ${profile}`, () => {
    test("loads without console errors; the raven appears clear of Foundry's UI", async () => {
      const { page, context, consoleErrors, pageErrors } = await openGame(browser, harness, { profile });
      try {
        await ravenInteractive(page);
        const raven = page.getByRole("button", { name: RAVEN_NAME, exact: true }).and(page.locator("#familiar-raven"));
        await raven.waitFor({ state: "visible" });
        const ravenBox = await raven.boundingBox();
        for (const selector of ["#controls", "#sidebar", "#hotbar"]) {
          const box = await page.locator(selector).boundingBox();
          if (box) assert.equal(overlaps(ravenBox, box), false, `the raven covers ${selector}`);
        }
        const viewport = page.viewportSize();
        assert.ok(ravenBox.x >= 0 && ravenBox.y >= 0 && ravenBox.x + ravenBox.width <= viewport.width);
        assert.deepEqual(pageErrors, []);
        assert.deepEqual(consoleErrors, []);
        const notices = await page.evaluate(() => window.__harness.notifications.map((n) => n.type));
        assert.equal(notices.includes("error"), false);
      } finally {
        await context.close();
      }
    });

    test("leaves no footprint outside its namespace: no globals, no core prototypes, only its own settings and sheet", async () => {
      const { page, context } = await openGame(browser, harness, { profile });
      try {
        await ravenInteractive(page);
        const diff = await page.evaluate(() =>
          window.__harness.diffFootprint(window.__harness.footprint.beforeModules, window.__harness.footprint.afterReady),
        );
        assert.deepEqual(diff.globals.added, []);
        assert.deepEqual(diff.prototypes, {});
        assert.ok(diff.settings.added.every((key) => key.startsWith("pf2e-familiar.")), diff.settings.added.join());
        assert.ok(diff.stylesheets.added.every((href) => href.endsWith("/modules/pf2e-familiar/styles/familiar.css")));
      } finally {
        await context.close();
      }
    });

    test("a click on the raven opens the panel, which shows the bundle's build info", async () => {
      const { page, context } = await openGame(browser, harness, { profile });
      try {
        await ravenInteractive(page);
        await page.locator("#familiar-raven").click();
        const panel = page.locator("#familiar-panel");
        await panel.waitFor({ state: "visible" });
        await panel.getByRole("tab", { name: "About" }).click();
        assert.equal(await panel.locator('[data-familiar-fact="version"]').textContent(), VERSION);
        assert.match(await panel.locator('[data-familiar-fact="build"]').textContent(), /release · wasm32/);
        assert.equal(await panel.locator('[data-familiar-fact="system"]').textContent(), "pf2e");
        const legal = (await panel.locator(".familiar-panel__legal").allTextContents()).join(" ");
        for (const notice of ["Community Use Policy", "expressly prohibited from charging", "not published, endorsed",
          "ships no Paizo text", "Open Game License 1.0a", "ORC License"]) {
          assert.ok(legal.includes(notice), `About says "${notice}"`);
        }
        const docs = await panel.locator(".familiar-panel__docs a").evaluateAll((links) => links.map((a) => a.href));
        assert.equal(docs.length, 5);
        for (const href of docs) {
          assert.ok(existsSync(path.join(REPO, "docs", path.basename(new URL(href).pathname))), `${href} names a doc of ours`);
        }
        const info = await page.evaluate(() => game.modules.get("pf2e-familiar").api.buildInfo());
        assert.equal(info.version, VERSION);
        await page.locator("#familiar-raven").click();
        await panel.waitFor({ state: "detached" });
      } finally {
        await context.close();
      }
    });

    test("the scene-control button opens the panel too", async () => {
      const { page, context } = await openGame(browser, harness, { profile });
      try {
        await ravenInteractive(page);
        await page.locator("#controls").getByRole("button", { name: RAVEN_NAME }).click();
        await page.locator("#familiar-panel").waitFor({ state: "visible" });
      } finally {
        await context.close();
      }
    });

    test("client and world settings survive a reload", async () => {
      const { page, context } = await openGame(browser, harness, { profile });
      try {
        await ravenInteractive(page);
        await page.evaluate(async () => {
          await game.settings.set("pf2e-familiar", "animations", false);
          await game.settings.set("pf2e-familiar", "playersMayUse", false);
        });
        await page.reload();
        await ravenInteractive(page);
        const saved = await page.evaluate(() => [
          game.settings.get("pf2e-familiar", "animations"),
          game.settings.get("pf2e-familiar", "playersMayUse"),
        ]);
        assert.deepEqual(saved, [false, false]);
        assert.match(await page.locator("#familiar-raven").getAttribute("class"), /familiar-raven--still/);

        // The world setting reached the server: a player now gets no raven and no control button.
        const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
        try {
          await ravenInteractive(player.page);
          assert.equal(await player.page.locator("#familiar-raven").count(), 0);
          assert.equal(await player.page.locator("#controls").getByRole("button", { name: RAVEN_NAME }).count(), 0);
        } finally {
          await player.context.close();
        }
      } finally {
        await page.evaluate(async () => {
          await game.settings.set("pf2e-familiar", "animations", true);
          await game.settings.set("pf2e-familiar", "playersMayUse", true);
        });
        await context.close();
      }
    });

    test("two clients see each other over the module socket", async () => {
      const gm = await openGame(browser, harness, { profile });
      const player = await openGame(browser, harness, { profile, user: USERS.ysolde });
      try {
        await ravenInteractive(gm.page);
        await ravenInteractive(player.page);
        const peerOf = (page, userId) =>
          page.waitForFunction(
            (id) => game.modules.get("pf2e-familiar").api.peers().find((peer) => peer.userId === id),
            userId,
          );
        const seenByGm = await (await peerOf(gm.page, USERS.ysolde)).jsonValue();
        assert.equal(seenByGm.version, VERSION);
        const seenByPlayer = await (await peerOf(player.page, USERS.gm)).jsonValue();
        assert.equal(seenByPlayer.version, VERSION);
        // A malformed message on the channel is ignored, not trusted.
        await player.page.evaluate(() => game.socket.emit("module.pf2e-familiar", { kind: "hello", userId: "nobody", version: "<b>" }));
        await player.page.waitForTimeout(200);
        const peers = await gm.page.evaluate(() => game.modules.get("pf2e-familiar").api.peers().map((peer) => peer.userId));
        assert.equal(peers.includes("nobody"), false);
      } finally {
        await gm.context.close();
        await player.context.close();
      }
    });
  });
}
