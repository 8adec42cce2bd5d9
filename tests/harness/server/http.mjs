// HTTP routes of the harness. Everything lives under the route prefix, so a module that
// hard-codes "/modules/<id>/" breaks here just as it would behind Foundry's routePrefix.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import Handlebars from "handlebars";
import { mimeType } from "./mime.mjs";
import { STRICT_CSP } from "./csp.mjs";
import { gamePage, indexPage } from "./page.mjs";
import { ROLES } from "./world.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIENT_DIR = path.resolve(HERE, "../client");
const require = createRequire(import.meta.url);
const VENDOR = {
  "jquery.js": require.resolve("jquery/dist/jquery.js"),
  "handlebars.js": require.resolve("handlebars/dist/handlebars.js"),
  // Not used by the page itself: tests add it with a <script> tag where a driver cannot run it past the CSP.
  "axe.js": require.resolve("axe-core/axe.min.js"),
};

/** Resolve `rel` inside `root`, refusing anything that escapes it. */
function inside(root, rel) {
  const file = path.resolve(root, "." + path.posix.normalize("/" + rel));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

export function createRouter({ prefix, modules, world, filesDir, csp }) {
  const headersFor = (type) => {
    const h = { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" };
    if (csp && type.startsWith("text/html")) h["content-security-policy"] = STRICT_CSP;
    return h;
  };
  const send = (res, status, type, body) => {
    res.writeHead(status, headersFor(type));
    res.end(body);
  };
  const sendFile = (req, res, file) => {
    if (!file) return send(res, 404, "text/plain; charset=utf-8", "Not found");
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return send(res, 404, "text/plain; charset=utf-8", "Not found");
      res.writeHead(200, { ...headersFor(mimeType(file)), "content-length": st.size });
      if (req.method === "HEAD") return res.end();
      fs.createReadStream(file).pipe(res);
    });
  };

  /** Map a URL path (already stripped of the prefix) to a file on disk, or null. */
  const fileForPath = (p) => {
    const m = /^\/modules\/([^/]+)\/(.*)$/.exec(p);
    if (m) {
      const mod = modules.find((x) => x.manifest.id === m[1]);
      return mod ? inside(mod.dir, decodeURIComponent(m[2])) : null;
    }
    if (p.startsWith("/__harness/client/")) return inside(CLIENT_DIR, p.slice("/__harness/client/".length));
    return inside(filesDir, decodeURIComponent(p.slice(1)));
  };

  // Handlebars.compile builds its template functions with `new Function`, which the strict CSP
  // blocks. The harness therefore precompiles templates on the server and the page loads them as
  // ES modules (script-src 'self'), running them with the runtime-only Handlebars.template().
  const precompiled = (res, url) => {
    const target = url.searchParams.get("path") ?? "";
    let p = target;
    if (prefix && p.startsWith(prefix + "/")) p = p.slice(prefix.length);
    const file = p.startsWith("/") ? fileForPath(p) : null;
    if (!file || !fs.existsSync(file)) return send(res, 404, "text/plain; charset=utf-8", `Template not found: ${target}`);
    try {
      const spec = Handlebars.precompile(fs.readFileSync(file, "utf8"));
      send(res, 200, "text/javascript; charset=utf-8", `export default ${spec};\n`);
    } catch (err) {
      send(res, 200, "text/javascript; charset=utf-8", `throw new Error(${JSON.stringify(`Template compilation failed for ${target}: ${err.message}`)});\n`);
    }
  };

  // FilePicker.upload / createDirectory / browse land here (source "data" only).
  const files = async (req, res, url) => {
    const user = world.findUser(url.searchParams.get("user"));
    const action = url.searchParams.get("action");
    const target = url.searchParams.get("target") ?? "";
    const dir = inside(filesDir, target);
    const reply = (status, obj) => send(res, status, "application/json; charset=utf-8", JSON.stringify(obj));
    if (!user || !dir) return reply(400, { error: "bad user or path" });
    // FILES_UPLOAD / FILES_BROWSE default to TRUSTED (guess from CONST.USER_PERMISSIONS).
    if (user.role < ROLES.TRUSTED) return reply(403, { error: `User ${user.name} lacks permission to ${action} files` });
    if (action === "browse") {
      if (!fs.existsSync(dir)) return reply(404, { error: `Directory ${target} does not exist` });
      const entries = fs.readdirSync(dir, { withFileTypes: true });
      const rel = (e) => path.posix.join(target, e.name);
      return reply(200, { target, dirs: entries.filter((e) => e.isDirectory()).map(rel), files: entries.filter((e) => e.isFile()).map(rel) });
    }
    if (action === "createDirectory") {
      if (fs.existsSync(dir)) return reply(409, { error: `The directory ${target} already exists` });
      fs.mkdirSync(dir, { recursive: true });
      return reply(200, { message: `Created directory ${target}`, path: target });
    }
    if (action === "upload" && req.method === "POST") {
      const name = path.basename(url.searchParams.get("name") ?? "");
      if (!name) return reply(400, { error: "missing file name" });
      if (!fs.existsSync(dir)) return reply(404, { error: `Directory ${target} does not exist` });
      const chunks = [];
      for await (const c of req) chunks.push(c);
      fs.writeFileSync(path.join(dir, name), Buffer.concat(chunks));
      const rel = path.posix.join(target, name);
      return reply(200, { status: "success", message: `${name} saved to ${rel}`, path: rel });
    }
    return reply(400, { error: `unknown action ${action}` });
  };

  return async function route(req, res) {
    const url = new URL(req.url, "http://harness.local");
    let p = url.pathname;
    if (prefix) {
      if (p === prefix) p = "/";
      else if (p.startsWith(prefix + "/")) p = p.slice(prefix.length);
      else return send(res, 404, "text/plain; charset=utf-8", `Not found (route prefix is ${prefix})`);
    }
    if (p === "/" || p === "/index.html") return send(res, 200, "text/html; charset=utf-8", indexPage({ prefix, users: world.users, modules }));
    if (p === "/game") return send(res, 200, "text/html; charset=utf-8", gamePage({ prefix }));
    if (p.startsWith("/__harness/vendor/")) return sendFile(req, res, VENDOR[p.slice("/__harness/vendor/".length)] ?? null);
    if (p === "/__harness/template.mjs") return precompiled(res, url);
    if (p === "/__harness/files") return files(req, res, url);
    if (p === "/__harness/csp-probe") {
      // A page with an inline script: under the strict CSP it must be blocked (selftest).
      return send(res, 200, "text/html; charset=utf-8", `<!DOCTYPE html><html><head><title>probe</title></head><body><script>document.title = "inline ran";</script></body></html>`);
    }
    return sendFile(req, res, fileForPath(p));
  };
}
