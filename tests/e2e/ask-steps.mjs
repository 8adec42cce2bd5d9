// The steps the Ask and relay tests share, taken as a user takes them: the GM's provider form, the raven's Ask
// view, a question, and a record of every text the answer shows on its way.
import { ravenInteractive } from "./waits.mjs";

/** A question the demo rules pack answers (its "Catch Your Breath" entry). */
export const QUESTION = "how do I catch my breath after a fight?";

/** Opens the settings menu's form as Foundry's settings window would (the harness has no settings window). */
export async function openProviderForm(page) {
  await ravenInteractive(page);
  await page.evaluate(() => {
    const menu = game.settings.menus.get("pf2e-familiar.providers");
    new menu.type().render(true);
  });
  const form = page.locator("#familiar-providers form");
  await form.waitFor();
  return form;
}

/** Adds a provider row and fills it; returns the row. */
export async function addProvider(form, { name, baseUrl, model, key, api = "openai" }) {
  await form.getByRole("button", { name: "Add provider" }).click();
  const row = form.locator(".familiar-provider").last();
  await row.getByLabel("Name").fill(name);
  await row.getByLabel("Format").selectOption(api);
  await row.getByLabel("Base URL").fill(baseUrl);
  await row.getByLabel("Model", { exact: true }).fill(model);
  if (key) await row.getByLabel("API key").fill(key);
  return row;
}

export async function saveForm(page, form) {
  await form.getByRole("button", { name: "Save" }).click();
  await page.locator("#familiar-providers").waitFor({ state: "detached" });
}

/** The raven's panel on its Ask view, opened (or switched to) as a user would. */
export async function openAsk(page) {
  await ravenInteractive(page);
  const panel = page.locator("#familiar-panel");
  if (!(await panel.isVisible())) await page.locator("#familiar-raven").click();
  const selected = panel.locator('[aria-selected="true"]', { hasText: "Ask" });
  await panel.getByRole("tab").first().waitFor();
  if (!(await selected.count())) await panel.getByRole("tab", { name: "Ask" }).click();
  await selected.waitFor();
  return panel;
}

export async function ask(panel, question = QUESTION) {
  await panel.getByRole("searchbox").fill(question);
  await panel.getByRole("button", { name: "Ask", exact: true }).click();
}

/** From now on, every distinct text the answer body shows is kept, to see the answer arrive in pieces. */
export function recordAnswerTexts(page) {
  return page.evaluate(() => {
    window.__answerTexts = [];
    const results = document.querySelector('#familiar-panel [data-familiar-results="ask"]');
    new MutationObserver(() => {
      const text = results.querySelector("[data-familiar-answer-body]")?.textContent;
      if (text && text !== window.__answerTexts.at(-1)) window.__answerTexts.push(text);
    }).observe(results, { subtree: true, childList: true, characterData: true });
  });
}

export function answerTexts(page) {
  return page.evaluate(() => window.__answerTexts);
}
