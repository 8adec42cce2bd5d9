// Minifies the staged module's scripts in place: esbuild, file by file, whitespace and syntax only — no bundling
// and no renaming, so every module path, export and identifier stays as written in the repository. Its stylesheets
// too (esbuild's CSS minifier, no target: nothing lowered, every selector kept).
//
// One thing syntax minification would still change is the `name` of a class or function *expression* whose name
// is not used inside it (`return class FamiliarRavenPanel extends …` becomes `return class extends …`). Foundry
// derives hook names from class names (`renderFamiliarRavenPanel`), so the module declares its classes instead,
// and this script refuses a staged script that still has an anonymous class.
//   node tests/tools/minify-scripts.mjs dist/pf2e-familiar
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

export const ANONYMOUS_CLASS = /(^|[^\w$.])class\s*(extends\b|\{)/;

async function scriptsUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(mjs|js)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** The minified text of one script; throws when it holds an anonymous class (`file` names it in the error). */
export async function minifyScript(source, file) {
  const { code } = await transform(source, {
    format: "esm",
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    target: "es2022",
    logLevel: "warning",
  });
  if (ANONYMOUS_CLASS.test(code)) throw new Error(`${file}: an anonymous class after minifying (declare it with a name: Foundry's hooks use class names)`);
  return code;
}

async function minifyStylesheet(source) {
  const { code } = await transform(source, { loader: "css", minify: true, logLevel: "warning" });
  return code;
}

/** Rewrites `file` with `minify(source, file)`; resolves with its sizes before and after. */
async function minifyFile(file, minify = minifyScript) {
  const source = await readFile(file, "utf8");
  const code = await minify(source, file);
  await writeFile(file, code);
  return { file, before: Buffer.byteLength(source), after: Buffer.byteLength(code) };
}

async function main(stage) {
  if (!stage) {
    console.error("usage: node tests/tools/minify-scripts.mjs <staged module dir>");
    process.exit(2);
  }
  const files = [...(await scriptsUnder(path.join(stage, "scripts"))), ...(await scriptsUnder(path.join(stage, "wasm")))];
  try {
    const results = await Promise.all(files.map((file) => minifyFile(file)));
    const before = results.reduce((sum, r) => sum + r.before, 0);
    const after = results.reduce((sum, r) => sum + r.after, 0);
    console.error(`minified ${results.length} scripts: ${(before / 1024).toFixed(1)} → ${(after / 1024).toFixed(1)} KiB raw`);
    const sheets = (await readdir(path.join(stage, "styles"))).filter((name) => name.endsWith(".css"));
    for (const sheet of await Promise.all(sheets.map((name) => minifyFile(path.join(stage, "styles", name), minifyStylesheet)))) {
      console.error(`minified ${path.basename(sheet.file)}: ${(sheet.before / 1024).toFixed(1)} → ${(sheet.after / 1024).toFixed(1)} KiB raw`);
    }
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv[2]);
