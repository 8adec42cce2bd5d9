// Prints the module's size raw, gzip and brotli: the wasm bundle, its glue, and the whole module as served
// (each file compressed on its own, as a web server does). BENCHMARKS.md records these figures.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const stage = process.argv[2];
const walk = (directory) =>
  readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

// Each file is compressed once, however many rows it belongs to (the stage holds 10 MB of classifier).
const fileSizes = new Map();
function fileSize(path) {
  if (!fileSizes.has(path)) {
    const data = readFileSync(path);
    fileSizes.set(path, {
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
  }
  return fileSizes.get(path);
}

function measure(paths) {
  return paths.reduce(
    (sum, path) => {
      const size = fileSize(path);
      sum.raw += size.raw;
      sum.gzip += size.gzip;
      sum.brotli += size.brotli;
      return sum;
    },
    { raw: 0, gzip: 0, brotli: 0 },
  );
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const all = walk(stage);
// Files of the zip that no page ever fetches: Foundry's installer and the GM read them, the browser does not.
const DOCUMENTS = new Set(["README.md", "LICENSE", "THIRD-PARTY-LICENSES.md"].map((name) => join(stage, name)));
const classifier = (path) => path.includes("/vendor/");
// The sentence encoder of the semantic search, which a Web Worker imports when the GM turns that search on.
const encoder = (path) => path.includes("/wasm-embed/");
// Foundry fetches a package's file for the user's language and English as the fallback (Localization's
// `translations` and `_fallback`, https://foundryvtt.com/api/v13/classes/foundry.helpers.Localization.html), never
// the others: start-up counts English and the largest other language, the worst a user's page loads.
const languages = all.filter((path) => /\/lang\/[^/]+\.json$/.test(path));
const english = languages.filter((path) => path.endsWith("/lang/en.json"));
const largestOther = languages
  .filter((path) => !english.includes(path))
  .sort((a, b) => fileSize(b).brotli - fileSize(a).brotli)
  .slice(0, 1);
const unfetchedLanguages = new Set(languages.filter((path) => !english.includes(path) && !largestOther.includes(path)));
const rows = [
  ["wasm bundle", all.filter((path) => path.endsWith(".wasm") && !classifier(path) && !encoder(path))],
  ["wasm glue", all.filter((path) => path.endsWith("familiar_wasm.js"))],
  ["whole module", all],
  // What a page may load when Familiar starts: everything but the documents, the classifier, whose bundle is
  // imported only when art is first classified, the encoder (likewise, on the semantic search's first use), and
  // the language files no user loads with English.
  ["start-up", all.filter((path) => !classifier(path) && !encoder(path) && !DOCUMENTS.has(path) && !unfetchedLanguages.has(path))],
  ["documents", all.filter((path) => DOCUMENTS.has(path))],
  ["classifier", all.filter((path) => classifier(path) && !path.endsWith(".md"))],
  ["encoder", all.filter(encoder)],
];
console.log("size           raw          gzip         brotli");
for (const [label, paths] of rows) {
  const size = measure(paths);
  console.log(`${label.padEnd(14)} ${kb(size.raw).padEnd(12)} ${kb(size.gzip).padEnd(12)} ${kb(size.brotli)}`);
}
// The foundation's goal (BENCHMARKS.md): what a page loads at start-up stays within 1.2 MB brotli. A build over it
// fails, so growth is seen in the change that causes it.
const START_UP_BUDGET_BYTES = 1_200_000;
const startUp = measure(rows.find(([label]) => label === "start-up")[1]).brotli;
if (startUp > START_UP_BUDGET_BYTES) {
  console.error(`start-up is ${startUp} bytes brotli, over the ${START_UP_BUDGET_BYTES}-byte budget (BENCHMARKS.md: bundle size)`);
  process.exitCode = 1;
}
if (process.env.FAMILIAR_SIZES_JSON) {
  console.log(JSON.stringify(Object.fromEntries(rows.map(([label, paths]) => [label, measure(paths)]))));
}
