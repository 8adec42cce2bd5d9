// The Art view through the module in the harness, against tests/fakes/image-server.mjs (every provider format, with
// scripted faults in the base URL): the GM's art provider form (keys sealed, documented default base URLs), who sees
// the Art tab, the prompt filter blocking before anything is sent, a portrait + token that fails over from a broken
// provider, applying the portrait to a harness actor (the file in the world's data is WebP), cancel, and axe.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { openGame, USERS, generationOf } from "../support/harness.mjs";
import { axeViolations, openPanel, showView } from "./panel-states.mjs";
import { useFakeImageServer, useModuleHarness } from "./setup.mjs";
import { ravenInteractive } from "./waits.mjs";

let browser;
let harness;
let worldDir;
let fakeUrl;

useFakeImageServer((url) => (fakeUrl = url), ["--polls", "1"]);

useModuleHarness({ worldDir: "familiar-art-" }, (started) => ({ browser, harness, worldDir } = started));

const stats = () => fetch(`${fakeUrl}/stats`).then((response) => response.json());
const generationRequests = (s) => Object.values(s.byApi ?? {}).reduce((a, b) => a + b, 0);

/** The art provider form, opened as Foundry's settings window would open the menu (the harness has none). */
async function openArtProviderForm(page) {
  await ravenInteractive(page);
  await page.evaluate(() => new (game.settings.menus.get("pf2e-familiar.artProviders").type)().render(true));
  const form = page.locator("#familiar-art-providers form");
  await form.waitFor();
  return form;
}

async function addArtProvider(form, { name, api, baseUrl, key }) {
  await form.getByRole("button", { name: "Add provider" }).click();
  const row = form.locator(".familiar-provider").last();
  await row.getByLabel("Name").fill(name);
  await row.getByLabel("Format").selectOption(api);
  if (baseUrl) await row.getByLabel("Base URL").fill(baseUrl);
  if (key) await row.getByLabel("API key").fill(key);
  return row;
}

async function saveArtProviders(page, form) {
  await form.getByRole("button", { name: "Save" }).click();
  await page.locator("#familiar-art-providers").waitFor({ state: "detached" });
}

/** The GM's chain: a provider that always fails (500) first, a working one second. */
async function configureChain(page, chain) {
  const form = await openArtProviderForm(page);
  for (const provider of chain) await addArtProvider(form, provider);
  await saveArtProviders(page, form);
}

async function openArt(page) {
  const panel = await openPanel(page);
  await showView(page, "art");
  return panel;
}

