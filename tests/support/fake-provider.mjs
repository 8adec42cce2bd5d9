// Starts tests/fakes/provider-server.mjs on a free port for a bench script (the e2e files use setup.mjs's hooks).
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { REPO_ROOT } from "./harness.mjs";

/** Resolves with {url, close()}. */
export async function startFakeProvider() {
  const fake = spawn(process.execPath, [path.join(REPO_ROOT, "tests/fakes/provider-server.mjs"), "--port", "0"], { stdio: ["pipe", "pipe", "inherit"] });
  const { value } = await readline.createInterface({ input: fake.stdout })[Symbol.asyncIterator]().next();
  return {
    url: `http://127.0.0.1:${Number(value)}`,
    close() {
      fake.stdin.end();
      fake.kill();
    },
  };
}
