/**
 * The Ask view. Every question runs through the rules index first. On the GM's client the best passages then go to
 * the GM's AI providers (chat-session.mjs) and the answer streams in, rendered only through the bundle's sanitising
 * Markdown renderer, with its citations as content links, a Stop button, and "Post to chat". With no provider, or
 * when every provider fails, the view shows the offline answer: the passages themselves, labelled, with the reason.
 * A player's question goes to the active GM through the relay (relay/chat-relay.mjs) and streams back the same way; with no
 * GM online, or when the GM does not let players ask, the player gets the offline answer with that notice.
 */
import { t, templatePath } from "../../core/constants.mjs";
import { endRavenWork, inPanel, onViewDrawn, startRavenWork } from "../panel-registry.mjs";
import { renderTemplate } from "../../core/compat.mjs";
import { OFFLINE_HITS, groundingPassages, offlineHits } from "../../rules/rules-index.mjs";
import { answerFromProviders, cancelAnswer } from "../../chat/chat-session.mjs";
import { openProviderSettings } from "../provider-settings.mjs";
import { askGm, cancelGm, pendingQuestions, relayStatus } from "../../relay/chat-relay.mjs";
import { ensureUserConsent } from "../../privacy/consent.mjs";
import { answerCardHtml, linkParts, paint, plainText, relayErrorText, renderAnswer } from "./answer-card.mjs";
import { beforeNextQuestion, keepExchange } from "./ask-history.mjs";

/** The answer streaming into each results element: `{askId, text, question, stopped, painted}`. */
const runs = new WeakMap();
/** The finished answer of each results element, for "Post to chat": `{question, markdown, citations, provider}`. */
const finished = new WeakMap();
const boundResults = new WeakSet();
let panelHooked = false;
/** The run still going, whose answer the Ask view shows (on screen or, behind another tab, not). */
let live = null;

function listenToPanel() {
  if (panelHooked) return;
  panelHooked = true;
  // Closing the panel does not stop the answer: it streams on, and when it ends behind the closed panel the raven
  // shows its notification dot (the machine's answer-ready state). The Ask view drawn next, by a render of the
  // panel or a switch in place, takes the run over while it lasts.
  onViewDrawn(() => {
    const results = inPanel('[data-familiar-results="ask"]');
    if (results) takeOver(results).catch((error) => console.error("Familiar |", error));
  });
}

export async function ask(form, results) {
  const question = new FormData(form).get("question")?.toString().trim() ?? "";
  if (!question) return;
  bindResults(results);
  listenToPanel();
  stop(results);
  beforeNextQuestion(results).catch((error) => console.error("Familiar |", error));
  results.setAttribute("aria-busy", "true");
  // The raven's machine follows the question (pose, live region, the Ask tab's badge when it ends out of sight).
  const workId = await startRavenWork(question);
  try {
    if (!game.user.isGM) {
      const relay = relayStatus();
      if (relay.open) {
        // Before the first question leaves for the GM's providers (consent.mjs); a no keeps the answers offline.
        await ensureUserConsent();
        return await streamRelayed(question, results, (onEvent) => askGm(question, onEvent), workId);
      }
      const hits = await offlineHits(question);
      await showOffline(results, hits, { question, reason: relay.reason === "notPlayer" ? undefined : t(`Ask.Offline.${relay.reason}`) });
      endRavenWork({ type: "answerDone", id: workId });
      return;
    }
    const hits = await groundingPassages(question);
    await streamAnswer(question, hits, results, workId);
  } finally {
    results.removeAttribute("aria-busy");
  }
}

/** The index's passages as the offline answer, labelled, with why no provider answered; the history keeps the
 * passages' links and the reason. */
async function showOffline(results, hits, { question, reason, attempts = [], setup = false }) {
  const view = hits.slice(0, OFFLINE_HITS).map((hit) => ({ ...hit, ...linkParts(hit.uuid), snippet: plainText(hit.snippet) }));
  const lines = attempts.map((attempt) => t("Ask.AttemptLine", { provider: attempt.provider, status: attempt.status ?? "—", error: attempt.error }));
  results.innerHTML = await renderTemplate(templatePath("views/ask-results.hbs"), { hits: view, offline: true, reason, attempts: lines, setup });
  keepExchange(results, { question, citations: hits.slice(0, OFFLINE_HITS), offline: reason ?? "" });
}

function offlineReason(answer) {
  const code = answer.offlineReason?.code ?? "allFailed";
  return t(`Ask.Offline.${code}`);
}

async function showAnswer(results, context, html) {
  results.innerHTML = await renderTemplate(templatePath("views/ask-answer.hbs"), context);
  paint(results.querySelector("[data-familiar-answer-body]"), html);
}

