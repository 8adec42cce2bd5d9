#!/usr/bin/env bash
# Runs a command with the fake AI provider server (tests/fakes/provider-server.mjs) and the fake image provider
# server (tests/fakes/image-server.mjs) up on free ports, exported as FAMILIAR_FAKE_PROVIDER_URL and
# FAMILIAR_FAKE_IMAGE_URL (http://127.0.0.1:PORT), and stops both afterwards whatever the command did.
# The command's exit status is this script's. Example:
#   tests/tools/with-fake-provider.sh cargo test -p familiar-wasm --target wasm32-unknown-unknown --test chat
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
mkfifo "$work/stdin"
node "$root/tests/fakes/provider-server.mjs" --port 0 <"$work/stdin" >"$work/stdout" 2>"$work/stderr" &
server=$!
node "$root/tests/fakes/image-server.mjs" --port 0 --exit-with-stdin yes <"$work/stdin" \
  >"$work/image-stdout" 2>"$work/image-stderr" &
image_server=$!
# The servers exit when their stdin closes: this descriptor keeps it open, so even a killed script stops them.
exec 3>"$work/stdin"
stop() {
  exec 3>&-
  kill "$server" "$image_server" 2>/dev/null || true
  wait "$server" "$image_server" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
# Waits for a server's first stdout line; `what` names it in errors.
first_line() {
  local pid="$1" out="$2" err="$3" what="$4" line=""
  for _ in $(seq 200); do
    line="$(head -n 1 "$out" 2>/dev/null || true)"
    [ -n "$line" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "with-fake-provider: the $what did not start:" >&2
      cat "$err" >&2
      return 1
    fi
    sleep 0.05
  done
  if [ -z "$line" ]; then
    echo "with-fake-provider: the $what printed nothing within 10 s" >&2
    return 1
  fi
  printf '%s\n' "$line"
}
port="$(first_line "$server" "$work/stdout" "$work/stderr" "fake provider server")"
image="$(first_line "$image_server" "$work/image-stdout" "$work/image-stderr" "fake image server")"
# The image server's first line is {"port": N, "url": "http://127.0.0.1:N"}.
image_port="$(printf '%s' "$image" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')"
if [ -z "$image_port" ]; then
  echo "with-fake-provider: the fake image server said $image" >&2
  exit 1
fi
export FAMILIAR_FAKE_PROVIDER_URL="http://127.0.0.1:$port"
export FAMILIAR_FAKE_IMAGE_URL="http://127.0.0.1:$image_port"
echo "with-fake-provider: $FAMILIAR_FAKE_PROVIDER_URL, images $FAMILIAR_FAKE_IMAGE_URL" >&2
"$@"
