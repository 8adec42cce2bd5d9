// Players' art requests through the GM's client, between two real pages over the harness's socket.io server, against
// tests/fakes/image-server.mjs: refused while the GM does not allow it; allowed, the GM's client paints with its own
// chain (the key never reaches the player's page, storage or socket frames), saves the image into the world's files
// and the player sees its path, score and verdicts; over the daily image budget → a clear refusal; a flagged image
// is discarded on the GM's machine and never reaches the player. v12 carries the requests sealed on the module
// socket, v13 in targeted user queries.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { after, before, test } from "node:test";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness, USERS } from "../support/harness.mjs";
import { REPO, requireBuild, STAGED_MODULE } from "./paths.mjs";
import { axeViolations, openPanel } from "./panel-states.mjs";
import { ravenInteractive } from "./waits.mjs";

const KEY = "sk-art-RELAY-5521-never-for-players";

let browser;
let harness;
let worldDir;
let fake;
let fakeUrl;

before(async () => {
  requireBuild();
  worldDir = mkdtempSync(path.join(os.tmpdir(), "familiar-art-relay-"));
  fake = spawn(process.execPath, [path.join(REPO, "tests/fakes/image-server.mjs"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const first = await readline.createInterface({ input: fake.stdout })[Symbol.asyncIterator]().next();
  fakeUrl = JSON.parse(first.value).url;
  browser = await launchBrowser();
  harness = await startTestHarness({ moduleDir: STAGED_MODULE, worldDir });
});
after(async () => {
  await closeBrowser(browser);
  await harness?.close();
  fake?.kill();
  rmSync(worldDir, { recursive: true, force: true });
});

const artFiles = () => {
  try {
    return readdirSync(path.join(worldDir, "files", "worlds", "harness-vale", "familiar-art"));
  } catch {
    return [];
  }
};

/** The GM's art chain through the art provider form: one OpenAI-format provider with a key, on the fake server. */
async function configureGmChain(page) {
  await ravenInteractive(page);
  await page.evaluate(() => new (game.settings.menus.get("familiar.artProviders").type)().render(true));
  const form = page.locator("#familiar-art-providers form");
  await form.waitFor();
  await form.getByRole("button", { name: "Add provider" }).click();
  const row = form.locator(".familiar-provider").last();
  await row.getByLabel("Name").fill("gm-openai");
  await row.getByLabel("Format").selectOption("openai");
  await row.getByLabel("Base URL").fill(`${fakeUrl}/ok/openai/v1`);
  await row.getByLabel("API key").fill(KEY);
  await form.getByRole("button", { name: "Save" }).click();
  await page.locator("#familiar-art-providers").waitFor({ state: "detached" });
}

const setWorld = (page, key, value) => page.evaluate(({ key, value }) => game.settings.set("familiar", key, value), { key, value });

/** A player page whose received websocket frames are all recorded. */
async function openRecordedPlayer(profile) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const frames = [];
  context.on("page", (page) => page.on("websocket", (socket) => socket.on("framereceived", (frame) => frames.push(String(frame.payload)))));
  const opened = await openGame(browser, harness, { profile, user: USERS.brannoc, context });
  return { ...opened, frames };
}

async function openArtTab(page) {
  const panel = await openPanel(page);
  await panel.getByRole("tab", { name: "Art" }).click();
  await panel.locator('[data-familiar-form="art"]').waitFor();
  return panel;
}

/** Requests art in the player's Art view and waits for the GM's answer; returns the status line. */
async function requestInView(panel, { prompt, preset = "Portrait" }) {
  await panel.getByLabel("What to paint").fill(prompt);
  await panel.getByLabel("Kind of picture").selectOption({ label: preset });
  await panel.getByRole("button", { name: "Request" }).click();
  const status = panel.locator("[data-familiar-art-status]");
  await status.filter({ hasText: /Finished|budget|discarded|does not let|failed|blocked/ }).waitFor({ timeout: 60_000 });
  return status.textContent();
}

for (const profile of ["v12", "v13"]) {
  test(`${profile}: a player's art goes through the GM's client: not allowed, allowed, over budget, flagged`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openRecordedPlayer(profile);
    try {
      await configureGmChain(gm.page);
      await setWorld(gm.page, "playersMayRequestArt", false);
      await ravenInteractive(player.page);

      // Not allowed: the GM's relay refuses it (the player's page asks straight through the module's relay).
      const refused = await player.page.evaluate(async () => {
        const relay = await import(`${location.origin}/modules/familiar/scripts/art/relay.mjs`);
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
      assert.match(src, /^worlds\/harness-vale\/familiar-art\/a-halfling-bard[-\w]*\.webp$/);
      assert.equal(artFiles().length, before + 1, "the GM's client saved the image into the world's files");
      // The saved file is served to the player (the image loads).
      assert.ok((await item.locator("img").evaluate((img) => img.decode().then(() => img.naturalWidth))) > 0);
      assert.equal(await panel.getByRole("button", { name: "Apply to actor" }).count(), 0, "players get no apply buttons");

      // Over budget: a portrait and a token need two more of the two.
      const over = await requestInView(panel, { prompt: "a halfling bard with a lute", preset: "Portrait and token" });
      assert.match(over, /budget is used up \(1 of 2; this request needs 2\)/);
      assert.equal(await panel.locator('[data-familiar-art-refused="overBudget"]').count(), 1);
      const usage = await gm.page.evaluate(async () => (await import(`${location.origin}/modules/familiar/scripts/art/relay.mjs`)).artUsage());
      assert.equal(usage.find((entry) => entry.userId === "UserBrannoc00001").imagesToday, 1);

      // Flagged: the GM's classifier (scripted here) calls the image porn; it is discarded on the GM's machine.
      await setWorld(gm.page, "artRelayBudgets", { daily: 10, users: {} });
      await gm.page.evaluate(async () => {
        const host = await import(`${location.origin}/modules/familiar/scripts/art/host.mjs`);
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
      // After the art relay's delayed usage save (2 s), so the next profile starts the day at zero.
      await gm.page.waitForTimeout(2_500);
      await gm.page.evaluate(async () => {
        (await import(`${location.origin}/modules/familiar/scripts/art/host.mjs`)).useClassifier(null);
        await game.settings.set("familiar", "playersMayRequestArt", false);
        await game.settings.set("familiar", "artRelayBudgets", { daily: 10, users: {} });
        await game.settings.set("familiar", "artRelayUsage", "[]");
      }).catch(() => {});
      await player.context.close();
      await gm.context.close();
    }
  });
}