describe("art provider settings", () => {
  test("the form fills each format's documented base URL, seals keys, and the chain survives a reload", async () => {
    const { page, context } = await openGame(browser, harness, { profile: "v13" });
    try {
      const form = await openArtProviderForm(page);
      const row = await addArtProvider(form, { name: "horde", api: "horde" });
      assert.equal(await row.getByLabel("Base URL").inputValue(), "https://aihorde.net/api");
      await row.getByLabel("Format").selectOption("a1111");
      assert.equal(await row.getByLabel("Base URL").inputValue(), "http://127.0.0.1:7860");
      await row.getByLabel("Format").selectOption("stability");
      await row.getByLabel("API key").fill("sk-stability-secret-1234");
      // The chat form's model listing and connection test are not offered for images.
      assert.equal(await row.getByRole("button", { name: "Test connection" }).count(), 0);
      await saveArtProviders(page, form);
      const stored = await page.evaluate(() => game.settings.get("pf2e-familiar", "artProviderChain"));
      assert.equal(stored.providers.length, 1);
      assert.equal(stored.providers[0].api, "stability");
      assert.equal(stored.providers[0].baseUrl, "https://api.stability.ai");
      assert.ok(stored.providers[0].key?.iv && stored.providers[0].key?.data);
      const local = await page.evaluate(() => JSON.stringify(localStorage));
      assert.ok(!local.includes("sk-stability-secret-1234"), "the key is never stored in plain text");
      // The chat chain is untouched.
      assert.equal((await page.evaluate(() => game.settings.get("pf2e-familiar", "providerChain"))).providers.length, 0);
      await page.reload();
      const again = await openArtProviderForm(page);
      assert.equal(await again.locator(".familiar-provider").count(), 1);
      assert.equal(await again.getByLabel("Name").inputValue(), "horde");
      assert.match(await again.getByLabel("API key").getAttribute("placeholder"), /stored, encrypted/);
      await again.locator(".familiar-provider").getByRole("button", { name: "Remove" }).click();
      await saveArtProviders(page, again);
    } finally {
      await context.close();
    }
  });

  test("strictness and the players' switch are GM-only world settings; players see no Art tab by default", async () => {
    const gm = await openGame(browser, harness, { profile: "v13" });
    const player = await openGame(browser, harness, { profile: "v13", user: USERS.brannoc });
    try {
      const settings = await gm.page.evaluate(() => ["artStrictness", "playersMayRequestArt"].map((key) => {
        const setting = game.settings.settings.get(`pf2e-familiar.${key}`);
        return { scope: setting.scope, restricted: setting.restricted, value: game.settings.get("pf2e-familiar", key) };
      }));
      assert.deepEqual(settings, [
        { scope: "world", restricted: true, value: "strict" },
        { scope: "world", restricted: true, value: false },
      ]);
      const panel = await openPanel(player.page);
      assert.equal(await panel.getByRole("tab", { name: "Art" }).count(), 0);
      const gmPanel = await openPanel(gm.page);
      assert.equal(await gmPanel.getByRole("tab", { name: "Art" }).count(), 1);
      // Allowed, a player sees the tab with a request form for the GM's client (art-relay.test.mjs runs it): no
      // provider to pick, no Generate of their own.
      await gm.page.evaluate(() => game.settings.set("pf2e-familiar", "playersMayRequestArt", true));
      await player.page.reload();
      await ravenInteractive(player.page);
      // The panel was open before the reload and the raven reopens it.
      const allowed = player.page.locator("#familiar-panel");
      if (!(await allowed.isVisible())) await openPanel(player.page);
      await allowed.getByRole("tab", { name: "Art" }).click();
      await allowed.getByRole("button", { name: "Request" }).waitFor();
      assert.equal(await allowed.getByRole("button", { name: "Generate" }).count(), 0);
      assert.equal(await allowed.getByLabel("Provider").count(), 0);
      await gm.page.evaluate(() => game.settings.set("pf2e-familiar", "playersMayRequestArt", false));
    } finally {
      await gm.context.close();
      await player.context.close();
    }
  });
});

