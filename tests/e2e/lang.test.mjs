// The translations in lang/: every language module.json lists has its file, with exactly the English keys, and
// each string keeps the English string's {placeholders} (format() fills only the names the code passes, so a
// renamed or dropped one shows up as raw "{name}" or loses a value). No browser: plain files.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO } from "./paths.mjs";

/** Every string of a language file by its dotted key. */
function strings(object, prefix = "") {
  return Object.entries(object).flatMap(([key, value]) =>
    value !== null && typeof value === "object" ? strings(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

/** The sorted, distinct {placeholder} names of a string, as Localization.format finds them. */
function placeholders(text) {
  return [...new Set([...text.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]))].sort();
}

const manifest = JSON.parse(readFileSync(path.join(REPO, "module.json"), "utf8"));
const englishEntry = manifest.languages.find((language) => language.lang === "en");
const english = new Map(strings(JSON.parse(readFileSync(path.join(REPO, englishEntry.path), "utf8"))));
const translations = manifest.languages.filter((language) => language.lang !== "en");

function load(language) {
  return new Map(strings(JSON.parse(readFileSync(path.join(REPO, language.path), "utf8"))));
}

test("module.json lists English, German, French and Spanish, each once, each with its file", () => {
  const codes = manifest.languages.map((language) => language.lang);
  assert.deepEqual([...codes].sort(), ["de", "en", "es", "fr"]);
  for (const language of manifest.languages) {
    assert.ok(language.name && language.path, `${language.lang} has a name and a path`);
    assert.equal(language.path, `lang/${language.lang}.json`);
    assert.ok(existsSync(path.join(REPO, language.path)), `${language.path} exists`);
  }
});

test("English itself is sane: every value a non-empty string", () => {
  assert.ok(english.size > 100);
  for (const [key, value] of english) assert.ok(typeof value === "string" && value.trim() !== "", key);
});

for (const language of translations) {
  test(`${language.lang}: no key of en.json is missing`, () => {
    const keys = load(language);
    const missing = [...english.keys()].filter((key) => !keys.has(key));
    assert.deepEqual(missing, [], `${language.path} lacks ${missing.join(", ")}`);
  });

  test(`${language.lang}: no key that en.json does not have`, () => {
    const extra = [...load(language).keys()].filter((key) => !english.has(key));
    assert.deepEqual(extra, [], `${language.path} has keys en.json lacks: ${extra.join(", ")}`);
  });

  test(`${language.lang}: every string is a non-empty string with the English {placeholders} and no HTML`, () => {
    for (const [key, value] of load(language)) {
      if (!english.has(key)) continue; // reported by the test above
      assert.ok(typeof value === "string" && value.trim() !== "", `${language.lang} ${key} is empty or not a string`);
      assert.deepEqual(placeholders(value), placeholders(english.get(key)), `${language.lang} ${key}: placeholders differ`);
      assert.doesNotMatch(value, /<\/?[a-z][^>]*>/i, `${language.lang} ${key} holds HTML`);
    }
  });

  test(`${language.lang}: the strings are translated, not copied from English`, () => {
    const keys = load(language);
    // Names, units and abbreviations ("Familiar", "{ms} ms", "Monster") may stay the same; most text may not.
    const same = [...english].filter(([key, value]) => keys.get(key) === value && /[a-z]{3}.*\s.*[a-z]{3}/i.test(value));
    assert.ok(same.length <= english.size * 0.05, `${language.lang}: ${same.length} sentences equal English: ${same.map(([key]) => key).join(", ")}`);
  });

  test(`${language.lang}: the system prompt keeps its citation format and line structure`, () => {
    const prompt = load(language).get("FAMILIAR.Ask.SystemPrompt");
    const source = english.get("FAMILIAR.Ask.SystemPrompt");
    // The answer view links [n] to the numbered passages, so the model must still be shown [1] and [2][3].
    for (const citation of ["[1]", "[2][3]"]) assert.ok(prompt.includes(citation), `${language.lang} prompt shows ${citation}`);
    assert.equal(prompt.split("\n").length, source.split("\n").length, `${language.lang} prompt keeps its ${source.split("\n").length} lines`);
  });
}
