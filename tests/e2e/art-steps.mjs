// The steps the players' art tests share, taken as the GM and a player take them: the GM's art chain through its
// form, the player's Art view, a request and the answer it shows, and the world's saved pictures.
import { readdirSync } from "node:fs";
import path from "node:path";
import { openPanel } from "./panel-states.mjs";
import { ravenInteractive } from "./waits.mjs";

/** The art files the GM's client saved into the world under `worldDir`. */
export function artFiles(worldDir) {
  try {
    return readdirSync(path.join(worldDir, "files", "worlds", "harness-vale", "pf2e-familiar-art"));
  } catch {
    return [];
  }
}

/** The GM's art chain through the art provider form: one OpenAI-format provider with `key` at `baseUrl`. */
export async function configureGmChain(page, { baseUrl, key }) {
  await ravenInteractive(page);
  await page.evaluate(() => new (game.settings.menus.get("pf2e-familiar.artProviders").type)().render(true));
  const form = page.locator("#familiar-art-providers form");
  await form.waitFor();
  await form.getByRole("button", { name: "Add provider" }).click();
  const row = form.locator(".familiar-provider").last();
  await row.getByLabel("Name").fill("gm-openai");
  await row.getByLabel("Format").selectOption("openai");
  await row.getByLabel("Base URL").fill(baseUrl);
  await row.getByLabel("API key").fill(key);
  await form.getByRole("button", { name: "Save" }).click();
  await page.locator("#familiar-art-providers").waitFor({ state: "detached" });
}

export const setWorld = (page, key, value) => page.evaluate(({ key, value }) => game.settings.set("pf2e-familiar", key, value), { key, value });

/** The art relay's module on `page`, called: `relayCall(page, "artUsage")`. */
export const relayCall = (page, name) =>
  page.evaluate(async (name) => (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/art-relay.mjs`))[name](), name);

/** Today's pictures of `userId` as the GM's relay counts them. */
export async function imagesToday(gmPage, userId) {
  const usage = await relayCall(gmPage, "artUsage");
  return usage.find((entry) => entry.userId === userId)?.imagesToday ?? 0;
}

/** The raven's panel on its Art view, opened (or switched to) as a user would: after a reload the panel may still be
 * open, and on the Art view. */
export async function openArtTab(page) {
  await ravenInteractive(page);
  const panel = page.locator("#familiar-panel");
  if (!(await panel.isVisible())) await openPanel(page);
  await panel.getByRole("tab").first().waitFor();
  if (!(await panel.locator('[data-familiar-form="art"]').count())) await panel.getByRole("tab", { name: "Art" }).click();
  await panel.locator('[data-familiar-form="art"]').waitFor();
  return panel;
}

/** The answers a player's Art view ends on (a picture, or a refusal of any kind). */
export const ENDED = /Finished|budget|discarded|does not let|failed|blocked|left|did not answer|no longer|online/;

/** Fills the player's Art form and sends it; resolves once the GM's browser said it is painting, unless `accepted`
 * is false (a request refused at once). */
export async function sendRequest(panel, { prompt, preset = "Portrait", accepted = true }) {
  await panel.getByLabel("What to paint").fill(prompt);
  await panel.getByLabel("Kind of picture").selectOption({ label: preset });
  await panel.getByRole("button", { name: "Request" }).click();
  if (accepted) await panel.locator("[data-familiar-art-status]").filter({ hasText: "painting" }).waitFor({ timeout: 20_000 });
}

/** The status line once the request ended. */
export async function endedStatus(panel, timeout = 60_000) {
  const status = panel.locator("[data-familiar-art-status]");
  await status.filter({ hasText: ENDED }).waitFor({ timeout });
  return status.textContent();
}

/** Requests art in the player's Art view and waits for the GM's answer; returns the status line. */
export async function requestInView(panel, order) {
  await sendRequest(panel, { ...order, accepted: false });
  return endedStatus(panel);
}

/** Back to the world's defaults for players' art, after the relay's delayed usage save (2 s) so the next test starts
 * the day at zero. */
export async function resetArtWorld(gmPage) {
  await gmPage.waitForTimeout(2_500);
  await gmPage.evaluate(async () => {
    (await import(`${location.origin}/modules/pf2e-familiar/scripts/art/host.mjs`)).useClassifier(null);
    await game.settings.set("pf2e-familiar", "playersMayRequestArt", false);
    await game.settings.set("pf2e-familiar", "artRelayBudgets", { daily: 10, users: {} });
    await game.settings.set("pf2e-familiar", "artRelayUsage", "[]");
  });
}
