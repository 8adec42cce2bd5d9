// Players' art requests through the GM's client, between two real pages over the harness's socket.io server, against
// tests/fakes/image-server.mjs: refused while the GM does not allow it; allowed, the GM's client paints with its own
// chain (the key never reaches the player's page, storage or socket frames), saves the image into the world's files
// and the player sees its path, score and verdicts; over the daily image budget → a clear refusal; a flagged image
// is discarded on the GM's machine and never reaches the player. v12 carries the requests sealed on the module
// socket, v13 in targeted user queries. Then the GM's budgets form sets the players' picture budget, which the
// running relay applies at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { axeViolations } from "./panel-states.mjs";
import { openProviderForm, saveForm } from "./ask-steps.mjs";
import { artFiles as filesIn, configureGmChain as configureChain, imagesToday, openArtTab, requestInView, resetArtWorld, setWorld } from "./art-steps.mjs";
import { useFakeImageServer, useModuleHarness } from "./setup.mjs";
import { ravenInteractive } from "./waits.mjs";

const KEY = "sk-art-RELAY-5521-never-for-players";

let browser;
let harness;
let worldDir;
let fakeUrl;

useFakeImageServer((url) => (fakeUrl = url));
useModuleHarness({ worldDir: "familiar-art-relay-" }, (started) => ({ browser, harness, worldDir } = started));

const artFiles = () => filesIn(worldDir);
const configureGmChain = (page) => configureChain(page, { baseUrl: `${fakeUrl}/ok/openai/v1`, key: KEY });

/** A player page whose received websocket frames are all recorded. */
async function openRecordedPlayer(profile) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const frames = [];
  context.on("page", (page) => page.on("websocket", (socket) => socket.on("framereceived", (frame) => frames.push(String(frame.payload)))));
  const opened = await openGame(browser, harness, { profile, user: USERS.brannoc, context });
  return { ...opened, frames };
}

