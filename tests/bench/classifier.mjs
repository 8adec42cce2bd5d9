// Benchmark: the image classifier (scripts/art/classifier.mjs: nsfwjs MobileNetV2 on TensorFlow.js) on safe images,
// in headless Chromium through the harness under its strict CSP. The images: the raven artwork (the perch's SVG
// rendered at several sizes), generated patterns (gradients, stripes, noise, flesh-toned blobs — the hard case for a
// nudity classifier) and screenshots of the harness with Familiar's panel. Reports, per strictness, how many of them
// the Rust core's image limits would discard (all are safe, so every one is a false positive), and the time per image
// (the first call with the model load, then the median), per backend.
//   node tests/bench/classifier.mjs [--backends wasm,webgl,cpu] [--patterns 60]
import { parseArgs } from "node:util";
import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness } from "../support/harness.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { openPanel, showView } from "../e2e/panel-states.mjs";

const { values } = parseArgs({ options: { backends: { type: "string", default: "wasm,webgl,cpu" }, patterns: { type: "string", default: "60" } } });

// The most of each flagged class an image may score before the art core discards it: Strictness::image_limits in
// crates/art/src/safety/classifier.rs (keep in step).
const LIMITS = {
  strict: { porn: 0.2, hentai: 0.2, sexy: 0.35 },
  standard: { porn: 0.4, hentai: 0.4, sexy: 0.6 },
  relaxed: { porn: 0.6, hentai: 0.6, sexy: 0.85 },
};

/** A small deterministic PRNG (mulberry32) so every run classifies the same patterns. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKIN = [[255, 224, 196], [241, 194, 160], [224, 172, 130], [198, 134, 96], [141, 85, 60], [96, 58, 40]];

/** `count` generated RGBA images of 256×256 in eight families, two-thirds of the flesh-toned kind. */
function patterns(count) {
  const size = 256;
  const rand = random(20261201);
  const colour = () => [rand() * 255, rand() * 255, rand() * 255];
  const families = [
    ["gradient", (x, y, [a, b]) => a.map((v, i) => v + (b[i] - v) * ((x + y) / (2 * size)))],
    ["radial", (x, y, [a, b]) => a.map((v, i) => v + (b[i] - v) * Math.min(1, Math.hypot(x - 128, y - 128) / 180))],
    ["stripes", (x, y, [a, b], k) => ((Math.floor((x + y * k.tilt) / k.width) % 2 === 0) ? a : b)],
    ["checker", (x, y, [a, b], k) => (((Math.floor(x / k.width) + Math.floor(y / k.width)) % 2 === 0) ? a : b)],
    ["noise", (x, y, [a], k) => a.map((v) => v + (k.rand() - 0.5) * 120)],
    ["plasma", (x, y, [a, b], k) => a.map((v, i) => v + (b[i] - v) * (0.5 + 0.5 * Math.sin(x / k.width + Math.cos(y / (k.width * 1.3)))))],
    ["skin-blobs", (x, y, [a, b], k) => {
      const inside = k.blobs.some(([cx, cy, rx, ry]) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1);
      return inside ? a.map((v) => v * (0.85 + 0.15 * Math.sin(y / 40))) : b;
    }],
    ["skin-gradient", (x, y, [a, b]) => a.map((v, i) => v + (b[i] - v) * (y / size) ** 2)],
  ];
  return Array.from({ length: count }, (_, index) => {
    const [family, paint] = families[index % families.length];
    const fleshy = family.startsWith("skin") || index % 3 !== 0;
    const a = fleshy ? SKIN[Math.floor(rand() * SKIN.length)] : colour();
    const b = family === "skin-gradient" ? SKIN[Math.floor(rand() * SKIN.length)] : colour();
    const k = {
      width: 6 + Math.floor(rand() * 40),
      tilt: rand() * 2 - 1,
      rand,
      blobs: Array.from({ length: 2 + Math.floor(rand() * 3) }, () => [rand() * size, rand() * size, 30 + rand() * 70, 30 + rand() * 90]),
    };
    const rgba = new Uint8Array(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const [r, g, bl] = paint(x, y, [a, b], k);
        rgba.set([r, g, bl, 255].map((v) => Math.max(0, Math.min(255, Math.round(v)))), (y * size + x) * 4);
      }
    }
    return { name: `${family}-${index}`, kind: "pattern", width: size, height: size, rgba: Buffer.from(rgba).toString("base64") };
  });
}

