/** `userConnected`: the GM's relay learns who left (their waiting questions go after a grace period for a reload),
 * and the health rules count players' sessions (health-alerts.mjs). */
import { userActivity } from "../relay.mjs";
import { sessionActivity } from "../health-alerts.mjs";

export function listen() {
  Hooks.on("userConnected", (user, connected) => {
    userActivity(user, connected);
    sessionActivity(user, connected);
  });
}
