// Benchmark: the raven in headless Chromium through the harness, per Foundry version profile. Median and p95 of
// N runs (default 20) of
//   - `ready` → raven painted (the module's `familiar:foundry-ready` mark → the first paint showing the raven), one
//     page load per run, beside the same from when the wasm bundle was ready too, and the harness's own
//     `ready` → next paint without Familiar;
//   - click on the raven → panel painted, and click on a tab → the new view painted;
// each as wall-clock time and as the main thread's CPU time over the same span (thread clock of the
// `performance.mark`s in a DevTools trace: unlike the wall clock it does not grow while other processes hold the CPU);
// frames counted with requestAnimationFrame under 4× CPU throttling (DevTools Emulation.setCPUThrottlingRate)
// while the raven idles, while its panel opens and closes, and while views switch; and the JS heap (after a
// DevTools-forced GC) and the wasm memory before and after 1,000 open/close cycles.
//   node tests/bench/raven.mjs [--runs 20] [--cycles 1000] [--profiles v10,v11,v12,v13]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, PROFILES, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { installProbes } from "./raven-page.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    cycles: { type: "string", default: "1000" },
    profiles: { type: "string", default: PROFILES.join(",") },
  },
});
const RUNS = Number(values.runs);
const CYCLES = Number(values.cycles);
const THROTTLE = 4;
const FRAME_WINDOW_MS = 3000;

const sorted = (list) => [...list].sort((a, b) => a - b);
const median = (list) => sorted(list)[Math.floor((list.length - 1) / 2)];
const p95 = (list) => sorted(list)[Math.min(list.length - 1, Math.floor(0.95 * list.length))];
const ms = (value) => value.toFixed(1);

/** Runs `work` inside a DevTools trace of user timing only; resolves with its result and the marks, in order,
 * each with its wall (`ts`) and main-thread CPU (`tts`) clock in µs. */
async function traced(browser, work) {
  await browser.startTracing(undefined, { categories: ["blink.user_timing"] });
  let result;
  try {
    result = await work();
  } finally {
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const marks = trace.traceEvents
      .filter((event) => event.cat === "blink.user_timing" && /^(bench|familiar):/.test(event.name) && event.tts !== undefined)
      .sort((a, b) => a.ts - b.ts);
    result = { result, marks };
  }
  return result;
}

/** Wall and CPU milliseconds from each `to` mark back to the latest `from` mark before it. */
function spans(marks, from, to) {
  const out = [];
  let start = null;
  for (const mark of marks) {
    if (mark.name === from) start = mark;
    else if (mark.name === to && start) {
      out.push({ wall: (mark.ts - start.ts) / 1000, cpu: (mark.tts - start.tts) / 1000 });
      start = null;
    }
  }
  return out;
}

/** A game page with the probes; `slowWorld` holds the module's language file for that many ms, as a world that
 * takes a while to load gives the bundle time to compile before `ready`. */
async function gamePage(browser, harness, profile, { query = {}, slowWorld = 0, context = null } = {}) {
  if (!context) {
    context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    await context.addInitScript(installProbes);
  }
  if (slowWorld) {
    await context.route("**/modules/familiar/lang/en.json", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, slowWorld));
      await route.continue();
    });
  }
  const opened = await openGame(browser, harness, { profile, context, query });
  const drawn = query.nomodule
    ? () => window.__ravenBench.readyPainted > 0
    : () => performance.getEntriesByName("familiar:raven-interactive").length > 0 && window.__ravenBench.ravenPainted > 0;
  await opened.page.waitForFunction(drawn);
  return { page: opened.page, context, drawn };
}

/** `ready` → raven painted on one page: wall and CPU, and whether the bundle was ready before `ready`. */
function ravenSpan(page, marks) {
  return page.evaluate(() => {
    const time = (name) => performance.getEntriesByName(name)[0].startTime;
    return { ready: time("familiar:foundry-ready"), wasm: time("familiar:wasm-ready"), painted: window.__ravenBench.ravenPainted };
  }).then((times) => ({
    wall: times.painted - times.ready,
    cpu: spans(marks, "familiar:foundry-ready", "bench:raven-painted")[0].cpu,
    wasmFirst: times.wasm < times.ready,
  }));
}

/**
 * `ready` → raven painted, one page load per run, four ways: a first load as the harness gives it (`ready` about
 * 0.3 s after navigation, often before the bundle has compiled); a first load where the world takes 1 s longer,
 * so the bundle is compiled (and the raven warmed up) before `ready`, as on a real Foundry; a reload (the browser
 * keeps the compiled bundle); and `ready` → the harness's own next paint without Familiar.
 */
async function startUp(browser, harness, profile) {
  const cold = [];
  const slow = [];
  const reload = [];
  const bare = [];
  const load = async (options) => {
    const { result: opened, marks } = await traced(browser, () => gamePage(browser, harness, profile, options));
    try {
      return await ravenSpan(opened.page, marks);
    } finally {
      await opened.context.close();
    }
  };
  const reloading = await gamePage(browser, harness, profile);
  try {
    for (let run = 0; run < RUNS; run++) {
      cold.push(await load({}));
      slow.push(await load({ slowWorld: 1000 }));
      const { marks } = await traced(browser, async () => {
        await reloading.page.reload();
        await reloading.page.waitForFunction(reloading.drawn);
      });
      reload.push(await ravenSpan(reloading.page, marks));
      const { marks: bareMarks } = await traced(browser, async () => {
        const baseline = await gamePage(browser, harness, profile, { query: { nomodule: "1" } });
        await baseline.context.close();
      });
      bare.push(spans(bareMarks, "bench:ready", "bench:ready-painted")[0]);
    }
  } finally {
    await reloading.context.close();
  }
  return { cold, slow, reload, bare };
}

