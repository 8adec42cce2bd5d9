// The adapter's layout (scripts/, one folder per domain, README "Layout"): no import cycle between its files, and no
// export nobody imports.
//
// The graph is built from the static specifiers of each file — `import … from "./x.mjs"`, `import "./x.mjs"` and
// `export … from "./x.mjs"` — which the browser links before any code runs, so a cycle there decides the order
// modules are evaluated in. A dynamic `import("./x.mjs")` is loaded when the code runs (art/host.mjs loads the
// classifier on first use) and may point anywhere, even back up the graph: it is not an edge of the cycle check.
// Its names still count as used by the file that imports it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO } from "./paths.mjs";

const SCRIPTS = path.join(REPO, "scripts");

/**
 * Exports that nothing in scripts/ or tests/ imports because only Foundry (or a user's macro) reaches them, as
 * `"<file under scripts/>:<name>"`. Empty today: module.json names `familiar.mjs`, which exports nothing; the hooks'
 * `listen` are read off the namespaces `familiar.mjs` imports; the macros' API is `game.modules.get(id).api`, an
 * object `core/api.mjs` builds, not a module's exports. A new entry point that must export a name goes here.
 */
const FOUNDRY_FACING = new Set([]);

function files(directory, extension) {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return name === "node_modules" ? [] : files(full, extension);
    return full.endsWith(extension) ? [full] : [];
  });
}

const rel = (file) => path.relative(SCRIPTS, file).split(path.sep).join("/");

/** Source text without comments (a `//` inside a string only costs the rest of its line, never an import). */
function code(file) {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** `{ a, b as c }` → [[a, a], [b, c]] (exported or imported name, local name). */
function bindings(list) {
  return list
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, local] = part.split(/\s+as\s+/);
      return [name.trim(), (local ?? name).trim()];
    });
}

function parse(file) {
  const text = code(file);
  const imports = []; // {target, names: [...] | "*" , local?, dynamic}
  const exports = new Set();
  const resolve = (specifier) => rel(path.resolve(path.dirname(file), specifier));
  for (const match of text.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) {
    imports.push({ target: resolve(match[1]), names: [], dynamic: false });
  }
  for (const match of text.matchAll(/^\s*(import|export)\s+([^;()="'`]*?)\s*from\s*["']([^"']+)["']/gm)) {
    const [, keyword, clause, specifier] = match;
    const target = resolve(specifier);
    const star = clause.match(/\*\s*as\s+([\w$]+)/);
    const braces = clause.match(/\{([^}]*)\}/);
    if (star) imports.push({ target, names: "*", local: star[1], dynamic: false });
    if (braces) {
      const pairs = bindings(braces[1]);
      imports.push({ target, names: pairs.map(([name]) => name), dynamic: false });
      if (keyword === "export") for (const [, exported] of pairs) exports.add(exported);
    }
    const defaultName = clause.match(/^([\w$]+)\s*(,|$)/);
    if (keyword === "import" && defaultName) imports.push({ target, names: ["default"], dynamic: false });
    if (keyword === "export" && !braces && !star) imports.push({ target, names: "*", dynamic: false });
  }
  for (const match of text.matchAll(/\bimport\(\s*["'`]([^"'`$]+)["'`]\s*\)/g)) {
    if (match[1].startsWith(".")) imports.push({ target: resolve(match[1]), names: "dynamic", dynamic: true });
  }
  for (const match of text.matchAll(/^\s*export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([\w$]+)/gm)) {
    exports.add(match[1]);
  }
  for (const match of text.matchAll(/^\s*export\s*\{([^}]*)\}(?!\s*from)/gm)) {
    for (const [, exported] of bindings(match[1])) exports.add(exported);
  }
  if (/^\s*export\s+default\b/m.test(text)) exports.add("default");
  return { text, imports, exports };
}

const modules = new Map(files(SCRIPTS, ".mjs").map((file) => [rel(file), parse(file)]));

test("every relative import under scripts/ names a file that exists", () => {
  for (const [name, { imports }] of modules) {
    for (const { target } of imports) assert.ok(modules.has(target), `${name} imports ${target}, which does not exist`);
  }
});

test("no import cycle under scripts/ (static imports and re-exports; dynamic import() may cross)", () => {
  const state = new Map(); // name → "open" while on the stack, "done" after
  const stack = [];
  const cycles = [];
  const visit = (name) => {
    state.set(name, "open");
    stack.push(name);
    const targets = new Set(modules.get(name).imports.filter((edge) => !edge.dynamic).map((edge) => edge.target));
    for (const target of [...targets].sort()) {
      if (!modules.has(target)) continue;
      if (state.get(target) === "open") cycles.push([...stack.slice(stack.indexOf(target)), target].join(" → "));
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of [...modules.keys()].sort()) if (!state.has(name)) visit(name);
  assert.deepEqual(cycles, [], `import cycles under scripts/:\n${cycles.join("\n")}`);
});

test("every export of scripts/ is imported by scripts/ or tests/, or is Foundry-facing", () => {
  const used = new Map([...modules.keys()].map((name) => [name, new Set()]));
  for (const [, { text, imports }] of modules) {
    for (const { target, names, local } of imports) {
      const seen = used.get(target);
      if (!seen) continue;
      if (Array.isArray(names)) for (const name of names) seen.add(name);
      else {
        // A namespace or a dynamic import: the names the importing file reads (`ns.name`, or any mention for a
        // dynamic import's destructuring); a namespace passed on as a whole uses every name.
        const exported = modules.get(target).exports;
        const passedOn = local && new RegExp(`\\b${local}\\b(?!\\s*\\.)`).test(text.replace(new RegExp(`\\*\\s*as\\s+${local}\\b`), ""));
        for (const name of exported) {
          const read = local ? new RegExp(`\\b${local}\\.${name}\\b`) : new RegExp(`\\b${name}\\b`);
          if (passedOn || read.test(text) || names === "*" && !local) seen.add(name);
        }
      }
    }
  }
  // The tests load the built module's files by URL (`…/scripts/relay/chat-relay.mjs`) and read names off them.
  const tests = files(path.join(REPO, "tests"), ".mjs").map((file) => readFileSync(file, "utf8"));
  const dead = [];
  for (const [name, { exports }] of modules) {
    const base = name.split("/").pop();
    const testing = tests.filter((text) => text.includes(`/${base}`));
    for (const exported of exports) {
      if (used.get(name).has(exported) || FOUNDRY_FACING.has(`${name}:${exported}`)) continue;
      if (testing.some((text) => new RegExp(`\\b${exported}\\b`).test(text))) continue;
      dead.push(`${name}: ${exported}`);
    }
  }
  assert.deepEqual(dead, [], `exports nothing imports:\n${dead.join("\n")}`);
});
