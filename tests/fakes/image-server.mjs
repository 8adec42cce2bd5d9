#!/usr/bin/env node
// A fake image provider for every format Familiar speaks (OpenAI Images, Stability v2beta, AI Horde, A1111,
// ComfyUI), with scripted faults. No dependencies beyond Node. The first stdout line is {"port": N, "url": ...}.
//
//   node tests/fakes/image-server.mjs --port 0 [--delay MS] [--seed N] [--polls K] [--exit-with-stdin yes]
//
// Base URLs carry the fault: http://127.0.0.1:N/<fault>/<api><suffix>, e.g. /ok/openai/v1, /500/stability,
// /stall/horde/api, /black/a1111, /mix20/comfyui. Faults: ok, 500, 429, timeout, filter, black, wrongsize,
// stall, slowMS (every request on that base URL is answered MS late, then as ok), flakyK (the first K generations on
// that base URL answer 500), mixP (P % of generations get a random
// fault of 500, 429, timeout, black, wrongsize; seeded). GET /stats reports request counts, provider time
// and the last OpenAI/A1111 prompt (`lastPrompt`).
import http from "node:http";
import zlib from "node:zlib";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const delayMs = Number(args.delay ?? 0);
const pollsBeforeDone = Number(args.polls ?? 1);
let seed = Number(args.seed ?? 1) >>> 0;
const random = () => {
  // mulberry32: a small seeded generator, so a fault mix is the same run after run.
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// ---- PNG bytes of our own: a textured pattern (or black), RGB, 8 bits ----
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};
const pngCache = new Map();
function png(width, height, black = false) {
  const key = `${width}x${height}:${black}`;
  if (pngCache.has(key)) return pngCache.get(key);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width && !black; x++) {
      const checker = ((x >> 3) + (y >> 3)) % 2 === 0 ? 60 : 0;
      const dx = x - width / 2, dy = y - height / 2;
      const blob = dx * dx + dy * dy < (width * width) / 16 ? 80 : 0;
      rows[row + 1 + x * 3] = Math.floor((x * 200) / width) + checker / 2;
      rows[row + 2 + x * 3] = Math.floor((y * 150) / height) + blob;
      rows[row + 3 + x * 3] = 90 + checker;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  pngCache.set(key, bytes);
  return bytes;
}

// ---- faults ----
const stats = { requests: 0, generations: 0, faults: {}, providerMs: 0, byApi: {} };
const flakyCounts = new Map();
const MIX = ["500", "429", "timeout", "black", "wrongsize"];
function decideFault(fault, base) {
  const flaky = /^flaky(\d+)$/.exec(fault);
  if (flaky) {
    const n = (flakyCounts.get(base) ?? 0) + 1;
    flakyCounts.set(base, n);
    return n <= Number(flaky[1]) ? "500" : "ok";
  }
  const mix = /^mix(\d+)$/.exec(fault);
  if (mix) return random() * 100 < Number(mix[1]) ? MIX[Math.floor(random() * MIX.length)] : "ok";
  return fault;
}
const held = new Set(); // "timeout" requests: never answered; closed when the client gives up.

function send(res, status, body, headers = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const type = Buffer.isBuffer(body) ? "image/png" : "application/json";
  res.writeHead(status, { "content-type": type, "content-length": bytes.length, ...headers });
  res.end(bytes);
}
/** Answers a transient fault if `fault` is one; true when it did. */
function transientFault(res, fault) {
  stats.faults[fault] = (stats.faults[fault] ?? 0) + (fault === "ok" ? 0 : 1);
  if (fault === "500") return send(res, 500, { error: { message: "scripted internal error" } }), true;
  if (fault === "429") return send(res, 429, { message: "slow down" }, { "retry-after": "1" }), true;
  if (fault === "timeout" || fault === "stall") {
    held.add(res);
    res.on("close", () => held.delete(res));
    return true;
  }
  return false;
}
const imageFor = (fault, w, h) => (fault === "black" || fault === "filter" ? png(w, h, true) : fault === "wrongsize" ? png(w, Math.max(8, h >> 1)) : png(w, h));
const generationDelay = async () => {
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  stats.providerMs += delayMs;
};

// ---- providers ----
const jobs = new Map(); // async jobs of Horde and ComfyUI: id -> { fault, w, h, polls }
let nextJob = 1;

