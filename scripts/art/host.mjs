// The browser host of ArtStudio (crates/wasm/src/art.rs): the Studio asks it to decode a provider's bytes, classify
// the checked pixels and encode the finished portrait or token, so the wasm carries no image codec. It holds no
// decision: the size and quality checks, the classifier's thresholds and what happens when the classifier cannot
// run (strict: the image is never shown) are Rust's.
//
//   decode(bytes)                      → {width, height, rgba}     createImageBitmap → OffscreenCanvas / <canvas>
//   classify({width, height, rgba})    → {drawing, hentai, neutral, porn, sexy}    classifier.mjs (nsfwjs, lazy)
//   encodeWebp(pixels, {lossless})     → {bytes, mime}             WebP where the browser encodes it, else PNG
//
// A classifier that fails to load or to answer rejects; the Studio records "not run" with the reason and, at
// strict, discards the image.

/** Lossy WebP quality for portraits; `lossless` asks for 1, which Chromium encodes as lossless WebP. */
const PORTRAIT_QUALITY = 0.9;

/** A 2D canvas of the given size: OffscreenCanvas where there is one (workers, every current browser), else <canvas>. */
function canvas(width, height) {
  if (typeof OffscreenCanvas === "function") return new OffscreenCanvas(width, height);
  const element = document.createElement("canvas");
  element.width = width;
  element.height = height;
  return element;
}

function context(surface) {
  // willReadFrequently keeps the pixels on the CPU side: we read them back once, whole.
  const ctx = surface.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("no 2D canvas context");
  return ctx;
}

/** PNG, JPEG or WebP bytes → RGBA pixels, exactly as stored (no colour-space conversion, no premultiplying). */
async function decodeImage(bytes) {
  const bitmap = await createImageBitmap(new Blob([bytes]), {
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  });
  try {
    const { width, height } = bitmap;
    const ctx = context(canvas(width, height));
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    return { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
}

function toBlob(surface, type, quality) {
  if (typeof surface.convertToBlob === "function") return surface.convertToBlob({ type, quality });
  return new Promise((resolve, reject) =>
    surface.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("canvas.toBlob gave nothing"))), type, quality),
  );
}

/**
 * RGBA pixels → WebP bytes, or PNG where the browser has no WebP encoder (Safari hands PNG back for image/webp).
 * `mime` says which; the Studio also reads it from the bytes, so the saved file's extension matches them.
 */
async function encodeImage({ width, height, rgba }, { lossless = false } = {}) {
  const surface = canvas(width, height);
  const pixels = new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height);
  context(surface).putImageData(pixels, 0, 0);
  const blob = await toBlob(surface, "image/webp", lossless ? 1 : PORTRAIT_QUALITY);
  return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type || "image/png" };
}

/** The classifier of scripts/art/classifier.mjs, loaded on first use only (nsfwjs and its model are large). */
let classifierModule = null;
async function classifyWithNsfwjs(pixels) {
  classifierModule ??= import("./classifier.mjs").catch((error) => {
    classifierModule = null; // try again next image: the network may be back
    throw new Error(`the image classifier could not load: ${error?.message ?? error}`);
  });
  const { classifyImage } = await classifierModule;
  return classifyImage(pixels);
}

/** The classifier every later host uses when none is passed; null restores nsfwjs. A page may put one that runs in a
 * worker here; tests script a verdict with it (e.g. a flagged image on the GM's page of a relayed request). */
let defaultClassifier = null;
export function useClassifier(classify) {
  defaultClassifier = typeof classify === "function" ? classify : null;
}

/**
 * The host object for `new ArtStudio(chain, settings, host)`. `classify` can be replaced (tests script it; a view
 * may pass a classifier that runs in a worker).
 */
export function createArtHost({ classify = defaultClassifier ?? classifyWithNsfwjs } = {}) {
  return {
    decode: (bytes) => decodeImage(bytes),
    classify: (pixels) => classify(pixels),
    encodeWebp: (pixels, options) => encodeImage(pixels, options),
  };
}
