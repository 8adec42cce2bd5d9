// Benchmark: the Ask history at its bound, in headless Chromium on the harness (v13 profile, the GM).
//   node tests/bench/ask-history.mjs [--records 500] [--runs 20] [--saves 1000]
// `records` saved exchanges of a full-length answer each (about 1,500 characters of Markdown with three content links,
// three citations) are put in IndexedDB, then: reading them back (IndexedDB + the wasm AskHistory's checks); opening
// the panel until its first page of the history is drawn; "Show earlier questions" until the next page is drawn;
// saving one more exchange (read, push, write back); the Markdown export; and the JS heap (after a DevTools-forced
// GC) and wasm memory before and after `saves` more exchanges, which the bound keeps at `records`.
// Needs ./www-build.sh (dist/pf2e-familiar).
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { ravenInteractive } from "../e2e/waits.mjs";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "500" },
    runs: { type: "string", default: "20" },
    saves: { type: "string", default: "1000" },
  },
});
const RECORDS = Number(values.records);
const RUNS = Number(values.runs);
const SAVES = Number(values.saves);
requireBuild();

/** A saved exchange as the Ask view writes it, with our own text. */
function record(n) {
  const link = (k) => `@UUID[Compendium.bench.rules.Item.bench${String(n * 3 + k).padStart(8, "0")}]{Bench Rule ${k}}`;
  const sentence = (k) => `A creature that spends an action on this activity compares its result against the DC (${link(k % 3)}); `;
  return {
    v: 1,
    question: `Question ${n}: how does flanking work when my ally is grabbed and prone at the same time?`,
    answer: `**No.** ${Array.from({ length: 9 }, (_, k) => sentence(k)).join("")}`.slice(0, 1500),
    citations: [0, 1, 2].map((k) => ({ uuid: `Compendium.bench.rules.Item.bench${String(n * 3 + k).padStart(8, "0")}`, name: `Bench Rule ${k}` })),
    provider: "Bench provider",
    offline: null,
    at: Date.now() - (RECORDS - n) * 60_000,
  };
}

const quantiles = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `${at(0.5).toFixed(1)} | ${at(0.95).toFixed(1)} | ${sorted.at(-1).toFixed(1)}`;
};

/** Runs in the page: the module's own store and bundle, through the same imports the module uses. */
const inPage = {
  store: async (records) => {
    const storage = await import(new URL("modules/pf2e-familiar/scripts/core/storage.mjs", document.baseURI).href);
    await storage.saveBlob(`ask-history:${game.world.id}:${game.user.id}`, records);
  },
  read: async (runs) => {
    const storage = await import(new URL("modules/pf2e-familiar/scripts/core/storage.mjs", document.baseURI).href);
    const { requireWasm } = await import(new URL("modules/pf2e-familiar/scripts/core/runtime.mjs", document.baseURI).href);
    const key = `ask-history:${game.world.id}:${game.user.id}`;
    const times = [];
    let length = 0;
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      const history = new (requireWasm().AskHistory)(await storage.loadBlob(key));
      times.push(performance.now() - start);
      length = history.length;
      history.free();
    }
    return { times, length };
  },
  saves: async ({ count, exchange }) => {
    const { saveExchange, askHistoryExport } = await import(new URL("modules/pf2e-familiar/scripts/chat/ask-history-store.mjs", document.baseURI).href);
    const times = [];
    for (let n = 0; n < count; n++) {
      const start = performance.now();
      await saveExchange({ ...exchange, question: `${exchange.question} (${n})` });
      times.push(performance.now() - start);
    }
    const start = performance.now();
    const file = await askHistoryExport();
    return { times, exportMs: performance.now() - start, exportBytes: new TextEncoder().encode(file.text).length };
  },
  wasmMemory: async () => {
    const glue = await import(new URL("modules/pf2e-familiar/wasm/familiar_wasm.js", document.baseURI).href);
    return (await glue.default()).memory.buffer.byteLength;
  },
  /** Clicks the raven (or the earlier-questions button) and resolves with the ms until `entries` are listed. */
  until: async ({ click, entries }) => {
    const start = performance.now();
    document.querySelector(click).click();
    await new Promise((resolve) => {
      const check = () => (document.querySelectorAll("#familiar-panel [data-familiar-history-entry]").length >= entries ? resolve() : requestAnimationFrame(check));
      check();
    });
    return performance.now() - start;
  },
};

const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
try {
  const { page, context } = await openGame(browser, harness, { profile: "v13" });
  await ravenInteractive(page);
  const records = Array.from({ length: RECORDS }, (_, n) => record(n));
  await page.evaluate(inPage.store, records);
  const bytes = Buffer.byteLength(JSON.stringify(records));

  const read = await page.evaluate(inPage.read, RUNS);
  const open = [];
  const earlier = [];
  for (let run = 0; run < RUNS; run++) {
    await page.reload();
    await ravenInteractive(page);
    if (await page.locator("#familiar-panel").isVisible()) {
      await page.locator("#familiar-raven").click();
      await page.locator("#familiar-panel").waitFor({ state: "detached" });
    }
    open.push(await page.evaluate(inPage.until, { click: "#familiar-raven", entries: 20 }));
    earlier.push(await page.evaluate(inPage.until, { click: '[data-familiar-history-action="earlier"]', entries: 40 }));
  }

  const cdp = await context.newCDPSession(page);
  const memory = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = await cdp.send("Runtime.getHeapUsage");
    return { heap: heap.usedSize, wasm: await page.evaluate(inPage.wasmMemory) };
  };
  const { v, at, ...exchange } = record(RECORDS);
  const warm = await page.evaluate(inPage.saves, { count: RUNS, exchange });
  const before = await memory();
  const keptBefore = await page.evaluate(inPage.read, 1);
  const long = await page.evaluate(inPage.saves, { count: SAVES, exchange });
  const after = await memory();
  const kept = await page.evaluate(inPage.read, 1);

  console.log(`Ask history: ${RECORDS} saved exchanges (${(bytes / 1024).toFixed(0)} KiB as JSON), ${RUNS} runs, Chromium, v13 profile`);
  console.log("| step | p50 ms | p95 ms | max ms |");
  console.log("|---|---|---|---|");
  console.log(`| read back (IndexedDB + AskHistory checks) | ${quantiles(read.times)} |`);
  console.log(`| click on the raven → first page (20) drawn | ${quantiles(open)} |`);
  console.log(`| Show earlier questions → next page drawn | ${quantiles(earlier)} |`);
  console.log(`| save one more exchange (read, push, write) | ${quantiles([...warm.times, ...long.times])} |`);
  console.log(`| export as Markdown (${(long.exportBytes / 1024).toFixed(0)} KiB) | ${long.exportMs.toFixed(1)} | | |`);
  console.log("");
  console.log(`| after | JS heap KiB | wasm memory KiB | exchanges kept |`);
  console.log("|---|---|---|---|");
  console.log(`| ${RUNS} saves | ${(before.heap / 1024).toFixed(0)} | ${(before.wasm / 1024).toFixed(0)} | ${keptBefore.length} |`);
  console.log(`| ${SAVES} more saves | ${(after.heap / 1024).toFixed(0)} | ${(after.wasm / 1024).toFixed(0)} | ${kept.length} |`);
  await context.close();
} finally {
  await closeBrowser(browser);
  await harness.close();
}