/**
 * A run paints into `run.results`, the Ask view's results element. Another tab replacing the view does not stop it:
 * the answer goes on out of sight and the machine badges the Ask tab when it ends; the Ask view drawn again takes
 * the run over (`takeOver`). Only Stop, a new question or the panel closing stop it.
 */
function newRun(results, fields) {
  const run = { results, text: "", status: "", stopped: false, painted: 0, ...fields };
  runs.set(results, run);
  live = run;
  finished.delete(results);
  return run;
}

/** Whether `run` still owns an element on screen (not replaced by a newer question). */
const onScreen = (run) => run.results.isConnected && runs.get(run.results) === run;

function setStatus(run, text) {
  run.status = text;
  const status = run.results.querySelector("[data-familiar-answer-status]");
  if (status && onScreen(run)) status.textContent = text;
}

function repaintRun(run) {
  run.painted = 0;
  const body = run.results.querySelector("[data-familiar-answer-body]");
  if (body && onScreen(run)) paint(body, renderAnswer(run.text).html);
}

/** The run is over: it no longer needs an element, and the view drawn next starts empty. */
function endRun(run) {
  cancelAnimationFrame(run.painted);
  runs.delete(run.results);
  if (live === run) live = null;
}

/** Whether the run's element was replaced by a newer question in the same view (its answer is nobody's now). */
const superseded = (run) => live !== run;

async function streamAnswer(question, hits, results, workId) {
  const run = newRun(results, { askId: null, question, workId });
  await showAnswer(results, { question, status: t("Ask.Thinking") }, "");
  run.status = t("Ask.Thinking");
  const onEvent = (event) => {
    if (event.type === "started") {
      run.askId = event.askId;
      if (run.stopped) cancelAnswer(event.askId);
    }
    if (superseded(run)) {
      if (run.askId !== null) cancelAnswer(run.askId);
      return;
    }
    if (event.type === "started") setStatus(run, t("Ask.AnsweringWith", { provider: event.provider }));
    if (event.type === "reset") {
      run.text = "";
      setStatus(run, t("Ask.Retrying", { reason: event.reason }));
      repaintRun(run);
    }
    if (event.type === "delta") {
      run.text += event.text;
      run.painted ||= requestAnimationFrame(() => repaintRun(run));
    }
  };
  let answer;
  try {
    answer = await answerFromProviders(question, hits, onEvent);
  } catch (error) {
    console.error("Familiar |", error);
    const current = !superseded(run);
    endRun(run);
    endRavenWork({ type: "providerError", id: workId, kind: "unknown" });
    if (current) await showOffline(run.results, hits, { question, reason: t("Ask.Offline.config", { error: error?.message ?? String(error) }) });
    return;
  }
  if (superseded(run)) return void endRavenWork({ type: "cancelWork", id: workId });
  endRun(run);
  results = run.results;
  if (answer === null) {
    endRavenWork({ type: "cancelWork", id: workId });
    await showAnswer(results, { question, status: t("Ask.Stopped"), stopped: true }, renderAnswer(run.text).html);
    return;
  }
  endRavenWork({ type: "answerDone", id: workId });
  if (answer.offline) {
    const code = answer.offlineReason?.code;
    await showOffline(results, hits, { question, reason: offlineReason(answer), attempts: answer.attempts ?? [], setup: code === "noProviders" });
    return;
  }
  await showFinished(results, { question, markdown: answer.markdown, citations: answer.citations, provider: answer.provider });
}

/** A provider's finished answer: shown with the links it may have, kept in the history, ready for "Post to chat". */
async function showFinished(results, finish) {
  const { question, markdown, provider } = finish;
  const shown = renderAnswer(markdown, finish.citations);
  finished.set(results, finish);
  keepExchange(results, { question, answer: markdown, citations: shown.citations, provider });
  const citations = shown.citations.map((citation) => ({ ...citation, ...linkParts(citation.uuid) }));
  await showAnswer(results, { question, status: t("Ask.AnsweredBy", { provider }), done: true, citations }, shown.html);
}

/**
 * A player's question through the GM relay: `start(onEvent)` asks (or resumes) and returns `{requestId, done}`.
 * Each `text` event carries the whole answer so far; the final answer's citations are content links already.
 */
