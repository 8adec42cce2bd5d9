/** `userConnected`: the GM's relay learns who left (their waiting questions go after a grace period for a reload). */
import { userActivity } from "../relay.mjs";

export function listen() {
  Hooks.on("userConnected", (user, connected) => userActivity(user, connected));
}
