/**
 * The GM's rules chat: one wasm `ChatSession` built from this browser's provider chain (provider-chain.mjs), with
 * the localised system prompt and the GM's language. It keeps the circuit breakers and the conversation, and is
 * rebuilt when the chain changes. Keys go from the key store into the session and from there only into request
 * headers to the providers.
 */
import { t } from "./constants.mjs";
import { requireWasm } from "./runtime.mjs";
import { chainSignature, loadChain, sessionProviders } from "./provider-chain.mjs";

let current = null; // {session, signature}

/** The user's Foundry language by name ("English", "Deutsch"), which models follow better than a code. */
export function languageName(lang = game.i18n.lang) {
  try {
    return new Intl.DisplayNames([lang], { type: "language" }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

/** The session for the current chain (an empty chain gives a session that answers offline). Throws when the stored
 * chain cannot be used (a malformed entry), with the session's own message. */
async function gmSession() {
  const chain = loadChain();
  const signature = chainSignature(chain);
  if (current?.signature === signature) return current.session;
  const providers = await sessionProviders(chain);
  // Another ask may have built it while the keys were being opened.
  if (current?.signature === signature) return current.session;
  dropChatSession();
  const session = new (requireWasm().ChatSession)({ providers, systemPrompt: t("Ask.SystemPrompt"), language: languageName() });
  current = { session, signature };
  return session;
}

/** Stops every answer in flight and forgets the session (the chain changed). */
export function dropChatSession() {
  if (!current) return;
  current.session.cancelAll();
  current.session.free();
  current = null;
}

/**
 * A grounded answer from the GM's providers: the one entry point for the Ask view and for the player relay.
 * `passages` are rules-index hits with `text` (`searchRules(question, {passageChars})`), already limited to what the
 * asker may see. `onEvent` gets `started` (with the `askId` to cancel), `delta`, `reset` and `done` events.
 * Resolves with the session's answer — offline, with its reason, when no provider could answer — or null once
 * cancelled. Only the GM's client holds the keys, so only it may call this.
 */
export async function answerFromProviders(question, passages, onEvent) {
  if (!game.user.isGM) throw new Error("Familiar | only the GM's client asks the AI providers");
  const session = await gmSession();
  return session.ask(question, passages, onEvent);
}

/** Stops one answer (the Stop button); false when it had already finished. */
export function cancelAnswer(askId) {
  return current?.session.cancel(askId) ?? false;
}

/** Provider requests still being read, for diagnostics and tests. */
export function openProviderRequests() {
  return current?.session.openRequests() ?? 0;
}
