/**
 * Consent before a question or an art prompt leaves for a third party. Two records, both named by provider origin
 * (`https://api.openai.com`) and kept per purpose (`chat`: rules questions, `art`: image prompts; a yes to one is no
 * yes to the other); which providers a request may reach is the bundle's `consentPlan` (crates/chat's `consent`),
 * this file only reads and writes the records and asks through the consent dialog, which `init` hands it
 * (`useConsentDialog`: the dialog is an application in apps/, and the rules here import no window).
 *
 * - The world's decision, per provider: a world setting (`providerConsent` for questions, `artProviderConsent` for
 *   art), written by a GM once per world, provider and purpose. World scope because it is the GM's decision for the
 *   table and every client must read it: players see which providers their requests could reach (names and hosts
 *   only, nothing secret).
 * - Each user's own decision: a flag on their User document (`flags.pf2e-familiar.consent`: `{providers, art, at}`,
 *   `providers` being the questions' decisions). A user flag because the decision is the user's and follows them to
 *   any browser, a user may update their own User document, and the GM's client, which runs the relays, reads it for
 *   each question or art request it relays. A client setting would stay in one browser
 *   and the GM could not see it; a world setting only a GM may write.
 */
import { MODULE_ID } from "../core/constants.mjs";
import { requireWasm } from "../core/runtime.mjs";
import { getSetting, setSetting, SETTINGS } from "../core/settings.mjs";

export const CONSENT_FLAG = "consent";

/** A provider's origin (`scheme://host[:port]`), or its base URL as typed when it is not a URL. */
export function providerOrigin(baseUrl) {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return String(baseUrl);
  }
}

export const PURPOSES = ["chat", "art"];
const WORLD_SETTING = { chat: SETTINGS.providerConsent, art: SETTINGS.artProviderConsent };
/** The user flag's field for each purpose (`providers` predates art). */
const USER_FIELD = { chat: "providers", art: "art" };

function checkPurpose(purpose) {
  if (!PURPOSES.includes(purpose)) throw new Error(`Familiar | no consent purpose "${purpose}"`);
  return purpose;
}

/** The world's decisions for `purpose`: `{origin: {allowed, name, at}}`, malformed entries left out. */
export function worldConsent(purpose = "chat") {
  const stored = getSetting(WORLD_SETTING[checkPurpose(purpose)]) ?? {};
  return Object.fromEntries(Object.entries(stored).filter(([, entry]) => typeof entry?.allowed === "boolean"));
}

/** A chain entry's origin: chat entries name their URL `baseUrl`, ArtStudio's `base_url`. */
const originOf = (entry) => providerOrigin(entry.baseUrl ?? entry.base_url);

const decisionsOf = (records) => Object.fromEntries(Object.entries(records).map(([origin, entry]) => [origin, entry.allowed]));

/** A user's own decisions for `purpose`: `{origin: boolean}`. */
export function userConsent(user = game.user, purpose = "chat") {
  const stored = user?.getFlag(MODULE_ID, CONSENT_FLAG)?.[USER_FIELD[checkPurpose(purpose)]] ?? {};
  return Object.fromEntries(Object.entries(stored).filter(([, allowed]) => typeof allowed === "boolean"));
}

const byPurpose = (read) => Object.fromEntries(PURPOSES.map((purpose) => [purpose, read(purpose)]));

/** The bundle's plan for `chain` (`[{name, baseUrl}]`): `{allowed, askWorld, askUser, declined, withheld}` by origin.
 * `user` is the asker of a relayed request; none for the GM's own. */
export function consentPlan(chain, user = null, purpose = "chat") {
  return requireWasm().consentPlan({
    purpose: checkPurpose(purpose),
    origins: chain.map(originOf),
    world: byPurpose((each) => decisionsOf(worldConsent(each))),
    ...(user ? { user: byPurpose((each) => userConsent(user, each)) } : {}),
  });
}

/** Only the entries of `chain` the plan allows, in order. */
export function allowedChain(chain, plan) {
  return chain.filter((entry) => plan.allowed.includes(originOf(entry)));
}

