/**
 * An answer as markup: content links that open and drag like Foundry's own, and the chat cards an answer is posted
 * as — the Ask view's "Post to chat" and the `/raven` command's whisper (raven-command.mjs). The question and every
 * name go into the templates through Handlebars' escaping `{{ }}`; the answer body is only ever the bundle's
 * sanitised Markdown renderer's output.
 */
import { t, templatePath } from "../../constants.mjs";
import { renderTemplate } from "../../compat.mjs";

/** The chat card of an answer, and of the offline answer. */
export const ANSWER_CARD_TEMPLATES = [templatePath("views/ask-chat.hbs"), templatePath("views/ask-chat-offline.hbs")];

/** Snippets come as HTML with highlight tags; only their text is shown (parsed inertly, never executed). */
export function plainText(html) {
  return new DOMParser().parseFromString(String(html ?? ""), "text/html").body.textContent ?? "";
}

/** What Foundry's enriched content links carry besides the uuid: the document type, pack and id. */
export function linkParts(target) {
  const uuid = String(target).split("#")[0];
  const parts = uuid.split(".");
  const typed = parts[0] === "Compendium" ? parts.length >= 5 : parts.length >= 2;
  return {
    documentType: typed ? parts.at(-2) : "Item",
    pack: parts[0] === "Compendium" && parts.length >= 4 ? `${parts[1]}.${parts[2]}` : "",
    id: parts.at(-1),
  };
}

/** Gives the renderer's content links (`<a class="content-link" data-uuid>`) the data Foundry's own links have, so
 * they open and drag like them. */
export function decorateLinks(root) {
  for (const link of root.querySelectorAll("a.content-link[data-uuid]")) {
    const { documentType, pack, id } = linkParts(link.dataset.uuid);
    link.dataset.type ||= documentType;
    link.dataset.id ||= id;
    if (pack) link.dataset.pack ||= pack;
  }
}

/** Puts the bundle's sanitised HTML (renderMarkdown output) into `body`; never anything else. */
export function paint(body, html) {
  body.innerHTML = html;
  decorateLinks(body);
}

/** What a relay error tells the player: the rate limit and budget in their own words, else the relay's text. */
export function relayErrorText(event) {
  const error = event.error ?? {};
  if (error.code === "rateLimited") return t("Ask.Relay.RateLimited", { seconds: Math.ceil((error.retryAfterMs ?? 0) / 1000) });
  if (error.code === "budgetExhausted") return t("Ask.Relay.BudgetExhausted");
  if (error.code === "playersMayNotAsk") return t("Ask.Offline.playersMayNotAsk");
  if (error.code === "gmLeft") return t("Ask.Relay.GmLeft");
  if (error.code === "gmDidNotAnswer") return t("Ask.Relay.GmDidNotAnswer", { seconds: Math.ceil((error.afterMs ?? 0) / 1000) });
  return t("Ask.Relay.Failed", { error: event.errorMessage ?? error.code ?? "" });
}

/**
 * The chat card of an answer: the question, the sanitised answer `html` (renderMarkdown output, may be empty), its
 * citations as content links, who answered (when known) and an optional `notice` (why the answer is unfinished).
 */
export async function answerCardHtml({ question, html = "", citations = [], provider = null, notice = null }) {
  const holder = document.createElement("div");
  const links = citations.map((citation) => ({ ...citation, ...linkParts(citation.uuid) }));
  holder.innerHTML = await renderTemplate(templatePath("views/ask-chat.hbs"), { question, citations: links, provider, notice });
  paint(holder.querySelector("[data-familiar-answer-body]"), html);
  return holder.innerHTML;
}

/**
 * The chat card of the offline answer: the question, the label, the `reason` no provider answered, what each
 * provider said (`attempts` from the session, the GM's only), and the index's passages as content links with
 * their snippets (`hits` are rules-index hits or citations: `{uuid, name, snippet?}`).
 */
export function offlineCardHtml({ question, hits, reason, attempts = [] }) {
  const passages = hits.map((hit) => ({ uuid: hit.uuid, name: hit.name, ...linkParts(hit.uuid), snippet: plainText(hit.snippet) }));
  const lines = attempts.map((attempt) => t("Ask.AttemptLine", { provider: attempt.provider, status: attempt.status ?? "—", error: attempt.error }));
  return renderTemplate(templatePath("views/ask-chat-offline.hbs"), { question, hits: passages, reason, attempts: lines });
}
