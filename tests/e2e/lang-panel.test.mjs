// The module in another language: with the harness's `lang=de` Foundry loads lang/de.json, and every view of the
// raven panel renders German, with no raw FAMILIAR.* key and no English sentence left over.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { openGame } from "../support/harness.mjs";
import { REPO } from "./paths.mjs";
import { CREATURES, useModuleHarness } from "./setup.mjs";
import { ravenInteractive } from "./waits.mjs";
import { GM_VIEWS } from "../support/raven-ui.mjs";

let browser;
let harness;
useModuleHarness({ packs: [CREATURES] }, (started) => ({ browser, harness } = started));

function strings(object) {
  return Object.values(object).flatMap((value) => (typeof value === "object" ? strings(value) : [value]));
}

const read = (lang) => JSON.parse(readFileSync(path.join(REPO, `lang/${lang}.json`), "utf8"));
const german = read("de").FAMILIAR;
// English sentences (three words or more, no placeholders) that must not show up in the German panel.
const englishSentences = strings(read("en")).filter((text) => !text.includes("{") && text.split(" ").length >= 3);

/** The panel's visible text plus the text screen readers and inputs carry. */
function panelText(panel) {
  return panel.evaluate((element) => {
    const attributes = [...element.querySelectorAll("[aria-label], [placeholder], [title]")].flatMap((node) =>
      ["aria-label", "placeholder", "title"].map((name) => node.getAttribute(name) ?? ""),
    );
    return [element.innerText, ...attributes].join("\n");
  });
}

test("v13, lang=de: the raven and every view of its panel speak German", async () => {
  const { page, context, pageErrors } = await openGame(browser, harness, { profile: "v13", query: { lang: "de" } });
  try {
    assert.equal(await page.evaluate(() => game.i18n.lang), "de");
    await ravenInteractive(page);
    const raven = page.locator("#familiar-raven");
    assert.equal(await raven.getAttribute("aria-label"), german.Raven.Label);
    await raven.click();
    const panel = page.locator("#familiar-panel");
    const tabs = panel.getByRole("tab");
    await tabs.first().waitFor();
    const names = await tabs.allTextContents();
    // The machine's views are titled from Raven.View, the panel's own About tab from Views.
    const title = (id) => german.Views[id] ?? german.Raven.View[id[0].toUpperCase() + id.slice(1)];
    assert.deepEqual(names.map((name) => name.trim()), GM_VIEWS.map(title));

    for (const name of names) {
      await panel.getByRole("tab", { name: name.trim() }).click();
      await panel.locator(`[aria-selected="true"]`, { hasText: name.trim() }).waitFor();
      await page.waitForTimeout(200);
      const text = await panelText(panel);
      assert.doesNotMatch(text, /FAMILIAR\.[A-Za-z]/, `${name}: a raw key is shown`);
      const english = englishSentences.filter((sentence) => text.includes(sentence));
      assert.deepEqual(english, [], `${name}: English text left in the German panel`);
    }
    await panel.getByRole("tab", { name: german.Views.ask }).click();
    await panel.getByRole("button", { name: german.Ask.Submit }).waitFor();
    assert.equal(await panel.getByRole("searchbox").getAttribute("placeholder"), german.Ask.Placeholder);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
