// The soak's smoke (tests/bench/soak.mjs has the full 10,000 messages and 1,000 cycles): a few rounds of chat
// lines through the module's chatMessage hook, `/raven` whisper cards, relayed player questions and panel
// open/close cycles, after a warm-up round. Every message is posted and every question answered; afterwards the
// hook listeners, the DOM and the message collection are back where they were (what a leak per message or per
// cycle would grow), and the wasm memory did not grow. The heap figures are printed.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as steps from "./ask-steps.mjs";
import { openGame, USERS } from "../support/harness.mjs";
import { MESSAGES_PER_ROUND, ROUND, runSoak } from "../support/soak.mjs";
import { ravenInteractive } from "./waits.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

const ROUNDS = 3;

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

test(`v13: ${ROUNDS * MESSAGES_PER_ROUND} messages and ${ROUNDS * 10} panel cycles leave no listener, node or wasm page behind`, { timeout: 180_000 }, async () => {
  const gm = await openGame(browser, harness, { profile: "v13", user: USERS.gm });
  const player = await openGame(browser, harness, { profile: "v13", user: USERS.brannoc });
  try {
    const form = await steps.openProviderForm(gm.page);
    await steps.addProvider(form, { name: "soak", baseUrl: `${fakeUrl}/soak/v1`, model: "ok", key: "sk-soak-smoke" });
    await steps.saveForm(gm.page, form);
    await ravenInteractive(player.page);
    const result = await runSoak({ gm, player, rounds: ROUNDS, warmupRounds: 1 });
    console.log(`# soak (smoke): ${JSON.stringify(result)}`);
    const { totals, before, after } = result;
    assert.equal(totals.rendered, ROUNDS * (ROUND.chat + ROUND.raven), "every chat line and every card was rendered");
    assert.equal(totals.cards, ROUNDS * ROUND.raven, "every /raven question got its card");
    assert.equal(totals.answered, ROUNDS * ROUND.relay, "every relayed question was answered by the GM's provider");
    for (const side of ["gm", "player"]) {
      assert.equal(after[side].listeners, before[side].listeners, `${side}: hook listeners`);
      assert.equal(after[side].nodes, before[side].nodes, `${side}: DOM elements`);
      assert.equal(after[side].messages, before[side].messages, `${side}: messages`);
      assert.equal(after[side].wasm, before[side].wasm, `${side}: wasm memory`);
    }
    assert.deepEqual(gm.pageErrors, []);
    assert.deepEqual(player.pageErrors, []);
  } finally {
    await player.context.close();
    await gm.context.close();
  }
});
