/**
 * `/raven <question>` in Foundry's chat log: the question is answered the way the Ask view answers it — on the
 * GM's client from the rules index and the GM's providers, on a player's through the GM relay — and the answer
 * comes back as one chat message whispered to the asker alone. Every question that is taken gets exactly one
 * whisper: the answer with its citations and who answered, the offline answer (the index's passages, labelled,
 * with the reason), or what arrived before the answer broke off with why. A notification says the raven is at it
 * meanwhile. Refusals that answer nothing (no question, players may not ask, Familiar not running) are
 * notifications only.
 */
import { t } from "../core/constants.mjs";
import { runtime } from "../core/runtime.mjs";
import { getSetting, SETTINGS } from "../core/settings.mjs";
import { groundingPassages, offlineHits } from "../rules/rules-index.mjs";
import { answerFromProviders } from "./chat-session.mjs";
import { askGm, pendingQuestions, relayStatus } from "../relay/chat-relay.mjs";
import { ensureUserConsent } from "../privacy/consent.mjs";
import { answerCardHtml, offlineCardHtml, relayErrorText } from "../apps/views/answer-card.mjs";

/** `/raven`, any case, alone or followed by whitespace and the question (which may span lines). */
const COMMAND = /^\/raven(?:\s+([\s\S]*))?$/i;

/** `{question}` (empty when `/raven` came alone) when `message` is the command, else null. */
export function parseRavenCommand(message) {
  const match = COMMAND.exec(String(message ?? "").trim());
  return match ? { question: (match[1] ?? "").trim() } : null;
}

/**
 * Takes the command: checks that the raven may answer, then answers in the background (the chat hook is not
 * awaited). Never throws; what goes wrong is said in a notification or in the whisper.
 */
export function ravenCommand(question) {
  if (!question) return void ui.notifications.info(t("Command.Usage"));
  if (!runtime.wasm) {
    const reason = runtime.failure?.message ?? t("Command.Starting");
    return void ui.notifications.warn(t("Command.Inactive", { reason }));
  }
  if (!game.user.isGM && !getSetting(SETTINGS.playersMayUse)) return void ui.notifications.warn(t("Command.PlayersMayNotAsk"));
  ui.notifications.info(t("Command.Thinking"));
  answerCard(question)
    .catch((error) => {
      console.error("Familiar | /raven failed", error);
      return answerCardHtml({ question, notice: t("Command.Failed", { error: error?.message ?? String(error) }) });
    })
    .then((content) => whisperToAsker(content))
    .catch((error) => {
      console.error("Familiar | /raven could not whisper its answer", error);
      ui.notifications.error(t("Command.Failed", { error: error?.message ?? String(error) }));
    });
}

/** The whisper: to this user only, spoken by the raven. The configured document class, as systems subclass it
 * (foundryvtt.com/api/v14/variables/CONFIG.ChatMessage.html, `documentClass`). */
function whisperToAsker(content) {
  const ChatMessageClass = CONFIG.ChatMessage.documentClass;
  return ChatMessageClass.create({
    content,
    speaker: ChatMessageClass.getSpeaker({ alias: t("Ask.ChatSpeaker") }),
    whisper: [game.user.id],
  });
}

function answerCard(question) {
  return game.user.isGM ? gmAnswerCard(question) : relayedAnswerCard(question);
}

const offlineReason = (code) => t(`Ask.Offline.${code ?? "allFailed"}`);

/** The GM's own question: the rules index, then the GM's providers, as the Ask view asks them. */
async function gmAnswerCard(question) {
  const hits = await groundingPassages(question);
  const run = { text: "" };
  const onEvent = (event) => {
    if (event.type === "reset") run.text = "";
    if (event.type === "delta") run.text += event.text;
  };
  let answer;
  try {
    answer = await answerFromProviders(question, hits, onEvent);
  } catch (error) {
    // The stored chain cannot be used: the passages, with the session's own message.
    console.error("Familiar |", error);
    return offlineCardHtml({ question, hits, reason: t("Ask.Offline.config", { error: error?.message ?? String(error) }) });
  }
  // Cancelled (the provider chain changed mid-answer): what arrived, said to be unfinished.
  if (answer === null) return unfinishedCardHtml({ question, text: run.text, reason: t("Command.Stopped") });
  if (answer.offline) {
    return offlineCardHtml({ question, hits, reason: offlineReason(answer.offlineReason?.code), attempts: answer.attempts ?? [] });
  }
  return answerCardHtml({ question, markdown: answer.markdown, citations: answer.citations, provider: answer.provider });
}

/** After a reload: each `/raven` question this tab was still waiting for gets its whisper when the answer comes. */
export function resumeCommands() {
  for (const entry of pendingQuestions().filter((pending) => pending.origin === "command")) {
    relayedAnswerCard(entry.question, (onEvent) => entry.resume(onEvent))
      .then((content) => whisperToAsker(content))
      .catch((error) => console.error("Familiar | a resumed /raven answer failed", error));
  }
}

/** A player's question: through the GM relay when it is open (`start` asks, or resumes after a reload), else the
 * offline answer from this page's index. */
async function relayedAnswerCard(question, start = (onEvent) => askGm(question, onEvent, { origin: "command" })) {
  const relay = relayStatus();
  if (relay.open) await ensureUserConsent();
  if (!relay.open) {
    const hits = await offlineHits(question);
    return offlineCardHtml({ question, hits, reason: relay.reason === "notPlayer" ? undefined : offlineReason(relay.reason) });
  }
  let text = "";
  const onEvent = (event) => {
    if (event.type === "accepted" && event.queued) ui.notifications.info(t("Ask.Relay.Queued"));
    if (event.type === "reset") text = "";
    if (event.type === "text") text = event.text;
  };
  const last = await start(onEvent).done;
  if (last.type === "final") {
    const answer = last.answer;
    const citations = answer.citations ?? [];
    if (answer.offline) return offlineCardHtml({ question, hits: citations, reason: offlineReason(answer.reason?.code) });
    const notice = answer.truncated ? t("Command.Truncated") : null;
    return answerCardHtml({ question, markdown: answer.text, citations, provider: answer.provider, notice });
  }
  // Stopped or refused (rate limit, budget, the GM left…): the reason in the player's words, and what arrived.
  return unfinishedCardHtml({ question, text, reason: last.type === "stopped" ? t("Command.Stopped") : relayErrorText(last) });
}

/** An answer that did not finish: why, and the part that arrived (if any), said to be only part. */
function unfinishedCardHtml({ question, text, reason }) {
  if (!text) return answerCardHtml({ question, notice: reason });
  return answerCardHtml({ question, markdown: text, notice: t("Command.Unfinished", { reason }) });
}
