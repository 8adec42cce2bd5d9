/**
 * The Ask view. Every question runs through the rules index first. On the GM's client the best passages then go to
 * the GM's AI providers (chat-session.mjs) and the answer streams in, rendered only through the bundle's sanitising
 * Markdown renderer, with its citations as content links, a Stop button, and "Post to chat". With no provider, or
 * when every provider fails, the view shows the offline answer: the passages themselves, labelled, with the reason.
 * A player's question goes to the active GM through the relay (relay.mjs) and streams back the same way; with no
 * GM online, or when the GM does not let players ask, the player gets the offline answer with that notice.
 */
import { t, templatePath } from "../../constants.mjs";
import { renderTemplate } from "../../compat.mjs";
import { requireWasm } from "../../runtime.mjs";
import { OFFLINE_HITS, groundingPassages, offlineHits } from "../../rules-index.mjs";
import { answerFromProviders, cancelAnswer } from "../../chat-session.mjs";
import { openProviderSettings } from "../provider-settings.mjs";
import { askGm, cancelGm, pendingQuestions, relayStatus } from "../../relay.mjs";
import { answerCardHtml, linkParts, paint, plainText, relayErrorText } from "./answer-card.mjs";
import { beforeNextQuestion, keepExchange } from "./ask-history.mjs";

/** The answer streaming into each results element: `{askId, text, question, stopped, painted}`. */
const runs = new WeakMap();
/** The finished answer of each results element, for "Post to chat". */
const finished = new WeakMap();
/** Asks this view started (not the relay's), so closing the panel stops exactly these; and a player's questions to
 * the GM by request id. */
const viewAsks = new Set();
const relayedAsks = new Set();
const boundResults = new WeakSet();
let closeHooked = false;

function listenForPanelClose() {
  if (closeHooked) return;
  closeHooked = true;
  // Closing the panel stops what the view was streaming (the class is named the same on every core version).
  Hooks.on("closeFamiliarRavenPanel", () => {
    for (const askId of viewAsks) cancelAnswer(askId);
    for (const requestId of relayedAsks) cancelGm(requestId);
  });
}

