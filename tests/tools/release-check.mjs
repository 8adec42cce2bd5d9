// The release workflow's first step: a version tag releases only the version the module says it is.
//   node tests/tools/release-check.mjs --tag v0.1.0
// Exits 0 when the tag is `v` + module.json's version and the Rust workspace carries the same version; otherwise
// says what differs and exits 1.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The problems with releasing `tag` from `repo`, empty when there are none. */
export function releaseProblems(tag, repo = REPO) {
  const problems = [];
  const manifest = JSON.parse(readFileSync(path.join(repo, "module.json"), "utf8"));
  const workspace = /^\[workspace\.package\][^[]*?^version = "([^"]+)"/ms.exec(readFileSync(path.join(repo, "Cargo.toml"), "utf8"))?.[1];
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(tag ?? "")) problems.push(`"${tag ?? ""}" is not a version tag like v1.2.3`);
  else if (tag !== `v${manifest.version}`) problems.push(`tag ${tag} but module.json says version ${manifest.version}`);
  if (workspace !== manifest.version) problems.push(`module.json says ${manifest.version} but Cargo.toml's workspace says ${workspace}`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { tag: { type: "string" } } });
  const problems = releaseProblems(values.tag);
  for (const problem of problems) console.error(`release check: ${problem}`);
  if (problems.length) process.exit(1);
  console.log(`release check: ${values.tag} matches module.json and Cargo.toml`);
}