async function openai(req, res, rest, fault, body) {
  if (req.method !== "POST" || rest !== "/images/generations") return send(res, 404, { error: { message: "no route" } });
  if (!/^Bearer .+/.test(req.headers.authorization ?? "")) return send(res, 401, { error: { message: "missing key" } });
  const json = JSON.parse(body.toString() || "{}");
  const [w, h] = String(json.size ?? "1024x1024").split("x").map(Number);
  stats.lastPrompt = json.prompt ?? null;
  if (!json.prompt) return send(res, 400, { error: { message: "prompt required", code: "invalid_request" } });
  if (transientFault(res, fault)) return;
  await generationDelay();
  if (fault === "filter")
    return send(res, 400, { error: { code: "content_policy_violation", message: "rejected by the safety system" } });
  send(res, 200, { created: 1, data: [{ b64_json: imageFor(fault, w, h).toString("base64") }] });
}

async function stability(req, res, rest, fault, body) {
  if (req.method !== "POST" || !rest.startsWith("/v2beta/stable-image/generate/")) return send(res, 404, { name: "not_found" });
  const type = req.headers["content-type"] ?? "";
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  const text = body.toString();
  if (!boundary || !text.includes(`--${boundary}\r\nContent-Disposition: form-data; name="prompt"`))
    return send(res, 400, { name: "bad_request", errors: ["prompt: required (multipart/form-data)"] });
  if ((req.headers.accept ?? "") !== "image/*") return send(res, 400, { name: "bad_request", errors: ["accept"] });
  if (transientFault(res, fault)) return;
  await generationDelay();
  const ratio = /name="aspect_ratio"\r\n\r\n(\d+):(\d+)/.exec(text);
  const [w, h] = ratio && ratio[1] !== ratio[2] ? [1344, 768] : [1024, 1024];
  const finish = fault === "filter" ? "CONTENT_FILTERED" : "SUCCESS";
  send(res, 200, imageFor(fault, w, h), { "finish-reason": finish, seed: "1" });
}

async function horde(req, res, rest, fault, body, base) {
  if (req.method === "POST" && rest === "/v2/generate/async") {
    if (!req.headers.apikey) return send(res, 401, { message: "no apikey" });
    const json = JSON.parse(body.toString() || "{}");
    if (json.nsfw !== false || json.censor_nsfw !== true) return send(res, 400, { message: "we only test safe requests" });
    const chosen = decideFault(fault, base);
    if (transientFault(res, chosen === "stall" ? "ok" : chosen)) return;
    const id = `h${nextJob++}`;
    jobs.set(id, { fault: chosen, w: json.params?.width ?? 512, h: json.params?.height ?? 512, polls: 0 });
    return send(res, 202, { id, kudos: 10 });
  }
  let m = /^\/v2\/generate\/check\/(.+)$/.exec(rest);
  if (req.method === "GET" && m) {
    const job = jobs.get(m[1]);
    if (!job) return send(res, 404, { message: "no such job" });
    job.polls++;
    const done = job.fault !== "stall" && job.polls >= pollsBeforeDone;
    if (done && delayMs) stats.providerMs += 0;
    return send(res, 200, { finished: done ? 1 : 0, processing: done ? 0 : 1, waiting: 0, done, faulted: false, wait_time: done ? 0 : 5, queue_position: 0, kudos: 10, is_possible: true });
  }
  m = /^\/v2\/generate\/status\/(.+)$/.exec(rest);
  if (m && req.method === "DELETE") {
    jobs.delete(m[1]);
    return send(res, 200, { done: false, faulted: false, generations: [] });
  }
  if (m && req.method === "GET") {
    const job = jobs.get(m[1]);
    if (!job) return send(res, 404, { message: "no such job" });
    await generationDelay();
    const url = `http://${req.headers.host}${base}/img/${m[1]}.png`;
    return send(res, 200, { done: true, faulted: false, generations: [{ img: url, seed: "1", id: m[1], censored: job.fault === "filter", model: "fake", worker_id: "w", worker_name: "fake" }] });
  }
  m = /^\/img\/(.+)\.png$/.exec(rest);
  if (req.method === "GET" && m) {
    const job = jobs.get(m[1]);
    if (!job) return send(res, 404, { message: "gone" });
    jobs.delete(m[1]);
    return send(res, 200, imageFor(job.fault, job.w, job.h));
  }
  send(res, 404, { message: "no route" });
}

