// Writes THIRD-PARTY-LICENSES.md into the staged module: every Rust crate compiled into the wasm bundle (the
// familiar-wasm crate's normal dependencies for wasm32, without proc-macros and build-only dependencies, with the
// features a `cargo build -p familiar-wasm` resolves) and every npm package bundled into vendor/classifier.mjs, each
// with its version, licence and repository, then the licence texts the crates ship (identical texts printed once).
//   node tests/tools/third-party-licenses.mjs --stage dist/pf2e-familiar --classifier dist/classifier-packages.json
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({ options: { stage: { type: "string" }, classifier: { type: "string" } } });
if (!values.stage || !values.classifier) throw new Error("usage: --stage <dir> --classifier <classifier-packages.json>");

const cargo = (args) => execFileSync("cargo", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });

const metadata = JSON.parse(cargo(["metadata", "--format-version", "1", "--locked", "--filter-platform", "wasm32-unknown-unknown"]));

// `cargo tree -p` resolves features for that package alone, as the release build does (cargo metadata would unite
// the whole workspace's features and list the CLI's image codecs, which the wasm does not link). `features`: the
// artifact's (none for the start-up bundle; `--no-default-features --features embed` for the encoder).
function cratesOf(features) {
  const tree = cargo(["tree", "-p", "familiar-wasm", ...features, "--target", "wasm32-unknown-unknown", "-e",
    "normal,no-proc-macro", "--prefix", "none", "-f", "{p}", "--locked"]);
  const wanted = new Set(tree.split("\n").map((line) => line.replace(/ \(\*\)$/, "").trim()).filter(Boolean)
    .filter((line) => !line.includes("(/")) // our own crates (path dependencies): Familiar's LICENSE covers them
    .map((line) => line.replace(/^(\S+) v(\S+)$/, "$1 $2")));
  const crates = metadata.packages.filter((p) => wanted.has(`${p.name} ${p.version}`)).sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version, undefined, { numeric: true }));
  const found = new Set(crates.map((p) => `${p.name} ${p.version}`));
  const missing = [...wanted].filter((id) => !found.has(id));
  if (missing.length) throw new Error(`cargo metadata lacks ${missing.join(", ")}`);
  return crates;
}
const crates = cratesOf([]);
const encoderCrates = cratesOf(["--no-default-features", "--features", "embed"]);

const LICENCE_FILE = /^(licen[cs]e|copying|notice|unlicense)([-_.].*)?$/i;
/** The licence files a crate ships in its registry source, as [file name, text]. */
function licenceFiles(manifestPath, licenseFile) {
  const directory = dirname(manifestPath);
  const names = readdirSync(directory).filter((name) => LICENCE_FILE.test(name));
  if (licenseFile && !names.includes(licenseFile)) names.push(licenseFile);
  return names.sort().map((name) => join(directory, name)).filter((path) => existsSync(path))
    .map((path) => [path.slice(directory.length + 1), readFileSync(path, "utf8").trim()]);
}

const classifier = JSON.parse(readFileSync(values.classifier, "utf8"));
const texts = new Map(); // normalised text → { text, users: [] }
function addText(text, user) {
  const key = text.replace(/\s+/g, " ").trim();
  if (!texts.has(key)) texts.set(key, { text, users: [] });
  texts.get(key).users.push(user);
}
const listed = new Set();
const row = (p) => {
  const files = licenceFiles(p.manifest_path, p.license_file);
  // A crate in both bundles has its texts listed once.
  for (const [name, text] of files) if (!listed.has(`${p.name} ${p.version}`)) addText(text, `${p.name} ${p.version} (${name})`);
  listed.add(`${p.name} ${p.version}`);
  const licence = p.license ?? (p.license_file ? `see ${p.license_file}` : "unstated");
  return `| ${p.name} | ${p.version} | ${licence} | ${p.repository ?? ""} | ${files.length ? "below" : "none shipped"} |`;
};
const rows = crates.map(row);
const encoderRows = encoderCrates.map(row);
for (const p of classifier) if (p.text) addText(p.text, `${p.name} ${p.version} (npm)`);

const lines = [
  "# Third-party licences",
  "",
  "Familiar itself is under the MIT licence (LICENSE). Its WebAssembly bundle and its image classifier contain the",
  "third-party software below. This file is generated at build time by tests/tools/third-party-licenses.mjs.",
  "",
  `## Rust crates compiled into wasm/familiar_wasm_bg.wasm (${crates.length})`,
  "",
  "| crate | version | licence | repository | licence text |",
  "| --- | --- | --- | --- | --- |",
  ...rows,
  "",
  "A crate marked \"none shipped\" publishes no licence file in its package; its licence is the one it declares, and",
  "its repository holds the text.",
  "",
  `## Rust crates compiled into wasm-embed/familiar_embed_bg.wasm, the semantic search's encoder (${encoderCrates.length})`,
  "",
  "| crate | version | licence | repository | licence text |",
  "| --- | --- | --- | --- | --- |",
  ...encoderRows,
  "",
  `## npm packages bundled into vendor/classifier.mjs (${classifier.length})`,
  "",
  "| package | version | licence | repository | licence text |",
  "| --- | --- | --- | --- | --- |",
  ...classifier.map((p) => `| ${p.name} | ${p.version} | ${p.licence} | ${p.repository ?? ""} | ${p.text ? "below" : "see vendor/LICENSES.md"} |`),
  "",
  "The npm packages without a licence file of their own (TensorFlow.js) are Apache-2.0; vendor/LICENSES.md holds that",
  "licence's text and the notices of their sources.",
  "",
  "## Licence texts",
  "",
  ...[...texts.values()].flatMap(({ text, users }) => [`### ${users.join(", ")}`, "", "```text", text, "```", ""]),
];
const out = join(resolve(values.stage), "THIRD-PARTY-LICENSES.md");
writeFileSync(out, lines.join("\n"));
console.log(`wrote ${out}: ${crates.length} crates, ${classifier.length} npm packages, ${texts.size} distinct licence texts`);
