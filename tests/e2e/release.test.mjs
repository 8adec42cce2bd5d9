// The release: a tag releases only the version module.json carries, and the workflow runs the tests, builds and
// publishes exactly the manifest and the zip that Foundry's installer reads.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { releaseProblems } from "../tools/release-check.mjs";
import { REPO } from "./paths.mjs";

const version = JSON.parse(readFileSync(path.join(REPO, "module.json"), "utf8")).version;

test("the tag of module.json's version passes the release check, any other tag fails it", () => {
  assert.deepEqual(releaseProblems(`v${version}`), []);
  for (const tag of [version, "v9.9.9", "latest", "", undefined, `v${version}x`]) {
    assert.ok(releaseProblems(tag).length > 0, `tag ${tag}`);
  }
  const ok = spawnSync(process.execPath, [path.join(REPO, "tests/tools/release-check.mjs"), "--tag", `v${version}`]);
  assert.equal(ok.status, 0, ok.stderr.toString());
  const refused = spawnSync(process.execPath, [path.join(REPO, "tests/tools/release-check.mjs"), "--tag", "v9.9.9"]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr.toString(), /tag v9\.9\.9 but module\.json says version/);
});

test("a workspace version that differs from module.json fails the release check", () => {
  const repo = mkdtempSync(path.join(tmpdir(), "familiar-release-"));
  writeFileSync(path.join(repo, "module.json"), JSON.stringify({ version: "1.2.0" }));
  writeFileSync(path.join(repo, "Cargo.toml"), '[workspace.package]\nversion = "1.1.0"\n');
  assert.deepEqual(releaseProblems("v1.2.0", repo), ["module.json says 1.2.0 but Cargo.toml's workspace says 1.1.0"]);
});

test("the release workflow checks the tag, runs the test command, builds, and uploads the manifest and zip", () => {
  const workflow = readFileSync(path.join(REPO, ".github/workflows/release.yml"), "utf8");
  assert.match(workflow, /tags: \["v\*"\]/);
  const steps = ["release-check.mjs --tag \"$GITHUB_REF_NAME\"", "./tests/run.sh", "./www-build.sh", "gh release create"];
  const at = steps.map((step) => workflow.indexOf(step));
  assert.ok(at.every((index) => index > 0), `missing a step: ${steps.filter((_, i) => at[i] < 0)}`);
  assert.deepEqual([...at].sort((a, b) => a - b), at, "steps out of order");
  assert.match(workflow, /dist\/module\.json "dist\/pf2e-familiar-\$version\.zip"/);
  // The README names the same test command the workflow runs.
  assert.match(readFileSync(path.join(REPO, "README.md"), "utf8"), /\.\/tests\/run\.sh/);
});
