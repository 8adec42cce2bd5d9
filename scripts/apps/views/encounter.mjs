/**
 * The Encounter view (GM): party defaults from the world's player characters, encounters generated in wasm from
 * the bestiaries this user may open, XP with the pf2e system's numbers, a summary posted to the GMs' chat, a new
 * combat in the current scene from a proposal, and the rating of the scene's tokens or the current combat.
 */
import { t, templatePath } from "../../core/constants.mjs";
import { combatClass, renderTemplate, worldActorFor } from "../../core/compat.mjs";
import { requireWasm } from "../../core/runtime.mjs";

const THREATS = ["trivial", "low", "moderate", "severe", "extreme"];
const SHAPES = ["any", "soloBoss", "bossAndLackeys", "matedPair", "elitePair", "troop", "mixed"];
const RARITIES = ["common", "uncommon", "rare", "unique"];
const INDEX_FIELDS = ["system.details.level.value", "system.traits.value", "system.traits.rarity", "system.traits.size.value", "system.details.isComplex"];

/** Select options with their localised labels. */
export function choices() {
  const options = (values, group) => values.map((value) => ({ value, label: t(`Encounter.${group}.${value}`) }));
  return { threats: options(THREATS, "Threats"), shapes: options(SHAPES, "Shapes"), rarities: options(RARITIES, "Rarities") };
}

let pool = null;
let lastGenerated = [];

/** Party level and size from the player characters in the world (editable in the form). */
export function partyDefaults() {
  const characters = game.actors?.filter((actor) => actor.type === "character" && actor.hasPlayerOwner) ?? [];
  const levels = characters.map((actor) => Number(actor.system?.details?.level?.value)).filter(Number.isFinite);
  const level = levels.length ? Math.round(levels.reduce((sum, value) => sum + value, 0) / levels.length) : 1;
  return { level: Math.min(20, Math.max(1, level)), size: characters.length || 4 };
}

function poolRow(entry, pack) {
  const system = entry.system ?? {};
  const kind = entry.type === "hazard" ? (system.details?.isComplex ? "complexHazard" : "simpleHazard") : "creature";
  return {
    // Index entries carry their uuid from v11; v10's have none, and v10's uuid form has no type (as in rules-index).
    uuid: entry.uuid ?? `Compendium.${pack.collection}.${entry._id}`,
    name: entry.name,
    level: Number(system.details?.level?.value),
    traits: system.traits?.value ?? [],
    // A string since pf2e's migration 612; `{value}` in older documents (the wasm reader takes both too).
    rarity: system.traits?.rarity?.value ?? system.traits?.rarity ?? "common",
    size: system.traits?.size?.value ?? null,
    kind,
  };
}

/** The creature pool of every Actor pack this user may open, read once from the compendium indexes. */
async function creaturePool() {
  if (pool) return pool;
  const packs = game.packs.filter((pack) => pack.documentName === "Actor" && (game.user.isGM || pack.visible));
  const rows = [];
  for (const pack of packs) {
    const index = await pack.getIndex({ fields: INDEX_FIELDS });
    for (const entry of index) {
      if (entry.type !== "npc" && entry.type !== "hazard") continue;
      const row = poolRow(entry, pack);
      if (Number.isInteger(row.level)) rows.push(row);
    }
  }
  pool = new (requireWasm().EncounterPool)(rows);
  return pool;
}

function traitList(text) {
  return String(text ?? "").split(",").map((trait) => trait.trim().toLowerCase()).filter(Boolean);
}

function readRequest(form) {
  const data = new FormData(form);
  const shape = data.get("shape");
  return {
    partyLevel: Number(data.get("partyLevel")),
    partySize: Number(data.get("partySize")),
    threat: data.get("threat"),
    shape: shape === "any" ? undefined : shape,
    includeTraits: traitList(data.get("includeTraits")),
    excludeTraits: traitList(data.get("excludeTraits")),
    maxRarity: data.get("maxRarity"),
    maxCreatures: Number(data.get("maxCreatures")),
    allowHazards: data.get("allowHazards") === "on",
    seed: Math.floor(Math.random() * 2 ** 32),
    count: 3,
  };
}

/** Only a GM puts creatures on the scene and makes combats (players have no Combat permission in Foundry). */
function canStartCombat() {
  return Boolean(game.user?.isGM && globalThis.canvas?.scene);
}

async function show(results, context) {
  results.innerHTML = await renderTemplate(templatePath("views/encounter-results.hbs"), { canStartCombat: canStartCombat(), ...context });
}

export async function generate(form, results) {
  try {
    const generated = (await creaturePool()).generate(readRequest(form));
    lastGenerated = generated.encounters;
    const encounters = generated.encounters.map((encounter, index) => ({
      ...encounter,
      number: index + 1,
      shapeLabel: t(`Encounter.Shapes.${encounter.shape}`),
      ratingLabel: t(`Encounter.Threats.${encounter.xp.rating}`),
    }));
    await show(results, { encounters });
  } catch (error) {
    lastGenerated = [];
    await show(results, { error: error?.message ?? String(error) });
  }
}

