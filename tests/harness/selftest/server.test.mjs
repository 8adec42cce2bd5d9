// HTTP surface: MIME types, the strict CSP, the route prefix, template precompilation, the
// JSONL reader; and in the browser, that the CSP really blocks inline script and eval.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { launchBrowser } from "../../support/browser.mjs";
import { startTestHarness, openGame } from "../../support/harness.mjs";
import { scanJsonl } from "../server/jsonl.mjs";
import { STRICT_CSP } from "../server/csp.mjs";
import { World } from "../server/world.mjs";
import { PROBE_DIR } from "./fixtures.mjs";

let strict;
let open;
let browser;
before(async () => {
  strict = await startTestHarness({ moduleDir: PROBE_DIR, routePrefix: "/foundry" });
  open = await startTestHarness({ moduleDir: PROBE_DIR, csp: false });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await strict?.close();
  await open?.close();
});

describe("HTTP", () => {
  it("serves module files with their MIME types under the prefix", async () => {
    const base = `${strict.url}/modules/harness-probe`;
    const types = {};
    for (const f of ["module.json", "scripts/probe.mjs", "styles/probe.css", "templates/panel.hbs", "wasm/empty.wasm", "lang/en.json"]) {
      const res = await fetch(`${base}/${f}`);
      assert.equal(res.status, 200, f);
      types[f] = res.headers.get("content-type").split(";")[0];
    }
    assert.deepEqual(types, {
      "module.json": "application/json", "scripts/probe.mjs": "text/javascript", "styles/probe.css": "text/css",
      "templates/panel.hbs": "text/html", "wasm/empty.wasm": "application/wasm", "lang/en.json": "application/json",
    });
    assert.equal((await fetch(`${base}/../../../package.json`)).status, 404);
    assert.equal((await fetch(`${strict.url}/modules/harness-probe/%2e%2e/%2e%2e/server.mjs`)).status, 404);
  });

  it("the route prefix is required; nothing is served at the bare root", async () => {
    assert.equal((await fetch(`${strict.origin}/modules/harness-probe/module.json`)).status, 404);
    assert.equal((await fetch(`${strict.origin}/game`)).status, 404);
    const index = await (await fetch(`${strict.url}/`)).text();
    for (const p of ["v10", "v11", "v12", "v13"]) assert.ok(index.includes(`/foundry/game?profile=${p}&amp;user=UserGamemaster01`));
  });

  it("HTML carries the strict CSP unless disabled; the game page has no inline script or style", async () => {
    const res = await fetch(`${strict.url}/game`);
    assert.equal(res.headers.get("content-security-policy"), STRICT_CSP);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/);
    assert.equal((await fetch(`${open.url}/game`)).headers.get("content-security-policy"), null);
  });

  it("precompiles templates as ES modules and reports missing ones", async () => {
    const ok = await fetch(`${strict.url}/__harness/template.mjs?path=${encodeURIComponent("/foundry/modules/harness-probe/templates/panel.hbs")}`);
    assert.equal(ok.headers.get("content-type").split(";")[0], "text/javascript");
    assert.match(await ok.text(), /^export default \{/);
    const missing = await fetch(`${strict.url}/__harness/template.mjs?path=${encodeURIComponent("/foundry/modules/harness-probe/templates/none.hbs")}`);
    assert.equal(missing.status, 404);
  });
});

describe("strict CSP in the browser", () => {
  it("blocks an inline script on a page served by the harness, and eval-based Handlebars.compile", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = [];
    page.on("console", (m) => /Content Security Policy/.test(m.text()) && violations.push(m.text()));
    await page.goto(`${strict.url}/__harness/csp-probe`);
    assert.equal(await page.title(), "probe");
    assert.ok(violations.length >= 1);
    await context.close();

    const { page: game, context: ctx2 } = await openGame(browser, strict, { profile: "v13" });
    const r = await game.evaluate(async (url) => {
      // Run outside page.evaluate's own call: DevTools evaluation is exempt from the eval check.
      const compile = await new Promise((resolve) =>
        setTimeout(() => {
          try {
            Handlebars.compile("{{a}}")({ a: 1 });
            resolve("ran");
          } catch (err) {
            resolve(err.name);
          }
        }, 0),
      );
      const wasm = await WebAssembly.instantiateStreaming(fetch(url)).then(() => "ok", (e) => e.message);
      return { compile, wasm, violations: window.__harness.cspViolations.map((v) => v.directive) };
    }, `${strict.url}/modules/harness-probe/wasm/empty.wasm`);
    assert.deepEqual(r, { compile: "EvalError", wasm: "ok", violations: ["script-src"] });
    await ctx2.close();
  });

  it("with csp=false Handlebars.compile works", async () => {
    const { page, context } = await openGame(browser, open, { profile: "v12" });
    assert.equal(await page.evaluate(() => Handlebars.compile("{{a}}!")({ a: "caw" })), "caw!");
    await context.close();
  });
});

describe("JSONL reader", () => {
  it("streams lines with byte offsets and reports malformed lines without stopping", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "jsonl-")), "x.jsonl");
    fs.writeFileSync(file, '{"a":"é"}\n{broken\n\n{"a":2}');
    const seen = [];
    const bad = [];
    await scanJsonl(file, (obj, offset, length) => seen.push([obj.a, offset, length]), (line) => bad.push(line));
    assert.deepEqual(seen, [["é", 0, 10], [2, 20, 7]]);
    assert.deepEqual(bad, [2]);
  });
});

describe("world persistence", () => {
  it("world and user settings written to worldDir/settings.json are read back by a new server", () => {
    const worldDir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-world-"));
    const first = new World({ worldDir });
    first.setSetting({ key: "familiar.volume", value: "0.5" });
    first.setSetting({ key: "familiar.seen", value: "true", user: "UserTamsin000001" });
    const second = new World({ worldDir });
    assert.deepEqual(second.settingsFor("UserTamsin000001").map((s) => [s.key, s.value, s.user]), [["familiar.volume", "0.5", null], ["familiar.seen", "true", "UserTamsin000001"]]);
    assert.deepEqual(second.settingsFor("UserBrannoc00001").map((s) => s.key), ["familiar.volume"]);
    assert.throws(() => second.setSetting({ key: "nodot", value: "1" }), /invalid setting key/);
    fs.rmSync(worldDir, { recursive: true, force: true });
  });
});
