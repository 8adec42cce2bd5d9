// The image classifier in the module: nothing of it is fetched while Foundry starts (TensorFlow.js and the model are
// about 5 MB), it loads relative to its own URL under a route prefix, and it classifies under the strict CSP
// (no eval, no new Function) through module code — triggered from a timer, not from DevTools evaluation, which the
// CSP does not police.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { startTestHarness } from "../support/harness.mjs";
import { STAGED_MODULE } from "./paths.mjs";
import { ravenInteractive } from "./waits.mjs";
import { useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({}, (started) => ({ browser, harness } = started));

const isClassifierFile = (url) => /\/modules\/pf2e-familiar\/(vendor\/|scripts\/art\/classifier\.mjs)/.test(url);

describe("image classifier", () => {
  test("start-up fetches none of it; opening the panel neither", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v13" });
    try {
      const fetched = [];
      page.on("request", (request) => isClassifierFile(request.url()) && fetched.push(request.url()));
      await page.reload();
      await ravenInteractive(page);
      await page.locator("#familiar-raven").click();
      await page.locator("#familiar-panel").waitFor({ state: "visible" });
      await page.waitForLoadState("networkidle");
      assert.deepEqual(fetched, []);
    } finally {
      await context.close();
    }
  });

  test("classifies a drawing under the CSP and a route prefix, from its own URL", async () => {
    const prefixed = await startTestHarness({ moduleDir: STAGED_MODULE, routePrefix: "/foundry" });
    const { page, context, consoleErrors } = await openGame(browser, prefixed, { profile: "v10" });
    try {
      const fetched = [];
      page.on("request", (request) => isClassifierFile(request.url()) && fetched.push(new URL(request.url()).pathname));
      const result = await page.evaluate(
        (base) =>
          new Promise((resolve) => {
            // From a timer, so the classifier runs as page code under the CSP.
            setTimeout(async () => {
              try {
                const { classifyImage, classifier } = await import(`${base}/scripts/art/classifier.mjs`);
                const [width, height] = [200, 160];
                const rgba = new Uint8Array(width * height * 4);
                for (let i = 0; i < width * height; i++) rgba.set([(i % width) + 40, 90, 200 - ((i / width) | 0), 255], i * 4);
                const scores = await classifyImage({ width, height, rgba });
                const { backend } = await classifier();
                let rejected = null;
                await classifyImage({ width: 2, height: 2, rgba: new Uint8Array(3) }).catch((error) => (rejected = error.name));
                resolve({ scores, backend, rejected, csp: window.__harness.cspViolations });
              } catch (error) {
                resolve({ error: String(error?.stack ?? error) });
              }
            }, 0);
          }),
        `${prefixed.url}/modules/pf2e-familiar`,
      );
      assert.equal(result.error, undefined, result.error);
      assert.deepEqual(result.csp, []);
      assert.equal(result.backend, "wasm");
      assert.equal(result.rejected, "ClassifierError");
      const keys = Object.keys(result.scores).sort();
      assert.deepEqual(keys, ["drawing", "hentai", "neutral", "porn", "sexy"]);
      const sum = Object.values(result.scores).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 0.01, `probabilities sum to ${sum}`);
      assert.ok(result.scores.porn + result.scores.hentai + result.scores.sexy < 0.5, JSON.stringify(result.scores));
      assert.ok(fetched.every((p) => p.startsWith("/foundry/modules/pf2e-familiar/")), fetched.join());
      assert.ok(fetched.some((p) => p.endsWith("/vendor/classifier.mjs")) && fetched.some((p) => p.endsWith(".wasm")), fetched.join());
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
      await prefixed.close();
    }
  });
});