/** Records the world's decision on `providers` (`[{name, origin}]`) for `purpose`; GMs only. */
export async function setWorldConsent(providers, allowed, purpose = "chat") {
  const records = { ...worldConsent(purpose) };
  for (const { name, origin } of providers) records[origin] = { allowed, name, at: Date.now() };
  await setSetting(WORLD_SETTING[purpose], records);
}

/** Records this user's decision on `origins` for `purpose`; the other purpose's decisions stay as they are. */
export async function setUserConsent(origins, allowed, purpose = "chat") {
  const stored = game.user.getFlag(MODULE_ID, CONSENT_FLAG) ?? {};
  const field = USER_FIELD[checkPurpose(purpose)];
  const decisions = { ...userConsent(game.user, purpose), ...Object.fromEntries(origins.map((origin) => [origin, allowed])) };
  await game.user.setFlag(MODULE_ID, CONSENT_FLAG, { ...stored, [field]: decisions, at: Date.now() });
}

/** Providers the world allowed for `purpose`, as players see them: `[{origin, name}]`. */
export function worldAllowedProviders(purpose = "chat") {
  return Object.entries(worldConsent(purpose))
    .filter(([, entry]) => entry.allowed)
    .map(([origin, entry]) => ({ origin, name: entry.name || origin }));
}

/** Only one dialog at a time per scope and purpose: a second request while it is open waits for the same answer. */
const asking = new Map();
/** Shows the consent dialog for `{scope, purpose, providers}`; resolves true, false or null (closed). */
let askConsent = null;

/** Called once at `init` with the dialog (apps/consent-dialog.mjs `askConsent`). */
export function useConsentDialog(ask) {
  askConsent = ask;
}

function askOnce(options) {
  const key = `${options.scope}:${options.purpose}`;
  // Without a dialog nobody can agree: as a dialog closed without a choice, nothing is recorded and nothing leaves.
  const ask = askConsent ?? (() => Promise.resolve(null));
  if (!asking.has(key)) asking.set(key, ask(options).finally(() => asking.delete(key)));
  return asking.get(key);
}

/**
 * The GM, before their client calls `chain`'s providers for `purpose` (their own request or a relayed one):
 * providers the world has not decided on are put to the GM, and the answer is recorded for the world. Resolves when
 * decided (a closed dialog records nothing; those providers stay unused this time).
 */
export async function ensureWorldConsent(chain, purpose = "chat") {
  const plan = consentPlan(chain, null, purpose);
  if (!plan.askWorld.length) return;
  const providers = plan.askWorld.map((origin) => ({ origin, name: chain.find((entry) => originOf(entry) === origin)?.name || origin }));
  const allowed = await askOnce({ scope: "world", purpose, providers });
  if (allowed !== null) await setWorldConsent(providers, allowed, purpose);
}

/**
 * A player, before their request for `purpose` leaves for the GM's relay: the providers the world allowed that they
 * have not decided on are put to them. Declining (or closing the dialog) keeps their answers offline; for art, no
 * request is sent.
 */
export async function ensureUserConsent(purpose = "chat") {
  const known = userConsent(game.user, purpose);
  const providers = worldAllowedProviders(purpose).filter((provider) => !(provider.origin in known));
  if (!providers.length) return;
  const allowed = await askOnce({ scope: "user", purpose, providers });
  if (allowed !== null) await setUserConsent(providers.map((provider) => provider.origin), allowed, purpose);
}

/**
 * Whether this player's art request may leave for the GM now: when the world allows some art provider, one of them
 * must have this player's yes (a no, or a dialog closed without an answer, sends nothing). When the world has
 * allowed none yet, the GM's client decides (a provider on its own machine needs no consent; any other is put to
 * the GM first, and the request comes back `noConsent` until this player has agreed).
 */
export function artRequestMayLeave() {
  const providers = worldAllowedProviders("art");
  if (!providers.length) return true;
  return consentPlan(providers.map((provider) => ({ baseUrl: provider.origin })), game.user, "art").allowed.length > 0;
}
