// Benchmark: Lighthouse's performance audit of the demo (the harness world as `./www-build.sh serve` serves it:
// dist/pf2e-familiar plus the shared pf2e packs when present) with the module and without it (`nomodule=1`, the same
// page with the module listed inactive), in Debian's Chromium with the flags of tests/support/browser.mjs.
// Lighthouse's desktop preset (simulated throttling), `runs` runs of each, alternating, medians reported; the
// module's cost is the difference. Lighthouse is not among the test tooling's packages (146 packages, about a minute
// to install, only this bench needs it): on first use it is installed with npm into ~/.cache/familiar-bench
// (LIGHTHOUSE_DIR to change), pinned to 12.2.3 (13 wants Node 22).
//   ./www-build.sh && node tests/bench/lighthouse.mjs [--runs 5] [--profile v13] [--user UserGamemaster01]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/browser.mjs";
import { gameUrl, SHARED_PF2E, startTestHarness, USERS } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    profile: { type: "string", default: "v13" },
    user: { type: "string", default: USERS.gm },
  },
});
const VERSION = "12.2.3";
const DIR = process.env.LIGHTHOUSE_DIR ?? path.join(os.homedir(), ".cache/familiar-bench/lighthouse");

function ensureLighthouse() {
  const manifest = path.join(DIR, "node_modules/lighthouse/package.json");
  if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).version === VERSION) return;
  fs.mkdirSync(DIR, { recursive: true });
  console.error(`installing lighthouse@${VERSION} into ${DIR} (about a minute)`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", DIR, "-E", `lighthouse@${VERSION}`], { stdio: "inherit" });
}

requireBuild();
ensureLighthouse();
const { default: lighthouse } = await import(path.join(DIR, "node_modules/lighthouse/core/index.js"));
const { default: desktopConfig } = await import(path.join(DIR, "node_modules/lighthouse/core/config/desktop-config.js"));
const chromeLauncher = await import(path.join(DIR, "node_modules/chrome-launcher/dist/index.js"));

const shared = (name) => path.join(SHARED_PF2E, name);
const packFiles = ["rules-sample.jsonl", "bestiary.jsonl"].map(shared).filter((file) => fs.existsSync(file));
const harness = await startTestHarness({
  moduleDir: STAGED_MODULE,
  packFiles,
  ...(fs.existsSync(shared("packs.json")) ? { packsMeta: shared("packs.json") } : {}),
});

// The bare harness frame has no text or image, so without the module Lighthouse would see no contentful paint
// (NO_FCP): a chat message, as any world's chat log has, gives both pages the same first content.
harness.world.addMessage({ content: "Welcome to the table. Session 12 starts at the ferry crossing.", speaker: { alias: "Gamemaster" } }, USERS.gm);

// Audits that read every script's body over DevTools: on the loaded box, reading the 6 MB wasm and the vendored
// classifier timed out (PROTOCOL_TIMEOUT on Network.getResponseBody). None of them enters the score.
const BODY_AUDITS = ["unused-javascript", "legacy-javascript", "duplicated-javascript", "unminified-javascript", "unminified-css", "unused-css-rules", "uses-text-compression", "script-treemap-data"];

const METRICS = {
  score: (lhr) => lhr.categories.performance.score * 100,
  fcp: (lhr) => lhr.audits["first-contentful-paint"].numericValue,
  lcp: (lhr) => lhr.audits["largest-contentful-paint"].numericValue,
  tbt: (lhr) => lhr.audits["total-blocking-time"].numericValue,
  si: (lhr) => lhr.audits["speed-index"].numericValue,
  tti: (lhr) => lhr.audits.interactive.numericValue,
  load: (lhr) => lhr.audits.metrics.details.items[0].observedLoad,
  kib: (lhr) => lhr.audits["total-byte-weight"].numericValue / 1024,
  requests: (lhr) => lhr.audits["network-requests"].details.items.length,
};
const runsOf = { with: [], without: [] };
try {
  for (let run = 0; run < Number(values.runs); run++) {
    for (const variant of ["without", "with"]) {
      const chrome = await chromeLauncher.launch({
        chromePath: CHROMIUM_PATH,
        chromeFlags: CHROMIUM_ARGS,
        userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), "familiar-lh-")),
        logLevel: "silent",
      });
      try {
        const url = gameUrl(harness, { profile: values.profile, user: values.user, query: variant === "without" ? { nomodule: "1" } : {} });
        const { lhr } = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"], maxWaitForFcp: 90_000, maxWaitForLoad: 120_000, skipAudits: BODY_AUDITS }, desktopConfig);
        if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        runsOf[variant].push(Object.fromEntries(Object.entries(METRICS).map(([name, read]) => [name, read(lhr)])));
        console.error(`run ${run + 1} ${variant}: ${JSON.stringify(runsOf[variant].at(-1))}`);
      } finally {
        await chrome.kill();
      }
    }
  }
} finally {
  await harness.close();
}
const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};
const med = (variant, name) => median(runsOf[variant].map((run) => run[name]));
const rows = [
  ["Performance score", "score", (v) => v.toFixed(0)],
  ["First Contentful Paint ms", "fcp", (v) => v.toFixed(0)],
  ["Largest Contentful Paint ms", "lcp", (v) => v.toFixed(0)],
  ["Speed Index ms", "si", (v) => v.toFixed(0)],
  ["Total Blocking Time ms", "tbt", (v) => v.toFixed(0)],
  ["Time to Interactive ms", "tti", (v) => v.toFixed(0)],
  ["load event (observed) ms", "load", (v) => v.toFixed(0)],
  ["transferred KiB", "kib", (v) => v.toFixed(0)],
  ["requests", "requests", (v) => v.toFixed(0)],
];
console.log(`Lighthouse ${VERSION}, desktop preset, ${values.profile}, ${runsOf.with.length} runs each, medians:`);
console.log("| metric | without the module | with the module | the module's cost |");
console.log("|---|---|---|---|");
for (const [label, name, fmt] of rows) {
  const without = med("without", name);
  const withModule = med("with", name);
  const delta = withModule - without;
  console.log(`| ${label} | ${fmt(without)} | ${fmt(withModule)} | ${delta >= 0 ? "+" : ""}${fmt(delta)} |`);
}
