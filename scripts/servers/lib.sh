# shellcheck shell=bash
# Shared helpers for scripts/servers/*.sh. Source it, do not run it.

SERVERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SERVERS_DIR/../.." && pwd)"
CACHE_DIR="${SERVERS_CACHE_DIR:-$REPO/.cache/servers}"
RUN_ROOT="${SERVERS_RUN_DIR:-$REPO/.cache/servers/run}"

log() { printf '[%s] %s\n' "${LOG_NAME:-servers}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' is required but not on PATH"
  done
}

now_s() { date +%s; }

# port_open HOST PORT -> 0 if a TCP connection succeeds
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1
}

# pid_alive PIDFILE -> 0 if the pid in the file is a live process
pid_alive() {
  local pidfile="$1" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# stop_pid NAME PIDFILE [GRACE_SECONDS] : SIGTERM, wait, then SIGKILL.
stop_pid() {
  local name="$1" pidfile="$2" grace="${3:-20}" pid i
  if ! pid_alive "$pidfile"; then
    log "$name is not running"
    rm -f "$pidfile"
    return 0
  fi
  pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not exit after ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
  log "$name stopped"
}

# tail_log FILE : print the end of a log for diagnostics
tail_log() {
  local f="$1"
  if [[ -f "$f" ]]; then
    log "---- last 60 lines of $f ----"
    tail -n 60 "$f" >&2 || true
    log "---- end of log ----"
  fi
}
