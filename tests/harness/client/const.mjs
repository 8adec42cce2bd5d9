// CONST: the constants modules commonly read. USER_ROLES and DOCUMENT_OWNERSHIP_LEVELS follow
// foundryvtt.com/api/variables/CONST.USER_ROLES.html and CONST.DOCUMENT_OWNERSHIP_LEVELS.html;
// CHAT_MESSAGE_TYPES (v10-v11) became CHAT_MESSAGE_STYLES in v12; SETTING_SCOPES with USER is v13
// (foundryvtt.com/api/v14/variables/CONST.SETTING_SCOPES.html).
import { USER_PERMISSIONS, USER_ROLES } from "./users.mjs";

export function buildConst(features, generation) {
  const C = {
    USER_ROLES,
    USER_PERMISSIONS,
    USER_ROLE_NAMES: Object.fromEntries(Object.entries(USER_ROLES).map(([k, v]) => [v, k])),
    DOCUMENT_OWNERSHIP_LEVELS: { INHERIT: -1, NONE: 0, LIMITED: 1, OBSERVER: 2, OWNER: 3 },
    COMPENDIUM_DOCUMENT_TYPES: ["Actor", "Adventure", "Cards", "Item", "JournalEntry", "Macro", "Playlist", "RollTable", "Scene"],
    vtt: "Foundry VTT",
  };
  if (features.chatStyleField === "style") C.CHAT_MESSAGE_STYLES = { OTHER: 0, OOC: 1, IC: 2, EMOTE: 3 };
  else C.CHAT_MESSAGE_TYPES = { OTHER: 0, OOC: 1, IC: 2, EMOTE: 3, WHISPER: 4, ROLL: 5 };
  if (features.userScopeSettings) C.SETTING_SCOPES = { CLIENT: "client", WORLD: "world", USER: "user" };
  return Object.freeze(C);
}
