// Benchmark: the raven in headless Chromium through the harness, per Foundry version profile. Median and p95 of
// N runs (default 20) of
//   - `ready` → raven painted (the module's `familiar:foundry-ready` mark → the first paint showing the raven), one
//     page load per run, beside the same from when the wasm bundle was ready too, and the harness's own
//     `ready` → next paint without Familiar;
//   - click on the raven → panel painted, and click on a tab → the new view painted;
// each as wall-clock time and as the main thread's CPU time over the same span (thread clock of the
// `performance.mark`s in a DevTools trace: unlike the wall clock it does not grow while other processes hold the CPU);
// frames under 4× CPU throttling (DevTools Emulation.setCPUThrottlingRate) while the raven idles, while its panel
// opens and closes, and while views switch, counted as the compositor drew the raven's animation (a DevTools trace)
// and as the main thread's requestAnimationFrame callbacks; and the JS heap (after a
// DevTools-forced GC) and the wasm memory before and after 1,000 open/close cycles, and after 1,000 more, from a
// baseline taken after one cycle and from one taken after a warm-up of --warmup cycles (V8 has then compiled and
// optimised the hot paths, code that is the engine's and stops growing), with the page's event listeners and DOM
// nodes (DevTools Performance.getMetrics) at each point, which a leak of listeners or retained DOM would grow.
//   node tests/bench/raven.mjs [--runs 20] [--cycles 1000] [--warmup 300] [--profiles v10,v11,v12,v13]
//                              [--only startup,clicks,frames,memory]   (default: all four) [--reduced-motion]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, PROFILES, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { installProbes } from "./raven-page.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    cycles: { type: "string", default: "1000" },
    warmup: { type: "string", default: "300" },
    only: { type: "string", default: "startup,clicks,frames,memory" },
    profiles: { type: "string", default: PROFILES.join(",") },
    // The control for the compositor's frames: with the animation off, the idle raven asks for none.
    "reduced-motion": { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const CYCLES = Number(values.cycles);
const WARMUP = Number(values.warmup);
const ONLY = new Set(values.only.split(","));
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
    await context.route("**/modules/pf2e-familiar/lang/en.json", async (route) => {
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

/**
 * `from` → `to` on every page in a trace (marks grouped by renderer process; a reload may reuse one), with whether
 * the wasm bundle was ready before `from` on that load, and whether `to` came with the first paint after `ready`
 * (the probe's own "bench:ready-painted": the wall clock of any ready → paint includes the wait for that frame).
 */
function loadSpans(marks, from, to) {
  const out = [];
  for (const pid of new Set(marks.map((mark) => mark.pid))) {
    let start = null;
    let wasmAfter = false;
    let firstPaint = null;
    for (const mark of marks.filter((candidate) => candidate.pid === pid)) {
      if (mark.name === from) [start, wasmAfter, firstPaint] = [mark, false, null];
      else if (mark.name === "familiar:wasm-ready" && start) wasmAfter = true;
      else if (mark.name === "bench:ready-painted" && start) firstPaint ??= mark;
      if (mark.name === to && start) {
        const firstFrame = Boolean(firstPaint) && Math.abs(mark.ts - firstPaint.ts) < 4000;
        out.push({ wall: (mark.ts - start.ts) / 1000, cpu: (mark.tts - start.tts) / 1000, wasmFirst: !wasmAfter, firstFrame });
        start = null;
      }
    }
  }
  return out;
}

/**
 * `ready` → raven painted, RUNS page loads each, four ways: a first load as the harness gives it (`ready` about
 * 0.3 s after navigation, often before the bundle has compiled); a first load where the world takes 1 s longer,
 * so the bundle is compiled (and the raven warmed up) before `ready`, as on a real Foundry; a reload (the browser
 * keeps the compiled bundle); and `ready` → the harness's own next paint without Familiar. One trace per way.
 */
async function startUp(browser, harness, profile) {
  const fresh = async (options) => {
    const { marks } = await traced(browser, async () => {
      for (let run = 0; run < RUNS; run++) {
        const { context } = await gamePage(browser, harness, profile, options);
        await context.close();
      }
    });
    return marks;
  };
  const ravenPainted = (marks) => loadSpans(marks, "familiar:foundry-ready", "bench:raven-painted");
  const cold = ravenPainted(await fresh({}));
  const slow = ravenPainted(await fresh({ slowWorld: 1000 }));
  const bare = loadSpans(await fresh({ query: { nomodule: "1" } }), "bench:ready", "bench:ready-painted");
  const reloading = await gamePage(browser, harness, profile);
  try {
    const { marks } = await traced(browser, async () => {
      for (let run = 0; run < RUNS; run++) {
        await reloading.page.reload();
        await reloading.page.waitForFunction(reloading.drawn);
      }
    });
    return { cold, slow, reload: ravenPainted(marks), bare };
  } finally {
    await reloading.context.close();
  }
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

/** The compositor's frames in a trace between the probe's "bench:frames-start" and "bench:frames-end", in the
 * renderer that made the marks, as DevTools' frames track counts them: each `BeginFrame` (a vsync the compositor
 * was asked to fill) is presented when a `DrawFrame` carries its `frameSeqId`, and dropped when none does. The
 * raven's animation runs there (transform and opacity only): with it off (prefers-reduced-motion) the idle page
 * asks for no frame at all. Headless Chromium also marks every frame `DroppedFrame` at its begin, which it is not. */
function compositorFrames(events) {
  const start = events.find((event) => event.name === "bench:frames-start");
  const end = events.find((event) => event.name === "bench:frames-end");
  const ours = (event) => event.pid === start.pid && event.args?.frameSeqId !== undefined;
  const begins = events.filter((event) => event.name === "BeginFrame" && ours(event) && event.ts >= start.ts && event.ts <= end.ts);
  const drawn = new Set(events.filter((event) => event.name === "DrawFrame" && ours(event)).map((event) => event.args.frameSeqId));
  const presented = begins.filter((event) => drawn.has(event.args.frameSeqId)).map((event) => event.ts / 1000).sort((a, b) => a - b);
  return { ...frameFigures(presented), dropped: begins.length - presented.length };
}

/** Frames, dropped frames (a gap of n frame intervals drops n − 1), the longest gap and fps, from frame times in ms. */
function frameFigures(times) {
  const interval = 1000 / 60;
  let dropped = 0;
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    const gap = times[i] - times[i - 1];
    longest = Math.max(longest, gap);
    dropped += Math.max(0, Math.round(gap / interval) - 1);
  }
  const fps = times.length > 1 ? ((times.length - 1) * 1000) / (times.at(-1) - times[0]) : 0;
  return { frames: times.length, dropped, longest, fps };
}

/**
 * Frames under 4× CPU throttling while the raven idles, while the panel toggles and while views switch, counted
 * twice: the raven's animation as the compositor draws it (a DevTools trace), and the main thread's frames
 * (requestAnimationFrame), which any script, style, layout or paint work delays and the animation does not need.
 */
async function frames(browser, page, cdp) {
  // "Idle" is the raven idling: the start-up's background work (the rules index) is done first.
  const indexState = () => page.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/rules/rules-index.mjs`)).rulesIndexStatus().state);
  for (let waited = 0; !["ready", "failed"].includes(await indexState()) && waited < 120_000; waited += 100) await page.waitForTimeout(100);
  if (values["reduced-motion"]) await page.emulateMedia({ reducedMotion: "reduce" });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
  try {
    const run = async (work) => frameFigures(await page.evaluate(([window_, name]) => window.__ravenBench.countFrames(window_, name), [FRAME_WINDOW_MS, work]));
    // The work runs twice: untraced for the main thread's frames (tracing costs the main thread too), then traced
    // for the compositor's.
    const count = async (work, prepare = async () => {}) => {
      await prepare();
      const main = await run(work);
      await prepare();
      await browser.startTracing(undefined, { categories: ["blink.user_timing", "disabled-by-default-devtools.timeline.frame"] });
      let events;
      try {
        await run(work);
      } finally {
        events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
      }
      return { animation: compositorFrames(events), main };
    };
    const panel = page.locator("#familiar-panel");
    const closePanel = async () => {
      if (await panel.count()) await page.locator("#familiar-raven").click();
      await panel.waitFor({ state: "detached" });
    };
    const idle = await count("idle");
    const toggle = await count("toggle", closePanel);
    // Each switching run on a panel opened afresh, so it draws each view for the first time again.
    const switching = await count("switch", async () => {
      await closePanel();
      await page.locator("#familiar-raven").click();
      await panel.waitFor();
    });
    await closePanel();
    return { idle, toggle, switching };
  } finally {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  }
}

/**
 * JS heap (after a forced GC) and wasm memory after one open/close cycle, after CYCLES more, and after CYCLES more
 * again. The first run of cycles also holds what V8's optimising compiler makes of the hot paths (code, feedback
 * vectors), which stops growing; a leak would grow in the second run as much as in the first.
 */
async function memory(page, cdp) {
  const sample = async () => {
    // The probe's own marks are not the module's memory.
    await page.evaluate(() => performance.clearMarks());
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = await cdp.send("Runtime.getHeapUsage");
    const { metrics } = await cdp.send("Performance.getMetrics");
    const metric = (name) => metrics.find((entry) => entry.name === name)?.value ?? null;
    return { js: heap.usedSize, wasm: await page.evaluate(() => window.__ravenBench.wasmMemoryBytes()), listeners: metric("JSEventListeners"), nodes: metric("Nodes") };
  };
  await cdp.send("Performance.enable");
  const cycles = (count) => page.evaluate((n) => window.__ravenBench.openCloseCycles(n), count);
  // One cycle first, so templates, the panel class and lazily built state exist before the baseline.
  await cycles(1);
  const before = await sample();
  await cycles(Math.max(0, WARMUP - 1));
  const warm = await sample();
  const started = Date.now();
  await cycles(CYCLES);
  const seconds = (Date.now() - started) / 1000;
  const middle = await sample();
  await cycles(CYCLES);
  const after = await sample();
  return { before, warm, middle, after, seconds };
}

function printLatency(rows) {
  console.log(`\nLatency, ${RUNS} runs each (ms; goal ≤ 16 ms median). Wall clock, and the main thread's CPU time over the same span.`);
  console.log("| profile | measure | wall median | wall p95 | CPU median | CPU p95 |");
  console.log("|---|---|---|---|---|---|");
  for (const [profile, name, list] of rows) {
    const wall = list.map((span) => span.wall);
    const cpu = list.map((span) => span.cpu);
    console.log(`| ${profile} | ${name} | ${ms(median(wall))} | ${ms(p95(wall))} | ${ms(median(cpu))} | ${ms(p95(cpu))} |`);
  }
}

function printFrames(rows) {
  console.log(`\nFrames under ${THROTTLE}× CPU throttling, ${FRAME_WINDOW_MS / 1000} s each (goal: the animation at 60 fps, no dropped frame). The raven's animation as the compositor drew it (DevTools DrawFrame), and the main thread's frames (requestAnimationFrame)`);
  console.log("| profile | while | animation: frames | fps | dropped | longest gap (ms) | main thread: frames | fps | dropped | longest gap (ms) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  const cells = (result) => `${result.frames} | ${result.fps.toFixed(1)} | ${result.dropped} | ${ms(result.longest)}`;
  for (const [profile, name, { animation, main }] of rows) console.log(`| ${profile} | ${name} | ${cells(animation)} | ${cells(main)} |`);
}

function printMemory(rows) {
  console.log(`\nMemory (after a forced GC; goal ±5 % over ${CYCLES} cycles): JS heap after 1 open/close cycle, after a warm-up of ${WARMUP}, after ${CYCLES} more and ${CYCLES} more again; wasm memory; event listeners and DOM nodes`);
  console.log(`| profile | JS heap KiB after 1 | after ${WARMUP} (warm) | after ${CYCLES} more | change from warm | change from 1 cycle | after ${CYCLES} more again | change | wasm KiB 1 → end | listeners 1 / warm / end | nodes 1 / warm / end | ${CYCLES} cycles took (s) |`);
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  const kib = (bytes) => (bytes / 1024).toFixed(0);
  const change = (a, b) => `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(1)} %`;
  for (const [profile, { before, warm, middle, after, seconds }] of rows) {
    const counts = (key) => [before, warm, after].map((point) => point[key]).join(" / ");
    console.log(`| ${profile} | ${kib(before.js)} | ${kib(warm.js)} | ${kib(middle.js)} | ${change(warm.js, middle.js)} | ${change(before.js, middle.js)} | ${kib(after.js)} | ${change(middle.js, after.js)} | ${kib(before.wasm)} → ${kib(after.wasm)} | ${counts("listeners")} | ${counts("nodes")} | ${seconds.toFixed(1)} |`);
  }
  // The goal's own measure: the JS heap and the wasm memory together.
  console.log(`\nJS + wasm heap (the goal's measure), KiB: warm → after ${CYCLES} more → after ${CYCLES} more again`);
  console.log("| profile | warm | after | change from warm | after again | change |");
  console.log("|---|---|---|---|---|---|");
  for (const [profile, { warm, middle, after }] of rows) {
    const total = (point) => point.js + point.wasm;
    console.log(`| ${profile} | ${kib(total(warm))} | ${kib(total(middle))} | ${change(total(warm), total(middle))} | ${kib(total(after))} | ${change(total(middle), total(after))} |`);
  }
}

requireBuild();
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
const rows = [];
const framesRows = [];
const memoryRows = [];
try {
  for (const profile of values.profiles.split(",")) {
    const start = ONLY.has("startup") ? await startUp(browser, harness, profile) : { cold: [], slow: [], reload: [], bare: [] };
    const { page, context } = await gamePage(browser, harness, profile);
    const cdp = await context.newCDPSession(page);
    const clicks = ONLY.has("clicks") ? await interactions(browser, page) : { open: [], views: [] };
    const frame = ONLY.has("frames") ? await frames(browser, page, cdp) : {};
    const mem = ONLY.has("memory") ? await memory(page, cdp) : null;
    await context.close();
    const count = (list, key) => `${list.filter((span) => span[key]).length}/${list.length}`;
    const how = (list) => `bundle ready first in ${count(list, "wasmFirst")}, raven in the first frame in ${count(list, "firstFrame")}`;
    const profileRows = (list) => list.filter(([, , spans]) => spans.length);
    const latencyRows = profileRows([
      [profile, `\`ready\` → raven painted, first load (${how(start.cold)})`, start.cold],
      [profile, `the same, world loading 1 s longer (${how(start.slow)})`, start.slow],
      [profile, `the same, reload (compiled bundle cached; ${how(start.reload)})`, start.reload],
      [profile, "without Familiar: `ready` → next paint", start.bare],
      [profile, "click on the raven → panel painted", clicks.open],
      [profile, "click on a tab → view painted", clicks.views],
    ]);
    const profileFrames = Object.entries(frame).map(([name, result]) => [profile, name, result]);
    // Each profile's figures as soon as they exist (a long run may be cut short), then all together.
    console.error(`${profile} done`);
    printLatency(latencyRows);
    printFrames(profileFrames);
    if (mem) printMemory([[profile, mem]]);
    rows.push(...latencyRows);
    framesRows.push(...profileFrames);
    if (mem) memoryRows.push([profile, mem]);
  }
} finally {
  await closeBrowser(browser);
  await harness.close();
}

console.log("\n## All profiles");
printLatency(rows);
printFrames(framesRows);
printMemory(memoryRows);
