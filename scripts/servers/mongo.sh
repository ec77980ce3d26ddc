#!/usr/bin/env bash
# Local MongoDB-protocol server: FerretDB v1.24.2 with its SQLite backend, built from the Go
# module proxy (no Docker, no mongod download needed). See scripts/servers/README.md.
# The build applies the local fixes in scripts/servers/ferretdb/*.patch (see README).
#
#   mongo.sh fetch    build the ferretdb binary into the cache (idempotent, fast when cached)
#   mongo.sh start    fetch if needed, wipe data, start, wait until hello + ping answer ok
#   mongo.sh stop     SIGTERM, SIGKILL after 20 s
#   mongo.sh status   running or not (exit 0 when running)
#   mongo.sh env      print MONGO_URL=...
#
# Env: MONGO_PORT (27018), MONGO_DB (tracker), MONGO_KEEP_DATA=1 (keep the SQLite files),
#      MONGO_START_TIMEOUT (120), MONGO_LOG_LEVEL (warn), MONGO_DEBUG_ADDR ('-' = off; FerretDB's
#      metrics/pprof HTTP listener would otherwise take 127.0.0.1:8088),
#      SERVERS_CACHE_DIR (<repo>/.cache/servers), SERVERS_RUN_DIR (<repo>/.cache/servers/run),
#      GOFLAGS / GOCACHE / GOMODCACHE / GOPROXY are honoured by the build.
set -euo pipefail

LOG_NAME=mongo
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

FERRETDB_MODULE=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2
MONGO_PORT="${MONGO_PORT:-27018}"
MONGO_DB="${MONGO_DB:-tracker}"
MONGO_START_TIMEOUT="${MONGO_START_TIMEOUT:-120}"
MONGO_LOG_LEVEL="${MONGO_LOG_LEVEL:-warn}"
MONGO_DEBUG_ADDR="${MONGO_DEBUG_ADDR:--}"
MONGO_URL="mongodb://127.0.0.1:$MONGO_PORT/$MONGO_DB"

FCACHE="$CACHE_DIR/ferretdb"
BIN="$FCACHE/ferretdb"
MARKER="$FCACHE/.fetched"
PATCH_DIR="$SERVERS_DIR/ferretdb"
RUN_DIR="$RUN_ROOT/mongo"
DATA_DIR="$RUN_DIR/data"
STATE_DIR="$RUN_DIR/state"
LOG_FILE="$RUN_DIR/ferretdb.log"
PID_FILE="$RUN_DIR/ferretdb.pid"

fetch_key() {
  # Rebuild whenever the version or one of our source patches changes.
  { echo "$FERRETDB_VERSION"; cat "$PATCH_DIR"/*.patch; } | sha256sum | cut -d' ' -f1
}

cmd_fetch() {
  local key
  key="$(fetch_key)"
  if [[ -x "$BIN" && -f "$MARKER" && "$(cat "$MARKER")" == "$key" ]]; then
    log "cached: $BIN"
    return 0
  fi
  need go patch
  local t0 json moddir src p
  t0="$(now_s)"
  log "downloading $FERRETDB_MODULE@$FERRETDB_VERSION from the Go module proxy"
  json="$(go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION")"
  moddir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$moddir" && -d "$moddir" ]] || { printf '%s\n' "$json" >&2; die "go mod download gave no module dir"; }
  # The module cache is read-only and lacks the generated build/version/version.txt, without
  # which the binary panics at start (FerretDB issue #2982): build from a writable copy.
  mkdir -p "$FCACHE"
  src="$FCACHE/src"
  rm -rf "$src" "$MARKER"
  cp -R "$moddir" "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  echo "local-build" >"$src/build/version/package.txt"
  for p in "$PATCH_DIR"/*.patch; do
    log "applying $(basename "$p")"
    patch -s -p1 -d "$src" <"$p" || die "patch $p does not apply"
  done
  log "building ferretdb (takes ~1.5 min on 2 cores when the Go build cache is cold)"
  (cd "$src" && CGO_ENABLED=0 go build -buildvcs=false -o "$BIN.tmp" ./cmd/ferretdb)
  mv -f "$BIN.tmp" "$BIN"
  rm -rf "$src"
  # Captured first: with pipefail, `| grep -q` can fail the pipeline by SIGPIPE after a match.
  local version
  version="$("$BIN" --version 2>&1)"
  [[ "$version" == *"$FERRETDB_VERSION"* ]] || die "built binary reports a wrong version: $version"
  echo "$key" >"$MARKER"
  log "built $BIN in $(($(now_s) - t0))s"
}

cmd_start() {
  local t0 pid
  t0="$(now_s)"
  cmd_fetch
  need node
  if pid_alive "$PID_FILE"; then
    log "already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$MONGO_PORT"
    node "$SERVERS_DIR/mongo-ping.js" 127.0.0.1 "$MONGO_PORT" 5000 >/dev/null
    echo "MONGO_URL=$MONGO_URL"
    return 0
  fi
  rm -f "$PID_FILE"
  port_open 127.0.0.1 "$MONGO_PORT" && die "port $MONGO_PORT is already in use by another process"
  if [[ "${MONGO_KEEP_DATA:-0}" == "1" ]]; then
    log "MONGO_KEEP_DATA=1: keeping $DATA_DIR"
  else
    rm -rf "$DATA_DIR"
  fi
  mkdir -p "$DATA_DIR" "$STATE_DIR"
  log "starting FerretDB $FERRETDB_VERSION (sqlite) on 127.0.0.1:$MONGO_PORT, log: $LOG_FILE"
  nohup "$BIN" \
    --handler=sqlite \
    --sqlite-url="file:$DATA_DIR/" \
    --listen-addr="127.0.0.1:$MONGO_PORT" \
    --state-dir="$STATE_DIR" \
    --debug-addr="$MONGO_DEBUG_ADDR" \
    --telemetry=disable \
    --log-level="$MONGO_LOG_LEVEL" \
    >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  pid="$(cat "$PID_FILE")"
  until port_open 127.0.0.1 "$MONGO_PORT" &&
    node "$SERVERS_DIR/mongo-ping.js" 127.0.0.1 "$MONGO_PORT" 3000 >/dev/null 2>"$RUN_DIR/ping.err"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail_log "$LOG_FILE"
      rm -f "$PID_FILE"
      die "ferretdb exited during startup"
    fi
    if (($(now_s) - t0 >= MONGO_START_TIMEOUT)); then
      cat "$RUN_DIR/ping.err" >&2 2>/dev/null || true
      tail_log "$LOG_FILE"
      die "not answering hello/ping after ${MONGO_START_TIMEOUT}s (left running, pid $pid; run '$0 stop')"
    fi
    sleep 0.3
  done
  log "ready in $(($(now_s) - t0))s (pid $pid)"
  echo "MONGO_URL=$MONGO_URL"
}

cmd_stop() {
  stop_pid ferretdb "$PID_FILE" 20
}

cmd_status() {
  if pid_alive "$PID_FILE"; then
    if node "$SERVERS_DIR/mongo-ping.js" 127.0.0.1 "$MONGO_PORT" 3000 >/dev/null 2>&1; then
      echo "mongo (ferretdb): running (pid $(cat "$PID_FILE")) on 127.0.0.1:$MONGO_PORT"
    else
      echo "mongo (ferretdb): process running (pid $(cat "$PID_FILE")) but not answering ping"
    fi
    return 0
  fi
  echo "mongo (ferretdb): stopped"
  return 1
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) echo "MONGO_URL=$MONGO_URL" ;;
  *)
    echo "usage: $0 fetch|start|stop|status|env" >&2
    exit 2
    ;;
esac
