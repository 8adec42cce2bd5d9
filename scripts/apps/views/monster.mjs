/**
 * The Monster view (the GM's, and players' when the GM allows it): a creature built in wasm on the Gamemastery Guide's creature-building tables, previewed as
 * a short stat block, and created as a real pf2e NPC actor whose sheet then opens.
 */
import { t, templatePath } from "../../core/constants.mjs";
import { renderTemplate } from "../../core/compat.mjs";
import { requireWasm } from "../../core/runtime.mjs";

const signed = (value) => (value >= 0 ? `+${value}` : `${value}`);

function readRequest(form) {
  const data = new FormData(form);
  const adjustment = data.get("adjustment");
  const name = data.get("name")?.toString().trim();
  return {
    level: Number(data.get("level")),
    roadmap: data.get("roadmap"),
    elite: adjustment === "elite",
    weak: adjustment === "weak",
    seed: Number(data.get("seed")) || 0,
    name: name || undefined,
    // The NPC is written where the running pf2e release keeps each field (absent: the newest we support).
    pf2eVersion: (game.system?.id === "pf2e" && game.system.version) || undefined,
  };
}

/** What the preview shows, read from the NPC document exactly as Foundry will receive it. */
function statBlock(actor) {
  const system = actor.system;
  const saves = ["fortitude", "reflex", "will"].map((save) => signed(system.saves[save].value)).join(" / ");
  const strikes = actor.items
    .filter((item) => item.type === "melee")
    .map((item) => ({
      name: item.name,
      bonus: signed(item.system.bonus.value),
      damage: Object.values(item.system.damageRolls).map((roll) => `${roll.damage} ${roll.damageType}`).join(" + "),
    }));
  const casting = actor.items.find((item) => item.type === "spellcastingEntry");
  return {
    actor,
    level: system.details.level.value,
    ac: system.attributes.ac.value,
    hp: system.attributes.hp.max,
    // pf2e 5.12 moved perception from `attributes.perception.value` to `perception.mod`.
    perception: signed(system.perception?.mod ?? system.attributes.perception.value),
    saves,
    strikes,
    spellcasting: casting ? `${casting.name}: DC ${casting.system.spelldc.dc}, ${signed(casting.system.spelldc.value)}` : "",
  };
}

function build(form) {
  return requireWasm().buildCreature(readRequest(form)).actor;
}

export function roadmaps() {
  return requireWasm().creatureRoadmaps();
}

export async function preview(form, results) {
  let context;
  try {
    context = statBlock(build(form));
  } catch (error) {
    context = { error: error?.message ?? String(error) };
  }
  results.innerHTML = await renderTemplate(templatePath("views/monster-preview.hbs"), context);
}

/** The id of the last NPC this view created in this session (the Art view's default subject), or null. */
let lastCreated = null;

export function lastBuiltMonster() {
  return lastCreated;
}

/** Whether this user may create actors: Foundry's "Create New Actors" permission (`User#can("ACTOR_CREATE")`,
 * assistant GMs and up unless the GM granted it; foundryvtt.com/api/classes/foundry.documents.User.html). */
export function canCreateActor() {
  return Boolean(game.user?.can?.("ACTOR_CREATE"));
}

/** Creates the NPC actor and opens its sheet; a player without the permission is told so instead. */
export async function create(form, results) {
  await preview(form, results);
  if (!canCreateActor()) {
    const message = t("Monster.CreateNotAllowed");
    const note = document.createElement("p");
    note.className = "familiar-panel__notice";
    note.setAttribute("role", "status");
    note.textContent = message;
    results.prepend(note);
    ui.notifications.warn(message);
    return null;
  }
  const actor = await Actor.create(build(form));
  if (actor) lastCreated = actor.id;
  actor?.sheet?.render(true);
  return actor;
}