export async function ask(form, results) {
  const question = new FormData(form).get("question")?.toString().trim() ?? "";
  if (!question) return;
  bindResults(results);
  listenForPanelClose();
  stop(results);
  beforeNextQuestion(results).catch((error) => console.error("Familiar |", error));
  results.setAttribute("aria-busy", "true");
  try {
    if (!game.user.isGM) {
      const relay = relayStatus();
      if (relay.open) return await streamRelayed(question, results, (onEvent) => askGm(question, onEvent));
      const hits = await offlineHits(question);
      await showOffline(results, hits, { question, reason: relay.reason === "notPlayer" ? undefined : t(`Ask.Offline.${relay.reason}`) });
      return;
    }
    const hits = await groundingPassages(question);
    await streamAnswer(question, hits, results);
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

async function renderAnswer(results, context, html) {
  results.innerHTML = await renderTemplate(templatePath("views/ask-answer.hbs"), context);
  paint(results.querySelector("[data-familiar-answer-body]"), html);
}

async function streamAnswer(question, hits, results) {
  const run = { askId: null, text: "", question, stopped: false, painted: 0 };
  runs.set(results, run);
  finished.delete(results);
  await renderAnswer(results, { question, status: t("Ask.Thinking") }, "");
  const body = results.querySelector("[data-familiar-answer-body]");
  const status = results.querySelector("[data-familiar-answer-status]");
  const repaint = () => {
    run.painted = 0;
    if (results.isConnected && runs.get(results) === run) paint(body, requireWasm().renderMarkdown(run.text));
  };
  const onEvent = (event) => {
    if (event.type === "started") {
      run.askId = event.askId;
      viewAsks.add(event.askId);
      if (run.stopped) cancelAnswer(event.askId);
    }
    // The panel closed or another view replaced this one: nobody reads the rest.
    if (!results.isConnected || runs.get(results) !== run) {
      if (run.askId !== null) cancelAnswer(run.askId);
      return;
    }
    if (event.type === "started") status.textContent = t("Ask.AnsweringWith", { provider: event.provider });
    if (event.type === "reset") {
      run.text = "";
      status.textContent = t("Ask.Retrying", { reason: event.reason });
      repaint();
    }
    if (event.type === "delta") {
      run.text += event.text;
      run.painted ||= requestAnimationFrame(repaint);
    }
  };
  let answer;
  try {
    answer = await answerFromProviders(question, hits, onEvent);
  } catch (error) {
    console.error("Familiar |", error);
    if (runs.get(results) === run) await showOffline(results, hits, { question, reason: t("Ask.Offline.config", { error: error?.message ?? String(error) }) });
    return;
  } finally {
    viewAsks.delete(run.askId);
    cancelAnimationFrame(run.painted);
  }
  if (!results.isConnected || runs.get(results) !== run) return;
  runs.delete(results);
  if (answer === null) {
    await renderAnswer(results, { question, status: t("Ask.Stopped"), stopped: true }, requireWasm().renderMarkdown(run.text));
    return;
  }
  if (answer.offline) {
    const code = answer.offlineReason?.code;
    await showOffline(results, hits, { question, reason: offlineReason(answer), attempts: answer.attempts ?? [], setup: code === "noProviders" });
    return;
  }
  finished.set(results, { question, answer });
  keepExchange(results, { question, answer: answer.markdown, citations: answer.citations, provider: answer.provider });
  const citations = answer.citations.map((citation) => ({ ...citation, ...linkParts(citation.uuid) }));
  await renderAnswer(results, { question, status: t("Ask.AnsweredBy", { provider: answer.provider }), done: true, citations }, answer.html);
}

/**
 * A player's question through the GM relay: `start(onEvent)` asks (or resumes) and returns `{requestId, done}`.
 * Each `text` event carries the whole answer so far; the final answer's citations are content links already.
 */
async function streamRelayed(question, results, start) {
  const run = { relayed: true, requestId: null, text: "", question, stopped: false, painted: 0 };
  runs.set(results, run);
  finished.delete(results);
  await renderAnswer(results, { question, status: t("Ask.Relay.Asking") }, "");
  const body = results.querySelector("[data-familiar-answer-body]");
  const status = results.querySelector("[data-familiar-answer-status]");
  const current = () => results.isConnected && runs.get(results) === run;
  const repaint = () => {
    run.painted = 0;
    if (current()) paint(body, requireWasm().renderMarkdown(run.text));
  };
  const onEvent = (event) => {
    if (!current()) return;
    if (event.type === "accepted") status.textContent = t(event.queued ? "Ask.Relay.Queued" : "Ask.Relay.Answering");
    if (event.type === "reset") {
      run.text = "";
      status.textContent = t("Ask.Retrying", { reason: event.reason });
      repaint();
    }
    if (event.type === "text") {
      run.text = event.text;
      run.painted ||= requestAnimationFrame(repaint);
    }
  };
  listenForPanelClose();
  const asked = start(onEvent);
  run.requestId = asked.requestId;
  relayedAsks.add(asked.requestId);
  const last = await asked.done.finally(() => relayedAsks.delete(asked.requestId));
  cancelAnimationFrame(run.painted);
  if (!current()) {
    cancelGm(run.requestId);
    return;
  }
  runs.delete(results);
  const markdown = (text) => requireWasm().renderMarkdown(text);
  if (last.type === "stopped") return renderAnswer(results, { question, status: t("Ask.Stopped"), stopped: true }, markdown(run.text));
  if (last.type === "error") return renderAnswer(results, { question, status: relayErrorText(last), stopped: true }, markdown(run.text));
  const answer = last.answer;
  if (answer.offline) {
    const reason = t(`Ask.Offline.${answer.reason?.code ?? "allFailed"}`);
    keepExchange(results, { question, answer: answer.text, citations: answer.citations, offline: reason });
    return renderAnswer(results, { question, status: reason, stopped: true }, markdown(answer.text));
  }
  const html = markdown(answer.text);
  finished.set(results, { question, answer: { ...answer, html } });
  keepExchange(results, { question, answer: answer.text, citations: answer.citations, provider: answer.provider });
  const citations = answer.citations.map((citation) => ({ ...citation, ...linkParts(citation.uuid) }));
  await renderAnswer(results, { question, status: t("Ask.AnsweredBy", { provider: answer.provider }), done: true, citations }, html);
}

/** After a reload: the question this tab was waiting for comes back into the Ask view, now if it is showing, else
 * when the panel next renders it. */
export function resumeRelayed() {
  const last = pendingQuestions().filter((entry) => entry.origin === "view").at(-1);
  if (!last) return;
  const tryResume = () => {
    const results = document.querySelector('#familiar-panel [data-familiar-results="ask"]');
    if (!results) return false;
    bindResults(results);
    streamRelayed(last.question, results, (onEvent) => last.resume(onEvent)).catch((error) => console.error("Familiar |", error));
    return true;
  };
  if (tryResume()) return;
  const hook = Hooks.on("renderFamiliarRavenPanel", () => {
    if (tryResume()) Hooks.off("renderFamiliarRavenPanel", hook);
  });
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
  const { question, answer } = entry;
  const audience = results.querySelector("[data-familiar-post-audience]")?.value ?? "public";
  const message = {
    content: await answerCardHtml({ question, html: answer.html, citations: answer.citations, provider: answer.provider }),
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
