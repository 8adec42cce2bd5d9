/**
 * `updateUser(user, changes, options, userId)` fires on every client after a User changed
 * (foundryvtt.com/api/modules/hookEvents.html, the document update hooks). Only a change of this client's own role
 * matters to the raven: a player made assistant GM gets the GM's views, a GM made player loses Status.
 */
import { roleChanged } from "../apps/raven-perch.mjs";

export function listen() {
  Hooks.on("updateUser", (user, changes) => {
    if (user.id !== game.userId || !("role" in (changes ?? {}))) return;
    roleChanged().catch((error) => console.error("Familiar | the raven did not follow the role change", error));
  });
}
