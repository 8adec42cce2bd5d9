// Players' art requests across a reload and a departed GM, between real pages over the harness's socket.io server,
// against tests/fakes/image-server.mjs answering slowly (`slowMS`), so the GM's browser is still painting when a
// page goes: the player who reloads, or closes the tab and opens it again, gets the picture once and is charged
// once; the GM leaving ends the request at once with a localised refusal, and the player requests again when a GM
// is back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { artFiles, configureGmChain, endedStatus, imagesToday, openArtTab, relayCall, resetArtWorld, sendRequest, setWorld } from "./art-steps.mjs";
import { useFakeImageServer, useModuleHarness } from "./setup.mjs";
import { ravenInteractive, waitForAsync } from "./waits.mjs";

const KEY = "sk-art-RESUME-7730-gm-only";
/** How long the fake paints: long enough for a page to reload or close meanwhile. */
const PAINT_MS = 6_000;

let browser;
let harness;
let worldDir;
let fakeUrl;

useFakeImageServer((url) => (fakeUrl = url));
useModuleHarness({ worldDir: "familiar-art-resume-" }, (started) => ({ browser, harness, worldDir } = started));

const pendingKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("pf2e-familiar.artRelay.pending")));

/** Waits until `page` holds `user`'s relay key as that user's page now publishes it (a reloaded page has a new one). */
async function waitForFreshKey(page, userPage, user) {
  const key = await userPage.evaluate(async () => (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/sealed-channel.mjs`)).publicKey());
  await userPage.waitForFunction((key) => game.user.getFlag("pf2e-familiar", "relayKey") === key, key);
  await page.waitForFunction(({ user, key }) => game.users.get(user).getFlag("pf2e-familiar", "relayKey") === key, { user, key });
}

async function allowArt(gm) {
  await configureGmChain(gm.page, { baseUrl: `${fakeUrl}/slow${PAINT_MS}/openai/v1`, key: KEY });
  await setWorld(gm.page, "playersMayRequestArt", true);
}

for (const profile of ["v12", "v13", "v14"]) {
  test(`${profile}: a player who reloads, or closes the tab, while the GM paints gets the picture once, charged once`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    let player = await openGame(browser, harness, { profile, user: USERS.ysolde });
    try {
      await allowArt(gm);
      await ravenInteractive(player.page);
      let panel = await openArtTab(player.page);
      const before = artFiles(worldDir).length;

      // Reloaded while painting: the view asks again, hears "still painting", then gets the picture.
      await sendRequest(panel, { prompt: "an elven ranger in the rain" });
      assert.deepEqual((await pendingKeys(player.page)).length, 1, "the waiting request is saved");
      await player.page.reload();
      await ravenInteractive(player.page);
      await waitForFreshKey(gm.page, player.page, USERS.ysolde);
      panel = await openArtTab(player.page);
      assert.equal(await panel.getByLabel("What to paint").inputValue(), "an elven ranger in the rain");
      assert.match(await endedStatus(panel), /Finished: 1 pictures saved/);
      assert.equal(await panel.locator(".familiar-art__item").count(), 1);
      assert.equal(artFiles(worldDir).length, before + 1);
      assert.equal(await imagesToday(gm.page, USERS.ysolde), 1);
      assert.deepEqual(await pendingKeys(player.page), [], "nothing left waiting");

      // The tab closed while painting and the job finished meanwhile: the tab opened again gets the kept outcome.
      await sendRequest(panel, { prompt: "an elven ranger at dawn" });
      const { context } = player;
      await player.page.close();
      await waitForAsync(gm.page, async (user) => {
        const usage = (await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/art-relay.mjs`)).artUsage();
        return usage.find((entry) => entry.userId === user)?.imagesToday === 2;
      }, USERS.ysolde, { timeout: 30_000, polling: 250 });
      player = await openGame(browser, harness, { profile, user: USERS.ysolde, context });
      await ravenInteractive(player.page);
      await waitForFreshKey(gm.page, player.page, USERS.ysolde);
      panel = await openArtTab(player.page);
      assert.match(await endedStatus(panel), /Finished: 1 pictures saved/);
      assert.equal(await panel.locator(".familiar-art__item").count(), 1);
      assert.equal(artFiles(worldDir).length, before + 2);
      assert.equal(await imagesToday(gm.page, USERS.ysolde), 2, "a resume never charges again");

      // Delivered: a further reload shows no request and asks the GM for nothing.
      await player.page.reload();
      await ravenInteractive(player.page);
      panel = await openArtTab(player.page);
      await player.page.waitForTimeout(1_000);
      assert.equal((await panel.locator("[data-familiar-art-status]").textContent()).trim(), "");
      assert.equal(await panel.locator(".familiar-art__item").count(), 0);
      assert.equal(await imagesToday(gm.page, USERS.ysolde), 2);
      assert.deepEqual(player.pageErrors, []);
      assert.deepEqual(gm.pageErrors, []);
    } finally {
      await resetArtWorld(gm.page).catch(() => {});
      await player.context.close();
      await gm.context.close();
    }
  });
}

test("v13: the GM leaving mid-request ends it at once with a clear refusal; the player requests again when a GM is back", async () => {
  let gm = await openGame(browser, harness, { profile: "v13", user: USERS.gm });
  const player = await openGame(browser, harness, { profile: "v13", user: USERS.brannoc });
  try {
    await allowArt(gm);
    await ravenInteractive(player.page);
    const panel = await openArtTab(player.page);
    await sendRequest(panel, { prompt: "a dwarven smith" });

    const left = Date.now();
    await gm.page.close();
    const status = await endedStatus(panel, 10_000);
    assert.equal(status, "The GM left before the picture was finished; request it again when a GM is online.");
    assert.ok(Date.now() - left < 5_000, `refused ${Date.now() - left} ms after the GM left`);
    assert.deepEqual(await pendingKeys(player.page), []);
    // With no GM the view says so and will not send; a request made anyway is refused at once.
    await panel.getByText("No GM is online to paint your request.").waitFor();
    assert.equal(await panel.getByRole("button", { name: "Request" }).isDisabled(), true);
    assert.equal((await player.page.evaluate(async () => {
      const relay = await import(`${location.origin}/modules/pf2e-familiar/scripts/relay/art-relay.mjs`);
      return relay.requestArt({ prompt: "a dwarven smith", presets: ["portrait"], variants: 1 }).done;
    })).error.code, "noGm");

    // The GM is back (their chain is in this browser): the form opens again and the request is painted.
    gm = await openGame(browser, harness, { profile: "v13", user: USERS.gm, context: gm.context });
    await ravenInteractive(gm.page);
    await waitForFreshKey(player.page, gm.page, USERS.gm);
    await panel.getByText("No GM is online to paint your request.").waitFor({ state: "hidden" });
    assert.equal(await panel.getByRole("button", { name: "Request" }).isDisabled(), false);
    await sendRequest(panel, { prompt: "a dwarven smith" });
    assert.match(await endedStatus(panel), /Finished: 1 pictures saved/);
    assert.equal(await imagesToday(gm.page, USERS.brannoc), 1, "the lost job was never charged");
    assert.equal((await relayCall(player.page, "artRelayStatus")).open, true);
    assert.deepEqual(player.pageErrors, []);
    assert.deepEqual(gm.pageErrors, []);
  } finally {
    await resetArtWorld(gm.page).catch(() => {});
    await player.context.close();
    await gm.context.close();
  }
});
