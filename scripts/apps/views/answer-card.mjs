/**
 * An answer as markup: content links that open and drag like Foundry's own, and the chat cards an answer is posted
 * as — the Ask view's "Post to chat" and the `/raven` command's whisper (raven-command.mjs). The question and every
 * name go into the templates through Handlebars' escaping `{{ }}`; the answer body is only ever the bundle's
 * sanitised Markdown renderer's output, whose content links go only to the answer's citations this user may open.
 */
import { t, templatePath } from "../../core/constants.mjs";
import { renderTemplate } from "../../core/compat.mjs";
import { requireWasm } from "../../core/runtime.mjs";
import { linkReader } from "../../rules/rules-index.mjs";

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
 * they open and drag like them; a URL link shows the host it goes to (the browser's own reading of it) after its
 * text, so it cannot pose as a rules citation. */
function decorateLinks(root) {
  for (const link of root.querySelectorAll("a.content-link[data-uuid]")) {
    const { documentType, pack, id } = linkParts(link.dataset.uuid);
    link.dataset.type ||= documentType;
    link.dataset.id ||= id;
    if (pack) link.dataset.pack ||= pack;
  }
  for (const link of root.querySelectorAll("a[href]")) if (link.hostname) link.append(` (${link.hostname})`);
}

/**
 * An answer's Markdown as `{html, citations}`: the bundle's sanitised HTML, whose content links go only to the
 * answer's `citations` this user may open (crates/chat/src/links.rs), every other `@UUID[...]{label}` shown as its
 * label; and those citations (the same objects), for the sources list. Without citations (an answer streaming or broken off) nothing
 * is a content link. A stored or relayed answer goes through here again: its links are checked, not trusted.
 */
export function renderAnswer(markdown, citations = []) {
  return requireWasm().renderAnswer(String(markdown ?? ""), citations, linkReader());
}

/** Puts the bundle's sanitised HTML (renderAnswer output) into `body`; never anything else. */
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
 * Foundry enriches a chat message's content each time it shows it: `@UUID[...]{...}`, `[[/r ...]]` and the system's
 * enrichers (`@Check[...]`, `@Damage[...]`, `[[/act ...]]`...) are matched in the text of each text node
 * (foundryvtt.com/api/classes/foundry.applications.ux.TextEditor.html: `enrichHTML`, `_enrichContentLinks(text:
 * Text[])`, `CONFIG.TextEditor.enrichers`), so an entity such as `&#64;` would not stop them: it is decoded in the
 * node. Every `@` and `[` in a card's text is put in an element of its own instead, which no pattern can match
 * across: the answer's words stay words, and only the card's own content links are links.
 */
function inert(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) if (/[@[]/.test(walker.currentNode.data)) texts.push(walker.currentNode);
  for (const text of texts) {
    const parts = text.data.split(/([@[])/).filter(Boolean);
    text.replaceWith(...parts.map((part) => (part === "@" || part === "[" ? Object.assign(document.createElement("span"), { textContent: part }) : part)));
  }
  return root.innerHTML;
}

/**
 * The chat card of an answer: the question, the answer's `markdown` (may be empty) through renderAnswer with its
 * `citations`, those it may link to as content links, who answered (when known) and an optional `notice` (why the
 * answer is unfinished).
 */
export async function answerCardHtml({ question, markdown = "", citations = [], provider = null, notice = null }) {
  const shown = renderAnswer(markdown, citations);
  const holder = document.createElement("div");
  const links = shown.citations.map((citation) => ({ ...citation, ...linkParts(citation.uuid) }));
  holder.innerHTML = await renderTemplate(templatePath("views/ask-chat.hbs"), { question, citations: links, provider, notice });
  paint(holder.querySelector("[data-familiar-answer-body]"), shown.html);
  return inert(holder);
}

/**
 * The chat card of the offline answer: the question, the label, the `reason` no provider answered, what each
 * provider said (`attempts` from the session, the GM's only), and the passages this user may open as content links
 * with their snippets (`hits` are rules-index hits or a relayed answer's citations: `{uuid, name, snippet?}`).
 */
export async function offlineCardHtml({ question, hits, reason, attempts = [] }) {
  const passages = renderAnswer("", hits).citations.map((hit) => ({ uuid: hit.uuid, name: hit.name, ...linkParts(hit.uuid), snippet: plainText(hit.snippet) }));
  const lines = attempts.map((attempt) => t("Ask.AttemptLine", { provider: attempt.provider, status: attempt.status ?? "—", error: attempt.error }));
  const holder = document.createElement("div");
  holder.innerHTML = await renderTemplate(templatePath("views/ask-chat-offline.hbs"), { question, hits: passages, reason, attempts: lines });
  return inert(holder);
}