async function a1111(req, res, rest, fault, body) {
  if (req.method === "POST" && rest === "/sdapi/v1/interrupt") return send(res, 200, {});
  if (req.method !== "POST" || rest !== "/sdapi/v1/txt2img") return send(res, 404, { detail: "Not Found" });
  const json = JSON.parse(body.toString() || "{}");
  stats.lastPrompt = json.prompt ?? null;
  if (transientFault(res, fault)) return;
  await generationDelay();
  const image = imageFor(fault, json.width ?? 512, json.height ?? 512);
  send(res, 200, { images: [image.toString("base64")], parameters: {}, info: "{}" });
}

async function comfyui(req, res, rest, fault, body, base) {
  if (req.method === "POST" && rest === "/prompt") {
    const json = JSON.parse(body.toString() || "{}");
    const latent = Object.values(json.prompt ?? {}).find((n) => n.class_type === "EmptyLatentImage");
    if (!latent) return send(res, 400, { error: { type: "invalid_prompt", message: "no latent" }, node_errors: {} });
    const chosen = decideFault(fault, base);
    if (transientFault(res, chosen === "stall" ? "ok" : chosen)) return;
    const id = `c${nextJob++}`;
    jobs.set(id, { fault: chosen, w: latent.inputs.width, h: latent.inputs.height, polls: 0 });
    return send(res, 200, { prompt_id: id, number: 1, node_errors: {} });
  }
  if (req.method === "POST" && (rest === "/queue" || rest === "/interrupt")) return send(res, 200, {});
  let m = /^\/history\/(.+)$/.exec(rest);
  if (req.method === "GET" && m) {
    const job = jobs.get(m[1]);
    if (!job) return send(res, 200, {});
    job.polls++;
    if (job.fault === "stall" || job.polls < pollsBeforeDone) return send(res, 200, {});
    await generationDelay();
    const images = [{ filename: `${m[1]}.png`, subfolder: "", type: "output" }];
    return send(res, 200, { [m[1]]: { prompt: [], outputs: { 9: { images } }, status: { status_str: "success", completed: true, messages: [] } } });
  }
  if (req.method === "GET" && rest.startsWith("/view?")) {
    const name = new URLSearchParams(rest.slice(6)).get("filename") ?? "";
    const job = jobs.get(name.replace(/\.png$/, ""));
    if (!job) return send(res, 404, { error: "no file" });
    jobs.delete(name.replace(/\.png$/, ""));
    return send(res, 200, imageFor(job.fault, job.w, job.h));
  }
  send(res, 404, { error: "no route" });
}

const APIS = { openai, stability, horde, a1111, comfyui };
const server = http.createServer((req, res) => {
  // The wasm tests call from the test runner's page on another port: allow that, and let it read finish-reason,
  // retry-after and seed.
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", "*");
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
      "access-control-max-age": "600",
    });
    return res.end();
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    stats.requests++;
    if (req.url === "/stats") return send(res, 200, stats);
    const m = /^\/([a-z0-9]+)\/(openai|stability|horde|a1111|comfyui)(\/v1|\/api)?(\/.*)$/.exec(req.url ?? "");
    if (!m) return send(res, 404, { error: "use /<fault>/<api>/..." });
    const [, fault, api, suffix = "", rest] = m;
    stats.byApi[api] = (stats.byApi[api] ?? 0) + 1;
    const base = `/${fault}/${api}${suffix}`;
    const isAsync = api === "horde" || api === "comfyui";
    // Synchronous APIs decide their fault per generation request; async ones per job (at submit).
    const decided = isAsync ? fault : decideFault(fault, base);
    // slowMS: this base URL's answers come MS late, then as ok (a job still painting when a page reloads or closes).
    const slow = /^slow(\d+)$/.exec(decided);
    if (slow) await new Promise((r) => setTimeout(r, Number(slow[1])));
    const chosen = slow ? "ok" : decided;
    try {
      await APIS[api](req, res, rest, chosen, Buffer.concat(chunks), base);
    } catch (error) {
      send(res, 500, { error: { message: String(error) } });
    }
  });
});
server.keepAliveTimeout = 1000;
server.listen(Number(args.port ?? 0), "127.0.0.1", () => {
  const { port } = server.address();
  console.log(JSON.stringify({ port, url: `http://127.0.0.1:${port}` }));
});
const stop = () => {
  for (const res of held) res.destroy();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 200).unref();
};
process.on("SIGTERM", stop);
// tests/tools/with-fake-provider.sh holds stdin open while its command runs: the server goes when it closes.
if (args["exit-with-stdin"] === "yes") {
  process.stdin.on("end", stop);
  process.stdin.resume();
}
process.on("SIGINT", stop);
