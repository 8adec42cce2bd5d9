// The Foundry harness server: plain node:http + socket.io. See README.md in this folder.
//   node tests/harness/server.mjs --port 30000 --module-dir dist/pf2e-familiar [--route-prefix /foundry]
//        [--packs ../shared/pf2e/rules-sample.jsonl --packs-meta ../shared/pf2e/packs.json]
//        [--pf2e8-packs ../shared/pf2e/v8/rules-sample.jsonl --pf2e8-packs-meta ../shared/pf2e/v8/packs.json]
//        [--world-dir /tmp/world] [--no-csp]
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Server as SocketServer } from "socket.io";
import { World } from "./server/world.mjs";
import { PackStore, SYSTEM_LINES } from "./server/packs.mjs";
import { PROFILE_NAMES } from "./client/versions.mjs";
import { createRouter } from "./server/http.mjs";
import { attachSockets } from "./server/sockets.mjs";

function normalisePrefix(prefix) {
  const p = String(prefix ?? "").trim().replace(/\/+$/, "");
  if (!p) return "";
  return p.startsWith("/") ? p : `/${p}`;
}

function loadModule(dir, prefix) {
  const abs = path.resolve(dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(abs, "module.json"), "utf8"));
  if (typeof manifest.id !== "string" || !manifest.id) throw new Error(`${abs}/module.json has no "id"`);
  return { dir: abs, manifest, url: `${prefix}/modules/${manifest.id}/` };
}

/**
 * Start the harness. Returns {url, port, prefix, close()}; `url` is the origin plus prefix.
 * moduleDir (or moduleDirs) are served at {prefix}/modules/<id>/ and loaded by every page.
 */
export async function startHarness({
  port = 0,
  host = "127.0.0.1",
  moduleDir = null,
  moduleDirs = [],
  routePrefix = "",
  packFiles = [],
  packsMeta = null,
  pf2e8PackFiles = [],
  pf2e8PacksMeta = null,
  includeDemoPack = true,
  worldDir = null,
  csp = true,
} = {}) {
  const prefix = normalisePrefix(routePrefix);
  const modules = [moduleDir, ...moduleDirs].filter(Boolean).map((d) => loadModule(d, prefix));
  const world = new World({ worldDir });
  const filesDir = worldDir ? path.join(path.resolve(worldDir), "files") : fs.mkdtempSync(path.join(os.tmpdir(), "harness-files-"));
  fs.mkdirSync(filesDir, { recursive: true });
  const packs = await PackStore.load({ packFiles, packsMeta, pf2e8PackFiles, pf2e8PacksMeta, includeDemo: includeDemoPack });

  const route = createRouter({ prefix, modules, world, filesDir: path.resolve(filesDir), csp });
  const server = http.createServer((req, res) => {
    route(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`harness error: ${err.message}`);
    });
  });
  const io = new SocketServer(server, { path: `${prefix}/socket.io`, serveClient: true });
  attachSockets(io, { world, packs, modules });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  const origin = `http://${host}:${actualPort}`;
  return {
    url: `${origin}${prefix}`,
    origin,
    port: actualPort,
    prefix,
    world,
    packs,
    async close() {
      io.close();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
      await packs.close();
      if (!worldDir) fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "30000" },
      host: { type: "string", default: "127.0.0.1" },
      "module-dir": { type: "string", multiple: true, default: [] },
      "route-prefix": { type: "string", default: "" },
      packs: { type: "string", multiple: true, default: [] },
      "packs-meta": { type: "string" },
      "pf2e8-packs": { type: "string", multiple: true, default: [] },
      "pf2e8-packs-meta": { type: "string" },
      "world-dir": { type: "string" },
      "no-csp": { type: "boolean", default: false },
    },
  });
  const present = (files) => files.filter((f) => {
    if (fs.existsSync(f)) return true;
    console.warn(`skipped: pack file ${f} not present`);
    return false;
  });
  const metaFile = (file) => (file && fs.existsSync(file) ? file : null);
  const harness = await startHarness({
    port: Number(values.port),
    host: values.host,
    moduleDirs: values["module-dir"],
    routePrefix: values["route-prefix"],
    packFiles: present(values.packs),
    packsMeta: metaFile(values["packs-meta"]),
    pf2e8PackFiles: present(values["pf2e8-packs"]),
    pf2e8PacksMeta: metaFile(values["pf2e8-packs-meta"]),
    worldDir: values["world-dir"] ?? null,
    csp: !values["no-csp"],
  });
  console.log(`Foundry harness at ${harness.url}/ (profiles ${PROFILE_NAMES.join(" ")}; CSP ${values["no-csp"] ? "off" : "strict"})`);
  for (const line of SYSTEM_LINES) {
    console.log(`  ${line === "pf2e8" ? "pf2e 8 world (v14)" : "2021 pf2e world (v10–v13)"}:`);
    for (const p of harness.packs.list(line)) if (p.size) console.log(`    pack ${p.id}: ${p.size} documents${p.private ? " (GM only)" : ""}`);
  }
  const stop = () => harness.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
