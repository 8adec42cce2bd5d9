/**
 * The Encounter view (GM): party defaults from the world's player characters, encounters generated in wasm from
 * the bestiaries this user may open, XP with the pf2e system's numbers, and a summary posted to the GMs' chat.
 */
import { t, templatePath } from "../../constants.mjs";
import { renderTemplate } from "../../compat.mjs";
import { requireWasm } from "../../runtime.mjs";

export const THREATS = ["trivial", "low", "moderate", "severe", "extreme"];
export const SHAPES = ["any", "soloBoss", "bossAndLackeys", "matedPair", "elitePair", "troop", "mixed"];
export const RARITIES = ["common", "uncommon", "rare", "unique"];
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
    uuid: entry.uuid ?? `Compendium.${pack.collection}.Actor.${entry._id}`,
    name: entry.name,
    level: Number(system.details?.level?.value),
    traits: system.traits?.value ?? [],
    rarity: system.traits?.rarity ?? "common",
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

async function show(results, context) {
  results.innerHTML = await renderTemplate(templatePath("views/encounter-results.hbs"), context);
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

/** Rates the hostile creatures and hazards among the current scene's tokens against the party. */
export async function rateScene(form, results) {
  const tokens = globalThis.canvas?.tokens?.placeables ?? [];
  const actors = tokens.map((token) => token.actor).filter((actor) => actor && (actor.type === "npc" || actor.type === "hazard"));
  if (!actors.length) {
    await show(results, { error: t("Encounter.NoTokens") });
    return;
  }
  const request = readRequest(form);
  try {
    const xp = requireWasm().calculateXp({
      partyLevel: request.partyLevel,
      partySize: request.partySize,
      npcLevels: actors.filter((actor) => actor.type === "npc").map((actor) => actor.system.details.level.value),
      hazards: actors
        .filter((actor) => actor.type === "hazard")
        .map((actor) => ({ level: actor.system.details.level.value, isComplex: Boolean(actor.system.details.isComplex) })),
    });
    const members = actors.map((actor) => ({ uuid: actor.uuid, name: actor.name, level: actor.system.details.level.value, count: 1 }));
    await show(results, {
      encounters: [{ number: 1, shapeLabel: t("Encounter.Shapes.mixed"), members, xp, ratingLabel: t(`Encounter.Threats.${xp.rating}`) }],
    });
  } catch (error) {
    await show(results, { error: error?.message ?? String(error) });
  }
}
