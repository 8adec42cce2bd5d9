// The legal and privacy texts the issue asks for are present, say what they must, and link to each other: the
// Community Use Policy notice and the OGL/ORC attribution in the README, and the policies under docs/.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO } from "./paths.mjs";

const read = (file) => readFileSync(path.join(REPO, file), "utf8");

/** Relative Markdown links of a file, resolved against its folder. */
function localLinks(file) {
  const links = [...read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1]);
  return links.filter((href) => !/^[a-z]+:/.test(href)).map((href) => path.join(path.dirname(file), href));
}

const POLICIES = ["privacy", "usage-guidelines", "content-policy", "liability", "takedown"].map((name) => `docs/${name}.md`);

test("the README carries Paizo's Community Use Policy notice and the OGL/ORC attribution", () => {
  const readme = read("README.md").replace(/\s+/g, " ");
  for (const notice of [
    "used under Paizo's Community Use Policy (paizo.com/licenses/communityuse)",
    "We are expressly prohibited from charging you to use or access this content",
    "not published, endorsed, or specifically approved by Paizo",
    "No Paizo text ships with the module",
    "Open Game License 1.0a",
    "ORC License",
  ]) {
    assert.ok(readme.includes(notice), `README: "${notice}"`);
  }
});

test("every policy exists, the README links it, and no local link is broken", () => {
  const linked = new Set(localLinks("README.md"));
  for (const policy of POLICIES) {
    assert.ok(existsSync(path.join(REPO, policy)), `${policy} exists`);
    assert.ok(linked.has(policy), `the README links ${policy}`);
  }
  for (const file of ["README.md", ...POLICIES]) {
    for (const target of localLinks(file)) assert.ok(existsSync(path.join(REPO, target)), `${file} → ${target}`);
  }
});

test("the privacy page says what goes to whom, what is kept, and how to export or delete it", () => {
  const privacy = read("docs/privacy.md").replace(/[ \t]*\n[ \t]*(?!#)/g, " ");
  for (const topic of ["## What goes where", "## What is kept, and where", "Export my data", "Forget me",
    "Remove all of Familiar's data", "consent"]) {
    assert.ok(privacy.includes(topic), `privacy: "${topic}"`);
  }
  assert.match(read("docs/takedown.md"), /https:\/\/github\.com\/familiar-vtt\/familiar\/issues/);
  assert.match(read("docs/liability.md"), /"as is", without warranty/);
});
