/**
 * `updateUser(user, changes, options, userId)` fires on every client after a User changed
 * (foundryvtt.com/api/modules/hookEvents.html, the document update hooks). Two changes matter: this client's own
 * role (a player made assistant GM gets the GM's views, a GM made player loses Status), and a player's "Forget me"
 * request, which the active GM's client carries out on the relay's usage record (privacy/data-rights.mjs).
 */
import { MODULE_ID } from "../core/constants.mjs";
import { roleChanged } from "../apps/raven-perch.mjs";
import { forgetRelayedUser } from "../relay/chat-relay.mjs";
import { FORGET_FLAG } from "../privacy/data-rights.mjs";

/** On the active GM's client: forgets `user`'s relay data and clears their request. */
async function forget(user) {
  const forgotten = await forgetRelayedUser(user.id);
  if (forgotten) await user.unsetFlag(MODULE_ID, FORGET_FLAG);
}

/** At `ready`: requests made while no GM was online. */
export function forgetRequestedUsers() {
  if (!game.user.isGM) return;
  for (const user of game.users) {
    if (user.getFlag(MODULE_ID, FORGET_FLAG)) forget(user).catch((error) => console.error("Familiar | could not forget a user", error));
  }
}

export function listen() {
  Hooks.on("updateUser", (user, changes) => {
    // The flag itself, not the shape of `changes` (expanded in Foundry, dotted keys from some callers).
    if (game.user.isGM && user.getFlag(MODULE_ID, FORGET_FLAG)) {
      forget(user).catch((error) => console.error("Familiar | could not forget a user", error));
    }
    if (user.id !== game.userId || !("role" in (changes ?? {}))) return;
    roleChanged().catch((error) => console.error("Familiar | the raven did not follow the role change", error));
  });
}