/** Click → painted for the raven's panel and for tab switches, RUNS times each. */
async function interactions(browser, page) {
  const raven = page.locator("#familiar-raven");
  const tabs = page.locator("#familiar-panel [data-familiar-view]");
  const painted = () => page.waitForFunction(() => window.__ravenBench.viewPainted > window.__ravenBench.lastClick);
  const { marks } = await traced(browser, async () => {
    for (let run = 0; run < RUNS; run++) {
      await raven.click();
      await painted();
      await tabs.nth((run % ((await tabs.count()) - 1)) + 1).click();
      await painted();
      // Back to the first view, so the next open starts where this one did, then close.
      await tabs.first().click();
      await painted();
      await raven.click();
      await page.locator("#familiar-panel").waitFor({ state: "detached" });
    }
  });
  const all = spans(marks, "bench:click", "bench:view-painted");
  return { open: all.filter((_, i) => i % 3 === 0), views: all.filter((_, i) => i % 3 !== 0) };
}

/** Frames under 4× CPU throttling while the raven idles, while the panel toggles and while views switch. */
async function frames(page, cdp) {
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
  try {
    const count = (work) => page.evaluate(([window_, name]) => window.__ravenBench.countFrames(window_, name), [FRAME_WINDOW_MS, work]);
    const idle = await count("idle");
    const toggle = await count("toggle");
    if (!(await page.locator("#familiar-panel").count())) await page.locator("#familiar-raven").click();
    await page.locator("#familiar-panel").waitFor();
    const switching = await count("switch");
    await page.locator("#familiar-raven").click();
    await page.locator("#familiar-panel").waitFor({ state: "detached" });
    return { idle, toggle, switching };
  } finally {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  }
}

async function memory(page, cdp) {
  const sample = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = await cdp.send("Runtime.getHeapUsage");
    return { js: heap.usedSize, wasm: await page.evaluate(() => window.__ravenBench.wasmMemoryBytes()) };
  };
  // One cycle first, so templates, the panel class and lazily built state exist before the baseline.
  await page.evaluate((cycles) => window.__ravenBench.openCloseCycles(cycles), 1);
  const before = await sample();
  const started = Date.now();
  await page.evaluate((cycles) => window.__ravenBench.openCloseCycles(cycles), CYCLES);
  const seconds = (Date.now() - started) / 1000;
  const after = await sample();
  return { before, after, seconds };
}

requireBuild();
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
const rows = [];
const framesRows = [];
const memoryRows = [];
try {
  for (const profile of values.profiles.split(",")) {
    const start = await startUp(browser, harness, profile);
    const { page, context } = await gamePage(browser, harness, profile);
    const cdp = await context.newCDPSession(page);
    const clicks = await interactions(browser, page);
    const frame = await frames(page, cdp);
    const mem = await memory(page, cdp);
    await context.close();
    const first = (list) => `${list.filter((span) => span.wasmFirst).length}/${list.length}`;
    rows.push([profile, `\`ready\` → raven painted, first load (bundle ready first in ${first(start.cold)})`, start.cold]);
    rows.push([profile, `the same, world loading 1 s longer (bundle ready first in ${first(start.slow)})`, start.slow]);
    rows.push([profile, `the same, reload (compiled bundle cached; ready first in ${first(start.reload)})`, start.reload]);
    rows.push([profile, "without Familiar: `ready` → next paint", start.bare]);
    rows.push([profile, "click on the raven → panel painted", clicks.open], [profile, "click on a tab → view painted", clicks.views]);
    for (const [name, result] of Object.entries(frame)) framesRows.push([profile, name, result]);
    memoryRows.push([profile, mem]);
    console.error(`${profile} done`);
  }
} finally {
  await closeBrowser(browser);
  await harness.close();
}

console.log(`\nLatency, ${RUNS} runs each (ms; goal ≤ 16 ms median). Wall clock, and the main thread's CPU time over the same span.`);
console.log("| profile | measure | wall median | wall p95 | CPU median | CPU p95 |");
console.log("|---|---|---|---|---|---|");
for (const [profile, name, list] of rows) {
  const wall = list.map((span) => span.wall);
  const cpu = list.map((span) => span.cpu);
  console.log(`| ${profile} | ${name} | ${ms(median(wall))} | ${ms(p95(wall))} | ${ms(median(cpu))} | ${ms(p95(cpu))} |`);
}

console.log(`\nFrames under ${THROTTLE}× CPU throttling, ${FRAME_WINDOW_MS / 1000} s each (requestAnimationFrame; goal 60 fps, no dropped frame)`);
console.log("| profile | while | frames | fps | dropped | longest gap (ms) |");
console.log("|---|---|---|---|---|---|");
for (const [profile, name, result] of framesRows) {
  console.log(`| ${profile} | ${name} | ${result.frames} | ${result.fps.toFixed(1)} | ${result.dropped} | ${ms(result.longest)} |`);
}

console.log(`\nMemory before and after ${CYCLES} open/close cycles (after a forced GC; goal ±5 %)`);
console.log("| profile | JS heap before (KiB) | after (KiB) | change | wasm before (KiB) | after (KiB) | change | cycles took (s) |");
console.log("|---|---|---|---|---|---|---|---|");
const kib = (bytes) => (bytes / 1024).toFixed(0);
const change = (a, b) => `${(((b - a) / a) * 100).toFixed(1)} %`;
for (const [profile, { before, after, seconds }] of memoryRows) {
  console.log(`| ${profile} | ${kib(before.js)} | ${kib(after.js)} | ${change(before.js, after.js)} | ${kib(before.wasm)} | ${kib(after.wasm)} | ${change(before.wasm, after.wasm)} | ${seconds.toFixed(1)} |`);
}
