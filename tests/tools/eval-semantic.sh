#!/usr/bin/env bash
# Scores the rules search on the question sets, lexical-only and with each installed embedding model (alone and
# fused), and prints a Markdown table for BENCHMARKS.md. Needs ../shared/pf2e (skipped without it) and a release
# `familiar` (FAMILIAR_BIN, default target/release/familiar). The first run per model embeds the corpus (minutes);
# later runs read the cached vectors.
#
# Usage: tests/tools/eval-semantic.sh [extra eval-rules flags...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shared="${FAMILIAR_SHARED:-$root/../shared/pf2e}"
bin="${FAMILIAR_BIN:-$root/target/release/familiar}"
models="${FAMILIAR_MODELS_DIR:-$HOME/.cache/familiar/models}"
if [ ! -f "$shared/rules-sample.jsonl" ]; then
  echo "skipped: $shared/rules-sample.jsonl not present"
  exit 0
fi

sets=("dev:$shared/questions-dev.jsonl" "tuning:$root/tests/retrieval/tuning-rules.jsonl"
  "held-out:$root/tests/retrieval/heldout-rules.jsonl")
configs=("lexical only|--lexical-only")
for dir in "$models"/*/; do
  [ -f "$dir/familiar-model.json" ] || continue
  id=$(basename "$dir")
  configs+=("$id alone|--model $dir --dense-only"
    "lexical + $id, plain RRF (k 60, weight 1)|--model $dir --dense-weight 1 --named-dense-weight 1"
    "lexical + $id, RRF gated by a named rule (default)|--model $dir"
    "the same, int8 vectors|--model $dir --int8")
done

printf '| configuration |'
for set in "${sets[@]}"; do printf ' %s hit@1 | hit@5 | MRR |' "${set%%:*}"; done
printf ' query p50 / p95 ms |\n|---|'
for _ in "${sets[@]}"; do printf -- '---|---|---|'; done
printf -- '---|\n'
for config in "${configs[@]}"; do
  name=${config%%|*}
  read -r -a flags <<<"${config#*|}"
  printf '| %s |' "$name"
  last=""
  for set in "${sets[@]}"; do
    file=${set#*:}
    if [ ! -f "$file" ]; then printf ' — | — | — |'; continue; fi
    last=$("$bin" eval-rules --corpus "$shared/rules-sample.jsonl" --questions "$file" "${flags[@]}" "$@")
    python3 -c 'import json,sys; a=json.loads(sys.argv[1]); print(" %.2f | %.2f | %.2f |" % (a["hitAt1"], a["hitAt5"], a["mrrAt10"]), end="")' "$last"
  done
  python3 -c 'import json,sys; a=json.loads(sys.argv[1]); print(" %.1f / %.1f |" % (a["queryMsP50"], a["queryMsP95"]))' "$last"
done