/** Screenshots (PNG) of the harness: the raven alone at several sizes, the game page, the panel on each tab. */
async function screenshots(browser, harness) {
  const shots = [];
  for (const [profile, theme] of [["v13", "dark"], ["v13", "light"], ["v10", null]]) {
    const { page, context } = await openGame(browser, harness, { profile, query: theme ? { theme } : {} });
    const raven = page.locator("#familiar-raven");
    await raven.waitFor({ state: "visible" });
    shots.push({ name: `raven-${profile}-${theme ?? "default"}`, kind: "raven", png: await raven.screenshot() });
    shots.push({ name: `game-${profile}-${theme ?? "default"}`, kind: "screenshot", png: await page.screenshot() });
    await openPanel(page);
    for (const view of ["ask", "monster", "encounter", "about"]) {
      try {
        await showView(page, view);
      } catch {
        continue; // a view this user or profile does not offer
      }
      shots.push({ name: `panel-${view}-${profile}-${theme ?? "default"}`, kind: "screenshot", png: await page.locator("#familiar-panel").screenshot() });
    }
    await context.close();
  }
  // The raven large: the same SVG in a high-DPI context, so the classifier sees the artwork, not a 40-pixel icon.
  for (const scale of [3, 6]) {
    const context = await browser.newContext({ deviceScaleFactor: scale, viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    await page.goto(`${harness.url}/game?profile=v13`);
    const raven = page.locator("#familiar-raven");
    await raven.waitFor({ state: "visible" });
    shots.push({ name: `raven-x${scale}`, kind: "raven", png: await raven.screenshot() });
    await context.close();
  }
  return shots.map((shot) => ({ ...shot, png: shot.png.toString("base64") }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function flagged(scores, limits) {
  return Object.entries(limits).some(([cls, limit]) => !(scores[cls] <= limit));
}

requireBuild();
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
try {
  const images = [...(await screenshots(browser, harness)), ...patterns(Number(values.patterns))];
  const byKind = {};
  for (const image of images) (byKind[image.kind] ??= []).push(image);
  console.log(`${images.length} safe images: ${Object.entries(byKind).map(([kind, list]) => `${list.length} ${kind}`).join(", ")}`);
  for (const backend of values.backends.split(",")) {
    // A fresh page per backend: the classifier loads once per page.
    const { page, context } = await openGame(browser, harness, { profile: "v13" });
    const results = await page.evaluate(async ({ images, backend, base }) => {
      const module = await import(`${base}/scripts/art/classifier.mjs`);
      const started = performance.now();
      const loaded = await module.classifier({ backends: [backend] });
      const load = performance.now() - started;
      const decode = async (image) => {
        if (image.rgba) return { width: image.width, height: image.height, rgba: Uint8Array.from(atob(image.rgba), (c) => c.charCodeAt(0)) };
        const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(image.png), (c) => c.charCodeAt(0))], { type: "image/png" }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext("2d");
        context.drawImage(bitmap, 0, 0);
        const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
        return { width: bitmap.width, height: bitmap.height, rgba: new Uint8Array(data.buffer) };
      };
      const rows = [];
      for (const image of images) {
        const pixels = await decode(image);
        const t0 = performance.now();
        const scores = await module.classifyImage(pixels);
        rows.push({ name: image.name, kind: image.kind, width: pixels.width, height: pixels.height, scores, ms: performance.now() - t0 });
      }
      return { backend: loaded.backend, load, rows, csp: window.__harness.cspViolations.length };
    }, { images, backend, base: `${harness.url}/modules/pf2e-familiar` });
    await context.close();
    const times = results.rows.map((row) => row.ms);
    console.log(`\nbackend ${results.backend}: model load ${results.load.toFixed(0)} ms, first image ${times[0].toFixed(0)} ms (first call total ${(results.load + times[0]).toFixed(0)} ms), then median ${median(times.slice(1)).toFixed(0)} ms, max ${Math.max(...times.slice(1)).toFixed(0)} ms; CSP violations ${results.csp}`);
    for (const [strictness, limits] of Object.entries(LIMITS)) {
      const bad = results.rows.filter((row) => flagged(row.scores, limits));
      const perKind = Object.keys(byKind).map((kind) => `${kind} ${bad.filter((row) => row.kind === kind).length}/${byKind[kind].length}`).join(", ");
      console.log(`  ${strictness.padEnd(9)} false positives ${bad.length}/${results.rows.length} (${((100 * bad.length) / results.rows.length).toFixed(1)} %): ${perKind}${bad.length ? ` — ${bad.map((row) => row.name).join(", ")}` : ""}`);
    }
    const flaggedSum = (scores) => scores.porn + scores.hentai + scores.sexy;
    for (const cls of ["porn", "hentai", "sexy", "porn+hentai+sexy"]) {
      const scores = results.rows.map((row) => (cls.includes("+") ? flaggedSum(row.scores) : row.scores[cls])).sort((a, b) => a - b);
      console.log(`  ${cls.padEnd(16)} over the safe images: median ${median(scores).toFixed(3)}, p95 ${scores[Math.floor(0.95 * scores.length)].toFixed(3)}, max ${scores.at(-1).toFixed(3)}`);
    }
    if (process.env.CLASSIFIER_BENCH_DETAIL) for (const row of results.rows) console.log(`  ${row.name.padEnd(28)} ${Object.entries(row.scores).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(" ")}`);
  }
} finally {
  await closeBrowser(browser);
  await harness.close();
}
