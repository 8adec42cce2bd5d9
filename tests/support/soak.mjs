// The whole-module soak (issue 9): chat messages through the module's hooks and 1,000 panel open/close cycles, with
// the JS heap (after a DevTools-forced GC) and the wasm memory of the GM's and a player's page before and after.
// Shared by tests/bench/soak.mjs (full size) and tests/e2e/soak.test.mjs (smoke). A round of 100 messages:
//   - 80 chat lines typed by the GM (ui.chat.processMessage: the module's `chatMessage` hook reads each, Foundry
//     posts and renders it),
//   - 10 `/raven` questions by the GM, answered by the GM's provider and posted as whisper cards by the module,
//   - 10 questions a player asks through the GM's relay (sealed/queried relay messages both ways, the answer streamed),
// then 10 open/close cycles of the GM's panel, then the GM clears the round's chat messages, as a long session's
// chat log is cleared (otherwise the figure would be the chat log's, which the module does not own).
export const ROUND = { chat: 80, raven: 10, relay: 10 };
export const MESSAGES_PER_ROUND = ROUND.chat + ROUND.raven + ROUND.relay;

/** In the GM's page: one round's messages from the GM, then `cycles` panel open/close cycles, then clear the log. */
async function gmRound({ round, chat, raven, cycles }) {
  const until = (condition, timeout = 30_000) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const check = () => {
        if (condition()) return resolve();
        if (performance.now() - started > timeout) return reject(new Error(`soak: timed out (round ${round})`));
        setTimeout(check, 5);
      };
      check();
    });
  const cards = () => game.messages.filter((m) => String(m.content).includes("familiar-chat-answer") && String(m.content).includes(`soak ${round}:`)).length;
  for (let i = 0; i < chat; i++) await ui.chat.processMessage(`soak ${round}: chat line ${i} about flanking and cover`);
  for (let i = 0; i < raven; i++) await ui.chat.processMessage(`/raven soak ${round}: question ${i}, can I Step while grabbed?`);
  await until(() => cards() >= raven);
  const rendered = document.querySelectorAll("#chat-log .chat-message").length;
  const ravenEl = () => document.getElementById("familiar-raven");
  for (let i = 0; i < cycles; i++) {
    ravenEl().click();
    await until(() => document.querySelector("#familiar-panel .familiar-panel__view"));
    ravenEl().click();
    await until(() => !document.getElementById("familiar-panel"));
  }
  const answered = cards();
  const messages = [...game.messages];
  for (const message of messages) await message.delete();
  return { rendered, cards: answered, deleted: messages.length };
}

/** In the player's page: `count` questions through the GM's relay, one after another. A question refused by the
 * GM's rate limit (100 a minute: a fast round can ask more) is asked again after the wait the refusal names, as a
 * player would; `rateLimited` counts those waits. */
async function playerRound({ round, count }) {
  const { askGm } = await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/chat-relay.mjs`);
  let answered = 0;
  let rateLimited = 0;
  const unanswered = {};
  for (let i = 0; i < count; i++) {
    const question = `soak ${round}: relayed question ${i}, what does off-guard do?`;
    let last = await askGm(question, () => {}).done;
    while (last.type === "error" && last.error?.code === "rateLimited") {
      rateLimited++;
      await new Promise((resolve) => setTimeout(resolve, (last.error.retryAfterMs ?? 1000) + 50));
      last = await askGm(question, () => {}).done;
    }
    if (last.type === "final" && !last.answer?.offline) answered++;
    else {
      const why = last.error?.code ?? last.answer?.reason?.code ?? last.type;
      unanswered[why] = (unanswered[why] ?? 0) + 1;
    }
  }
  return { answered, rateLimited, unanswered };
}

/** Heap after a forced GC and the bundle's linear memory, in bytes. */
async function sample(page, cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  const state = await page.evaluate(async () => {
    const glue = await import(`${location.origin}/modules/pf2e-familiar/wasm/familiar_wasm.js`);
    return {
      wasm: (await glue.default()).memory.buffer.byteLength,
      listeners: Object.values(Hooks.events).reduce((sum, list) => sum + list.length, 0),
      // Notifications come and go on their own timer: not the module's state.
      nodes: document.getElementsByTagName("*").length - (document.getElementById("notifications")?.getElementsByTagName("*").length ?? 0),
      messages: game.messages.size,
    };
  });
  return { js: heap.usedSize, ...state };
}

/**
 * Runs `warmupRounds` rounds, samples both pages, runs `rounds` more, samples again. `gm` and `player` are opened
 * pages ({page, context}) with the GM's provider set up. Returns {before, after, totals, seconds}.
 */
export async function runSoak({ gm, player, rounds, warmupRounds, log = () => {} }) {
  const cdp = { gm: await gm.context.newCDPSession(gm.page), player: await player.context.newCDPSession(player.page) };
  const totals = { chat: 0, raven: 0, relay: 0, cycles: 0, rendered: 0, cards: 0, answered: 0, rateLimited: 0, unanswered: {} };
  const cyclesPerRound = 10;
  const runRound = async (round, count) => {
    const [gmResult, relayed] = await Promise.all([
      gm.page.evaluate(gmRound, { round, chat: ROUND.chat, raven: ROUND.raven, cycles: cyclesPerRound }),
      player.page.evaluate(playerRound, { round, count: ROUND.relay }),
    ]);
    if (!count) return;
    totals.chat += ROUND.chat;
    totals.raven += ROUND.raven;
    totals.relay += ROUND.relay;
    totals.cycles += cyclesPerRound;
    totals.rendered += gmResult.rendered;
    totals.cards += gmResult.cards;
    totals.answered += relayed.answered;
    totals.rateLimited += relayed.rateLimited;
    for (const [why, n] of Object.entries(relayed.unanswered)) totals.unanswered[why] = (totals.unanswered[why] ?? 0) + n;
  };
  for (let round = 0; round < warmupRounds; round++) await runRound(`w${round}`, false);
  const before = { gm: await sample(gm.page, cdp.gm), player: await sample(player.page, cdp.player) };
  const started = Date.now();
  for (let round = 0; round < rounds; round++) {
    await runRound(round, true);
    if ((round + 1) % 10 === 0) log(`round ${round + 1}/${rounds}: ${totals.chat + totals.raven + totals.relay} messages, ${totals.cycles} cycles, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const seconds = (Date.now() - started) / 1000;
  const after = { gm: await sample(gm.page, cdp.gm), player: await sample(player.page, cdp.player) };
  const growth = (side) => ({
    js: after[side].js / before[side].js - 1,
    wasm: after[side].wasm / before[side].wasm - 1,
    total: (after[side].js + after[side].wasm) / (before[side].js + before[side].wasm) - 1,
  });
  return { before, after, totals, seconds, growth: { gm: growth("gm"), player: growth("player") } };
}
