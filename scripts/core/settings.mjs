/** The module's settings. Registered in `init`, as Foundry requires. */
import { MODULE_ID } from "./constants.mjs";

export const SETTINGS = {
  showRaven: "showRaven",
  animations: "animations",
  ravenPrefs: "ravenPrefs",
  playersMayUse: "playersMayUse",
  playerViews: "playerViews",
  providerChain: "providerChain",
  relayBudgets: "relayBudgets",
  relayUsage: "relayUsage",
  artProviderChain: "artProviderChain",
  artStrictness: "artStrictness",
  playersMayRequestArt: "playersMayRequestArt",
  artRelayBudgets: "artRelayBudgets",
  artRelayUsage: "artRelayUsage",
  providerConsent: "providerConsent",
  artProviderConsent: "artProviderConsent",
  historyRetentionDays: "historyRetentionDays",
  dataRemovedAt: "dataRemovedAt",
  semanticSearch: "semanticSearch",
  semanticModelUrl: "semanticModelUrl",
};

/** Where the semantic search's model is fetched from unless the GM says otherwise: all-MiniLM-L6-v2's files on its
 * public hub page (checked against the digests the encoder carries, whichever URL serves them). */
const DEFAULT_MODEL_URL = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/";

/** The `playerViews` choices: which of Encounter and Monster players may open besides Ask. */
const PLAYER_VIEW_CHOICES = ["none", "encounter", "monster", "encounterMonster"];
const EXTRA_VIEWS = { none: [], encounter: ["encounter"], monster: ["monster"], encounterMonster: ["encounter", "monster"] };

/** The raven views a player may open, in tab order: Ask when players may ask, then the GM's extra views. An unknown
 * stored value (a newer version's, or hand-edited) opens nothing extra. */
export function playerViews() {
  const extra = EXTRA_VIEWS[getSetting(SETTINGS.playerViews)] ?? [];
  return [...(getSetting(SETTINGS.playersMayUse) ? ["ask"] : []), ...extra];
}

/** The art safety strictness levels (crates/art's Strictness), strictest first; the first is the default. */
const ART_STRICTNESS = ["strict", "standard", "relaxed"];

export function registerSettings({
  onRavenSettingChange,
  onBudgetsChange,
  onUsageChange,
  onRetentionChange,
  onRemovalMarkerChange = () => {},
  onArtRelayChange = () => {},
  onArtUsageChange = () => {},
  onSemanticChange = () => {},
}) {
  game.settings.register(MODULE_ID, SETTINGS.showRaven, {
    name: "FAMILIAR.Settings.ShowRaven.Name",
    hint: "FAMILIAR.Settings.ShowRaven.Hint",
    scope: "client",
    config: true,
    type: Boolean,
    default: true,
    onChange: () => onRavenSettingChange(),
  });
  game.settings.register(MODULE_ID, SETTINGS.animations, {
    name: "FAMILIAR.Settings.Animations.Name",
    hint: "FAMILIAR.Settings.Animations.Hint",
    scope: "client",
    config: true,
    type: Boolean,
    default: true,
  });
  // The raven state machine's own prefs (spot, last view, panel open, animation) as the JSON it reads back.
  game.settings.register(MODULE_ID, SETTINGS.ravenPrefs, {
    scope: "client",
    config: false,
    type: String,
    default: "",
  });
  game.settings.register(MODULE_ID, SETTINGS.playersMayUse, {
    name: "FAMILIAR.Settings.PlayersMayUse.Name",
    hint: "FAMILIAR.Settings.PlayersMayUse.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: Boolean,
    default: true,
    onChange: () => onRavenSettingChange(),
  });
  // The views besides Ask that players may open. Ask stays `playersMayUse`, which the relay and `/raven` read too;
  // Status is the GM's whatever this says (the raven machine drops it for players). A string with choices, so the
  // GM edits it in Foundry's own settings window.
  game.settings.register(MODULE_ID, SETTINGS.playerViews, {
    name: "FAMILIAR.Settings.PlayerViews.Name",
    hint: "FAMILIAR.Settings.PlayerViews.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: String,
    choices: Object.fromEntries(PLAYER_VIEW_CHOICES.map((choice) => [choice, `FAMILIAR.Settings.PlayerViews.Choices.${choice}`])),
    default: "none",
    onChange: () => onRavenSettingChange(),
  });
  registerSemanticSettings(onSemanticChange);
  registerProviderChain();
  registerArtSettings({ onRavenSettingChange, onArtRelayChange, onArtUsageChange });
  registerPrivacySettings({ onRetentionChange, onRemovalMarkerChange });
  // Players' daily token budgets, the world's and per player (`{daily, users: {userId: tokens}}`, null = no limit).
  // World scope so every GM's client applies the same; budgets are not secret.
  game.settings.register(MODULE_ID, SETTINGS.relayBudgets, {
    scope: "world",
    config: false,
    restricted: true,
    type: Object,
    default: { daily: null, users: {} },
    onChange: () => onBudgetsChange(),
  });
  // Today's spend per player as the relay saves it, so a GM's reload or a change of GM keeps the day's budgets.
  game.settings.register(MODULE_ID, SETTINGS.relayUsage, {
    scope: "world",
    config: false,
    restricted: true,
    type: String,
    default: "[]",
    onChange: () => onUsageChange(),
  });
}

/** The semantic search (scripts/rules/semantic.mjs): world settings, so every client of the world searches alike.
 * Off by default: turning it on makes each client download about 90 MB once (README, "Search by meaning"). */
