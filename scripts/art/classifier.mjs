/**
 * The image classifier of the safety checks' third layer: nsfwjs's bundled MobileNetV2 model on TensorFlow.js, run
 * on the GM's machine before anyone sees a generated image. TensorFlow.js and the model (about 4.7 MB of script) are
 * vendored into `vendor/classifier.mjs` at build time and imported only on the first classification, relative to
 * this file (no package path, so a route prefix or another asset host works). Nothing in that bundle uses
 * eval or `new Function`, so it runs under the module's strict CSP.
 */

const VENDOR_URL = new URL("../../vendor/classifier.mjs", import.meta.url);

/**
 * Backends tried in order: TensorFlow.js's WebAssembly backend (SIMD where the browser has it; the CSP's
 * 'wasm-unsafe-eval' allows it), then WebGL, then the plain JavaScript CPU backend, which works everywhere but is
 * the slowest. BENCHMARKS.md (Art) has the figures behind this order.
 */
const DEFAULT_BACKENDS = Object.freeze(["wasm", "webgl", "cpu"]);

let loading = null;

/** The classes nsfwjs reports, as the keys the art core expects. */
const CLASS_KEYS = { Drawing: "drawing", Hentai: "hentai", Neutral: "neutral", Porn: "porn", Sexy: "sexy" };

async function loadClassifier(backends) {
  const { tf, load, MobileNetV2Model, setWasmPaths } = await import(VENDOR_URL.href);
  // The .wasm files sit beside the bundle; threads would need a cross-origin isolated page, and we ship no threaded
  // build, so the backend must not look for one.
  setWasmPaths(new URL("./", VENDOR_URL).href);
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  let backend = null;
  for (const name of backends) {
    // setBackend resolves false (or throws) when the backend cannot start, e.g. WebGL without a GL context.
    const started = await tf.setBackend(name).catch(() => false);
    if (started) {
      backend = name;
      break;
    }
  }
  if (!backend) throw new ClassifierError(`no TensorFlow.js backend started (tried ${backends.join(", ")})`);
  await tf.ready();
  const model = await load("MobileNetV2", { modelDefinitions: [MobileNetV2Model] });
  return { tf, model, backend };
}

/** The loaded classifier, loading it on the first call; a failed load is retried on the next call. */
export function classifier({ backends = DEFAULT_BACKENDS } = {}) {
  loading ??= loadClassifier(backends).catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

export class ClassifierError extends Error {
  name = "ClassifierError";
}

/**
 * Classifies decoded pixels: `{width, height, rgba}` (RGBA bytes, row-major) → the probability of each class,
 * `{drawing, hentai, neutral, porn, sexy}`, summing to about 1.
 */
export async function classifyImage({ width, height, rgba }) {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ClassifierError(`bad image size ${width}×${height}`);
  }
  const data = rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba);
  if (data.length !== width * height * 4) {
    throw new ClassifierError(`expected ${width * height * 4} RGBA bytes, got ${data.length}`);
  }
  const { tf, model } = await classifier();
  const pixels = tf.browser.fromPixels({ width, height, data });
  try {
    const predictions = await model.classify(pixels, Object.keys(CLASS_KEYS).length);
    const scores = { drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0 };
    for (const { className, probability } of predictions) {
      const key = CLASS_KEYS[className];
      if (key) scores[key] = probability;
    }
    return scores;
  } finally {
    pixels.dispose();
  }
}
