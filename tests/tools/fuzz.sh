#!/usr/bin/env bash
# Runs each cargo-fuzz target of fuzz/ for SECONDS on the stable toolchain (libFuzzer with --sanitizer none: Rust's
# own checks, the targets' assertions and debug assertions; the sanitizers would need nightly), starting from the
# seeds in fuzz/seeds/ and a corpus kept in the target directory between runs. Prints one line per target with
# libFuzzer's figures, then "fuzz result: N passed, N failed". A crash's input is kept under the artifacts folder.
#   tests/tools/fuzz.sh SECONDS [TARGET...]      e.g. tests/tools/fuzz.sh 20; tests/tools/fuzz.sh 300 image_decode
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/tools/ensure.sh

seconds=${1:?usage: $0 SECONDS [TARGET...]}
shift
ensure_cargo_fuzz || exit 1
work="${CARGO_TARGET_DIR:-$PWD/fuzz/target}/fuzz"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fuzz_flags=(--fuzz-dir fuzz --sanitizer none --debug-assertions --target-dir "$work/build")

log "building ${#targets[@]} fuzz targets: ${targets[*]}"
cargo fuzz build "${fuzz_flags[@]}" || exit 1

passed=0
failed=0
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target"
  artifacts="$work/artifacts/$target"
  output="$work/$target.log"
  # Crash inputs of an earlier run are this run's to find again: fixed ones belong in fuzz/seeds/ as regressions.
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  cargo fuzz run "${fuzz_flags[@]}" "$target" "$corpus" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$artifacts/" >"$output" 2>&1
  status=$?
  # libFuzzer's "stat::number_of_executed_units: N" (the name holds colons: take the last field).
  runs=$(awk '/^stat::number_of_executed_units/ { print $NF }' "$output" | tail -n1)
  done_line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$output" | tail -n1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$done_line")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$done_line")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$done_line")
  crashes=$(find "$artifacts" -type f | wc -l)
  if [ $status -eq 0 ] && [ "$crashes" -eq 0 ] && [ -n "$runs" ]; then
    passed=$((passed + 1))
    echo "fuzz $target: ok, ${runs} runs in ${seconds} s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, crashes 0"
  else
    failed=$((failed + 1))
    echo "fuzz $target: FAILED (exit $status, ${runs:-?} runs, crash inputs: $crashes in $artifacts); last lines:"
    tail -n 30 "$output"
  fi
done
echo "fuzz result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
