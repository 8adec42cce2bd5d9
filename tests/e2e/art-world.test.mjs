// Art into the world (scripts/art/world-files.mjs) through the module in the harness, on v10 (the global
// FilePicker) and v13 (foundry.applications.apps.FilePicker.implementation): WebP bytes saved in the module's folder
// of the world's data (nested folders created, "already exists" tolerated), never overwriting (the core's naming
// rule against the folder's listing), the actor's portrait and prototype token set, and the image posted to chat
// under the actor's name, escaped. The server's own state is checked: the file on disk, the stored actor, the message.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { openGame, generationOf } from "../support/harness.mjs";
import { useModuleHarness } from "./setup.mjs";
import { ravenInteractive } from "./waits.mjs";

let browser;
let harness;
let worldDir;
useModuleHarness({ worldDir: "familiar-art-world-" }, (started) => ({ browser, harness, worldDir } = started));

const world = () => harness.world;

for (const profile of ["v10", "v13", "v14"]) {
  describe(`Foundry ${profile}`, () => {
    test("saves WebP into the module's folder without overwriting; applies to actor and token; posts to chat", async () => {
      const { page, context, consoleErrors, pageErrors } = await openGame(browser, harness, { profile });
      try {
        await ravenInteractive(page);
        const result = await page.evaluate(async (base) => {
          const files = await import(`${base}/scripts/art/world-files.mjs`);
          const canvas = Object.assign(document.createElement("canvas"), { width: 48, height: 32 });
          const context2d = canvas.getContext("2d");
          context2d.fillStyle = "#3a6";
          context2d.fillRect(0, 0, 48, 32);
          const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/webp", 0.9));
          const bytes = new Uint8Array(await blob.arrayBuffer());
          const actor = game.actors.get("ActorMillCrow001");
          const folder = files.artFolder();
          const first = await files.saveArt({ bytes, mime: "image/webp", subject: actor.name });
          const second = await files.saveArt({ bytes, mime: "image/webp", subject: actor.name });
          const token = await files.saveArt({ bytes, mime: "image/webp", subject: actor.name, suffix: "-token" });
          await files.applyPortrait(actor, first);
          await files.applyPrototypeToken(actor, token);
          const message = await files.postArt({ path: first, actor, title: `<b onmouseover="x()">${actor.name}</b>` });
          // No canvas in the harness: no scene tokens. Foundry's Actor#getActiveTokens(linked, document) gives the
          // token documents on the viewed scene (foundryvtt.com/api/classes/foundry.documents.Actor.html); two stand-ins.
          const noTokens = files.sceneTokens(actor).length;
          const updates = [];
          const stand = (id) => ({ id, update: async (changes) => updates.push([id, changes]) });
          const withTokens = { getActiveTokens: (linked, document) => (document ? [stand("t1"), stand("t2"), null] : []) };
          const found = files.sceneTokens(withTokens);
          await files.applySceneTokens(found, token);
          let refused = null;
          await files.saveArt({ bytes, mime: "image/gif", subject: "x" }).catch((error) => (refused = error.name));
          return { noTokens, updates, folder, first, second, token, img: actor.img, tokenSrc: actor.prototypeToken?.texture?.src, content: message.content, refused, bytes: [...bytes] };
        }, `${harness.url}/modules/pf2e-familiar`);
        const folder = `worlds/harness-vale/pf2e-familiar-art`;
        assert.equal(result.folder, folder);
        // The second save of the same name got the next free one; v10 and v13 share the world, so v13 sees v10's.
        assert.match(result.first, new RegExp(`^${folder}/mill-crow(-\\d+)?\\.webp$`));
        assert.notEqual(result.first, result.second);
        assert.match(result.token, new RegExp(`^${folder}/mill-crow-token(-\\d+)?\\.webp$`));
        for (const saved of [result.first, result.second, result.token]) {
          const onDisk = readFileSync(path.join(worldDir, "files", saved));
          assert.deepEqual([...onDisk], result.bytes, `${saved} holds the uploaded bytes`);
          assert.equal(onDisk.subarray(0, 4).toString("latin1"), "RIFF");
          assert.equal(onDisk.subarray(8, 12).toString("latin1"), "WEBP");
        }
        assert.equal(result.img, result.first);
        assert.equal(result.tokenSrc, result.token);
        const stored = world().actors.find((actor) => actor._id === "ActorMillCrow001");
        assert.equal(stored.img, result.first);
        assert.equal(stored.prototypeToken.texture.src, result.token);
        assert.equal(result.refused, "ArtFileError");
        assert.equal(result.noTokens, 0);
        assert.deepEqual(result.updates, [["t1", { texture: { src: result.token } }], ["t2", { texture: { src: result.token } }]]);
        // The name is text, never markup; the image is the saved file.
        assert.match(result.content, new RegExp(`<img src="${result.first}"`));
        assert.ok(!result.content.includes("<b "), result.content);
        assert.ok(result.content.includes("&lt;b onmouseover"), result.content);
        const posted = world().messages.at(-1);
        assert.equal(posted.content, result.content);
        assert.equal(posted.speaker?.actor, "ActorMillCrow001");
        // The chat log shows the picture.
        await page.locator(`#chat-log img[src="${result.first}"]`).waitFor();
        assert.deepEqual(pageErrors, []);
        assert.deepEqual(consoleErrors, []);
        if (generationOf(profile) >= 13) {
          const warnings = await page.evaluate(() => window.__harness.compatibilityWarnings.map((w) => w.message ?? String(w)));
          assert.ok(!warnings.some((text) => /FilePicker/.test(text)), warnings.join("\n"));
        }
      } finally {
        await context.close();
      }
    });
  });
}
