#!/usr/bin/env bash
# Runs every test of Familiar on a fresh Debian machine, installing what it lacks, and ends with one line
# "N passed, N failed". Exit status is non-zero when anything failed.
#   format and lint, native Rust tests, the supply-chain checks, a short fuzzing run, the release build (zip +
#   manifest), wasm tests in headless Chromium (and Firefox ESR when it can be had), the harness self-tests, the
#   end-to-end tests per Foundry version, and the raven's end-to-end suite again in Firefox ESR and WebKitGTK when
#   they can be had.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/tools/ensure.sh

artifacts=tests/artifacts
mkdir -p "$artifacts"
passed=0
failed=0
failures=()

# Adds the counts a test runner printed; a step whose runner printed none counts as one check.
count() {
  local name=$1 status=$2 log=$3 p f
  read -r p f < <(python3 tests/tools/count-results.py "$log")
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    if [ "$status" -eq 0 ]; then p=1; else f=1; fi
  elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # the runner reported only passes but still failed (a build error after some tests ran)
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    failures+=("$name")
    log "FAILED: $name ($f); last lines of $log:"
    tail -n 40 "$log" >&2
  else
    log "ok: $name ($p)"
  fi
}

step() {
  local name=$1
  shift
  local log="$artifacts/${name// /-}.log"
  log "running: $name"
  "$@" >"$log" 2>&1
  count "$name" $? "$log"
}

# A step whose data source cannot be reached from here exits 77: logged as skipped with its reason, counted neither way.
step_may_skip() {
  local name=$1
  shift
  local log="$artifacts/${name// /-}.log" status
  log "running: $name"
  "$@" >"$log" 2>&1
  status=$?
  if [ $status -eq 77 ]; then
    log "$(tail -n 1 "$log")"
  else
    count "$name" $status "$log"
  fi
}

ensure_wasm_toolchain
ensure_node_packages
ensure_chromium
if ! ensure_models >"$artifacts/models-install.log" 2>&1; then
  log "the embedding models could not be installed (see $artifacts/models-install.log); semantic tests skip"
fi
firefox_ok=0
if ensure_firefox >"$artifacts/firefox-install.log" 2>&1; then firefox_ok=1; else log "Firefox ESR or geckodriver unavailable; wasm tests run in Chromium only"; fi
webkit_ok=0
if ensure_webkit >"$artifacts/webkit-install.log" 2>&1; then webkit_ok=1; else log "WebKitGTK's WebKitWebDriver or Xvfb unavailable; the cross-browser suite skips Safari's engine"; fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt

step "cargo fmt" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
step "cargo test" cargo test --workspace
# Supply chain: deny.toml's licences, bans and sources always; advisories and npm audit where their sources answer.
step "cargo deny" tests/tools/supply-chain.sh deny
step_may_skip "cargo deny advisories" tests/tools/supply-chain.sh advisories
step_may_skip "npm audit" tests/tools/supply-chain.sh npm-audit
# Every parser of untrusted input under libFuzzer for 20 s each (fuzz/; the long run's figures are in BENCHMARKS.md).
step "fuzz" tests/tools/fuzz.sh 20
step "release build" ./www-build.sh
# The chat tests stream from our fake provider server; with-fake-provider.sh starts and stops it.
step "wasm tests chromium" env CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=180 \
  tests/tools/with-fake-provider.sh cargo test -p familiar-wasm --target wasm32-unknown-unknown
if [ $firefox_ok -eq 1 ]; then
  step "wasm tests firefox" env GECKODRIVER="$(command -v geckodriver)" WASM_BINDGEN_TEST_TIMEOUT=180 \
    tests/tools/with-fake-provider.sh cargo test -p familiar-wasm --target wasm32-unknown-unknown
fi
# A real OpenAI- and Anthropic-compatible server: the LiteLLM proxy from PyPI (installed on first use).
step "litellm proxy" tests/tools/with-litellm.sh cargo test -p familiar-cli --features litellm-tests --test litellm
# The GM's provider form and Ask view in headless Chromium against the same proxy (OpenAI and Anthropic formats).
step "litellm in the browser" tests/tools/with-litellm.sh node --test --test-reporter=tap --test-concurrency=1 tests/e2e-litellm/
step "harness self-tests" node --test --test-reporter=tap --test-concurrency=1 tests/harness/selftest/
step "end-to-end" node --test --test-reporter=tap --test-concurrency=1 tests/e2e/
# The raven's views by mouse and keyboard with axe-core, in Firefox ESR (geckodriver) and WebKitGTK, Safari's engine
# (WebKitWebDriver), through W3C WebDriver; an engine that cannot be had is skipped with a line saying so.
if [ $firefox_ok -eq 1 ]; then
  step "end-to-end firefox" env FAMILIAR_BROWSER=firefox node --test --test-reporter=tap --test-concurrency=1 tests/e2e-cross/
else
  log "skipped: end-to-end firefox (Firefox ESR or geckodriver unavailable; see $artifacts/firefox-install.log)"
fi
if [ $webkit_ok -eq 1 ]; then
  step "end-to-end webkit" env FAMILIAR_BROWSER=webkit node --test --test-reporter=tap --test-concurrency=1 tests/e2e-cross/
else
  log "skipped: end-to-end webkit (WebKitWebDriver or Xvfb unavailable; see $artifacts/webkit-install.log)"
fi

if [ ${#failures[@]} -gt 0 ]; then log "failed steps: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
