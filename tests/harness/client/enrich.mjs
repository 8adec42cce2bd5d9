// What Foundry does to a chat message's content before it shows it, in its smallest faithful form: the message HTML
// is parsed, and each text node's text is matched for content links `@UUID[uuid#anchor]{label}` (and the other
// `@<DocumentType>[...]` forms) and inline rolls `[[/r formula]]{label}`, each replaced by the element Foundry makes.
// Pages: foundryvtt.com/api/classes/foundry.applications.ux.TextEditor.html (`enrichHTML(content)`,
// `_enrichContentLinks(text: Text[])` "Convert text of the form @UUID[uuid]{name} to anchor elements",
// `_enrichInlineRolls(rollData, text: Text[])`), foundryvtt.com/api/interfaces/foundry.EnrichmentOptions.html
// (documents, rolls). A pattern never matches across two text nodes, since it is matched in each node's text.
// Ours: no document is looked up (the label, else the uuid, is the text) and an inline roll is not evaluated.

const LINK_TYPES = ["UUID", "Compendium", "Actor", "Item", "JournalEntry", "Macro", "RollTable", "Scene", "Playlist", "Cards", "Adventure"];
const CONTENT_LINK = new RegExp(`@(${LINK_TYPES.join("|")})\\[([^#\\]]+)(?:#([^\\]]+))?](?:{([^}]+)})?`, "g");
const INLINE_ROLL = /\[\[(\/[a-zA-Z]+\s)?(.*?)(]{2,3})(?:{([^}]+)})?/gi;

function contentLink([, type, target, , label]) {
  const a = document.createElement("a");
  a.className = "content-link";
  a.draggable = true;
  a.dataset.link = "";
  a.dataset.uuid = type === "UUID" ? target : `${type}.${target}`;
  a.textContent = label ?? target;
  return a;
}

function inlineRoll([, command, formula, , label]) {
  const a = document.createElement("a");
  a.className = "inline-roll roll";
  a.dataset.mode = (command ?? "/r").trim().slice(1);
  a.dataset.formula = formula.trim();
  a.textContent = label ?? formula.trim();
  return a;
}

function replaceIn(node, pattern, make) {
  const text = node.data;
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index), make(match));
    last = match.index + match[0].length;
  }
  if (!parts.length) return;
  parts.push(text.slice(last));
  node.replaceWith(...parts.filter((part) => part !== ""));
}

/** `content` (HTML) with its content links and inline rolls enriched, as HTML. */
export function enrichHTML(content) {
  const root = document.createElement("div");
  root.innerHTML = String(content ?? "");
  for (const [pattern, make] of [[CONTENT_LINK, contentLink], [INLINE_ROLL, inlineRoll]]) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const node of texts) replaceIn(node, pattern, make);
  }
  return root.innerHTML;
}
