#!/usr/bin/env bash
# Runs a command with the LiteLLM proxy (a real OpenAI- and Anthropic-compatible server, from PyPI) up on a free
# port with tests/litellm/config.yaml, exported as FAMILIAR_LITELLM_URL=http://127.0.0.1:PORT and
# FAMILIAR_LITELLM_KEY, and stops it afterwards whatever the command did. The proxy lives in a venv under
# ~/.cache/familiar/litellm (installed on first use, about 90 s); it makes no outbound connection.
#   tests/tools/with-litellm.sh cargo test -p familiar-cli --test litellm
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${FAMILIAR_LITELLM_VENV:-$HOME/.cache/familiar/litellm}"
if [ ! -x "$venv/bin/litellm" ]; then
  echo "with-litellm: installing litellm[proxy] into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'litellm[proxy]>=1.75,<2'
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
key="sk-familiar-test-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
log="$(mktemp)"
(
  cd "$root/tests/litellm"
  exec env LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_MASTER_KEY="$key" LITELLM_LOG=ERROR \
    "$venv/bin/litellm" --config config.yaml --host 127.0.0.1 --port "$port"
) >"$log" 2>&1 &
proxy=$!
stop() {
  kill "$proxy" 2>/dev/null || true
  wait "$proxy" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT
url="http://127.0.0.1:$port"
alive() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url/health/liveliness" 2>/dev/null; }
for _ in $(seq 240); do
  if alive; then break; fi
  if ! kill -0 "$proxy" 2>/dev/null; then
    echo "with-litellm: the proxy did not start:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 0.25
done
if ! alive; then
  echo "with-litellm: the proxy did not answer within 60 s:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
export FAMILIAR_LITELLM_URL="$url" FAMILIAR_LITELLM_KEY="$key"
echo "with-litellm: $url" >&2
"$@"
