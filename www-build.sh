#!/usr/bin/env bash
# Builds Familiar into an installable Foundry module and, with `serve`, runs it in the Foundry harness.
#   ./www-build.sh          release wasm → wasm-bindgen → wasm-opt → dist/pf2e-familiar/, dist/pf2e-familiar-<version>.zip,
#                           dist/module.json, and the bundle's size raw, gzip and brotli
#   ./www-build.sh serve    the same, then the demo at http://127.0.0.1:30000 (PORT=... to change)
set -euo pipefail
cd "$(dirname "$0")"
source tests/tools/ensure.sh

mode="${1:-build}"
case "$mode" in
  build|serve) ;;
  *) echo "usage: $0 [serve]" >&2; exit 2 ;;
esac

ensure_wasm_toolchain
ensure_node_packages

version=$(python3 -c 'import json; print(json.load(open("module.json"))["version"])')
crate_version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
if [ "$version" != "$crate_version" ]; then
  echo "module.json version $version differs from the workspace version $crate_version" >&2
  exit 1
fi

log "building the release wasm"
cargo build --release --target wasm32-unknown-unknown -p familiar-wasm
target_dir=$(cargo_target_dir)

stage=dist/pf2e-familiar
rm -rf "$stage" "dist/pf2e-familiar-$version.zip" dist/module.json
mkdir -p "$stage/wasm"
log "wasm-bindgen --target web"
wasm-bindgen --target web --no-typescript --out-dir "$stage/wasm" \
  "$target_dir/wasm32-unknown-unknown/release/familiar_wasm.wasm"

# binaryen from npm: Debian's wasm-opt 108 corrupts wasm-bindgen 0.2.130 output.
# The optimised wasm is cached by the hash of its input, so a rebuild that changed only scripts skips it.
wasm_opt_flags=(-O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
opt_cache="$target_dir/wasm-opt-cache"
opt_key=$( (sha256sum "$stage/wasm/familiar_wasm_bg.wasm" | cut -d' ' -f1; echo "${wasm_opt_flags[*]}") \
  | sha256sum | cut -d' ' -f1)
if [ -f "$opt_cache/$opt_key.wasm" ]; then
  log "wasm-opt -O3 (unchanged input: cached result)"
  cp "$opt_cache/$opt_key.wasm" "$stage/wasm/familiar_wasm_bg.wasm"
else
  log "wasm-opt -O3"
  tests/node_modules/.bin/wasm-opt "${wasm_opt_flags[@]}" \
    "$stage/wasm/familiar_wasm_bg.wasm" -o "$stage/wasm/familiar_wasm_bg.opt.wasm"
  mv "$stage/wasm/familiar_wasm_bg.opt.wasm" "$stage/wasm/familiar_wasm_bg.wasm"
  mkdir -p "$opt_cache"
  find "$opt_cache" -name '*.wasm' -mtime +7 -delete
  cp "$stage/wasm/familiar_wasm_bg.wasm" "$opt_cache/$opt_key.wasm"
fi

# The sentence encoder of the semantic search: the same facade built with only its `embed` feature, loaded by a Web
# Worker on first use (scripts/rules/semantic-worker.mjs), never at start-up. Its own target directory, as its
# RUSTFLAGS may differ: FAMILIAR_EMBED_SIMD=1 builds it with wasm SIMD (simd128, which candle's gemm can use), to
# measure. Without is the default because it measured faster in Chromium: 199 against 255 ms a unit embedded, the
# same per question (BENCHMARKS.md, "The semantic layer in the browser").
embed_simd="${FAMILIAR_EMBED_SIMD:-0}"
embed_flags='--cfg getrandom_backend="wasm_js"'
embed_target="$target_dir/embed-nosimd"
embed_opt_flags=()
if [ "$embed_simd" = 1 ]; then
  embed_flags="$embed_flags -C target-feature=+simd128"
  embed_target="$target_dir/embed-simd"
  embed_opt_flags=(--enable-simd)
fi
log "building the sentence encoder's wasm (simd128: $embed_simd)"
CARGO_TARGET_DIR="$embed_target" CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$embed_flags" \
  cargo build --release --target wasm32-unknown-unknown -p familiar-wasm --no-default-features --features embed
mkdir -p "$stage/wasm-embed"
wasm-bindgen --target web --no-typescript --out-dir "$stage/wasm-embed" --out-name familiar_embed \
  "$embed_target/wasm32-unknown-unknown/release/familiar_wasm.wasm"
embed_wasm="$stage/wasm-embed/familiar_embed_bg.wasm"
embed_key=$( (sha256sum "$embed_wasm" | cut -d' ' -f1; echo "${wasm_opt_flags[*]} ${embed_opt_flags[*]}") \
  | sha256sum | cut -d' ' -f1)
if [ -f "$opt_cache/$embed_key.wasm" ]; then
  log "wasm-opt -O3 of the encoder (unchanged input: cached result)"
  cp "$opt_cache/$embed_key.wasm" "$embed_wasm"
else
  log "wasm-opt -O3 of the encoder"
  tests/node_modules/.bin/wasm-opt "${wasm_opt_flags[@]}" "${embed_opt_flags[@]}" "$embed_wasm" -o "$embed_wasm.opt"
  mv "$embed_wasm.opt" "$embed_wasm"
  mkdir -p "$opt_cache"
  cp "$embed_wasm" "$opt_cache/$embed_key.wasm"
fi

cp -r module.json scripts styles templates lang LICENSE README.md "$stage/"
# The shipped scripts without comments and layout; the repository keeps the readable sources.
log "minifying the scripts"
node tests/tools/minify-scripts.mjs "$stage"
log "vendoring the image classifier (TensorFlow.js + nsfwjs, loaded on first use)"
node tests/tools/vendor-classifier.mjs --stage "$stage"
log "listing the third-party licences (Rust crates in the wasm, npm packages in the classifier)"
node tests/tools/third-party-licenses.mjs --stage "$stage" --classifier dist/classifier-packages.json
node tests/tools/package-module.mjs --stage "$stage" --version "$version" --out dist
node tests/tools/sizes.mjs "$stage"

if [ "$mode" = serve ]; then
  port="${PORT:-30000}"
  packs=()
  shared="${FAMILIAR_SHARED:-../shared/pf2e}"
  if [ -d "$shared" ]; then
    packs=(--packs "$shared/rules-sample.jsonl" --packs "$shared/bestiary.jsonl" --packs-meta "$shared/packs.json")
    # The v14 profile's world: pf2e 8 (the remaster), when the sample is there.
    if [ -d "$shared/v8" ]; then
      packs+=(--pf2e8-packs "$shared/v8/rules-sample.jsonl" --pf2e8-packs "$shared/v8/bestiary.jsonl"
        --pf2e8-packs-meta "$shared/v8/packs.json")
    fi
  else
    log "$shared not found: the demo world has only its own small packs"
  fi
  log "serving the demo at http://127.0.0.1:$port (Ctrl-C stops)"
  exec node tests/harness/server.mjs --port "$port" --module-dir "$stage" "${packs[@]}"
fi
