#!/usr/bin/env bash
# The supply-chain checks of tests/run.sh, one per call:
#   supply-chain.sh deny         cargo deny: licences, bans and sources (deny.toml), which need no network
#   supply-chain.sh advisories   cargo deny: RustSec advisories, when its database can be fetched or is cached
#   supply-chain.sh npm-audit    npm audit --audit-level=high of the test tooling (tests/package-lock.json)
# Exit status 77 means "skipped": the check's data source cannot be reached from here; the last line says why.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/tools/ensure.sh

SKIPPED=77
scratch=$(mktemp)
trap 'rm -f "$scratch"' EXIT

case "${1:-}" in
  deny)
    ensure_cargo_deny || exit 1
    exec cargo deny --locked check licenses bans sources
    ;;
  advisories)
    ensure_cargo_deny || exit 1
    db_root="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs"
    if cargo deny fetch db >"$scratch" 2>&1; then
      cargo deny --locked check advisories
      exit
    fi
    reason=$( (grep -m1 -E "^fatal" "$scratch" || grep -m1 -E "failed" "$scratch") | sed 's/^.*\] //' | cut -c1-160)
    # A database fetched earlier (on a machine that could reach it) is still checked against, with its age.
    if compgen -G "$db_root/advisory-db-*/crates" >/dev/null; then
      db=$(compgen -G "$db_root/advisory-db-*" | head -n1)
      log "advisory database unreachable; checking against the copy in $db (last change $(git -C "$db" log -1 --format=%cs 2>/dev/null || echo unknown))"
      cargo deny --locked check --disable-fetch advisories
      exit
    fi
    echo "skipped: RustSec advisories (its database is fetched from its git repository, which this machine cannot reach: ${reason:-fetch failed}); licences, bans and sources were checked"
    exit $SKIPPED
    ;;
  npm-audit)
    cd tests || exit 1
    npm audit --audit-level=high >"$scratch" 2>&1
    status=$?
    cat "$scratch"
    if [ $status -ne 0 ] && grep -qE "audit endpoint returned an error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN" "$scratch"; then
      reason=$(grep -m1 -E "npm (warn|error) audit|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN" "$scratch" | cut -c1-160)
      echo "skipped: npm audit (the registry's audit endpoint is unreachable from here: $reason)"
      exit $SKIPPED
    fi
    exit $status
    ;;
  *)
    echo "usage: $0 deny|advisories|npm-audit" >&2
    exit 2
    ;;
esac
