// Content links in answers point only at what the raven cited (issue #25). The model (our fake provider, which echoes
// its model name into the answer) writes a Macro link, an inline roll, a system enricher and an external link that
// poses as the rules beside a real citation [1]. On the GM's page, on the player's page for the relayed answer, in the
// card the player posts (seen on both pages) and in the player's Ask history after a reload: the Macro link is its
// label, the roll and the enricher are text, the external link shows its host, and the citation is a working,
// draggable content link. The harness enriches chat content as Foundry does (tests/harness/client/enrich.mjs; a
// control message shows it), so the posted card is seen as Foundry would show it. Runs on every profile of v13 and
// v14 the harness has.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PROFILE_NAMES } from "../harness/client/versions.mjs";
import { openGame, USERS } from "../support/harness.mjs";
import { addProvider, ask, openAsk, openProviderForm, saveForm } from "./ask-steps.mjs";
import { useFakeProvider, useModuleHarness } from "./setup.mjs";

const PROFILES = PROFILE_NAMES.filter((name) => ["v13", "v14"].includes(name));
const BREATH = { name: "Catch Your Breath", uuid: "Compendium.familiar-demo.rules.Item.DemoRuleBreath01" };
const MACRO = "Macro.HostileMacro0001";
/** What the model writes besides its citation, as its name (the fake provider answers with it). */
const HOSTILE = `see @UUID[${MACRO}]{the rules}, roll [[/r 1d20+7]] or @Check[fortitude|dc:20], read [the errata](https://rules.pf2e.test@evil.test/errata)`;

let browser;
let harness;
let fakeUrl;
useFakeProvider((url) => (fakeUrl = url));
useModuleHarness({}, (started) => ({ browser, harness } = started));

/** What a shown answer or card holds: its content links' uuids, inline rolls, external links and text. */
function shown(root) {
  return root.evaluate((element) => ({
    uuids: [...element.querySelectorAll("[data-uuid]")].map((link) => link.dataset.uuid),
    rolls: element.querySelectorAll(".inline-roll, [data-formula]").length,
    urls: [...element.querySelectorAll("a[href]")].map((link) => [link.textContent, link.rel]),
    text: element.textContent,
  }));
}

/** The Macro link is its label, the roll and enricher are words, the URL shows its host; the citation is a link. */
function assertDisarmed(found, where) {
  assert.ok(!found.uuids.some((uuid) => uuid.includes("Macro")), `${where}: a Macro link: ${found.uuids}`);
  assert.ok(found.uuids.includes(BREATH.uuid), `${where}: the citation is a content link: ${found.uuids}`);
  assert.equal(found.rolls, 0, `${where}: an inline roll`);
  for (const words of ["see the rules,", "[[/r 1d20+7]]", "@Check[fortitude|dc:20]"]) assert.ok(found.text.includes(words), `${where}: ${words} in ${found.text}`);
  assert.deepEqual(found.urls, [["the errata (evil.test)", "noopener noreferrer nofollow"]], where);
}

/** The citation opens and drags as Foundry's own links do. */
async function assertWorkingLink(page, link) {
  assert.equal(await link.getAttribute("draggable"), "true");
  assert.equal(await page.evaluate(async (uuid) => (await fromUuid(uuid))?.name, await link.getAttribute("data-uuid")), BREATH.name);
}

for (const profile of PROFILES) {
  test(`${profile}: a model's Macro link, roll and enricher are plain text on the GM's and the player's page, in the posted card and in the history; the real citation stays a working link`, async () => {
    const gm = await openGame(browser, harness, { profile, user: USERS.gm });
    const player = await openGame(browser, harness, { profile, user: USERS.brannoc });
    const prefix = `links-${profile}`;
    try {
      const form = await openProviderForm(gm.page);
      await addProvider(form, { name: prefix, baseUrl: `${fakeUrl}/${prefix}/v1`, model: HOSTILE, key: "sk-e2e-links" });
      await saveForm(gm.page, form);

      // The control: content Foundry enriches does become a Macro link and a roll in the harness's chat log.
      await gm.page.evaluate((macro) => ChatMessage.create({ content: `<p>control @UUID[${macro}]{the rules} [[/r 1d6]]</p>` }), MACRO);
      const control = await shown(gm.page.locator("#chat-log .message-content", { hasText: "control" }).last());
      assert.deepEqual([control.uuids, control.rolls], [[MACRO], 1]);

      // The GM's own question.
      const gmPanel = await openAsk(gm.page);
      await ask(gmPanel);
      await gmPanel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      assertDisarmed(await shown(gmPanel.locator("[data-familiar-answer-body]")), "the GM's answer");

      // The player's question, relayed through the GM's page.
      let panel = await openAsk(player.page);
      await ask(panel);
      await panel.getByText(`Answered by ${prefix}`).waitFor({ timeout: 15_000 });
      const body = panel.locator("[data-familiar-answer-body]");
      assertDisarmed(await shown(body), "the relayed answer");
      const link = body.locator(`a.content-link[data-uuid="${BREATH.uuid}"]`);
      await assertWorkingLink(player.page, link);
      const dragged = await link.evaluate((anchor) => {
        const dataTransfer = new DataTransfer();
        anchor.dispatchEvent(new DragEvent("dragstart", { bubbles: true, dataTransfer }));
        return JSON.parse(dataTransfer.getData("text/plain"));
      });
      assert.deepEqual(dragged, { type: "Item", uuid: BREATH.uuid });

      // Posted to chat, as both pages show it (enriched as Foundry would).
      await panel.getByRole("button", { name: "Post to chat" }).click();
      for (const [page, who] of [[player.page, "player"], [gm.page, "GM"]]) {
        const card = page.locator("#chat-log .familiar-chat-answer").filter({ hasText: `Answered by ${prefix}` }).last();
        await card.waitFor();
        assertDisarmed(await shown(card.locator("[data-familiar-answer-body]")), `the posted card on the ${who}'s page`);
        assert.ok(!(await shown(card)).uuids.some((uuid) => uuid.includes("Macro")), `the ${who}'s card`);
        await assertWorkingLink(page, card.locator(`.familiar-chat-answer__sources a.content-link[data-uuid="${BREATH.uuid}"]`));
      }

      // The player's history after a reload: the stored answer is checked again.
      await player.page.reload();
      panel = await openAsk(player.page);
      const entry = panel.locator("[data-familiar-history-entry]").last();
      await entry.waitFor();
      assertDisarmed(await shown(entry.locator("[data-familiar-history-body]")), "the history");
      await assertWorkingLink(player.page, entry.locator(`.familiar-history__sources a.content-link[data-uuid="${BREATH.uuid}"]`));
      for (const opened of [gm, player]) assert.deepEqual(opened.pageErrors, []);
    } finally {
      for (const opened of [player, gm]) await opened.context.close();
    }
  });
}
