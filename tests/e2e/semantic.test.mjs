// The semantic search in the browser (scripts/rules/semantic.mjs and its worker): with the GM's setting on, the
// worker loads the sentence encoder and the model from the world's model URL (here the harness serving
// ~/.cache/familiar/models, never a hub), the demo world's units are embedded once, saved with the index and reused
// after a reload, and a question whose words the rules do not use is answered once the semantic side joins. A
// model file that fails its SHA-256 check is refused and the search stays by words.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { openGame, waitReady } from "../support/harness.mjs";
import { useModuleHarness } from "./setup.mjs";
import { waitForAsync } from "./waits.mjs";

const MODEL_DIR = path.join(process.env.FAMILIAR_MODELS_DIR ?? path.join(os.homedir(), ".cache/familiar/models"), "all-minilm-l6-v2");
const FILES = ["config.json", "tokenizer.json", "model.safetensors"];
const skip = !FILES.every((file) => existsSync(path.join(MODEL_DIR, file))) && `skipped: no model in ${MODEL_DIR} (tests/tools/install-models.sh)`;

let browser;
let harness;
let worldDir;
useModuleHarness({ worldDir: "familiar-semantic-" }, (started) => ({ browser, harness, worldDir } = started));

/** Serves the model under the world's files (the harness serves `<world>/files/` at its root): links to the
 * installed files, or with `corrupt` a copy of the weights with one byte changed. */
function serveModel(folder, { corrupt = false } = {}) {
  const dir = path.join(worldDir, "files", folder);
  mkdirSync(dir, { recursive: true });
  for (const file of FILES) {
    const target = path.join(dir, file);
    if (existsSync(target)) continue;
    if (corrupt && file === "model.safetensors") {
      const bytes = readFileSync(path.join(MODEL_DIR, file));
      bytes[bytes.length >> 1] ^= 0x01;
      writeFileSync(target, bytes);
    } else {
      symlinkSync(path.join(MODEL_DIR, file), target);
    }
  }
  return `${harness.url}/${folder}/`;
}

const api = (page, method, ...args) => page.evaluate(([m, a]) => game.modules.get("pf2e-familiar").api[m](...a), [method, args]);
const semantic = async (page) => (await api(page, "rulesIndexStatus")).semantic;

/** Sets the world's semantic settings as the GM and reloads, so the page starts with them. */
async function setSemantic(page, { enabled, url }) {
  await page.evaluate(
    async ([on, modelUrl]) => {
      await game.settings.set("pf2e-familiar", "semanticModelUrl", modelUrl);
      await game.settings.set("pf2e-familiar", "semanticSearch", on);
    },
    [enabled, url],
  );
  await page.reload();
  await waitReady(page);
  await api(page, "search", "warm up", { top: 1 });
}

function waitSemantic(page, states) {
  return waitForAsync(page, (wanted) => wanted.includes(game.modules.get("pf2e-familiar").api.rulesIndexStatus().semantic.state), states, { timeout: 120_000, polling: 250 });
}

/** Said of the demo pack's Soaked ("Your clothes are heavy with water...") without any of its words. */
const DESCRIBED = "I fell in the lake and now I am dripping wet";
const rankOf = (hits, name) => hits.findIndex((hit) => hit.name === name);

for (const profile of ["v13", "v14"]) {
  test(`${profile}: the worker embeds the rules once, the vectors survive a reload, and meaning finds what words miss`, { skip }, async () => {
    const { page, context, consoleErrors } = await openGame(browser, harness, { profile });
    try {
      const url = serveModel("models/all-minilm-l6-v2");
      await setSemantic(page, { enabled: false, url });
      const lexical = await api(page, "search", DESCRIBED, { top: 5 });
      assert.notEqual(rankOf(lexical, "Soaked"), 0, `words alone already find it: ${JSON.stringify(lexical.map((hit) => hit.name))}`);
      console.log(`# words alone: ${JSON.stringify(lexical.map((hit) => hit.name))}`);

      await setSemantic(page, { enabled: true, url });
      await waitSemantic(page, ["ready", "failed"]);
      const first = await semantic(page);
      assert.equal(first.state, "ready", JSON.stringify(first));
      assert.equal(first.model, "all-minilm-l6-v2");
      assert.ok(first.embedded > 0 && first.embedded === first.units, JSON.stringify(first));
      const fused = await api(page, "search", DESCRIBED, { top: 5 });
      console.log(`# fused: ${JSON.stringify(fused.map((hit) => hit.name))}`);
      assert.equal(rankOf(fused, "Soaked"), 0, JSON.stringify(fused.map((hit) => hit.name)));
      // A question that names its rule is still answered by its name.
      assert.equal((await api(page, "search", "make camp", { top: 1 }))[0].name, "Make Camp");

      // The vectors are saved with the index (wait for the save), then read back: nothing is embedded again, and
      // the weights come from the browser's cache.
      await waitForAsync(page, () => new Promise((resolve) => {
        const open = indexedDB.open("pf2e-familiar");
        open.onsuccess = () => {
          const request = open.result.transaction("blobs").objectStore("blobs").getAll();
          request.onsuccess = () => resolve(request.result.some((value) => value?.vectors?.byteLength > 0));
        };
      }));
      await page.reload();
      await waitReady(page);
      await api(page, "search", "warm up", { top: 1 });
      await waitSemantic(page, ["ready", "failed"]);
      const again = await semantic(page);
      assert.equal(again.state, "ready", JSON.stringify(again));
      assert.equal(again.embedded, 0, "the saved vectors are used");
      assert.equal(again.units, first.units);
      assert.equal(again.fromCache, true, "the model's files come from Cache Storage");
      assert.equal(rankOf(await api(page, "search", DESCRIBED, { top: 5 }), "Soaked"), 0);
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  });
}

test("a model file that fails its SHA-256 check is refused, not cached, and the search stays by words", { skip }, async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v13" });
  try {
    const url = serveModel("corrupted/all-minilm-l6-v2", { corrupt: true });
    await setSemantic(page, { enabled: true, url });
    await waitSemantic(page, ["ready", "failed"]);
    const status = await semantic(page);
    assert.equal(status.state, "failed");
    assert.equal(status.errorKind, "checksum");
    assert.match(status.error, /model\.safetensors/);
    const cached = await page.evaluate(async (prefix) => {
      const cache = await caches.open("pf2e-familiar-models");
      return (await cache.keys()).filter((request) => request.url.startsWith(prefix)).length;
    }, url);
    assert.equal(cached, 0, "nothing of a refused model is kept");
    const hits = await api(page, "search", "make camp", { top: 3 });
    assert.equal(hits[0].name, "Make Camp", "words still answer");
  } finally {
    await setSemantic(page, { enabled: false, url: "" }).catch(() => {});
    await context.close();
  }
});
