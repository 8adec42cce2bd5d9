// MIME types for everything the harness serves. `application/wasm` matters: without it
// WebAssembly.instantiateStreaming rejects and wasm-bindgen falls back to a slower path.
// Templates (.hbs/.html) go out as text/html, as Foundry's static server does for them
// (guess: Foundry's server sets types by extension through its static middleware).
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".hbs": "text/html; charset=utf-8",
  ".handlebars": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webp": "image/webp",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".zip": "application/zip",
};

export function mimeType(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}
