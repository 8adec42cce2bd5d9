// Where the main thread's time goes in one of the raven's spans: a DevTools trace (timeline events and V8's sampling
// CPU profiler, one clock with the `performance.mark`s) of N loads, summed per top-level task type and per function
// (self time of the profiler's samples inside the span), medians over the loads. The spans:
//   ready   Foundry's `ready` → the first paint showing the raven, the world taking 1 s longer (the bundle compiled
//           first, as on a real Foundry);
//   switch  a click on the --view tab of the open panel (on Ask) → the view painted, its first drawing.
//   node tests/bench/raven-profile.mjs [--span ready|switch] [--view encounter] [--loads 10] [--profile v13] [--top 25]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { installProbes } from "./raven-page.mjs";

const { values } = parseArgs({
  options: {
    span: { type: "string", default: "ready" },
    view: { type: "string", default: "encounter" },
    loads: { type: "string", default: "10" },
    profile: { type: "string", default: "v13" },
    top: { type: "string", default: "25" },
  },
});
const SPANS = { ready: ["familiar:foundry-ready", "bench:raven-painted"], switch: ["bench:click", "bench:view-painted"] };
const LOADS = Number(values.loads);
const CATEGORIES = ["blink.user_timing", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "disabled-by-default-v8.cpu_profiler"];
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)] ?? 0;

/** One load's span and what filled it: {span, tasks: {name: ms}, functions: {"name url:line": ms}}. */
function analyse(events, [fromMark, toMark]) {
  const marks = events.filter((event) => event.cat === "blink.user_timing").sort((a, b) => a.ts - b.ts);
  // The span's last start, and the first end after it.
  const from = marks.findLast((event) => event.name === fromMark);
  const to = marks.find((event) => event.name === toMark && event.ts > (from?.ts ?? Infinity));
  if (!from || !to) return null;
  const thread = (event) => event.pid === from.pid && event.tid === from.tid;
  const inside = (ts) => ts >= from.ts && ts <= to.ts;
  const tasks = {};
  for (const event of events) {
    if (!thread(event) || event.ph !== "X" || !inside(event.ts)) continue;
    if (!["FunctionCall", "EvaluateScript", "RunMicrotasks", "UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize", "UpdateLayer", "HitTest", "ParseHTML", "v8.compile", "FireAnimationFrame", "TimerFire", "EventDispatch", "MajorGC", "MinorGC", "V8.GC_SCAVENGER", "RunTask"].includes(event.name)) continue;
    tasks[event.name] = (tasks[event.name] ?? 0) + (event.dur ?? 0) / 1000;
  }
  // The CPU profile: a "Profile" event starts it, "ProfileChunk"s carry nodes, samples and time deltas (µs).
  const nodes = new Map();
  const functions = {};
  let time = null;
  for (const event of events) {
    if (event.pid !== from.pid) continue;
    if (event.name === "Profile") time = event.args.data.startTime;
    if (event.name !== "ProfileChunk" || time === null) continue;
    const data = event.args.data;
    for (const node of data.cpuProfile?.nodes ?? []) nodes.set(node.id, node.callFrame);
    const samples = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      time += deltas[i] ?? 0;
      const next = deltas[i + 1] ?? 0;
      if (!inside(time)) continue;
      const frame = nodes.get(samples[i]);
      if (!frame || frame.functionName === "(idle)" || frame.functionName === "(program)") continue;
      const where = frame.url ? ` ${frame.url.replace(/^.*\/(modules|__harness)\//, "$1/")}:${frame.lineNumber + 1}` : "";
      const key = `${frame.functionName || "(anonymous)"}${where}`;
      functions[key] = (functions[key] ?? 0) + next / 1000;
    }
  }
  return { span: (to.ts - from.ts) / 1000, cpu: (to.tts - from.tts) / 1000, tasks, functions };
}

requireBuild();
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
const loads = [];
try {
  for (let load = 0; load < LOADS; load++) {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    await context.addInitScript(installProbes);
    if (values.span === "ready") {
      await context.route("**/modules/pf2e-familiar/lang/en.json", async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await route.continue();
      });
      await browser.startTracing(undefined, { categories: CATEGORIES });
    }
    const { page } = await openGame(browser, harness, { profile: values.profile, context });
    await page.waitForFunction(() => window.__ravenBench.ravenPainted > 0);
    if (values.span === "switch") {
      await page.locator("#familiar-raven").click();
      await page.locator("#familiar-panel [role=tabpanel]").waitFor();
      await page.waitForTimeout(500);
      await browser.startTracing(undefined, { categories: CATEGORIES });
      await page.locator(`#familiar-panel [data-familiar-view="${values.view}"]`).click();
      await page.waitForFunction(() => window.__ravenBench.viewPainted > window.__ravenBench.lastClick);
    }
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const result = analyse(trace.traceEvents, SPANS[values.span]);
    if (result) loads.push(result);
    await context.close();
  }
} finally {
  await closeBrowser(browser);
  await harness.close();
}

const table = (key) => {
  const names = new Set(loads.flatMap((load) => Object.keys(load[key])));
  return [...names].map((name) => [name, median(loads.map((load) => load[key][name] ?? 0))]).sort((a, b) => b[1] - a[1]);
};
const spanName = values.span === "ready" ? "ready → raven painted" : `click on ${values.view} → view painted`;
console.log(`${values.profile}, ${loads.length} loads: ${spanName}, wall median ${median(loads.map((l) => l.span)).toFixed(1)} ms, main-thread CPU median ${median(loads.map((l) => l.cpu)).toFixed(1)} ms`);
console.log("\n| task (top level, summed) | median ms |\n|---|---|");
for (const [name, value] of table("tasks").filter(([, v]) => v >= 0.05)) console.log(`| ${name} | ${value.toFixed(2)} |`);
console.log("\n| function (self time in samples) | median ms |\n|---|---|");
for (const [name, value] of table("functions").slice(0, Number(values.top))) console.log(`| ${name} | ${value.toFixed(2)} |`);
