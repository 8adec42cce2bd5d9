// 20 players in one world asking at once through the GM's relay over the harness's socket.io server (issue 9, load):
// every question answered by the GM's provider (the fake server) exactly once, none lost, and the p95 relay overhead
// printed. The smoke size; the full figures come from tests/bench/relay-load.mjs into BENCHMARKS.md.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as steps from "./ask-steps.mjs";
import { openConfiguredGm, runRelayLoad } from "../support/relay-load.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

const PLAYERS = 20;
const QUESTIONS = 2;

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

test(`v13: ${PLAYERS} players × ${QUESTIONS} questions through the GM's relay: all answered once, none lost`, { timeout: 240_000 }, async () => {
  const prefix = "load-v13";
  const gm = await openConfiguredGm({ browser, harness, fakeUrl, profile: "v13", prefix, steps, players: PLAYERS });
  try {
    const { records, summary } = await runRelayLoad({ browser, harness, gm, fakeUrl, profile: "v13", players: PLAYERS, questions: QUESTIONS, prefix, log: (line) => console.log(`# ${line}`) });
    console.log(`# relay load (smoke): ${JSON.stringify(summary)}`);
    assert.equal(records.length, PLAYERS * QUESTIONS);
    const unanswered = records.filter((r) => r.type !== "final" || r.offline || r.provider !== prefix);
    assert.deepEqual(unanswered, [], "every question answered by the GM's provider");
    for (const record of records) {
      assert.match(record.answer, /no, you can't Step while grabbed/, record.question);
      assert.equal(record.providerCalls, 1, `${record.question}: one provider call`);
    }
    assert.equal(summary.providerCalls, PLAYERS * QUESTIONS, "no call lost, none repeated");
    assert.ok(Number.isFinite(summary.overheadMs.p95) && summary.overheadMs.p95 >= 0, "the overhead is measured");
    assert.deepEqual(summary.pageErrors, []);
    assert.deepEqual(gm.pageErrors, []);
  } finally {
    await gm.context.close();
  }
});
