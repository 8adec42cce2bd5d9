// Rules the module's own sources keep: every string localised, styles scoped, no package paths for loading.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO } from "./paths.mjs";

function files(directory, extension) {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return files(full, extension);
    return full.endsWith(extension) ? [full] : [];
  });
}

function flatten(object, prefix = "") {
  return Object.entries(object).flatMap(([key, value]) =>
    typeof value === "object" ? flatten(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

const manifest = JSON.parse(readFileSync(path.join(REPO, "module.json"), "utf8"));
const english = new Set(flatten(JSON.parse(readFileSync(path.join(REPO, "lang/en.json"), "utf8"))));

test("every language file has exactly the English keys", () => {
  for (const language of manifest.languages) {
    const keys = new Set(flatten(JSON.parse(readFileSync(path.join(REPO, language.path), "utf8"))));
    assert.deepEqual([...keys].sort(), [...english].sort(), language.lang);
  }
});

test("every FAMILIAR key used in scripts and templates exists in lang/en.json", () => {
  const used = new Set();
  for (const file of [...files(path.join(REPO, "scripts"), ".mjs"), ...files(path.join(REPO, "templates"), ".hbs")]) {
    const text = readFileSync(file, "utf8");
    // A key ending in "." is a prefix completed at run time (concat in templates); its completions are checked
    // by the views' own tests.
    for (const match of text.matchAll(/"FAMILIAR\.([A-Za-z.]*[A-Za-z])"/g)) used.add(`FAMILIAR.${match[1]}`);
    for (const match of text.matchAll(/\bt\("([A-Za-z.]+)"/g)) used.add(`FAMILIAR.${match[1]}`);
  }
  assert.ok(used.size > 5);
  for (const key of used) assert.ok(english.has(key), `${key} is missing from lang/en.json`);
});

test("the adapter never hard-codes a /modules/ path (route prefixes and asset hosts break it)", () => {
  for (const file of files(path.join(REPO, "scripts"), ".mjs")) {
    assert.doesNotMatch(readFileSync(file, "utf8"), /["'`]\/modules\//, path.relative(REPO, file));
  }
});

test("the adapter sets innerHTML only from our own Handlebars templates (which escape every value)", () => {
  for (const file of files(path.join(REPO, "scripts"), ".mjs")) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (/\.innerHTML\s*=/.test(line)) {
        assert.match(line, /= (html;|await renderTemplate\(templatePath\()/, `${path.relative(REPO, file)}: ${line.trim()}`);
      }
    }
  }
});

test("every stylesheet selector is scoped to the module", () => {
  for (const file of files(path.join(REPO, "styles"), ".css")) {
    const css = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const keyframes = [...css.matchAll(/@keyframes\s+([\w-]+)/g)].map((match) => match[1]);
    for (const name of keyframes) assert.match(name, /^familiar-/, `keyframes ${name}`);
    const withoutKeyframes = css.replace(/@keyframes[^{]+\{(?:[^{}]*\{[^}]*\})*\s*\}/g, "");
    const selectors = [...withoutKeyframes.matchAll(/(^|\})\s*([^{}@]+?)\s*\{/g)].flatMap((match) => match[2].split(","));
    assert.ok(selectors.length > 5);
    for (const selector of selectors.map((text) => text.trim())) {
      assert.match(selector, /^(\.familiar-|#familiar-)/, `${path.basename(file)}: "${selector}" is not scoped`);
    }
  }
});

test("templates never output a value unescaped ({{{ }}})", () => {
  for (const file of files(path.join(REPO, "templates"), ".hbs")) {
    assert.doesNotMatch(readFileSync(file, "utf8"), /\{\{\{/, path.relative(REPO, file));
  }
});
