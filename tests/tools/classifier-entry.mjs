// The entry of the image classifier's vendored bundle (`vendor/classifier.mjs` in the staged module), built by
// www-build.sh with esbuild: TensorFlow.js, nsfwjs's core and its bundled MobileNetV2 model (weights as JS) in one
// ES module that scripts/art/classifier.mjs imports only when art is first classified, with TensorFlow.js's WebAssembly
// backend (its .wasm files are copied beside the bundle).
export * as tf from "@tensorflow/tfjs";
export { load } from "nsfwjs/core";
export { MobileNetV2Model } from "nsfwjs/models/mobilenet_v2";
export { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
