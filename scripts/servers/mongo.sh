#!/usr/bin/env bash
# Local MongoDB-protocol server: FerretDB v1.24.2 built from the Go module proxy (no Docker, no
# mongod download needed), on a PostgreSQL cluster of its own (Debian's postgresql package,
# installed with apt-get when missing) or on SQLite files. See scripts/servers/README.md.
# The build applies the local fixes in scripts/servers/ferretdb/*.patch (see README).
#
#   mongo.sh fetch    build the ferretdb binary into the cache (idempotent, fast when cached)
#   mongo.sh start    fetch if needed, wipe data, start, wait until hello + ping answer ok
#   mongo.sh stop     SIGTERM, SIGKILL after 20 s
#   mongo.sh status   running or not (exit 0 when running)
#   mongo.sh env      print MONGO_URL=...
#
# Env: MONGO_BACKEND (postgresql | sqlite), MONGO_PG_PORT (MONGO_PORT + 1000),
#      MONGO_PORT (27018), MONGO_DB (tracker), MONGO_KEEP_DATA=1 (keep the data files),
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
MONGO_BACKEND="${MONGO_BACKEND:-postgresql}"
MONGO_PG_PORT="${MONGO_PG_PORT:-$((MONGO_PORT + 1000))}"

FCACHE="$CACHE_DIR/ferretdb"
BIN="$FCACHE/ferretdb"
MARKER="$FCACHE/.fetched"
PATCH_DIR="$SERVERS_DIR/ferretdb"
RUN_DIR="$RUN_ROOT/mongo"
DATA_DIR="$RUN_DIR/data"
STATE_DIR="$RUN_DIR/state"
LOG_FILE="$RUN_DIR/ferretdb.log"
PID_FILE="$RUN_DIR/ferretdb.pid"
PG_DIR="$RUN_DIR/pg"
PG_LOG="$RUN_DIR/postgres.log"

fetch_key() {
  # Rebuild whenever the version or one of our source patches changes.
  { echo "$FERRETDB_VERSION"; cat "$PATCH_DIR"/*.patch; } | sha256sum | cut -d' ' -f1
}

cmd_fetch() {
  local key
  [[ "$MONGO_BACKEND" == postgresql ]] && ensure_postgres
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

# The PostgreSQL server binaries: Debian keeps them out of PATH, under /usr/lib/postgresql/<major>.
pg_bin() {
  local dir
  for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
    [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && { echo "$dir"; return 0; }
  done
  return 1
}

ensure_postgres() {
  pg_bin >/dev/null && return 0
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is not available (or set MONGO_BACKEND=sqlite)"
  log "installing PostgreSQL from the Debian packages"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q postgresql >&2 ||
    { "${sudo[@]}" apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q postgresql >&2; } ||
    die "apt-get could not install postgresql"
  pg_bin >/dev/null || die "postgresql installed, but no initdb/pg_ctl found"
}

# PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user.
as_pg_user() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# A throwaway cluster for FerretDB: durability settings off, since the data is wiped at each start.
start_postgres() {
  local bin
  ensure_postgres
  bin="$(pg_bin)"
  port_open 127.0.0.1 "$MONGO_PG_PORT" && die "port $MONGO_PG_PORT (PostgreSQL) is already in use"
  if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
    mkdir -p "$PG_DIR"
    ((EUID == 0)) && chown postgres "$PG_DIR" "$RUN_DIR"
    as_pg_user "$bin/initdb" -D "$PG_DIR" -A trust -U postgres -E UTF8 >"$RUN_DIR/initdb.log" 2>&1 ||
      { tail_log "$RUN_DIR/initdb.log"; die "initdb failed"; }
  fi
  ((EUID == 0)) && touch "$PG_LOG" && chown postgres "$PG_LOG"
  as_pg_user "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t 60 start \
    -o "-p $MONGO_PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { tail_log "$PG_LOG"; die "PostgreSQL did not start"; }
  as_pg_user "$bin/psql" -q -h 127.0.0.1 -p "$MONGO_PG_PORT" -U postgres -d postgres \
    -c 'CREATE DATABASE ferretdb' >/dev/null 2>&1 || true
}

stop_postgres() {
  local bin
  [[ -f "$PG_DIR/postmaster.pid" ]] || return 0
  bin="$(pg_bin)" || return 0
  as_pg_user "$bin/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
}

cmd_start() {
  local t0 pid
  cmd_fetch
  need node
  # The start timeout is for the server coming up, not for a first fetch or build before it.
  t0="$(now_s)"
  if pid_alive "$PID_FILE"; then
    log "already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$MONGO_PORT"
    node "$SERVERS_DIR/mongo-ping.js" 127.0.0.1 "$MONGO_PORT" 5000 >/dev/null
    echo "MONGO_URL=$MONGO_URL"
    return 0
  fi
  rm -f "$PID_FILE"
  port_open 127.0.0.1 "$MONGO_PORT" && die "port $MONGO_PORT is already in use by another process"
  stop_postgres
  if [[ "${MONGO_KEEP_DATA:-0}" == "1" ]]; then
    log "MONGO_KEEP_DATA=1: keeping $DATA_DIR $PG_DIR"
  else
    rm -rf "$DATA_DIR" "$PG_DIR"
  fi
  mkdir -p "$DATA_DIR" "$STATE_DIR"
  local backend=()
  case "$MONGO_BACKEND" in
    postgresql)
      start_postgres
      backend=(--handler=postgresql "--postgresql-url=postgres://postgres@127.0.0.1:$MONGO_PG_PORT/ferretdb")
      ;;
    sqlite) backend=(--handler=sqlite "--sqlite-url=file:$DATA_DIR/") ;;
    *) die "MONGO_BACKEND is postgresql or sqlite, not '$MONGO_BACKEND'" ;;
  esac
  log "starting FerretDB $FERRETDB_VERSION ($MONGO_BACKEND) on 127.0.0.1:$MONGO_PORT, log: $LOG_FILE"
  nohup "$BIN" \
    "${backend[@]}" \
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
  stop_postgres
}

cmd_status() {
  if pid_alive "$PID_FILE"; then
    if node "$SERVERS_DIR/mongo-ping.js" 127.0.0.1 "$MONGO_PORT" 3000 >/dev/null 2>&1; then
      echo "mongo (ferretdb on $MONGO_BACKEND): running (pid $(cat "$PID_FILE")) on 127.0.0.1:$MONGO_PORT"
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
