// Benchmark: N players in one world asking at once through the GM's relay over the harness's socket.io server
// (tests/support/relay-load.mjs): every question answered and none lost, and the relay overhead (time at the player
// − the fake provider's own time for the call) as p50/p95/max, per profile (v13: targeted user queries; v10–v12:
// payloads sealed per recipient on the module socket).
//   ./www-build.sh && node tests/bench/relay-load.mjs [--players 20] [--questions 25] [--profiles v13,v12] [--model trickle]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { startTestHarness } from "../support/harness.mjs";
import { startFakeProvider } from "../support/fake-provider.mjs";
import { openConfiguredGm, runRelayLoad } from "../support/relay-load.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import * as steps from "../e2e/ask-steps.mjs";

const { values } = parseArgs({
  options: {
    players: { type: "string", default: "20" },
    questions: { type: "string", default: "25" },
    profiles: { type: "string", default: "v13,v12" },
    model: { type: "string", default: "trickle" },
  },
});

requireBuild();
const fake = await startFakeProvider();
const browser = await launchBrowser();
const rows = [];
try {
  for (const profile of values.profiles.split(",")) {
    const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
    const prefix = `bench-${profile}`;
    const gm = await openConfiguredGm({ browser, harness, fakeUrl: fake.url, profile, prefix, model: values.model, steps, players: Number(values.players) });
    try {
      const { records, summary } = await runRelayLoad({ browser, harness, gm, fakeUrl: fake.url, profile, players: Number(values.players), questions: Number(values.questions), prefix, log: (line) => console.error(`${profile}: ${line}`) });
      const lost = records.filter((r) => r.type !== "final" || r.offline || r.provider !== prefix || r.providerCalls !== 1);
      rows.push({ ...summary, lost: lost.length, gmPageErrors: gm.pageErrors.length });
      if (lost.length) console.error(`${profile}: not answered once by the provider: ${JSON.stringify(lost.slice(0, 5))}`);
    } finally {
      await gm.context.close();
      await harness.close();
    }
  }
} finally {
  await closeBrowser(browser);
  fake.close();
}
const f = (v) => (Number.isFinite(v) ? v.toFixed(0) : "–");
console.log(`| profile | users × questions | answered | lost | provider calls | wall s | relay overhead p50 / p95 / max ms | at the player p50 / p95 ms | provider p50 ms | first text p50 / p95 ms |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.profile} | ${r.users} × ${r.questionsPerUser} | ${r.answered}/${r.asked} | ${r.lost} | ${r.providerCalls} | ${r.wallSeconds.toFixed(1)} | ${f(r.overheadMs.p50)} / ${f(r.overheadMs.p95)} / ${f(r.overheadMs.max)} | ${f(r.playerMs.p50)} / ${f(r.playerMs.p95)} | ${f(r.providerMs.p50)} | ${f(r.firstTextMs.p50)} / ${f(r.firstTextMs.p95)} |`);
}
if (rows.some((r) => r.lost || r.answered !== r.asked || r.pageErrors.length)) process.exitCode = 1;
