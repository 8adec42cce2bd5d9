// What the end-to-end files set up before their tests and tear down after: one browser and one harness serving the
// staged module (with the fixture packs a file needs), and the fake AI provider and image servers.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { after, before } from "node:test";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { startTestHarness } from "../support/harness.mjs";
import { REPO, requireBuild, STAGED_MODULE } from "./paths.mjs";

/** The harness pack the Encounter view generates from (private: the GM's bestiary). */
export const CREATURES = {
  file: path.join(REPO, "tests/e2e/fixtures/creatures.jsonl"),
  meta: { id: "familiar-test.creatures", label: "Test Creatures", type: "Actor", private: true, documents: 9 },
};

/** A GM-only rules pack (our own text): players must never see it in their index or in grounded answers. */
export const GM_SECRETS = {
  file: path.join(REPO, "tests/e2e/fixtures/gm-secrets.jsonl"),
  meta: { id: "familiar-test.gm-secrets", label: "GM Secrets (test)", type: "Item", private: true, documents: 2 },
};

/**
 * Before the file's tests: a browser and a harness with the staged module and `packs`, handed to `onStarted`
 * ({browser, harness, worldDir}); after them, both closed. `worldDir: "prefix-"` gives the harness a world data
 * directory of its own under the system's temporary folder (where FilePicker uploads land), removed afterwards.
 */
export function useModuleHarness({ packs = [], worldDir: worldDirPrefix = null }, onStarted) {
  let browser;
  let harness;
  let worldDir;
  before(async () => {
    requireBuild();
    if (worldDirPrefix) worldDir = mkdtempSync(path.join(os.tmpdir(), worldDirPrefix));
    browser = await launchBrowser();
    harness = await startTestHarness({
      moduleDir: STAGED_MODULE,
      ...(worldDir ? { worldDir } : {}),
      ...(packs.length ? { packFiles: packs.map((pack) => pack.file), packsMeta: packs.map((pack) => pack.meta) } : {}),
    });
    onStarted({ browser, harness, worldDir });
  });
  after(async () => {
    await closeBrowser(browser);
    await harness?.close();
    if (worldDir) rmSync(worldDir, { recursive: true, force: true });
  });
}

/** Before the file's tests: tests/fakes/provider-server.mjs on a free port, its URL handed to `onStarted`; after, stopped. */
export function useFakeProvider(onStarted) {
  let fake;
  before(async () => {
    fake = spawn(process.execPath, [path.join(REPO, "tests/fakes/provider-server.mjs"), "--port", "0"], { stdio: ["pipe", "pipe", "inherit"] });
    const [line] = await readline.createInterface({ input: fake.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value]);
    onStarted(`http://127.0.0.1:${Number(line)}`);
  });
  after(() => {
    fake?.stdin.end();
    fake?.kill();
  });
}

/** Before the file's tests: tests/fakes/image-server.mjs on a free port with `args` (e.g. `["--polls", "1"]`), its URL
 * handed to `onStarted`; after, stopped (it also goes when its stdin closes, should this process die first). */
export function useFakeImageServer(onStarted, args = []) {
  let fake;
  before(async () => {
    const script = path.join(REPO, "tests/fakes/image-server.mjs");
    fake = spawn(process.execPath, [script, "--port", "0", "--exit-with-stdin", "yes", ...args], { stdio: ["pipe", "pipe", "inherit"] });
    const first = await readline.createInterface({ input: fake.stdout })[Symbol.asyncIterator]().next();
    onStarted(JSON.parse(first.value).url);
  });
  after(() => {
    fake?.stdin.end();
    fake?.kill();
  });
}