for (const profile of ["v10", "v13", "v14"]) {
  describe(`Art view on ${profile}`, () => {
    test("blocks a blocked prompt before sending; a portrait + token fails over, applies to an actor, is WebP; axe", async () => {
      const { page, context, pageErrors } = await openGame(browser, harness, { profile });
      try {
        await configureChain(page, [
          { name: "broken", api: "openai", baseUrl: `${fakeUrl}/500/openai/v1`, key: "sk-broken" },
          { name: "working", api: "a1111", baseUrl: `${fakeUrl}/ok/a1111` },
        ]);
        const panel = await openArt(page);
        await panel.getByLabel("For actor").selectOption({ label: "Mill Crow" });
        assert.equal(await panel.getByLabel("What to paint").inputValue(), "Mill Crow");
        const before = generationRequests(await stats());
        await panel.getByLabel("What to paint").fill("a nude elf");
        await panel.getByRole("button", { name: "Generate" }).click();
        await panel.locator("[data-familiar-art-verdict][data-familiar-blocked]").waitFor();
        assert.match(await panel.locator("[data-familiar-art-verdict]").textContent(), /Not sent/);
        assert.equal(generationRequests(await stats()), before, "a blocked prompt sends nothing");

        await panel.getByLabel("What to paint").fill("Mill Crow");
        await panel.getByLabel("Kind of picture").selectOption({ label: "Portrait and token" });
        await panel.getByRole("button", { name: "Generate" }).click();
        const items = panel.locator(".familiar-art__item");
        await page.waitForFunction(() => document.querySelectorAll("#familiar-panel .familiar-art__item").length === 2, null, { timeout: 60_000 });
        await panel.locator("[data-familiar-art-status]").filter({ hasText: "Finished" }).waitFor({ timeout: 60_000 });
        assert.equal(await items.count(), 2);
        const captions = await items.locator("figcaption").allTextContents();
        assert.ok(captions.some((text) => /Portrait/.test(text)) && captions.some((text) => /Token/.test(text)), captions.join("|"));
        assert.ok(captions.every((text) => /working/.test(text)), `the working provider made them: ${captions.join("|")}`);
        assert.ok(captions.every((text) => /quality \d/.test(text) && /Image classifier: passed/.test(text)), captions.join("|"));
        const s = await stats();
        assert.ok((s.byApi.openai ?? 0) >= 1, "the broken provider was tried first");

        await items.first().getByRole("button", { name: "Apply to actor" }).click();
        await page.waitForFunction(() => Boolean(game.actors.get("ActorMillCrow001").img));
        const img = await page.evaluate(() => game.actors.get("ActorMillCrow001").img);
        assert.match(img, /^worlds\/harness-vale\/pf2e-familiar-art\/mill-crow[-\w]*\.webp$/);
        const bytes = readFileSync(path.join(worldDir, "files", img));
        assert.equal(bytes.subarray(0, 4).toString("latin1"), "RIFF");
        assert.equal(bytes.subarray(8, 12).toString("latin1"), "WEBP");
        assert.equal(harness.world.actors.find((actor) => actor._id === "ActorMillCrow001").img, img);

        await items.nth(1).getByRole("button", { name: "Apply to token" }).click();
        await page.waitForFunction(() => Boolean(game.actors.get("ActorMillCrow001").prototypeToken?.texture?.src));
        await items.nth(1).getByRole("button", { name: "Post to chat" }).click();
        await page.locator("#chat-log .familiar-art-card img").first().waitFor();

        assert.deepEqual(await axeViolations(page), []);
        assert.deepEqual(pageErrors, []);
        if (generationOf(profile) >= 13) {
          const progress = await page.evaluate(() => window.__harness.notifications.filter((n) => n.progress).length);
          assert.ok(progress >= 1, "v13 shows a progress notification");
        }
      } finally {
        await context.close();
      }
    });
  });
}

test("cancel stops a job that would never finish (a stalled Horde job)", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v13" });
  try {
    await configureChain(page, [{ name: "stalled", api: "horde", baseUrl: `${fakeUrl}/stall/horde/api` }]);
    const panel = await openArt(page);
    await panel.getByLabel("What to paint").fill("a lantern-lit ruined chapel");
    await panel.getByLabel("Kind of picture").selectOption({ label: "Scene" });
    await panel.getByRole("button", { name: "Generate" }).click();
    const cancel = panel.getByRole("button", { name: "Cancel" });
    await page.waitForFunction(() => !document.querySelector("#familiar-panel [data-familiar-art-cancel]")?.disabled);
    await page.waitForTimeout(500);
    await cancel.click();
    await panel.locator("[data-familiar-art-status]").filter({ hasText: "Cancelled" }).waitFor({ timeout: 10_000 });
    assert.equal(await panel.locator(".familiar-art__item").count(), 0);
    assert.equal(await panel.getByRole("button", { name: "Generate" }).isEnabled(), true);
  } finally {
    await context.close();
  }
});

