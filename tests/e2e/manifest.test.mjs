// The manifest and the release zip: what Foundry's installer needs, and one version everywhere.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { unzipSync } from "fflate";
import { DIST, REPO, requireBuild } from "./paths.mjs";

const source = JSON.parse(readFileSync(path.join(REPO, "module.json"), "utf8"));
const workspaceVersion = /^\[workspace\.package\][^[]*?^version = "([^"]+)"/ms.exec(
  readFileSync(path.join(REPO, "Cargo.toml"), "utf8"),
)?.[1];

test("module.json has the v10+ fields with the right types", () => {
  assert.equal(source.id, "pf2e-familiar");
  for (const key of ["title", "description", "version", "url", "manifest", "download"]) {
    assert.equal(typeof source[key], "string", key);
    assert.ok(source[key].length > 0, key);
  }
  assert.ok(Array.isArray(source.authors) && source.authors.every((author) => typeof author.name === "string"));
  assert.equal(source.compatibility.minimum, "10");
  assert.equal(source.compatibility.verified, "14");
  assert.deepEqual(source.relationships.systems.map((system) => [system.id, system.type]), [["pf2e", "system"]]);
  // The pf2e versions the harness profiles run (tests/harness/client/versions.mjs): 4.12.1 on v10 … 8.0.0 on v14.
  assert.deepEqual(source.relationships.systems[0].compatibility, { minimum: "4.12.1", verified: "8.0.0" });
  assert.ok(Array.isArray(source.esmodules) && source.esmodules.length > 0);
  assert.ok(Array.isArray(source.styles));
  assert.ok(source.languages.every((language) => language.lang && language.name && language.path));
  assert.equal(source.socket, true);
  for (const url of [source.url, source.manifest, source.download]) assert.match(url, /^https:\/\//);
});

test("module.json uses no pre-v10 keys", () => {
  for (const key of ["name", "minimumCoreVersion", "compatibleCoreVersion", "dependencies", "system", "scripts", "packs-legacy"]) {
    assert.equal(key in source, false, `deprecated key ${key}`);
  }
});

test("module.json and the Rust workspace carry one version", () => {
  assert.equal(source.version, workspaceVersion);
});

test("the release zip holds module.json at its root and every file the manifest names", () => {
  requireBuild();
  const zip = unzipSync(readFileSync(path.join(DIST, `pf2e-familiar-${source.version}.zip`)));
  const manifest = JSON.parse(new TextDecoder().decode(zip["module.json"]));
  assert.equal(manifest.version, source.version);
  const named = [...manifest.esmodules, ...manifest.styles, ...manifest.languages.map((language) => language.path)];
  for (const file of named) assert.ok(zip[file], `${file} is in the zip`);
  for (const file of ["wasm/familiar_wasm.js", "wasm/familiar_wasm_bg.wasm", "templates/raven-panel.hbs", "LICENSE"]) {
    assert.ok(zip[file], `${file} is in the zip`);
  }
  assert.equal(Object.keys(zip).some((name) => name.startsWith("pf2e-familiar/")), false, "no extra top folder");
});

test("the release manifest points manifest and download at this version's release assets", () => {
  requireBuild();
  const release = JSON.parse(readFileSync(path.join(DIST, "module.json"), "utf8"));
  assert.equal(release.manifest, `${source.url}/releases/latest/download/module.json`);
  assert.equal(release.download, `${source.url}/releases/download/v${source.version}/pf2e-familiar-${source.version}.zip`);
});
