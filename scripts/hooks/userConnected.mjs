/** `userConnected`: the GM's relays learn who left (their waiting questions and art jobs go after a grace period
 * for a reload), a player's open Art view whether a GM is there to paint, and the health rules count players'
 * sessions (health/alerts.mjs). */
import { userActivity } from "../relay/chat-relay.mjs";
import { artUserActivity } from "../relay/art-relay.mjs";
import { artGmPresenceChanged } from "../apps/views/art.mjs";
import { sessionActivity } from "../health/alerts.mjs";

export function listen() {
  Hooks.on("userConnected", (user, connected) => {
    userActivity(user, connected);
    artUserActivity(user, connected);
    if (user.isGM) artGmPresenceChanged();
    sessionActivity(user, connected);
  });
}
