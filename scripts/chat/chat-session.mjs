/**
 * The GM's rules chat: wasm `ChatSession`s built from this browser's provider chain (provider-chain.mjs), with
 * the localised system prompt. Each conversation has its own session — the GM's, and one per player asking through
 * the relay — so one user's questions never enter another's prompt history; each keeps its circuit breakers and
 * conversation, and all are rebuilt when the chain changes. Keys go from the key store into the sessions and from
 * there only into request headers to the providers.
 */
import { t } from "../core/constants.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { chainSignature, loadChain, sessionProviders } from "../providers/provider-chain.mjs";
import { loadAskHistory } from "./ask-history-store.mjs";
import { consentPlan, ensureWorldConsent, providerOrigin } from "../privacy/consent.mjs";
import { checkHealthAlerts } from "../health/alerts.mjs";

/** The GM's own conversation; relayed questions use the asker's user id. */
const GM_CONVERSATION = "gm";
/** Answered turns of the saved history a new GM session starts from; older ones the user scrolls back to. */
const REMEMBERED_TURNS = 4;
/** conversation → {session, signature} */
const sessions = new Map();

/** The user's Foundry language by name ("English", "Deutsch"), which models follow better than a code. */
function languageName(lang = game.i18n.lang) {
  try {
    return new Intl.DisplayNames([lang], { type: "language" }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

/** The conversation's session for the current chain (an empty chain gives a session that answers offline). Throws
 * when the stored chain cannot be used (a malformed entry), with the session's own message. */
async function gmSession(conversation, language) {
  const fullChain = loadChain();
  // Only providers the world (and, for a relayed question, the asker) agreed to: see consent.mjs.
  await ensureWorldConsent(fullChain);
  const asker = conversation === GM_CONVERSATION ? null : game.users.get(conversation);
  const plan = consentPlan(fullChain, asker);
  const chain = fullChain.filter((entry) => plan.allowed.includes(providerOrigin(entry.baseUrl)));
  const signature = `${chainSignature(fullChain)}|${JSON.stringify(plan)}|${language}`;
  if (sessions.get(conversation)?.signature === signature) return sessions.get(conversation).session;
  const providers = await sessionProviders(chain);
  // The GM's own conversation goes on from the saved Ask history (after a reload, or when the chain changed).
  const saved = conversation === GM_CONVERSATION ? await loadAskHistory() : null;
  // Another ask may have built it while the keys were being opened.
  if (sessions.get(conversation)?.signature === signature) return sessions.get(conversation).session;
  dropSession(conversation);
  const session = new (requireWasm().ChatSession)({ providers, systemPrompt: t("Ask.SystemPrompt"), language: languageName(language), withheldForConsent: plan.withheld });
  if (saved) session.remember(saved, REMEMBERED_TURNS);
  sessions.set(conversation, { session, signature });
  return session;
}

function dropSession(conversation) {
  const entry = sessions.get(conversation);
  if (!entry) return;
  entry.session.cancelAll();
  entry.session.free();
  sessions.delete(conversation);
}

/** Stops every answer in flight and forgets the sessions (the chain changed). */
export function dropChatSession() {
  for (const conversation of [...sessions.keys()]) dropSession(conversation);
}

/**
 * A grounded answer from the GM's providers: the one entry point for the Ask view and for the player relay.
 * `passages` are rules-index hits with `text` (`searchRules(question, {passageChars})`), already limited to what the
 * asker may see. `onEvent` gets `started` (with the `askId` to cancel), `delta`, `reset` and `done` events.
 * Resolves with the session's answer — offline, with its reason, when no provider could answer — or null once
 * cancelled. `conversation` (the asking player's id for the relay; the GM's own by default) picks the history, and
 * `language` (a Foundry language code) the answer's language. Only the GM's client holds the keys, so only it may
 * call this.
 */
export async function answerFromProviders(question, passages, onEvent, { conversation = GM_CONVERSATION, language = game.i18n.lang } = {}) {
  if (!game.user.isGM) throw new Error("Familiar | only the GM's client asks the AI providers");
  const session = await gmSession(conversation, language);
  const answer = await session.ask(question, passages, onEvent);
  checkHealthAlerts();
  return answer;
}

/** Forgets one conversation's session (a relayed player's "Forget me"): its prompt history goes with it. */
export function forgetSession(conversation) {
  dropSession(conversation);
}

/** The GM's own conversation starts afresh (the user cleared their Ask history): earlier turns leave the prompt. */
export function forgetConversation() {
  sessions.get(GM_CONVERSATION)?.session.clearHistory();
}

/** Stops one answer (the Stop button) of a conversation; false when it had already finished. */
export function cancelAnswer(askId, conversation = GM_CONVERSATION) {
  return sessions.get(conversation)?.session.cancel(askId) ?? false;
}

/** Provider requests still being read in every conversation, for diagnostics and tests. */
export function openProviderRequests() {
  let open = 0;
  for (const { session } of sessions.values()) open += session.openRequests();
  return open;
}