test("a creature's prompt carries its description, read from its HTML as the rules index reads it", async () => {
  const { page, context } = await openGame(browser, harness, { profile: "v13" });
  try {
    await configureChain(page, [{ name: "sd", api: "a1111", baseUrl: `${fakeUrl}/ok/a1111` }]);
    await page.evaluate(() =>
      game.actors.get("ActorMillCrow001").update({
        "system.details.publicNotes": '<p>A <strong>hunched</strong> scarecrow of mill sacks &amp; straw, stuffed with @UUID[Compendium.pf2e.equipment-srd.Item.x]{black feathers}.</p><p>It creaks.</p><p>Third paragraph, never sent.</p>',
      }),
    );
    const panel = await openArt(page);
    await panel.getByLabel("For actor").selectOption({ label: "Mill Crow" });
    assert.equal(await panel.getByLabel("What to paint").inputValue(), "Mill Crow", "the prompt is prefilled from the actor");
    await panel.getByLabel("Kind of picture").selectOption({ label: "Portrait" });
    await panel.getByRole("button", { name: "Generate" }).click();
    await panel.locator("[data-familiar-art-status]").filter({ hasText: "Finished" }).waitFor({ timeout: 60_000 });
    const sent = (await stats()).lastPrompt;
    assert.match(sent, /Mill Crow/);
    assert.match(sent, /A hunched scarecrow of mill sacks & straw, stuffed with black feathers\. It creaks/, sent);
    assert.ok(!/[<>@]|UUID|Third paragraph/.test(sent), sent);
    assert.ok(sent.length <= 600, `within A1111's prompt limit: ${sent.length}`);
  } finally {
    await page.evaluate(() => game.actors.get("ActorMillCrow001").update({ "system.details.publicNotes": "" })).catch(() => {});
    await context.close();
  }
});

for (const profile of ["v10", "v13", "v14"]) {
  test(`${profile}: Apply to token asks whether the actor's tokens on the scene change too (${profile === "v10" ? "Dialog" : "DialogV2"})`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile });
    let created = [];
    try {
      await configureChain(page, [{ name: "sd", api: "a1111", baseUrl: `${fakeUrl}/ok/a1111` }]);
      // Two Mill Crow tokens and one of another actor on the viewed scene.
      const tokenIds = await page.evaluate(async () => {
        const token = (actorId) => ({ actorId, name: game.actors.get(actorId).name, texture: { src: "icons/old.webp" } });
        const made = await canvas.scene.createEmbeddedDocuments("Token", [token("ActorMillCrow001"), token("ActorMillCrow001"), token("ActorBrannoc0001")]);
        return made.map((document) => document.id);
      });
      created = tokenIds;
      const textures = () => page.evaluate((ids) => ids.map((id) => canvas.tokens.get(id)?.document.texture.src), tokenIds);
      const panel = await openArt(page);
      await panel.getByLabel("For actor").selectOption({ label: "Mill Crow" });
      await panel.getByLabel("Kind of picture").selectOption({ label: "Token" });
      await panel.getByRole("button", { name: "Generate" }).click();
      await panel.locator("[data-familiar-art-status]").filter({ hasText: "Finished" }).waitFor({ timeout: 60_000 });
      const item = panel.locator(".familiar-art__item").first();

      // No: only the prototype token changes.
      await item.getByRole("button", { name: "Apply to token" }).click();
      const dialog = page.getByRole("dialog", { name: "Apply to token" });
      await dialog.waitFor();
      assert.match(await dialog.textContent(), /Mill Crow has 2 tokens on this scene/);
      await dialog.getByRole("button", { name: "No" }).click();
      await page.waitForFunction(() => window.__harness.notifications.some((n) => /prototype token has the new picture/.test(n.message)));
      const src = await page.evaluate(() => game.actors.get("ActorMillCrow001").prototypeToken.texture.src);
      assert.match(src, /^worlds\/harness-vale\/pf2e-familiar-art\/mill-crow-token[-\w]*\.webp$/);
      assert.deepEqual(await textures(), ["icons/old.webp", "icons/old.webp", "icons/old.webp"]);

      // Yes: the actor's two tokens get the picture; the other actor's token keeps its own.
      await item.getByRole("button", { name: "Apply to token" }).click();
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Yes" }).click();
      await page.waitForFunction(() => window.__harness.notifications.some((n) => /its 2 tokens on this scene have the new picture/.test(n.message)));
      assert.deepEqual(await textures(), [src, src, "icons/old.webp"]);
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.evaluate((ids) => canvas.scene.deleteEmbeddedDocuments("Token", ids), created).catch(() => {});
      await context.close();
    }
  });
}
