// The shipped scripts are minified (tests/tools/minify-scripts.mjs) without changing what Foundry sees: module
// paths, exports and the names of classes, from which Foundry derives hook names such as renderFamiliarRavenPanel.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ANONYMOUS_CLASS, minifyScript } from "../tools/minify-scripts.mjs";
import { REPO, requireBuild, STAGED_MODULE } from "./paths.mjs";

const evaluate = (code) => import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);

test("a declared class keeps its name through minification, and so do exports", async () => {
  const source = `
    class Base {}
    /** a comment that goes */
    function define() {
      class FamiliarExamplePanel extends Base {
        static DEFAULT_OPTIONS = { id: "x" };
      }
      return FamiliarExamplePanel;
    }
    export const hookName = \`render\${define().name}\`;
  `;
  const code = await minifyScript(source, "example.mjs");
  assert.ok(code.length < source.length);
  assert.doesNotMatch(code, /a comment/);
  assert.equal((await evaluate(code)).hookName, "renderFamiliarExamplePanel");
});

test("a class expression whose name minification would drop is refused, naming the file", async () => {
  const source = "export function define(Base) { return class FamiliarExamplePanel extends Base {}; }";
  await assert.rejects(minifyScript(source, "scripts/apps/example.mjs"), /scripts\/apps\/example\.mjs: an anonymous class/);
  await assert.rejects(minifyScript("export const X = class { };", "b.mjs"), /anonymous class/);
});

test("every staged script is minified and holds no anonymous class", () => {
  requireBuild();
  const staged = readdirSync(path.join(STAGED_MODULE, "scripts"), { recursive: true }).filter((name) => name.endsWith(".mjs"));
  assert.ok(staged.length > 10);
  for (const name of staged) {
    const code = readFileSync(path.join(STAGED_MODULE, "scripts", name), "utf8");
    const source = readFileSync(path.join(REPO, "scripts", name), "utf8");
    assert.ok(code.length < source.length, `${name} is not minified`);
    assert.doesNotMatch(code, ANONYMOUS_CLASS, name);
  }
});
