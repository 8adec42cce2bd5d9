// The chat log in #chat-log. For each visible message it fires:
//  - renderChatMessage(message, html: jQuery, messageData) on v10-v12, and on v13 too but with a
//    compatibility warning when anyone listens (foundryvtt.com/api/functions/hookEvents.renderChatMessage.html);
//  - renderChatMessageHTML(message, html: HTMLElement, context) on v13
//    (foundryvtt.com/api/functions/hookEvents.renderChatMessageHTML.html).
// Enter in #chat-message fires chatMessage(chatLog, message, chatData); `false` cancels
// (foundryvtt.com/api/v14/functions/hookEvents.chatMessage.html). Slash commands are not parsed. On v14 the
// chat input is ProseMirror and the hook receives the message as HTML, a paragraph per line ("<p>/r d4</p>", as
// public module issues quote v14's hook argument; the escaping of the text inside is a guess).
// A message's content is enriched (content links, inline rolls) before it is shown, as every version does: enrich.mjs.
import { enrichHTML } from "./enrich.mjs";
import { Hooks } from "./hooks.mjs";
import { escapeHTML, logCompatibilityWarning } from "./utils.mjs";

export class ChatLog {
  constructor({ features }) {
    this._features = features;
    this.element = document.getElementById("chat-log");
    this.input = document.getElementById("chat-message");
    this.input.addEventListener("keydown", (ev) => this.#onKeyDown(ev));
    document.getElementById("chat-form").addEventListener("submit", (ev) => ev.preventDefault());
  }

  get id() {
    return "chat";
  }

  renderAll() {
    this.element.replaceChildren();
    for (const m of game.messages) this.postOne(m);
  }

  async postOne(message) {
    if (!message.visible) return;
    const author = message.authorUser;
    const whisper = message.whisper?.length > 0;
    const li = document.createElement("li");
    li.className = `chat-message message flexcol${whisper ? " whisper" : ""}`;
    li.dataset.messageId = message.id;
    const alias = message.speaker?.alias ?? author?.name ?? "";
    li.innerHTML = `<header class="message-header flexrow"><h4 class="message-sender">${escapeHTML(alias)}</h4>
<time class="message-timestamp" datetime="${new Date(message.timestamp).toISOString()}"></time></header>
<div class="message-content">${enrichHTML(message.content)}</div>`;
    const messageData = { message: message.toObject(), user: game.user, author, alias, cssClass: whisper ? "whisper" : "", isWhisper: whisper, whisperTo: "" };
    const legacyListeners = Hooks.events.renderChatMessage?.length > 0;
    if (!this._features.renderChatMessageDeprecated || legacyListeners) {
      if (this._features.renderChatMessageDeprecated) {
        logCompatibilityWarning("The renderChatMessage hook is deprecated. Please use renderChatMessageHTML instead, which now passes an HTMLElement argument instead of jQuery.", { since: 13, until: 15, once: true });
      }
      Hooks.call("renderChatMessage", message, $(li), messageData);
    }
    if (this._features.renderChatMessageHTML) Hooks.call("renderChatMessageHTML", message, li, messageData);
    this.element.append(li);
    li.scrollIntoView?.({ block: "end" });
  }

  removeOne(message) {
    this.element.querySelector(`[data-message-id="${message.id}"]`)?.remove();
  }

  async processMessage(content) {
    const text = content.trim();
    if (!text) return null;
    const chatData = { user: game.user.id, speaker: ChatMessage.getSpeaker() };
    const message = this._features.chatMessageHookHtml ? text.split("\n").map((line) => `<p>${escapeHTML(line)}</p>`).join("") : text;
    if (Hooks.call("chatMessage", this, message, chatData) === false) return null;
    return ChatMessage.create({ content: this._features.chatMessageHookHtml ? message : escapeHTML(text), speaker: chatData.speaker });
  }

  #onKeyDown(ev) {
    if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing) return;
    ev.preventDefault();
    const text = this.input.value;
    this.input.value = "";
    this.processMessage(text).catch((err) => ui.notifications.error(err.message));
  }
}
