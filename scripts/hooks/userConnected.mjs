/** `userConnected`: the GM's relays learn who left (their waiting questions go after a grace period for a reload,
 * their art jobs at once), and the health rules count players' sessions (health-alerts.mjs). */
import { userActivity } from "../relay.mjs";
import { artUserActivity } from "../art/relay.mjs";
import { sessionActivity } from "../health-alerts.mjs";

export function listen() {
  Hooks.on("userConnected", (user, connected) => {
    userActivity(user, connected);
    artUserActivity(user, connected);
    sessionActivity(user, connected);
  });
}
