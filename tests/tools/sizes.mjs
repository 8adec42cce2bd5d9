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
const rows = [
  ["wasm bundle", all.filter((path) => path.endsWith(".wasm") && !path.includes("/vendor/"))],
  ["wasm glue", all.filter((path) => path.endsWith("familiar_wasm.js"))],
  ["whole module", all],
  // The image classifier's bundle is imported only when art is first classified: not part of start-up.
  ["start-up", all.filter((path) => !path.includes("/vendor/"))],
  ["classifier", all.filter((path) => path.includes("/vendor/") && !path.endsWith(".md"))],
];
console.log("size           raw          gzip         brotli");
for (const [label, paths] of rows) {
  const size = measure(paths);
  console.log(`${label.padEnd(14)} ${kb(size.raw).padEnd(12)} ${kb(size.gzip).padEnd(12)} ${kb(size.brotli)}`);
}
if (process.env.FAMILIAR_SIZES_JSON) {
  console.log(JSON.stringify(Object.fromEntries(rows.map(([label, paths]) => [label, measure(paths)]))));
}
