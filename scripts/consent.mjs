/**
 * Consent before a question leaves for a third party. Two records, both named by provider origin
 * (`https://api.openai.com`); which providers a request may reach is the bundle's `consentPlan` (crates/chat's
 * `consent`), this file only reads and writes the records and asks through the consent dialog.
 *
 * - The world's decision, per provider: a world setting (`providerConsent`), written by a GM once per world and
 *   provider. World scope because it is the GM's decision for the table and every client must read it: players see
 *   which providers their questions could reach (names and hosts only, nothing secret).
 * - Each user's own decision: a flag on their User document (`flags.familiar.consent`). A user flag because the
 *   decision is the user's and follows them to any browser, a user may update their own User document, and the GM's
 *   client, which runs the relay, reads it for each question it relays. A client setting would stay in one browser
 *   and the GM could not see it; a world setting only a GM may write.
 */
import { MODULE_ID } from "./constants.mjs";
import { requireWasm } from "./runtime.mjs";
import { getSetting, setSetting, SETTINGS } from "./settings.mjs";
import { askConsent } from "./apps/consent-dialog.mjs";

export const CONSENT_FLAG = "consent";

/** A provider's origin (`scheme://host[:port]`), or its base URL as typed when it is not a URL. */
export function providerOrigin(baseUrl) {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return String(baseUrl);
  }
}

/** The world's decisions: `{origin: {allowed, name, at}}`, malformed entries left out. */
export function worldConsent() {
  const stored = getSetting(SETTINGS.providerConsent) ?? {};
  return Object.fromEntries(Object.entries(stored).filter(([, entry]) => typeof entry?.allowed === "boolean"));
}

const decisionsOf = (records) => Object.fromEntries(Object.entries(records).map(([origin, entry]) => [origin, entry.allowed]));

/** A user's own decisions: `{origin: boolean}`. */
export function userConsent(user = game.user) {
  const stored = user?.getFlag(MODULE_ID, CONSENT_FLAG)?.providers ?? {};
  return Object.fromEntries(Object.entries(stored).filter(([, allowed]) => typeof allowed === "boolean"));
}

/** The bundle's plan for `chain` (`[{name, baseUrl}]`): `{allowed, askWorld, askUser, declined, withheld}` by origin.
 * `user` is the asker for a relayed question; none for the GM's own. */
export function consentPlan(chain, user = null) {
  return requireWasm().consentPlan({
    origins: chain.map((entry) => providerOrigin(entry.baseUrl)),
    world: decisionsOf(worldConsent()),
    ...(user ? { user: userConsent(user) } : {}),
  });
}

/** Records the world's decision on `providers` (`[{name, origin}]`); GMs only. */
export async function setWorldConsent(providers, allowed) {
  const records = { ...worldConsent() };
  for (const { name, origin } of providers) records[origin] = { allowed, name, at: Date.now() };
  await setSetting(SETTINGS.providerConsent, records);
}

/** Records this user's decision on `origins`. */
export async function setUserConsent(origins, allowed) {
  const providers = { ...userConsent(), ...Object.fromEntries(origins.map((origin) => [origin, allowed])) };
  await game.user.setFlag(MODULE_ID, CONSENT_FLAG, { providers, at: Date.now() });
}

/** Providers the world allowed, as players see them: `[{origin, name}]`. */
export function worldAllowedProviders() {
  return Object.entries(worldConsent())
    .filter(([, entry]) => entry.allowed)
    .map(([origin, entry]) => ({ origin, name: entry.name || origin }));
}

/** Only one dialog at a time: a second question while it is open waits for the same answer. */
let asking = null;

function askOnce(options) {
  asking ??= askConsent(options).finally(() => (asking = null));
  return asking;
}

/**
 * The GM, before their client calls `chain`'s providers (their own question or a relayed one): providers the world
 * has not decided on are put to the GM, and the answer is recorded for the world. Resolves when decided (a closed
 * dialog records nothing; those providers stay unused this time).
 */
export async function ensureWorldConsent(chain) {
  const plan = consentPlan(chain);
  if (!plan.askWorld.length) return;
  const providers = plan.askWorld.map((origin) => ({ origin, name: chain.find((entry) => providerOrigin(entry.baseUrl) === origin)?.name || origin }));
  const allowed = await askOnce({ scope: "world", providers });
  if (allowed !== null) await setWorldConsent(providers, allowed);
}

/**
 * A player, before their question leaves for the GM's relay: the providers the world allowed that they have not
 * decided on are put to them. Declining (or closing the dialog) keeps their answers offline.
 */
export async function ensureUserConsent() {
  const known = userConsent();
  const providers = worldAllowedProviders().filter((provider) => !(provider.origin in known));
  if (!providers.length) return;
  const allowed = await askOnce({ scope: "user", providers });
  if (allowed !== null) await setUserConsent(providers.map((provider) => provider.origin), allowed);
}