async function streamRelayed(question, results, start, workId = null) {
  const run = newRun(results, { relayed: true, requestId: null, question, workId });
  await showAnswer(results, { question, status: t("Ask.Relay.Asking") }, "");
  run.status = t("Ask.Relay.Asking");
  const onEvent = (event) => {
    if (superseded(run)) return;
    if (event.type === "accepted") setStatus(run, t(event.queued ? "Ask.Relay.Queued" : "Ask.Relay.Answering"));
    if (event.type === "reset") {
      run.text = "";
      setStatus(run, t("Ask.Retrying", { reason: event.reason }));
      repaintRun(run);
    }
    if (event.type === "text") {
      run.text = event.text;
      run.painted ||= requestAnimationFrame(() => repaintRun(run));
    }
  };
  listenToPanel();
  const asked = start(onEvent);
  run.requestId = asked.requestId;
  const last = await asked.done;
  if (superseded(run)) {
    cancelGm(run.requestId);
    endRavenWork({ type: "cancelWork", id: workId });
    return;
  }
  endRun(run);
  results = run.results;
  if (last.type === "stopped") {
    endRavenWork({ type: "cancelWork", id: workId });
    return showAnswer(results, { question, status: t("Ask.Stopped"), stopped: true }, renderAnswer(run.text).html);
  }
  if (last.type === "error") {
    endRavenWork({ type: "providerError", id: workId, kind: last.error?.code === "budget" ? "budget" : "unknown" });
    // The GM's page went silent: the question is kept in the history with what came of the answer, to ask again.
    if (last.error?.code === "gmDidNotAnswer") keepExchange(results, { question, answer: run.text, offline: relayErrorText(last) });
    return showAnswer(results, { question, status: relayErrorText(last), stopped: true }, renderAnswer(run.text).html);
  }
  endRavenWork({ type: "answerDone", id: workId });
  const answer = last.answer;
  if (answer.offline) {
    const reason = t(`Ask.Offline.${answer.reason?.code ?? "allFailed"}`);
    const shown = renderAnswer(answer.text, answer.citations);
    keepExchange(results, { question, answer: answer.text, citations: shown.citations, offline: reason });
    return showAnswer(results, { question, status: reason, stopped: true }, shown.html);
  }
  await showFinished(results, { question, markdown: answer.text, citations: answer.citations, provider: answer.provider });
}

/** The Ask view was drawn again (after another tab) while its run goes on: the new element takes the run over,
 * showing the answer so far. A finished answer needs nothing: the history shows it from storage. */
async function takeOver(results) {
  const run = live;
  if (!run || run.results === results || run.results.isConnected) return;
  runs.delete(run.results);
  run.results = results;
  runs.set(results, run);
  bindResults(results);
  await showAnswer(results, { question: run.question, status: run.status }, renderAnswer(run.text).html);
}

/** After a reload: the question this tab was waiting for comes back into the Ask view, now if it is showing, else
 * when the panel next renders it. */
export function resumeRelayed() {
  const last = pendingQuestions().filter((entry) => entry.origin === "view").at(-1);
  if (!last) return;
  const tryResume = () => {
    const results = inPanel('[data-familiar-results="ask"]');
    if (!results) return false;
    bindResults(results);
    streamRelayed(last.question, results, (onEvent) => last.resume(onEvent)).catch((error) => console.error("Familiar |", error));
    return true;
  };
  if (tryResume()) return;
  const stopWaiting = onViewDrawn(() => {
    if (tryResume()) stopWaiting();
  });
}

/** The raven's machine cancelled its work `id` (Ask went away with a permission or role change): the run stops. */
export function cancelRavenWork(id) {
  if (live && live.workId === id) stop(live.results);
}

/** Stops the answer streaming into `results`, if any (Stop, or a new question). */
function stop(results) {
  const run = runs.get(results);
  if (!run) return;
  run.stopped = true;
  if (run.relayed) return void cancelGm(run.requestId);
  if (run.askId !== null) cancelAnswer(run.askId);
}

/** Posts the finished answer as a chat message: public, or whispered to the asker. */
async function postAnswer(results) {
  const entry = finished.get(results);
  if (!entry) return;
  const audience = results.querySelector("[data-familiar-post-audience]")?.value ?? "public";
  const message = {
    content: await answerCardHtml(entry),
    speaker: ChatMessage.getSpeaker({ alias: t("Ask.ChatSpeaker") }),
  };
  if (audience === "self") message.whisper = [game.user.id];
  await ChatMessage.create(message);
  const button = results.querySelector('[data-familiar-ask-action="post"]');
  if (button) button.textContent = t("Ask.Posted");
}

const ACTIONS = {
  stop: (results) => stop(results),
  post: (results) => postAnswer(results),
  setup: () => openProviderSettings(),
};

function bindResults(results) {
  if (boundResults.has(results)) return;
  boundResults.add(results);
  results.addEventListener("click", (event) => {
    const action = event.target.closest("[data-familiar-ask-action]");
    if (!action) return;
    Promise.resolve(ACTIONS[action.dataset.familiarAskAction]?.(results)).catch((error) => {
      console.error("Familiar |", error);
      ui.notifications.error(error?.message ?? String(error));
    });
  });
}
