// Benchmark: Foundry `ready` → raven interactive, in headless Chromium through the harness, per Foundry version.
// Prints the median and p95 of N loads (default 15) read from the module's performance marks.
//   node tests/bench/startup.mjs [--loads 15]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, PROFILES, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";

const { values } = parseArgs({ options: { loads: { type: "string", default: "15" } } });
const loads = Number(values.loads);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

requireBuild();
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
try {
  console.log(`ready → raven interactive, ${loads} loads per profile (ms)`);
  console.log("profile  median  p95    wasm-ready after navigation (median)");
  for (const profile of PROFILES) {
    const sinceReady = [];
    const wasmReady = [];
    for (let load = 0; load < loads; load++) {
      const { page, context } = await openGame(browser, harness, { profile });
      await page.waitForFunction(() => performance.getEntriesByName("familiar:raven-interactive").length > 0);
      const marks = await page.evaluate(() => {
        const at = (name) => performance.getEntriesByName(name)[0].startTime;
        return { ready: at("familiar:foundry-ready"), raven: at("familiar:raven-interactive"), wasm: at("familiar:wasm-ready") };
      });
      sinceReady.push(marks.raven - marks.ready);
      wasmReady.push(marks.wasm);
      await context.close();
    }
    sinceReady.sort((a, b) => a - b);
    wasmReady.sort((a, b) => a - b);
    const fmt = (value) => value.toFixed(1).padEnd(7);
    console.log(`${profile.padEnd(9)}${fmt(percentile(sinceReady, 0.5))}${fmt(percentile(sinceReady, 0.95))}${fmt(percentile(wasmReady, 0.5))}`);
  }
} finally {
  await closeBrowser(browser);
  await harness.close();
}
