#!/usr/bin/env bash
# Start/stop the local Kafka broker and the MongoDB-protocol server (FerretDB) together.
#
#   all.sh start    fetch (cached) + start both, wait until ready, print the env lines
#   all.sh stop     stop both
#   all.sh status   status of both
#   all.sh env      print the env lines only
#   all.sh fetch    fetch/build both into the cache
#
# Typical use:  eval "$(scripts/servers/all.sh start | sed 's/^/export /')"
# Progress goes to stderr; stdout carries only the KEY=value lines.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

print_env() {
  "$HERE/kafka.sh" env
  "$HERE/mongo.sh" env
}

case "${1:-}" in
  start)
    "$HERE/kafka.sh" start >/dev/null
    if ! "$HERE/mongo.sh" start >/dev/null; then
      echo "[all] mongo failed to start; stopping kafka again" >&2
      "$HERE/kafka.sh" stop || true
      exit 1
    fi
    print_env
    ;;
  stop)
    rc=0
    "$HERE/mongo.sh" stop || rc=1
    "$HERE/kafka.sh" stop || rc=1
    exit "$rc"
    ;;
  status)
    rc=0
    "$HERE/kafka.sh" status || rc=1
    "$HERE/mongo.sh" status || rc=1
    exit "$rc"
    ;;
  fetch)
    "$HERE/kafka.sh" fetch
    "$HERE/mongo.sh" fetch
    ;;
  env) print_env ;;
  *)
    echo "usage: $0 start|stop|status|env|fetch" >&2
    exit 2
    ;;
esac
