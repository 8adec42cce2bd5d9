// Many players asking through one GM's relay at once, over the harness's real socket.io server: the e2e smoke
// (tests/e2e/load.test.mjs) and the bench (tests/bench/relay-load.mjs) share it. Every player is a real game page
// logged in as its own user (the world gets extra player users), asking with the module's own `askGm`; the GM's page
// runs the module's relay and calls the fake provider (tests/fakes/provider-server.mjs), which logs its own time per
// call. Relay overhead of a question = time at the player (askGm → final) − the provider's time for that call; it
// holds everything the module adds: sealing, socket hops, the GM's rules search, the fair queue, streaming back.
import { openGame, USERS } from "./harness.mjs";
import { ravenInteractive } from "../e2e/waits.mjs";

const QUESTIONS = ["how do I catch my breath after a fight?", "can I Step while grabbed?", "what does off-guard do?", "how does cover work?", "what does soaked do?"];

/** Adds `count` player users to the harness world (before any page opens, so every page knows them). */
export function addPlayers(harness, count) {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = `UserLoad${String(i + 1).padStart(4, "0")}0001`;
    if (!harness.world.users.some((user) => user._id === id)) {
      harness.world.users.push({ _id: id, name: `Load Player ${i + 1}`, role: 1, color: "#808080", character: null });
    }
    ids.push(id);
  }
  return ids;
}

/** Runs in a player's page: asks `count` questions one after another, each tagged so the provider log finds it. */
async function askSeries({ count, tag, questions }) {
  const { askGm, relayStatus } = await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/chat-relay.mjs`);
  for (let waited = 0; !relayStatus().open && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  const results = [];
  for (let i = 0; i < count; i++) {
    const question = `[${tag}-${i}] ${questions[i % questions.length]}`;
    const started = performance.now();
    let firstText = null;
    const { done } = askGm(question, (event) => {
      if (event.type === "text" && firstText === null) firstText = performance.now() - started;
    });
    const last = await done;
    results.push({ question, ms: performance.now() - started, firstTextMs: firstText, type: last.type, answer: last.answer?.text ?? null, offline: Boolean(last.answer?.offline), provider: last.answer?.provider ?? null, error: last.errorMessage ?? last.error?.code ?? null });
  }
  return results;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Opens the GM (already configured with a provider named `prefix` on `fakeUrl`: see configureGm) and `players`
 * player pages, then every player asks `questions` questions at once. Returns the per-question records and the
 * summary. `openConcurrency` pages load at a time (each loads the module's wasm).
 */
export async function runRelayLoad({ browser, harness, gm, fakeUrl, profile, players, questions, prefix, openConcurrency = 1, log = () => {} }) {
  const ids = addPlayers(harness, players);
  const known = await gm.page.evaluate((list) => list.filter((id) => game.users.get(id)).length, ids);
  if (known !== ids.length) throw new Error("runRelayLoad: the GM's page must open after addPlayers (it knows only the users of its load)");
  const pages = [];
  const opened = Date.now();
  for (let i = 0; i < ids.length; i += openConcurrency) {
    const batch = await Promise.all(
      ids.slice(i, i + openConcurrency).map(async (user) => {
        // Reduced motion: twenty idle ravens animating would be the load, not the relay.
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: "reduce" });
        const opened = await openGame(browser, harness, { profile, user, context });
        await ravenInteractive(opened.page);
        return opened;
      }),
    );
    pages.push(...batch);
    log(`${pages.length} player pages open after ${((Date.now() - opened) / 1000).toFixed(1)} s`);
  }
  log(`${pages.length} player pages open in ${((Date.now() - opened) / 1000).toFixed(1)} s`);
  try {
    await fetch(`${fakeUrl}/_log/clear`, { method: "POST" });
    const started = Date.now();
    const perPlayer = await Promise.all(
      pages.map((opened, i) => opened.page.evaluate(askSeries, { count: questions, tag: `${prefix}-u${i}`, questions: QUESTIONS })),
    );
    const wallMs = Date.now() - started;
    const calls = (await (await fetch(`${fakeUrl}/_log`)).json()).filter((entry) => entry.path.startsWith(`/${prefix}/`));
    const records = perPlayer.flat().map((record) => {
      const matching = calls.filter((call) => (call.messages.at(-1) ?? "").includes(record.question.slice(0, record.question.indexOf("]") + 1)));
      const providerMs = matching.length === 1 ? matching[0].ms : null;
      return { ...record, providerCalls: matching.length, providerMs, overheadMs: providerMs === null ? null : record.ms - providerMs };
    });
    const overheads = records.map((r) => r.overheadMs).filter((v) => v !== null);
    const summary = {
      profile,
      users: players,
      questionsPerUser: questions,
      asked: records.length,
      answered: records.filter((r) => r.type === "final").length,
      providerCalls: calls.length,
      wallSeconds: wallMs / 1000,
      overheadMs: { p50: percentile(overheads, 50), p95: percentile(overheads, 95), max: Math.max(...overheads) },
      playerMs: { p50: percentile(records.map((r) => r.ms), 50), p95: percentile(records.map((r) => r.ms), 95) },
      providerMs: { p50: percentile(calls.map((c) => c.ms ?? NaN).filter(Number.isFinite), 50) },
      firstTextMs: { p50: percentile(records.map((r) => r.firstTextMs).filter((v) => v !== null), 50), p95: percentile(records.map((r) => r.firstTextMs).filter((v) => v !== null), 95) },
      pageErrors: pages.flatMap((p) => p.pageErrors),
    };
    return { records, summary };
  } finally {
    for (const opened of pages) await opened.context.close().catch(() => {});
  }
}

/** The GM's page (opened after the world got its `players`) with one provider (`prefix`, model `model`) on the fake server, set up through the module's form. */
export async function openConfiguredGm({ browser, harness, fakeUrl, profile, prefix, model = "trickle", steps, players = 0 }) {
  addPlayers(harness, players);
  const gm = await openGame(browser, harness, { profile, user: USERS.gm });
  const form = await steps.openProviderForm(gm.page);
  await steps.addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model, key: "sk-load-test-key" });
  await steps.saveForm(gm.page, form);
  return gm;
}
