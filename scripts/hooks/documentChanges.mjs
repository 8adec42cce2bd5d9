/**
 * The document hooks that keep the rules index current without a rebuild: create/update/delete of compendium
 * Items, Actors and JournalEntries, and of journal pages (which re-index their entry). Foundry calls these hooks on
 * every client with the changed document; the index ignores documents outside the packs it indexed.
 */
import { documentChanged, documentDeleted } from "../rules/rules-index.mjs";

const CHANGED = ["createItem", "updateItem", "createActor", "updateActor", "createJournalEntry", "updateJournalEntry"];
const DELETED = ["deleteItem", "deleteActor", "deleteJournalEntry"];
const PAGE_HOOKS = ["createJournalEntryPage", "updateJournalEntryPage", "deleteJournalEntryPage"];

export function listen() {
  for (const hook of CHANGED) Hooks.on(hook, (document) => documentChanged(document));
  for (const hook of DELETED) Hooks.on(hook, (document) => documentDeleted(document));
  // A page belongs to its entry: index the entry as it now stands (a deleted page is no longer in it).
  for (const hook of PAGE_HOOKS) Hooks.on(hook, (page) => documentChanged(page.parent));
}
