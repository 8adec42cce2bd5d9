/**
 * The Ask view's history: the user's earlier questions above the form, newest last, each answer only through the
 * bundle's sanitising Markdown renderer with its citations as content links. A long history is shown a page at a
 * time from the newest ("Show earlier questions" adds the page before), so 500 saved exchanges cost no more to open
 * than 20. The answer on show below the form joins the list when the next question replaces it. Export downloads
 * the history as Markdown; Clear history asks first. Records come from chat/ask-history-store.mjs (IndexedDB, per user).
 */
import { formatDateTime } from "../../core/locale-format.mjs";
import { t, templatePath } from "../../core/constants.mjs";
import { inPanel, onViewDrawn } from "../panel-registry.mjs";
import { renderTemplate, saveTextFile } from "../../core/compat.mjs";
import { askHistoryExport, clearAskHistory, loadAskHistory, saveExchange } from "../../chat/ask-history-store.mjs";
import { forgetConversation } from "../../chat/chat-session.mjs";
import { linkParts, paint, renderAnswer } from "./answer-card.mjs";

/** Exchanges a page shows. */
const PAGE = 20;

/** Per history section: how many of the newest saved exchanges it covers (listed, or on show below the form). */
const covered = new WeakMap();
/** The saved exchange each results element shows, which joins the list when the next question replaces it. */
const onShow = new WeakMap();

function section() {
  return inPanel("[data-familiar-history]");
}

/** Fills the history of a freshly rendered Ask view (each render draws the view anew). */
async function showHistory() {
  const root = section();
  if (!root || covered.has(root)) return;
  covered.set(root, 0);
  root.addEventListener("click", (event) => {
    const action = event.target.closest("[data-familiar-history-action]")?.dataset.familiarHistoryAction;
    if (!action) return;
    Promise.resolve(ACTIONS[action]?.(root)).catch((error) => {
      console.error("Familiar |", error);
      ui.notifications.error(error?.message ?? String(error));
    });
  });
  await showEarlier(root);
  scrollToNewest(root);
}

/** Sections drawing a page now: a second click meanwhile would draw the same page again. */
const drawing = new WeakSet();

/** The page of exchanges before those the list shows, put above them. */
async function showEarlier(root) {
  if (drawing.has(root)) return;
  drawing.add(root);
  try {
    await drawEarlier(root);
  } finally {
    drawing.delete(root);
  }
}

async function drawEarlier(root) {
  const history = await loadAskHistory();
  const total = history.length;
  const records = history.page(total - covered.get(root), PAGE);
  const list = root.querySelector("[data-familiar-history-list]");
  const scroll = root.querySelector("[data-familiar-history-scroll]");
  const fromBottom = scroll.scrollHeight - scroll.scrollTop;
  list.prepend(await entries(records));
  covered.set(root, covered.get(root) + records.length);
  scroll.scrollTop = scroll.scrollHeight - fromBottom;
  update(root, total);
}

/** The list items of `records`: the question and names through Handlebars' escaping, the answer through
 * renderAnswer with the record's citations (checked again, as stored records are not trusted), nothing else. */
async function entries(records) {
  const shown = records.map((record) => renderAnswer(record.answer, record.citations));
  const view = records.map((record, index) => ({
    question: record.question,
    meta: t("History.Meta", { time: formatDateTime(record.at), source: sourceText(record) }),
    citations: shown[index].citations.map((citation) => ({ ...citation, ...linkParts(citation.uuid) })),
  }));
  const holder = document.createElement("template");
  holder.innerHTML = await renderTemplate(templatePath("views/ask-history-entries.hbs"), { entries: view });
  const items = holder.content.querySelectorAll("[data-familiar-history-entry]");
  records.forEach((record, index) => {
    const body = items[index]?.querySelector("[data-familiar-history-body]");
    if (!body) return;
    if (record.answer.trim()) paint(body, shown[index].html);
    else body.remove();
  });
  return holder.content;
}

function sourceText(record) {
  if (record.provider) return record.provider;
  return record.offline ? t("History.Offline", { reason: record.offline }) : t("History.OfflineNoReason");
}

/** Shows the section when there is history, and the "earlier" button while older exchanges are not listed. */
function update(root, total) {
  const listed = root.querySelectorAll("[data-familiar-history-entry]").length;
  root.hidden = listed === 0;
  const earlier = root.querySelector('[data-familiar-history-action="earlier"]');
  const more = Math.max(0, total - covered.get(root));
  earlier.hidden = more === 0;
  earlier.textContent = t("History.ShowEarlier", { count: more });
}

function scrollToNewest(root) {
  const scroll = root.querySelector("[data-familiar-history-scroll]");
  scroll.scrollTop = scroll.scrollHeight;
}

/**
 * Saves a finished exchange `{question, answer?, citations?, provider | offline}` on show in `results`; it joins the
 * list when the next question replaces it. Never rejects: a history that cannot be saved must not break the answer.
 */
export function keepExchange(results, exchange) {
  const citations = (exchange.citations ?? []).map(({ uuid, name }) => ({ uuid, name }));
  const saved = saveExchange({ answer: "", ...exchange, citations })
    .then((record) => {
      // Covered by the view showing it; a view drawn since then read it from storage itself.
      const root = section();
      if (root && covered.has(root) && root.parentElement?.contains(results)) covered.set(root, covered.get(root) + 1);
      return record;
    })
    .catch((error) => {
      console.error("Familiar | the question could not be saved in the Ask history", error);
      return null;
    });
  onShow.set(results, saved);
  return saved;
}

/** A new question replaces the answer on show in `results`: that exchange moves into the list. */
export async function beforeNextQuestion(results) {
  const saved = onShow.get(results);
  onShow.delete(results);
  const record = await saved;
  const root = section();
  if (!record || !root || !covered.has(root) || !root.parentElement?.contains(results)) return;
  root.querySelector("[data-familiar-history-list]").append(await entries([record]));
  update(root, (await loadAskHistory()).length);
  scrollToNewest(root);
}

function confirmBox(root) {
  return root.querySelector("[data-familiar-history-confirm]");
}

const ACTIONS = {
  earlier: (root) => showEarlier(root),
  export: async () => {
    const { filename, text } = await askHistoryExport();
    saveTextFile(text, "text/markdown", filename);
  },
  clear: async (root) => {
    const history = await loadAskHistory();
    const box = confirmBox(root);
    box.querySelector("[data-familiar-history-confirm-text]").textContent = t("History.ConfirmClear", { count: history.length });
    box.hidden = false;
    box.querySelector('[data-familiar-history-action="cancel-clear"]').focus();
  },
  "cancel-clear": (root) => {
    confirmBox(root).hidden = true;
    root.querySelector('[data-familiar-history-action="clear"]').focus();
  },
  "confirm-clear": async (root) => {
    await clearAskHistory();
    if (game.user.isGM) forgetConversation();
    root.querySelector("[data-familiar-history-list]").replaceChildren();
    confirmBox(root).hidden = true;
    covered.set(root, 0);
    const results = inPanel('[data-familiar-results="ask"]');
    if (results) onShow.delete(results);
    update(root, 0);
    inPanel("#familiar-ask-question")?.focus();
    ui.notifications.info(t("History.Cleared"));
  },
};

/** From `ready` on: every drawing of the Ask view fills its history (a render of the panel, FamiliarRavenPanel on
 * every core version, or Ask switched to in place). */
export function listenAskHistory() {
  onViewDrawn(() => {
    showHistory().catch((error) => console.error("Familiar | the Ask history could not be shown", error));
  });
}