/** Whispers an encounter's summary with content links to the GMs. */
export async function postEncounter(index) {
  const encounter = lastGenerated[index];
  if (!encounter) return;
  const content = await renderTemplate(templatePath("views/encounter-chat.hbs"), {
    encounter,
    rating: t(`Encounter.Threats.${encounter.xp.rating}`),
  });
  const gms = game.users.filter((user) => user.isGM).map((user) => user.id);
  await ChatMessage.create({ content, whisper: gms });
}

/** Token positions for `count` creatures: a block of grid squares around the centre of the GM's view. */
function tokenPositions(count) {
  const size = canvas.grid?.size ?? canvas.dimensions?.size ?? 100;
  const rect = canvas.dimensions?.sceneRect;
  const centre = canvas.stage?.pivot ?? { x: (rect?.x ?? 0) + (rect?.width ?? 0) / 2, y: (rect?.y ?? 0) + (rect?.height ?? 0) / 2 };
  const columns = Math.ceil(Math.sqrt(count));
  const left = Math.round(centre.x / size - columns / 2) * size;
  const top = Math.round(centre.y / size - Math.ceil(count / columns) / 2) * size;
  return Array.from({ length: count }, (_, index) => ({ x: left + (index % columns) * size, y: top + Math.floor(index / columns) * size }));
}

/**
 * Makes a proposal a new combat in the current scene: each creature's compendium actor imported into the world once
 * (compat.mjs `worldActorFor`), one hidden token per creature from the actor's prototype token
 * (`Actor#getTokenDocument`, then `Scene#createEmbeddedDocuments("Token", …)`), then a Combat linked to the scene
 * and activated, with a Combatant per token (`Combat#createEmbeddedDocuments("Combatant", [{tokenId, actorId,
 * hidden}])`): https://foundryvtt.com/api/v10/classes/client.Combat.html,
 * https://foundryvtt.com/api/classes/foundry.documents.Combat.html, https://foundryvtt.com/api/v10/classes/client.Actor.html.
 * Tokens start hidden so players do not see the creatures before the GM reveals them.
 */
export async function startCombat(index) {
  const encounter = lastGenerated[index];
  const scene = globalThis.canvas?.scene;
  if (!encounter || !canStartCombat()) return null;
  const actors = [];
  for (const member of encounter.members) {
    const actor = await worldActorFor(member.uuid);
    if (!actor) throw new Error(t("Encounter.MissingCreature", { name: member.name }));
    for (let copy = 0; copy < member.count; copy++) actors.push(actor);
  }
  const positions = tokenPositions(actors.length);
  const tokenData = await Promise.all(actors.map(async (actor, i) => (await actor.getTokenDocument({ ...positions[i], hidden: true })).toObject()));
  const tokens = await scene.createEmbeddedDocuments("Token", tokenData);
  const combat = await combatClass().create({ scene: scene.id, active: true });
  await combat.createEmbeddedDocuments(
    "Combatant",
    tokens.map((token) => ({ tokenId: token.id, actorId: token.actorId, hidden: token.hidden })),
  );
  ui.notifications.info(t("Encounter.CombatStarted", { count: tokens.length, scene: scene.name }));
  return combat;
}

const isRated = (actor) => actor && (actor.type === "npc" || actor.type === "hazard");

/** Rates actors (creatures and hazards) against the form's party: each with its XP, and the whole threat. */
async function rateActors(actors, form, results, { empty, title }) {
  if (!actors.length) return show(results, { error: empty });
  const request = readRequest(form);
  // calculateXp's breakdown lists the creatures first, then the hazards, each in the order given.
  const ordered = [...actors.filter((actor) => actor.type === "npc"), ...actors.filter((actor) => actor.type === "hazard")];
  const level = (actor) => Number(actor.system?.details?.level?.value);
  try {
    const xp = requireWasm().calculateXp({
      partyLevel: request.partyLevel,
      partySize: request.partySize,
      npcLevels: ordered.filter((actor) => actor.type === "npc").map(level),
      hazards: ordered.filter((actor) => actor.type === "hazard").map((actor) => ({ level: level(actor), isComplex: Boolean(actor.system.details.isComplex) })),
    });
    const members = ordered.map((actor, i) => ({ uuid: actor.uuid, name: actor.name, level: level(actor), count: 1, xpEach: xp.breakdown[i]?.xp ?? 0 }));
    await show(results, {
      encounters: [{ number: 1, rated: true, title, members, xp, ratingLabel: t(`Encounter.Threats.${xp.rating}`) }],
    });
  } catch (error) {
    await show(results, { error: error?.message ?? String(error) });
  }
}

/** Rates the hostile creatures and hazards among the current scene's tokens against the party. */
export function rateScene(form, results) {
  const actors = (globalThis.canvas?.tokens?.placeables ?? []).map((token) => token.actor).filter(isRated);
  const scene = globalThis.canvas?.scene?.name ?? "";
  return rateActors(actors, form, results, { empty: t("Encounter.NoTokens"), title: t("Encounter.RatedScene", { scene }) });
}

/** Rates the creatures and hazards among the current combat's combatants (`game.combat`) against the party. */
export function rateCombat(form, results) {
  const actors = (game.combat?.combatants?.contents ?? []).map((combatant) => combatant.actor).filter(isRated);
  return rateActors(actors, form, results, { empty: t("Encounter.NoCombat"), title: t("Encounter.RatedCombat") });
}
