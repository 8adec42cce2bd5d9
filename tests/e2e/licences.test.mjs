// The release zip's THIRD-PARTY-LICENSES.md: every Rust crate in the wasm bundle and every npm package in the
// classifier, with licence and repository, and the licence texts the crates ship.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { unzipSync } from "fflate";
import { DIST, REPO, requireBuild } from "./paths.mjs";

function listing() {
  requireBuild();
  const { version } = JSON.parse(readFileSync(path.join(REPO, "module.json"), "utf8"));
  const zip = unzipSync(readFileSync(path.join(DIST, `pf2e-familiar-${version}.zip`)));
  assert.ok(zip["THIRD-PARTY-LICENSES.md"], "THIRD-PARTY-LICENSES.md is at the zip's root");
  return new TextDecoder().decode(zip["THIRD-PARTY-LICENSES.md"]);
}

/** The table rows of one section as `name version` → the row's cells. */
function rows(text, heading) {
  const section = text.split(/^## /m).find((part) => part.startsWith(heading));
  assert.ok(section, `a section "${heading}"`);
  const cells = section.split("\n").filter((line) => /^\| (?!crate|package|---)/.test(line))
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  return new Map(cells.map((row) => [`${row[0]} ${row[1]}`, row]));
}

test("the licence list names every crate the wasm links, and no build-only or own crate", () => {
  const crates = rows(listing(), "Rust crates compiled into");
  const tree = execFileSync("cargo", ["tree", "-p", "familiar-wasm", "--target", "wasm32-unknown-unknown",
    "-e", "normal,no-proc-macro", "--prefix", "none", "-f", "{p}"], { cwd: REPO, encoding: "utf8" });
  const linked = new Set(tree.split("\n").map((line) => line.replace(/ \(\*\)$/, "").trim())
    .filter((line) => line && !line.includes("(/")).map((line) => line.replace(/^(\S+) v(\S+)$/, "$1 $2")));
  assert.ok(linked.size > 50, `${linked.size} crates`);
  assert.deepEqual([...crates.keys()].sort(), [...linked].sort());
  const names = [...crates.keys()].map((id) => id.split(" ")[0]);
  for (const name of ["tantivy", "serde_json", "html5gum", "pulldown-cmark", "wasm-bindgen"]) assert.ok(names.includes(name), name);
  // Proc-macros and their parsers run in the compiler, the CLI's codecs are not in the wasm, our crates are ours.
  for (const name of ["syn", "serde_derive", "png", "ureq", "clap"]) assert.ok(!names.includes(name), name);
  assert.ok(!names.some((name) => name.startsWith("familiar-")));
  for (const [id, [, , licence, repository]] of crates) {
    assert.ok(licence && licence !== "unstated", `${id} has a licence`);
    assert.match(repository, /^https?:\/\//, `${id} has a repository`);
  }
});

test("the licence list names the classifier's npm packages and holds the licence texts", () => {
  const text = listing();
  const packages = rows(text, "npm packages bundled into");
  const names = [...packages.keys()].map((id) => id.replace(/ \S+$/, ""));
  for (const name of ["nsfwjs", "@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-wasm"]) assert.ok(names.includes(name), name);
  assert.equal(packages.get([...packages.keys()].find((id) => id.startsWith("nsfwjs ")))[2], "MIT");
  const texts = text.slice(text.indexOf("## Licence texts"));
  assert.match(texts, /### [^\n]*tantivy 0\.\d+\.\d+ \(LICENSE\)/);
  assert.match(texts, /### [^\n]*nsfwjs \S+ \(npm\)/);
  assert.match(texts, /Permission is hereby granted, free of charge/);
  assert.match(texts, /Apache License\s+Version 2\.0/);
});