function registerSemanticSettings(onSemanticChange) {
  game.settings.register(MODULE_ID, SETTINGS.semanticSearch, {
    name: "FAMILIAR.Settings.SemanticSearch.Name",
    hint: "FAMILIAR.Settings.SemanticSearch.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: Boolean,
    default: false,
    onChange: () => onSemanticChange(),
  });
  game.settings.register(MODULE_ID, SETTINGS.semanticModelUrl, {
    name: "FAMILIAR.Settings.SemanticModelUrl.Name",
    hint: "FAMILIAR.Settings.SemanticModelUrl.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: String,
    default: DEFAULT_MODEL_URL,
    onChange: () => onSemanticChange(),
  });
}

/** The GM's AI provider chain (provider-chain.mjs): client scope, so it stays in this browser; keys only sealed.
 * Never a world setting — those reach every connected client. */
function registerProviderChain() {
  game.settings.register(MODULE_ID, SETTINGS.providerChain, {
    scope: "client",
    config: false,
    type: Object,
    default: { version: 1, providers: [] },
  });
}

/**
 * Art: the GM's art provider chain (client scope, keys sealed, as the chat chain); the safety strictness the GM
 * sets for every image generated in this world (world scope, GM only, strict by default); whether players may
 * request art at all (off by default; the Art view is the GM's otherwise).
 */
function registerArtSettings({ onRavenSettingChange, onArtRelayChange, onArtUsageChange }) {
  game.settings.register(MODULE_ID, SETTINGS.artProviderChain, {
    scope: "client",
    config: false,
    type: Object,
    default: { version: 1, providers: [] },
  });
  game.settings.register(MODULE_ID, SETTINGS.artStrictness, {
    name: "FAMILIAR.Settings.ArtStrictness.Name",
    hint: "FAMILIAR.Settings.ArtStrictness.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: String,
    choices: Object.fromEntries(ART_STRICTNESS.map((level) => [level, `FAMILIAR.Settings.ArtStrictness.Levels.${level}`])),
    default: ART_STRICTNESS[0],
    onChange: () => onArtRelayChange(),
  });
  game.settings.register(MODULE_ID, SETTINGS.playersMayRequestArt, {
    name: "FAMILIAR.Settings.PlayersMayRequestArt.Name",
    hint: "FAMILIAR.Settings.PlayersMayRequestArt.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: Boolean,
    default: false,
    onChange: () => {
      onRavenSettingChange();
      onArtRelayChange();
    },
  });
  // Players' daily image budgets, the world's and per player (`{daily, users: {userId: images}}`, null = no limit);
  // world scope so every GM's client applies the same.
  game.settings.register(MODULE_ID, SETTINGS.artRelayBudgets, {
    scope: "world",
    config: false,
    restricted: true,
    type: Object,
    default: { daily: 10, users: {} },
    onChange: () => onArtRelayChange(),
  });
  // Today's images per player as the art relay saves them, so a GM's reload keeps the day's budgets.
  game.settings.register(MODULE_ID, SETTINGS.artRelayUsage, {
    scope: "world",
    config: false,
    restricted: true,
    type: String,
    default: "[]",
    onChange: () => onArtUsageChange(),
  });
}

/**
 * Privacy: the world's consent per provider (consent.mjs says why a world setting; not secret, every client reads
 * it) and how long Ask history is kept, the GM's policy for the world that every browser applies to its own history
 * (0 keeps it until the user clears it).
 */
function registerPrivacySettings({ onRetentionChange, onRemovalMarkerChange }) {
  game.settings.register(MODULE_ID, SETTINGS.providerConsent, {
    scope: "world",
    config: false,
    restricted: true,
    type: Object,
    default: {},
  });
  // The same for art prompts to the image providers: a separate decision (what is sent differs).
  game.settings.register(MODULE_ID, SETTINGS.artProviderConsent, {
    scope: "world",
    config: false,
    restricted: true,
    type: Object,
    default: {},
  });
  game.settings.register(MODULE_ID, SETTINGS.historyRetentionDays, {
    name: "FAMILIAR.Settings.HistoryRetentionDays.Name",
    hint: "FAMILIAR.Settings.HistoryRetentionDays.Hint",
    scope: "world",
    config: true,
    restricted: true,
    type: Number,
    default: 90,
    onChange: () => onRetentionChange?.(),
  });
  // When a GM last removed all of Familiar's data (local-data.mjs): each browser removes its own when this changes
  // or, closed then, when it next opens the world.
  game.settings.register(MODULE_ID, SETTINGS.dataRemovedAt, {
    scope: "world",
    config: false,
    restricted: true,
    type: Number,
    default: 0,
    onChange: (value) => onRemovalMarkerChange(value),
  });
}

/** The retention in days as a whole number of 0 or more (0: keep); anything else keeps. */
export function historyRetentionDays() {
  const days = Number(getSetting(SETTINGS.historyRetentionDays));
  return Number.isFinite(days) && days > 0 ? Math.floor(days) : 0;
}

/** The GM's art strictness, never anything but a known level (a hand-edited setting falls back to strict). */
export function artStrictness() {
  const level = getSetting(SETTINGS.artStrictness);
  return ART_STRICTNESS.includes(level) ? level : ART_STRICTNESS[0];
}

export function getSetting(key) {
  return game.settings.get(MODULE_ID, key);
}

export function setSetting(key, value) {
  return game.settings.set(MODULE_ID, key, value);
}
