// The panel's views as a GM and a player use them: Ask finds rules as content links, Encounter generates and
// whispers plans with the pf2e system's XP, Monster previews and creates an NPC actor; players get only their views.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { openGame, USERS } from "../support/harness.mjs";
import { ravenInteractive } from "./waits.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

async function openView(page, name) {
  await ravenInteractive(page);
  await page.locator("#familiar-raven").click();
  const panel = page.locator("#familiar-panel");
  await panel.getByRole("tab", { name }).click();
  await panel.locator(`[aria-selected="true"]`, { hasText: name }).waitFor();
  return panel;
}

for (const profile of ["v11", "v13", "v14"]) {
  test(`${profile}: Ask lists the rules as content links and renders hostile input as text`, async () => {
    const { page, context, pageErrors } = await openGame(browser, harness, { profile, user: USERS.brannoc });
    try {
      let dialogs = 0;
      page.on("dialog", (dialog) => {
        dialogs++;
        dialog.dismiss();
      });
      const panel = await openView(page, "Ask");
      assert.deepEqual(await panel.getByRole("tab").allTextContents(), ["Ask", "About"]);
      await panel.getByRole("searchbox").fill("how do I catch my breath after a fight?");
      await panel.getByRole("button", { name: "Ask" }).click();
      const first = panel.locator(".familiar-hit a.content-link").first();
      await first.waitFor();
      assert.equal(await first.textContent(), "Catch Your Breath");
      assert.equal(await first.getAttribute("data-uuid"), "Compendium.familiar-demo.rules.Item.DemoRuleBreath01");

      await panel.getByRole("searchbox").fill('<img src=x onerror="alert(1)"><script>alert(2)</script> breath');
      await panel.getByRole("button", { name: "Ask" }).click();
      await panel.locator(".familiar-results").waitFor();
      await page.waitForTimeout(300);
      assert.equal(await panel.locator(".familiar-results img, .familiar-results script").count(), 0);
      assert.equal(dialogs, 0);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${profile}: Encounter prefills the party, generates in the threat band and whispers the plan to GMs`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    try {
      const panel = await openView(page, "Encounter");
      const expected = await page.evaluate(() => {
        const pcs = game.actors.filter((actor) => actor.type === "character" && actor.hasPlayerOwner);
        const mean = pcs.reduce((sum, actor) => sum + actor.system.details.level.value, 0) / pcs.length;
        return { level: String(Math.round(mean)), size: String(pcs.length) };
      });
      assert.equal(await panel.getByLabel("Party level").inputValue(), expected.level);
      assert.equal(await panel.getByLabel("Party size").inputValue(), expected.size);
      await panel.getByLabel("Party level").fill("2");
      await panel.getByLabel("Party size").fill("4");
      await panel.getByLabel("Threat").selectOption("moderate");
      await panel.getByRole("button", { name: "Generate" }).click();
      const proposals = panel.locator(".familiar-proposal");
      await proposals.first().waitFor();
      for (const text of await proposals.locator("header p").allTextContents()) {
        const total = Number(/^(\d+) XP/.exec(text)[1]);
        assert.ok(total > 60 && total <= 80, `moderate for 4 at level 2 is 61–80 XP, got "${text}"`);
      }
      await proposals.first().getByRole("button", { name: "Whisper to GMs" }).click();
      const message = page.locator("#chat-log").getByText(/Encounter plan: Moderate/).last();
      await message.waitFor();
      const whisper = await page.evaluate(() => game.messages.contents.at(-1).whisper);
      assert.deepEqual(whisper, [await page.evaluate(() => game.users.find((user) => user.isGM).id)]);

      await panel.getByLabel("Only creatures with these traits").fill("dragon");
      await panel.getByRole("button", { name: "Generate" }).click();
      await panel.locator(".familiar-results__error").waitFor();
    } finally {
      await context.close();
    }
  });

  test(`${profile}: Monster previews a creature and creates a pf2e NPC actor`, async () => {
    const { page, context } = await openGame(browser, harness, { profile });
    try {
      const panel = await openView(page, "Monster");
      await panel.getByLabel("Name").fill("Weir Warden");
      await panel.getByLabel("Level").fill("5");
      await panel.getByLabel("Road map").selectOption("brute");
      await panel.getByRole("button", { name: "Preview" }).click();
      await panel.locator(".familiar-statblock").waitFor();
      const ac = Number(await panel.locator('[data-familiar-stat="ac"]').textContent());
      assert.ok(ac >= 19 && ac <= 25, `AC ${ac} for a level 5 brute`);
      await panel.getByRole("button", { name: "Create actor" }).click();
      const actor = await page.waitForFunction(() => {
        const found = game.actors.find((candidate) => candidate.name === "Weir Warden");
        return found && { type: found.type, level: found.system.details.level.value, items: found.items.size ?? found.items.length };
      });
      const created = await actor.jsonValue();
      assert.equal(created.type, "npc");
      assert.equal(created.level, 5);
      assert.ok(created.items > 0);
    } finally {
      await context.close();
    }
  });
}

test("Status shows the rules index and the other clients to the GM", async () => {
  const gm = await openGame(browser, harness, { profile: "v12" });
  const player = await openGame(browser, harness, { profile: "v12", user: USERS.tamsin });
  try {
    await gm.page.evaluate(() => game.modules.get("pf2e-familiar").api.search("make camp"));
    const panel = await openView(gm.page, "Status");
    assert.equal(await panel.locator('[data-familiar-fact="index-state"]').textContent(), "Ready");
    assert.ok(Number(await panel.locator('[data-familiar-fact="index-documents"]').textContent()) >= 12);
    await panel.locator(".familiar-status__peers").getByText(/Tamsin/).waitFor();
  } finally {
    await gm.context.close();
    await player.context.close();
  }
});
