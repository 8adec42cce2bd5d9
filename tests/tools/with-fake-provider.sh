#!/usr/bin/env bash
# Runs a command with the fake AI provider server (tests/fakes/provider-server.mjs) up on a free port, exported as
# FAMILIAR_FAKE_PROVIDER_URL=http://127.0.0.1:PORT, and stops the server afterwards whatever the command did.
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
# The server exits when its stdin closes: this descriptor keeps it open, so even a killed script stops the server.
exec 3>"$work/stdin"
stop() {
  exec 3>&-
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
port=""
for _ in $(seq 200); do
  port="$(head -n 1 "$work/stdout" 2>/dev/null || true)"
  [ -n "$port" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "with-fake-provider: the fake provider server did not start:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "with-fake-provider: the fake provider server printed no port within 10 s" >&2
  exit 1
fi
export FAMILIAR_FAKE_PROVIDER_URL="http://127.0.0.1:$port"
echo "with-fake-provider: $FAMILIAR_FAKE_PROVIDER_URL" >&2
"$@"
