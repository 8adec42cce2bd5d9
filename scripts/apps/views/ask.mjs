/** The Ask view: the rules index's best passages for a question, as content links (the offline answer path). */
import { templatePath } from "../../constants.mjs";
import { renderTemplate } from "../../compat.mjs";
import { searchRules } from "../../rules-index.mjs";

/** Snippets come as HTML with highlight tags; the view shows their text only (parsed inertly, never executed). */
function plainText(html) {
  return new DOMParser().parseFromString(String(html ?? ""), "text/html").body.textContent ?? "";
}

function linkParts(uuid) {
  const parts = uuid.split(".");
  return { documentType: parts.length >= 5 ? parts[3] : "Item", id: parts.at(-1) };
}

export async function ask(form, results) {
  const question = new FormData(form).get("question")?.toString().trim() ?? "";
  if (!question) return;
  results.setAttribute("aria-busy", "true");
  const hits = await searchRules(question, { top: 8 });
  const view = hits.map((hit) => ({ ...hit, ...linkParts(hit.uuid), snippet: plainText(hit.snippet) }));
  results.innerHTML = await renderTemplate(templatePath("views/ask-results.hbs"), { hits: view, offline: true });
  results.removeAttribute("aria-busy");
}
