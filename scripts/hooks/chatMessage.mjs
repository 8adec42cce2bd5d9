/**
 * `chatMessage`: `/raven <question>` typed in the chat log asks the raven (raven-command.mjs), whose answer comes
 * back as a whisper to the asker. Foundry fires this hook with the trimmed text (on v14 as HTML: compat.mjs
 * chatMessageText) before it parses its own chat commands, and posts nothing when a callback returns an explicit
 * `false`; the signature is the same on v10–v14
 * (foundryvtt.com/api/v12/functions/hookEvents.chatMessage.html,
 * foundryvtt.com/api/v14/functions/hookEvents.chatMessage.html). Hooks are never awaited, so the answer is
 * started here and the hook returns at once; any other text goes on to Foundry untouched.
 */
import { parseRavenCommand, ravenCommand } from "../chat/raven-command.mjs";
import { chatMessageText } from "../core/compat.mjs";

export function listen() {
  Hooks.on("chatMessage", (_chatLog, message) => {
    const command = parseRavenCommand(chatMessageText(message));
    if (!command) return undefined;
    try {
      ravenCommand(command.question);
    } catch (error) {
      // Still the raven's: never let the question fall through to Foundry as a public message.
      console.error("Familiar | /raven", error);
    }
    return false;
  });
}
