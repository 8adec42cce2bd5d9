// Benchmark: the whole module's soak (tests/support/soak.mjs), 10,000 messages — chat lines through the module's
// chatMessage hook, `/raven` whisper cards answered by the GM's provider (the fake server), questions relayed from a
// player's page — and 1,000 open/close cycles of the GM's panel, after a warm-up of 1,000 messages and 100 cycles.
// Prints the JS heap (after a DevTools-forced GC, Runtime.getHeapUsage) and the wasm memory of both pages before and
// after, and the growth; exits 1 when JS + wasm grew more than 5 % on either page.
//   ./www-build.sh && node tests/bench/soak.mjs [--rounds 100] [--warmup 10] [--profile v13]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness, USERS } from "../support/harness.mjs";
import { startFakeProvider } from "../support/fake-provider.mjs";
import { MESSAGES_PER_ROUND, runSoak } from "../support/soak.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { ravenInteractive } from "../e2e/waits.mjs";
import * as steps from "../e2e/ask-steps.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "100" },
    warmup: { type: "string", default: "10" },
    profile: { type: "string", default: "v13" },
  },
});
const LIMIT = 0.05;

requireBuild();
const fake = await startFakeProvider();
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
let result;
const moduleNotes = new Map();
try {
  const gm = await openGame(browser, harness, { profile: values.profile, user: USERS.gm });
  const player = await openGame(browser, harness, { profile: values.profile, user: USERS.brannoc });
  // The module's own warnings and notes on either page (a relay refusal, a dropped or failed relay message), counted
  // by kind: what to look at when a relayed question goes unanswered.
  for (const [side, opened] of [["GM", gm], ["player", player]]) {
    opened.page.on("console", (message) => {
      const text = message.text();
      if (!text.startsWith("Familiar |") || !["warning", "error", "debug"].includes(message.type())) return;
      const kind = `${side} ${message.type()}: ${text.slice(0, 80)}`;
      moduleNotes.set(kind, (moduleNotes.get(kind) ?? 0) + 1);
    });
  }
  const form = await steps.openProviderForm(gm.page);
  await steps.addProvider(form, { name: "soak", baseUrl: `${fake.url}/soak/v1`, model: "ok", key: "sk-soak-bench" });
  await steps.saveForm(gm.page, form);
  await ravenInteractive(player.page);
  result = await runSoak({ gm, player, rounds: Number(values.rounds), warmupRounds: Number(values.warmup), log: (line) => console.error(line) });
  result.pageErrors = [...gm.pageErrors, ...player.pageErrors];
} finally {
  await closeBrowser(browser);
  await harness.close();
  fake.close();
}
const mb = (bytes) => (bytes / 1048576).toFixed(2);
const pct = (v) => `${(v * 100).toFixed(1)} %`;
const { totals, before, after, growth } = result;
console.log(`${values.profile}: ${totals.chat + totals.raven + totals.relay} messages (${totals.chat} chat lines, ${totals.raven} /raven cards, ${totals.relay} relayed questions: ${totals.answered} answered, ${totals.rateLimited} waits for the rate limit${Object.keys(totals.unanswered).length ? `, unanswered ${JSON.stringify(totals.unanswered)}` : ""}), ${totals.cycles} panel cycles, ${result.seconds.toFixed(0)} s, after ${Number(values.warmup) * MESSAGES_PER_ROUND} messages of warm-up`);
console.log(`| page | JS heap before → after MB | wasm before → after MB | JS + wasm growth | hook listeners | DOM elements |`);
console.log(`|---|---|---|---|---|---|`);
for (const side of ["gm", "player"]) {
  const b = before[side];
  const a = after[side];
  console.log(`| ${side === "gm" ? "GM" : "player"} | ${mb(b.js)} → ${mb(a.js)} (${pct(growth[side].js)}) | ${mb(b.wasm)} → ${mb(a.wasm)} (${pct(growth[side].wasm)}) | ${pct(growth[side].total)} | ${b.listeners} → ${a.listeners} | ${b.nodes} → ${a.nodes} |`);
}
if (result.pageErrors.length) console.log(`page errors: ${result.pageErrors.join("; ")}`);
for (const [kind, count] of moduleNotes) console.log(`module console (${count}×) ${kind}`);
if (growth.gm.total > LIMIT || growth.player.total > LIMIT || result.pageErrors.length) process.exitCode = 1;
