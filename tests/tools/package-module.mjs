// Writes the release manifest (download URL for this version) into the staged module and dist/, and zips the
// staged module with module.json at the zip's root, where Foundry's installer looks for it.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { zipSync } from "fflate";

const { values } = parseArgs({ options: { stage: { type: "string" }, version: { type: "string" }, out: { type: "string" } } });
const { stage, version, out } = values;

const manifest = JSON.parse(readFileSync(join(stage, "module.json"), "utf8").toString());
if (manifest.version !== version) throw new Error(`module.json says ${manifest.version}, expected ${version}`);
const repository = manifest.url.replace(/\/$/, "");
manifest.manifest = `${repository}/releases/latest/download/module.json`;
manifest.download = `${repository}/releases/download/v${version}/${manifest.id}-${version}.zip`;
const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
writeFileSync(join(stage, "module.json"), manifestText);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "module.json"), manifestText);

function walk(directory) {
  return readdirSync(directory).sort().flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const files = Object.fromEntries(walk(stage).map((path) => [relative(stage, path).split("\\").join("/"), readFileSync(path)]));
const zipPath = join(out, `${manifest.id}-${version}.zip`);
// A fixed mtime keeps the zip byte-for-byte reproducible.
writeFileSync(zipPath, zipSync(files, { level: 9, mtime: new Date("2026-01-01T00:00:00Z") }));
console.log(`wrote ${zipPath} (${Object.keys(files).length} files) and ${join(out, "module.json")}`);
