// Diagnostic: which event listeners the page holds after a warm-up of open/close cycles of the raven's panel, and
// which it holds CYCLES cycles later. Every EventTarget alive after a forced GC (DevTools Runtime.queryObjects on
// EventTarget.prototype) is asked for its listeners (DOMDebugger.getEventListeners), and the census is grouped by
// target and event type, with the listener's script location, so a listener that accumulates shows who added it.
//   node tests/bench/listener-census.mjs [--profile v13] [--warmup 300] [--cycles 300] [--probes]
// --probes installs the raven bench's own in-page probes (tests/bench/raven-page.mjs) as the bench does.
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { installProbes } from "./raven-page.mjs";

const { values } = parseArgs({
  options: {
    profile: { type: "string", default: "v13" },
    warmup: { type: "string", default: "300" },
    cycles: { type: "string", default: "300" },
    probes: { type: "boolean", default: false },
  },
});

/** Opens and closes the panel `cycles` times by clicking the raven, each time until it is drawn or gone. */
function cyclesInPage(cycles) {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const until = async (condition) => {
    while (!condition()) await frame();
  };
  const raven = () => document.getElementById("familiar-raven");
  return (async () => {
    for (let i = 0; i < cycles; i++) {
      raven().click();
      await until(() => document.querySelector("#familiar-panel .familiar-panel__view"));
      raven().click();
      await until(() => !document.getElementById("familiar-panel"));
    }
  })();
}

async function census(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const metric = (name) => metrics.find((entry) => entry.name === name)?.value;
  const { result: proto } = await cdp.send("Runtime.evaluate", { expression: "EventTarget.prototype", objectGroup: "census" });
  const { objects } = await cdp.send("Runtime.queryObjects", { prototypeObjectId: proto.objectId, objectGroup: "census" });
  const { result: length } = await cdp.send("Runtime.callFunctionOn", { objectId: objects.objectId, functionDeclaration: "function () { return this.length; }", returnByValue: true });
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < length.value; i++) {
    const { result: target } = await cdp.send("Runtime.callFunctionOn", {
      objectId: objects.objectId,
      functionDeclaration: "function (i) { return this[i]; }",
      arguments: [{ value: i }],
      objectGroup: "census",
    });
    const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: target.objectId });
    if (!listeners.length) continue;
    const { result: label } = await cdp.send("Runtime.callFunctionOn", {
      objectId: target.objectId,
      functionDeclaration: "function () { const id = this.id ? '#' + this.id : ''; const connected = this.isConnected === false ? ' (detached)' : ''; return (this.constructor?.name ?? '?') + id + connected; }",
      returnByValue: true,
    });
    for (const listener of listeners) {
      total++;
      const key = `${label.value} ${listener.type} ${listener.scriptId}:${listener.lineNumber}:${listener.columnNumber}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
  }
  await cdp.send("Runtime.releaseObjectGroup", { objectGroup: "census" });
  return { jsEventListeners: metric("JSEventListeners"), nodes: metric("Nodes"), total, groups };
}

requireBuild();
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
try {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  if (values.probes) await context.addInitScript(installProbes);
  const { page } = await openGame(browser, harness, { profile: values.profile, context });
  await page.locator("#familiar-raven").waitFor();
  const cdp = await context.newCDPSession(page);
  const scripts = new Map();
  cdp.on("Debugger.scriptParsed", (script) => scripts.set(script.scriptId, script.url));
  await cdp.send("Debugger.enable");
  await cdp.send("Performance.enable");
  const where = (key) => key.replace(/ (\d+):(\d+):(\d+)$/, (_, id, line, column) => ` ${(scripts.get(id) ?? id).replace(/^.*\/(modules|client|bench)\//, "$1/")}:${Number(line) + 1}:${column}`);
  await page.evaluate(cyclesInPage, Number(values.warmup));
  const warm = await census(cdp);
  await page.evaluate(cyclesInPage, Number(values.cycles));
  const end = await census(cdp);
  console.log(`JSEventListeners ${warm.jsEventListeners} → ${end.jsEventListeners}; listeners found on targets ${warm.total} → ${end.total}; nodes ${warm.nodes} → ${end.nodes}`);
  const keys = new Set([...warm.groups.keys(), ...end.groups.keys()]);
  for (const key of [...keys].sort()) {
    const [a, b] = [warm.groups.get(key) ?? 0, end.groups.get(key) ?? 0];
    console.log(`${a === b ? " " : "*"} ${a} → ${b}  ${where(key)}`);
  }
  await context.close();
} finally {
  await closeBrowser(browser);
  await harness.close();
}
