// Diagnostic: what grows in the JS heap over open/close cycles of the raven's panel. Two heap snapshots (DevTools
// HeapProfiler.takeHeapSnapshot, which collects garbage first), after a warm-up and CYCLES cycles later, summed by
// node type and constructor name; the biggest growths are printed.
//   node tests/bench/heap-diff.mjs [--profile v13] [--warmup 300] [--cycles 1000] [--probes] [--top 30]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { installProbes } from "./raven-page.mjs";

const { values } = parseArgs({
  options: {
    profile: { type: "string", default: "v13" },
    warmup: { type: "string", default: "300" },
    cycles: { type: "string", default: "1000" },
    probes: { type: "boolean", default: false },
    top: { type: "string", default: "30" },
  },
});

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

async function snapshot(cdp) {
  const chunks = [];
  const onChunk = ({ chunk }) => chunks.push(chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false, captureNumericValue: false });
  cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
  const { snapshot: meta, nodes, edges, strings, locations } = JSON.parse(chunks.join(""));
  const fields = meta.meta.node_fields;
  const types = meta.meta.node_types[0];
  const [typeAt, nameAt, idAt, sizeAt, edgeCountAt] = ["type", "name", "id", "self_size", "edge_count"].map((field) => fields.indexOf(field));
  const edgeFields = meta.meta.edge_fields;
  const edgeTypes = meta.meta.edge_types[0];
  const [edgeTypeAt, edgeNameAt, edgeToAt] = ["type", "name_or_index", "to_node"].map((field) => edgeFields.indexOf(field));
  const located = new Map();
  const locationFields = meta.meta.location_fields;
  const [objectAt, scriptAt, lineAt, columnAt] = ["object_index", "script_id", "line", "column"].map((field) => locationFields.indexOf(field));
  for (let i = 0; i < locations.length; i += locationFields.length) {
    located.set(locations[i + objectAt], `${locations[i + scriptAt]}:${locations[i + lineAt] + 1}:${locations[i + columnAt]}`);
  }
  const groups = new Map();
  // Each function's compiled code: the node its "code" edge points to, by function node id.
  const code = new Map();
  for (let i = 0, edge = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    const key = `${type} ${strings[nodes[i + nameAt]].slice(0, 80)}`;
    const group = groups.get(key) ?? { count: 0, size: 0 };
    group.count++;
    group.size += nodes[i + sizeAt];
    groups.set(key, group);
    const count = nodes[i + edgeCountAt];
    if (type === "closure") {
      for (let e = edge; e < edge + count * edgeFields.length; e += edgeFields.length) {
        const edgeType = edgeTypes[edges[e + edgeTypeAt]];
        if (edgeType === "element" || edgeType === "hidden") continue;
        if (strings[edges[e + edgeNameAt]] !== "code") continue;
        const to = edges[e + edgeToAt];
        code.set(nodes[i + idAt], { name: strings[nodes[i + nameAt]], where: located.get(i) ?? "?", code: nodes[to + idAt], codeName: strings[nodes[to + nameAt]] });
      }
    }
    edge += count * edgeFields.length;
  }
  return { groups, code };
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
  await page.evaluate(cyclesInPage, Number(values.warmup));
  const scripts = new Map();
  cdp.on("Debugger.scriptParsed", (script) => scripts.set(script.scriptId, script.url.replace(/^.*\/(modules|client|bench)\//, "$1/")));
  await cdp.send("Debugger.enable");
  const { groups: warm, code: warmCode } = await snapshot(cdp);
  await page.evaluate(cyclesInPage, Number(values.cycles));
  const { groups: end, code: endCode } = await snapshot(cdp);
  // Functions whose compiled code changed in between (optimised, or deoptimised and optimised again).
  const recompiled = new Map();
  for (const [id, now] of endCode) {
    const then = warmCode.get(id);
    if (!then || then.code === now.code) continue;
    const [script, ...rest] = now.where.split(":");
    const key = `${now.name || "(anonymous)"} ${scripts.get(script) ?? script}:${rest.join(":")} ${then.codeName} → ${now.codeName}`;
    recompiled.set(key, (recompiled.get(key) ?? 0) + 1);
  }
  console.log(`functions whose code changed: ${[...recompiled.values()].reduce((a, b) => a + b, 0)}`);
  for (const [key, count] of [...recompiled].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${count} × ${key}`);
  const total = (groups) => [...groups.values()].reduce((sum, group) => sum + group.size, 0);
  console.log(`heap snapshot ${(total(warm) / 1024).toFixed(0)} KiB → ${(total(end) / 1024).toFixed(0)} KiB`);
  const rows = [...new Set([...warm.keys(), ...end.keys()])].map((key) => {
    const [a, b] = [warm.get(key) ?? { count: 0, size: 0 }, end.get(key) ?? { count: 0, size: 0 }];
    return { key, count: b.count - a.count, size: b.size - a.size };
  });
  rows.sort((x, y) => Math.abs(y.size) - Math.abs(x.size));
  for (const row of rows.slice(0, Number(values.top))) console.log(`${(row.size / 1024).toFixed(1).padStart(8)} KiB ${String(row.count).padStart(7)}  ${row.key}`);
  await context.close();
} finally {
  await closeBrowser(browser);
  await harness.close();
}
