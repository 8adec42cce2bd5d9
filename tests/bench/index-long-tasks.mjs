// Benchmark: the main thread's long tasks (over 50 ms) on the GM's page while the rules index is built from the
// shared packs (rules sample and bestiaries, 8,287 documents), with the pack reads and the index's wasm calls over
// 40 ms that fell in them. Total blocking time is the sum of each long task's time over 50 ms, as Lighthouse counts it.
//   ./www-build.sh && node tests/bench/index-long-tasks.mjs [--profile v14]        # needs ../shared/pf2e
// On v14 the same 2021 packs are served as that profile's pf2e world (v14 pages see only their own line's system
// packs), so the figures compare the core versions on one set of documents.
import fs from "node:fs";
import path from "node:path";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, SHARED_PF2E, startTestHarness } from "../support/harness.mjs";
import { STAGED_MODULE } from "../e2e/paths.mjs";
const shared = (n) => path.join(SHARED_PF2E, n);
if (!fs.existsSync(shared("bestiary.jsonl"))) {
  console.log("skipped: ../shared/pf2e not present");
  process.exit(0);
}
const profileAt = process.argv.indexOf("--profile");
const profile = profileAt > 0 ? process.argv[profileAt + 1] : "v13";
const files = ["rules-sample.jsonl", "bestiary.jsonl"].map(shared);
const packs = profile === "v14" ? { pf2e8PackFiles: files, pf2e8PacksMeta: shared("packs.json") } : { packFiles: files, packsMeta: shared("packs.json") };
const harness = await startTestHarness({ moduleDir: STAGED_MODULE, ...packs });
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__long = [];
    window.__calls = [];
    const timer = setInterval(async () => {
      if (!globalThis.game?.packs?.size) return;
      clearInterval(timer);
      for (const pack of game.packs) {
        const original = pack.getDocuments.bind(pack);
        pack.getDocuments = async (...args) => { const t = performance.now(); const r = await original(...args); window.__calls.push(["getDocuments " + pack.collection, Math.round(t), Math.round(performance.now() - t)]); return r; };
      }
      const glue = await import(`${location.origin}/modules/pf2e-familiar/wasm/familiar_wasm.js`);
      for (const name of ["commitStep", "addDocuments", "toBytes"]) {
        const original = glue.RulesIndex.prototype[name];
        glue.RulesIndex.prototype[name] = function (...args) { const t = performance.now(); const r = original.apply(this, args); window.__calls.push([name, Math.round(t), Math.round(performance.now() - t)]); return r; };
      }
    }, 5);
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask", buffered: true });
  });
  const { page } = await openGame(browser, harness, { profile, context });
  const t0 = Date.now();
  for (;;) { const st = await page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/rules/rules-index.mjs`)).rulesIndexStatus().state); if (st === "ready" || st === "failed") break; await new Promise((r) => setTimeout(r, 500)); }
  const status = await page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/rules/rules-index.mjs`)).rulesIndexStatus());
  const long = await page.evaluate(() => window.__long);
  const calls = await page.evaluate(() => window.__calls);
  const tbt = long.reduce((s, [, d]) => s + Math.max(0, d - 50), 0);
  const over = (name) => calls.filter(([call, , ms]) => call.startsWith(name) && ms > 40).map(([, , ms]) => ms);
  const longest = (list) => (list.length ? Math.max(...list) : 0);
  console.log(`documents ${status.documents}, build ${status.buildMs} ms (${((Date.now() - t0) / 1000).toFixed(1)} s after ready)`);
  console.log(`long tasks ${long.length}, total blocking time ${tbt} ms, longest ${longest(long.map(([, d]) => d))} ms`);
  console.log(`calls over 40 ms: getDocuments ${over("getDocuments").length} (longest ${longest(over("getDocuments"))} ms), addDocuments ${over("addDocuments").length} (${longest(over("addDocuments"))} ms), commitStep ${over("commitStep").length} (${longest(over("commitStep"))} ms), toBytes ${over("toBytes").length} (${longest(over("toBytes"))} ms)`);
} finally { await closeBrowser(browser); await harness.close(); }