for (const profile of ["v12", "v13", "v14"]) {
  test(`${profile}: a player's art goes through the GM's client: not allowed, allowed, over budget, flagged`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openRecordedPlayer(profile);
    try {
      await configureGmChain(gm.page);
      await setWorld(gm.page, "playersMayRequestArt", false);
      await ravenInteractive(player.page);

      // Not allowed: the GM's relay refuses it (the player's page asks straight through the module's relay).
      const refused = await player.page.evaluate(async () => {
        const relay = await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/art-relay.mjs`);
        return relay.requestArt({ prompt: "a halfling bard", presets: ["portrait"], variants: 1 }).done;
      });
      assert.equal(refused.type, "refused");
      assert.equal(refused.error.code, "notAllowed");

      // Allowed, with a budget of two images a day.
      await setWorld(gm.page, "artRelayBudgets", { daily: 2, users: {} });
      await setWorld(gm.page, "playersMayRequestArt", true);
      await player.page.reload();
      await ravenInteractive(player.page);
      const panel = await openArtTab(player.page);
      const before = artFiles().length;
      const status = await requestInView(panel, { prompt: "a halfling bard with a lute" });
      assert.match(status, /Finished: 1 pictures saved/);
      const item = panel.locator(".familiar-art__item");
      assert.equal(await item.count(), 1);
      const caption = await item.locator("figcaption").textContent();
      assert.match(caption, /quality \d/);
      assert.match(caption, /Image classifier: passed/);
      const src = await item.locator("img").getAttribute("src");
      assert.match(src, /^worlds\/harness-vale\/pf2e-familiar-art\/a-halfling-bard[-\w]*\.webp$/);
      assert.equal(artFiles().length, before + 1, "the GM's client saved the image into the world's files");
      // The saved file is served to the player (the image loads).
      assert.ok((await item.locator("img").evaluate((img) => img.decode().then(() => img.naturalWidth))) > 0);
      assert.equal(await panel.getByRole("button", { name: "Apply to actor" }).count(), 0, "players get no apply buttons");

      // Over budget: a portrait and a token need two more of the two.
      const over = await requestInView(panel, { prompt: "a halfling bard with a lute", preset: "Portrait and token" });
      assert.match(over, /budget is used up \(1 of 2; this request needs 2\)/);
      assert.equal(await panel.locator('[data-familiar-art-refused="overBudget"]').count(), 1);
      assert.equal(await imagesToday(gm.page, USERS.brannoc), 1);

      // Flagged: the GM's classifier (scripted here) calls the image porn; it is discarded on the GM's machine.
      await setWorld(gm.page, "artRelayBudgets", { daily: 10, users: {} });
      await gm.page.evaluate(async () => {
        const host = await import(`${location.origin}/modules/pf2e-familiar/scripts/art/host.mjs`);
        host.useClassifier(async () => ({ drawing: 0.01, hentai: 0.01, neutral: 0.01, porn: 0.96, sexy: 0.01 }));
      });
      const filesBefore = artFiles().length;
      const flagged = await requestInView(panel, { prompt: "a halfling bard at the inn" });
      assert.match(flagged, /safety checks discarded all 1/);
      assert.equal(await panel.locator(".familiar-art__item").count(), 0);
      assert.equal(artFiles().length, filesBefore, "a discarded image is never saved");
      await gm.page.waitForFunction(() => window.__harness.notifications.some((n) => /discarded/.test(n.message ?? "")));

      // The key never reached the player: not in the page, its storage, nor any frame it received.
      const contents = await player.page.evaluate(() => document.documentElement.outerHTML + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      assert.ok(!contents.includes(KEY));
      assert.ok(!player.frames.some((frame) => frame.includes(KEY)), "no socket frame to the player holds the key");
      assert.deepEqual(await axeViolations(player.page), []);
      assert.deepEqual(player.pageErrors, []);
      assert.deepEqual(gm.pageErrors, []);
    } finally {
      await resetArtWorld(gm.page).catch(() => {});
      await player.context.close();
      await gm.context.close();
    }
  });
}

test("v13: the GM sets the players' picture budget in the budgets form; the running relay refuses over it, an own budget lifts it", async () => {
  const gm = await openGame(browser, harness, { profile: "v13", user: USERS.gm });
  const player = await openGame(browser, harness, { profile: "v13", user: USERS.tamsin });
  try {
    await configureGmChain(gm.page);
    await setWorld(gm.page, "playersMayRequestArt", true);
    await ravenInteractive(player.page);
    const panel = await openArtTab(player.page);

    // A malformed budget is refused with the field marked, and nothing is saved.
    let form = await openProviderForm(gm.page);
    const daily = form.getByLabel("Daily pictures per player");
    assert.equal(await daily.inputValue(), "10", "the form shows the setting's daily pictures");
    await daily.fill("1.5");
    await form.getByRole("button", { name: "Save" }).click();
    await form.locator('[data-familiar-field-error="dailyImageBudget"]').filter({ hasText: "Enter a whole number of 0 or more, or leave it empty." }).waitFor();
    assert.equal(await daily.getAttribute("aria-invalid"), "true");
    assert.deepEqual(await gm.page.evaluate(() => game.settings.get("pf2e-familiar", "artRelayBudgets")), { daily: 10, users: {} });
    await daily.fill("1");
    await saveForm(gm.page, form);
    assert.deepEqual(await gm.page.evaluate(() => game.settings.get("pf2e-familiar", "artRelayBudgets")), { daily: 1, users: {} });

    // The GM's running relay has it, no reload: two pictures are over a budget of one, one fits, the next is over.
    assert.match(await requestInView(panel, { prompt: "a gnome alchemist", preset: "Portrait and token" }), /budget is used up \(0 of 1; this request needs 2\)/);
    assert.match(await requestInView(panel, { prompt: "a gnome alchemist" }), /Finished: 1 pictures saved/);
    assert.match(await requestInView(panel, { prompt: "a gnome alchemist" }), /budget is used up \(1 of 1; this request needs 1\)/);
    assert.equal(await panel.locator('[data-familiar-art-refused="overBudget"]').count(), 1);

    // The form shows the player's pictures against the budget; an own budget of 3 lets them paint again.
    form = await openProviderForm(gm.page);
    const row = form.locator(`[data-familiar-usage-user="${USERS.tamsin}"]`);
    assert.equal((await row.locator("[data-familiar-usage-images]").textContent()).trim(), "1 / 1");
    assert.deepEqual(await axeViolations(gm.page), [], "the budgets form with its picture fields");
    const own = row.getByLabel(/Own daily picture budget for/);
    await own.fill("-2");
    await form.getByRole("button", { name: "Save" }).click();
    await row.locator('[data-familiar-user-image-budget][aria-invalid="true"]').waitFor();
    await own.fill("3");
    await saveForm(gm.page, form);
    assert.deepEqual(await gm.page.evaluate(() => game.settings.get("pf2e-familiar", "artRelayBudgets")), { daily: 1, users: { [USERS.tamsin]: 3 } });
    assert.match(await requestInView(panel, { prompt: "a gnome alchemist", preset: "Portrait and token" }), /Finished: 2 pictures saved/);
    assert.equal(await imagesToday(gm.page, USERS.tamsin), 3);
    assert.deepEqual(gm.pageErrors, []);
    assert.deepEqual(player.pageErrors, []);
  } finally {
    await resetArtWorld(gm.page).catch(() => {});
    await player.context.close();
    await gm.context.close();
  }
});
